//! What kind of image a file is and how large, from its first bytes (no image crate): PNG,
//! JPEG, GIF, WebP, AVIF. Used to check downloaded images and to give `<img>` its
//! `width`/`height`.

use std::io::Read as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    Webp,
    Avif,
}

impl ImageKind {
    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Gif => "gif",
            ImageKind::Webp => "webp",
            ImageKind::Avif => "avif",
        }
    }
}

/// The kind of image `bytes` start with, by their magic bytes.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(ImageKind::Gif)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageKind::Webp)
    } else if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(&bytes[8..12], b"avif" | b"avis")
    {
        Some(ImageKind::Avif)
    } else {
        None
    }
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}
fn le16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}
fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 3)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}
fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Width and height in pixels, when the header says (AVIF is not read).
pub fn dimensions(b: &[u8]) -> Option<(u32, u32)> {
    let (w, h) = match sniff(b)? {
        ImageKind::Png => (be32(b, 16)?, be32(b, 20)?),
        ImageKind::Gif => (le16(b, 6)?, le16(b, 8)?),
        ImageKind::Jpeg => jpeg(b)?,
        ImageKind::Webp => match b.get(12..16)? {
            b"VP8 " => (le16(b, 26)? & 0x3FFF, le16(b, 28)? & 0x3FFF),
            b"VP8L" => {
                let bits = u32::from_le_bytes(b.get(21..25)?.try_into().ok()?);
                ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
            }
            b"VP8X" => (le24(b, 24)? + 1, le24(b, 27)? + 1),
            _ => return None,
        },
        ImageKind::Avif => return None,
    };
    (w > 0 && h > 0).then_some((w, h))
}

/// A JPEG's size from its first start-of-frame marker.
fn jpeg(b: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        while *b.get(at)? != 0xFF {
            at += 1;
        }
        while *b.get(at)? == 0xFF {
            at += 1;
        }
        let marker = *b.get(at)?;
        at += 1;
        if matches!(marker, 0xD8 | 0x01 | 0xD0..=0xD7) {
            continue;
        }
        let len = be16(b, at)? as usize;
        let sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if sof {
            return Some((be16(b, at + 5)?, be16(b, at + 3)?));
        }
        if len < 2 {
            return None;
        }
        at += len;
    }
}

/// [`dimensions`] of a file, reading at most its first 256 KiB.
pub fn file_dimensions(path: &Path) -> Option<(u32, u32)> {
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(256 * 1024)
        .read_to_end(&mut head)
        .ok()?;
    dimensions(&head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_from_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(640u32.to_be_bytes());
        png.extend(360u32.to_be_bytes());
        assert_eq!(sniff(&png), Some(ImageKind::Png));
        assert_eq!(dimensions(&png), Some((640, 360)));

        let gif = b"GIF89a\x20\x03\x58\x02";
        assert_eq!(dimensions(gif), Some((800, 600)));

        // SOI, an APP0 of 16 bytes, then SOF0 with height 300 and width 400.
        let mut jpg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        jpg.extend([0; 14]);
        jpg.extend([0xFF, 0xC0, 0, 17, 8, 0x01, 0x2C, 0x01, 0x90]);
        assert_eq!(dimensions(&jpg), Some((400, 300)));

        let mut webp = b"RIFF\0\0\0\0WEBPVP8X".to_vec();
        webp.extend([0; 8]);
        webp.extend([0x7F, 0x02, 0x00, 0x67, 0x01, 0x00]);
        assert_eq!(dimensions(&webp), Some((640, 360)));

        assert_eq!(sniff(b"<svg xmlns="), None);
        assert_eq!(dimensions(b"\x89PNG\r\n\x1a\n"), None);
    }
}

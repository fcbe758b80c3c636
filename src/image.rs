//! Raster images, read by their bytes only: which kind a file is (its magic bytes, never its
//! name or a server's word for it) and its size in pixels (from its header: PNG `IHDR`, JPEG
//! `SOFn` with the EXIF orientation, GIF's screen descriptor, WebP `VP8 `/`VP8L`/`VP8X`).
//! No decoding and no crate: `convert --fetch-images` uses [`sniff`] to accept a download, and
//! `build` uses [`file_dimensions`] for the `width`/`height` of a bundle's images.
//!
//! The kinds are an allow-list of the formats browsers show: SVG is not one of them (it can
//! carry script), nor are BMP, TIFF or ICO.

use std::io::Read as _;
use std::path::Path;

/// The raster formats accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    Webp,
    Avif,
}

impl ImageKind {
    /// Every kind, in the order `Accept` headers list them.
    pub const ALL: [ImageKind; 5] = [
        ImageKind::Avif,
        ImageKind::Webp,
        ImageKind::Png,
        ImageKind::Jpeg,
        ImageKind::Gif,
    ];

    /// The file extension files of this kind are given (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Gif => "gif",
            ImageKind::Webp => "webp",
            ImageKind::Avif => "avif",
        }
    }

    /// The media type (`image/png`).
    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Gif => "image/gif",
            ImageKind::Webp => "image/webp",
            ImageKind::Avif => "image/avif",
        }
    }

    /// The kind a `Content-Type` value names (`image/jpeg; charset=…` too, any case); `None`
    /// for anything else, `image/svg+xml` included.
    pub fn from_mime(content_type: &str) -> Option<ImageKind> {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        ImageKind::ALL.into_iter().find(|k| k.mime() == essence)
    }
}

/// The kind of image `bytes` start with, by their magic bytes.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(ImageKind::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(ImageKind::Gif)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageKind::Webp)
    } else if is_avif(bytes) {
        Some(ImageKind::Avif)
    } else {
        None
    }
}

/// An ISO-BMFF `ftyp` box whose major or a compatible brand is `avif` (still) or `avis`
/// (sequence).
fn is_avif(bytes: &[u8]) -> bool {
    if bytes.len() < 16 || &bytes[4..8] != b"ftyp" {
        return false;
    }
    let size = be32(bytes, 0).unwrap_or(0) as usize;
    let end = size.clamp(16, bytes.len().min(256));
    let brand = |at: usize| matches!(bytes.get(at..at + 4), Some(b"avif" | b"avis"));
    // Major brand at 8, minor version at 12, compatible brands from 16.
    brand(8) || (16..end).step_by(4).any(brand)
}

/// Width and height in pixels, as a browser shows the image (a JPEG's EXIF rotation by a
/// quarter turn swaps them). `None` when the header is cut, damaged or says 0, and for AVIF
/// (its size is in a box of the item the file names as primary: not read here).
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let (w, h) = match sniff(bytes)? {
        ImageKind::Png => png(bytes)?,
        ImageKind::Jpeg => jpeg(bytes)?,
        ImageKind::Gif => (le16(bytes, 6)?.into(), le16(bytes, 8)?.into()),
        ImageKind::Webp => webp(bytes)?,
        ImageKind::Avif => return None,
    };
    (w > 0 && h > 0).then_some((w, h))
}

/// How much of a file [`file_dimensions`] reads: a JPEG's EXIF block (with its thumbnail)
/// comes before the frame header and is at most 64 KiB; a few of them fit.
const HEADER_BYTES: u64 = 256 * 1024;

/// [`dimensions`] of the file at `path`, reading at most its first 256 KiB; `None` when it
/// cannot be read or is not an image of a known kind.
pub fn file_dimensions(path: &Path) -> Option<(u32, u32)> {
    let file = std::fs::File::open(path).ok()?;
    let mut head = Vec::with_capacity(8 * 1024);
    file.take(HEADER_BYTES).read_to_end(&mut head).ok()?;
    dimensions(&head)
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 3)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

/// The `IHDR` chunk, which the format puts first.
fn png(b: &[u8]) -> Option<(u32, u32)> {
    (b.get(12..16)? == b"IHDR").then_some(())?;
    Some((be32(b, 16)?, be32(b, 20)?))
}

/// The `VP8 ` (lossy), `VP8L` (lossless) or `VP8X` (extended: the canvas) chunk after the
/// RIFF header.
fn webp(b: &[u8]) -> Option<(u32, u32)> {
    match b.get(12..16)? {
        b"VP8 " => {
            // Frame tag (3 bytes), then the start code 9d 01 2a, then 14-bit sizes.
            (b.get(23..26)? == [0x9d, 0x01, 0x2a]).then_some(())?;
            Some((
                u32::from(le16(b, 26)? & 0x3fff),
                u32::from(le16(b, 28)? & 0x3fff),
            ))
        }
        b"VP8L" => {
            (*b.get(20)? == 0x2f).then_some(())?;
            let bits = u32::from_le_bytes(b.get(21..25)?.try_into().ok()?);
            Some(((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1))
        }
        b"VP8X" => Some((le24(b, 24)? + 1, le24(b, 27)? + 1)),
        _ => None,
    }
}

/// Walks the markers to the first start-of-frame (`SOF0`–`SOF15` but `DHT`, `JPG`, `DAC`),
/// noting the EXIF orientation on the way.
fn jpeg(b: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    let mut quarter_turn = false;
    loop {
        // Markers may be padded with any number of 0xff.
        while *b.get(at)? == 0xff && *b.get(at + 1)? == 0xff {
            at += 1;
        }
        (*b.get(at)? == 0xff).then_some(())?;
        let marker = *b.get(at + 1)?;
        at += 2;
        match marker {
            // Standalone markers: no length.
            0x01 | 0xd0..=0xd7 => continue,
            // End of image or start of scan before any frame: no size to be had.
            0xd9 | 0xda => return None,
            _ => {}
        }
        let len = usize::from(be16(b, at)?);
        if len < 2 {
            return None;
        }
        let segment = b.get(at + 2..(at + len).min(b.len()))?;
        match marker {
            0xc0..=0xcf if !matches!(marker, 0xc4 | 0xc8 | 0xcc) => {
                // Precision (1 byte), height, width.
                let (h, w) = (u32::from(be16(segment, 1)?), u32::from(be16(segment, 3)?));
                return Some(if quarter_turn { (h, w) } else { (w, h) });
            }
            0xe1 if segment.starts_with(b"Exif\0\0") => {
                quarter_turn = matches!(exif_orientation(&segment[6..]), Some(5..=8));
            }
            _ => {}
        }
        at += len;
    }
}

/// The orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block.
fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let s: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if big {
            u16::from_be_bytes(s)
        } else {
            u16::from_le_bytes(s)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let s: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(s)
        } else {
            u32::from_le_bytes(s)
        })
    };
    let ifd = u32_at(4)? as usize;
    let entries = usize::from(u16_at(ifd)?);
    (0..entries.min(256)).find_map(|i| {
        let e = ifd + 2 + i * 12;
        (u16_at(e)? == 0x0112).then(|| u16_at(e + 8)).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG's signature and `IHDR` chunk (no image data: enough for the header readers).
    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&[8, 6, 0, 0, 0]);
        b
    }

    /// A JPEG with an `APP0` segment, optionally an EXIF orientation, then a baseline or
    /// progressive frame header.
    fn jpeg(w: u16, h: u16, sof: u8, orientation: Option<u16>) -> Vec<u8> {
        let mut b = vec![0xff, 0xd8];
        b.extend_from_slice(&[0xff, 0xe0, 0, 16]);
        b.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        if let Some(o) = orientation {
            // Big-endian TIFF: header, IFD0 at 8 with one entry (orientation, SHORT, 1).
            let mut tiff = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
            tiff.extend_from_slice(&o.to_be_bytes());
            tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
            let len = (2 + 6 + tiff.len()) as u16;
            b.extend_from_slice(&[0xff, 0xe1]);
            b.extend_from_slice(&len.to_be_bytes());
            b.extend_from_slice(b"Exif\0\0");
            b.extend_from_slice(&tiff);
        }
        // A DHT-like segment that is no frame (0xc4), then padding 0xff, then the frame.
        b.extend_from_slice(&[0xff, 0xc4, 0, 3, 0]);
        b.extend_from_slice(&[0xff, 0xff, sof, 0, 11, 8]);
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&[1, 1, 0x11, 0]);
        b
    }

    #[test]
    fn png_size_is_read_from_ihdr() {
        assert_eq!(sniff(&png(640, 480)), Some(ImageKind::Png));
        assert_eq!(dimensions(&png(640, 480)), Some((640, 480)));
        assert_eq!(dimensions(&png(0, 480)), None, "a zero side is no size");
        assert_eq!(dimensions(&png(640, 480)[..20]), None, "cut header");
    }

    #[test]
    fn jpeg_size_is_read_from_the_frame_header_baseline_or_progressive() {
        let baseline = jpeg(1200, 800, 0xc0, None);
        assert_eq!(sniff(&baseline), Some(ImageKind::Jpeg));
        assert_eq!(dimensions(&baseline), Some((1200, 800)));
        assert_eq!(dimensions(&jpeg(300, 200, 0xc2, None)), Some((300, 200)));
        assert_eq!(
            dimensions(&baseline[..baseline.len() - 6]),
            None,
            "the frame header is cut"
        );
    }

    #[test]
    fn a_jpeg_turned_a_quarter_by_exif_swaps_its_sides() {
        assert_eq!(
            dimensions(&jpeg(1200, 800, 0xc0, Some(6))),
            Some((800, 1200))
        );
        assert_eq!(
            dimensions(&jpeg(1200, 800, 0xc0, Some(3))),
            Some((1200, 800))
        );
    }

    #[test]
    fn a_jpeg_whose_scan_comes_before_any_frame_has_no_size() {
        let b = [0xff, 0xd8, 0xff, 0xda, 0, 2, 0xff, 0xd9];
        assert_eq!(dimensions(&b), None);
    }

    #[test]
    fn gif_size_is_the_logical_screen() {
        let b = b"GIF89a\x40\x01\xf0\x00\x00\x00\x00";
        assert_eq!(sniff(b), Some(ImageKind::Gif));
        assert_eq!(dimensions(b), Some((320, 240)));
        assert_eq!(dimensions(b"GIF87a\x01\x00"), None, "cut");
    }

    #[test]
    fn webp_size_from_each_of_its_three_chunk_kinds() {
        let riff = |chunk: &[u8], payload: &[u8]| {
            let mut b = b"RIFF\0\0\0\0WEBP".to_vec();
            b.extend_from_slice(chunk);
            b.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            b.extend_from_slice(payload);
            b
        };
        // Lossy: frame tag, start code, 14-bit width and height (scale bits set, ignored).
        let lossy = riff(
            b"VP8 ",
            &[0, 0, 0, 0x9d, 0x01, 0x2a, 0x80, 0x42, 0x68, 0x41],
        );
        assert_eq!(sniff(&lossy), Some(ImageKind::Webp));
        assert_eq!(dimensions(&lossy), Some((640, 360)));
        // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
        let bits: u32 = (100 - 1) | ((50 - 1) << 14);
        let mut payload = vec![0x2f];
        payload.extend_from_slice(&bits.to_le_bytes());
        assert_eq!(dimensions(&riff(b"VP8L", &payload)), Some((100, 50)));
        // Extended: flags, reserved, canvas width-1 and height-1 in 24 bits each.
        let payload = [0x10, 0, 0, 0, 0x7f, 0x07, 0, 0x37, 0x04, 0];
        assert_eq!(dimensions(&riff(b"VP8X", &payload)), Some((1920, 1080)));
        assert_eq!(dimensions(&riff(b"ALPH", &payload)), None);
    }

    #[test]
    fn avif_is_known_by_its_brand_and_has_no_size_here() {
        let b = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf";
        assert_eq!(sniff(b), Some(ImageKind::Avif));
        let compatible = b"\0\0\0\x18ftypmif1\0\0\0\0mif1avif";
        assert_eq!(sniff(compatible), Some(ImageKind::Avif));
        assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0isomavc1"), None, "an MP4");
        assert_eq!(dimensions(b), None);
    }

    #[test]
    fn markup_and_svg_are_no_image() {
        for b in [
            &b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"[..],
            b"<?xml version=\"1.0\"?><svg/>",
            b"<!doctype html><html><body>Not found</body></html>",
            b"",
            b"\x89PN",
            b"BM\x36\0\0\0",
        ] {
            assert_eq!(sniff(b), None, "{}", String::from_utf8_lossy(b));
        }
        assert_eq!(ImageKind::from_mime("image/svg+xml"), None);
        assert_eq!(ImageKind::from_mime("text/html; charset=utf-8"), None);
        assert_eq!(
            ImageKind::from_mime("Image/JPEG; charset=binary"),
            Some(ImageKind::Jpeg)
        );
    }

    #[test]
    fn a_file_is_read_only_as_far_as_its_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.png");
        let mut bytes = png(33, 17);
        bytes.resize(1024 * 1024, 0);
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(file_dimensions(&path), Some((33, 17)));
        assert_eq!(file_dimensions(&dir.path().join("missing.png")), None);
    }
}

//! A Markdown article (front matter title + body) as the [`Document`] parts `tag` reads, for
//! re-tagging files that are already written. Headings, italic-only paragraphs (captions),
//! list items and paragraphs map to the parts `convert` gives for the same article.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::Part;

/// The title and the body's blocks as (part, plain text).
pub fn parts(title: &str, body: &str) -> Vec<(Part, String)> {
    let mut out = Vec::new();
    if !title.trim().is_empty() {
        out.push((Part::Title, title.trim().to_string()));
    }
    let mut text = String::new();
    let mut part: Option<Part> = None;
    // Whether all text of the current paragraph is emphasised (a caption).
    let mut emphasis = 0usize;
    let mut plain = false;
    let mut list_depth = 0usize;
    for event in Parser::new(body) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                part = Some(Part::Heading);
                text.clear();
            }
            Event::Start(Tag::Paragraph) => {
                part = Some(if list_depth > 0 {
                    Part::ListItem
                } else {
                    Part::Paragraph
                });
                text.clear();
                plain = false;
            }
            Event::Start(Tag::Item) => list_depth += 1,
            Event::End(TagEnd::Item) => {
                list_depth = list_depth.saturating_sub(1);
                if !text.trim().is_empty() {
                    out.push((Part::ListItem, std::mem::take(&mut text).trim().to_string()));
                }
                part = None;
            }
            Event::Start(Tag::Emphasis) => emphasis += 1,
            Event::End(TagEnd::Emphasis) => emphasis = emphasis.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => {
                if emphasis == 0 && !t.trim().is_empty() {
                    plain = true;
                }
                text.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Heading(_)) | Event::End(TagEnd::Paragraph) => {
                let p = match part {
                    Some(Part::Paragraph) if !plain => Part::Caption,
                    Some(p) => p,
                    None => Part::Paragraph,
                };
                if !text.trim().is_empty() && !(p == Part::ListItem) {
                    out.push((p, std::mem::take(&mut text).trim().to_string()));
                }
                if p != Part::ListItem {
                    text.clear();
                }
                part = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_get_their_parts() {
        let body = "第一段，\\*转义\\*。\n\n## 小标题\n\n*说明 | 图片来源：X*\n\n- 一\n- 二\n\n最后一段。\n";
        let p = parts("标题", body);
        assert_eq!(
            p,
            [
                (Part::Title, "标题".to_string()),
                (Part::Paragraph, "第一段，*转义*。".to_string()),
                (Part::Heading, "小标题".to_string()),
                (Part::Caption, "说明 | 图片来源：X".to_string()),
                (Part::ListItem, "一".to_string()),
                (Part::ListItem, "二".to_string()),
                (Part::Paragraph, "最后一段。".to_string()),
            ]
        );
    }
}

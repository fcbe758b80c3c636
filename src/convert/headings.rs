//! Roles of kept blocks: section headings (without their numbering), captions, list items.
//!
//! Headings come in the forms the data sets show: `01潜在的竞争暗流涌动`, `一、…`, `1. …`,
//! `Part 2: …`, a number alone on the line above the heading, all-caps lines, a line that is a
//! whole bold phrase, and short standalone lines between paragraphs.

use super::blocks::{
    Block, Decision, Hint, Role, bullet_text, ends_sentence, is_prose, units, words,
};
use crate::rules::{Captions, Rules};
use crate::text::Marks;

/// Content and credit of an image caption (`说明 | 图片来源:X`); `None` for other lines.
/// The credit words are `rules/bylines.toml`'s `caption_*`.
pub fn caption<'t>(c: &Captions, text: &'t str) -> Option<(&'t str, &'t str)> {
    if let Some(caps) = c.labelled.captures(text) {
        let c = caps.name("c")?;
        if units(c.as_str()) >= 6 && !c.as_str().ends_with(['。', '.']) {
            let credit = caps.name("credit")?;
            return Some((c.as_str(), credit.as_str()));
        }
    }
    // `Samsung unveiled the Fold6 in Paris. Source: Samsung`
    if let Some(caps) = c.after_sentence.captures(text) {
        let (c, credit) = (caps.name("c")?, caps.name("credit")?);
        if units(c.as_str()) >= 4 && units(c.as_str()) <= 120 {
            return Some((c.as_str(), credit.as_str()));
        }
    }
    let caps = c
        .separated
        .captures(text)
        .or_else(|| c.paren.captures(text))?;
    let c = caps.name("c")?;
    let credit = caps.name("credit")?;
    (units(c.as_str()) >= 2 && !c.as_str().ends_with(['。', '.'])).then(|| {
        (
            &text[c.start()..c.end()],
            &text[credit.start()..credit.end()],
        )
    })
}

/// Numbers that start a sentence rather than a heading (`10万台`, `3月`, `2%`).
fn unit_after_number(m: &Marks, rest: &str) -> bool {
    rest.starts_with(|c| m.number_units.contains(&c))
}

/// The heading text of a numbered heading line (`01潜在的竞争暗流涌动` → `潜在的竞争暗流涌动`).
pub fn numbered_heading<'t>(m: &Marks, text: &'t str) -> Option<&'t str> {
    let caps = m.numbered.captures(text)?;
    let rest = caps.name("rest")?;
    let rest_s = rest.as_str();
    if caps.name("d").is_some() {
        let sep = caps.name("sep").map(|m| m.as_str());
        if sep.is_none() && !rest_s.starts_with(|c: char| crate::slug::is_cjk(c)) {
            return None;
        }
        if sep.is_none() && unit_after_number(m, rest_s) {
            return None;
        }
        if sep == Some(" ")
            && !rest_s.starts_with(|c: char| c.is_uppercase() || crate::slug::is_cjk(c))
        {
            return None;
        }
    }
    if !short_heading(m, rest_s) {
        return None;
    }
    Some(&text[rest.start()..rest.end()])
}

/// Short and not a sentence.
fn short_heading(m: &Marks, text: &str) -> bool {
    let cjk = text.chars().filter(|c| crate::slug::is_cjk(*c)).count();
    let ok_len = if cjk * 2 >= text.chars().count() {
        (2..=32).contains(&cjk)
    } else {
        (1..=14).contains(&words(text))
    };
    ok_len
        && super::blocks::inner_sentences(m, text) == 0
        && !ends_sentence(m, text)
        && !text.ends_with(|c| m.comma.contains(&c) || m.colon.contains(&c))
        && !text.contains(|c| m.full_stop.contains(&c))
}

/// A number alone on its line, above the heading it belongs to (`01`, `Part 2`, `第一部分`).
fn number_only(m: &Marks, text: &str) -> bool {
    m.number_only.is_match(text)
}

fn bold_line(text: &str) -> Option<&str> {
    let inner = text.strip_prefix("**")?.strip_suffix("**")?;
    (!inner.contains("**") && !inner.trim().is_empty()).then(|| inner.trim())
}

fn all_caps(m: &Marks, text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 4
        && letters.iter().all(|c| c.is_ascii_uppercase())
        && (2..=12).contains(&words(text))
        && !ends_sentence(m, text)
}

/// Assigns roles to the open blocks of the article body.
pub fn assign_roles(blocks: &mut [Block], rules: &Rules) {
    let m = &rules.text.blocks;
    for i in 0..blocks.len() {
        if !blocks[i].is_open() {
            continue;
        }
        let text = blocks[i].kept.clone();
        // What the markup says comes first (HTML scrapes).
        let role = match hinted_role(m, &mut blocks[i], &text) {
            Some(role) => Some(role),
            None => line_role(rules, blocks, i, &text),
        };
        if let Some(role) = role {
            blocks[i].decision = Decision::Keep(role);
        }
    }
}

/// The role the markup hint gives a block (HTML scrapes); a heading loses its bold wrapper
/// and section number here.
fn hinted_role(m: &Marks, block: &mut Block, text: &str) -> Option<Role> {
    match &block.hint {
        Hint::Title | Hint::Heading if !is_prose(m, text) || units(text) <= 40 => {
            let bare = bold_line(text).unwrap_or(text);
            block.kept = if keeps_latin_number(block, bare) {
                bare.to_string()
            } else {
                numbered_heading(m, bare).unwrap_or(bare).to_string()
            };
            Some(Role::Heading)
        }
        Hint::ListItem => Some(Role::ListItem),
        Hint::Caption => Some(Role::Caption),
        Hint::Quote => Some(Role::Quote),
        Hint::TableRow(..) => Some(Role::TableRow),
        Hint::Code => Some(Role::Code),
        Hint::Image => Some(Role::Image),
        _ => None,
    }
}

/// A publisher's `<h2>1. Choose the right pot</h2>` keeps its number (a ranked list); only
/// CJK-style section numbers (一、, 01) leave.
fn keeps_latin_number(block: &Block, bare: &str) -> bool {
    block.markup.is_some()
        && bare.chars().next().is_some_and(|c| c.is_ascii_digit())
        && bare
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .starts_with(['.', ')'])
        && bare.split_whitespace().nth(1).is_some_and(|w| {
            w.chars().next().is_some_and(char::is_alphabetic) && !w.chars().any(crate::slug::is_cjk)
        })
}

/// The role a block without a markup hint gets from its own text and its neighbours; may
/// rewrite `kept` (bold wrapper or section number removed from a heading).
fn line_role(rules: &Rules, blocks: &mut [Block], i: usize, text: &str) -> Option<Role> {
    let m = &rules.text.blocks;
    if caption(&rules.bylines.captions, text).is_some() {
        return Some(Role::Caption);
    }
    if let Some(inner) = bold_line(text) {
        let inner = numbered_heading(m, inner).unwrap_or(inner).to_string();
        if short_heading(m, &inner) || units(&inner) <= 40 {
            blocks[i].kept = inner;
            return Some(Role::Heading);
        }
    }
    if bullet_text(m, text).is_some() {
        return Some(Role::ListItem);
    }
    if let Some(rest) = numbered_heading(m, text)
        && !in_numbered_run(m, blocks, i)
    {
        blocks[i].kept = rest.to_string();
        return Some(Role::Heading);
    }
    if all_caps(m, text) {
        return Some(Role::Heading);
    }
    // A short standalone line between two paragraphs.
    if between_paragraphs(m, blocks, i)
        && !is_prose(m, text)
        && short_heading(m, text)
        && looks_like_heading_start(m, text)
    {
        return Some(Role::Heading);
    }
    None
}

/// A numbered line next to other numbered lines (no blank line between) is a list, not a
/// heading.
fn in_numbered_run(m: &Marks, blocks: &[Block], i: usize) -> bool {
    let neighbour_numbered =
        |j: Option<usize>| j.is_some_and(|j| numbered_heading(m, &blocks[j].text).is_some());
    (!blocks[i].gap_before && neighbour_numbered(i.checked_sub(1)))
        || (i + 1 < blocks.len() && !blocks[i + 1].gap_before && neighbour_numbered(Some(i + 1)))
}

/// Whether the nearest kept (or still open) blocks before and after block `i` are prose or
/// prose-like (captions, list items, quotes, table rows).
fn between_paragraphs(m: &Marks, blocks: &[Block], i: usize) -> bool {
    let kept = |j: &usize| blocks[*j].is_open() || blocks[*j].role().is_some();
    let p = (0..i).rev().find(kept);
    let nx = (i + 1..blocks.len()).find(kept);
    p.is_some_and(|p| {
        is_prose(m, &blocks[p].kept)
            || matches!(
                blocks[p].role(),
                Some(Role::Caption | Role::ListItem | Role::Quote | Role::TableRow)
            )
    }) && nx.is_some_and(|x| {
        is_prose(m, &blocks[x].kept)
            || bullet_text(m, &blocks[x].kept).is_some()
            || matches!(
                blocks[x].hint,
                Hint::ListItem | Hint::TableRow(..) | Hint::Quote
            )
    })
}

fn looks_like_heading_start(m: &Marks, text: &str) -> bool {
    text.chars().next().is_some_and(|c| {
        c.is_uppercase() || c.is_ascii_digit() || crate::slug::is_cjk(c) || m.openers.contains(&c)
    }) && !text.contains(" | ")
        && units(text) >= 3
}

/// A section number alone on its line merges into the heading below it: the number line is
/// dropped (the numbering is left out) and the next line becomes the heading.
pub fn merge_number_lines(blocks: &mut [Block], m: &Marks) {
    let n = blocks.len();
    for i in 0..n {
        let is_num = number_only(m, &blocks[i].text)
            && match &blocks[i].decision {
                Decision::Open => true,
                Decision::Drop(d) => d.rule == "meta.counter",
                _ => false,
            };
        if !is_num {
            continue;
        }
        let Some(next) = (i + 1..n).find(|&j| !blocks[j].text.is_empty()) else {
            continue;
        };
        let prev_prose = (0..i)
            .rev()
            .find(|&j| blocks[j].is_open())
            .is_some_and(|j| is_prose(m, &blocks[j].kept));
        let next_text = blocks[next].text.clone();
        if prev_prose
            && blocks[next].is_open()
            && short_heading(m, &next_text)
            && !is_prose(m, &next_text)
        {
            blocks[i].drop(
                "heading.number",
                "section number (merged into the heading below)",
            );
            blocks[next].decision = Decision::Keep(Role::Heading);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m() -> &'static Marks {
        &crate::text::Punctuation::defaults().blocks
    }

    #[test]
    fn numbered_headings_lose_their_numbers() {
        assert_eq!(
            numbered_heading(m(), "01潜在的竞争暗流涌动"),
            Some("潜在的竞争暗流涌动")
        );
        assert_eq!(
            numbered_heading(m(), "一、管制之下的替代窗口"),
            Some("管制之下的替代窗口")
        );
        assert_eq!(
            numbered_heading(m(), "1. 便宜得“不讲道理”的训练成本"),
            Some("便宜得“不讲道理”的训练成本")
        );
        assert_eq!(
            numbered_heading(m(), "Part 1:免费背后的成本曲线"),
            Some("免费背后的成本曲线")
        );
        assert_eq!(
            numbered_heading(m(), "2. Who gets Blackwell first"),
            Some("Who gets Blackwell first")
        );
        assert_eq!(numbered_heading(m(), "10万台SU7下线"), None);
        assert_eq!(
            numbered_heading(m(), "3月16日,百度发布文心大模型4.5。"),
            None
        );
        assert_eq!(
            numbered_heading(m(), "1. Open the app and tap Settings."),
            None
        );
    }

    #[test]
    fn captions_with_content() {
        assert_eq!(
            caption(
                &Rules::defaults().unwrap().bylines.captions,
                "《The Information》的相关报道 | 图片来源:The Information"
            ),
            Some(("《The Information》的相关报道", "图片来源:The Information"))
        );
        assert_eq!(
            caption(
                &Rules::defaults().unwrap().bylines.captions,
                "图片来源:由无界 AI工具生成"
            ),
            None
        );
        assert_eq!(
            caption(
                &Rules::defaults().unwrap().bylines.captions,
                "Samsung unveiled the Galaxy Z Fold6 in Paris. Source: Samsung"
            ),
            Some((
                "Samsung unveiled the Galaxy Z Fold6 in Paris.",
                "Source: Samsung"
            ))
        );
        assert_eq!(
            caption(
                &Rules::defaults().unwrap().bylines.captions,
                "文｜周舟 来源：极客视界"
            ),
            None
        );
    }

    #[test]
    fn a_site_text_file_adds_a_section_word() {
        let line = "Teil 2: Die Zukunft der Chips";
        assert_eq!(numbered_heading(m(), line), None);
        let site = crate::text::Punctuation::from_layers(vec![
            toml::from_str(include_str!("../../rules/text.toml")).unwrap(),
            toml::from_str("[headings]\nsection_words = [\"part\", \"teil\"]\n").unwrap(),
        ]);
        assert_eq!(
            numbered_heading(&site.blocks, line),
            Some("Die Zukunft der Chips")
        );
        assert!(number_only(&site.blocks, "Teil 3"));
        // The other keys of the table stay.
        assert_eq!(numbered_heading(&site.blocks, "第二章 算力"), Some("算力"));
    }
}

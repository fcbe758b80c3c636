//! Boilerplate stage: data rules (rules/boilerplate.toml) and the page structure decide which
//! blocks are chrome. Every drop records a rule id and a reason for `--explain`.
//!
//! Structure rules (ids `structure.*`, in code because they are about positions, not wording):
//! everything above the title is site chrome; short lines between the title and the first
//! paragraph are the byline area; what follows the last paragraph of the article (promos,
//! related lists, footers) is chrome too.

use super::blocks::{Block, Decision, Drop, Hint, Role, is_prose, units};
use super::model::Markup;
use crate::rules::{Rule, RuleKind, Rules};
use crate::text::Marks;

/// A data rule's verdict on one block, before structure is known.
#[derive(Debug, Clone, Copy)]
pub enum Hit {
    /// The whole block is boilerplate.
    Whole(usize),
    /// A cut rule: boilerplate from this byte offset to the end.
    Tail(usize, usize),
    /// A section header (related list).
    Section(usize),
}

/// The first rule (in file order) that applies to `text`.
pub fn match_rules(text: &str, rules: &Rules) -> Option<Hit> {
    // A line that is one bold phrase (`**VEA TAMBIÉN: …**`) is judged by its words.
    if let Some(inner) = text
        .strip_prefix("**")
        .and_then(|t| t.strip_suffix("**"))
        .filter(|t| !t.contains("**"))
    {
        return match match_rules(inner, rules)? {
            Hit::Tail(r, at) => Some(Hit::Tail(r, at + 2)),
            h => Some(h),
        };
    }
    let mut best: Option<Hit> = None;
    for (i, rule) in rules.boilerplate.iter().enumerate() {
        let Some(pos) = rule.find(text) else { continue };
        let hit = match rule.kind {
            RuleKind::Section => Hit::Section(i),
            RuleKind::Cut => {
                let start = super::blocks::sentence_start(&rules.text.blocks, text, pos);
                if text[..start].chars().any(char::is_alphanumeric) {
                    Hit::Tail(i, start)
                } else {
                    Hit::Whole(i)
                }
            }
            _ => Hit::Whole(i),
        };
        match (best, hit) {
            (None, h) => best = Some(h),
            // A whole-block verdict beats a tail cut found by an earlier rule; an earlier cut
            // beats a later one.
            (Some(Hit::Tail(_, a)), Hit::Tail(j, b)) if b < a => best = Some(Hit::Tail(j, b)),
            (Some(Hit::Tail(..)), h @ (Hit::Whole(_) | Hit::Section(_))) => best = Some(h),
            _ => {}
        }
        if matches!(best, Some(Hit::Whole(_) | Hit::Section(_))) {
            break;
        }
    }
    best
}

#[cfg(test)]
fn rule_of(hit: Hit) -> usize {
    match hit {
        Hit::Whole(i) | Hit::Tail(i, _) | Hit::Section(i) => i,
    }
}

/// Whether a data rule drops the whole block.
pub fn whole_hit(hit: Option<Hit>) -> bool {
    matches!(hit, Some(Hit::Whole(_) | Hit::Section(_)))
}

fn drop_with(block: &mut Block, rule: &Rule) {
    block.drop(&rule.id, &rule.reason);
}

/// Applies the data rules' verdicts to open blocks; a section header takes the list under it.
/// Lists are taken only in the body (from `body_start`): above it, a header such as
/// "Latest" is a menu item, and the structure stage decides about the lines around it.
pub fn apply_rules(blocks: &mut [Block], hits: &[Option<Hit>], rules: &Rules, body_start: usize) {
    let mut i = 0;
    while i < blocks.len() {
        if !blocks[i].is_open() {
            i += 1;
            continue;
        }
        match hits[i] {
            Some(Hit::Whole(r)) => drop_with(&mut blocks[i], &rules.boilerplate[r]),
            Some(Hit::Tail(r, at)) => {
                let rule = &rules.boilerplate[r];
                let b = &mut blocks[i];
                b.cut = Some(Drop {
                    rule: rule.id.clone(),
                    reason: rule.reason.clone(),
                    text: b.text[at..].trim().to_string(),
                });
                b.kept = b.text[..at].trim_end().to_string();
            }
            Some(Hit::Section(r)) => {
                let rule = &rules.boilerplate[r];
                drop_with(&mut blocks[i], rule);
                // The titles under the header: short, not prose, up to a paragraph or heading.
                let mut j = i + 1;
                let mut taken = 0;
                let mut paragraphs = 0;
                while i >= body_start && j < blocks.len() && taken < 15 {
                    let b = &blocks[j];
                    if matches!(hits[j], Some(Hit::Section(_))) {
                        break;
                    }
                    if b.is_open() {
                        // A numbered heading ends the list; numbered titles in a row
                        // (`1、…` `2、…`) are the list.
                        let numbered = |k: usize| {
                            blocks.get(k).is_some_and(|b| {
                                super::headings::numbered_heading(&rules.text.blocks, &b.text)
                                    .is_some()
                            })
                        };
                        if (numbered(j) && !numbered(j + 1) && !numbered(j - 1))
                            || matches!(b.hint, Hint::Heading | Hint::Title)
                        {
                            break;
                        }
                        if is_prose(&rules.text.blocks, &b.text) {
                            if paragraphs >= rule.take_paragraphs {
                                break;
                            }
                            paragraphs += 1;
                        }
                        if hits[j].is_none() {
                            let reason = format!("{} (an item under it)", rule.reason);
                            blocks[j].drop(&rule.id, &reason);
                        }
                    }
                    taken += 1;
                    j += 1;
                }
            }
            None => {}
        }
        i += 1;
    }
}

/// Fewer slides than this in a row are not a gallery (`1/3 of voters …` opens a sentence).
const GALLERY_SLIDES_MIN: usize = 3;

/// A gallery appended to an article ("Business news in pictures": `1/50 United goin down`,
/// its caption, `2/50 …`): slides counted `k/n` (or `k of n`) with the same `n`, at least
/// three of them, after prose of the article's own. Each slide goes with the blocks up to the
/// next one (the last with the one block under it), and so do the short lines that head the
/// gallery. A page whose whole body is the gallery keeps it: the slides are its article.
pub fn apply_galleries(m: &Marks, blocks: &mut [Block]) {
    let counter = |b: &Block| -> Option<(u32, u32)> {
        let c = m.slide_counter.captures(b.text.trim())?;
        let k: u32 = c["k"].parse().ok()?;
        let n: u32 = c["n"].parse().ok()?;
        (k >= 1 && k <= n).then_some((k, n))
    };
    let slides: Vec<(usize, u32)> = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.is_open())
        .filter_map(|(i, b)| counter(b).map(|(_, n)| (i, n)))
        .collect();
    let Some(&(first, total)) = slides.first() else {
        return;
    };
    let run: Vec<usize> = slides
        .iter()
        .filter(|(_, n)| *n == total)
        .map(|(i, _)| *i)
        .collect();
    if run.len() < GALLERY_SLIDES_MIN || total < GALLERY_SLIDES_MIN as u32 {
        return;
    }
    let prose_before = blocks[..first]
        .iter()
        .filter(|b| (b.is_open() || b.role().is_some()) && is_prose(m, &b.text))
        .count();
    if prose_before < 2 {
        return;
    }
    const REASON: &str = "a gallery after the article (slides and their captions)";
    for (s, &i) in run.iter().enumerate() {
        let end = run.get(s + 1).copied().unwrap_or((i + 2).min(blocks.len()));
        for b in &mut blocks[i..end] {
            if b.is_open() {
                b.drop("structure.gallery", REASON);
            }
        }
    }
    // The gallery's header lines: short, not prose, right above the first slide.
    for b in blocks[..first].iter_mut().rev().take(2) {
        if !b.is_open() || is_prose(m, &b.text) || units(&b.text) > 12 {
            break;
        }
        b.drop("structure.gallery", REASON);
    }
}

/// More short HTML lines than this between the title and the first paragraph are text, not a
/// byline area.
const HEADER_LINES_MAX: usize = 8;

/// Structure: chrome above the title, in the byline area and after the last paragraph.
pub fn apply_structure(
    rules: &Rules,
    blocks: &mut [Block],
    title: Option<usize>,
    first_body: Option<usize>,
) {
    let m = &rules.text.blocks;
    let mut last_body = blocks
        .iter()
        .rposition(|b| (b.is_open() || b.role().is_some()) && is_prose(m, &b.kept));
    // A list right after the last paragraph belongs to it when the paragraph introduces it.
    if let Some(l) = last_body
        && blocks[l]
            .kept
            .trim_end()
            .ends_with(|c| m.colon.contains(&c))
    {
        let mut j = l + 1;
        while j < blocks.len()
            && blocks[j].is_open()
            && super::blocks::bullet_text(m, &blocks[j].text).is_some()
        {
            j += 1;
        }
        last_body = Some(j - 1);
    }
    // A title with no prose under it does not head the article (a headline repeated in a
    // page's last box, a body laid out above its `<h1>`): what is above it is not chrome.
    let title_heads_body = title.is_some_and(|t| {
        blocks[t + 1..]
            .iter()
            .any(|b| b.is_open() && is_prose(m, &b.text))
    });
    // HTML: a byline area is a few lines. Many short lines between the title and the first
    // paragraph that the extractor put in the body are the article's (verse, a photo essay's
    // one-line captions), not its credits.
    let below_title = title.map_or(0, |t| t + 1);
    let header_lines = blocks[below_title..first_body.unwrap_or(0).max(below_title)]
        .iter()
        .filter(|b| b.is_open() && b.markup.is_some() && b.hint == Hint::None)
        .count();
    let long_html_header = header_lines > HEADER_LINES_MAX;
    for (i, b) in blocks.iter_mut().enumerate() {
        if !b.is_open() {
            continue;
        }
        if long_html_header
            && b.markup.is_some()
            && first_body.is_some_and(|f| i < f)
            && title.is_none_or(|t| i > t)
        {
            continue;
        }
        // HTML (only HTML blocks have hints): the extractor chose the body; its lists, tables,
        // quotes, code, images and headings are article, not chrome.
        let furniture = matches!(
            b.hint,
            Hint::ListItem
                | Hint::TableRow(..)
                | Hint::Code
                | Hint::Image
                | Hint::Quote
                | Hint::Heading
        ) && title.is_none_or(|t| i > t);
        if furniture {
            continue;
        }
        if title_heads_body && title.is_some_and(|t| i < t) {
            b.drop("structure.before-title", "site chrome above the title");
        } else if first_body.is_some_and(|f| i < f)
            // HTML: a sentence the extractor put in the body is not byline chrome.
            && (b.markup.is_none() || !super::blocks::ends_sentence(m, &b.text))
            && !is_caption_like(rules, &b.text)
            && b.hint != Hint::Caption
        {
            // A text scrape with no title found: all of its top is chrome. HTML: the extractor
            // chose the body, so only short lines and bold boxes (a promo's `**Hors-série…**`)
            // are the byline area's; a long line is prose wrapped by hand.
            if units(&b.text) <= 40 || (title.is_none() && b.markup.as_ref().is_none_or(all_bold)) {
                b.drop(
                    "structure.header",
                    "short line between the title and the first paragraph (byline area)",
                );
            }
        } else if last_body.is_some_and(|l| i > l)
            && !is_prose(m, &b.text)
            // HTML: a long line the extractor kept in the body is article text.
            && (b.markup.is_none() || units(&b.text) <= 40)
            && !is_caption_like(rules, &b.text)
        {
            b.drop(
                "structure.footer",
                "after the last paragraph of the article (promos, lists, footer)",
            );
        }
    }
}

fn is_caption_like(rules: &Rules, text: &str) -> bool {
    super::headings::caption(&rules.bylines.captions, text).is_some()
}

/// Marks every still-open block as a kept paragraph.
pub fn keep_rest(blocks: &mut [Block]) {
    for b in blocks.iter_mut() {
        if b.is_open() {
            b.decision = Decision::Keep(Role::Paragraph);
        }
    }
}

/// A block whose words are all bold (a promo box's `**L'état de l'économie**` lines): text
/// outside `<b>`/`<strong>` is whitespace, a break, a link or a picture.
fn all_bold(m: &Markup) -> bool {
    use super::model::Inline;
    let bold = |i: &Inline| matches!(i, Inline::Strong(_) | Inline::BoldLine(_));
    let neutral = |i: &Inline| match i {
        Inline::Text(t) => t.trim().is_empty(),
        Inline::Break | Inline::Link { .. } | Inline::Image { .. } => true,
        _ => false,
    };
    m.spans.iter().any(bold) && m.spans.iter().all(|i| bold(i) || neutral(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_id(text: &str) -> Option<String> {
        let rules = Rules::defaults().unwrap();
        match_rules(text, &rules).map(|h| rules.boilerplate[rule_of(h)].id.clone())
    }

    #[test]
    fn chrome_lines_match_their_rules() {
        assert_eq!(rule_id("复制成功").as_deref(), Some("share.toast"));
        assert_eq!(rule_id("分享至").as_deref(), Some("share.widget"));
        assert_eq!(
            rule_id("主页 > 比特币 >").as_deref(),
            Some("nav.breadcrumb")
        );
        assert_eq!(
            rule_id("industry-frontier").as_deref(),
            Some("tags.category-slug")
        );
        assert_eq!(
            rule_id("图片来源:由无界 AI工具生成").as_deref(),
            Some("credit.image")
        );
        assert_eq!(rule_id("Image: Nvidia").as_deref(), Some("credit.image"));
        assert_eq!(rule_id("相关推荐").as_deref(), Some("related.list"));
        assert_eq!(rule_id("阅读 1.8万").as_deref(), Some("meta.counter"));
        assert_eq!(
            rule_id("#小米SU7 #电动车 #科技股观察").as_deref(),
            Some("tags.hashtags")
        );
        assert_eq!(
            rule_id("标签：币安 赵长鹏 合规 美国司法部").as_deref(),
            Some("tags.line")
        );
        assert_eq!(
            rule_id("扫码加入OKX社群").as_deref(),
            Some("promo.community")
        );
        assert_eq!(
            rule_id("© 2025 Binance.com").as_deref(),
            Some("footer.copyright")
        );
    }

    #[test]
    fn article_text_about_risk_is_not_matched() {
        for s in [
            "有分析师提醒不宜把单一订单消息等同于长期业绩，需警惕估值透支的风险。",
            "For investors, the launch does not remove the risks that come with a stock that has more than tripled in a year.",
            "普通投资者应控制仓位、避免杠杆。",
            "文心一言全面免费，百度的大模型账本怎么算",
            "Next, the company plans to open a second factory.",
            "推理性能：H100 > A100",
            "OpenAI在免责声明中提醒用户，ChatGPT可能会出错。",
            "Microsoft noted the limitation in a disclaimer. Customers were told in May.",
            "分析人士提醒，投资者应警惕AI概念股的估值泡沫，不宜盲目追高。",
            "该公司表示，这笔投资是基于长期战略，而非短期财务回报。",
            "用户扫码即可完成支付，整个过程不到两秒。",
            "Shares fell 5% as investors worried about the risks of slowing demand.",
            "Analysts said the deal does not change their investment thesis for the company.",
            "Users can download the app from Apple's App Store starting Tuesday.",
            "The company said the views of regulators would shape its plans.",
            "By the numbers",
        ] {
            assert_eq!(rule_id(s), None, "{s}");
        }
    }

    #[test]
    fn a_disclaimer_glued_to_a_paragraph_is_cut() {
        let rules = Rules::defaults().unwrap();
        let t = "需警惕估值透支的风险。免责声明:数字资产交易涉及重大风险。";
        match match_rules(t, &rules) {
            Some(Hit::Tail(_, at)) => assert_eq!(&t[..at], "需警惕估值透支的风险。"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            match_rules("本文不构成投资建议。声明：本文转载自极客视界", &rules),
            Some(Hit::Whole(_))
        ));
    }
}

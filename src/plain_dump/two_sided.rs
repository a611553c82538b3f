//! Two-sided summaries (收支总表, 财政拨款收支总表: 收入 items and amounts beside 支出 items and
//! amounts) in a plain dump, one amount per item.
//!
//! The dump prints the two sides' labels and amounts interleaved, with the header's pieces
//! ("收", "入", "项目", "2026 年预算数") among them and the totals' amounts often last. The
//! reading:
//! 1. Pieces: label lines (each on the side its words name: 支出 items and subjects on the
//!    支出 side, 收入, 拨款, 资金, 结余 items on the 收入 side), amounts, header pieces dropped.
//! 2. Items are paired with amounts in printed order: an amount right after a label is the
//!    earliest waiting item's on that label's side, else the earliest waiting item's. The totals and carry-over
//!    lines (本年收入合计, 上年结余、结转, 收入总计, 结转下年, …: the *summary items*) take no
//!    amount this way: the amounts that find no item waiting are theirs.
//! 3. The summary items' amounts are placed by the identities they satisfy: 本年…合计 = the
//!    side's 一、-level items, 上年结余、结转 = its numbered parts, …总计 = 合计 + the summary
//!    items after it, 收入总计 = 支出总计. Exactly one placement must fit; and every item
//!    over numbered parts (一、财政拨款 over 1. 2. 3.) must equal their sum. Otherwise the table is reported, never
//!    guessed.

use super::{is_note, is_unit_line, Line};
use crate::assemble::{RawLine, RawTable};
use crate::grammar::{Grammar, GrammarSet, Layout};
use crate::token::{adds_up, is_marked_amount, label_ordinal, tokenize_line, Token, TokenKind};
use rust_decimal::Decimal;

/// Warning: a plain dump's two-sided table was rebuilt by pairing in printed order and placing
/// its totals by their identities.
pub const PLAIN_TWO_SIDED: &str = "plain_two_sided_by_identities";

/// Summary items whose amount is unknown (leaves such as 结转下年) are tried with every amount
/// left; more than this many such items is not tried.
const MAX_UNKNOWN: usize = 3;

/// Placements of the amounts left on the summary items are tried in every order: more than
/// this many summary items (8! orders) is not tried.
const MAX_SUMMARY: usize = 8;

/// One item of a side: its label, whether it is a summary item, its amount.
#[derive(Debug, Clone)]
struct Item {
    side: usize,
    label: Token,
    summary: bool,
    amount: Option<Decimal>,
    amount_token: Option<Token>,
}

/// The two-column grammar of `kind` that reads the table (national first).
pub(super) fn grammar<'g>(kind: &str, grammars: &'g GrammarSet) -> Option<&'g Grammar> {
    let fits = |g: &&Grammar| {
        g.kind == kind
            && g.layout == Layout::TwoSided
            && g.sections.len() == 2
            && g.columns.len() == 2
            && g.text_columns.is_empty()
    };
    let mut all: Vec<&Grammar> = grammars.grammars.iter().filter(fits).collect();
    all.sort_by_key(|g| (g.family != "national", g.file.clone()));
    all.into_iter().next()
}

/// Rebuilds the rows of a two-sided table from its pages' lines (title lines left out) into
/// `raw`, or says why it cannot.
pub(super) fn read(
    pages: &[(u32, Vec<&Line<'_>>)],
    g: &Grammar,
    raw: &mut RawTable,
) -> Result<(), String> {
    let residue = residue_words(g);
    let is_residue = |s: &str| {
        let s = strip_year(s);
        s.chars().count() <= 1 || residue.iter().any(|w| w.contains(s))
    };
    let is_summary = |label: &str| {
        // A carry-over is a summary item unless it is a numbered part of one ("1.财政拨款结
        // 余、结转"); the carry-over into next year is one however it is numbered
        // ("二十七、结转下年").
        g.total_labels.iter().any(|t| label.contains(t.as_str()))
            || ((label.contains("结余") || label.contains("结转"))
                && (label_ordinal(label).is_none() || label.contains("下年")))
    };
    // The pieces in printed order, each label an item.
    let mut items: Vec<Item> = Vec::new();
    let mut seq: Vec<Seq> = Vec::new();
    let all = pages
        .iter()
        .flat_map(|(_, lines)| lines.iter())
        .filter(|l| !is_note(&l.squashed) && !is_unit_line(&l.squashed))
        .flat_map(|l| pieces(l));
    for piece in all {
        match piece {
            Piece::Label(t) if is_residue(&t.text) => seq.push(Seq::Residue),
            Piece::Label(label) => {
                items.push(Item {
                    side: side_of(&label.text),
                    summary: is_summary(&label.text),
                    label,
                    amount: None,
                    amount_token: None,
                });
                seq.push(Seq::Label(items.len() - 1));
            }
            Piece::Amount(t) => seq.push(Seq::Amount(t)),
        }
    }
    let (paired, pool) = pair_in_order(&items, &seq);
    // Items left without an amount: the table prints blank cells. Plain pdftotext prints a
    // row's amount after the labels of later rows (178.94 of 八、社会保障和就业支出 after
    // 九、卫生健康支出's label), and which item is blank changes no identity of the side, so
    // the table is reported rather than guessed.
    let blank: Vec<usize> = (0..items.len())
        .filter(|&i| paired[i].is_none() && !items[i].summary)
        .collect();
    if let Some(&i) = blank.first() {
        return Err(format!(
            "{} items print no amount (the first {:?} at line {}): blank cells cannot be placed",
            blank.len(),
            items[i].label.text,
            items[i].label.line
        ));
    }
    for (it, t) in items.iter_mut().zip(paired) {
        it.amount = t.as_ref().and_then(Token::amount);
        it.amount_token = t;
    }
    check_parts(&items)?;
    place_summary(&mut items, pool)?;
    raw.lines = items
        .into_iter()
        .map(|it| {
            let column = Some(it.side);
            let mut label = it.label;
            label.column = column;
            let mut amount = it.amount_token.unwrap_or_else(|| label.clone());
            amount.column = column;
            RawLine {
                line: label.line,
                page: label.page,
                tokens: vec![label, amount],
            }
        })
        .collect();
    raw.grammar = Some(std::sync::Arc::new(g.clone()));
    Ok(())
}

/// A piece of the table in printed order, labels by their item.
enum Seq {
    Label(usize),
    Amount(Token),
    Residue,
}

/// Pairs every item with an amount in printed order, for tables that print every cell: an
/// amount printed alone right after a label is that label's (a row's cells in turn: "0.00
/// 二、外交支出", "0.00"); a run of amounts after a run of labels goes to the earliest items
/// waiting on the last label's side (a side prints its items' amounts in order); else to the
/// earliest waiting. Amounts no item waits for are left for the totals (the pool).
fn pair_in_order(items: &[Item], seq: &[Seq]) -> (Vec<Option<Token>>, Vec<Token>) {
    let mut paired: Vec<Option<Token>> = vec![None; items.len()];
    let mut waiting: Vec<usize> = Vec::new();
    let mut last_label: Option<usize> = None;
    // The item whose label is the piece right before, if it takes the next amount itself.
    let mut direct: Option<usize> = None;
    // The waiting item whose label is the piece right before.
    let mut after_label: Option<usize> = None;
    let mut pool = Vec::new();
    for (k, s) in seq.iter().enumerate() {
        match s {
            Seq::Residue => {
                direct = None;
                after_label = None;
            }
            Seq::Label(i) => {
                let i = *i;
                // A label printed right after another waiting label of its side is one of a
                // run of labels whose amounts follow in order.
                let in_run = after_label.is_some_and(|d| items[d].side == items[i].side);
                direct = None;
                after_label = None;
                if !items[i].summary {
                    waiting.push(i);
                    after_label = Some(i);
                    // It takes the amount after it when that amount is printed alone, not as
                    // the first of several (a side's amounts printed together after its
                    // labels).
                    if !in_run && amount_run(seq, k + 1) == 1 {
                        direct = Some(i);
                    }
                }
                last_label = Some(i);
            }
            Seq::Amount(t) => {
                let side = last_label.map(|i| items[i].side);
                let to = direct
                    .or_else(|| {
                        side.and_then(|s| waiting.iter().copied().find(|&w| items[w].side == s))
                    })
                    .or_else(|| waiting.first().copied());
                match to {
                    Some(i) => {
                        waiting.retain(|&w| w != i);
                        paired[i] = Some(t.clone());
                    }
                    None => pool.push(t.clone()),
                }
                last_label = None;
                direct = None;
                after_label = None;
            }
        }
    }
    (paired, pool)
}

/// How many amounts are printed one after another from piece `from` on.
fn amount_run(seq: &[Seq], from: usize) -> usize {
    seq.get(from..).map_or(0, |rest| {
        rest.iter()
            .take_while(|s| matches!(s, Seq::Amount(_)))
            .count()
    })
}

/// A piece of a dump line: an item's label (or a piece of the header) or an amount.
enum Piece {
    Label(Token),
    Amount(Token),
}

/// A line's pieces in printed order. A line without amounts is one label (its words joined);
/// a line that prints amounts and words ("16,474.82 一、一般公共服务支出": the 收入 side's
/// amount, then the 支出 side's next item, which plain pdftotext puts on one line) gives each
/// run of words as a label between the amounts.
fn pieces(l: &Line<'_>) -> Vec<Piece> {
    let tokens: Vec<Token> = tokenize_line(l.text, l.no, l.page).collect();
    let Some(first) = tokens.first().cloned() else {
        return Vec::new();
    };
    if !tokens.iter().any(|t| is_marked_amount(&t.text)) {
        return vec![Piece::Label(Token {
            text: l.squashed.clone(),
            kind: TokenKind::Text,
            ..first
        })];
    }
    let mut out = Vec::new();
    let mut words: Option<Token> = None;
    for t in tokens {
        if is_marked_amount(&t.text) {
            if let Some(w) = words.take() {
                out.push(Piece::Label(w));
            }
            out.push(Piece::Amount(t));
        } else {
            match &mut words {
                Some(w) => w.text.push_str(&t.text),
                None => {
                    words = Some(Token {
                        kind: TokenKind::Text,
                        ..t
                    })
                }
            }
        }
    }
    if let Some(w) = words {
        out.push(Piece::Label(w));
    }
    out
}

/// Header words of the table: section names, column labels and their parts, and the words
/// these headers print ("项目", "预算数", …).
fn residue_words(g: &Grammar) -> Vec<String> {
    let mut words: Vec<String> = [
        "项目",
        "预算数",
        "决算数",
        "金额",
        "科目",
        "本年预算",
        "行次",
        "栏次",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    words.extend(g.sections.iter().map(|s| s.name.clone()));
    words.extend(
        g.columns
            .iter()
            .flat_map(|c| c.label.split('/').map(str::to_string)),
    );
    words
}

/// A header piece without its year ("2026年预算数" → "预算数").
fn strip_year(s: &str) -> &str {
    let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 4 {
        s[4..].trim_start_matches('年').trim_start_matches("度")
    } else {
        s
    }
}

/// The side a label is on: 0 (收入) or 1 (支出). Subjects (信访事务, 行政运行) are 支出 items.
fn side_of(label: &str) -> usize {
    if label.contains("支出") || label.contains("下年") || label.starts_with("年末") {
        return 1;
    }
    const INCOME: &[&str] = &[
        "收入", "拨款", "资金", "结转", "结余", "上年", "基金", "补助", "上缴",
    ];
    // "一、一般公共预算", "二、政府性基金预算": the 财政拨款收支总表's income items.
    if INCOME.iter().any(|w| label.contains(w)) || label.ends_with("预算") {
        0
    } else {
        1
    }
}

fn level(label: &str) -> Option<u8> {
    label_ordinal(label).map(|o| o.level)
}

/// Every 一、 or unnumbered item followed by numbered parts (1. 2. …) on its side equals
/// their sum.
fn check_parts(items: &[Item]) -> Result<(), String> {
    for side in 0..2 {
        let own: Vec<&Item> = items.iter().filter(|i| i.side == side).collect();
        for (k, head) in own.iter().enumerate() {
            // A 一、 item, or an unnumbered one ("财政拨款"), over numbered parts.
            if head.summary || !matches!(level(&head.label.text), Some(1) | None) {
                continue;
            }
            let parts: Vec<&&Item> = own[k + 1..]
                .iter()
                .take_while(|i| !i.summary && level(&i.label.text) == Some(3))
                .collect();
            if parts.is_empty() {
                continue;
            }
            let sum: Decimal = parts.iter().filter_map(|i| i.amount).sum();
            if head.amount != Some(sum) {
                return Err(format!(
                    "{} is {:?}, its parts sum to {sum}: the items and amounts do not pair up",
                    head.label.text, head.amount
                ));
            }
        }
    }
    Ok(())
}

/// How a summary item's amount follows from the others.
#[derive(Debug, Clone)]
enum Rule {
    /// 本年…合计: the side's top-level items ([`is_top`]).
    Current,
    /// A carry-over with numbered parts printed after it.
    Parts(Vec<usize>),
    /// …总计: the side's 合计 plus the summary items after it.
    Grand(Vec<usize>),
    /// Unknown (结转下年): tried with every amount left.
    Unknown,
}

/// Places the amounts no item waited for (`pool`) on the summary items by their rules; exactly
/// one placement must fit. A rule holds within the rounding of the figures it adds (the
/// documents print each figure rounded: "本年支出合计 7,651.71" over parts that give 7,651.72).
fn place_summary(items: &mut [Item], pool: Vec<Token>) -> Result<(), String> {
    let summary: Vec<usize> = (0..items.len()).filter(|&i| items[i].summary).collect();
    if summary.len() != pool.len() {
        return Err(format!(
            "{} totals and carry-over items, {} amounts left for them",
            summary.len(),
            pool.len()
        ));
    }
    if summary.is_empty() {
        return Ok(());
    }
    if summary.len() > MAX_SUMMARY {
        return Err(format!(
            "{} totals and carry-over items: too many to place by their identities",
            summary.len()
        ));
    }
    let rules: Vec<Rule> = summary.iter().map(|&i| rule_of(items, i)).collect();
    let unknown = rules.iter().filter(|r| matches!(r, Rule::Unknown)).count();
    if unknown > MAX_UNKNOWN {
        return Err(format!("{unknown} items whose amount nothing tells"));
    }
    let values: Vec<Decimal> = pool.iter().filter_map(Token::amount).collect();
    if values.len() != pool.len() {
        return Err("an amount left for the totals is not a number".into());
    }
    let fixed = fixed_parts(items, &summary, &rules);
    let solutions: Vec<Vec<Decimal>> = distinct_orders(&values)
        .into_iter()
        .filter(|placed| {
            holds(items, &summary, &rules, &fixed, placed) && grands_agree(items, &summary, placed)
        })
        .collect();
    match solutions.as_slice() {
        [one] => {
            // Each summary item takes a pool token of its value.
            let mut left = pool;
            for (&i, v) in summary.iter().zip(one) {
                let Some(p) = left.iter().position(|t| t.amount() == Some(*v)) else {
                    return Err("an amount of the totals went missing".into());
                };
                let t = left.remove(p);
                items[i].amount = Some(*v);
                items[i].amount_token = Some(t);
            }
            Ok(())
        }
        [] => Err("no placement of the amounts left on the totals and carry-overs satisfies their identities".into()),
        _ => Err(format!(
            "{} placements of the amounts left on the totals and carry-overs satisfy their identities",
            solutions.len()
        )),
    }
}

/// The orders of `values` that give distinct sequences (repeated values are not swapped).
fn distinct_orders(values: &[Decimal]) -> Vec<Vec<Decimal>> {
    fn walk(
        values: &[Decimal],
        used: &mut [bool],
        at: &mut Vec<Decimal>,
        out: &mut Vec<Vec<Decimal>>,
    ) {
        if at.len() == values.len() {
            out.push(at.clone());
            return;
        }
        let mut tried: Vec<Decimal> = Vec::new();
        for k in 0..values.len() {
            if used[k] || tried.contains(&values[k]) {
                continue;
            }
            tried.push(values[k]);
            used[k] = true;
            at.push(values[k]);
            walk(values, used, at, out);
            at.pop();
            used[k] = false;
        }
    }
    let mut out = Vec::new();
    walk(
        values,
        &mut vec![false; values.len()],
        &mut Vec::new(),
        &mut out,
    );
    out
}

fn is_grand(label: &str) -> bool {
    label.contains("总计")
}

fn is_current(label: &str) -> bool {
    label.contains("合计") && !is_grand(label)
}

fn rule_of(items: &[Item], i: usize) -> Rule {
    let it = &items[i];
    let side: Vec<usize> = (0..items.len())
        .filter(|&k| items[k].side == it.side)
        .collect();
    let at = side.iter().position(|&k| k == i).unwrap_or(0);
    if is_current(&it.label.text) {
        return Rule::Current;
    }
    if is_grand(&it.label.text) {
        // The side's 合计 and the summary items after it, before this one.
        let from = side[..at]
            .iter()
            .rposition(|&k| is_current(&items[k].label.text));
        return match from {
            Some(f) => Rule::Grand(
                side[f..at]
                    .iter()
                    .copied()
                    .filter(|&k| items[k].summary)
                    .collect(),
            ),
            None => Rule::Unknown,
        };
    }
    let parts: Vec<usize> = side[at + 1..]
        .iter()
        .copied()
        .take_while(|&k| !items[k].summary && level(&items[k].label.text) == Some(3))
        .collect();
    if parts.is_empty() {
        Rule::Unknown
    } else {
        Rule::Parts(parts)
    }
}

/// The parts each summary item's rule adds that do not depend on the placement: the numbered
/// parts of a carry-over, the side's top-level items for a 合计 (`None` for a grand total and
/// an unknown item, and where a part has no amount).
fn fixed_parts(items: &[Item], summary: &[usize], rules: &[Rule]) -> Vec<Option<Vec<Decimal>>> {
    rules
        .iter()
        .zip(summary)
        .map(|(rule, &at)| match rule {
            Rule::Unknown | Rule::Grand(_) => None,
            Rule::Parts(parts) => parts.iter().map(|&k| items[k].amount).collect(),
            Rule::Current => {
                let side = items[at].side;
                let own: Vec<&Item> = items
                    .iter()
                    .take(at)
                    .filter(|i| i.side == side && !i.summary)
                    .collect();
                own.iter()
                    .filter(|i| is_top(&own, i))
                    .map(|i| i.amount)
                    .collect()
            }
        })
        .collect()
}

/// Whether every summary item's rule holds with the values `placed` on them (in the order of
/// `summary`), each within the rounding of the figures it adds; `fixed` from [`fixed_parts`].
fn holds(
    items: &[Item],
    summary: &[usize],
    rules: &[Rule],
    fixed: &[Option<Vec<Decimal>>],
    placed: &[Decimal],
) -> bool {
    let value_of = |k: usize| -> Option<Decimal> {
        match summary.iter().position(|&s| s == k) {
            Some(p) => Some(placed[p]),
            None => items[k].amount,
        }
    };
    rules.iter().enumerate().all(|(p, rule)| {
        let grand: Option<Vec<Decimal>>;
        let parts = match rule {
            Rule::Unknown => return true,
            Rule::Grand(from) => {
                grand = from.iter().map(|&k| value_of(k)).collect();
                &grand
            }
            Rule::Parts(_) | Rule::Current => &fixed[p],
        };
        parts
            .as_ref()
            .is_some_and(|parts| adds_up(placed[p], parts))
    })
}

/// Whether an item is one of its side's top-level items (`own`, before the 合计): the 一、
/// items where any is numbered so, else the unnumbered ones over numbered parts ("财政拨款"
/// over "1.一般公共预算拨款"), else all.
fn is_top(own: &[&Item], item: &Item) -> bool {
    let levels: Vec<Option<u8>> = own.iter().map(|i| level(&i.label.text)).collect();
    let here = level(&item.label.text);
    if levels.contains(&Some(1)) {
        here == Some(1)
    } else if levels.iter().any(Option::is_some) {
        here.is_none()
    } else {
        true
    }
}

/// Both sides' 总计, where both print one, are equal.
fn grands_agree(items: &[Item], summary: &[usize], values: &[Decimal]) -> bool {
    let grands: Vec<Decimal> = summary
        .iter()
        .zip(values)
        .filter(|(&i, _)| is_grand(&items[i].label.text))
        .map(|(_, v)| *v)
        .collect();
    grands.windows(2).all(|w| w[0] == w[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plain_dump::lines_of;

    fn read_text(text: &str) -> Result<Vec<(usize, String, String)>, String> {
        let grammars = GrammarSet::builtin();
        let g = grammar("overview", &grammars).expect("a two-column overview grammar");
        let lines = lines_of(text);
        let by_page: Vec<(u32, Vec<&Line<'_>>)> = vec![(1, lines.iter().collect())];
        let mut raw = RawTable::default();
        read(&by_page, g, &mut raw)?;
        Ok(raw
            .lines
            .iter()
            .map(|l| {
                (
                    l.tokens[0].column.unwrap_or(9),
                    l.tokens[0].text.clone(),
                    l.tokens[1].text.clone(),
                )
            })
            .collect())
    }

    /// Shenzhen 收支总表 p16 as plain pdftotext prints it (regression): the header's pieces
    /// among the items, 四、卫生健康支出's amount after two 收入 items', the totals' amounts
    /// last.
    #[test]
    fn interleaved_sides_and_totals_printed_last() {
        let text = "收\n项\n目\n一、财政拨款\n4,676.96\n一、一般公共服务支出\n3,846.67\n\
                    四、卫生健康支出\n本年收入合计\n上年结余、结转\n1.财政拨款结余、结转\n7.34\n\
                    2.非财政拨款结余、结转\n0.00\n收入总计\n2026 年预算数\n84.39\n行政事业单位医疗\n\
                    84.39\n五、住房保障支出\n753.24\n住房公积金\n753.24\n4,676.96\n7.34\n出\n\
                    本年支出合计\n结转下年\n4,684.30\n0.00\n支出总计\n4,684.30\n4,684.30\n";
        let rows = read_text(text).expect("rebuilt");
        let get = |name: &str| {
            rows.iter()
                .find(|(_, n, _)| n == name)
                .map(|(side, _, a)| (*side, a.as_str()))
        };
        assert_eq!(get("四、卫生健康支出"), Some((1, "84.39")));
        assert_eq!(get("1.财政拨款结余、结转"), Some((0, "7.34")));
        assert_eq!(get("2.非财政拨款结余、结转"), Some((0, "0.00")));
        assert_eq!(get("上年结余、结转"), Some((0, "7.34")));
        assert_eq!(get("结转下年"), Some((1, "0.00")));
        assert_eq!(get("支出总计"), Some((1, "4,684.30")));
        assert_eq!(get("收入总计"), Some((0, "4,684.30")));
        assert_eq!(get("本年收入合计"), Some((0, "4,676.96")));
        assert_eq!(get("本年支出合计"), Some((1, "4,684.30")));
        assert_eq!(rows.len(), 14);
    }

    /// Shenzhen 政府办公厅 财政拨款收支总表 p24 (regression): four 支出 items' labels, two 收入
    /// items' between them, then the four amounts: they go to the 支出 items in order, not
    /// the first to the label printed last.
    #[test]
    fn a_sides_amounts_go_to_its_items_in_order() {
        let text = "财政拨款\n1.一般公共预算拨款\n10.00\n10.00\n一、一般公共服务支出\n\
                    政府办公厅（室）及相关机构事务\n2.政府性基金预算拨款\n0.00\n行政运行\n\
                    3.国有资本经营预算拨款\n0.00\n一般行政管理事务\n2026 年预算数\n10.00\n10.00\n\
                    6.00\n4.00\n本年收入合计\n本年支出合计\n10.00\n10.00\n";
        let rows = read_text(text).expect("rebuilt");
        let amounts: Vec<(&str, &str)> = rows
            .iter()
            .filter(|(side, _, _)| *side == 1)
            .map(|(_, n, a)| (n.as_str(), a.as_str()))
            .collect();
        assert_eq!(
            amounts,
            [
                ("一、一般公共服务支出", "10.00"),
                ("政府办公厅（室）及相关机构事务", "10.00"),
                ("行政运行", "6.00"),
                ("一般行政管理事务", "4.00"),
                ("本年支出合计", "10.00"),
            ]
        );
    }

    /// A row's 收入 amount printed on one line with the 支出 item beside it, that item's
    /// amount alone on the next line (广州 收支总体情况表, plain pdftotext): each amount goes to
    /// the label right before it, not to an older item of the side still waiting.
    #[test]
    fn an_amount_printed_alone_after_its_label_is_that_labels() {
        let text = "一、预算拨款\n174.00 一、一般公共服务支出\n二、财政专户拨款\n\
                    0.00 二、外交支出\n0.00\n三、公共安全支出\n104.00\n70.00\n\
                    本年收入合计\n本年支出合计\n174.00\n174.00\n";
        let rows = read_text(text).expect("rebuilt");
        let got: Vec<(&str, &str)> = rows
            .iter()
            .map(|(_, n, a)| (n.as_str(), a.as_str()))
            .collect();
        // 一、一般公共服务支出's amount comes late (after 三、's, in a run of two): the run goes
        // to the side's waiting items in order.
        assert_eq!(
            got,
            [
                ("一、预算拨款", "174.00"),
                ("一、一般公共服务支出", "104.00"),
                ("二、财政专户拨款", "0.00"),
                ("二、外交支出", "0.00"),
                ("三、公共安全支出", "70.00"),
                ("本年收入合计", "174.00"),
                ("本年支出合计", "174.00"),
            ]
        );
    }

    /// A total within the rounding of its parts (0.01 off over three parts) is placed; the
    /// carry-over into next year is on the 支出 side however it is worded.
    #[test]
    fn totals_hold_within_rounding_and_next_years_carry_over_is_spent() {
        let text = "一、预算拨款\n10.00\n一、教育支出\n3.33\n二、科学技术支出\n3.33\n\
                    三、住房保障支出\n3.33\n本年收入合计\n本年支出合计\n上年结转结余\n\
                    结转结余下年\n收入总计\n支出总计\n10.00\n10.00\n0.00\n0.00\n10.00\n10.00\n";
        let rows = read_text(text).expect("rebuilt");
        let get = |name: &str| {
            rows.iter()
                .find(|(_, n, _)| n == name)
                .map(|(side, _, a)| (*side, a.as_str()))
        };
        assert_eq!(get("本年支出合计"), Some((1, "10.00")));
        assert_eq!(get("结转结余下年"), Some((1, "0.00")));
        assert_eq!(get("上年结转结余"), Some((0, "0.00")));
        assert_eq!(get("支出总计"), Some((1, "10.00")));
    }

    /// An income item over numbered parts that do not sum to it: the pairing went wrong.
    #[test]
    fn an_item_over_parts_that_do_not_sum_to_it_is_an_error() {
        let text = "财政拨款\n1.一般公共预算拨款\n2.政府性基金预算拨款\n10.00\n7.00\n2.00\n";
        assert!(read_text(text).is_err());
    }

    /// Totals that no placement fits are reported, never guessed.
    #[test]
    fn totals_that_do_not_add_up_are_an_error() {
        let text = "一、财政拨款\n10.00\n一、一般公共服务支出\n10.00\n本年收入合计\n本年支出合计\n\
                    10.00\n11.00\n";
        assert!(read_text(text).is_err());
    }
}

//! Every measure is checkable against its document: its quote occurs in the file (spacing
//! aside), starts on the line it names, and each figure of its conditions and benefit is
//! written in the quote (亿元 and 万元, 亿美元 and 万美元, per cent, years in Chinese numerals).

use super::snapshot;
use chanye::model::{Condition, PolicyMeasure};

fn seed(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn unspaced(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn chinese_number(text: &str) -> Option<f64> {
    let digit = |c: char| "零一二两三四五六七八九".find(c).map(|_| match c {
        '零' => 0.0,
        '一' => 1.0,
        '二' | '两' => 2.0,
        '三' => 3.0,
        '四' => 4.0,
        '五' => 5.0,
        '六' => 6.0,
        '七' => 7.0,
        '八' => 8.0,
        _ => 9.0,
    });
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10.0),
        [c] => digit(*c),
        ['十', d] => digit(*d).map(|d| 10.0 + d),
        [t, '十'] => digit(*t).map(|t| t * 10.0),
        [t, '十', d] => Some(digit(*t)? * 10.0 + digit(*d)?),
        _ => None,
    }
}

/// The figures written in `quote`, in the units the measures use.
fn figures(quote: &str) -> Vec<f64> {
    let text = unspaced(quote).replace(',', "");
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let arabic = chars[i].is_ascii_digit();
        let chinese = "一二两三四五六七八九十".contains(chars[i]);
        if !arabic && !chinese {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (if arabic { chars[i].is_ascii_digit() || chars[i] == '.' } else { "零一二两三四五六七八九十".contains(chars[i]) }) {
            i += 1;
        }
        let number: String = chars[start..i].iter().collect();
        let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
        let value = if arabic { number.parse::<f64>().ok() } else { chinese_number(&number) };
        let Some(v) = value else { continue };
        if !(arabic || rest.starts_with('年') || rest.starts_with('个') || rest.starts_with('倍')) {
            continue;
        }
        out.push(v);
        if rest.starts_with("亿") {
            out.push(v * 10_000.0);
        }
        if rest.starts_with('%') {
            out.push(v / 100.0);
        }
        if rest.starts_with("元") {
            out.push(v / 10_000.0);
        }
    }
    out
}

fn condition_figures(c: &Condition, out: &mut Vec<(String, f64)>) {
    if let Some(v) = c.value.as_ref().and_then(|v| v.as_f64()) {
        // 0 stands for "any amount" (按照研发投入情况): nothing to find in the text
        if v != 0.0 {
            out.push((format!("condition {}", c.field.map_or("?", |f| f.as_str())), v));
        }
    }
    for alt in &c.any_of {
        condition_figures(alt, out);
    }
}

fn measure_figures(m: &PolicyMeasure) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for c in &m.conditions {
        condition_figures(c, &mut out);
    }
    let b = &m.benefit;
    for (name, value) in [("rate", b.rate), ("cap_wan", b.cap_wan), ("floor_wan", b.floor_wan), ("years", b.years.map(f64::from))] {
        if let Some(v) = value {
            out.push((format!("benefit.{name}"), v));
        }
    }
    out
}

#[test]
fn every_quote_is_in_its_document_at_its_line_with_every_figure() {
    let catalogue = &snapshot().policies;
    assert!(catalogue.measures.len() >= 100, "the five documents give well over 100 measures");
    let mut problems = Vec::new();
    for m in &catalogue.measures {
        let text = seed(&m.document);
        if !unspaced(&text).contains(&unspaced(&m.quote_zh)) {
            problems.push(format!("{}: quote_zh is not in {}", m.id, m.document));
        }
        let lines: Vec<&str> = text.lines().collect();
        let start: String = unspaced(&m.quote_zh).chars().take(8).collect();
        let around = lines.get(m.line as usize - 1..lines.len().min(m.line as usize + 2)).map(|l| unspaced(&l.concat())).unwrap_or_default();
        if !around.contains(&start) {
            problems.push(format!("{}: line {} does not hold the start of the quote", m.id, m.line));
        }
        let written = figures(&m.quote_zh);
        for (what, v) in measure_figures(m) {
            if !written.iter().any(|w| (w - v).abs() < 1e-9) {
                problems.push(format!("{}: {what} = {v} is not written in the quote (it has {written:?})", m.id));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_figure_reader_reads_what_the_documents_write() {
    let f = figures("项目建设主体在京新增实缴资本不低于 50 亿元或实际利用外资达到 5 亿美元的");
    assert!(f.contains(&500_000.0) && f.contains(&50_000.0), "{f:?}");
    let f = figures("按照项目固定资产投资额最高30%的比例，给予最高1000万元支持；连续三年");
    assert!(f.contains(&0.3) && f.contains(&1000.0) && f.contains(&3.0), "{f:?}");
    assert!(!figures("给予支持").contains(&300.0));
}

#[test]
fn every_document_has_project_measures_and_a_status() {
    let catalogue = &snapshot().policies;
    for d in &catalogue.documents {
        let project = catalogue.measures.iter().filter(|m| m.document == d.file && m.beneficiary == chanye::model::Beneficiary::Project).count();
        assert!(project >= 5, "{} has only {project} project measures", d.file);
    }
    let status = |file: &str| catalogue.documents.iter().find(|d| d.file == file).unwrap().status;
    assert_eq!(status("mentougou-modern-industry-opinions.txt"), chanye::model::MeasureStatus::Draft, "the title says 征求意见稿");
    assert_eq!(status("miyun-14th-fyp-hpe-plan.txt"), chanye::model::MeasureStatus::Expired, "the plan covers 2021–2025");
}

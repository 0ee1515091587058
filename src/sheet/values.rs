//! Cells and what they hold: text, numbers and dates as spreadsheets and CSV write them,
//! read into the contract's values. A value that cannot be read is a [`Bad`] reason, which
//! the caller places at its row and column.

use chrono::NaiveDate;

use super::columns::fold;
use crate::model::{BuildingType, LandUse, SpaceStatus, SupplyMode};

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Nothing, or only white space.
    Empty,
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// A cell Excel formats as a date.
    Date(NaiveDate),
    /// TRUE or FALSE.
    Bool(bool),
    /// An Excel error value (`#N/A`).
    Error(String),
}

impl Cell {
    /// The cell as text (numbers without a needless `.0`, dates as `YYYY-MM-DD`); none when empty.
    pub(crate) fn text(&self) -> Option<String> {
        match self {
            Cell::Empty | Cell::Error(_) => None,
            Cell::Text(s) => Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string),
            Cell::Number(x) => Some(number_text(*x)),
            Cell::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
            Cell::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_string()),
        }
    }

    /// Whether it holds nothing.
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// Why a value cannot be read, in English and Chinese (without the place).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bad {
    /// In English.
    pub en: String,
    /// In Chinese.
    pub zh: String,
}

impl Bad {
    /// A reason in both languages.
    pub(crate) fn new(en: impl Into<String>, zh: impl Into<String>) -> Bad {
        Bad { en: en.into(), zh: zh.into() }
    }
}

/// A number as people write it: whole numbers without `.0`.
pub(crate) fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A number from a cell: `1,200`, `１２００`, `1200.5`; with `percent`, `45%` is 0.45.
pub(crate) fn number(cell: &Cell, percent: bool) -> Result<f64, Bad> {
    let not_a_number = |given: &str| Bad::new(format!("'{given}' is not a number"), format!("'{given}' 不是数字"));
    match cell {
        Cell::Number(x) if x.is_finite() => Ok(*x),
        Cell::Number(x) => Err(not_a_number(&x.to_string())),
        Cell::Text(text) => {
            let cleaned: String = fold(text).chars().filter(|c| !matches!(c, ',' | '，' | ' ' | '_' | '\'')).collect();
            let (digits, scale) = match cleaned.strip_suffix('%') {
                Some(digits) if percent => (digits, 0.01),
                _ => (cleaned.as_str(), 1.0),
            };
            match digits.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(x * scale),
                _ => Err(not_a_number(text.trim())),
            }
        }
        other => Err(not_a_number(&other.text().unwrap_or_default())),
    }
}

/// Excel's day 0 (1899-12-30, so that serials from 61 on are right despite its 1900 leap day).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

/// A date from an Excel serial day number.
fn serial_date(serial: f64) -> Option<NaiveDate> {
    // 1954 to 2119: anything else typed into a date column is no date anyone means
    if !(20_000.0..=80_000.0).contains(&serial) {
        return None;
    }
    excel_epoch().checked_add_days(chrono::Days::new(serial.floor() as u64))
}

/// A date from text: `2026-03-01`, `2026/3/1`, `2026.3.1`, `2026年3月1日`, `20260301`, a date
/// and time (the time is dropped), or an Excel serial.
fn text_date(text: &str) -> Option<NaiveDate> {
    let folded = fold(text);
    let day = folded.trim().split(['t', ' ']).next().unwrap_or_default();
    let dashed: String = day.replace(['年', '月', '/', '.'], "-").replace(['日', '号'], "");
    if let Ok(d) = NaiveDate::parse_from_str(&dashed, "%Y-%m-%d") {
        return Some(d);
    }
    if dashed.len() == 8 && dashed.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(&dashed, "%Y%m%d").ok();
    }
    dashed.parse::<f64>().ok().and_then(serial_date)
}

/// A date from a cell.
pub(crate) fn date(cell: &Cell) -> Result<NaiveDate, Bad> {
    let found = match cell {
        Cell::Date(d) => Some(*d),
        Cell::Number(x) => serial_date(*x),
        Cell::Text(text) => text_date(text),
        _ => None,
    };
    found.ok_or_else(|| {
        let given = cell.text().unwrap_or_default();
        Bad::new(
            format!("'{given}' is not a date (write it as 2026-03-01, 2026/3/1 or 2026年3月1日)"),
            format!("'{given}' 不是日期（可写作 2026-03-01、2026/3/1 或 2026年3月1日）"),
        )
    })
}

/// A whole number.
pub(crate) fn integer(cell: &Cell) -> Result<i64, Bad> {
    let x = number(cell, false)?;
    if x.fract() == 0.0 && x.abs() < 1e15 {
        Ok(x as i64)
    } else {
        Err(Bad::new(format!("'{}' is not a whole number", number_text(x)), format!("'{}' 不是整数", number_text(x))))
    }
}

/// A value outside a closed list, naming the list in both languages.
fn not_one_of(given: &str, zh: &[&str], en: &[String]) -> Bad {
    Bad::new(
        format!("'{given}' is not one of the allowed values ({})", en.join(", ")),
        format!("'{given}' 不是可选值（可选：{}）", zh.join("、")),
    )
}

/// A status by contract spelling or Chinese label.
pub(crate) fn status(text: &str) -> Result<SpaceStatus, Bad> {
    text.parse::<SpaceStatus>().map_err(|_| {
        let zh: Vec<&str> = SpaceStatus::ALL.iter().map(|s| s.zh()).collect();
        let en: Vec<String> = SpaceStatus::ALL.iter().map(|s| format!("{} ({})", s.as_str(), s.zh())).collect();
        not_one_of(text, &zh, &en)
    })
}

/// A building type.
pub(crate) fn building_type(text: &str) -> Result<BuildingType, Bad> {
    text.trim().parse::<BuildingType>().map_err(|_| {
        let zh: Vec<&str> = BuildingType::ALL.iter().map(|t| t.as_str()).collect();
        let en: Vec<String> = zh.iter().map(|t| t.to_string()).collect();
        not_one_of(text, &zh, &en)
    })
}

/// Names of land uses as district lists write them.
const LAND_USE_NAMES: &[(&str, &str)] = &[
    ("一类工业用地", "M1"),
    ("一类工业", "M1"),
    ("工业研发用地", "M4"),
    ("新型产业用地", "M4"),
    ("新型产业", "M4"),
    ("二类工业用地", "M2"),
    ("二类工业", "M2"),
];

/// A land use: a code (`M1/M4`), a code with its label as the exports write it
/// (`M4 新型产业`), or a name (`工业研发用地`).
pub(crate) fn land_use(text: &str) -> Result<LandUse, Bad> {
    if let Ok(found) = text.parse::<LandUse>() {
        return Ok(found);
    }
    let folded = fold(text);
    let folded = folded.trim();
    if let Some((_, code)) = LAND_USE_NAMES.iter().find(|(name, _)| *name == folded) {
        return code.parse::<LandUse>().map_err(|_| land_use_refused(text));
    }
    // the code before a label: up to the first character that is no part of a code
    let code: String = folded.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/').collect();
    let label = folded[code.len()..].trim();
    match code.parse::<LandUse>() {
        Ok(found) if !code.is_empty() && (label.is_empty() || !label.starts_with(|c: char| c.is_ascii_alphanumeric())) => Ok(found),
        _ => Err(land_use_refused(text)),
    }
}

fn land_use_refused(text: &str) -> Bad {
    Bad::new(
        format!("'{text}' is not a land use (M1, M4, M1/M4, or another GB 50137 code such as M2 or B29)"),
        format!("'{text}' 不是可选值（可选：M1、M4、M1/M4，或 GB 50137 的其他用地代码，如 M2、B29）"),
    )
}

/// The items of a list cell, split at 、 , ， ; ； and line breaks (and `/` where `slash`).
pub(crate) fn items(text: &str, slash: bool) -> Vec<String> {
    // a JSON array, as some tools write lists
    if let Ok(list) = serde_json::from_str::<Vec<String>>(text.trim()) {
        return list.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    }
    text.split(|c: char| matches!(c, '、' | ',' | '，' | ';' | '；' | '\n' | '\r' | '|') || (slash && c == '/'))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Supply modes, several in one cell; each bad one is a reason.
pub(crate) fn supply_modes(text: &str) -> Result<Vec<SupplyMode>, Bad> {
    let mut out = Vec::new();
    for item in items(text, true).iter().flat_map(|i| i.split_whitespace().map(str::to_string).collect::<Vec<_>>()) {
        match item.parse::<SupplyMode>() {
            Ok(mode) if !out.contains(&mode) => out.push(mode),
            Ok(_) => {}
            Err(_) => {
                let zh: Vec<&str> = SupplyMode::ALL.iter().map(|m| m.as_str()).collect();
                let en: Vec<String> = zh.iter().map(|m| m.to_string()).collect();
                return Err(not_one_of(&item, &zh, &en));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn numbers_as_people_write_them() {
        let t = |s: &str| Cell::Text(s.into());
        assert_eq!(number(&t("1,200"), false), Ok(1200.0));
        assert_eq!(number(&t("１２００．５"), false), Ok(1200.5));
        assert_eq!(number(&t("45%"), true), Ok(0.45));
        assert!(number(&t("45%"), false).is_err());
        assert!(number(&t("很多"), false).unwrap_err().zh.contains("'很多' 不是数字"));
        assert_eq!(number_text(1001.0), "1001");
        assert_eq!(number_text(1001.5), "1001.5");
        assert!(integer(&Cell::Number(3.5)).is_err());
    }

    #[test]
    fn dates_in_every_usual_spelling() {
        let want = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        for text in ["2026-03-01", "2026/3/1", "2026.3.1", "2026年3月1日", "20260301", "2026-03-01 00:00:00", "2026-03-01T08:00:00", "46082"] {
            assert_eq!(date(&Cell::Text(text.into())), Ok(want), "{text}");
        }
        assert_eq!(date(&Cell::Number(46082.0)), Ok(want));
        assert!(date(&Cell::Text("下月".into())).is_err());
        assert!(date(&Cell::Number(3.0)).is_err(), "a small number is no date");
    }

    #[test]
    fn land_uses_by_code_label_or_name() {
        for (text, code) in [("M1", "M1"), ("M4 新型产业", "M4"), ("M1/M4 混合", "M1/M4"), ("工业研发用地", "M4"), ("b29", "B29"), ("M2二类工业", "M2")] {
            assert_eq!(land_use(text).map(|l| l.as_str().to_string()), Ok(code.to_string()), "{text}");
        }
        assert!(land_use("工业").is_err());
        assert!(land_use("M1X").is_err());
    }

    #[test]
    fn lists_split_at_the_usual_separators() {
        assert_eq!(supply_modes("出让、先租后让").unwrap(), [SupplyMode::Transfer, SupplyMode::LeaseThenTransfer]);
        assert_eq!(supply_modes("出让/租赁; 出让").unwrap(), [SupplyMode::Transfer, SupplyMode::Lease]);
        assert_eq!(supply_modes(r#"["租赁"]"#).unwrap(), [SupplyMode::Lease]);
        assert!(supply_modes("出让、划拨").unwrap_err().zh.starts_with("'划拨' 不是可选值（可选：出让、租赁"));
        assert_eq!(items("云计算/数据中心, 医疗器械", false), ["云计算/数据中心", "医疗器械"]);
    }
}

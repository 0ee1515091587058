//! The XLSX exports read back with a spreadsheet reader (openpyxl, in the venv target/py that
//! scripts/venv.sh sets up): column widths against the content, the print setup, and what a
//! Chinese reader sees in the cells (labels, place names, dates).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use chanye::export::MAX_COLUMN_WIDTH as MAX_WIDTH;
use serde_json::Value;

use crate::common;

const OPENPYXL: &str = "3.1.5";

/// The venv's python, with openpyxl installed on first use (as the scripts install their
/// tools; the lock keeps two test runs from installing at once).
fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let script = format!(
            "set -euo pipefail; mkdir -p target; exec 9>target/py.lock; flock 9; \
             VENV=target/py; PYTHON=${{PYTHON:-python3}}; fail_setup() {{ echo \"$*\" >&2; exit 2; }}; \
             . scripts/venv.sh; ensure_tool openpyxl {OPENPYXL}"
        );
        let out = Command::new("bash").arg("-c").arg(&script).current_dir(root).output().expect("bash runs");
        assert!(out.status.success(), "openpyxl could not be set up: {}", String::from_utf8_lossy(&out.stderr));
        root.join("target/py/bin/python")
    })
}

/// What openpyxl reads of each sheet, as JSON.
const DUMP: &str = r#"
import datetime, json, sys
from openpyxl import load_workbook

book = load_workbook(sys.argv[1])
sheets = []
for ws in book.worksheets:
    widths = {}
    for dim in ws.column_dimensions.values():
        if dim.customWidth:
            for c in range(dim.min, dim.max + 1):
                widths[c] = dim.width
    rows = []
    for row in ws.iter_rows():
        cells = []
        for cell in row:
            value = cell.value
            if isinstance(value, (datetime.date, datetime.datetime)):
                value = value.isoformat()
            cells.append({"value": value, "is_date": cell.is_date, "format": cell.number_format,
                          "wrap": bool(cell.alignment.wrap_text)})
        rows.append(cells)
    setup = ws.page_setup
    sheets.append({
        "title": ws.title,
        "orientation": setup.orientation,
        "paper_size": setup.paperSize,
        "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        "fit_to_width": setup.fitToWidth,
        "fit_to_height": setup.fitToHeight,
        "print_title_rows": ws.print_title_rows,
        "auto_filter": ws.auto_filter.ref,
        "freeze_panes": ws.freeze_panes,
        "max_row": ws.max_row,
        "max_column": ws.max_column,
        "widths": [widths.get(c) for c in range(1, ws.max_column + 1)],
        "heights": [ws.row_dimensions[r].height for r in range(1, ws.max_row + 1)],
        "margins": [ws.page_margins.left, ws.page_margins.right, ws.page_margins.top, ws.page_margins.bottom],
        "rows": rows,
    })
json.dump(sheets, sys.stdout, ensure_ascii=False)
"#;

/// One sheet as read back.
struct Sheet(Value);

impl Sheet {
    fn headers(&self) -> Vec<&str> {
        self.0["rows"][0].as_array().unwrap().iter().map(|c| c["value"].as_str().unwrap_or("")).collect()
    }

    fn column(&self, header: &str) -> usize {
        self.headers().iter().position(|h| *h == header).unwrap_or_else(|| panic!("no column {header} in {:?}", self.headers()))
    }

    /// The data cells of a column (the header row left out).
    fn cells(&self, header: &str) -> Vec<&Value> {
        let c = self.column(header);
        self.0["rows"].as_array().unwrap()[1..].iter().map(|row| &row[c]).collect()
    }

    fn texts(&self, header: &str) -> Vec<String> {
        self.cells(header).iter().map(|c| c["value"].as_str().map_or_else(|| c["value"].to_string(), str::to_string)).collect()
    }

    fn width(&self, header: &str) -> f64 {
        self.0["widths"][self.column(header)].as_f64().unwrap_or_else(|| panic!("column {header} has no width set"))
    }
}

/// The workbook's sheets, read back by openpyxl.
fn read_back(bytes: &[u8]) -> Vec<Sheet> {
    assert_eq!(&bytes[..2], b"PK", "an XLSX file is a zip");
    let file = tempfile::Builder::new().suffix(".xlsx").tempfile().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    let out = Command::new(python()).arg("-c").arg(DUMP).arg(file.path()).output().expect("python runs");
    assert!(out.status.success(), "openpyxl could not read the file: {}", String::from_utf8_lossy(&out.stderr));
    let sheets: Value = serde_json::from_slice(&out.stdout).unwrap();
    sheets.as_array().unwrap().iter().cloned().map(Sheet).collect()
}

/// Columns of Excel's default font the text takes: CJK characters two, others one.
fn needed(text: &str) -> f64 {
    let wide = |c: char| matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
    text.lines().map(|line| line.chars().map(|c| if wide(c) { 2.0 } else { 1.0 }).sum::<f64>()).fold(0.0, f64::max)
}

/// The column is as wide as its longest content, or at the cap with the longer cells wrapped.
fn assert_fits(sheet: &Sheet, header: &str) {
    let width = sheet.width(header);
    let longest = sheet.texts(header).iter().map(|t| needed(t)).fold(0.0, f64::max);
    assert!(longest > 0.0, "{header} is empty");
    assert!(width >= longest.min(MAX_WIDTH), "{header}: width {width} for content {longest} wide");
    // Excel stores a width with the cell's padding: 60 characters read back as 60.71
    assert!(width < MAX_WIDTH + 1.0, "{header}: width {width} over the cap");
    for cell in sheet.cells(header) {
        if let Some(text) = cell["value"].as_str() {
            assert!(needed(text) <= width || cell["wrap"] == true, "{header}: '{text}' is cut, not wrapped");
        }
    }
}

fn column_letter(n: usize) -> String {
    let (mut n, mut letters) = (n, String::new());
    while n > 0 {
        letters.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    letters
}

/// Landscape, one page wide (as many long as needed), the header row repeated on every
/// page, filtered over all the data and frozen.
fn assert_print_setup(sheet: &Sheet) {
    let s = &sheet.0;
    let title = s["title"].as_str().unwrap();
    assert_eq!(s["orientation"], "landscape", "{title}");
    assert_eq!(s["paper_size"], 9, "{title}: A4");
    // an absent fitToWidth is 1 (ECMA-376), and writers leave it out
    let fit_to_width = s["fit_to_width"].as_u64().unwrap_or(if s["fit_to_width"].is_null() { 1 } else { u64::MAX });
    assert_eq!((s["fit_to_page"].as_bool(), fit_to_width, s["fit_to_height"].as_u64()), (Some(true), 1, Some(0)), "{title}");
    assert_eq!(s["print_title_rows"], "$1:$1", "{title}: the header row on every page");
    let (rows, columns) = (s["max_row"].as_u64().unwrap(), s["max_column"].as_u64().unwrap() as usize);
    assert!(rows > 1, "{title} has no data");
    assert_eq!(s["auto_filter"], format!("A1:{}{rows}", column_letter(columns)), "{title}: the filter covers every row and column");
    assert_eq!(s["freeze_panes"], "A2", "{title}");
}

/// The pages a sheet prints on, by Excel's arithmetic: A4 landscape within the margins, the
/// sheet scaled to the page's width (a width unit is 7 pixels at 96 dpi), rows 15 points high
/// unless set, the header row repeated on each page.
/// The scale that fits the sheet's columns on one A4 landscape page wide (points: 7 px a
/// character, 0.75 pt a pixel).
fn print_scale(sheet: &Sheet) -> f64 {
    let s = &sheet.0;
    let inches = |i: usize| s["margins"][i].as_f64().unwrap();
    let page_width = (11.69 - inches(0) - inches(1)) * 72.0;
    let sheet_width: f64 = s["widths"].as_array().unwrap().iter().map(|w| w.as_f64().unwrap_or(8.43) * 7.0 * 0.75).sum();
    (page_width / sheet_width).min(1.0)
}

fn printed_pages(sheet: &Sheet) -> usize {
    let s = &sheet.0;
    let inches = |i: usize| s["margins"][i].as_f64().unwrap();
    let page_height = (8.27 - inches(2) - inches(3)) * 72.0;
    let scale = print_scale(sheet);
    let heights: Vec<f64> = s["heights"].as_array().unwrap().iter().map(|h| h.as_f64().unwrap_or(15.0) * scale).collect();
    let (header, rows) = heights.split_first().unwrap();
    let (mut pages, mut used) = (1, *header);
    for h in rows {
        if used + h > page_height {
            pages += 1;
            used = *header;
        }
        used += h;
    }
    pages
}

/// A sample layer's features by id.
fn sample_by_id(layer: &str) -> HashMap<String, Value> {
    common::features(&common::sample_layer(layer)).into_iter().map(|f| (f["id"].as_str().unwrap().to_string(), f["properties"].clone())).collect()
}

/// A sample layer's names by id (adcode for districts).
fn names(layer: &str) -> HashMap<String, String> {
    sample_by_id(layer).into_iter().map(|(id, p)| (id, p["name"].as_str().unwrap().to_string())).collect()
}

fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

fn bytes_of(response: ureq::Response) -> Vec<u8> {
    assert_eq!(response.status(), 200);
    assert_eq!(response.content_type(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).unwrap();
    bytes
}

#[test]
fn match_xlsx_fits_its_content_prints_one_page_wide_and_names_places() {
    let project = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/projects/miyun-fosun-emergency-medicine.json")).unwrap();
    let url = format!("{}/api/v1/match", common::sample_server());
    let (_, _, result) = common::answer(ureq::post(&url).set("Content-Type", "application/json").send_string(&project));
    let bytes = bytes_of(common::response(ureq::post(&format!("{url}?format=xlsx")).set("Content-Type", "application/json").send_string(&project)));
    let sheets = read_back(&bytes);
    let titles: Vec<&str> = sheets.iter().map(|s| s.0["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["候选", "近似候选", "适用政策"]);
    let (candidates, near, policies) = (&sheets[0], &sheets[1], &sheets[2]);

    let json_candidates = result["candidates"].as_array().unwrap();
    assert_eq!(candidates.texts("编号"), json_candidates.iter().map(|c| c["id"].as_str().unwrap().to_string()).collect::<Vec<_>>());
    assert_eq!(json_candidates.len(), 10, "the project asks for ten");
    for header in ["名称", "评分理由", "符合的政策", "所在园区", "用地性质"] {
        assert_fits(candidates, header);
    }
    assert!(candidates.width("评分理由") > 20.0 && candidates.width("名称") > 20.0, "not cut at about 9 characters");
    assert!(candidates.cells("评分理由").iter().any(|c| c["wrap"] == true), "the long reasons wrap at the cap");
    for sheet in [candidates, near, policies] {
        assert_print_setup(sheet);
    }
    // the measures' sources are cited once, on their own sheet, so the candidates' rows stay short
    assert!(printed_pages(candidates) <= 3, "ten candidates on {} pages", printed_pages(candidates));
    // twenty-one columns on A4 landscape (the estimated policy support joined them): the
    // scale Excel picks to fit them one page wide
    assert!(print_scale(candidates) >= 0.40, "printed at {:.3}", print_scale(candidates));

    let districts = names("districts");
    let (parks, zones) = (names("parks"), names("zones"));
    let land_uses = ["M1 一类工业", "M4 新型产业", "M1/M4 混合"];
    for labels in candidates.texts("用地性质") {
        assert!(labels.split('、').all(|l| land_uses.contains(&l)), "用地性质 '{labels}' is not labelled");
    }
    for (name, code) in candidates.texts("所在区").iter().zip(candidates.texts("区代码")) {
        assert_eq!(Some(name), districts.get(&code), "the district's name beside its adcode");
    }

    let misses = result["near_misses"].as_array().unwrap();
    assert!(!misses.is_empty(), "the sample project has near misses");
    assert_eq!(near.texts("编号"), misses.iter().map(|m| m["id"].as_str().unwrap().to_string()).collect::<Vec<_>>());
    let named = |header: &str, key: &str, by_id: &HashMap<String, String>| {
        for (cell, miss) in near.cells(header).iter().zip(misses) {
            let expected = miss[key].as_str().map(|code| by_id[code].clone());
            assert_eq!(cell["value"].as_str().map(str::to_string), expected, "{header} shows the name, not the code {}", miss[key]);
        }
    };
    named("所在区", "district", &districts);
    named("所在园区", "park", &parks);
    named("所在园中园", "zone", &zones);
    assert_eq!(near.texts("区代码"), misses.iter().map(|m| m["district"].as_str().unwrap().to_string()).collect::<Vec<_>>());
    for header in ["名称", "所在园区", "未满足条件"] {
        assert_fits(near, header);
    }

    // each measure once, with its source and the ranks of the candidates it applies to
    let mut measures: Vec<(Value, Vec<String>)> = Vec::new();
    for (c, listed) in json_candidates.iter().zip(candidates.texts("符合的政策")) {
        let applied = c["policies"].as_array().unwrap();
        let titles: Vec<&str> = applied.iter().filter(|p| p["eligibility"] == "eligible").map(|p| p["title_zh"].as_str().unwrap()).collect();
        assert_eq!(listed, titles.join("；"), "the titles of candidate {}'s eligible measures", c["rank"]);
        for p in applied {
            match measures.iter_mut().find(|(m, _)| m["id"] == p["id"]) {
                Some((_, ranks)) => ranks.push(c["rank"].to_string()),
                None => measures.push((p.clone(), vec![c["rank"].to_string()])),
            }
        }
    }
    assert!(!measures.is_empty(), "the sample project's candidates have policies");
    let listed: Vec<Vec<String>> = ["政策措施", "文件", "条款", "适用候选排名"].iter().map(|h| policies.texts(h)).collect();
    let rows: Vec<Vec<String>> = (0..listed[0].len()).map(|i| listed.iter().map(|column| column[i].clone()).collect()).collect();
    let expected: Vec<Vec<String>> = measures
        .iter()
        .map(|(p, ranks)| vec![p["title_zh"].as_str().unwrap().to_string(), p["document"].as_str().unwrap().to_string(), p["item"].as_str().unwrap().to_string(), ranks.join("、")])
        .collect();
    assert_eq!(rows, expected);
    assert_fits(policies, "政策措施");
}

#[test]
fn parcel_export_xlsx_has_labels_place_names_and_dates() {
    let response = common::response(ureq::get(&format!("{}/api/v1/export/parcels?format=xlsx", common::sample_server())).call());
    let sheets = read_back(&bytes_of(response));
    assert_eq!(sheets.len(), 1);
    let sheet = &sheets[0];
    assert_print_setup(sheet);
    for header in ["名称 name", "数据来源 source", "所在园区", "所在园中园"] {
        assert_fits(sheet, header);
    }

    let parcels = sample_by_id("parcels");
    let (districts, parks) = (names("districts"), names("parks"));
    let ids = sheet.texts("编号 id");
    assert_eq!(ids.len(), parcels.len());
    let statuses = sheet.texts("状态 status");
    let zh = [("available", "可供应"), ("negotiating", "洽谈中"), ("reserved", "已预留"), ("leased", "已出租"), ("sold", "已出让"), ("under_construction", "在建"), ("idle", "闲置/低效")];
    let zh: HashMap<&str, &str> = zh.into_iter().collect();
    let (district_names, adcodes) = (sheet.texts("所在区"), sheet.texts("区代码 district"));
    let (park_names, park_ids) = (sheet.texts("所在园区"), sheet.texts("园区编号 park"));
    for (i, id) in ids.iter().enumerate() {
        let p = &parcels[id];
        assert_eq!(statuses[i], zh[p["status"].as_str().unwrap()], "{id}: the status in Chinese");
        assert_eq!(adcodes[i], p["district"].as_str().unwrap());
        assert_eq!(district_names[i], districts[&adcodes[i]], "{id}: the district's name beside its adcode");
        if let Some(park) = p["park"].as_str() {
            assert_eq!((park_ids[i].as_str(), &park_names[i]), (park, &parks[park]), "{id}: the park's name beside its id");
        }
    }
    assert!(statuses.iter().any(|s| s == "可供应"));
    assert!(sheet.texts("用地性质 land_use").iter().all(|l| has_cjk(l)), "land uses are labelled");

    // dates are Excel dates (numbers with a date format), not text
    let mut dated = 0;
    for header in ["核实日期 verified_at", "可供日期 available_from"] {
        for (cell, id) in sheet.cells(header).iter().zip(&ids) {
            let Some(expected) = parcels[id][header.split(' ').nth(1).unwrap()].as_str() else {
                assert!(cell["value"].is_null(), "{id}: {header} is empty in the data");
                continue;
            };
            assert_eq!(cell["is_date"], true, "{id}: {header} {cell} is not a date cell");
            assert!(cell["format"].as_str().unwrap().contains("yy"), "{id}: {header} has the format {}", cell["format"]);
            assert_eq!(cell["value"].as_str().unwrap(), format!("{expected}T00:00:00"), "{id}: {header}");
            dated += 1;
        }
    }
    assert!(dated > parcels.len(), "every parcel's verified_at and some available_from are dates");
}

//! Spreadsheets written here (XLSX with rust_xlsxwriter, CSV as text in three encodings) and
//! read back.

use std::io::{Cursor, Read, Write};
use std::sync::Arc;

use geo::{Coord, Distance, Haversine, Point};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;

use super::columns::{header_key, Column, Kind, COLUMNS};
use super::xlsx::check_unpacked;
use super::*;
use crate::geometry::Crs;
use crate::inventory::{LayerName, LayerSource, LoadOptions, NoProgress};

/// A cell written by a test.
#[derive(Clone)]
enum T {
    S(String),
    N(f64),
    /// A date as Excel stores it (a formatted serial).
    D(u16, u8, u8),
    E,
}

fn s(text: &str) -> T {
    T::S(text.to_string())
}

/// A one-sheet workbook (and extra sheets before it, to be skipped).
fn workbook(sheet: &str, rows: &[Vec<T>], before: &[(&str, bool)]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, hidden) in before {
        let extra = book.add_worksheet();
        extra.set_name(*name).unwrap();
        extra.write_string(0, 0, "编号").unwrap();
        extra.write_string(0, 1, "名称").unwrap();
        extra.write_string(0, 2, "状态").unwrap();
        extra.set_hidden(*hidden);
    }
    let data = book.add_worksheet();
    data.set_name(sheet).unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                T::S(text) => data.write_string(r, c, text).map(|_| ()).unwrap(),
                T::N(x) => data.write_number(r, c, *x).map(|_| ()).unwrap(),
                T::D(y, m, d) => data.write_datetime_with_format(r, c, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date).map(|_| ()).unwrap(),
                T::E => {}
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// Rows as CSV text (fields quoted when they hold a comma or quote).
fn csv(rows: &[Vec<String>]) -> String {
    let quote = |f: &String| if f.contains([',', '"', '\n']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.clone() };
    rows.iter().map(|r| r.iter().map(quote).collect::<Vec<_>>().join(",")).collect::<Vec<_>>().join("\r\n") + "\r\n"
}

fn opts(layer: LayerName, crs: Option<Crs>) -> ReadOptions {
    ReadOptions { layer, crs }
}

/// The template's columns for a layer, with its example as a real row (an id and name that
/// are no example's) and no footprint.
fn valid_row(layer: LayerName) -> (Vec<&'static Column>, Vec<String>) {
    let columns: Vec<&Column> = COLUMNS.iter().filter(|c| c.template.has(layer)).collect();
    let values = columns
        .iter()
        .map(|c| match (c.property, c.kind) {
            ("id", _) => if layer == LayerName::Parcels { "P-1" } else { "B-1" }.to_string(),
            ("name", _) => "某园区 1 号".to_string(),
            _ => c.example.to_string(),
        })
        .collect();
    (columns, values)
}

fn errors(read: &SheetRead) -> Vec<&SheetProblem> {
    read.problems.iter().filter(|p| p.severity == Severity::Error).collect()
}

fn props(feature: &Value) -> &serde_json::Map<String, Value> {
    feature["properties"].as_object().unwrap()
}

#[test]
fn every_header_spelling_maps_to_its_property() {
    let mut checked = 0;
    for layer in [LayerName::Parcels, LayerName::Buildings] {
        let (base, values) = valid_row(layer);
        for column in COLUMNS.iter().filter(|c| c.read.has(layer)) {
            if layer == LayerName::Parcels && matches!(column.kind, Kind::X | Kind::Y) {
                continue; // a parcel is placed by its outline: these are read for buildings
            }
            // the template's column of the same property and kind is renamed; another is added
            let at = base.iter().position(|b| b.property == column.property && b.kind == column.kind);
            let own = (column.scale == 1.0 && !matches!(column.kind, Kind::X | Kind::Y | Kind::Crs)).then_some(column.property);
            for spelling in std::iter::once(column.header).chain(column.aliases.iter().copied()).chain(own) {
                let mut headers: Vec<T> = base.iter().map(|b| s(&b.template_header())).collect();
                let mut row: Vec<T> = values.iter().map(|v| s(v)).collect();
                match at {
                    Some(at) => headers[at] = s(spelling),
                    None => {
                        headers.push(s(spelling));
                        row.push(T::N(100.0));
                    }
                }
                let read = read(&workbook("表1", &[headers, row], &[]), SheetFormat::Xlsx, &opts(layer, None)).unwrap();
                assert!(read.problems.is_empty(), "{layer} '{spelling}': {:?}", read.problems);
                assert_eq!(read.features.len(), 1, "{layer} '{spelling}'");
                let origin = &read.origins[0];
                assert!(origin.columns.get(column.property).is_some_and(|h| h.contains(spelling)), "{layer} '{spelling}' → {:?}", origin.columns);
                if !matches!(column.kind, Kind::X | Kind::Y | Kind::Wkt | Kind::Crs) {
                    assert!(props(&read.features[0]).contains_key(column.property), "{layer} '{spelling}'");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 150, "{checked} spellings");
}

#[test]
fn units_in_other_spellings_and_scales() {
    let (base, values) = valid_row(LayerName::Buildings);
    let mut headers: Vec<T> = base.iter().map(|b| s(b.header)).collect();
    let mut row: Vec<T> = values.iter().map(|v| s(v)).collect();
    headers.extend([s("租金/元/平方米/月"), s("楼面荷载(kg/m²)")]);
    row.extend([T::N(36.5), T::N(2000.0)]);
    let at = base.iter().position(|c| c.property == "rent_yuan_m2_day").unwrap();
    let load = base.iter().position(|c| c.property == "floor_load_kn_m2").unwrap();
    headers.remove(load.max(at));
    headers.remove(load.min(at));
    row.remove(load.max(at));
    row.remove(load.min(at));
    let read = read(&workbook("表1", &[headers, row], &[]), SheetFormat::Xlsx, &opts(LayerName::Buildings, None)).unwrap();
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let p = props(&read.features[0]);
    assert_eq!(p["rent_yuan_m2_day"], 1.2, "36.5 a month is 1.2 a day");
    assert_eq!(p["floor_load_kn_m2"], 19.6133);
}

#[test]
fn numeric_ids_and_dates_read_as_written() {
    let headers = ["地块编号", "名称", "状态", "用地性质", "容积率", "供应方式", "数据来源", "核实日期", "可供日期", "WKT"].map(s).to_vec();
    let wkt = "POLYGON((116.80 40.35, 116.803 40.35, 116.803 40.352, 116.80 40.35))";
    let row = |id: T, verified: T, available: T| vec![id, s("一号地"), s("可供应"), s("M1"), T::N(2.0), s("出让"), s("区投促中心"), verified, available, s(wkt)];
    let rows = vec![
        headers,
        row(T::N(1001.0), T::D(2026, 3, 1), s("2026/9/1")),
        row(T::N(1002.5), s("2026年3月1日"), T::N(46_266.0)),
        row(s("0012"), s("2026-03-01"), T::E),
    ];
    let read = read(&workbook("地块", &rows, &[]), SheetFormat::Xlsx, &opts(LayerName::Parcels, None)).unwrap();
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let ids: Vec<&str> = read.features.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1001", "1002.5", "0012"]);
    for f in &read.features {
        assert_eq!(props(f)["verified_at"], "2026-03-01");
    }
    let available: Vec<&Value> = read.features.iter().map(|f| &props(f)["available_from"]).collect();
    assert_eq!(available, [&Value::from("2026-09-01"), &Value::from("2026-09-01"), &Value::Null]);
    assert_eq!(read.origins.iter().map(|o| o.row).collect::<Vec<_>>(), [2, 3, 4]);
    assert_eq!(read.origins[0].sheet, "地块");
}

/// A buildings CSV with one row per (lon, lat, crs label).
fn buildings_csv(points: &[(f64, f64, &str)]) -> String {
    let mut rows = vec![["楼宇编号", "楼宇名称", "类型", "状态", "总建筑面积", "空置面积", "数据来源", "核实日期", "经度", "纬度", "坐标系"].map(String::from).to_vec()];
    for (i, (x, y, crs)) in points.iter().enumerate() {
        rows.push(vec![format!("B{i}"), "厂房，一号".into(), "标准厂房".into(), "可供应".into(), "1,200".into(), "600".into(), "清单".into(), "2026-03-01".into(), format!("{x}"), format!("{y}"), crs.to_string()]);
    }
    csv(&rows)
}

#[test]
fn csv_in_utf8_with_bom_and_gb18030_gives_the_same_features() {
    let text = buildings_csv(&[(116.8, 40.35, ""), (116.81, 40.36, "WGS84")]);
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let files: Vec<Vec<u8>> = vec![text.as_bytes().to_vec(), [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(), gb.into_owned(), utf16];
    let first = read(&files[0], SheetFormat::Csv, &opts(LayerName::Buildings, None)).unwrap();
    assert_eq!(first.features.len(), 2, "{:?}", first.problems);
    assert_eq!(props(&first.features[0])["name"], "厂房，一号");
    assert_eq!(props(&first.features[0])["floor_area_m2"], 1200.0);
    for file in &files[1..] {
        assert_eq!(SheetFormat::sniff(file), SheetFormat::Csv);
        assert_eq!(read(file, SheetFormat::Csv, &opts(LayerName::Buildings, None)).unwrap(), first);
    }
    let tabs = text.replace("\"1,200\"", "1200").replace(',', "\t");
    assert_eq!(read(tabs.as_bytes(), SheetFormat::Csv, &opts(LayerName::Buildings, None)).unwrap().features, first.features);
}

/// The CRSs of the issue, with a label a row may give.
const CRSS: [(Crs, &str); 6] =
    [(Crs::Crs84, "WGS84"), (Crs::Gcj02, "高德"), (Crs::Bd09, "百度"), (Crs::Epsg(4490), "CGCS2000"), (Crs::Epsg(4547), "EPSG:4547"), (Crs::Epsg(4548), "EPSG:4548")];

fn distance_m(feature: &Value, want: Coord) -> f64 {
    let c = &feature["geometry"]["coordinates"];
    Haversine.distance(Point::new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap()), Point(want))
}

#[test]
fn every_crs_per_file_and_per_row_lands_within_a_metre() {
    let want = Coord { x: 116.8, y: 40.35 };
    for (crs, label) in CRSS {
        let given = crs.transformer().unwrap().from_wgs84(want).unwrap();
        let per_file = read(buildings_csv(&[(given.x, given.y, "")]).as_bytes(), SheetFormat::Csv, &opts(LayerName::Buildings, Some(crs))).unwrap();
        let per_row = read(buildings_csv(&[(given.x, given.y, label)]).as_bytes(), SheetFormat::Csv, &opts(LayerName::Buildings, Some(Crs::Gcj02))).unwrap();
        for (how, read) in [("file", &per_file), ("row", &per_row)] {
            assert!(read.problems.is_empty(), "{crs} per {how}: {:?}", read.problems);
            let d = distance_m(&read.features[0], want);
            assert!(d < 1.0, "{crs} per {how}: {d} m off");
        }
        if !crs.is_geographic() {
            // the surveyors' order, X northing first, lands at the same place
            let swapped = read(buildings_csv(&[(given.y, given.x, label)]).as_bytes(), SheetFormat::Csv, &opts(LayerName::Buildings, None)).unwrap();
            assert!(distance_m(&swapped.features[0], want) < 1.0, "{crs} swapped: {:?}", swapped.problems);
        }
        // a parcel's outline in the same CRS, with the SRID naming it
        let t = crs.transformer().unwrap();
        let ring: Vec<Coord> = [(0.0, 0.0), (0.003, 0.0), (0.003, 0.002), (0.0, 0.0)].iter().map(|(dx, dy)| t.from_wgs84(Coord { x: want.x + dx, y: want.y + dy }).unwrap()).collect();
        let wkt = format!("POLYGON(({}))", ring.iter().map(|c| format!("{} {}", c.x, c.y)).collect::<Vec<_>>().join(", "));
        let srid = match crs {
            Crs::Epsg(code) => format!("SRID={code};{wkt}"),
            _ => wkt.clone(),
        };
        let parcels = csv(&[
            ["编号", "名称", "状态", "用地性质", "容积率", "供应方式", "来源", "核实日期", "边界", "坐标系"].map(String::from).to_vec(),
            ["P1", "地", "可供应", "M4", "2", "出让", "清单", "2026-03-01", srid.as_str(), if matches!(crs, Crs::Epsg(_)) { "" } else { label }].map(String::from).to_vec(),
        ]);
        let read = read(parcels.as_bytes(), SheetFormat::Csv, &opts(LayerName::Parcels, None)).unwrap();
        assert!(read.problems.is_empty(), "{crs} outline: {:?}", read.problems);
        let first = &read.features[0]["geometry"]["coordinates"][0][0][0];
        let d = Haversine.distance(Point::new(first[0].as_f64().unwrap(), first[1].as_f64().unwrap()), Point(want));
        assert!(d < 1.0, "{crs} outline: {d} m off");
    }
}

#[test]
fn positions_outside_beijing_suggest_the_crs_or_swapped_columns() {
    let read = read(buildings_csv(&[(40.35, 116.8, ""), (500_000.0, 4_430_000.0, "")]).as_bytes(), SheetFormat::Csv, &opts(LayerName::Buildings, None)).unwrap();
    assert!(read.features.is_empty());
    let [swapped, projected] = errors(&read)[..] else { panic!("{:?}", read.problems) };
    assert_eq!((swapped.row, swapped.column.as_deref()), (Some(2), Some("经度、纬度")));
    assert!(swapped.reason_zh.contains("经度、纬度似乎填反了") && swapped.reason_en.contains("swapped"), "{}", swapped.reason_zh);
    assert!(projected.reason_zh.contains("请检查坐标系（现为 CRS84）"), "{}", projected.reason_zh);
}

#[test]
fn a_bad_status_is_named_with_sheet_row_column_and_the_allowed_values() {
    let (columns, values) = valid_row(LayerName::Parcels);
    let headers: Vec<T> = columns.iter().map(|c| s(&c.template_header())).collect();
    let status = columns.iter().position(|c| c.property == "status").unwrap();
    let id = columns.iter().position(|c| c.property == "id").unwrap();
    let mut rows = vec![vec![s("密云区闲置地块清单（2026 年 3 月）")], headers];
    for n in 1..=12 {
        let mut row: Vec<T> = values.iter().map(|v| s(v)).collect();
        row[id] = s(&format!("P-{n}"));
        if n == 11 {
            row[status] = s("可租");
        }
        rows.push(row);
    }
    let read = read(&workbook("地块清单", &rows, &[("说明", false), ("选项", true)]), SheetFormat::Xlsx, &opts(LayerName::Parcels, None)).unwrap();
    let allowed = "可供应、洽谈中、已预留、已出租、已出让、在建、闲置/低效";
    assert_eq!(
        read.problems,
        [SheetProblem {
            sheet: "地块清单".into(),
            row: Some(13),
            column: Some("状态*".into()),
            severity: Severity::Error,
            reason_zh: format!("第 13 行「状态*」：'可租' 不是可选值（可选：{allowed}）"),
            reason_en: "row 13, column '状态*': '可租' is not one of the allowed values (available (可供应), negotiating (洽谈中), reserved (已预留), leased (已出租), sold (已出让), under_construction (在建), idle (闲置/低效))".into(),
        }]
    );
    assert_eq!(read.features.len(), 11);
    assert!(read.origins.iter().all(|o| o.row != 13) && read.origins.iter().any(|o| o.row == 14));
    assert_eq!(props(&read.features[0])["status"], "available", "the contract spelling, not the label");
    assert_eq!(props(&read.features[0])["land_use"], "M1/M4");
    assert_eq!(props(&read.features[0])["supply_modes"], serde_json::json!(["出让", "先租后让"]));
    assert_eq!(props(&read.features[0])["max_density"], 0.45);
}

#[test]
fn duplicate_ids_name_the_first_row() {
    let text = buildings_csv(&[(116.8, 40.35, ""), (116.81, 40.35, "")]).replace("B1,", "B0,");
    let read = read(text.as_bytes(), SheetFormat::Csv, &opts(LayerName::Buildings, None)).unwrap();
    assert_eq!(read.features.len(), 1);
    let [dup] = errors(&read)[..] else { panic!("{:?}", read.problems) };
    assert_eq!((dup.row, dup.column.as_deref()), (Some(3), Some("楼宇编号")));
    assert_eq!(dup.reason_zh, "第 3 行「楼宇编号」：编号 'B0' 与第 2 行重复");
}

#[test]
fn unknown_ignored_and_missing_columns_are_named_once() {
    let text = "序号,编号,名称,所在区,颜色,状态,类型,经度,纬度\n1,B1,楼,密云区,红,可供应,标准厂房,116.8,40.35\n2,B2,楼,密云区,蓝,可供应,标准厂房,116.8,40.35\n";
    let read = read(text.as_bytes(), SheetFormat::Csv, &opts(LayerName::Buildings, None)).unwrap();
    assert!(read.features.is_empty(), "required columns are missing");
    let columns: Vec<(Option<&str>, Severity)> = read.problems.iter().map(|p| (p.column.as_deref(), p.severity)).collect();
    assert_eq!(columns, [(Some("所在区"), Severity::Warning), (Some("颜色"), Severity::Warning), (None, Severity::Error), (None, Severity::Error), (None, Severity::Error), (None, Severity::Error)]);
    assert!(read.problems.iter().all(|p| p.row.is_none()), "no per-row noise for a missing column");
    let unplaced = super::read("编号,名称\nB1,楼\n".as_bytes(), SheetFormat::Csv, &opts(LayerName::Buildings, None)).unwrap();
    assert!(unplaced.problems.iter().any(|p| p.reason_zh.starts_with("缺少位置列")) && unplaced.problems.iter().all(|p| p.row.is_none()), "{:?}", unplaced.problems);
    assert!(read.problems[1].reason_zh.contains("未识别的列「颜色」"));
    assert!(read.problems.iter().any(|p| p.reason_zh.contains("缺少必填列「总建筑面积（㎡）」")));
}

#[test]
fn empty_rows_are_skipped_and_partial_rows_read() {
    let text = buildings_csv(&[(116.8, 40.35, "")]) + ",,,,,,,,,,\r\nB9,楼,标准厂房,在建,100,0,清单,2026-03-01,116.8,40.35,\r\n";
    let read = read(text.as_bytes(), SheetFormat::Csv, &opts(LayerName::Buildings, None)).unwrap();
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    assert_eq!(read.origins.iter().map(|o| o.row).collect::<Vec<_>>(), [2, 4]);
    assert_eq!(props(&read.features[1])["footprint"], Value::Null);
}

#[test]
fn the_template_reads_back_to_no_features_and_has_its_sheets_and_drop_downs() {
    for layer in [LayerName::Parcels, LayerName::Buildings] {
        let bytes = template(layer).unwrap();
        assert_eq!(SheetFormat::sniff(&bytes), SheetFormat::Xlsx);
        let read = read(&bytes, SheetFormat::Xlsx, &opts(layer, None)).unwrap();
        assert!(read.features.is_empty());
        let [sample] = &read.problems[..] else { panic!("{layer}: {:?}", read.problems) };
        assert_eq!((sample.severity, sample.row), (Severity::Warning, Some(2)));
        assert!(sample.reason_zh.contains("示例行"), "{}", sample.reason_zh);

        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        let mut part = |name: &str| {
            let mut text = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
            text
        };
        let book = part("xl/workbook.xml");
        assert!(book.contains("name=\"说明\"") && book.contains("name=\"选项\"") && book.contains("state=\"hidden\""), "{book}");
        let data = part("xl/worksheets/sheet1.xml");
        let drop_downs = data.matches("<dataValidation ").count();
        assert_eq!(drop_downs, if layer == LayerName::Parcels { 4 } else { 3 }, "{layer}");
        let status = if layer == LayerName::Parcels { 'A' } else { 'B' };
        assert!(data.contains(&format!("<formula1>'选项'!${status}$2:${status}$8</formula1>")), "the status list: {data}");
        assert!(data.contains("<pane ") && data.contains("state=\"frozen\""));
        let notes = part("xl/sharedStrings.xml");
        assert!(notes.contains("示例") && notes.contains("Template notes (English)") && notes.contains("GCJ-02"));
    }
    assert!(matches!(template(LayerName::Parks), Err(SheetError::Layer(LayerName::Parks))));
}

#[test]
fn the_template_example_without_its_sample_id_loads_with_the_sample_data() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    let (mut sources, catalogue) = crate::inventory::read_dir(&dir).unwrap();
    for layer in [LayerName::Parcels, LayerName::Buildings] {
        let (columns, values) = valid_row(layer);
        let headers: Vec<String> = columns.iter().map(|c| c.template_header()).collect();
        let read = read(csv(&[headers, values]).as_bytes(), SheetFormat::Csv, &opts(layer, None)).unwrap();
        assert!(read.problems.is_empty(), "{layer}: {:?}", read.problems);
        // every column the template writes names a property of the feature or its position
        let origin = &read.origins[0];
        assert_eq!(origin.columns.values().map(|h| h.split('、').count()).sum::<usize>(), columns.len(), "{:?}", origin.columns);
        let collection = serde_json::json!({"type": "FeatureCollection", "features": read.features});
        sources.retain(|s| s.layer != layer);
        sources.push(LayerSource { layer, origin: "sheet".into(), text: collection.to_string() });
    }
    let loaded = crate::inventory::load(&sources, Arc::new(catalogue), LoadOptions::default(), &NoProgress).unwrap();
    assert!(loaded.report.problems.iter().all(|p| p.severity == crate::inventory::Severity::Warning), "{:?}", loaded.report.problems);
    let parcel = loaded.snapshot.parcels.get("P-1").unwrap();
    assert_eq!((parcel.district.as_str(), parcel.park.as_deref()), ("110118", Some("miyun-zgc")));
    let building = loaded.snapshot.buildings.get("B-1").unwrap();
    assert_eq!(building.industries, ["health.devices", "health.biopharma"]);
}

#[test]
fn unreadable_files_are_errors_not_panics() {
    let o = opts(LayerName::Parcels, None);
    assert!(matches!(read(b"", SheetFormat::Csv, &o), Err(SheetError::Empty)));
    assert!(matches!(read(b"", SheetFormat::Xlsx, &o), Err(SheetError::Empty)));
    assert!(matches!(read(b"PK\x03\x04garbage", SheetFormat::Xlsx, &o), Err(SheetError::NotAWorkbook(_))));
    assert!(matches!(read(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", SheetFormat::Csv, &o), Err(SheetError::Xls)));
    assert!(matches!(read(b"\xff\xfe\x00\xd8", SheetFormat::Csv, &o), Err(SheetError::NotText)));
    assert!(matches!(read(b"a,b,c\n1,2,3\n", SheetFormat::Csv, &o), Err(SheetError::NoHeader { .. })));
    assert!(matches!(read(b"\x00\x01\x02", SheetFormat::Csv, &o), Err(SheetError::NotText)));
    // a zip that is no workbook
    let mut other = zip::ZipWriter::new(Cursor::new(Vec::new()));
    other.start_file("readme.txt", zip::write::SimpleFileOptions::default()).unwrap();
    other.write_all("编号,名称,状态".as_bytes()).unwrap();
    let other = other.finish().unwrap().into_inner();
    assert!(matches!(read(&other, SheetFormat::sniff(&other), &o), Err(SheetError::NotAWorkbook(_))));
    // a workbook without a sheet of this layer
    let strangers = workbook("Sheet1", &[vec![s("颜色"), s("大小")], vec![s("红"), s("大")]], &[]);
    let e = read(&strangers, SheetFormat::Xlsx, &o).unwrap_err();
    assert!(e.zh().contains("工作表 Sheet1 的前 20 行中没有地块的表头行"), "{}", e.zh());
    assert_eq!(crate::error::Classified::kind(&e), crate::error::ErrorKind::InvalidData);
    assert!(matches!(read(b"x", SheetFormat::Csv, &opts(LayerName::Districts, None)), Err(SheetError::Layer(_))));
    assert!(matches!(read(b"x", SheetFormat::Csv, &opts(LayerName::Parcels, Some(Crs::Epsg(999_999)))), Err(SheetError::Crs(_))));
    // cut and scrambled workbooks, and noise: each an error or a read, never a panic
    let book = template(LayerName::Parcels).unwrap();
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..200 {
        let mut bytes = book[..(next() as usize % book.len())].to_vec();
        if round % 2 == 0 {
            bytes = book.clone();
            for _ in 0..8 {
                let at = next() as usize % bytes.len();
                bytes[at] = next() as u8;
            }
        }
        let _ = read(&bytes, SheetFormat::sniff(&bytes), &o);
        let noise: Vec<u8> = (0..(next() % 2000)).map(|_| next() as u8).collect();
        let _ = read(&noise, SheetFormat::Csv, &o);
    }
}

#[test]
fn too_big_files_and_sheets_are_refused() {
    let o = opts(LayerName::Buildings, None);
    let big = vec![b'a'; MAX_BYTES + 1];
    assert!(matches!(read(&big, SheetFormat::Csv, &o), Err(SheetError::TooLarge { .. })));
    let rows = "编号,名称\n".to_string() + &"1,楼\n".repeat(100_000);
    let e = read(rows.as_bytes(), SheetFormat::Csv, &o).unwrap_err();
    assert!(matches!(e, SheetError::SheetTooBig { rows: 100_001, .. }), "{e}");
    let wide = "编号,名称,".to_string() + &"x,".repeat(250);
    assert!(matches!(read(wide.as_bytes(), SheetFormat::Csv, &o), Err(SheetError::SheetTooBig { .. })));
    // an XLSX with a cell beyond the column limit
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "编号").unwrap();
    sheet.write_string(0, 1, "名称").unwrap();
    sheet.write_string(3, 300, "远").unwrap();
    let e = read(&book.save_to_buffer().unwrap(), SheetFormat::Xlsx, &o).unwrap_err();
    assert!(matches!(e, SheetError::SheetTooBig { columns: 301, .. }), "{e}");
}

#[test]
fn a_zip_that_unpacks_too_far_is_refused_before_calamine_reads_it() {
    let book = template(LayerName::Buildings).unwrap();
    assert!(check_unpacked(&book, 10_000_000).is_ok());
    assert!(matches!(check_unpacked(&book, 1_000), Err(SheetError::Unpacked { limit: 1_000 })));
    // a part whose header understates its size: only unpacking finds out
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("xl/sharedStrings.xml", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(&vec![b' '; 300_000]).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert!(matches!(check_unpacked(&bytes, 100_000), Err(SheetError::Unpacked { .. })));
}

#[test]
fn header_keys_of_the_exports_are_read() {
    // the XLSX export writes a Chinese label and the property name
    let lookup = super::columns::Lookup::new(LayerName::Parcels);
    for (header, property) in [("状态 status", "status"), ("面积(m²) area_m2", "area_m2"), ("区代码 district", "district"), ("供地方式 supply_modes", "supply_modes")] {
        match lookup.find(header) {
            super::columns::Header::Column(c) => assert_eq!(c.property, property, "{header}"),
            _ => panic!("{header} ({})", header_key(header)),
        }
    }
}

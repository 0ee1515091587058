//! Offices' spreadsheets (issue 19, part 3) over HTTP and the CLI: XLSX written with
//! rust_xlsxwriter and CSV in UTF-8 and GB18030, Chinese headers and contract names, positions
//! in GCJ-02, BD-09 and EPSG:4548 landing within 1 m of the WGS84 feature, a bad row named by
//! sheet, row and column, preview then commit all or nothing, upsert by id, and the scope
//! checked per row.

use crate::common;

use chanye::geometry::china::{wgs84_to_bd09, wgs84_to_gcj02};
use chanye::model::{Role, Scope};
use common::response;
use geo::{Coord, Distance, Haversine, Point};
use rust_xlsxwriter::Workbook;
use serde_json::{json, Value};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A workbook with one sheet `name` of `rows` (the first is the header), as bytes.
fn workbook(name: &str, rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(name).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) if r > 0 && !cell.starts_with('0') => sheet.write_number(r as u32, c as u16, n).unwrap(),
                _ => sheet.write_string(r as u32, c as u16, cell).unwrap(),
            };
        }
    }
    book.save_to_buffer().unwrap()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// Status and JSON body of a POST of `body`.
fn post(url: &str, token: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
    let r = response(ureq::post(url).set("Authorization", &format!("Bearer {token}")).set("Content-Type", content_type).send_bytes(body));
    let status = r.status();
    (status, serde_json::from_str(&r.into_string().unwrap()).unwrap_or(Value::Null))
}

fn get_feature(base: &str, layer: &str, id: &str) -> (u16, Value) {
    let r = response(ureq::get(&format!("{base}/collections/{layer}/items/{id}")).call());
    let status = r.status();
    (status, serde_json::from_str(&r.into_string().unwrap()).unwrap_or(Value::Null))
}

fn point_of(feature: &Value) -> Coord {
    let c = &feature["geometry"]["coordinates"];
    Coord { x: c[0].as_f64().unwrap(), y: c[1].as_f64().unwrap() }
}

fn metres(a: Coord, b: Coord) -> f64 {
    Haversine.distance(Point::from(a), Point::from(b))
}

/// A sample building of `district`, as the sample file has it.
fn sample_building(district: &str, nth: usize) -> Value {
    common::features(&common::sample_layer("buildings")).into_iter().filter(|f| f["properties"]["district"] == district).nth(nth).unwrap()
}

const BUILDING_HEADER: [&str; 10] = ["楼宇编号", "楼宇名称", "类型", "状态", "总建筑面积（㎡）", "空置面积（㎡）", "经度", "纬度", "数据来源", "核实日期"];

fn building_row(id: &str, name: &str, status: &str, vacant: f64, at: Coord) -> Vec<String> {
    let (lon, lat) = (format!("{:.9}", at.x), format!("{:.9}", at.y));
    row(&[id, name, "标准厂房", status, "12000", &vacant.to_string(), &lon, &lat, "测试数据（非官方）", "2026-12-01"])
}

/// The row of a stored building as its office's sheet has it, with only the vacant area changed.
fn existing_building_row(existing: &Value, vacant: f64, at: Coord) -> Vec<String> {
    let p = &existing["properties"];
    let text = |key: &str| p[key].as_str().unwrap().to_string();
    let mut cells = building_row(existing["id"].as_str().unwrap(), &text("name"), "可供应", vacant, at);
    cells[2] = text("building_type");
    cells[4] = p["floor_area_m2"].as_f64().unwrap().to_string();
    cells[8] = text("source");
    cells[9] = text("verified_at");
    cells
}

#[test]
fn an_xlsx_in_gcj02_is_previewed_with_its_bad_row_named_then_fixed_and_committed_all_or_nothing() {
    let (base, store, _dir) = common::store_server(chanye::http::Settings::default());
    let editor = store.create_token("miyun-gis", Role::Editor, &Scope::District("110118".into())).unwrap();
    let existing = sample_building("110118", 0);
    let id = existing["id"].as_str().unwrap().to_string();
    let here = point_of(&existing);
    let next_to = Coord { x: here.x + 0.002, y: here.y + 0.001 };
    let stored_vacant = existing["properties"]["vacant_area_m2"].as_f64().unwrap();
    let rows = vec![
        row(&BUILDING_HEADER),
        existing_building_row(&existing, stored_vacant - 100.0, wgs84_to_gcj02(here)),
        building_row("T-XLSX-NEW", "测试新厂房", "可供应", 6000.0, wgs84_to_gcj02(next_to)),
        building_row("T-XLSX-BAD", "状态写错的厂房", "可租", 5000.0, wgs84_to_gcj02(next_to)),
    ];
    let url = format!("{base}/api/v1/import?layer=buildings&crs=gcj02");
    let (status, preview) = post(&url, &editor, XLSX, &workbook("厂房楼宇", &rows));
    assert_eq!(status, 200, "{preview}");
    let problem = preview["problems"].as_array().unwrap().iter().find(|p| p["severity"] == "error").unwrap_or_else(|| panic!("{preview}"));
    assert_eq!((problem["sheet"].as_str(), problem["row"].as_u64(), problem["column"].as_str()), (Some("厂房楼宇"), Some(4), Some("状态")), "{problem}");
    assert!(problem["reason_zh"].as_str().unwrap().contains("第 4 行「状态」：'可租'"), "{problem}");
    assert!(problem["reason_en"].as_str().unwrap().contains("row 4"), "{problem}");
    assert_eq!(preview["can_commit"], false);
    assert_eq!(preview["new"][0]["id"], "T-XLSX-NEW");
    let changed = &preview["changed"][0];
    assert_eq!((changed["id"].as_str(), changed["row"].as_u64()), (Some(id.as_str()), Some(2)), "{preview}");
    let fields = changed["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "only the vacant area changes; the GCJ-02 position is the stored one: {fields:?}");
    assert_eq!((fields[0]["field"].as_str(), fields[0]["column"].as_str()), (Some("vacant_area_m2"), Some("空置面积（㎡）")));
    assert_eq!((fields[0]["old"].as_f64(), fields[0]["new"].as_f64()), (Some(stored_vacant), Some(stored_vacant - 100.0)));
    // a preview with a bad row does not commit, and nothing is written
    let commit = format!("{base}/api/v1/import/{}/commit", preview["preview_id"].as_str().unwrap());
    let (status, problem) = post(&commit, &editor, "application/json", b"");
    assert_eq!(status, 422, "{problem}");
    assert_eq!(get_feature(&base, "buildings", "T-XLSX-NEW").0, 404);
    assert_eq!(get_feature(&base, "buildings", &id).1["properties"]["vacant_area_m2"].as_f64(), Some(stored_vacant));
    // fixed: the same file without the bad row commits, once
    let (status, preview) = post(&url, &editor, XLSX, &workbook("厂房楼宇", &rows[..3]));
    assert_eq!((status, &preview["can_commit"]), (200, &json!(true)), "{preview}");
    let commit = format!("{base}/api/v1/import/{}/commit", preview["preview_id"].as_str().unwrap());
    let (status, done) = post(&commit, &editor, "application/json", b"");
    assert_eq!((status, &done["new"], &done["changed"]), (200, &json!(1), &json!(1)), "{done}");
    assert_eq!(post(&commit, &editor, "application/json", b"").0, 404, "a preview commits once");
    let (_, new) = get_feature(&base, "buildings", "T-XLSX-NEW");
    assert!(metres(point_of(&new), next_to) < 1.0, "the GCJ-02 position lands on the WGS84 point: {new}");
    assert_eq!(new["properties"]["district"], "110118");
    let (_, updated) = get_feature(&base, "buildings", &id);
    assert_eq!(updated["properties"]["vacant_area_m2"].as_f64(), Some(stored_vacant - 100.0));
    assert!(metres(point_of(&updated), here) < 0.01, "not moved");
    // the same file again: all unchanged
    let (_, again) = post(&url, &editor, XLSX, &workbook("厂房楼宇", &rows[..3]));
    assert_eq!((again["unchanged"].as_array().map(Vec::len), again["changed"].as_array().map(Vec::len), &again["can_commit"]), (Some(2), Some(0), &json!(false)), "{again}");
}

#[test]
fn a_csv_in_gb18030_or_utf8_with_contract_headers_and_bd09_per_row_lands_where_the_wgs84_one_does() {
    let (base, store, _dir) = common::store_server(chanye::http::Settings::default());
    let admin = store.create_token("city", Role::Admin, &Scope::City).unwrap();
    let at = point_of(&sample_building("110115", 0));
    let spots = [Coord { x: at.x + 0.001, y: at.y }, Coord { x: at.x, y: at.y + 0.001 }];
    let bd = wgs84_to_bd09(spots[1]);
    let text = format!(
        "id,name,building_type,status,floor_area_m2,vacant_area_m2,lon,lat,crs,source,verified_at\n\
         T-CSV-1,大兴测试厂房甲,标准厂房,洽谈中,8000,8000,{:.9},{:.9},WGS84,测试数据,2026-12-01\n\
         T-CSV-2,大兴测试厂房乙,标准厂房,可供应,9000,4500,{:.9},{:.9},百度,测试数据,2026/12/1\n",
        spots[0].x, spots[0].y, bd.x, bd.y
    );
    let (gb18030, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    let utf8_bom: Vec<u8> = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
    let url = format!("{base}/api/v1/import?layer=buildings");
    let mut previews = Vec::new();
    for bytes in [gb18030.to_vec(), utf8_bom] {
        let (status, preview) = post(&url, &admin, "text/csv", &bytes);
        assert_eq!((status, &preview["can_commit"]), (200, &json!(true)), "{preview}");
        let names: Vec<&str> = preview["new"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["大兴测试厂房甲", "大兴测试厂房乙"], "{preview}");
        previews.push(preview);
    }
    let commit = format!("{base}/api/v1/import/{}/commit", previews[0]["preview_id"].as_str().unwrap());
    assert_eq!(post(&commit, &admin, "application/json", b"").0, 200);
    for (id, spot) in ["T-CSV-1", "T-CSV-2"].iter().zip(spots) {
        let (_, f) = get_feature(&base, "buildings", id);
        assert!(metres(point_of(&f), spot) < 1.0, "{id}: {f}");
    }
    assert_eq!(get_feature(&base, "buildings", "T-CSV-1").1["properties"]["status"], "negotiating");
    // the second preview, made before the commit, would add what now exists: refused whole
    let commit = format!("{base}/api/v1/import/{}/commit", previews[1]["preview_id"].as_str().unwrap());
    let (status, problem) = post(&commit, &admin, "application/json", b"");
    assert!(status == 422 || status == 412, "{status} {problem}");
}

#[test]
fn each_row_is_checked_against_the_importers_scope() {
    let (base, store, _dir) = common::store_server(chanye::http::Settings::default());
    let miyun = store.create_token("miyun-gis", Role::Editor, &Scope::District("110118".into())).unwrap();
    let in_miyun = point_of(&sample_building("110118", 1));
    let in_daxing = point_of(&sample_building("110115", 1));
    let rows = vec![
        row(&BUILDING_HEADER),
        building_row("T-SCOPE-MY", "密云的", "可供应", 100.0, Coord { x: in_miyun.x + 0.001, y: in_miyun.y }),
        building_row("T-SCOPE-DX", "大兴的", "可供应", 100.0, Coord { x: in_daxing.x + 0.001, y: in_daxing.y }),
    ];
    let (status, preview) = post(&format!("{base}/api/v1/import?layer=buildings"), &miyun, XLSX, &workbook("厂房", &rows));
    assert_eq!((status, &preview["can_commit"]), (200, &json!(false)), "{preview}");
    let problems: Vec<&Value> = preview["problems"].as_array().unwrap().iter().filter(|p| p["severity"] == "error").collect();
    assert_eq!(problems.len(), 1, "{preview}");
    assert_eq!(problems[0]["row"], 3);
    assert!(problems[0]["reason_en"].as_str().unwrap().contains("district 110118") && problems[0]["reason_zh"].as_str().unwrap().contains("110115"), "{}", problems[0]);
    let promoter = store.create_token("miyun-zs", Role::Promoter, &Scope::District("110118".into())).unwrap();
    assert_eq!(post(&format!("{base}/api/v1/import?layer=buildings"), &promoter, XLSX, &workbook("厂房", &rows[..2])).0, 403, "imports are for editors");
}

#[test]
fn the_template_is_an_xlsx_the_importer_reads_back_empty() {
    let (base, _store, _dir) = common::store_server(chanye::http::Settings::default());
    for layer in ["parcels", "buildings"] {
        let r = response(ureq::get(&format!("{base}/api/v1/import/template?layer={layer}")).call());
        assert_eq!((r.status(), r.content_type()), (200, XLSX));
        assert!(r.header("Content-Disposition").unwrap().contains(&format!("{layer}-template.xlsx")));
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
        let read = chanye::sheet::read(&bytes, chanye::sheet::SheetFormat::Xlsx, &chanye::sheet::ReadOptions { layer: chanye::inventory::LayerName::parse(layer).unwrap(), crs: None }).unwrap();
        assert!(read.features.is_empty() && !read.has_errors(), "{layer}: {:?}", read.problems);
    }
    assert_eq!(response(ureq::get(&format!("{base}/api/v1/import/template?layer=districts")).call()).status(), 400);
}

#[test]
fn the_cli_imports_a_parcels_sheet_with_outlines_in_epsg_4548_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let sample = common::sample_dir();
    let chanye = || std::process::Command::new(env!("CARGO_BIN_EXE_chanye"));
    let mut import = chanye();
    import.arg("import");
    for l in ["districts", "parks", "zones", "parcels", "buildings"] {
        import.arg(sample.join(format!("{l}.geojson")));
    }
    let out = import.arg(sample.join("industries.json")).arg(sample.join("policies.json")).arg("--into").arg(&store).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // a Miyun parcel's outline, shifted 300 m east, as CGCS2000 / 3-degree Gauss-Kruger CM 117E
    let parcel = common::features(&common::sample_layer("parcels")).into_iter().find(|f| f["properties"]["district"] == "110118").unwrap();
    let ring: Vec<Coord> = parcel["geometry"]["coordinates"][0][0].as_array().unwrap().iter().map(|c| Coord { x: c[0].as_f64().unwrap() + 0.0035, y: c[1].as_f64().unwrap() }).collect();
    let to_4548 = chanye::geometry::Crs::Epsg(4548).transformer().unwrap();
    let projected: Vec<String> = ring.iter().map(|c| to_4548.from_wgs84(*c).unwrap()).map(|p| format!("{:.3} {:.3}", p.x, p.y)).collect();
    let wkt = format!("POLYGON(({}))", projected.join(", "));
    let header = row(&["地块编号", "地块名称", "状态", "用地性质", "容积率上限", "供应方式", "边界（WKT）", "数据来源", "核实日期"]);
    let good = row(&["T-CLI-1", "密云测试地块", "可供应", "M1", "1.5", "出让、先租后让", &wkt, "测试数据（非官方）", "2026-12-01"]);
    let bad = row(&["T-CLI-2", "容积率写错", "可供应", "M1", "很高", "出让", &wkt, "测试数据（非官方）", "2026-12-01"]);
    let file = dir.path().join("地块清单.xlsx");
    std::fs::write(&file, workbook("地块", &[header.clone(), good.clone(), bad])).unwrap();
    let run = |file: &std::path::Path| chanye().arg("import").arg(file).args(["--layer", "parcels", "--crs", "EPSG:4548", "--into"]).arg(&store).env("LANG", "C").output().unwrap();
    let out = run(&file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("地块清单.xlsx/地块") && stderr.contains("row 3") && stderr.contains("容积率上限"), "{stderr}");
    let opened = chanye::store::GpkgStore::open(&store).unwrap();
    let versions = chanye::store::Store::versions(&opened, chanye::inventory::LayerName::Parcels).unwrap();
    assert!(!versions.contains_key("T-CLI-1"), "all or nothing: the good row was not written either");
    std::fs::write(&file, workbook("地块", &[header, good])).unwrap();
    let out = run(&file);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("parcels: 1 added"));
    let loaded = chanye::store::Store::snapshot(&opened).unwrap().snapshot;
    let stored = loaded.parcels.get("T-CLI-1").unwrap();
    let stored_ring = &stored.geometry.0[0].exterior().0;
    for (want, got) in ring.iter().zip(stored_ring) {
        assert!(metres(*want, *got) < 1.0, "{want:?} {got:?}");
    }
    assert_eq!(stored.district, "110118");
}

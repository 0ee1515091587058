//! The XLSX template district offices fill in: the data sheet (Chinese headers from the
//! column table, an example row, drop-down lists, text-formatted id and date columns), a 说明
//! sheet (Chinese, then English) and the hidden 选项 sheet the drop-downs read.

use rust_xlsxwriter::{Color, DataValidation, DataValidationErrorStyle, Format, FormatBorder, Formula, Workbook, Worksheet, XlsxError};

use super::columns::{Column, Kind, COLUMNS};
use super::position::CRS_CHOICES;
use super::xlsx::NOT_DATA;
use super::SheetError;
use crate::inventory::LayerName;
use crate::model::{BuildingType, LandUse, SpaceStatus, SupplyMode};

/// Rows below the header that carry the drop-downs and formats.
const TEMPLATE_ROWS: u32 = 5_000;
/// The widest a column is made, in characters.
const MAX_WIDTH: f64 = 40.0;

/// The data sheet's name for a layer.
fn data_sheet(layer: LayerName) -> &'static str {
    if layer == LayerName::Parcels {
        "地块"
    } else {
        "厂房楼宇"
    }
}

/// The XLSX template for `parcels` or `buildings`.
pub fn template(layer: LayerName) -> Result<Vec<u8>, SheetError> {
    if !matches!(layer, LayerName::Parcels | LayerName::Buildings) {
        return Err(SheetError::Layer(layer));
    }
    build(layer).map_err(|e| SheetError::Template(e.to_string()))
}

fn build(layer: LayerName) -> Result<Vec<u8>, XlsxError> {
    let columns: Vec<&Column> = COLUMNS.iter().filter(|c| c.template.has(layer)).collect();
    let lists = choice_lists(&columns);
    let mut workbook = Workbook::new();
    data(workbook.add_worksheet(), layer, &columns, &lists)?;
    notes(workbook.add_worksheet(), layer, &columns)?;
    choices(workbook.add_worksheet(), &lists)?;
    workbook.save_to_buffer()
}

/// A drop-down: its column in the data sheet, its title and values, and whether other values
/// may be typed (several supply modes, other land-use codes, other EPSG codes).
struct Choices {
    column: u16,
    title: &'static str,
    values: Vec<String>,
    open: bool,
}

fn choice_lists(columns: &[&Column]) -> Vec<Choices> {
    let mut lists = Vec::new();
    for (index, column) in columns.iter().enumerate() {
        let (values, open): (Vec<String>, bool) = match column.kind {
            Kind::Status => (SpaceStatus::ALL.iter().map(|s| s.zh().to_string()).collect(), false),
            Kind::LandUse => ([LandUse::M1, LandUse::M4, LandUse::M1M4].iter().map(|l| l.zh().to_string()).collect(), true),
            Kind::SupplyModes => (SupplyMode::ALL.iter().map(|m| m.as_str().to_string()).collect(), true),
            Kind::BuildingType => (BuildingType::ALL.iter().map(|t| t.as_str().to_string()).collect(), false),
            Kind::Crs => (CRS_CHOICES.iter().map(|(name, _, _)| name.to_string()).collect(), true),
            _ => continue,
        };
        lists.push(Choices { column: index as u16, title: column.header, values, open });
    }
    lists
}

/// Display width in characters: a Chinese character counts two.
fn width(text: &str) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 1.0 } else { 2.0 }).sum()
}

/// The `A`–`Z` name of a column (the 选项 sheet has a few).
fn letter(column: u16) -> char {
    char::from(b'A' + (column % 26) as u8)
}

fn data(sheet: &mut Worksheet, layer: LayerName, columns: &[&Column], lists: &[Choices]) -> Result<(), XlsxError> {
    sheet.set_name(data_sheet(layer))?;
    let header = Format::new().set_bold().set_text_wrap().set_background_color(Color::RGB(0xDDEBF7)).set_border(FormatBorder::Thin);
    let required = header.clone().set_font_color(Color::RGB(0xC00000));
    let text = Format::new().set_num_format("@");
    let example = Format::new().set_italic().set_font_color(Color::Gray);
    let example_text = example.clone().set_num_format("@");
    for (index, column) in columns.iter().enumerate() {
        let col = index as u16;
        if column.kind.is_text() {
            sheet.set_column_format(col, &text)?;
        }
        sheet.write_string_with_format(0, col, column.template_header(), if column.required { &required } else { &header })?;
        match column.example.parse::<f64>() {
            Ok(x) if column.kind.is_numeric() => sheet.write_number_with_format(1, col, x, &example)?,
            _ => sheet.write_string_with_format(1, col, column.example, if column.kind.is_text() { &example_text } else { &example })?,
        };
        let wide = width(&column.template_header()).max(width(column.example).min(MAX_WIDTH)) + 2.0;
        sheet.set_column_width(col, wide.clamp(8.0, MAX_WIDTH))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (position, list) in lists.iter().enumerate() {
        let letter = letter(position as u16);
        let range = format!("='{}'!${letter}$2:${letter}${}", NOT_DATA[1], list.values.len() + 1);
        let style = if list.open { DataValidationErrorStyle::Information } else { DataValidationErrorStyle::Warning };
        let validation = DataValidation::new()
            .allow_list_formula(Formula::new(range))
            .set_error_style(style)
            .set_error_title(list.title)?
            .set_error_message(format!("请从下拉列表中选择：{}", list.values.join("、")))?;
        sheet.add_data_validation(1, list.column, TEMPLATE_ROWS, list.column, &validation)?;
    }
    Ok(())
}

/// The 选项 sheet: one list per column, hidden.
fn choices(sheet: &mut Worksheet, lists: &[Choices]) -> Result<(), XlsxError> {
    sheet.set_name(NOT_DATA[1])?;
    for (position, list) in lists.iter().enumerate() {
        let col = position as u16;
        sheet.write_string(0, col, list.title)?;
        for (row, value) in list.values.iter().enumerate() {
            sheet.write_string(row as u32 + 1, col, value)?;
        }
    }
    sheet.set_hidden(true);
    Ok(())
}

/// What the 说明 sheet says before the columns, per language.
fn paragraphs(layer: LayerName) -> (Vec<String>, Vec<String>) {
    let (what_zh, what_en) = if layer == LayerName::Parcels { ("地块", "parcel") } else { ("楼宇（厂房空间）", "building space") };
    let position_zh = if layer == LayerName::Parcels {
        "位置：「边界（WKT）」列填地块边界，WKT 格式的 POLYGON 或 MULTIPOLYGON，如 POLYGON((116.800 40.350, 116.803 40.350, 116.803 40.352, 116.800 40.352, 116.800 40.350))，坐标按「经度 纬度」（投影坐标为「东坐标 北坐标」）；QGIS、ArcGIS 等 GIS 软件可导出 WKT。"
    } else {
        "位置：填「经度」「纬度」两列；或填「占地轮廓（WKT）」列（POLYGON 或 MULTIPOLYGON），没有经纬度时取轮廓内一点为位置。"
    };
    let position_en = if layer == LayerName::Parcels {
        "Position: the 边界（WKT） column holds the parcel's outline as a WKT POLYGON or MULTIPOLYGON, coordinates as 'lon lat' (or 'easting northing' in a projected CRS); GIS software such as QGIS exports WKT."
    } else {
        "Position: the 经度 (longitude) and 纬度 (latitude) columns, or a footprint in the 占地轮廓（WKT） column (POLYGON or MULTIPOLYGON); without lon/lat a point inside the footprint is the position."
    };
    let zh = vec![
        format!("每行一个{what_zh}；第 1 行是表头，请勿改动表头文字（列的顺序可以调整，不用的选填列可以删除）。带 * 的列必填。"),
        position_zh.to_string(),
        "坐标系：整个文件的坐标系在导入时指定（不指定为 WGS84）；某一行的「坐标系」列可单独指定该行的坐标系。可用的坐标系见下表。投影坐标（EPSG:4547、EPSG:4548）的东坐标、北坐标可按任一顺序填写（测量习惯中 X 为北坐标），东坐标可带带号（如 39 开头的 8 位数）。坐标换算后须在北京范围内，否则该行报错。".into(),
        "第 2 行是示例行：编号以「示例」开头的行导入时跳过；示例中的名称、面积、价格、坐标都是编造的示例数据，不是真实数据，填写前请删除该行。".into(),
        "状态、用地性质、供应方式、类型、坐标系可从下拉列表选择；供应方式、主导产业可填多个，用顿号、逗号或分号隔开。日期写作 2026-03-01、2026/3/1 或 2026年3月1日。".into(),
        "导入时，已有编号的行更新原有要素，新编号新增要素；所在区、园区、园中园按位置自动确定。每个问题都会指明行号和列名。".into(),
    ];
    let en = vec![
        format!("One {what_en} per row; row 1 is the header: keep its words (columns may be reordered, optional ones deleted). Columns marked * are required."),
        position_en.to_string(),
        "Coordinate system: the file's is given at import (WGS84 if not); a row's 坐标系 column overrides it for that row. The systems are listed below. Projected coordinates (EPSG:4547, EPSG:4548) may be written easting, northing in either order (Chinese surveying calls the northing X), the easting with its zone prefix (8 digits starting 39). A position must fall in Beijing after conversion, or the row is refused.".into(),
        "Row 2 is an example: rows whose id starts with 示例 are skipped on import; its names, areas, prices and coordinates are invented sample data, not real: delete the row before filling in.".into(),
        "Status, land use, supply mode, building type and coordinate system have drop-down lists; supply modes and industries take several values separated by 、 , or ;. Dates as 2026-03-01, 2026/3/1 or 2026年3月1日.".into(),
        "On import a known id updates that feature and a new id adds one; district, park and zone are found from the position. Every problem names its row and column.".into(),
    ];
    (zh, en)
}

/// The 说明 sheet: paragraphs, the columns, the coordinate systems; Chinese first, then English.
fn notes(sheet: &mut Worksheet, layer: LayerName, columns: &[&Column]) -> Result<(), XlsxError> {
    sheet.set_name(NOT_DATA[0])?;
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold().set_background_color(Color::RGB(0xDDEBF7)).set_border(FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap();
    for (col, w) in [(0u16, 26.0), (1, 10.0), (2, 90.0), (3, 40.0)] {
        sheet.set_column_width(col, w)?;
    }
    let (zh, en) = paragraphs(layer);
    let mut row = 0u32;
    sheet.write_string_with_format(row, 0, format!("{}导入模板说明", data_sheet(layer)), &title)?;
    row += 1;
    for text in &zh {
        sheet.merge_range(row, 0, row, 3, text, &wrap)?;
        sheet.set_row_height(row, 45)?;
        row += 1;
    }
    row += 1;
    for (col, text) in ["列名", "必填", "说明", "示例"].iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *text, &bold)?;
    }
    row += 1;
    for column in columns {
        let needed = if column.required { "是" } else { "否" };
        let note = if column.note_zh.is_empty() { "选填" } else { column.note_zh };
        for (col, text) in [column.template_header().as_str(), needed, note, column.example].iter().enumerate() {
            sheet.write_string_with_format(row, col as u16, *text, &wrap)?;
        }
        row += 1;
    }
    row += 1;
    for (col, text) in ["坐标系", "", "含义"].iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *text, &bold)?;
    }
    row += 1;
    for (name, zh, _) in CRS_CHOICES {
        sheet.write_string(row, 0, *name)?;
        sheet.write_string_with_format(row, 2, *zh, &wrap)?;
        row += 1;
    }
    row += 2;
    sheet.write_string_with_format(row, 0, "Template notes (English)", &title)?;
    row += 1;
    for text in &en {
        sheet.merge_range(row, 0, row, 3, text, &wrap)?;
        sheet.set_row_height(row, 45)?;
        row += 1;
    }
    row += 1;
    for (col, text) in ["Column", "Required", "Description", "Property"].iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *text, &bold)?;
    }
    row += 1;
    for column in columns {
        let needed = if column.required { "yes" } else { "no" };
        let note = if column.note_en.is_empty() { "optional" } else { column.note_en };
        for (col, text) in [column.template_header().as_str(), needed, note, column.property].iter().enumerate() {
            sheet.write_string_with_format(row, col as u16, *text, &wrap)?;
        }
        row += 1;
    }
    row += 1;
    for (col, text) in ["Coordinate system", "", "Meaning"].iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *text, &bold)?;
    }
    row += 1;
    for (name, _, en) in CRS_CHOICES {
        sheet.write_string(row, 0, *name)?;
        sheet.write_string_with_format(row, 2, *en, &wrap)?;
        row += 1;
    }
    Ok(())
}

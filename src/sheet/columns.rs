//! The one table of spreadsheet columns: which header means which contract property, in which
//! layer, of what kind, and how the template writes and explains it. `read` and `template`
//! both use it, so every header the template writes is one the importer reads.

use std::collections::HashMap;

use crate::inventory::LayerName;

/// The layers a column belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layers {
    /// None (a column the template does not write).
    None,
    /// Parcels only.
    Parcels,
    /// Buildings only.
    Buildings,
    /// Both.
    Both,
}

impl Layers {
    /// Whether `layer` is among them.
    pub(crate) fn has(self, layer: LayerName) -> bool {
        matches!((self, layer), (Layers::Both, _) | (Layers::Parcels, LayerName::Parcels) | (Layers::Buildings, LayerName::Buildings))
    }
}

/// How a column's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The feature id: text, a whole number written without its `.0`.
    Id,
    /// Free text.
    Text,
    /// A district adcode, park or zone id: text, numbers written whole.
    Code,
    /// A number (`1,200`, full-width digits).
    Number,
    /// A share 0–1, also written as a percentage (`45%`).
    Ratio,
    /// A whole number.
    Integer,
    /// A date: an Excel date, `2026-03-01`, `2026/3/1`, `2026年3月1日`.
    Date,
    /// [`crate::model::SpaceStatus`], by contract spelling or Chinese label.
    Status,
    /// [`crate::model::LandUse`], by code or the label the exports write (`M4 新型产业`).
    LandUse,
    /// [`crate::model::SupplyMode`]s, several in one cell.
    SupplyModes,
    /// [`crate::model::BuildingType`].
    BuildingType,
    /// Industries by catalogue code, name or alias, several in one cell (the loader looks them up).
    Industries,
    /// Longitude, or easting in a projected CRS.
    X,
    /// Latitude, or northing in a projected CRS.
    Y,
    /// A WKT POLYGON or MULTIPOLYGON: a parcel's outline, a building's footprint.
    Wkt,
    /// The row's coordinate system.
    Crs,
}

impl Kind {
    /// Whether the template formats the column as text, so Excel keeps what is typed (ids
    /// with leading zeros, dates as written, codes as text).
    pub(crate) fn is_text(self) -> bool {
        matches!(self, Kind::Id | Kind::Text | Kind::Code | Kind::Date | Kind::Industries | Kind::Wkt | Kind::SupplyModes)
    }

    /// Whether the cell is a number in the template's example row.
    pub(crate) fn is_numeric(self) -> bool {
        matches!(self, Kind::Number | Kind::Ratio | Kind::Integer | Kind::X | Kind::Y)
    }
}

/// One column a spreadsheet may have.
#[derive(Debug)]
pub(crate) struct Column {
    /// The contract property it fills; `geometry` for positions and parcel outlines,
    /// `footprint` for a building's outline, `crs` for the coordinate system.
    pub property: &'static str,
    /// The header the template writes (Chinese).
    pub header: &'static str,
    /// Other spellings read (the property name itself is read too, unless `scale` is not 1).
    pub aliases: &'static [&'static str],
    /// How its cells are read.
    pub kind: Kind,
    /// The layers that read it.
    pub read: Layers,
    /// The layers whose template writes it.
    pub template: Layers,
    /// Whether a row must fill it.
    pub required: bool,
    /// What a value is multiplied by to give the property's unit (a rent per month to per day).
    pub scale: f64,
    /// What the 说明 sheet says, in Chinese.
    pub note_zh: &'static str,
    /// The same in English.
    pub note_en: &'static str,
    /// The template's example value.
    pub example: &'static str,
}

/// A column with the common defaults: read and written for `layers`, optional, scale 1.
const fn col(property: &'static str, header: &'static str, aliases: &'static [&'static str], kind: Kind, layers: Layers) -> Column {
    Column { property, header, aliases, kind, read: layers, template: layers, required: false, scale: 1.0, note_zh: "", note_en: "", example: "" }
}

impl Column {
    const fn required(mut self) -> Column {
        self.required = true;
        self
    }

    const fn note(mut self, zh: &'static str, en: &'static str) -> Column {
        self.note_zh = zh;
        self.note_en = en;
        self
    }

    const fn example(mut self, example: &'static str) -> Column {
        self.example = example;
        self
    }

    /// Read only: another unit of a column the template writes.
    const fn unit(mut self, scale: f64) -> Column {
        self.scale = scale;
        self.template = Layers::None;
        self
    }

    const fn template_for(mut self, layers: Layers) -> Column {
        self.template = layers;
        self
    }

    /// The column's header as the template writes it: required ones marked with `*`.
    pub(crate) fn template_header(&self) -> String {
        if self.required {
            format!("{}*", self.header)
        } else {
            self.header.to_string()
        }
    }
}

/// 元/㎡·月 to 元/㎡·天 (a month of 365/12 days, as Chinese leases count).
const PER_MONTH: f64 = 12.0 / 365.0;
/// kg/㎡ to kN/㎡.
const KG_TO_KN: f64 = 0.009_806_65;

use Kind as K;
use Layers::{Both, Buildings as B, Parcels as P};

/// Every column, in the template's order.
pub(crate) const COLUMNS: &[Column] = &[
    col("id", "地块编号", &["编号", "宗地编号", "地块号", "地块id"], K::Id, P)
        .required()
        .note("每块地唯一；已有的编号更新原要素，新编号新增要素", "unique per parcel; a known id updates that parcel, a new one adds it")
        .example("示例-P001"),
    col("id", "楼宇编号", &["编号", "厂房编号", "楼栋编号", "楼宇id"], K::Id, B)
        .required()
        .note("每栋（每处空间）唯一；已有的编号更新原要素，新编号新增要素", "unique per building space; a known id updates it, a new one adds it")
        .example("示例-B001"),
    col("name", "地块名称", &["名称", "宗地名称", "地块位置"], K::Text, P)
        .required()
        .note("名称或位置描述", "name or description of the location")
        .example("示例：某园区 1 号地块（导入前请删除本行）"),
    col("name", "楼宇名称", &["名称", "厂房名称", "楼栋名称", "楼宇"], K::Text, B)
        .required()
        .note("楼宇名称", "name of the building")
        .example("示例：某园区 1 号厂房（导入前请删除本行）"),
    col("building_type", "类型", &["楼宇类型", "厂房类型", "物业类型"], K::BuildingType, B)
        .required()
        .note("标准厂房、研发楼、写字楼、定制厂房之一", "one of 标准厂房, 研发楼, 写字楼, 定制厂房")
        .example("标准厂房"),
    col("status", "状态", &["供应状态", "地块状态", "楼宇状态", "招商状态"], K::Status, Both)
        .required()
        .note(
            "可供应、洽谈中、已预留、已出租、已出让、在建、闲置/低效之一（也可写 available 等英文值）",
            "one of 可供应 (available), 洽谈中 (negotiating), 已预留 (reserved), 已出租 (leased), 已出让 (sold), 在建 (under_construction), 闲置/低效 (idle)",
        )
        .example("可供应"),
    col("land_use", "用地性质", &["土地用途", "规划用途", "用地类型", "规划用地性质"], K::LandUse, P)
        .required()
        .note("M1、M4、M1/M4（可带名称，如 M4 新型产业），或 GB 50137 的其他用地代码（如 M2、B29）", "M1, M4, M1/M4 (with or without the label, e.g. M4 新型产业), or another GB 50137 code such as M2 or B29")
        .example("M1/M4 混合"),
    col("area_mu", "面积（亩）", &["用地面积（亩）", "地块面积（亩）", "土地面积（亩）"], K::Number, P)
        .note("选填；边界算出的面积与此相差 5% 以上时提示", "optional; a warning when the outline's computed area differs by more than 5%")
        .example("85.4"),
    col("area_m2", "面积（㎡）", &["用地面积（㎡）", "地块面积（㎡）", "土地面积（㎡）"], K::Number, P).template_for(Layers::None),
    col("area_m2", "面积（公顷）", &["用地面积（公顷）", "地块面积（公顷）"], K::Number, P).unit(10_000.0),
    col("floors", "层数", &["楼层数", "总层数", "地上层数"], K::Integer, B).note("选填，整数", "optional, a whole number").example("3"),
    col("floor_area_m2", "总建筑面积（㎡）", &["建筑面积（㎡）", "总建筑面积", "建筑面积"], K::Number, B)
        .required()
        .note("平方米", "m²")
        .example("12000"),
    col("vacant_area_m2", "空置面积（㎡）", &["空置面积", "可租面积（㎡）", "可租面积", "可租赁面积（㎡）", "闲置面积（㎡）"], K::Number, B)
        .required()
        .note("平方米，不大于总建筑面积；没有空置填 0", "m², at most the floor area; 0 when nothing is vacant")
        .example("6000"),
    col("floor_load_kn_m2", "楼面荷载（kN/㎡）", &["楼面荷载", "荷载（kN/㎡）", "楼板荷载（kN/㎡）", "承重（kN/㎡）"], K::Number, B)
        .note("选填，千牛/平方米（也可用「楼面荷载（kg/㎡）」或「楼面荷载（吨/㎡）」列）", "optional, kN/m² (a column in kg/m² or t/m² is converted)")
        .example("8"),
    col("floor_load_kn_m2", "楼面荷载（kg/㎡）", &["荷载（kg/㎡）", "承重（kg/㎡）", "楼面荷载（公斤/㎡）"], K::Number, B).unit(KG_TO_KN),
    col("floor_load_kn_m2", "楼面荷载（吨/㎡）", &["荷载（吨/㎡）", "承重（吨/㎡）", "楼面荷载（t/㎡）"], K::Number, B).unit(KG_TO_KN * 1000.0),
    col("clearance_m", "净高（米）", &["净高", "层净高（米）", "净空高度（米）"], K::Number, B).note("选填，米", "optional, metres").example("7.5"),
    col("max_far", "容积率上限", &["容积率", "最大容积率", "规划容积率"], K::Number, P).required().note("规划条件的容积率上限", "the planning limit of the floor area ratio").example("2.0"),
    col("max_density", "建筑密度上限", &["建筑密度", "最大建筑密度"], K::Ratio, P)
        .note("选填，0–1 的小数或百分数（45%）", "optional, a share 0–1 or a percentage (45%)")
        .example("0.45"),
    col("height_limit_m", "限高（米）", &["限高", "建筑限高（米）", "控高（米）", "建筑高度上限（米）"], K::Number, P).note("选填，米", "optional, metres").example("24"),
    col("land_price_wan_per_mu", "地价（万元/亩）", &["土地价格（万元/亩）", "出让价格（万元/亩）", "地价（万元每亩）"], K::Number, P)
        .note("选填，万元/亩", "optional, 10,000 yuan per mu")
        .example("80"),
    col("rent_yuan_m2_day", "租金（元/㎡·天）", &["租金", "租金（元/㎡/天）", "租金（元/㎡/日）", "租金（元/平方米·天）", "租金（元/m²/day）"], K::Number, Both)
        .note("选填，元/平方米/天（也可用「租金（元/㎡·月）」列，按一月 365/12 天折算）", "optional, yuan per m² per day (a column per month is converted at 365/12 days a month)")
        .example("1.2"),
    col("rent_yuan_m2_day", "租金（元/㎡·月）", &["租金（元/㎡/月）", "月租金（元/㎡）"], K::Number, Both).unit(PER_MONTH),
    col("supply_modes", "供应方式", &["供地方式", "出让方式", "供应模式"], K::SupplyModes, P)
        .required()
        .note("出让、租赁、先租后让、弹性年期中的一个或几个，用顿号、逗号或分号隔开", "one or more of 出让, 租赁, 先租后让, 弹性年期, separated by 、 , or ;")
        .example("出让、先租后让"),
    col("available_from", "可供日期", &["可供应日期", "可供时间", "交付日期", "可入驻日期"], K::Date, P)
        .note("选填，如 2026-09-01；空着表示现在即可供应", "optional, e.g. 2026-09-01; empty means available now")
        .example("2026-09-01"),
    col("power_kva", "电力容量（kVA）", &["供电容量（kVA）", "电力容量", "用电容量（kVA）", "变压器容量（kVA）"], K::Number, P)
        .note("选填，千伏安", "optional, kVA")
        .example("2000"),
    col("industries", "主导产业", &["适宜产业", "产业方向", "适合产业", "产业类别", "意向产业"], K::Industries, B)
        .note("选填，产业目录的名称、别名或代码，多个用顿号、逗号或分号隔开", "optional, names, aliases or codes of the industry catalogue, separated by 、 , or ;")
        .example("医疗器械、生物医药"),
    col("geometry", "经度", &["lon", "lng", "longitude", "x", "x坐标", "东坐标", "横坐标", "中心经度"], K::X, Both)
        .template_for(B)
        .note("楼宇的位置：经度（投影坐标系为东坐标，米）", "the building's position: longitude (easting in metres in a projected CRS)")
        .example("116.8015"),
    col("geometry", "纬度", &["lat", "latitude", "y", "y坐标", "北坐标", "纵坐标", "中心纬度"], K::Y, Both)
        .template_for(B)
        .note("楼宇的位置：纬度（投影坐标系为北坐标，米）", "the building's position: latitude (northing in metres in a projected CRS)")
        .example("40.351"),
    col("geometry", "边界（WKT）", &["wkt", "边界", "范围", "地块边界", "红线", "几何", "geometry", "边界坐标"], K::Wkt, P)
        .note("必填：地块边界，WKT 格式的 POLYGON 或 MULTIPOLYGON（GIS 软件可导出）", "required: the parcel's outline as a WKT POLYGON or MULTIPOLYGON (GIS software exports it)")
        .example("POLYGON((116.800 40.350, 116.803 40.350, 116.803 40.352, 116.800 40.352, 116.800 40.350))"),
    col("footprint", "占地轮廓（WKT）", &["wkt", "轮廓", "占地范围", "边界", "几何", "geometry", "footprint"], K::Wkt, B)
        .note("选填：楼宇占地轮廓，WKT 的 POLYGON 或 MULTIPOLYGON；没有经纬度时取轮廓内一点为位置", "optional: the footprint as a WKT POLYGON or MULTIPOLYGON; without lon/lat a point inside it is the position"),
    col("crs", "坐标系", &["crs", "坐标系统", "坐标类型", "坐标体系"], K::Crs, Both)
        .note("选填：本行坐标的坐标系，空着用整个文件的坐标系（默认 WGS84）", "optional: this row's coordinate system; empty: the file's (WGS84 unless the import says otherwise)")
        .example("WGS84"),
    col("district", "区代码", &["行政区划代码", "所在区代码", "区划代码", "区县代码"], K::Code, Both)
        .note("选填：区的行政区划代码（如 110118 密云区）；空着按位置确定", "optional: the district's adcode (e.g. 110118 for 密云); empty: found from the position")
        .example("110118"),
    col("park", "园区编号", &["园区代码", "所在园区编号"], K::Code, Both).note("选填：园区编号；空着按位置确定", "optional: the park's id; empty: found from the position"),
    col("zone", "园中园编号", &["园中园代码", "所在园中园编号"], K::Code, Both).note("选填：园中园编号；空着按位置确定", "optional: the zone's id; empty: found from the position"),
    col("source", "数据来源", &["来源", "信息来源", "数据提供单位", "填报单位"], K::Text, Both)
        .required()
        .note("数据出处（单位、清单名称）", "where the data comes from (office, list)")
        .example("示例数据（某区投资促进服务中心）"),
    col("verified_at", "核实日期", &["核实时间", "更新日期", "填报日期", "数据日期"], K::Date, Both)
        .required()
        .note("最近一次核实的日期，如 2026-03-01", "the date the data was last checked, e.g. 2026-03-01")
        .example("2026-03-01"),
    col("project", "洽谈项目", &["意向项目", "项目", "项目名称"], K::Text, Both).note("选填，仅招商人员可见", "optional, visible to promoters only"),
    col("project_id", "项目编号", &["项目id"], K::Text, Both).note("选填，仅招商人员可见", "optional, visible to promoters only"),
    col("internal_note", "内部备注", &["备注", "说明备注"], K::Text, Both).note("选填，仅招商人员可见", "optional, visible to promoters only"),
];

/// Why a known column is not imported (Chinese, English); none: it is skipped silently.
pub(crate) type Why = Option<(&'static str, &'static str)>;

/// Headers that are known and deliberately not imported, with why.
pub(crate) const IGNORED: &[(&[&str], Why)] = &[
    (&["序号", "no", "no.", "行号"], None),
    (
        &["所在区", "区", "所属区", "区县", "行政区", "district_name"],
        Some(("按位置确定所在区，名称不导入（可填「区代码」列）", "the district is found from the position; names are not imported (use an adcode column)")),
    ),
    (
        &["所在园区", "园区", "所属园区", "园区名称"],
        Some(("按位置确定所在园区，名称不导入（可填「园区编号」列）", "the park is found from the position; names are not imported (use a park id column)")),
    ),
    (
        &["所在园中园", "园中园", "所属园中园"],
        Some(("按位置确定所在园中园，名称不导入（可填「园中园编号」列）", "the zone is found from the position; names are not imported (use a zone id column)")),
    ),
];

/// A header: the column it names, a known column not imported, or none.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Header {
    /// A column to read.
    Column(&'static Column),
    /// Known, not imported; with why.
    Ignored(Why),
    /// Not recognised.
    Unknown,
}

/// The headers of one layer, normalised, for look-ups.
pub(crate) struct Lookup {
    by_key: HashMap<String, Header>,
}

impl Lookup {
    /// The headers `layer` reads.
    pub(crate) fn new(layer: LayerName) -> Lookup {
        let mut by_key = HashMap::new();
        for (names, why) in IGNORED {
            for name in *names {
                by_key.insert(header_key(name), Header::Ignored(*why));
            }
        }
        for column in COLUMNS.iter().filter(|c| c.read.has(layer)) {
            let own = (column.scale == 1.0 && !matches!(column.kind, Kind::X | Kind::Y | Kind::Crs)).then_some(column.property);
            for name in std::iter::once(column.header).chain(column.aliases.iter().copied()).chain(own) {
                // a column's spelling wins over an ignored one; a test checks no two columns share one
                let key = header_key(name);
                if !matches!(by_key.get(&key), Some(Header::Column(_))) {
                    by_key.insert(key, Header::Column(column));
                }
            }
        }
        Lookup { by_key }
    }

    /// What a header names: the whole header, else (for `状态 status`, as the exports write
    /// headers) one of its words, the last first.
    pub(crate) fn find(&self, header: &str) -> Header {
        if let Some(found) = self.by_key.get(&header_key(header)) {
            return *found;
        }
        let folded = fold(header);
        let words: Vec<&str> = folded.split_whitespace().collect();
        if words.len() > 1 {
            for word in words.iter().rev() {
                if let Some(found @ Header::Column(_)) = self.by_key.get(&header_key(word)) {
                    return *found;
                }
            }
        }
        Header::Unknown
    }
}

/// Full-width ASCII and the ideographic space to ASCII, lower case.
pub(crate) fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' | '\u{a0}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Unit spellings, each to one form, in order (longer ones first).
const UNIT_SPELLINGS: &[(&str, &str)] = &[
    ("平方米", "m2"),
    ("平米", "m2"),
    ("㎡", "m2"),
    ("m²", "m2"),
    ("m^2", "m2"),
    ("千伏安", "kva"),
    ("kv·a", "kva"),
    ("kv.a", "kva"),
    ("千牛", "kn"),
    ("公斤", "kg"),
    ("米", "m"),
    ("单位:", ""),
    ("必填", ""),
    ("选填", ""),
    ("()", ""),
    ("·", "/"),
    ("•", "/"),
    ("・", "/"),
    ("每", "/"),
    ("//", "/"),
    ("/日", "/天"),
    ("/day", "/天"),
    ("/d)", "/天)"),
];

/// A header as compared: width, case, brackets, spaces, `*` marks and unit spellings folded,
/// and a unit after a slash put in brackets (`面积/亩` is `面积(亩)`).
pub(crate) fn header_key(header: &str) -> String {
    let mut key: String = fold(header)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .map(|c| match c {
            '（' | '【' | '[' | '〔' | '《' | '<' | '{' => '(',
            '）' | '】' | ']' | '〕' | '》' | '>' | '}' => ')',
            _ => c,
        })
        .collect();
    for (from, to) in UNIT_SPELLINGS {
        key = key.replace(from, to);
    }
    let key = key.trim_end_matches(':').to_string();
    match key.split_once('/') {
        Some((base, unit)) if !key.contains('(') && !base.is_empty() => format!("{base}({unit})"),
        _ => key,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn header_spellings_fold_to_one_key() {
        for (a, b) in [
            ("面积（亩）", "面积(亩)"),
            ("面积/亩", "面积（亩）"),
            (" 面积 (亩) ", "面积（亩）"),
            ("AREA_MU", "area_mu"),
            ("租金（元/㎡·天）", "租金(元/平方米/日)"),
            ("租金(元/m²/day)", "租金（元/㎡·天）"),
            ("电力容量（KVA）", "电力容量(千伏安)"),
            ("限高（米）", "限高(m)"),
            ("编号*", "编号"),
            ("地价（万元每亩）", "地价(万元/亩)"),
            ("面积（单位：亩）", "面积(亩)"),
        ] {
            assert_eq!(header_key(a), header_key(b), "{a} vs {b}");
        }
        assert_ne!(header_key("面积（亩）"), header_key("面积（㎡）"));
    }

    #[test]
    fn no_spelling_means_two_columns_in_one_layer() {
        for layer in [LayerName::Parcels, LayerName::Buildings] {
            let mut seen: HashMap<String, (&str, &str)> = HashMap::new();
            for column in COLUMNS.iter().filter(|c| c.read.has(layer)) {
                let own = (column.scale == 1.0 && !matches!(column.kind, Kind::X | Kind::Y | Kind::Crs)).then_some(column.property);
                for name in std::iter::once(column.header).chain(column.aliases.iter().copied()).chain(own) {
                    if let Some(first) = seen.insert(header_key(name), (column.property, column.header)) {
                        assert_eq!(first, (column.property, column.header), "{layer}: '{name}' is claimed twice");
                    }
                }
            }
        }
    }
}

//! Renders reasons and rejections as sentences a promoter can read out, in Chinese and
//! English. The numbers come from the data; only the wording lives here.

use super::policy::money;
use super::constraints::{PerMu, Planning, Rejection};
use super::criteria::{FitScope, IndustryFit, Reason, Relation, POSITIVE_LIST_BONUS};
use crate::model::{SpaceStatus, SupplyMode, M2_PER_MU};

/// A number with at most `decimals` decimals, trailing zeros dropped.
pub fn num(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Thousands separators for English.
fn grouped(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

fn mu(m2: f64) -> String {
    num(m2 / M2_PER_MU, 2)
}

fn m2_zh(m2: f64) -> String {
    if m2 >= 10_000.0 {
        format!("{}万㎡", num(m2 / 10_000.0, 2))
    } else {
        format!("{}㎡", num(m2, 0))
    }
}

fn m2_en(m2: f64) -> String {
    format!("{} m²", grouped(m2))
}

fn percent(x: f64) -> String {
    format!("{}%", num(x * 100.0, 1))
}

fn km(metres: f64) -> String {
    num(metres / 1000.0, 1)
}

/// The Chinese and English names of a status.
pub fn status_names(s: SpaceStatus) -> (&'static str, &'static str) {
    let en = match s {
        SpaceStatus::Negotiating => "under negotiation",
        SpaceStatus::UnderConstruction => "under construction",
        SpaceStatus::Idle => "idle or under-used",
        other => other.as_str(),
    };
    (s.zh(), en)
}

fn supply_names(bits: u8) -> (String, String) {
    let modes: Vec<SupplyMode> = SupplyMode::ALL.iter().copied().filter(|&m| bits & super::offers::supply_bit(m) != 0).collect();
    if modes.is_empty() {
        return ("未登记".into(), "none recorded".into());
    }
    let en = |m: SupplyMode| match m {
        SupplyMode::Transfer => "transfer",
        SupplyMode::Lease => "lease",
        SupplyMode::LeaseThenTransfer => "lease then transfer",
        SupplyMode::FlexibleTerm => "flexible term",
    };
    (modes.iter().map(|m| m.as_str()).collect::<Vec<_>>().join("、"), modes.iter().map(|&m| en(m)).collect::<Vec<_>>().join(", "))
}

fn place(fit: &IndustryFit) -> (String, String) {
    match fit.scope {
        FitScope::Zone => (format!("位于{}（园中园）", fit.place), format!("In the {} park-in-park", fit.place)),
        FitScope::Park => (format!("位于{}", fit.place), format!("In {}", fit.place)),
        FitScope::District => (format!("位于{}", fit.place), format!("In {}", fit.place)),
        FitScope::Building => (format!("位于{}", fit.place), format!("In the building {}", fit.place)),
    }
}

/// An industry fit as (Chinese, English) sentences.
pub fn industry_sentence(fit: &IndustryFit) -> (String, String) {
    let (loc_zh, loc_en) = place(fit);
    let (lead_zh, lead_en) = if fit.scope == FitScope::Building { ("适配产业", "suited industry") } else { ("主导产业", "leading industry") };
    let p = fit.project;
    let (mut zh, mut en) = match (fit.relation, fit.matched) {
        (Relation::None, _) | (_, None) => (
            format!("所在园中园、园区和区的主导产业与{}无关联", p.name_zh),
            format!("No leading industry of the park-in-park, park or district relates to {}", p.name_en),
        ),
        (Relation::Segment, Some(m)) if m.code == p.code => {
            (format!("{loc_zh}，{lead_zh}即{}", p.name_zh), format!("{loc_en}; {} is a {lead_en} there", p.name_en))
        }
        (Relation::Segment, Some(m)) => (
            format!("{loc_zh}，{lead_zh}{}与本项目（{}）同属一个细分领域", m.name_zh, p.name_zh),
            format!("{loc_en}; its {lead_en} {} is the project's segment ({})", m.name_en, p.name_en),
        ),
        (Relation::Category, Some(m)) if m.code == fit.category.code => (
            format!("{loc_zh}，{lead_zh}{}涵盖本项目（{}）", m.name_zh, p.name_zh),
            format!("{loc_en}; its {lead_en} {} covers the project ({})", m.name_en, p.name_en),
        ),
        (Relation::Category, Some(m)) => (
            format!("{loc_zh}，与{}同属{}", m.name_zh, fit.category.name_zh),
            format!("{loc_en}; same category as the project ({}, like {})", fit.category.name_en, m.name_en),
        ),
        (Relation::Related, Some(m)) => (
            format!("{loc_zh}，{lead_zh}{}与本项目（{}）处于同一产业链", m.name_zh, p.name_zh),
            format!("{loc_en}; its {lead_en} {} is on the project's industry chain ({})", m.name_en, p.name_en),
        ),
    };
    if let Some(park) = fit.positive_list {
        zh.push_str(&format!("；属{park}正面清单，加 {} 分", num(POSITIVE_LIST_BONUS, 0)));
        en.push_str(&format!("; on {park}'s positive list (+{})", num(POSITIVE_LIST_BONUS, 0)));
    }
    (zh, en)
}

/// A criterion's reason as (Chinese, English) sentences.
pub fn reason_text(reason: &Reason) -> (String, String) {
    match reason {
        Reason::Industry(fit) => industry_sentence(fit),
        Reason::LandArea { area_m2, ideal_m2 } => (
            format!("面积 {} 亩，需求 {} 亩", mu(*area_m2), mu(*ideal_m2)),
            format!("Area {} mu against {} mu requested", mu(*area_m2), mu(*ideal_m2)),
        ),
        Reason::Buildable { buildable_m2, need_m2 } => (
            format!("可建面积 {}（用地 × 容积率上限），需求 {}", m2_zh(*buildable_m2), m2_zh(*need_m2)),
            format!("Buildable {} (land × max FAR) against {} needed", m2_en(*buildable_m2), m2_en(*need_m2)),
        ),
        Reason::Vacant { vacant_m2, need_m2 } => (
            format!("空置面积 {}，需求 {}", m2_zh(*vacant_m2), m2_zh(*need_m2)),
            format!("Vacant {} against {} needed", m2_en(*vacant_m2), m2_en(*need_m2)),
        ),
        Reason::Price { have, reference, reference_is_max, rent } => {
            let (what_zh, what_en, unit_zh, unit_en) =
                if *rent { ("租金", "Rent", "元/㎡/天", "yuan/m²/day") } else { ("地价", "Land price", "万元/亩", "10k yuan/mu") };
            let (ref_zh, ref_en) = if *reference_is_max { ("项目上限", "the project's maximum") } else { ("候选中位数", "the candidates' median") };
            match have {
                None => (format!("{what_zh}未公布（面议）"), format!("{what_en} not listed (negotiable)")),
                Some(h) => (
                    format!("{what_zh} {} {unit_zh}，{ref_zh} {} {unit_zh}", num(*h, 2), num(*reference, 2)),
                    format!("{what_en} {} {unit_en}; {ref_en} is {}", num(*h, 2), num(*reference, 2)),
                ),
            }
        }
        Reason::Distance { metres, max_m } => match max_m {
            Some(max) => (
                format!("距指定位置 {} km（上限 {} km）", km(*metres), km(*max)),
                format!("{} km from the given location (limit {} km)", km(*metres), km(*max)),
            ),
            None => (format!("距指定位置 {} km", km(*metres)), format!("{} km from the given location", km(*metres))),
        },
        Reason::Readiness { available_from, idle, verified_at, age_days } => {
            let (mut zh, mut en) = match available_from {
                None => ("现可供应".to_string(), "Available now".to_string()),
                Some(d) => (format!("{d} 起可供"), format!("Available from {d}")),
            };
            if *idle {
                zh.push_str("，闲置/低效空间需先行盘活");
                en.push_str("; idle space to be renewed first");
            }
            zh.push_str(&format!("；信息于 {verified_at} 核实（{age_days} 天前）"));
            en.push_str(&format!("; facts verified on {verified_at} ({age_days} days ago)"));
            (zh, en)
        }
        Reason::Power { have, need } => match have {
            None => (format!("供电容量未登记（需求 {} kVA）", num(*need, 0)), format!("Power capacity not recorded ({} kVA needed)", num(*need, 0))),
            Some(h) => (
                format!("供电容量 {} kVA，需求 {} kVA", num(*h, 0), num(*need, 0)),
                format!("Power capacity {} kVA against {} kVA needed", num(*h, 0), num(*need, 0)),
            ),
        },
        Reason::Policy { support_wan, best_wan } => (
            format!("可叠加的政策支持估算 {}（各选址中最高 {}）", money(*support_wan, "万元"), money(*best_wan, "万元")),
            format!("Combinable policy support estimated at {} (the best site offers {})", money(*support_wan, "万元"), money(*best_wan, "万元")),
        ),
    }
}

fn per_mu_names(i: PerMu) -> (&'static str, &'static str, &'static str, &'static str) {
    match i {
        PerMu::Investment => ("投资强度", "Investment intensity", "万元/亩", "10k yuan/mu"),
        PerMu::Output => ("地均产值", "Output per mu", "万元/亩", "10k yuan/mu a year"),
        PerMu::Tax => ("地均税收", "Tax per mu", "万元/亩", "10k yuan/mu a year"),
    }
}

/// A failed constraint as (Chinese, English) sentences saying by how much it failed.
pub fn rejection_text(r: &Rejection) -> (String, String) {
    match r {
        Rejection::Status { have } => {
            let (zh, en) = status_names(*have);
            (format!("状态为{zh}，不可供应"), format!("Status is {en}; not on offer"))
        }
        Rejection::LandUse { have, wanted } => {
            let wanted: Vec<&str> = wanted.iter().map(|u| u.as_str()).collect();
            (format!("用地性质 {have}，项目需要 {}", wanted.join("、")), format!("Land use {have}; the project needs {}", wanted.join(" or ")))
        }
        Rejection::ManufacturingOnly { have } => (
            format!("用地性质 {have} 为工业用地，新增工业用地不得建设非制造业项目（市措施第七条）"),
            format!("Land use {have} is industrial land, which new non-manufacturing projects may not take (city measures, item 7)"),
        ),
        Rejection::LandArea { area_m2, range } => match (range.min_m2, range.max_m2) {
            (Some(min), _) if *area_m2 < min => (
                format!("面积 {} 亩 < 需求 {} 亩", mu(*area_m2), mu(min)),
                format!("Area {} mu < required {} mu", mu(*area_m2), mu(min)),
            ),
            (_, Some(max)) => (format!("面积 {} 亩 > 上限 {} 亩", mu(*area_m2), mu(max)), format!("Area {} mu > limit {} mu", mu(*area_m2), mu(max))),
            _ => (format!("面积 {} 亩不符合要求", mu(*area_m2)), format!("Area {} mu is outside the range", mu(*area_m2))),
        },
        Rejection::FloorArea { capacity_m2, need_m2, building } => match (capacity_m2, building) {
            (None, _) => (
                format!("容积率上限未登记，无法确认可建 {}", m2_zh(*need_m2)),
                format!("Max FAR not recorded; cannot confirm {} can be built", m2_en(*need_m2)),
            ),
            (Some(c), true) => (format!("空置面积 {} < 需求 {}", m2_zh(*c), m2_zh(*need_m2)), format!("Vacant {} < required {}", m2_en(*c), m2_en(*need_m2))),
            (Some(c), false) => (
                format!("可建面积 {}（用地 × 容积率上限）< 需求 {}", m2_zh(*c), m2_zh(*need_m2)),
                format!("Buildable {} (land × max FAR) < required {}", m2_en(*c), m2_en(*need_m2)),
            ),
        },
        Rejection::MaxFar { planned, max } => match max {
            Some(m) => (format!("规划容积率 {} > 地块上限 {}", num(*planned, 2), num(*m, 2)), format!("Planned FAR {} > the parcel's max {}", num(*planned, 2), num(*m, 2))),
            None => (format!("地块容积率上限未登记（规划 {}）", num(*planned, 2)), format!("The parcel's max FAR is not recorded (planned {})", num(*planned, 2))),
        },
        Rejection::NegativeList { park, listed } => (
            format!("本项目属{park}负面清单（{}）", listed.name_zh),
            format!("{} is on {park}'s negative list", listed.name_en),
        ),
        Rejection::PerMu { indicator, project, min, park } => {
            let (zh, en, unit_zh, unit_en) = per_mu_names(*indicator);
            (
                format!("{zh} {} {unit_zh} < {park}准入标准 {} {unit_zh}", num(*project, 1), num(*min, 1)),
                format!("{en} {} {unit_en} < {park}'s minimum {}", num(*project, 1), num(*min, 1)),
            )
        }
        Rejection::Planning { indicator, project, limit, park } => {
            let (zh, en, below, ratio) = match indicator {
                Planning::MinFar => ("规划容积率", "Planned FAR", true, false),
                Planning::Coverage => ("建筑系数", "Building coverage", true, true),
                Planning::OfficeShare => ("行政办公及生活服务设施用地比例", "Office and living share", false, true),
                Planning::GreenRatio => ("绿地率", "Green ratio", false, true),
                Planning::Energy => ("产值能耗（吨标煤/万元）", "Energy per output (tce/10k yuan)", false, false),
            };
            let show = |x: f64| if ratio { percent(x) } else { num(x, 2) };
            let (op, side_zh, side_en) = if below { ("<", "下限", "minimum") } else { (">", "上限", "maximum") };
            (
                format!("{zh} {} {op} {park}{side_zh} {}", show(*project), show(*limit)),
                format!("{en} {} {op} {park}'s {side_en} {}", show(*project), show(*limit)),
            )
        }
        Rejection::BuildingType { have } => (format!("楼宇类型为{}，不在所需类型内", have.as_str()), format!("Building type {} is not among those wanted", have.as_str())),
        Rejection::FloorLoad { have, need } => match have {
            Some(h) => (format!("楼面荷载 {} kN/㎡ < 需求 {} kN/㎡", num(*h, 1), num(*need, 1)), format!("Floor load {} kN/m² < required {} kN/m²", num(*h, 1), num(*need, 1))),
            None => (format!("楼面荷载未登记（需求 {} kN/㎡）", num(*need, 1)), format!("Floor load not recorded ({} kN/m² required)", num(*need, 1))),
        },
        Rejection::Clearance { have, need } => match have {
            Some(h) => (format!("净高 {} m < 需求 {} m", num(*h, 1), num(*need, 1)), format!("Clear height {} m < required {} m", num(*h, 1), num(*need, 1))),
            None => (format!("净高未登记（需求 {} m）", num(*need, 1)), format!("Clear height not recorded ({} m required)", num(*need, 1))),
        },
        Rejection::SupplyMode { offered, wanted } => {
            let (o_zh, o_en) = supply_names(*offered);
            let (w_zh, w_en) = supply_names(*wanted);
            (format!("供地方式为{o_zh}，项目需要{w_zh}"), format!("Supplied by {o_en}; the project needs {w_en}"))
        }
        Rejection::AvailableBy { from, by } => {
            let days = (*from - *by).num_days();
            (format!("{from} 起可供，晚于需求日期 {by}（{days} 天）"), format!("Available from {from}, {days} days after the date needed ({by})"))
        }
        Rejection::LandPrice { have, max } => (
            format!("地价 {} 万元/亩 > 上限 {} 万元/亩", num(*have, 2), num(*max, 2)),
            format!("Land price {} > the maximum {} (10k yuan/mu)", num(*have, 2), num(*max, 2)),
        ),
        Rejection::Rent { have, max } => (
            format!("租金 {} 元/㎡/天 > 上限 {} 元/㎡/天", num(*have, 2), num(*max, 2)),
            format!("Rent {} > the maximum {} (yuan/m²/day)", num(*have, 2), num(*max, 2)),
        ),
        Rejection::Power { have, need } => (
            format!("供电容量 {} kVA < 需求 {} kVA", num(*have, 0), num(*need, 0)),
            format!("Power capacity {} kVA < required {} kVA", num(*have, 0), num(*need, 0)),
        ),
        Rejection::District { have } => (format!("位于{have}，不在所选区内"), format!("In {have}, not a district asked for")),
        Rejection::Park { have } => match have {
            Some(p) => (format!("位于{p}，不在所选园区内"), format!("In {p}, not a park asked for")),
            None => ("不在任何园区内".into(), "Not inside any park".into()),
        },
        Rejection::Within => ("不在所选范围内".into(), "Outside the area of interest".into()),
        Rejection::Distance { metres, max_m } => (
            format!("距离 {} km > 上限 {} km", km(*metres), km(*max_m)),
            format!("{} km away > limit {} km", km(*metres), km(*max_m)),
        ),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(num(82.0, 2), "82");
        assert_eq!(num(149.504, 2), "149.5");
        assert_eq!(grouped(17678.4), "17,678");
        assert_eq!(m2_zh(60_000.0), "6万㎡");
        assert_eq!(m2_zh(4_900.0), "4900㎡");
    }
}

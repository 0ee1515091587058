//! The industry catalogue: a tree of Beijing 高精尖 categories and their segments, read from
//! `geodata/industries.json`, with look-up by code, Chinese or English name, or alias.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

/// Whether a catalogue entry is a top-level category or a segment below one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndustryLevel {
    /// A city-level category such as 医药健康.
    Category,
    /// A segment (细分领域) such as 心血管医疗器械.
    Segment,
}

/// One entry of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Industry {
    /// Stable dotted code, e.g. `health.devices.cardiovascular`.
    pub code: String,
    /// Category or segment.
    pub level: IndustryLevel,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Other names users type.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The parent entry's code (none for categories).
    #[serde(default)]
    pub parent: Option<String>,
    /// Segments related along the industry chain (made symmetric on load).
    #[serde(default)]
    pub related: Vec<String>,
    /// Whether the entry makes things (制造业): required of a category, optional for a
    /// segment, which otherwise inherits its parent's. Services (software, finance,
    /// professional services, 文旅, 科技服务…) are `false`. See
    /// [`Catalogue::is_manufacturing`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturing: Option<bool>,
}

/// A catalogue entry with the entries below it, for pickers that show the tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndustryNode {
    /// Code.
    pub code: String,
    /// Category or segment.
    pub level: IndustryLevel,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The entries whose parent this is.
    pub children: Vec<IndustryNode>,
}

/// Problems in the catalogue file itself; each names the entry (by code) and the field.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// The file is not the expected JSON.
    #[error("industry catalogue is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Two entries share a code.
    #[error("industry catalogue: entry '{0}' [code]: the code appears twice")]
    DuplicateCode(String),
    /// A parent or related code names no entry.
    #[error("industry catalogue: entry '{from}' [{field}]: unknown code '{to}'")]
    UnknownReference {
        /// The entry holding the reference.
        from: String,
        /// `parent` or `related`.
        field: &'static str,
        /// The missing code.
        to: String,
    },
    /// Following parents from an entry comes back to it.
    #[error("industry catalogue: entry '{0}' [parent]: the parents form a cycle")]
    ParentCycle(String),
    /// Two entries answer to the same name or alias.
    #[error("industry catalogue: entry '{second}' [{field}]: name '{name}' is already used by '{first}'")]
    AmbiguousName {
        /// The shared name.
        name: String,
        /// The field of `second` holding it: `code`, `name_zh`, `name_en` or `aliases`.
        field: &'static str,
        /// The entry that has it first.
        first: String,
        /// The entry that has it again.
        second: String,
    },
    /// A field is missing or does not fit the entry's level.
    #[error("industry catalogue: entry '{code}' [{field}]: {reason}")]
    InvalidField {
        /// The entry.
        code: String,
        /// The field.
        field: &'static str,
        /// Why.
        reason: &'static str,
        /// Why, in Chinese.
        reason_zh: &'static str,
    },
}

impl CatalogueError {
    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            CatalogueError::Json(e) => format!("产业目录不是有效的 JSON：{}", crate::error::plain_reason_zh(&e.to_string())),
            CatalogueError::DuplicateCode(code) => format!("产业目录：条目 '{code}' [code]：代码出现了两次"),
            CatalogueError::UnknownReference { from, field, to } => format!("产业目录：条目 '{from}' [{field}]：引用了不存在的代码 '{to}'"),
            CatalogueError::ParentCycle(code) => format!("产业目录：条目 '{code}' [parent]：上级链形成了循环"),
            CatalogueError::AmbiguousName { name, field, first, second } => {
                format!("产业目录：条目 '{second}' [{field}]：名称 '{name}' 已被 '{first}' 使用")
            }
            CatalogueError::InvalidField { code, field, reason_zh, .. } => format!("产业目录：条目 '{code}' [{field}]：{reason_zh}"),
        }
    }
}

#[derive(Deserialize)]
struct CatalogueFile {
    #[serde(default)]
    source: String,
    industries: Vec<Industry>,
}

/// The loaded catalogue, indexed for look-up.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// Where the catalogue comes from.
    pub source: String,
    entries: Vec<Industry>,
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
}

/// Folds full-width forms to ASCII, lower-cases, trims and collapses white space, so that
/// look-ups are case- and width-insensitive.
pub(crate) fn normalize_text(s: &str) -> String {
    let folded: String = s
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Catalogue {
    /// The normalisation used for look-ups (case, width and white space folded).
    ///
    /// ```
    /// assert_eq!(chanye::model::Catalogue::normalize("  ＡＩ  Chips "), "ai chips");
    /// ```
    pub fn normalize(s: &str) -> String {
        normalize_text(s)
    }

    /// Parses the catalogue JSON and checks its references and names.
    pub fn from_json(text: &str) -> Result<Catalogue, CatalogueError> {
        let file: CatalogueFile = serde_json::from_str(text)?;
        Catalogue::new(file.source, file.industries)
    }

    /// Builds the catalogue from entries, making `related` symmetric.
    pub fn new(source: String, mut entries: Vec<Industry>) -> Result<Catalogue, CatalogueError> {
        let mut by_code = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            if by_code.insert(e.code.clone(), i).is_some() {
                return Err(CatalogueError::DuplicateCode(e.code.clone()));
            }
        }
        for e in &entries {
            let invalid = |field, reason, reason_zh| Err(CatalogueError::InvalidField { code: e.code.clone(), field, reason, reason_zh });
            match (e.level, &e.parent) {
                (IndustryLevel::Category, Some(_)) => return invalid("parent", "a category has no parent", "门类不能有上级"),
                (IndustryLevel::Segment, None) => return invalid("parent", "a segment needs a parent", "细分领域须有上级"),
                _ => {}
            }
            if e.level == IndustryLevel::Category && e.manufacturing.is_none() {
                return invalid(
                    "manufacturing",
                    "a category must say whether it is manufacturing (true or false); a catalogue from before the flag (as older stores hold) is replaced by importing the current one, e.g. `chanye import geodata/industries.json geodata/policies.json --into STORE`",
                    "门类须注明是否属于制造业（true 或 false）；旧版产业目录（较早的库中保存的）请导入当前目录替换，例如 `chanye import geodata/industries.json geodata/policies.json --into 库文件`",
                );
            }
        }
        let mut related: Vec<BTreeSet<String>> = entries.iter().map(|e| e.related.iter().cloned().collect()).collect();
        for (i, e) in entries.iter().enumerate() {
            let references = e.parent.iter().map(|p| ("parent", p)).chain(e.related.iter().map(|r| ("related", r)));
            for (field, to) in references {
                let Some(&j) = by_code.get(to) else {
                    return Err(CatalogueError::UnknownReference { from: e.code.clone(), field, to: to.clone() });
                };
                if field == "related" {
                    related[j].insert(entries[i].code.clone());
                }
            }
        }
        for e in &entries {
            let mut parent = e.parent.as_deref();
            for _ in 0..=entries.len() {
                parent = parent.and_then(|p| entries[by_code[p]].parent.as_deref());
            }
            if parent.is_some() {
                return Err(CatalogueError::ParentCycle(e.code.clone()));
            }
        }
        for (e, r) in entries.iter_mut().zip(related) {
            e.related = r.into_iter().collect();
        }
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            let names = [("code", &e.code), ("name_zh", &e.name_zh), ("name_en", &e.name_en)].into_iter().chain(e.aliases.iter().map(|a| ("aliases", a)));
            for (field, name) in names {
                let key = normalize_text(name);
                match by_name.get(&key) {
                    Some(&j) if j != i => {
                        return Err(CatalogueError::AmbiguousName {
                            name: name.clone(),
                            field,
                            first: entries[j].code.clone(),
                            second: e.code.clone(),
                        })
                    }
                    _ => {
                        by_name.insert(key, i);
                    }
                }
            }
        }
        Ok(Catalogue { source, entries, by_code, by_name })
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &[Industry] {
        &self.entries
    }

    /// The entry with exactly this code.
    pub fn get(&self, code: &str) -> Option<&Industry> {
        self.by_code.get(code).map(|&i| &self.entries[i])
    }

    /// The position in [`Catalogue::entries`] of the entry with exactly this code.
    pub fn position(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// Finds an entry by code, Chinese or English name, or alias, ignoring case and width.
    pub fn lookup(&self, name: &str) -> Option<&Industry> {
        self.by_name.get(&normalize_text(name)).map(|&i| &self.entries[i])
    }

    /// The top-level category an entry belongs to (itself for a category).
    pub fn category_of<'a>(&'a self, code: &'a str) -> Option<&'a Industry> {
        let mut entry = self.get(code)?;
        while let Some(parent) = entry.parent.as_deref() {
            entry = self.get(parent)?;
        }
        Some(entry)
    }

    /// The catalogue as a tree, keeping the entries `keep` accepts together with their
    /// ancestors (so a match deep in the tree is shown where it sits), in catalogue order.
    pub fn tree(&self, keep: impl Fn(&Industry) -> bool) -> Vec<IndustryNode> {
        let mut shown = vec![false; self.entries.len()];
        for (i, entry) in self.entries.iter().enumerate() {
            if keep(entry) {
                shown[i] = true;
                let mut parent = entry.parent.as_deref();
                while let Some(p) = parent.and_then(|code| self.position(code)) {
                    shown[p] = true;
                    parent = self.entries[p].parent.as_deref();
                }
            }
        }
        let mut children: HashMap<Option<&str>, Vec<usize>> = HashMap::new();
        for (i, entry) in self.entries.iter().enumerate().filter(|(i, _)| shown[*i]) {
            children.entry(entry.parent.as_deref()).or_default().push(i);
        }
        fn build(c: &Catalogue, children: &HashMap<Option<&str>, Vec<usize>>, parent: Option<&str>, depth: usize) -> Vec<IndustryNode> {
            // the loader rejects cycles; the depth bound keeps a bad file from recursing forever
            if depth > 16 {
                return Vec::new();
            }
            children
                .get(&parent)
                .into_iter()
                .flatten()
                .map(|&i| {
                    let e = &c.entries[i];
                    IndustryNode {
                        code: e.code.clone(),
                        level: e.level,
                        name_zh: e.name_zh.clone(),
                        name_en: e.name_en.clone(),
                        children: build(c, children, Some(&e.code), depth + 1),
                    }
                })
                .collect()
        }
        build(self, &children, None, 0)
    }

    /// Whether an entry makes things (制造业): its own `manufacturing` flag, else that of its
    /// nearest ancestor with one. False for a code not in the catalogue.
    ///
    /// ```
    /// let c = chanye::model::Catalogue::from_json(r#"{"industries": [
    ///     {"code": "health", "level": "category", "name_zh": "医药健康", "name_en": "Health", "manufacturing": true},
    ///     {"code": "health.devices", "level": "segment", "name_zh": "医疗器械", "name_en": "Devices", "parent": "health"},
    ///     {"code": "health.services", "level": "segment", "name_zh": "医疗服务", "name_en": "Medical services", "parent": "health", "manufacturing": false}
    /// ]}"#).unwrap();
    /// assert!(c.is_manufacturing("health.devices"));
    /// assert!(!c.is_manufacturing("health.services"));
    /// assert!(!c.is_manufacturing("no.such.code"));
    /// ```
    pub fn is_manufacturing(&self, code: &str) -> bool {
        let mut current = self.get(code);
        // the loader rejects cycles; the bound keeps a hand-built catalogue from looping
        for _ in 0..=self.entries.len() {
            let Some(entry) = current else { break };
            if let Some(flag) = entry.manufacturing {
                return flag;
            }
            current = entry.parent.as_deref().and_then(|p| self.get(p));
        }
        false
    }

    /// Whether `ancestor` is `code` or one of its parents.
    pub fn is_within(&self, code: &str, ancestor: &str) -> bool {
        let mut current = self.get(code);
        while let Some(entry) = current {
            if entry.code == ancestor {
                return true;
            }
            current = entry.parent.as_deref().and_then(|p| self.get(p));
        }
        false
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn shipped() -> Catalogue {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/industries.json")).unwrap();
        Catalogue::from_json(&text).unwrap()
    }

    #[test]
    fn looks_up_by_code_name_and_alias_ignoring_case_and_width() {
        let c = shipped();
        assert_eq!(c.lookup("health.devices.cardiovascular").unwrap().name_zh, "心血管医疗器械");
        assert_eq!(c.lookup("心血管医疗器械").unwrap().code, "health.devices.cardiovascular");
        assert_eq!(c.lookup("cardiovascular MEDICAL devices").unwrap().code, "health.devices.cardiovascular");
        assert_eq!(c.lookup("ａｉ").unwrap().code, "it.ai");
        assert_eq!(c.lookup(" AGV ").unwrap().code, "manufacturing.robots");
        assert!(c.lookup("造纸").is_none());
    }

    #[test]
    fn has_the_city_categories_and_seed_segments() {
        let c = shipped();
        for name in [
            "新一代信息技术", "医药健康", "集成电路", "智能网联汽车", "智能制造与装备", "绿色能源与节能环保",
            "区块链与先进计算", "科技服务业", "智慧城市", "信息内容消费", "光电子", "前沿新材料", "量子信息",
            "创意都市产业", "文化旅游", "气候经济", "商务服务业", "现代物流",
        ] {
            assert_eq!(c.lookup(name).map(|e| e.level), Some(IndustryLevel::Category), "{name}");
        }
        for name in [
            "人工智能", "心血管医疗器械", "医疗器械", "生物医药", "超高清数字视听", "氢能", "商业航天", "医疗美容",
            "机器人", "航空材料", "节能环保装备", "云计算/数据中心", "输配电装备",
            "食品饮料", "纺织服装", "印刷包装", "航空航天", "低空经济与通用航空", "科技金融", "专业服务业", "休闲农业与乡村旅游",
            "商业气象服务", "能源系统脱碳与碳捕集",
        ] {
            assert_eq!(c.lookup(name).map(|e| e.level), Some(IndustryLevel::Segment), "{name}");
        }
    }

    #[test]
    fn names_the_documents_use_find_their_own_entries() {
        let c = shipped();
        let code = |name: &str| c.lookup(name).map(|e| e.code.as_str()).unwrap_or_else(|| panic!("{name} is not in the catalogue"));
        // Miyun l.330: 创意都市产业 is 今麦郎 (food) and 铜牛 (apparel), not 数字创意
        assert_eq!(code("创意都市产业"), "urban");
        assert!(c.is_within(code("食品饮料"), "urban") && c.is_within(code("纺织服装"), "urban"));
        assert_eq!(code("文化创意"), "content.creative");
        // Miyun l.323 lists 科技金融 among 科技服务 needs; 绿色金融 is its own segment (l.351)
        assert_eq!(code("科技金融"), "services.tech_finance");
        assert_eq!(code("绿色金融"), "services.green_finance");
        // Tongzhou l.37: 专业服务 (law, accounting, HR, 科技服务…) is wider than 科技服务业
        assert_eq!(code("专业服务"), "business.professional");
        assert!(!c.is_within("business.professional", "services"));
        // 航空航天 (Miyun l.34) holds 商业航天 (Daxing l.2) and 低空/通航 (Miyun l.373, l.421)
        assert_eq!(code("航空航天"), "manufacturing.aviation");
        assert_eq!(code("商业航天"), "manufacturing.aerospace");
        assert!(c.is_within("manufacturing.aerospace", "manufacturing.aviation"));
        assert_eq!(code("通航"), "manufacturing.aviation.low_altitude");
        assert_eq!(code("低空经济"), "manufacturing.aviation.low_altitude");
        // Mentougou l.8: 文旅体验; Miyun l.336: 气候经济
        assert_eq!(code("文旅体验"), "tourism");
        assert_eq!(code("气候经济"), "climate");
        assert_eq!(code("气象装备"), "climate.equipment");
        assert_eq!(code("现代物流"), "logistics");
    }

    #[test]
    fn manufacturing_is_flagged_per_entry_and_inherited() {
        let c = shipped();
        for code in [
            "health.biopharma", "health.devices.cardiovascular", "ic.fab", "vehicles.parts", "manufacturing.robots", "manufacturing.aerospace",
            "manufacturing.aviation.low_altitude", "green.hydrogen", "urban.food", "urban.textile", "climate.equipment", "it.5g", "materials",
        ] {
            assert!(c.is_manufacturing(code), "{code} makes things");
        }
        for code in [
            "it.software", "it.ai", "services", "services.rnd", "services.green_finance", "services.tech_finance", "business.professional",
            "tourism.rural", "climate.services", "health.services", "health.aesthetics", "ic.design", "computing.cloud", "content.creative",
            "logistics", "green.smart_energy",
        ] {
            assert!(!c.is_manufacturing(code), "{code} is a service");
        }
        // every category says which it is
        for e in c.entries().iter().filter(|e| e.level == IndustryLevel::Category) {
            assert!(e.manufacturing.is_some(), "{}", e.code);
        }
    }

    #[test]
    fn tree_and_chain_relations() {
        let c = shipped();
        assert_eq!(c.category_of("health.devices.cardiovascular").unwrap().code, "health");
        assert!(c.is_within("health.devices.cardiovascular", "health.devices"));
        assert!(!c.is_within("health.devices", "health.devices.cardiovascular"));
        // related is symmetric even where the file lists it one way only
        assert!(c.get("materials.aviation").unwrap().related.contains(&"manufacturing.aerospace".to_string()));
        assert!(c.get("manufacturing.aerospace").unwrap().related.contains(&"materials.aviation".to_string()));
    }

    #[test]
    fn rejects_broken_catalogues_naming_the_entry_and_field() {
        let dup = r#"{"industries":[{"code":"a","level":"category","name_zh":"甲","name_en":"A","manufacturing":true},
                                     {"code":"a","level":"category","name_zh":"乙","name_en":"B","manufacturing":true}]}"#;
        assert!(matches!(Catalogue::from_json(dup), Err(CatalogueError::DuplicateCode(_))));
        let dangling = r#"{"industries":[{"code":"a","level":"category","name_zh":"甲","name_en":"A","manufacturing":true,"related":["zz"]}]}"#;
        let e = Catalogue::from_json(dangling).unwrap_err();
        assert!(matches!(&e, CatalogueError::UnknownReference { from, field: "related", to } if from == "a" && to == "zz"), "{e}");
        assert_eq!(e.to_string(), "industry catalogue: entry 'a' [related]: unknown code 'zz'");
        let orphan = r#"{"industries":[{"code":"a","level":"segment","name_zh":"甲","name_en":"A","parent":"zz"}]}"#;
        assert!(matches!(Catalogue::from_json(orphan), Err(CatalogueError::UnknownReference { field: "parent", .. })));
        let clash = r#"{"industries":[{"code":"a","level":"category","name_zh":"甲","name_en":"A","manufacturing":true},
                                       {"code":"b","level":"category","name_zh":"乙","name_en":"B","manufacturing":false,"aliases":["a"]}]}"#;
        let e = Catalogue::from_json(clash).unwrap_err();
        assert!(matches!(&e, CatalogueError::AmbiguousName { field: "aliases", second, .. } if second == "b"), "{e}");
        assert!(e.zh().contains("'b' [aliases]"), "{}", e.zh());
        let cycle = r#"{"industries":[{"code":"a","level":"segment","name_zh":"甲","name_en":"A","parent":"b"},
                                       {"code":"b","level":"segment","name_zh":"乙","name_en":"B","parent":"a"}]}"#;
        assert!(matches!(Catalogue::from_json(cycle), Err(CatalogueError::ParentCycle(_))));
        // a category must say whether it makes things; a segment may inherit
        let unflagged = r#"{"industries":[{"code":"a","level":"category","name_zh":"甲","name_en":"A"}]}"#;
        let e = Catalogue::from_json(unflagged).unwrap_err();
        assert!(matches!(&e, CatalogueError::InvalidField { code, field: "manufacturing", .. } if code == "a"), "{e}");
        assert!(e.zh().contains("[manufacturing]"), "{}", e.zh());
        let parentless = r#"{"industries":[{"code":"a","level":"segment","name_zh":"甲","name_en":"A"}]}"#;
        assert!(matches!(Catalogue::from_json(parentless), Err(CatalogueError::InvalidField { field: "parent", .. })));
        let adopted = r#"{"industries":[{"code":"a","level":"category","name_zh":"甲","name_en":"A","manufacturing":true},
                                         {"code":"b","level":"category","name_zh":"乙","name_en":"B","manufacturing":true,"parent":"a"}]}"#;
        assert!(matches!(Catalogue::from_json(adopted), Err(CatalogueError::InvalidField { field: "parent", .. })));
    }
}

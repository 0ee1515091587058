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

/// Problems in the catalogue file itself.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// The file is not the expected JSON.
    #[error("industry catalogue is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Two entries share a code.
    #[error("industry catalogue: code '{0}' appears twice")]
    DuplicateCode(String),
    /// A parent or related code names no entry.
    #[error("industry catalogue: '{from}' refers to unknown code '{to}'")]
    UnknownReference {
        /// The entry holding the reference.
        from: String,
        /// The missing code.
        to: String,
    },
    /// Following parents from an entry comes back to it.
    #[error("industry catalogue: the parents of '{0}' form a cycle")]
    ParentCycle(String),
    /// Two entries answer to the same name or alias.
    #[error("industry catalogue: name '{name}' is used by both '{first}' and '{second}'")]
    AmbiguousName {
        /// The shared name.
        name: String,
        /// One entry.
        first: String,
        /// The other entry.
        second: String,
    },
}

impl CatalogueError {
    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            CatalogueError::Json(e) => format!("产业目录不是有效的 JSON：{}", crate::error::plain_reason_zh(&e.to_string())),
            CatalogueError::DuplicateCode(code) => format!("产业目录：代码 '{code}' 出现了两次"),
            CatalogueError::UnknownReference { from, to } => format!("产业目录：'{from}' 引用了不存在的代码 '{to}'"),
            CatalogueError::ParentCycle(code) => format!("产业目录：'{code}' 的上级链形成了循环"),
            CatalogueError::AmbiguousName { name, first, second } => format!("产业目录：名称 '{name}' 同时被 '{first}' 和 '{second}' 使用"),
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
        let mut related: Vec<BTreeSet<String>> = entries.iter().map(|e| e.related.iter().cloned().collect()).collect();
        for (i, e) in entries.iter().enumerate() {
            for to in e.parent.iter().chain(&e.related) {
                let Some(&j) = by_code.get(to) else {
                    return Err(CatalogueError::UnknownReference { from: e.code.clone(), to: to.clone() });
                };
                if e.related.contains(to) {
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
            let names = [&e.code, &e.name_zh, &e.name_en].into_iter().chain(&e.aliases);
            for name in names {
                let key = normalize_text(name);
                match by_name.get(&key) {
                    Some(&j) if j != i => {
                        return Err(CatalogueError::AmbiguousName {
                            name: name.clone(),
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
        ] {
            assert_eq!(c.lookup(name).map(|e| e.level), Some(IndustryLevel::Category), "{name}");
        }
        for name in [
            "人工智能", "心血管医疗器械", "医疗器械", "生物医药", "超高清数字视听", "氢能", "商业航天", "医疗美容",
            "机器人", "航空材料", "节能环保装备", "云计算/数据中心", "输配电装备",
        ] {
            assert_eq!(c.lookup(name).map(|e| e.level), Some(IndustryLevel::Segment), "{name}");
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
    fn rejects_broken_catalogues() {
        let dup = r#"{"industries":[{"code":"a","level":"category","name_zh":"甲","name_en":"A"},
                                     {"code":"a","level":"category","name_zh":"乙","name_en":"B"}]}"#;
        assert!(matches!(Catalogue::from_json(dup), Err(CatalogueError::DuplicateCode(_))));
        let dangling = r#"{"industries":[{"code":"a","level":"category","name_zh":"甲","name_en":"A","related":["zz"]}]}"#;
        assert!(matches!(Catalogue::from_json(dangling), Err(CatalogueError::UnknownReference { .. })));
        let clash = r#"{"industries":[{"code":"a","level":"category","name_zh":"甲","name_en":"A"},
                                       {"code":"b","level":"category","name_zh":"乙","name_en":"a"}]}"#;
        assert!(matches!(Catalogue::from_json(clash), Err(CatalogueError::AmbiguousName { .. })));
        let cycle = r#"{"industries":[{"code":"a","level":"segment","name_zh":"甲","name_en":"A","parent":"b"},
                                       {"code":"b","level":"segment","name_zh":"乙","name_en":"B","parent":"a"}]}"#;
        assert!(matches!(Catalogue::from_json(cycle), Err(CatalogueError::ParentCycle(_))));
    }
}

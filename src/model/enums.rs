//! Closed vocabularies of the GeoJSON contract: status, land use, supply mode, park level.

use std::fmt;
use std::str::FromStr;

use crate::model::catalogue::normalize_text;

/// A value outside a closed vocabulary; names what was given and what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("'{given}' is not one of {allowed}")]
pub struct UnknownValue {
    /// The value as given.
    pub given: String,
    /// The allowed values, for the message.
    pub allowed: &'static str,
}

impl UnknownValue {
    /// The message in Chinese, worded as every other reason read through serde.
    pub fn zh(&self) -> String {
        crate::error::plain_reason_zh(&self.to_string())
    }
}

/// The Chinese label when one is given, else the contract spelling.
macro_rules! zh_or_text {
    ($text:literal) => {
        $text
    };
    ($text:literal, $zh:literal) => {
        $zh
    };
}

// `Variant => "spelling" @ "中文" | "alias"`: the Chinese label is read as well as written
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $allowed:literal, { $($(#[$vmeta:meta])* $variant:ident => $text:literal $(@ $zh:literal)? $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in contract order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The contract spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The Chinese label (the contract spelling where that is Chinese already).
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => zh_or_text!($text $(, $zh)?)),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                // exact spelling first: the common case, and no allocation
                $(if s == $text { return Ok($name::$variant); })+
                let key = normalize_text(s);
                $(if key == normalize_text($text) $(|| key == normalize_text($zh))? $(|| key == normalize_text($alias))* { return Ok($name::$variant); })+
                Err(UnknownValue { given: s.to_string(), allowed: $allowed })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

vocabulary!(
    /// Where a parcel or a building space stands in the supply cycle.
    SpaceStatus,
    "available, negotiating, reserved, leased, sold, under_construction, idle (或 可供应、洽谈中、已预留、已出租、已出让、在建、闲置/低效)",
    {
        /// Open for new projects.
        Available => "available" @ "可供应",
        /// A project is in talks for it.
        Negotiating => "negotiating" @ "洽谈中",
        /// Held for a named project.
        Reserved => "reserved" @ "已预留",
        /// Let to a tenant.
        Leased => "leased" @ "已出租",
        /// Sold (出让 completed).
        Sold => "sold" @ "已出让",
        /// Being built.
        UnderConstruction => "under_construction" @ "在建",
        /// Idle or low-efficiency (闲置/低效), a candidate for renewal.
        Idle => "idle" @ "闲置/低效" | "闲置" | "低效",
    }
);

vocabulary!(
    /// How land is supplied (供地方式).
    SupplyMode,
    "出让, 租赁, 先租后让, 弹性年期",
    {
        /// Transfer of use rights.
        Transfer => "出让",
        /// Lease.
        Lease => "租赁",
        /// Lease first, transfer later.
        LeaseThenTransfer => "先租后让",
        /// Transfer for a flexible term.
        FlexibleTerm => "弹性年期",
    }
);

vocabulary!(
    /// A park's administrative level.
    ParkLevel,
    "国家级, 市级, 区级",
    {
        /// National level.
        National => "国家级" | "national",
        /// Municipal level.
        Municipal => "市级" | "municipal",
        /// District level.
        District => "区级" | "district",
    }
);

/// Land use (用地性质). M1 and M4 are the industrial codes the matcher knows; other codes of
/// the planning classification (GB 50137, e.g. `M2`, `B29`, `A35`) are kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LandUse {
    /// 一类工业用地.
    M1,
    /// 工业研发用地 (Beijing's research-and-production land).
    M4,
    /// M1 and M4 compatible (兼容), serving projects that accept either.
    M1M4,
    /// Another planning code, kept as given (normalised to upper case).
    Other(String),
}

impl LandUse {
    /// The contract spelling.
    pub fn as_str(&self) -> &str {
        match self {
            LandUse::M1 => "M1",
            LandUse::M4 => "M4",
            LandUse::M1M4 => "M1/M4",
            LandUse::Other(code) => code,
        }
    }

    /// The label Chinese readers see, as the map's legend shows it: the code and its class
    /// (the code alone for a class the map does not name).
    pub fn zh(&self) -> &str {
        match self {
            LandUse::M1 => "M1 一类工业",
            LandUse::M4 => "M4 新型产业",
            LandUse::M1M4 => "M1/M4 混合",
            LandUse::Other(code) => match code.as_str() {
                "M2" => "M2 二类工业",
                "A35" => "A35 科研",
                "B29" => "B29 其他商务",
                _ => code,
            },
        }
    }

    /// Whether land of this use serves a project that accepts `wanted`.
    pub fn serves(&self, wanted: &LandUse) -> bool {
        match (self, wanted) {
            (LandUse::M1M4, LandUse::M1 | LandUse::M4 | LandUse::M1M4) => true,
            (have, want) => have == want,
        }
    }
}

/// One class code of GB 50137: a major-class letter and up to three digits.
fn is_planning_code(code: &str) -> bool {
    let mut chars = code.chars();
    let major_ok = matches!(chars.next(), Some('R' | 'A' | 'B' | 'M' | 'W' | 'S' | 'U' | 'G' | 'H' | 'E'));
    let digits: Vec<char> = chars.collect();
    major_ok && digits.len() <= 3 && digits.iter().all(char::is_ascii_digit)
}

impl FromStr for LandUse {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const ALLOWED: &str = "M1, M4, M1/M4, or a GB 50137 planning code such as M2, B29";
        let key = normalize_text(s).to_uppercase().replace(' ', "");
        let mut parts: Vec<&str> = key.split('/').collect();
        parts.sort_unstable();
        parts.dedup();
        if parts.is_empty() || !parts.iter().all(|p| is_planning_code(p)) {
            return Err(UnknownValue { given: s.to_string(), allowed: ALLOWED });
        }
        Ok(match parts.as_slice() {
            ["M1"] => LandUse::M1,
            ["M4"] => LandUse::M4,
            ["M1", "M4"] => LandUse::M1M4,
            _ => LandUse::Other(parts.join("/")),
        })
    }
}

impl fmt::Display for LandUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn statuses_read_their_chinese_labels() {
        for &status in SpaceStatus::ALL {
            assert_eq!(status.zh().parse::<SpaceStatus>(), Ok(status));
            assert_eq!(status.as_str().parse::<SpaceStatus>(), Ok(status));
        }
        assert_eq!("洽谈中".parse::<SpaceStatus>(), Ok(SpaceStatus::Negotiating));
        assert_eq!("闲置".parse::<SpaceStatus>(), Ok(SpaceStatus::Idle));
        let e = "待定".parse::<SpaceStatus>().unwrap_err().to_string();
        assert!(e.contains("'待定' is not one of available") && e.contains("洽谈中"), "{e}");
        assert_eq!(SupplyMode::Lease.zh(), "租赁", "a Chinese spelling is its own label");
    }

    #[test]
    fn land_use_codes_parse_and_normalise() {
        assert_eq!("M1".parse::<LandUse>().unwrap(), LandUse::M1);
        assert_eq!("m4/m1".parse::<LandUse>().unwrap(), LandUse::M1M4);
        assert_eq!("Ｍ１／Ｍ４".parse::<LandUse>().unwrap(), LandUse::M1M4);
        assert_eq!("b29".parse::<LandUse>().unwrap(), LandUse::Other("B29".into()));
        assert!("industrial".parse::<LandUse>().is_err());
        assert!("M1M4".parse::<LandUse>().is_err());
        assert_eq!(("M1/M4".parse::<LandUse>().unwrap().zh(), LandUse::Other("B29".into()).zh(), LandUse::Other("U12".into()).zh()), ("M1/M4 混合", "B29 其他商务", "U12"));
        assert!("".parse::<LandUse>().is_err());
    }

    #[test]
    fn compatible_land_serves_either_project() {
        assert!(LandUse::M1M4.serves(&LandUse::M1));
        assert!(LandUse::M1M4.serves(&LandUse::M4));
        assert!(!LandUse::M1.serves(&LandUse::M4));
        assert!(!LandUse::M4.serves(&LandUse::M1M4));
    }

    #[test]
    fn statuses_are_a_closed_set() {
        assert_eq!("under_construction".parse::<SpaceStatus>().unwrap(), SpaceStatus::UnderConstruction);
        let err = "vacant".parse::<SpaceStatus>().unwrap_err();
        assert!(err.to_string().contains("'vacant'"));
        assert_eq!("先租后让".parse::<SupplyMode>().unwrap(), SupplyMode::LeaseThenTransfer);
        assert_eq!("national".parse::<ParkLevel>().unwrap(), ParkLevel::National);
    }
}

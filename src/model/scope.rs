//! Whose inventory a token keeps: the whole city, one district's office, or one park's. Every
//! write and every confidential read is limited to the caller's scope.

use serde::Serialize;

use super::Role;

/// The part of the inventory a token's holder answers for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Scope {
    /// Every district and park.
    City,
    /// One district (its adcode), but not the parks that keep their own inventory there.
    District(String),
    /// One park (its id), such as 北京经济技术开发区 (`bda`).
    Park(String),
}

impl Scope {
    /// `city`, `district` or `park`.
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::City => "city",
            Scope::District(_) => "district",
            Scope::Park(_) => "park",
        }
    }

    /// The adcode or park id (none for the city).
    pub fn id(&self) -> Option<&str> {
        match self {
            Scope::City => None,
            Scope::District(id) | Scope::Park(id) => Some(id),
        }
    }

    /// The scope kept as a kind and an id (a store's two columns); an unknown kind is `None`.
    pub fn from_parts(kind: Option<&str>, id: Option<&str>) -> Option<Scope> {
        match (kind.unwrap_or("city"), id) {
            ("city", _) => Some(Scope::City),
            ("district", Some(id)) => Some(Scope::District(id.to_string())),
            ("park", Some(id)) => Some(Scope::Park(id.to_string())),
            _ => None,
        }
    }

    /// How messages name it: "city", "district 110118", "park bda".
    pub fn label(&self) -> String {
        match self {
            Scope::City => "city".into(),
            Scope::District(id) => format!("district {id}"),
            Scope::Park(id) => format!("park {id}"),
        }
    }

    /// How Chinese messages name it: "全市", "区 110118", "园区 bda".
    pub fn label_zh(&self) -> String {
        match self {
            Scope::City => "全市".into(),
            Scope::District(id) => format!("区 {id}"),
            Scope::Park(id) => format!("园区 {id}"),
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

/// Where a parcel or building space lies, as far as scopes are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place<'a> {
    /// District adcode.
    pub district: &'a str,
    /// Park id, if inside one.
    pub park: Option<&'a str>,
}

/// A scope read against the inventory: it knows which parks of its district keep their own
/// inventory, so it can say of any place whether it is covered.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Coverage {
    scope: Option<Scope>,
    own_office_parks: Vec<String>,
}

impl Coverage {
    /// What `scope` covers, where `own_office_parks` are the parks with an office of their own.
    pub fn new(scope: Scope, own_office_parks: Vec<String>) -> Coverage {
        Coverage { scope: Some(scope), own_office_parks }
    }

    /// Covers nothing (an anonymous or public caller).
    pub fn nothing() -> Coverage {
        Coverage::default()
    }

    /// The scope covered (none for [`Coverage::nothing`]).
    pub fn scope(&self) -> Option<&Scope> {
        self.scope.as_ref()
    }

    /// Whether `place` is within the scope.
    ///
    /// ```
    /// use chanye::model::{Coverage, Place, Scope};
    /// let daxing = Coverage::new(Scope::District("110115".into()), vec!["bda".into()]);
    /// assert!(daxing.covers(Place { district: "110115", park: Some("daxing-bio") }));
    /// assert!(!daxing.covers(Place { district: "110115", park: Some("bda") }), "the BDA keeps its own");
    /// assert!(!daxing.covers(Place { district: "110118", park: None }));
    /// ```
    pub fn covers(&self, place: Place) -> bool {
        match &self.scope {
            None => false,
            Some(Scope::City) => true,
            Some(Scope::District(d)) => place.district == d && !place.park.is_some_and(|p| self.own_office_parks.iter().any(|o| o == p)),
            Some(Scope::Park(p)) => place.park == Some(p.as_str()),
        }
    }
}

/// Who reads: a role, and the places whose confidential fields it may see.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Audience {
    /// The reader's role.
    pub role: Role,
    /// Where it reads as a promoter (nowhere for the public).
    pub coverage: Coverage,
}

impl Audience {
    /// Anyone without a token.
    pub fn public() -> Audience {
        Audience::default()
    }

    /// A reader of `role` over `coverage`.
    pub fn new(role: Role, coverage: Coverage) -> Audience {
        Audience { role, coverage }
    }

    /// Whether it reads the confidential fields (`project`, `project_id`, `internal_note`) of
    /// a space at `place`: promoters and up, within their scope.
    pub fn reads_confidential(&self, place: Place) -> bool {
        self.role >= Role::Promoter && self.coverage.covers(place)
    }

    /// Whether it may read some confidential field somewhere (its answers are its own).
    pub fn is_privileged(&self) -> bool {
        self.role >= Role::Promoter
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_cover_their_own_places_only() {
        let place = |district, park| Place { district, park };
        let city = Coverage::new(Scope::City, vec![]);
        let park = Coverage::new(Scope::Park("bda".into()), vec![]);
        assert!(city.covers(place("110118", None)) && city.covers(place("110115", Some("bda"))));
        assert!(park.covers(place("110115", Some("bda"))));
        assert!(!park.covers(place("110115", None)) && !park.covers(place("110115", Some("daxing-bio"))));
        assert!(!Coverage::nothing().covers(place("110118", None)));
        let miyun = Coverage::new(Scope::District("110118".into()), vec![]);
        assert!(miyun.covers(place("110118", None)) && miyun.covers(place("110118", Some("miyun-zgc"))));
        assert!(!miyun.covers(place("110115", None)));
    }

    #[test]
    fn scopes_read_back_from_their_parts_and_serialise_as_the_contract_says() {
        for scope in [Scope::City, Scope::District("110118".into()), Scope::Park("bda".into())] {
            assert_eq!(Scope::from_parts(Some(scope.kind()), scope.id()), Some(scope.clone()));
        }
        assert_eq!(Scope::from_parts(None, None), Some(Scope::City), "tokens made before scopes are city-wide");
        assert_eq!(Scope::from_parts(Some("district"), None), None);
        assert_eq!(serde_json::to_value(Scope::District("110118".into())).unwrap(), serde_json::json!({"kind": "district", "id": "110118"}));
        assert_eq!(serde_json::to_value(Scope::City).unwrap(), serde_json::json!({"kind": "city"}));
    }
}

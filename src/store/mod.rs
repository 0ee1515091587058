//! The store of record: where the inventory lives between runs. The server builds its
//! in-memory snapshot from it; imports update layers by id in one transaction (with versions
//! and audit entries), so a failed import leaves the store as it was.
//!
//! [`Store`] is the seam for other backends (a PostGIS store for several stateless replicas
//! can implement it without the matcher or the HTTP layer changing); [`GpkgStore`] is the
//! embedded one, an OGC GeoPackage that QGIS and GDAL open directly.

mod dataset;
mod export;
mod gpkg;
mod merge;
mod scope;
pub mod spreadsheet;
mod writer;

pub use dataset::Dataset;
pub use gpkg::GpkgStore;
pub use merge::{FeatureChange, ImportMode, LayerChanges};
pub use scope::authorize;
pub use writer::{Outcome, Published, Writer};

use std::path::Path;

use crate::inventory::{InventoryError, LayerName, Loaded, Report, Space};
use crate::model::{Role, Scope, SpaceStatus};

/// Who makes a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The token's name (`anonymous` without one).
    pub name: String,
    /// Its role.
    pub role: Role,
    /// The part of the inventory it answers for.
    pub scope: Scope,
}

impl Actor {
    /// A caller without a token.
    pub fn anonymous() -> Actor {
        Actor { name: "anonymous".into(), role: Role::Public, scope: Scope::City }
    }

    /// A city-wide actor (the command line, the importer).
    pub fn city(name: impl Into<String>, role: Role) -> Actor {
        Actor { name: name.into(), role, scope: Scope::City }
    }
}

/// A bearer token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// Its name, unique in the store.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// Its scope.
    pub scope: Scope,
    /// When it was made (UTC, RFC 3339).
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// A status change of a parcel or building space.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    /// `parcels` or `buildings`.
    pub layer: LayerName,
    /// Feature id.
    pub id: String,
    /// The version the caller saw (from the ETag it sends in If-Match).
    pub expected_version: u64,
    /// The new status.
    pub to: SpaceStatus,
    /// The project the change is for.
    pub project: Option<String>,
    /// The project's id in the promoter's own records.
    pub project_id: Option<String>,
    /// Why.
    pub note: Option<String>,
}

/// One change of a parcel or building space.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant, reason = "edits are few and short-lived; boxing buys nothing")]
pub enum Change {
    /// Moves a space along the workflow, checked against the status stored.
    Status(StatusChange),
    /// Adds a space; its id must be new.
    Create(Space),
    /// Replaces a space's properties and geometry with `after`, if it is still at
    /// `expected_version`; `before` is what the caller edited, for the audit trail.
    Update {
        /// The version the caller saw.
        expected_version: u64,
        /// The space as it was.
        before: Space,
        /// The space as it is to be.
        after: Space,
    },
    /// Deletes a space if it is still at `expected_version`.
    Delete {
        /// The version the caller saw.
        expected_version: u64,
        /// The space as it was.
        before: Space,
    },
}

impl Change {
    /// The layer and id changed.
    pub fn target(&self) -> (LayerName, &str) {
        match self {
            Change::Status(c) => (c.layer, &c.id),
            Change::Create(space) | Change::Update { after: space, .. } | Change::Delete { before: space, .. } => (space.layer(), space.id()),
        }
    }
}

/// A change and who makes it.
#[derive(Debug, Clone)]
pub struct Edit {
    /// Who.
    pub actor: Actor,
    /// What.
    pub change: Change,
}

/// How a batch of edits commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batch {
    /// All or none: the first refusal undoes the rest.
    Atomic,
    /// Each edit stands alone: a refused one changes nothing, the others commit (together,
    /// with one sync to disk).
    Each,
}

/// A committed change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    /// The feature's version after it.
    pub version: u64,
    /// Its place in the audit trail.
    pub audit_seq: i64,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    /// Order of commit.
    pub seq: i64,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Who: the token's name.
    pub actor: String,
    /// With which role.
    pub role: String,
    /// Within which scope (entries made before scopes: city).
    pub scope: Scope,
    /// The feature's district, after the change (before it, for a deletion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// Its park, likewise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub park: Option<String>,
    /// Layer.
    pub layer: String,
    /// Feature id.
    pub feature: String,
    /// `status`, `update`, `create`, `delete`.
    pub action: String,
    /// Changed properties before.
    pub before: serde_json::Value,
    /// Changed properties after.
    pub after: serde_json::Value,
    /// Whether the geometry changed.
    pub geometry_changed: bool,
    /// Project name, for status changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Project id, for status changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// The note given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Which audit entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only this feature id.
    pub feature: Option<String>,
    /// Only entries at or after this instant (RFC 3339, UTC).
    pub since: Option<String>,
    /// At most this many, newest last.
    pub limit: usize,
    /// Only entries on features within this scope (before or after the change); none: all.
    pub within: Option<crate::model::Coverage>,
}

/// The documents a store keeps beside its layers, as the texts imported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Documents {
    /// `industries.json` text.
    pub catalogue: Option<String>,
    /// `policies.json` text.
    pub policies: Option<String>,
}

/// How to import, and who does it.
#[derive(Debug, Clone)]
pub struct Import {
    /// Whether stored features the files do not name are kept.
    pub mode: ImportMode,
    /// Who imports, for the audit trail.
    pub actor: Actor,
    /// Work out the changes and write nothing.
    pub dry_run: bool,
}

impl Default for Import {
    fn default() -> Self {
        Import { mode: ImportMode::Merge, actor: Actor::city("import", Role::Admin), dry_run: false }
    }
}

/// What an import changed (or, in a dry run, would change).
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The changes in each imported layer.
    pub layers: Vec<(LayerName, LayerChanges)>,
    /// Whether the catalogue was replaced.
    pub catalogue: bool,
    /// Whether the policy measures were replaced.
    pub policies: bool,
    /// What validation warned of (a likely GCJ-02 layer, say); errors refuse the import.
    pub warnings: Vec<crate::inventory::Problem>,
}

pub use crate::error::Bilingual;

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("{path}: {source}")]
    Sqlite {
        /// The store file.
        path: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The file is not a store of this service.
    #[error("{path} is not a chanye store: {reason}")]
    NotAStore {
        /// The file.
        path: String,
        /// Why not.
        reason: Bilingual,
    },
    /// The imported data (with what the store already holds) does not validate; nothing was
    /// written.
    #[error("the import was refused, nothing was written:\n{0}")]
    Invalid(Report),
    /// The inventory the store holds could not be loaded.
    #[error(transparent)]
    Inventory(InventoryError),
    /// Something the import needs is missing.
    #[error("{0}")]
    Missing(Bilingual),
    /// No such feature.
    #[error("there is no feature '{id}' in {layer}")]
    NotFound {
        /// Layer.
        layer: LayerName,
        /// The id asked for.
        id: String,
    },
    /// The feature changed since the caller read it.
    #[error("{layer} '{id}' is at version {current}, not {expected}: read it again and retry")]
    Conflict {
        /// Layer.
        layer: LayerName,
        /// Feature id.
        id: String,
        /// The version the caller expected.
        expected: u64,
        /// The version stored.
        current: u64,
    },
    /// The change is not allowed (a transition the workflow forbids).
    #[error("{0}")]
    Refused(Bilingual),
    /// The write could not be completed (the store or the server failed); nothing of it was
    /// committed.
    #[error("the write failed: {0}")]
    Failed(Bilingual),
    /// The change is allowed, but not to the caller's role.
    #[error("{0}")]
    Forbidden(Bilingual),
}

impl StoreError {
    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            // SQLite's own words name the cause
            StoreError::Sqlite { path, source } => format!("{path}：SQLite 出错（{source}）"),
            StoreError::NotAStore { path, reason } => format!("{path} 不是 chanye 数据库：{}", reason.zh),
            StoreError::Invalid(report) => format!("导入被拒绝，未写入任何内容：\n{}", report.zh()),
            StoreError::Inventory(e) => crate::error::Classified::detail_zh(e).unwrap_or_else(|| e.to_string()),
            StoreError::Missing(m) | StoreError::Refused(m) | StoreError::Forbidden(m) => m.zh.clone(),
            StoreError::NotFound { layer, id } => format!("{}中没有要素 '{id}'", layer.zh()),
            StoreError::Conflict { layer, id, expected, current } => {
                format!("{} '{id}' 的版本已是 {current}，不是 {expected}：请重新读取后再试", layer.zh())
            }
            StoreError::Failed(m) => format!("写入失败：{}", m.zh),
        }
    }
}

impl crate::error::Classified for StoreError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind;
        match self {
            StoreError::Invalid(_) => ErrorKind::InvalidData,
            StoreError::NotFound { .. } => ErrorKind::NotFound,
            StoreError::Conflict { .. } => ErrorKind::Conflict,
            StoreError::Refused(_) => ErrorKind::Refused,
            StoreError::Forbidden(_) => ErrorKind::Forbidden,
            // what the store already holds failed to load: the service's fault, not the caller's
            StoreError::Sqlite { .. } | StoreError::NotAStore { .. } | StoreError::Inventory(_) | StoreError::Missing(_) | StoreError::Failed(_) => {
                ErrorKind::Internal
            }
        }
    }

    fn blame(&self) -> crate::error::Blame<'_> {
        match self {
            StoreError::Invalid(report) => crate::error::Blame::Report(report),
            _ => crate::error::Blame::Nothing,
        }
    }

    fn detail_zh(&self) -> Option<String> {
        Some(self.zh())
    }
}

/// A store of record for the inventory.
pub trait Store: Send + Sync {
    /// Loads everything the store holds into a snapshot (with its policy measures).
    fn snapshot(&self) -> Result<Loaded, StoreError> {
        self.load(&crate::inventory::NoProgress)
    }

    /// [`Store::snapshot`], reporting its progress.
    fn load(&self, progress: &dyn crate::inventory::Progress) -> Result<Loaded, StoreError>;

    /// Lays the given layers over the stored ones by id (replacing them whole with
    /// [`ImportMode::Replace`]) and replaces the catalogue or policies given, in one
    /// transaction, after validating everything together; changed features go one version up,
    /// each change with its audit entry. On any error nothing changes.
    fn import(&self, dataset: &Dataset, how: &Import) -> Result<Imported, StoreError>;

    /// The version of every feature of a layer, by id.
    fn versions(&self, layer: LayerName) -> Result<std::collections::HashMap<String, u64>, StoreError>;

    /// The holder of a bearer token, if the token is known and not revoked.
    fn authenticate(&self, token: &str) -> Result<Option<Actor>, StoreError>;

    /// Applies `edits` in one transaction, each with its audit entry: versions are checked
    /// (a stale one is a [`StoreError::Conflict`]) and status changes follow the workflow.
    /// Answers per edit; under [`Batch::Atomic`] any refusal is the error and nothing is written.
    fn apply(&self, edits: &[Edit], batch: Batch) -> Result<Vec<Result<Committed, StoreError>>, StoreError>;

    /// Audit entries, oldest first.
    fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;

    /// Makes a bearer token for `name` with `role` within `scope` and returns it; only its
    /// hash is kept, so it is shown this once. Names are unique: a taken one is
    /// [`StoreError::Refused`]. Administrators are city-wide, public tokens have no scope to
    /// keep, and a district or park must be one the store holds.
    fn create_token(&self, name: &str, role: Role, scope: &Scope) -> Result<String, StoreError> {
        let refuse = |en: String, zh: String| Err(StoreError::Refused(Bilingual::new(en, zh)));
        match (role, scope) {
            (_, Scope::City) => {}
            (Role::Admin | Role::Public, _) => {
                return refuse(format!("a {role} token is city-wide: leave out --district and --park"), format!("{role} 令牌的范围是全市：请不要给出 --district 或 --park"));
            }
            (_, Scope::District(adcode)) if !self.versions(LayerName::Districts)?.contains_key(adcode) => {
                return refuse(format!("there is no district '{adcode}' in the store (give a district's adcode, such as 110118)"), format!("数据库中没有区 '{adcode}'（请给出区的行政区划代码，如 110118）"));
            }
            (_, Scope::Park(id)) if !self.versions(LayerName::Parks)?.contains_key(id) => {
                return refuse(format!("there is no park '{id}' in the store"), format!("数据库中没有园区 '{id}'"));
            }
            _ => {}
        }
        self.insert_token(name, role, scope)
    }

    /// Stores a new token as [`Store::create_token`] describes, once its scope is checked.
    fn insert_token(&self, name: &str, role: Role, scope: &Scope) -> Result<String, StoreError>;

    /// Every token, by name.
    fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError>;

    /// Revokes the token called `name`; false when there is no such live token.
    fn revoke_token(&self, name: &str) -> Result<bool, StoreError>;

    /// The catalogue and the policy measures as imported.
    fn documents(&self) -> Result<Documents, StoreError>;

    /// Writes everything the store holds (layers with their versions, documents, token
    /// hashes, the audit trail) as one GeoPackage file at `out`, which must not exist.
    fn copy_to(&self, out: &Path) -> Result<(), StoreError>;

    /// Writes the inventory as a data directory that `serve --data` and `validate` read: one
    /// GeoJSON file per layer, industries.json and policies.json; `out` must not exist.
    fn export_dir(&self, out: &Path) -> Result<(), StoreError> {
        export::write_dir(self, out)
    }
}

/// The shipped sample, for the store's unit tests.
#[cfg(test)]
mod test_support {
    use std::path::PathBuf;

    use super::Dataset;
    use crate::inventory::{self, CATALOGUE_FILE, POLICIES_FILE};

    /// `geodata/`.
    pub(crate) fn sample_dir() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata"))
    }

    /// The whole sample as one import.
    pub(crate) fn sample_dataset() -> Dataset {
        let dir = sample_dir();
        let (layers, _) = inventory::read_dir(&dir).unwrap();
        let read = |name: &str| Some(std::fs::read_to_string(dir.join(name)).unwrap());
        Dataset { layers, catalogue: read(CATALOGUE_FILE), policies: read(POLICIES_FILE) }
    }
}

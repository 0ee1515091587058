//! The store of record: where the inventory lives between runs. The server builds its
//! in-memory snapshot from it; imports replace layers in one transaction, so a failed import
//! leaves the store as it was.
//!
//! [`Store`] is the seam for other backends (a PostGIS store for several stateless replicas
//! can implement it without the matcher or the HTTP layer changing); [`GpkgStore`] is the
//! embedded one, an OGC GeoPackage that QGIS and GDAL open directly.

mod gpkg;

pub use gpkg::{GpkgStore, TokenInfo};

use crate::inventory::{InventoryError, LayerName, LayerSource, Loaded, Report};
use crate::model::{Role, SpaceStatus};

/// Who makes a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The token's name (`anonymous` without one).
    pub name: String,
    /// Its role.
    pub role: Role,
}

impl Actor {
    /// A caller without a token.
    pub fn anonymous() -> Actor {
        Actor { name: "anonymous".into(), role: Role::Public }
    }
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
}

/// What an import brings: whole layers, and optionally a new catalogue or policy file.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Layer files; each replaces its layer.
    pub layers: Vec<LayerSource>,
    /// `industries.json` text, replacing the catalogue.
    pub catalogue: Option<String>,
    /// `policies.json` text, replacing the policy measures.
    pub policies: Option<String>,
}

/// What an import changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Features now in each replaced layer.
    pub layers: Vec<(LayerName, usize)>,
    /// Whether the catalogue was replaced.
    pub catalogue: bool,
    /// Whether the policy measures were replaced.
    pub policies: bool,
}

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
        reason: String,
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
    Missing(String),
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
    Refused(String),
    /// The change is allowed, but not to the caller's role.
    #[error("{0}")]
    Forbidden(String),
}

/// A store of record for the inventory.
pub trait Store: Send + Sync {
    /// Loads everything the store holds into a snapshot (with its policy measures).
    fn snapshot(&self) -> Result<Loaded, StoreError>;

    /// Replaces the given layers (and catalogue or policies) in one transaction, after
    /// validating them together with what the store keeps; on any error nothing changes.
    fn import(&self, dataset: &Dataset) -> Result<Imported, StoreError>;

    /// The version of every feature of a layer, by id.
    fn versions(&self, layer: LayerName) -> Result<std::collections::HashMap<String, u64>, StoreError>;

    /// The holder of a bearer token, if the token is known and not revoked.
    fn authenticate(&self, token: &str) -> Result<Option<Actor>, StoreError>;

    /// Changes a status if the version matches and the workflow allows it, with its audit
    /// entry, in one transaction.
    fn change_status(&self, change: &StatusChange, actor: &Actor) -> Result<Committed, StoreError>;

    /// Audit entries, oldest first.
    fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;
}

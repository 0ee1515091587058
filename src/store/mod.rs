//! The store of record: where the inventory lives between runs. The server builds its
//! in-memory snapshot from it; imports replace layers in one transaction, so a failed import
//! leaves the store as it was.
//!
//! [`Store`] is the seam for other backends (a PostGIS store for several stateless replicas
//! can implement it without the matcher or the HTTP layer changing); [`GpkgStore`] is the
//! embedded one, an OGC GeoPackage that QGIS and GDAL open directly.

mod gpkg;

pub use gpkg::GpkgStore;

use crate::inventory::{InventoryError, LayerName, LayerSource, Loaded, Report};

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
}

/// A store of record for the inventory.
pub trait Store: Send + Sync {
    /// Loads everything the store holds into a snapshot (with its policy measures).
    fn snapshot(&self) -> Result<Loaded, StoreError>;

    /// Replaces the given layers (and catalogue or policies) in one transaction, after
    /// validating them together with what the store keeps; on any error nothing changes.
    fn import(&self, dataset: &Dataset) -> Result<Imported, StoreError>;
}

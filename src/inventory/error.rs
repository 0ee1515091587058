//! Errors of the inventory layer.

use std::path::PathBuf;

use super::report::Report;
use crate::model::{CatalogueError, PolicyError};

/// Why an inventory could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InventoryError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The industry catalogue is broken.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// The policy measures are broken.
    #[error(transparent)]
    Policies(#[from] PolicyError),
    /// Validation found errors; nothing was loaded.
    #[error("{} error(s) in the layers; nothing was loaded", .0.error_count())]
    Invalid(Report),
}

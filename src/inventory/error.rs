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

impl crate::error::Classified for InventoryError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind;
        match self {
            InventoryError::Io { .. } => ErrorKind::Internal,
            InventoryError::Catalogue(_) | InventoryError::Policies(_) | InventoryError::Invalid(_) => ErrorKind::InvalidData,
        }
    }

    fn blame(&self) -> crate::error::Blame<'_> {
        match self {
            InventoryError::Invalid(report) => crate::error::Blame::Report(report),
            InventoryError::Io { .. } | InventoryError::Catalogue(_) | InventoryError::Policies(_) => crate::error::Blame::Nothing,
        }
    }

    fn detail_zh(&self) -> Option<String> {
        Some(match self {
            InventoryError::Io { path, source } => format!("无法读取 {}：{}", path.display(), crate::error::io_zh(source)),
            InventoryError::Catalogue(e) => e.zh(),
            InventoryError::Policies(e) => e.zh(),
            InventoryError::Invalid(report) => format!("各图层共有 {} 个错误，未载入任何数据", report.error_count()),
        })
    }
}

//! Errors of the inventory layer.

use std::path::PathBuf;

use super::report::Report;
use crate::model::{CatalogueError, PolicyError};

/// An OS error in Chinese where its kind says enough, else in the system's own words.
pub(crate) fn io_error_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "文件或目录不存在".into(),
        ErrorKind::PermissionDenied => "没有权限".into(),
        ErrorKind::AlreadyExists => "已经存在".into(),
        // what reading text gives for bytes that are not UTF-8
        ErrorKind::InvalidData => "不是有效的 UTF-8 文本".into(),
        _ => e.to_string(),
    }
}

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
            InventoryError::Io { path, source } => format!("无法读取 {}：{}", path.display(), io_error_zh(source)),
            InventoryError::Catalogue(e) => e.zh(),
            InventoryError::Policies(e) => e.zh(),
            InventoryError::Invalid(report) => format!("各图层共有 {} 个错误，未载入任何数据", report.error_count()),
        })
    }
}

//! Errors of the geometry layer.

/// Problems with coordinate systems and transformations.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GeometryError {
    /// A CRS name this service does not know.
    #[error("unknown CRS '{0}': use CRS84, EPSG:<code>, gcj02 or bd09")]
    UnknownCrs(String),
    /// PROJ could not build a transformation for this CRS.
    #[error("PROJ cannot transform {crs} to WGS84: {reason}")]
    Proj {
        /// The CRS asked for.
        crs: String,
        /// PROJ's message.
        reason: String,
    },
    /// A coordinate that the transformation cannot map.
    #[error("coordinate ({x}, {y}) cannot be transformed: {reason}")]
    Transform {
        /// First coordinate as given.
        x: f64,
        /// Second coordinate as given.
        y: f64,
        /// Why.
        reason: String,
    },
}

impl GeometryError {
    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            GeometryError::UnknownCrs(name) => format!("未知的坐标系 '{name}'：请用 CRS84、EPSG:<代码>、gcj02 或 bd09"),
            // PROJ's own words stay as they are: they name what it lacks
            GeometryError::Proj { crs, reason } => format!("PROJ 无法把 {crs} 换算为 WGS84（{reason}）"),
            GeometryError::Transform { x, y, .. } => format!("坐标 ({x}, {y}) 无法换算"),
        }
    }
}

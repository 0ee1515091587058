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

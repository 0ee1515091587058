//! Geometry: coordinate reference systems, geodesic areas and distances, validation, and
//! prepared polygons for repeated point-in-polygon tests, and Web Mercator outlines for tiles.

pub mod area;
pub mod china;
pub mod crs;
pub mod distance;
pub mod mercator;
mod error;
pub mod prepared;
pub mod validate;

pub use area::geodesic_area;
pub use crs::{Crs, CrsTransformer};
pub use error::GeometryError;
pub use prepared::PreparedArea;

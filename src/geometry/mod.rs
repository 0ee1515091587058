//! Geometry: coordinate reference systems, geodesic areas and distances, validation, and
//! prepared polygons for repeated point-in-polygon tests.

pub mod area;
pub mod china;
pub mod crs;
pub mod distance;
mod error;
pub mod prepared;
pub mod validate;

pub use area::geodesic_area;
pub use crs::{Crs, CrsTransformer};
pub use error::GeometryError;
pub use prepared::PreparedArea;

//! OGC API – Features over the inventory: the collections, their queryables, item queries
//! (bbox, datetime, property filters, CQL2) and GeoJSON output in a requested CRS.

pub mod cql2;
pub mod encode;
pub mod query;
pub mod queryables;
pub mod table;

use chrono::NaiveDate;
use geo::Rect;

use crate::geometry::Crs;
use crate::inventory::{LayerName, Snapshot};

pub use encode::Output;
pub use query::{ItemQuery, Selection};
pub use queryables::Collected;

/// The CRSs items can be read and filtered in: the OGC defaults, CGCS2000 and its
/// Gauss-Krüger zones over Beijing, Web Mercator, and the Chinese web-map datums.
pub const SUPPORTED_CRS: [Crs; 8] =
    [Crs::Crs84, Crs::Epsg(4326), Crs::Epsg(4490), Crs::Epsg(3857), Crs::Epsg(4547), Crs::Epsg(4548), Crs::Gcj02, Crs::Bd09];

/// The URIs of [`SUPPORTED_CRS`].
pub fn crs_list() -> Vec<String> {
    SUPPORTED_CRS.iter().map(Crs::uri).collect()
}

/// Why a collection read failed.
#[derive(Debug, thiserror::Error)]
pub enum FeaturesError {
    /// A query parameter is unknown or invalid.
    #[error("{parameter}: {reason}")]
    Parameter {
        /// The parameter.
        parameter: String,
        /// What is wrong with it.
        reason: String,
        /// The same, in Chinese.
        reason_zh: String,
    },
    /// Writing JSON failed (not expected: everything written is plain data).
    #[error("writing JSON failed: {0}")]
    Json(String),
}

impl crate::error::Classified for FeaturesError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind;
        match self {
            FeaturesError::Parameter { .. } => ErrorKind::InvalidParameter,
            FeaturesError::Json(_) => ErrorKind::Internal,
        }
    }

    fn blame(&self) -> crate::error::Blame<'_> {
        match self {
            FeaturesError::Parameter { parameter, .. } => crate::error::Blame::Parameter(parameter),
            FeaturesError::Json(_) => crate::error::Blame::Nothing,
        }
    }

    fn detail_zh(&self) -> Option<String> {
        match self {
            FeaturesError::Parameter { parameter, reason_zh, .. } => Some(format!("参数 {parameter}：{reason_zh}")),
            FeaturesError::Json(_) => None,
        }
    }
}

impl FeaturesError {
    fn json(e: serde_json::Error) -> FeaturesError {
        FeaturesError::Json(e.to_string())
    }

    /// A parameter error, with its reason in English and in Chinese.
    pub fn parameter(parameter: &str, reason: impl Into<String>, reason_zh: impl Into<String>) -> FeaturesError {
        FeaturesError::Parameter { parameter: parameter.to_string(), reason: reason.into(), reason_zh: reason_zh.into() }
    }
}

/// Title and description of a collection.
pub fn describe(layer: LayerName) -> (&'static str, &'static str) {
    match layer {
        LayerName::Districts => ("区 Districts", "Beijing's 16 districts with their leading industries (主导产业)."),
        LayerName::Parks => ("园区 Parks", "Industrial parks with leading industries, admission standards (项目准入标准) and positive/negative lists."),
        LayerName::Zones => ("园中园 Zones", "Specialised zones inside parks, with their own leading industries."),
        LayerName::Parcels => ("地块 Land parcels", "Industrial land parcels: status, land use, area, planning limits, price and availability."),
        LayerName::Buildings => ("厂房楼宇 Buildings", "Factory and office-building space: type, floor and vacant area, loads, rent."),
    }
}

/// The bounding box of a layer, WGS84.
pub fn extent(snapshot: &Snapshot, layer: LayerName) -> Option<Rect> {
    crate::inventory::with_layer!(snapshot, layer, |l| l.extent())
}

/// The first and last `available_from` dates of the parcels (none when no parcel has one).
pub fn parcel_dates(snapshot: &Snapshot) -> Option<(NaiveDate, NaiveDate)> {
    let mut dates = snapshot.parcels.items().iter().filter_map(|p| p.available_from);
    let first = dates.next()?;
    Some(dates.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d))))
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::error::Classified;

    #[test]
    fn parameter_errors_keep_english_and_say_it_in_chinese() {
        let e = FeaturesError::parameter("limit", "'x' is not a whole number", "'x' 不是整数");
        assert_eq!(e.to_string(), "limit: 'x' is not a whole number");
        assert_eq!(e.detail_zh().as_deref(), Some("参数 limit：'x' 不是整数"));
    }
}

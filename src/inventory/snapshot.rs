//! The immutable inventory snapshot, and the cell that publishes a new one atomically.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::layer::{Layer, LayerName};
use crate::model::{Building, Catalogue, District, Parcel, Park, PolicyCatalogue, SpaceStatus, Zone};

/// Everything the matcher and the API read: all layers, indexed, plus the catalogue.
/// Never mutated; an edit or reload builds a new one.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Counts the snapshots a cell has published: each replacement gets the next number, so
    /// caches can tell versions apart.
    pub revision: u64,
    /// Feature versions from the store, by layer and id (a feature not listed is at 1).
    pub versions: Arc<HashMap<(LayerName, String), u64>>,
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
    /// The version of a feature.
    pub fn version(&self, layer: LayerName, id: &str) -> u64 {
        self.versions.get(&(layer, id.to_string())).copied().unwrap_or(1)
    }

    /// This snapshot with one parcel's or building's status and version changed (geometry
    /// and ids stay, so the indexes are shared as they are); none when there is no such
    /// feature.
    pub fn with_status(&self, layer: LayerName, id: &str, status: SpaceStatus, version: u64) -> Option<Snapshot> {
        let mut next = self.clone();
        match layer {
            LayerName::Parcels => next.parcels.update(next.parcels.position(id)?, |p| p.status = status),
            LayerName::Buildings => next.buildings.update(next.buildings.position(id)?, |b| b.status = status),
            _ => return None,
        }
        Arc::make_mut(&mut next.versions).insert((layer, id.to_string()), version);
        Some(next)
    }

    /// Feature count of each layer.
    pub fn counts(&self) -> [(LayerName, usize); 5] {
        [
            (LayerName::Districts, self.districts.len()),
            (LayerName::Parks, self.parks.len()),
            (LayerName::Zones, self.zones.len()),
            (LayerName::Parcels, self.parcels.len()),
            (LayerName::Buildings, self.buildings.len()),
        ]
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

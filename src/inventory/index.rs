//! R-tree indexes: one per layer, bulk-loaded once, holding each feature's bounding box and
//! its position in the layer's vector, so every feature is stored once.

use geo::{Coord, Rect};
use rstar::{RTree, RTreeObject, AABB};

/// One index entry: a bounding box and the feature's position in its layer.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    envelope: AABB<[f64; 2]>,
    /// Position of the feature in its layer.
    pub index: u32,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// The bounding boxes of one layer, bulk-loaded.
#[derive(Debug, Clone, Default)]
pub struct SpatialIndex {
    tree: RTree<Entry>,
}

fn aabb(r: Rect) -> AABB<[f64; 2]> {
    AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
}

impl SpatialIndex {
    /// Bulk-loads the boxes; the i-th box belongs to feature i.
    pub fn build(boxes: impl IntoIterator<Item = Rect>) -> SpatialIndex {
        let entries = boxes.into_iter().enumerate().map(|(i, r)| Entry { envelope: aabb(r), index: i as u32 }).collect();
        SpatialIndex { tree: RTree::bulk_load(entries) }
    }

    /// Features whose box intersects `rect`.
    pub fn intersecting(&self, rect: Rect) -> impl Iterator<Item = u32> + '_ {
        self.tree.locate_in_envelope_intersecting(aabb(rect)).map(|e| e.index)
    }

    /// Features whose box holds `p`.
    pub fn at_point(&self, p: Coord) -> impl Iterator<Item = u32> + '_ {
        self.tree.locate_in_envelope_intersecting(AABB::from_point([p.x, p.y])).map(|e| e.index)
    }

    /// The box around every entry (none when empty).
    pub fn envelope(&self) -> Option<Rect> {
        if self.is_empty() {
            return None;
        }
        let e = self.tree.root().envelope();
        Some(Rect::new(Coord { x: e.lower()[0], y: e.lower()[1] }, Coord { x: e.upper()[0], y: e.upper()[1] }))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }
}

//! MVT encoding: geometry commands through geozero's writer, the layer's key and value
//! tables, and the tile message through geozero's protobuf types.
//!
//! Values are interned by content, borrowing the snapshot's strings, so a status or park id
//! shared by a hundred parcels is hashed a hundred times but copied once.

use std::borrow::Cow;

use geozero::error::Result as GeozeroResult;
use geozero::mvt::tile::{Feature, Layer, Value};
use geozero::mvt::{Message, Tile};
use geozero::{GeomProcessor, GeozeroGeometry, ToMvt};
use rustc_hash::FxHashMap;

use super::clip::{GeometryKind, TileGeometry};
use super::grid::EXTENT;
use super::TileError;

impl GeozeroGeometry for TileGeometry {
    fn process_geom<P: GeomProcessor>(&self, p: &mut P) -> GeozeroResult<()> {
        match self.kind {
            GeometryKind::Points if self.points.len() == 1 => {
                p.point_begin(0)?;
                p.xy(self.points[0][0] as f64, self.points[0][1] as f64, 0)?;
                p.point_end(0)
            }
            GeometryKind::Points => {
                p.multipoint_begin(self.points.len(), 0)?;
                for (i, [x, y]) in self.points.iter().enumerate() {
                    p.xy(*x as f64, *y as f64, i)?;
                }
                p.multipoint_end(0)
            }
            GeometryKind::Polygons => {
                // walked in place: a feature's Vec of polygons was a tenth of its allocations
                let polygon_count = self.rings.iter().enumerate().filter(|&(i, &(_, exterior))| exterior || i == 0).count();
                p.multipolygon_begin(polygon_count, 0)?;
                let (mut polygon, mut ring_in_polygon, mut start) = (0, 0, 0);
                for (i, &(end, exterior)) in self.rings.iter().enumerate() {
                    if i > 0 && exterior {
                        p.polygon_end(false, polygon)?;
                        polygon += 1;
                    }
                    if i == 0 || exterior {
                        let holes = self.rings[i + 1..].iter().take_while(|&&(_, e)| !e).count();
                        p.polygon_begin(false, 1 + holes, polygon)?;
                        ring_in_polygon = 0;
                    }
                    let ring = &self.points[start..end];
                    // the writer closes rings itself and skips the repeated first point
                    p.linestring_begin(false, ring.len() + 1, ring_in_polygon)?;
                    for (k, [x, y]) in ring.iter().chain(ring.first()).enumerate() {
                        p.xy(*x as f64, *y as f64, k)?;
                    }
                    p.linestring_end(false, ring_in_polygon)?;
                    ring_in_polygon += 1;
                    start = end;
                }
                if !self.rings.is_empty() {
                    p.polygon_end(false, polygon)?;
                }
                p.multipolygon_end(0)
            }
        }
    }
}

/// A property value of a feature, in the order of the layer's fields.
pub enum Prop<'a> {
    /// No value (MVT has no null: the key is left out).
    Absent,
    /// A string the snapshot owns.
    Text(&'a str),
    /// A string made for this tile.
    Owned(String),
    /// A string (an id, a name) that hardly two features share: stored without a lookup.
    Distinct(&'a str),
    /// A number, rounded to two decimals (a hundredth of a 亩 is below any survey's precision);
    /// areas hardly repeat, so numbers are stored without a lookup.
    Number(f64),
    /// A value already in the layer's table.
    Interned(u32),
    /// A flag written only when true (MVT has no null; a filter reads absent as false).
    Flag(bool),
}

impl<'a> Prop<'a> {
    /// A string, absent when empty.
    pub fn text(s: &'a str) -> Prop<'a> {
        if s.is_empty() {
            Prop::Absent
        } else {
            Prop::Text(s)
        }
    }

    /// A string that hardly two features share, absent when empty.
    pub fn distinct(s: &'a str) -> Prop<'a> {
        if s.is_empty() {
            Prop::Absent
        } else {
            Prop::Distinct(s)
        }
    }

    /// A string when there is one.
    pub fn maybe(s: Option<&'a str>) -> Prop<'a> {
        s.map_or(Prop::Absent, Prop::text)
    }
}

#[derive(PartialEq, Eq, Hash)]
enum ValueKey<'a> {
    Text(Cow<'a, str>),
    True,
}

/// One MVT layer being filled.
pub struct LayerBuilder<'a> {
    name: &'static str,
    fields: &'static [(&'static str, &'static str)],
    /// Each field's key index, once the field is used.
    key_of_field: Vec<Option<u32>>,
    /// Each field's last string and its value: neighbours in load order often share a park.
    last_of_field: Vec<Option<(&'a str, u32)>>,
    keys: Vec<String>,
    values: Vec<Value>,
    interned: FxHashMap<ValueKey<'a>, u32>,
    features: Vec<Feature>,
}

impl<'a> LayerBuilder<'a> {
    /// An empty layer called `name` whose features carry `fields`, in that order, with room
    /// for about `features` features.
    pub fn new(name: &'static str, fields: &'static [(&'static str, &'static str)], features: usize) -> Self {
        // ids, names and areas are mostly distinct: about four new values a feature, stored
        // without a lookup; the table of shared values (statuses, places) stays small
        let values = 4 * features + 16;
        let shared = 64;
        LayerBuilder {
            name,
            fields,
            key_of_field: vec![None; fields.len()],
            last_of_field: vec![None; fields.len()],
            keys: Vec::new(),
            values: Vec::with_capacity(values),
            interned: FxHashMap::with_capacity_and_hasher(shared, Default::default()),
            features: Vec::with_capacity(features),
        }
    }

    /// The value's index in the layer's table; `None` for an absent value.
    pub fn intern(&mut self, prop: Prop<'a>) -> Option<u32> {
        let key = match prop {
            Prop::Absent | Prop::Flag(false) => return None,
            Prop::Flag(true) => ValueKey::True,
            Prop::Interned(index) => return Some(index),
            Prop::Text(s) => ValueKey::Text(Cow::Borrowed(s)),
            Prop::Owned(s) => ValueKey::Text(Cow::Owned(s)),
            // MVT asks no uniqueness of values; hashing what never repeats would be waste
            Prop::Distinct(s) => return Some(self.push(Value { string_value: Some(s.to_string()), ..Default::default() })),
            Prop::Number(n) if !n.is_finite() => return None,
            Prop::Number(n) => return Some(self.push(Value { double_value: Some((n * 100.0).round() / 100.0), ..Default::default() })),
        };
        let next = self.values.len() as u32;
        let entry = self.interned.entry(key);
        if let std::collections::hash_map::Entry::Occupied(seen) = &entry {
            return Some(*seen.get());
        }
        let value = match entry.key() {
            ValueKey::Text(text) => Value { string_value: Some(text.to_string()), ..Default::default() },
            ValueKey::True => Value { bool_value: Some(true), ..Default::default() },
        };
        self.values.push(value);
        entry.or_insert(next);
        Some(next)
    }

    fn push(&mut self, value: Value) -> u32 {
        self.values.push(value);
        (self.values.len() - 1) as u32
    }

    /// Adds a feature with its properties, one per field of the layer.
    pub fn add(&mut self, id: Option<u64>, geometry: &TileGeometry, properties: impl IntoIterator<Item = Prop<'a>>) -> Result<(), TileError> {
        let mut feature = geometry.to_mvt_unscaled().map_err(|e| TileError::Encode(e.to_string()))?;
        feature.id = id;
        feature.tags.reserve(2 * self.fields.len());
        for (field, prop) in properties.into_iter().enumerate() {
            let value = match prop {
                Prop::Text(s) => match self.last_of_field[field] {
                    Some((last, value)) if last == s => value,
                    _ => {
                        let Some(value) = self.intern(prop) else { continue };
                        self.last_of_field[field] = Some((s, value));
                        value
                    }
                },
                prop => {
                    let Some(value) = self.intern(prop) else { continue };
                    value
                }
            };
            let key = match self.key_of_field[field] {
                Some(key) => key,
                None => {
                    let key = self.keys.len() as u32;
                    self.keys.push(self.fields[field].0.to_string());
                    self.key_of_field[field] = Some(key);
                    key
                }
            };
            feature.tags.push(key);
            feature.tags.push(value);
        }
        self.features.push(feature);
        Ok(())
    }

    /// Whether no feature was added.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// The tile holding this one layer, as protobuf bytes.
    pub fn into_tile(self) -> Vec<u8> {
        let layer = Layer { version: 2, name: self.name.to_string(), features: self.features, keys: self.keys, values: self.values, extent: Some(EXTENT) };
        Tile { layers: vec![layer] }.encode_to_vec()
    }
}

//! MVT encoding through geozero's writer and protobuf types: geometry commands, the layer's
//! key and value tables, and the tile message.

use geozero::error::Result as GeozeroResult;
use geozero::mvt::tile::{Feature, Layer};
use geozero::mvt::{Message, TagsBuilder, Tile, TileValue};
use geozero::{GeomProcessor, GeozeroGeometry, ToMvt};

use super::clip::TileGeometry;
use super::grid::EXTENT;
use super::TileError;

impl GeozeroGeometry for TileGeometry {
    fn process_geom<P: GeomProcessor>(&self, p: &mut P) -> GeozeroResult<()> {
        match self {
            TileGeometry::Points(points) if points.len() == 1 => {
                p.point_begin(0)?;
                p.xy(points[0][0] as f64, points[0][1] as f64, 0)?;
                p.point_end(0)
            }
            TileGeometry::Points(points) => {
                p.multipoint_begin(points.len(), 0)?;
                for (i, [x, y]) in points.iter().enumerate() {
                    p.xy(*x as f64, *y as f64, i)?;
                }
                p.multipoint_end(0)
            }
            TileGeometry::Polygons(polygons) => {
                p.multipolygon_begin(polygons.len(), 0)?;
                for (i, rings) in polygons.iter().enumerate() {
                    p.polygon_begin(false, rings.len(), i)?;
                    for (j, ring) in rings.iter().enumerate() {
                        // the writer closes rings itself and skips the repeated first point
                        p.linestring_begin(false, ring.len() + 1, j)?;
                        for (k, [x, y]) in ring.iter().chain(ring.first()).enumerate() {
                            p.xy(*x as f64, *y as f64, k)?;
                        }
                        p.linestring_end(false, j)?;
                    }
                    p.polygon_end(false, i)?;
                }
                p.multipolygon_end(0)
            }
        }
    }
}

/// One MVT layer being filled.
pub struct LayerBuilder {
    name: &'static str,
    features: Vec<Feature>,
    tags: TagsBuilder<&'static str>,
}

impl LayerBuilder {
    /// An empty layer called `name`.
    pub fn new(name: &'static str) -> LayerBuilder {
        LayerBuilder { name, features: Vec::new(), tags: TagsBuilder::new() }
    }

    /// Adds a feature with its properties (absent values are left out, as MVT has no null).
    pub fn add(&mut self, id: Option<u64>, geometry: &TileGeometry, properties: impl IntoIterator<Item = (&'static str, Option<TileValue>)>) -> Result<(), TileError> {
        let mut feature = geometry.to_mvt_unscaled().map_err(|e| TileError::Encode(e.to_string()))?;
        feature.id = id;
        for (key, value) in properties {
            if let Some(value) = value {
                let (k, v) = self.tags.insert(key, value);
                feature.tags.push(k);
                feature.tags.push(v);
            }
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
        let (keys, values) = self.tags.into_tags();
        let layer = Layer {
            version: 2,
            name: self.name.to_string(),
            features: self.features,
            keys: keys.into_iter().map(str::to_string).collect(),
            values: values.into_iter().map(Into::into).collect(),
            extent: Some(EXTENT),
        };
        Tile { layers: vec![layer] }.encode_to_vec()
    }
}

/// A string value.
pub fn text(s: &str) -> Option<TileValue> {
    Some(TileValue::Str(s.to_string()))
}

/// A string value when present and not empty.
pub fn maybe_text(s: Option<&str>) -> Option<TileValue> {
    s.filter(|s| !s.is_empty()).map(|s| TileValue::Str(s.to_string()))
}

/// A number rounded to two decimals (areas: a centimetre of 亩 is below any survey's precision).
pub fn number(value: f64) -> Option<TileValue> {
    value.is_finite().then(|| TileValue::Double((value * 100.0).round() / 100.0))
}

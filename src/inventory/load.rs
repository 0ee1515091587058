//! Loading: GeoJSON layers in, one validated, joined and indexed [`Snapshot`] out.
//!
//! One function, [`load`], turns layer texts into a snapshot, so that the directory loader,
//! the store of record and reloads all share it. Strict by default: any error and nothing
//! is loaded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use geo::{Coord, InteriorPoint, MultiPolygon, Point};

use super::decode::{self, FieldProblem, Fields, GivenRefs, Properties, SharedTexts};
use super::export::FOOTPRINT;
use super::join::{resolve, Locus};
use super::layer::{Layer, LayerName};
use super::raw::{id_text, parse_collection, parse_feature, parse_geometry, RawShape};
use super::report::{FeatureRef, Problem, Report, Severity};
use super::snapshot::Snapshot;
use super::{InventoryError, NoProgress, Progress};
use crate::geometry::validate::{
    multipolygon_from_raw, point_from_raw, point_range_problem, range_problems, topology_problems, GeometryProblem, Malformation,
};
use crate::geometry::{geodesic_area, Crs, CrsTransformer};
use crate::model::{Building, Catalogue, District, Parcel, Park, PolicyCatalogue, PolicyError, SquareMetres, Zone, M2_PER_MU};

/// The file name of the industry catalogue in a data directory.
pub const CATALOGUE_FILE: &str = "industries.json";
/// The policy measures file of a data directory.
pub const POLICIES_FILE: &str = "policies.json";

/// The validation rules a store's rows were checked under: the release, and a number to
/// raise whenever a check is added or tightened between releases. A store stamped with
/// other rules is validated in full when it is next loaded.
pub const RULES: &str = concat!(env!("CARGO_PKG_VERSION"), "/1");

/// Declared and computed areas may differ by this share before a warning.
pub const AREA_TOLERANCE: f64 = 0.05;

/// The origin of a layer sent in a request body.
pub(crate) const REQUEST_BODY: &str = "the request body";

/// Where a layer came from, in Chinese; a path stays as it is.
fn origin_zh(origin: &str) -> String {
    if origin == REQUEST_BODY {
        return "请求正文".into();
    }
    origin.to_string()
}

/// The text of one layer file.
#[derive(Debug, Clone)]
pub struct LayerSource {
    /// Which layer it holds.
    pub layer: LayerName,
    /// Where it came from (a path), for messages.
    pub origin: String,
    /// The GeoJSON text.
    pub text: String,
}

/// How to treat errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Strict (the default): any error and nothing loads. Lenient: features with errors
    /// are left out and the rest loads.
    pub strict: bool,
    /// Skip the range and topology checks of a store's rows' geometries, validated when they
    /// were written and proven unchanged since (a file's features are always checked).
    pub trust_geometry: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { strict: true, trust_geometry: false }
    }
}

/// A loaded snapshot and the warnings (or, when lenient, errors) found on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The snapshot.
    pub snapshot: Snapshot,
    /// What was found.
    pub report: Report,
}

/// One feature's geometry after checks and transformation to WGS84.
enum Geometry {
    Area(MultiPolygon),
    Point(Point),
    /// A building's point with the footprint its `footprint` property gives.
    Located(Point, MultiPolygon),
}

struct Collector<'a> {
    report: &'a mut Report,
    layer: LayerName,
}

impl Collector<'_> {
    fn error(&mut self, feature: Option<FeatureRef>, field: Option<&str>, reason: impl Into<String>, reason_zh: impl Into<String>) {
        self.push(Severity::Error, feature, field, reason, reason_zh);
    }

    fn push(&mut self, severity: Severity, feature: Option<FeatureRef>, field: Option<&str>, reason: impl Into<String>, reason_zh: impl Into<String>) {
        self.report.push(Problem {
            severity,
            layer: self.layer,
            feature,
            field: field.map(str::to_string),
            reason: reason.into(),
            reason_zh: reason_zh.into(),
        });
    }

    fn field_error(&mut self, feature: Option<FeatureRef>, problem: FieldProblem) {
        self.error(feature, Some(&problem.field), problem.reason, problem.reason_zh);
    }
}

/// How a feature's geometry is read.
#[derive(Clone, Copy)]
struct Reading<'a> {
    crs: Crs,
    transformer: Option<&'a dyn CrsTransformer>,
    /// Buildings may be points; other layers are areas.
    points_ok: bool,
    /// Range and topology checks; off for a store's rows validated when they were written.
    checks: bool,
}

/// Checks and transforms a feature's geometry (`t` is the reading's transformer); points
/// are allowed only where `points_ok`.
fn geometry_of(shape: &Result<RawShape, GeometryProblem>, r: Reading, t: &dyn CrsTransformer, points_ok: bool) -> Result<Geometry, Vec<GeometryProblem>> {
    let expected = if points_ok { "Point, Polygon or MultiPolygon" } else { "Polygon or MultiPolygon" };
    match shape {
        Err(GeometryProblem::WrongType { found, .. }) => Err(vec![GeometryProblem::WrongType { found: found.clone(), expected }]),
        Err(problem) => Err(vec![problem.clone()]),
        Ok(RawShape::Point(_)) if !points_ok => {
            Err(vec![GeometryProblem::WrongType { found: "Point".into(), expected }])
        }
        Ok(RawShape::Point(position)) => {
            let c = point_from_raw(position).map_err(|p| vec![p])?;
            if let Some(p) = (r.checks && r.crs.is_geographic()).then(|| point_range_problem(c)).flatten() {
                return Err(vec![p]);
            }
            let w = t.to_wgs84(c).map_err(|e| vec![GeometryProblem::Transform(e)])?;
            checked_point(Point(w), r.checks)
        }
        Ok(RawShape::Polygons(polygons)) => {
            let raw = multipolygon_from_raw(polygons)?;
            if r.checks && r.crs.is_geographic() {
                let problems = range_problems(&raw);
                if !problems.is_empty() {
                    return Err(problems);
                }
            }
            let wgs = t.multipolygon_to_wgs84(&raw).map_err(|e| vec![GeometryProblem::Transform(e)])?;
            checked_area(wgs, r.checks)
        }
    }
}

/// A WGS84 point, range-checked when `checks`.
fn checked_point(p: Point, checks: bool) -> Result<Geometry, Vec<GeometryProblem>> {
    match point_range_problem(p.0).filter(|_| checks) {
        Some(problem) => Err(vec![problem]),
        None => Ok(Geometry::Point(p)),
    }
}

/// A WGS84 area, range- and topology-checked when `checks`.
fn checked_area(wgs: MultiPolygon, checks: bool) -> Result<Geometry, Vec<GeometryProblem>> {
    if !checks {
        return Ok(Geometry::Area(wgs));
    }
    let mut problems = range_problems(&wgs);
    if problems.is_empty() {
        problems = topology_problems(&wgs);
    }
    if problems.is_empty() {
        Ok(Geometry::Area(wgs))
    } else {
        Err(problems)
    }
}

/// A store row's geometry (WGS84, as kept), checked when the reading asks.
fn stored_geometry(given: Option<Result<geo::Geometry, String>>, r: Reading) -> Result<Geometry, Vec<GeometryProblem>> {
    let expected = if r.points_ok { "Point, Polygon or MultiPolygon" } else { "Polygon or MultiPolygon" };
    let wrong = |found: &str| Err(vec![GeometryProblem::WrongType { found: found.into(), expected }]);
    match given {
        None => Err(vec![GeometryProblem::Missing]),
        Some(Err(reason)) => Err(vec![GeometryProblem::Malformed(Malformation::Undecodable(reason))]),
        Some(Ok(geo::Geometry::MultiPolygon(m))) => checked_area(m, r.checks),
        Some(Ok(geo::Geometry::Polygon(p))) => checked_area(MultiPolygon(vec![p]), r.checks),
        Some(Ok(geo::Geometry::Point(p))) if r.points_ok => checked_point(p, r.checks),
        Some(Ok(geo::Geometry::Point(_))) => wrong("Point"),
        Some(Ok(other)) => wrong(geometry_kind(&other)),
    }
}

/// The GeoJSON type name of a geometry.
fn geometry_kind(g: &geo::Geometry) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "Point",
        geo::Geometry::Line(_) | geo::Geometry::LineString(_) => "LineString",
        geo::Geometry::Polygon(_) | geo::Geometry::Rect(_) | geo::Geometry::Triangle(_) => "Polygon",
        geo::Geometry::MultiPoint(_) => "MultiPoint",
        geo::Geometry::MultiLineString(_) => "MultiLineString",
        geo::Geometry::MultiPolygon(_) => "MultiPolygon",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

/// Decoded features of one layer, before the join.
struct Decoded<T> {
    items: Vec<T>,
    refs: Vec<(GivenRefs, FeatureRef)>,
}

impl<T> Default for Decoded<T> {
    fn default() -> Self {
        Decoded { items: Vec::new(), refs: Vec::new() }
    }
}

/// A problem noted while decoding one feature.
type Note = (Severity, FieldProblem);

/// What one feature gave.
struct Outcome<T> {
    feature: FeatureRef,
    item: Option<(T, GivenRefs)>,
    notes: Vec<Note>,
}

/// Builds a model value from checked properties and geometry, noting warnings.
trait DecodeFn<T>: Fn(&mut Fields, &str, Geometry, &mut Vec<Note>) -> Option<(T, GivenRefs)> + Sync {}
impl<T, F: Fn(&mut Fields, &str, Geometry, &mut Vec<Note>) -> Option<(T, GivenRefs)> + Sync> DecodeFn<T> for F {}

/// A feature's id, properties and geometry, as its source gives them.
struct Given {
    index: usize,
    id: Option<String>,
    properties: Properties,
    shape: GivenShape,
}

/// A feature's geometry as its source gives it.
enum GivenShape {
    /// GeoJSON coordinates, parsed but not checked.
    Raw(Result<RawShape, GeometryProblem>),
    /// A store row's geometry (WGS84).
    Stored(Option<Result<geo::Geometry, String>>),
}

/// Reads the GeoJSON feature at `index` and decodes it.
fn decode_json<T>(index: usize, raw: &serde_json::value::RawValue, r: Reading, catalogue: &Catalogue, texts: &SharedTexts, decode: &impl DecodeFn<T>) -> Outcome<T> {
    match parse_feature(index, raw) {
        Ok(f) => decode_one(Given { index, id: f.id, properties: Properties::Object(f.properties), shape: GivenShape::Raw(f.shape) }, r, catalogue, texts, decode),
        Err(bad) => Outcome {
            feature: FeatureRef { index, id: bad.id },
            item: None,
            notes: vec![(Severity::Error, FieldProblem::new(bad.field, bad.reason, bad.reason_zh))],
        },
    }
}

fn decode_one<T>(given: Given, r: Reading, catalogue: &Catalogue, texts: &SharedTexts, decode: &impl DecodeFn<T>) -> Outcome<T> {
    let error = |field: &str, reason: String, reason_zh: String| (Severity::Error, FieldProblem::new(field, reason, reason_zh));
    let Given { index, id, mut properties, shape } = given;
    let feature = FeatureRef { index, id: id.clone() };
    let mut notes = Vec::new();
    if id.is_none() {
        notes.push(error(
            "id",
            "feature has no id (neither the GeoJSON id member nor properties.id)".into(),
            "要素没有 id（GeoJSON 的 id 成员和 properties.id 都没有）".into(),
        ));
    }
    let footprint = if r.points_ok { properties.remove(FOOTPRINT).filter(|v| !v.is_null()) } else { None };
    let geometry = match (shape, r.transformer) {
        (GivenShape::Stored(g), _) => stored_geometry(g, r),
        (GivenShape::Raw(_), None) => Err(vec![GeometryProblem::NoTransformation { crs: r.crs.to_string() }]),
        (GivenShape::Raw(s), Some(t)) => geometry_of(&s, r, t, r.points_ok),
    };
    let mut geometry = geometry.map_err(|problems| notes.extend(problems.iter().map(|p| error("geometry", p.to_string(), p.zh())))).ok();
    if let (Some(given), Some(t)) = (footprint, r.transformer) {
        geometry = match geometry {
            Some(Geometry::Point(p)) => match parse_geometry(&given).and_then(|shape| geometry_of(&Ok(shape), r, t, false)) {
                Ok(Geometry::Area(area)) => Some(Geometry::Located(p, area)),
                Ok(_) => None,
                Err(problems) => {
                    notes.extend(problems.iter().map(|p| error(FOOTPRINT, p.to_string(), p.zh())));
                    None
                }
            },
            Some(_) => {
                notes.push(error(
                    FOOTPRINT,
                    "is given beside a polygon geometry: give the building's point as the geometry, or the footprint alone".into(),
                    "与面状几何同时给出：请把建筑的点作为几何，或只给占地轮廓".into(),
                ));
                None
            }
            None => None,
        };
    }
    let valid = id.is_some() && geometry.is_some();
    // properties are decoded even when the id or geometry failed, so every problem is reported;
    // then the item and any warnings about the stand-in geometry are dropped
    let stand_in = || if r.points_ok { Geometry::Point(Point(geo::Coord::zero())) } else { Geometry::Area(MultiPolygon(vec![])) };
    let mut fields = Fields::new(&properties, catalogue, texts);
    fields.validated = !r.checks;
    let mut decode_notes = Vec::new();
    let item = decode(&mut fields, id.as_deref().unwrap_or_default(), geometry.unwrap_or_else(stand_in), &mut decode_notes);
    if valid {
        notes.extend(decode_notes);
    }
    notes.extend(fields.problems.drain(..).map(|problem| (Severity::Error, problem)));
    Outcome { feature, item: item.filter(|_| valid), notes }
}

/// One feature of a store's layer: its properties (with `id`), its geometry as kept (WGS84)
/// and its version.
pub struct StoredFeature {
    /// The properties.
    pub properties: Properties,
    /// The geometry (none when the row has none), or why it could not be decoded.
    pub geometry: Option<Result<geo::Geometry, String>>,
    /// The row's version.
    pub version: u64,
}

/// A store's layer, read a chunk of rows at a time so that only one chunk of raw rows is
/// held at once.
pub struct StoredLayer<'a> {
    /// Which layer it holds.
    pub layer: LayerName,
    /// Where it is kept, for messages.
    pub origin: String,
    /// How many rows it holds (for progress and to size the layer).
    pub rows: usize,
    /// Its rows in chunks, in table order; an error stops the layer with its reason.
    pub chunks: Box<dyn Iterator<Item = Result<Vec<StoredFeature>, String>> + 'a>,
}

/// Where one layer's features come from.
pub enum Input<'a> {
    /// A GeoJSON file.
    Text(&'a LayerSource),
    /// A store's rows.
    Stored(StoredLayer<'a>),
}

impl Input<'_> {
    fn layer(&self) -> LayerName {
        match self {
            Input::Text(s) => s.layer,
            Input::Stored(s) => s.layer,
        }
    }

    fn origin(&self) -> &str {
        match self {
            Input::Text(s) => &s.origin,
            Input::Stored(s) => &s.origin,
        }
    }
}

/// The version a store row carries into its model value (places have none).
trait Versioned {
    fn set_version(&mut self, _version: u64) {}
}
impl Versioned for District {}
impl Versioned for Park {}
impl Versioned for Zone {}
impl Versioned for Parcel {
    fn set_version(&mut self, version: u64) {
        self.version = version;
    }
}
impl Versioned for Building {
    fn set_version(&mut self, version: u64) {
        self.version = version;
    }
}

/// Decodes one store row, the `index`th of its table.
fn decode_row<T: Versioned>(index: usize, row: StoredFeature, points_ok: bool, checks: bool, catalogue: &Catalogue, texts: &SharedTexts, decode: &impl DecodeFn<T>) -> Outcome<T> {
    let transformer = Crs::Crs84.thread_transformer().ok();
    let r = Reading { crs: Crs::Crs84, transformer: transformer.as_deref(), points_ok, checks };
    let id = row.properties.get("id").and_then(id_text);
    let given = Given { index, id, properties: row.properties, shape: GivenShape::Stored(row.geometry) };
    let mut outcome = decode_one(given, r, catalogue, texts, decode);
    if let Some((item, _)) = &mut outcome.item {
        item.set_version(row.version);
    }
    outcome
}

/// Parses, checks and decodes every source of one layer, features in parallel (a store's
/// rows without the geometry checks when `trust`); `decode` builds the model value.
fn decode_layer<T: Send + Versioned>(
    layer: LayerName,
    trust: bool,
    inputs: Vec<Input>,
    catalogue: &Catalogue,
    report: &mut Report,
    progress: &dyn Progress,
    decode: impl DecodeFn<T>,
) -> Decoded<T> {
    let mut out = Decoded::default();
    let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
    // a store's one table keeps its ids unique itself (a UNIQUE column)
    let unique_ids = matches!(inputs.as_slice(), [Input::Stored(_)]);
    let origins: Vec<String> = inputs.iter().map(|i| i.origin().to_string()).collect();
    let mut c = Collector { report, layer };
    let points_ok = layer == LayerName::Buildings;
    let texts = SharedTexts::default();
    for (file, input) in inputs.into_iter().enumerate() {
        let origin = &origins[file];
        if let Input::Stored(stored) = &input {
            out.items.reserve(stored.rows);
            out.refs.reserve(stored.rows);
        }
        let mut absorb = |outcomes: Vec<Outcome<T>>, c: &mut Collector| {
            for outcome in outcomes {
                let mut item = outcome.item;
                if let Some(id) = outcome.feature.id.as_ref().filter(|_| !unique_ids) {
                    if let Some(&(first_file, first)) = seen.get(id) {
                        let (place, place_zh) = if first_file == file {
                            (String::new(), String::new())
                        } else {
                            (format!(" of {}", origins[first_file]), format!("{} 中", origin_zh(&origins[first_file])))
                        };
                        let reason = format!("duplicate id '{id}' (first used by feature #{first}{place})");
                        c.error(Some(outcome.feature.clone()), Some("id"), reason, format!("id '{id}' 重复（{place_zh}要素 #{first} 已在用）"));
                        item = None;
                    } else {
                        seen.insert(id.clone(), (file, outcome.feature.index));
                    }
                }
                for (severity, problem) in outcome.notes {
                    c.push(severity, Some(outcome.feature.clone()), Some(&problem.field), problem.reason, problem.reason_zh);
                }
                if let Some((value, refs)) = item {
                    out.items.push(value);
                    out.refs.push((refs, outcome.feature));
                }
            }
        };
        match input {
            Input::Text(source) => {
                let parsed = match parse_collection(&source.text) {
                    Ok(p) => p,
                    Err(reason) => {
                        c.error(None, None, format!("{origin}: {reason}"), format!("{}：{}", origin_zh(origin), reason.reason_zh));
                        continue;
                    }
                };
                let crs = parsed.crs;
                if let Err(e) = crs.transformer() {
                    c.error(None, Some("crs"), format!("{origin}: {e}"), format!("{}：{}", origin_zh(origin), e.zh()));
                    continue;
                }
                progress.begin(&format!("{layer} ({origin})"), parsed.features.len() as u64);
                let outcomes: Vec<Outcome<T>> = parsed
                    .features
                    .par_iter()
                    .enumerate()
                    .map(|(index, raw)| {
                        if index % 1024 == 1023 {
                            progress.advance(1024);
                        }
                        let transformer = crs.thread_transformer().ok();
                        // a file's features are always checked
                        let r = Reading { crs, transformer: transformer.as_deref(), points_ok, checks: true };
                        decode_json(index, raw, r, catalogue, &texts, &decode)
                    })
                    .collect();
                absorb(outcomes, &mut c);
            }
            Input::Stored(stored) => {
                progress.begin(&format!("{layer} ({origin})"), stored.rows as u64);
                // this thread reads the next chunk while the pool decodes the last one
                std::thread::scope(|scope| {
                    let (send, chunks) = std::sync::mpsc::sync_channel::<Result<Vec<StoredFeature>, String>>(1);
                    let (decode, texts) = (&decode, &texts);
                    let c = &mut c;
                    scope.spawn(move || {
                        let mut index = 0;
                        for chunk in chunks {
                            let rows = match chunk {
                                Ok(rows) => rows,
                                Err(reason) => {
                                    c.error(None, None, format!("{origin}: {reason}"), format!("{}：{reason}", origin_zh(origin)));
                                    break;
                                }
                            };
                            let first = index;
                            index += rows.len();
                            let outcomes: Vec<Outcome<T>> = rows.into_par_iter().enumerate().map(|(n, row)| decode_row(first + n, row, points_ok, !trust, catalogue, texts, decode)).collect();
                            progress.advance((index - first) as u64);
                            absorb(outcomes, c);
                        }
                    });
                    for chunk in stored.chunks {
                        let failed = chunk.is_err();
                        // the decoder stops only on a failed chunk, after which nothing is sent
                        if send.send(chunk).is_err() || failed {
                            break;
                        }
                    }
                });
            }
        }
        progress.end();
    }
    out
}

fn area_of(g: Geometry) -> Option<MultiPolygon> {
    match g {
        Geometry::Area(a) => Some(a),
        Geometry::Point(_) | Geometry::Located(..) => None,
    }
}

/// The most districts, parks or zones one inventory may hold.
pub const MAX_PLACES: usize = 30_000;

/// Loads layer sources into a snapshot. In strict mode any error fails the whole load with
/// the full report; otherwise bad features are left out and reported.
pub fn load(sources: &[LayerSource], catalogue: Arc<Catalogue>, options: LoadOptions, progress: &dyn Progress) -> Result<Loaded, InventoryError> {
    load_inputs(sources.iter().map(Input::Text).collect(), catalogue, options, progress)
}

/// Takes the inputs of one layer out of `inputs`, in their order.
fn take_layer<'a>(inputs: &mut Vec<Input<'a>>, layer: LayerName) -> Vec<Input<'a>> {
    let (of, rest) = std::mem::take(inputs).into_iter().partition(|i| i.layer() == layer);
    *inputs = rest;
    of
}

/// Loads inputs (files or a store's rows) into a snapshot, as [`load`] does.
pub fn load_inputs(mut inputs: Vec<Input>, catalogue: Arc<Catalogue>, options: LoadOptions, progress: &dyn Progress) -> Result<Loaded, InventoryError> {
    let mut report = Report::default();
    let cat = catalogue.as_ref();
    let trust = options.trust_geometry;

    let of = take_layer(&mut inputs, LayerName::Districts);
    let districts = decode_layer(LayerName::Districts, trust, of, cat, &mut report, progress, |f, id, g, _| {
        decode::district(f, id, area_of(g)?).map(|d| (d, GivenRefs::default()))
    });
    let of = take_layer(&mut inputs, LayerName::Parks);
    let parks = decode_layer(LayerName::Parks, trust, of, cat, &mut report, progress, |f, id, g, _| {
        decode::park(f, id, area_of(g)?).map(|p| (p, GivenRefs::default()))
    });
    let of = take_layer(&mut inputs, LayerName::Zones);
    let zones = decode_layer(LayerName::Zones, trust, of, cat, &mut report, progress, |f, id, g, _| {
        decode::zone(f, id, area_of(g)?).map(|z| (z, GivenRefs::default()))
    });
    // the matcher keeps places as 16-bit positions
    for (layer, count) in [(LayerName::Districts, districts.items.len()), (LayerName::Parks, parks.items.len()), (LayerName::Zones, zones.items.len())] {
        if count > MAX_PLACES {
            let reason = format!("{count} features: at most {MAX_PLACES} per layer of places");
            let reason_zh = format!("{count} 个要素：区、园区、园中园每个图层至多 {MAX_PLACES} 个");
            Collector { report: &mut report, layer }.error(None, None, reason, reason_zh);
        }
    }
    let mut snapshot = Snapshot { catalogue: catalogue.clone(), districts: Layer::prepared(districts.items), ..Snapshot::default() };

    let mut c = Collector { report: &mut report, layer: LayerName::Parks };
    let parks: Vec<Park> = keep_valid(parks, &mut c, |p: &Park| {
        let reason = || FieldProblem::new("district", format!("district '{}' does not exist", p.district), format!("区 '{}' 不存在", p.district));
        snapshot.districts.get(&p.district).is_none().then(reason)
    });
    snapshot.parks = Layer::prepared(parks);
    let mut c = Collector { report: &mut report, layer: LayerName::Zones };
    let zones: Vec<Zone> = keep_valid(zones, &mut c, |z: &Zone| {
        let reason = || FieldProblem::new("park", format!("park '{}' does not exist", z.park), format!("园区 '{}' 不存在", z.park));
        snapshot.parks.get(&z.park).is_none().then(reason)
    });
    snapshot.zones = Layer::prepared(zones);

    let (parcels, buildings) = decode_space_inputs(&snapshot, inputs, trust, &mut report, progress);
    if options.strict && report.has_errors() {
        return Err(InventoryError::Invalid(report));
    }
    progress.begin("indexing", 2);
    (snapshot.parcels, snapshot.buildings) = rayon::join(|| Layer::new(parcels), || Layer::new(buildings));
    progress.end();
    Ok(Loaded { snapshot, report })
}

/// Decodes the parcel and building sources among `sources` and joins them to the places of
/// `snapshot` (its districts, parks and zones), reporting every problem.
pub fn decode_spaces(snapshot: &Snapshot, sources: &[LayerSource], report: &mut Report, progress: &dyn Progress) -> (Vec<Parcel>, Vec<Building>) {
    decode_space_inputs(snapshot, sources.iter().map(Input::Text).collect(), false, report, progress)
}

/// Whether a layer is looked at as a whole again (the datum hint): always, but when every
/// input of the layer is a store's rows and `trust` says they were validated (see
/// [`LoadOptions::trust_geometry`]).
fn checked(trust: bool, inputs: &[Input]) -> bool {
    !(trust && inputs.iter().all(|i| matches!(i, Input::Stored(_))))
}

/// [`decode_spaces`] over inputs; `trust` as [`LoadOptions::trust_geometry`].
fn decode_space_inputs(snapshot: &Snapshot, mut inputs: Vec<Input>, trust: bool, report: &mut Report, progress: &dyn Progress) -> (Vec<Parcel>, Vec<Building>) {
    let cat = snapshot.catalogue.as_ref();
    let of = take_layer(&mut inputs, LayerName::Parcels);
    let check_parcels = checked(trust, &of);
    let parcels = decode_layer(LayerName::Parcels, trust, of, cat, report, progress, |f, id, g, notes| {
        let area = area_of(g)?;
        // a validated row's area was worked out from this very geometry when it was written
        let computed = f.peek_number("area_m2").filter(|_| f.validated).map_or_else(|| parcel_area(&area), SquareMetres);
        let (parcel, refs, declared) = decode::parcel(f, id, area, computed)?;
        warn_on_declared_area(notes, computed, declared);
        Some((parcel, refs))
    });
    let of = take_layer(&mut inputs, LayerName::Buildings);
    let check_buildings = checked(trust, &of);
    let buildings = decode_layer(LayerName::Buildings, trust, of, cat, report, progress, |f, id, g, notes| {
        let (location, footprint) = match g {
            Geometry::Point(p) => (p, None),
            Geometry::Located(p, footprint) => (p, Some(footprint)),
            Geometry::Area(a) => match a.interior_point() {
                Some(p) => (p, Some(a)),
                None => {
                    notes.push((Severity::Error, FieldProblem::new("geometry", "the footprint has no interior point", "占地轮廓没有内点")));
                    return None;
                }
            },
        };
        decode::building(f, id, location, footprint)
    });

    // a datum hint was given when the rows were validated; a store's rows are WGS84
    let parcel_points = || parcels.items.iter().zip(&parcels.refs).filter_map(|(p, (given, _))| Some((p.geometry.interior_point()?.0, given))).collect::<Vec<(Coord, &GivenRefs)>>();
    let building_points = || buildings.items.iter().zip(&buildings.refs).map(|(b, (given, _))| (b.location.0, given)).collect::<Vec<(Coord, &GivenRefs)>>();
    let hints = [(LayerName::Parcels, check_parcels.then(parcel_points)), (LayerName::Buildings, check_buildings.then(building_points))];
    for (layer, points) in hints {
        if let Some(hint) = points.and_then(|points| super::datum::likely_datum(snapshot, &points)) {
            Collector { report: &mut *report, layer }.push(Severity::Warning, None, Some("crs"), hint.message(), hint.message_zh());
        }
    }
    progress.begin("spatial join", (parcels.items.len() + buildings.items.len()) as u64);
    let mut c = Collector { report: &mut *report, layer: LayerName::Parcels };
    let parcels: Vec<Parcel> = join_layer(parcels, &mut c, progress, |p: &mut Parcel, given| {
        let r = resolve(snapshot, given, &Locus::Area(&p.geometry))?;
        (p.district, p.park, p.zone) = (r.district, r.park, r.zone);
        Ok(())
    });
    let mut c = Collector { report: &mut *report, layer: LayerName::Buildings };
    let buildings: Vec<Building> = join_layer(buildings, &mut c, progress, |b: &mut Building, given| {
        let locus = match &b.footprint {
            Some(f) => Locus::Area(f),
            None => Locus::Point(b.location.0),
        };
        let r = resolve(snapshot, given, &locus)?;
        (b.district, b.park, b.zone) = (r.district, r.park, r.zone);
        Ok(())
    });
    progress.end();

    (parcels, buildings)
}

/// Keeps the items `check` finds nothing wrong with, reporting the others.
fn keep_valid<T>(decoded: Decoded<T>, c: &mut Collector, check: impl Fn(&T) -> Option<FieldProblem>) -> Vec<T> {
    let mut kept = Vec::with_capacity(decoded.items.len());
    for (item, (_, fref)) in decoded.items.into_iter().zip(decoded.refs) {
        match check(&item) {
            Some(problem) => c.field_error(Some(fref), problem),
            None => kept.push(item),
        }
    }
    kept
}

type JoinResult = Result<(), Vec<FieldProblem>>;

/// Joins every item (in parallel: each join reads the places only), keeping those that
/// join and reporting the others' problems in item order.
fn join_layer<T: Send>(
    decoded: Decoded<T>,
    c: &mut Collector,
    progress: &dyn Progress,
    join: impl Fn(&mut T, &GivenRefs) -> JoinResult + Sync,
) -> Vec<T> {
    let mut items = decoded.items;
    let verdicts: Vec<JoinResult> = items
        .par_iter_mut()
        .zip(&decoded.refs)
        .enumerate()
        .map(|(n, (item, (given, _)))| {
            if n % 1024 == 1023 {
                progress.advance(1024);
            }
            join(item, given)
        })
        .collect();
    if verdicts.iter().all(Result::is_ok) {
        return items;
    }
    let mut kept = Vec::with_capacity(items.len());
    for ((item, (_, fref)), verdict) in items.into_iter().zip(decoded.refs).zip(verdicts) {
        match verdict {
            Ok(()) => kept.push(item),
            Err(problems) => {
                for problem in problems {
                    c.field_error(Some(fref.clone()), problem);
                }
            }
        }
    }
    kept
}

/// A parcel's geodesic area to the hundredth of a square metre, as the store keeps it, so
/// that a restart reads back exactly the area a first start worked out.
fn parcel_area(area: &MultiPolygon) -> SquareMetres {
    SquareMetres((geodesic_area(area).0 * 100.0).round() / 100.0)
}

fn warn_on_declared_area(notes: &mut Vec<Note>, computed: SquareMetres, declared: decode::DeclaredArea) {
    let computed_mu = computed.0 / M2_PER_MU;
    let checks = [("area_m2", declared.m2, computed.0, "m²"), ("area_mu", declared.mu, computed_mu, "亩")];
    for (field, given, actual, unit) in checks {
        let Some(given) = given else { continue };
        let off = if actual > 0.0 { (given - actual).abs() / actual } else { f64::INFINITY };
        if off > AREA_TOLERANCE {
            let reason =
                format!("declared {given:.2} {unit} differs from the computed {actual:.2} {unit} by {:.1}%", off * 100.0);
            let reason_zh = format!("申报面积 {given:.2} {unit} 与按几何算出的 {actual:.2} {unit} 相差 {:.1}%", off * 100.0);
            notes.push((Severity::Warning, FieldProblem::new(field, reason, reason_zh)));
        }
    }
}

/// Reads the layer files and the catalogue of a data directory: `districts.geojson`,
/// `parks.geojson`, `zones.geojson`, `parcels.geojson`, `buildings.geojson` (each optional
/// but districts) and `industries.json`.
pub fn read_dir(dir: &Path) -> Result<(Vec<LayerSource>, Catalogue), InventoryError> {
    let read = |path: PathBuf| std::fs::read_to_string(&path).map_err(|source| InventoryError::Io { path, source });
    let catalogue = Catalogue::from_json(&read(dir.join(CATALOGUE_FILE))?)?;
    let files: Vec<(LayerName, PathBuf)> = LayerName::ALL
        .into_iter()
        .map(|layer| (layer, dir.join(format!("{layer}.geojson"))))
        .filter(|(layer, path)| *layer == LayerName::Districts || path.exists())
        .collect();
    // side by side: reading a large file is mostly the kernel handing out fresh memory
    let sources = files
        .into_par_iter()
        .map(|(layer, path)| Ok(LayerSource { layer, origin: path.display().to_string(), text: read(path)? }))
        .collect::<Result<Vec<_>, InventoryError>>()?;
    Ok((sources, catalogue))
}

/// Reads the policy measures of a data directory (`policies.json`; none if absent) and
/// checks that the districts and parks they name exist in `snapshot`.
pub fn read_policies(dir: &Path, snapshot: &Snapshot) -> Result<PolicyCatalogue, InventoryError> {
    let path = dir.join(POLICIES_FILE);
    if !path.exists() {
        return Ok(PolicyCatalogue::default());
    }
    let text = std::fs::read_to_string(&path).map_err(|source| InventoryError::Io { path: path.clone(), source })?;
    check_policies(&text, snapshot)
}

/// Reads policy measures from text and checks that the districts and parks they name exist
/// in `snapshot`.
pub fn check_policies(text: &str, snapshot: &Snapshot) -> Result<PolicyCatalogue, InventoryError> {
    let policies = PolicyCatalogue::from_json(text, &snapshot.catalogue)?;
    for m in &policies.measures {
        let districts = m.district.iter().chain(m.areas.iter().filter_map(|a| a.district.as_ref()));
        let parks = m.park.iter().chain(m.areas.iter().flat_map(|a| &a.parks));
        let zones = m.areas.iter().flat_map(|a| &a.zones);
        let unknown_district = districts.into_iter().find(|d| snapshot.districts.get(d).is_none());
        let unknown_park = parks.into_iter().find(|p| snapshot.parks.get(p).is_none());
        let unknown_zone = zones.into_iter().find(|z| snapshot.zones.get(z).is_none());
        if let Some(missing) = unknown_district.or(unknown_park).or(unknown_zone) {
            let reason = format!("names '{missing}', which is not a district, park or 园中园 of the inventory");
            let reason_zh = format!("所指的 '{missing}' 不是库存中的区、园区或园中园");
            return Err(PolicyError::Measure { id: m.id.clone(), reason, reason_zh }.into());
        }
    }
    Ok(policies)
}

/// Reads and loads a data directory, with its policy measures.
pub fn load_dir(dir: &Path, options: LoadOptions, progress: &dyn Progress) -> Result<Loaded, InventoryError> {
    let (sources, catalogue) = read_dir(dir)?;
    let mut loaded = load(&sources, Arc::new(catalogue), options, progress)?;
    loaded.snapshot.policies = Arc::new(read_policies(dir, &loaded.snapshot)?);
    Ok(loaded)
}

/// Loads a data directory strictly and quietly (tests, tools).
pub fn load_dir_strict(dir: &Path) -> Result<Loaded, InventoryError> {
    load_dir(dir, LoadOptions::default(), &NoProgress)
}

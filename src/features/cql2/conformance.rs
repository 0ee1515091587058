//! The abstract test suite of OGC CQL2 (OGC 21-065r2, Annex A) for every class `/conformance`
//! claims, on small fixtures shaped like the ATS's Natural Earth collections.
//!
//! The ATS counts are for the real data; these fixtures are smaller, so every expected id set
//! is worked out by hand for the fixture below. `{queryable}` templates are instantiated with
//! the fixture's queryables. The rivers collection is left out: `Item::shape` has areas and
//! points only (no collection of ours has lines). Expressions are as the ATS writes them
//! (read in the standard's source, opengeospatial/ogcapi-features `cql2/standard/annex_ats_*`),
//! each table naming its test; `known_deviations_from_the_ats` lists those we do not pass.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use geo::{Coord, LineString, MultiPolygon, Point, Polygon};

use super::{parse, Item, PropertyId, Schema, Type, Value};
use crate::inventory::Shape;

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/// A fixture collection: queryables by name and type, and features.
struct Collection {
    queryables: &'static [(&'static str, Type)],
    features: Vec<Feature>,
}

/// One feature: one value per queryable (the geometry's slot is unused), and its shape.
struct Feature {
    id: &'static str,
    values: Vec<Value<'static>>,
    geom: Geom,
}

enum Geom {
    Area(MultiPolygon),
    Point(Point),
}

impl Schema for Collection {
    fn property(&self, name: &str) -> Option<(PropertyId, Type)> {
        let i = self.queryables.iter().position(|(n, _)| *n == name)?;
        Some((PropertyId(i as u16), self.queryables[i].1))
    }
}

impl Item for Feature {
    fn value(&self, property: PropertyId) -> Value<'_> {
        self.values
            .get(property.0 as usize)
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn shape(&self) -> Shape<'_> {
        match &self.geom {
            Geom::Area(a) => Shape::Area(a),
            Geom::Point(p) => Shape::Point(*p),
        }
    }
}

/// Polygons from rings written without their closing point.
fn area(parts: &[&[(f64, f64)]]) -> Geom {
    let ring = |r: &[(f64, f64)]| {
        let mut coords: Vec<Coord> = r.iter().map(|&(x, y)| Coord { x, y }).collect();
        coords.push(coords[0]);
        LineString(coords)
    };
    Geom::Area(MultiPolygon(
        parts
            .iter()
            .map(|r| Polygon::new(ring(r), Vec::new()))
            .collect(),
    ))
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> [(f64, f64); 4] {
    [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
}

/// Luxembourg's outline as the ATS's S_TOUCHES tests write it; its neighbours share its
/// vertices exactly, as in the dataset, so touching is decided on equal coordinates.
const LUX: [(f64, f64); 6] = [
    (6.043073357781111, 50.128051662794235),
    (6.242751092156993, 49.90222565367873),
    (6.186320428094177, 49.463802802114515),
    (5.897759230176348, 49.44266714130711),
    (5.674051954784829, 49.529483547557504),
    (5.782417433300907, 50.09032786722122),
];

/// `ne_110m_admin_0_countries`: NAME, POP_EST and geom, for twelve (multi)polygons.
///
/// Germany lies east of Luxembourg's vertices 0-1-2, France south of 2-3-4 (and meets
/// Germany on (7.5, 47.5)-vertex 2), Belgium west of 4-5-0; Belgium meets France and
/// Germany in one point each. Fiji straddles the antimeridian; "Hole Island" is ours, inside
/// the hole of the ATS's polygon, and has no POP_EST.
fn countries() -> Collection {
    let [v0, v1, v2, v3, v4, v5] = LUX;
    let country = |id, name, pop: Option<f64>, geom| Feature {
        id,
        values: vec![Value::Text(name), pop.map_or(Value::Null, Value::Number)],
        geom,
    };
    Collection {
        queryables: &[
            ("NAME", Type::Text),
            ("POP_EST", Type::Number),
            ("geom", Type::Geometry),
        ],
        features: vec![
            country("LUX", "Luxembourg", Some(619_896.0), area(&[&LUX])),
            country(
                "DEU",
                "Germany",
                Some(83_132_799.0),
                area(&[&[
                    v0,
                    (6.0, 55.0),
                    (15.0, 55.0),
                    (15.0, 47.5),
                    (7.5, 47.5),
                    v2,
                    v1,
                ]]),
            ),
            country(
                "FRA",
                "France",
                Some(67_059_887.0),
                area(&[&[
                    v4,
                    v3,
                    v2,
                    (7.5, 47.5),
                    (7.5, 42.5),
                    (-1.5, 43.5),
                    (-1.5, 49.0),
                ]]),
            ),
            country(
                "BEL",
                "Belgium",
                Some(11_484_055.0),
                area(&[&[v4, v5, v0, (6.0, 51.5), (2.5, 51.5), (2.5, 49.35)]]),
            ),
            country(
                "FJI",
                "Fiji",
                Some(889_953.0),
                area(&[
                    &rect(177.0, -18.5, 179.5, -16.0),
                    &rect(-180.0, -17.0, -179.5, -16.0),
                ]),
            ),
            country(
                "NZL",
                "New Zealand",
                Some(4_917_000.0),
                area(&[&rect(166.5, -46.5, 178.5, -34.5)]),
            ),
            country(
                "ARG",
                "Argentina",
                Some(44_938_712.0),
                area(&[&rect(-73.5, -55.0, -53.5, -22.0)]),
            ),
            country(
                "CAN",
                "Canada",
                Some(37_589_262.0),
                area(&[&rect(-141.0, 49.0, -52.6, 83.0)]),
            ),
            country(
                "USA",
                "United States of America",
                Some(328_239_523.0),
                area(&[
                    &rect(-125.0, 25.0, -67.0, 49.0),
                    &rect(-168.0, 54.0, -141.0, 71.5),
                ]),
            ),
            country(
                "GAB",
                "Gabon",
                Some(2_172_579.0),
                area(&[&rect(8.7, -3.9, 14.5, 2.3)]),
            ),
            country(
                "ATA",
                "Antarctica",
                Some(4_490.0),
                area(&[&rect(-180.0, -90.0, 180.0, -63.0)]),
            ),
            country(
                "HOL",
                "Hole Island",
                None,
                area(&[&rect(-115.0, -47.0, -105.0, -43.0)]),
            ),
        ],
    }
}

fn date(s: &str) -> Value<'static> {
    Value::Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

fn timestamp(s: &str) -> Value<'static> {
    Value::Timestamp(chrono::DateTime::parse_from_rfc3339(s).unwrap().into())
}

fn place(id: &'static str, (x, y): (f64, f64), values: [Value<'static>; 6]) -> Feature {
    Feature {
        id,
        values: values.into(),
        geom: Geom::Point(Point::new(x, y)),
    }
}

/// `ne_110m_populated_places_simple`: name, pop_other, "date", start, boolean, plus a text
/// list `tags` of ours for the array functions, and geom.
///
/// As in the dataset, only København, Berlin and Athens have a date, start and boolean.
/// Vaduz has no pop_other, the place at (0, 45) no name.
fn places() -> Collection {
    use Value::{Bool, Null, Number as N, Text as T};
    let tags = |t: &'static [&'static str]| Value::List(t.to_vec());
    Collection {
        queryables: &[
            ("name", Type::Text),
            ("pop_other", Type::Number),
            ("date", Type::Date),
            ("start", Type::Timestamp),
            ("boolean", Type::Bool),
            ("tags", Type::TextList),
            ("geom", Type::Geometry),
        ],
        features: vec![
            place(
                "kobenhavn",
                (12.5615405, 55.6805331),
                [
                    T("København"),
                    N(1_038_288.0),
                    date("2021-04-16"),
                    timestamp("2021-04-16T10:15:59Z"),
                    Bool(true),
                    tags(&["foo", "bar"]),
                ],
            ),
            place(
                "berlin",
                (13.3996027, 52.5237645),
                [
                    T("Berlin"),
                    N(3_013_258.0),
                    date("2023-04-16"),
                    timestamp("2022-04-16T10:13:19Z"),
                    Bool(true),
                    tags(&["foo"]),
                ],
            ),
            place(
                "athens",
                (23.7313752, 37.9852721),
                [
                    T("Athens"),
                    N(112_572.0),
                    date("2022-04-16"),
                    timestamp("2022-04-16T10:15:10Z"),
                    Bool(false),
                    tags(&["foo", "bar", "baz"]),
                ],
            ),
            place(
                "luxembourg",
                (6.1300028, 49.6116604),
                [T("Luxembourg"), N(445_643.0), Null, Null, Null, Null],
            ),
            place(
                "bern",
                (7.4669755, 46.9166828),
                [T("Bern"), N(128_220.0), Null, Null, Null, tags(&[])],
            ),
            place(
                "paris",
                (2.3508309, 48.8566858),
                [T("Paris"), N(9_591_000.0), Null, Null, Null, tags(&["baz"])],
            ),
            place(
                "kiev",
                (30.5146821, 50.4353132),
                [T("Kiev"), N(2_709_000.0), Null, Null, Null, Null],
            ),
            place(
                "brussels",
                (4.3313707, 50.8352629),
                [T("Brussels"), N(1_611_692.0), Null, Null, Null, Null],
            ),
            place(
                "buenos_aires",
                (-58.3994722, -34.6005557),
                [T("Buenos Aires"), N(12_000_000.0), Null, Null, Null, Null],
            ),
            place(
                "vaduz",
                (9.5166695, 47.1337238),
                [T("Vaduz"), Null, Null, Null, Null, Null],
            ),
            place(
                "ndjamena",
                (15.0472025, 12.1130424),
                [T("N'Djamena"), N(681_387.0), Null, Null, Null, Null],
            ),
            place(
                "unnamed",
                (0.0, 45.0),
                [Null, N(2_000_000.0), Null, Null, Null, Null],
            ),
        ],
    }
}

const ALL_COUNTRIES: &[&str] = &[
    "LUX", "DEU", "FRA", "BEL", "FJI", "NZL", "ARG", "CAN", "USA", "GAB", "ATA", "HOL",
];
const ALL_PLACES: &[&str] = &[
    "kobenhavn",
    "berlin",
    "athens",
    "luxembourg",
    "bern",
    "paris",
    "kiev",
    "brussels",
    "buenos_aires",
    "vaduz",
    "ndjamena",
    "unnamed",
];
/// Every place but the unnamed one.
const NAMED: &[&str] = &[
    "kobenhavn",
    "berlin",
    "athens",
    "luxembourg",
    "bern",
    "paris",
    "kiev",
    "brussels",
    "buenos_aires",
    "vaduz",
    "ndjamena",
];
/// Every place but Vaduz.
const WITH_POP: &[&str] = &[
    "kobenhavn",
    "berlin",
    "athens",
    "luxembourg",
    "bern",
    "paris",
    "kiev",
    "brussels",
    "buenos_aires",
    "ndjamena",
    "unnamed",
];
/// The places with a date, start and boolean.
const DATED: &[&str] = &["kobenhavn", "berlin", "athens"];
const UNDATED: &[&str] = &[
    "luxembourg",
    "bern",
    "paris",
    "kiev",
    "brussels",
    "buenos_aires",
    "vaduz",
    "ndjamena",
    "unnamed",
];

// ---------------------------------------------------------------------------------------------
// Running expressions
// ---------------------------------------------------------------------------------------------

/// The ids `expr` selects, or the parser's message.
fn selected(c: &Collection, expr: &str) -> Result<BTreeSet<&'static str>, String> {
    let e = parse(expr, c).map_err(|e| e.to_string())?;
    Ok(c.features
        .iter()
        .filter(|f| e.matches(*f))
        .map(|f| f.id)
        .collect())
}

/// Runs every case and reports all mismatches at once.
fn check(c: &Collection, cases: &[(&str, &[&str])]) {
    let ids: BTreeSet<&str> = c.features.iter().map(|f| f.id).collect();
    let mut problems = Vec::new();
    for &(expr, want) in cases {
        let want: BTreeSet<&str> = want.iter().copied().collect();
        assert!(want.is_subset(&ids), "{expr}: unknown id in {want:?}");
        match selected(c, expr) {
            Ok(got) if got == want => {}
            Ok(got) => problems.push(format!("{expr}\n  expected {want:?}\n  selected {got:?}")),
            Err(e) => problems.push(format!("{expr}\n  rejected: {e}")),
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} expressions fail:\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Logical combinations, with SQL's three-valued logic worked out from each predicate's ids
// ---------------------------------------------------------------------------------------------

/// Per feature: true, false, or `None` (unknown, from a null property).
type Truth = Vec<Option<bool>>;

/// The names outside single quotes, double quotes removed, in order.
fn names(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            while let Some(d) = chars.next() {
                if d == '\'' && chars.next_if_eq(&'\'').is_none() {
                    break;
                }
            }
        } else if c == '"' {
            out.push(chars.by_ref().take_while(|&d| d != '"').collect());
        } else if c.is_alphabetic() || c == '_' {
            let mut word = c.to_string();
            while let Some(d) = chars.next_if(|d| d.is_alphanumeric() || *d == '_') {
                word.push(d);
            }
            out.push(word);
        }
    }
    out
}

/// A predicate's truth per feature: true on `ids`; unknown where the first non-geometry
/// queryable it names is null, unless it is an IS [NOT] NULL test (/req/basic-cql2/
/// binary-comparison-predicate C and its kin); false elsewhere.
fn truth(c: &Collection, expr: &str, ids: &[&str]) -> Truth {
    let null_test = expr.to_ascii_uppercase().contains(" IS ");
    let read = names(expr).into_iter().find_map(|n| match c.property(&n) {
        Some((id, ty)) if ty != Type::Geometry => Some(id),
        _ => None,
    });
    c.features
        .iter()
        .map(|f| {
            let unknown = !null_test && read.is_some_and(|id| f.value(id) == Value::Null);
            if ids.contains(&f.id) {
                assert!(!unknown, "{expr}: {} is null, it cannot be selected", f.id);
                Some(true)
            } else if unknown {
                None
            } else {
                Some(false)
            }
        })
        .collect()
}

fn not(a: &Truth) -> Truth {
    a.iter().map(|x| x.map(|b| !b)).collect()
}

fn and(a: &Truth, b: &Truth) -> Truth {
    a.iter()
        .zip(b)
        .map(|(x, y)| match (x, y) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        })
        .collect()
}

fn or(a: &Truth, b: &Truth) -> Truth {
    not(&and(&not(a), &not(b)))
}

/// The ids a combination should select, from the truth of its four predicates.
fn combine(
    c: &Collection,
    preds: &[(&str, &[&str])],
    four: [&str; 4],
    f: fn(&[Truth]) -> Truth,
) -> Vec<&'static str> {
    let t: Vec<Truth> = four
        .iter()
        .map(|p| {
            let (_, ids) = preds
                .iter()
                .find(|(e, _)| e == p)
                .unwrap_or_else(|| panic!("no worked ids for {p}"));
            truth(c, p, ids)
        })
        .collect();
    c.features
        .iter()
        .zip(f(&t))
        .filter(|(_, x)| *x == Some(true))
        .map(|(f, _)| f.id)
        .collect()
}

/// /conf/basic-cql2/logical: `(NOT ({p2}) AND {p1}) OR ({p3} and {p4}) or not ({p1} OR {p4})`.
fn basic_logical(p: &[Truth]) -> Truth {
    or(
        &or(&and(&not(&p[1]), &p[0]), &and(&p[2], &p[3])),
        &not(&or(&p[0], &p[3])),
    )
}

/// The other classes' /conf/…/logical:
/// `((NOT {p1} AND {p2}) OR ({p3} and NOT {p4}) or not ({p1} AND {p4}))`.
fn class_logical(p: &[Truth]) -> Truth {
    or(
        &or(&and(&not(&p[0]), &p[1]), &and(&p[2], &not(&p[3]))),
        &not(&and(&p[0], &p[3])),
    )
}

/// Ten combinations of a class's predicates in the class_logical template, as the ATS asks
/// (it picks them at random; these are fixed), with their worked-out ids. Each predicate is
/// parenthesised, since some are `… and …` and `NOT {p1}` would bind to the first half.
/// The predicates are those of `tables`: a class's own and those of the class it builds on.
fn class_combinations(c: &Collection, tables: &[&[(&'static str, &'static [&'static str])]]) {
    let preds: Vec<(&str, &[&str])> = tables.concat();
    let preds = preds.as_slice();
    let n = preds.len();
    let cases: Vec<(String, Vec<&str>)> = (0..10)
        .map(|i| {
            let four =
                [i % n, (3 * i + 1) % n, (5 * i + 2) % n, (7 * i + 3) % n].map(|k| preds[k].0);
            let expr = format!(
                "((NOT ({}) AND ({})) OR (({}) and NOT ({})) or not (({}) AND ({})))",
                four[0], four[1], four[2], four[3], four[0], four[3]
            );
            (expr, combine(c, preds, four, class_logical))
        })
        .collect();
    let cases: Vec<(&str, &[&str])> = cases
        .iter()
        .map(|(e, ids)| (e.as_str(), ids.as_slice()))
        .collect();
    check(c, &cases);
}

// ---------------------------------------------------------------------------------------------
// Basic CQL2: /conf/basic-cql2
// ---------------------------------------------------------------------------------------------

/// /conf/basic-cql2/test-data, countries.
const BASIC_COUNTRIES: &[(&str, &[&str])] = &[
    ("NAME='Luxembourg'", &["LUX"]),
    ("NAME>='Luxembourg'", &["LUX", "NZL", "USA"]),
    ("NAME>'Luxembourg'", &["NZL", "USA"]),
    (
        "NAME<='Luxembourg'",
        &[
            "ATA", "ARG", "BEL", "CAN", "FJI", "FRA", "GAB", "DEU", "HOL", "LUX",
        ],
    ),
    (
        "NAME<'Luxembourg'",
        &[
            "ATA", "ARG", "BEL", "CAN", "FJI", "FRA", "GAB", "DEU", "HOL",
        ],
    ),
    (
        "NAME<>'Luxembourg'",
        &[
            "DEU", "FRA", "BEL", "FJI", "NZL", "ARG", "CAN", "USA", "GAB", "ATA", "HOL",
        ],
    ),
    ("POP_EST=37589262", &["CAN"]),
    ("POP_EST>=37589262", &["DEU", "FRA", "ARG", "USA", "CAN"]),
    ("POP_EST>37589262", &["DEU", "FRA", "ARG", "USA"]),
    (
        "POP_EST<=37589262",
        &["LUX", "BEL", "FJI", "GAB", "ATA", "NZL", "CAN"],
    ),
    (
        "POP_EST<37589262",
        &["LUX", "BEL", "FJI", "GAB", "ATA", "NZL"],
    ),
    // Hole Island's POP_EST is null: unknown, so neither = nor <>.
    (
        "POP_EST<>37589262",
        &[
            "LUX", "DEU", "FRA", "BEL", "FJI", "NZL", "ARG", "USA", "GAB", "ATA",
        ],
    ),
];

/// /conf/basic-cql2/test-data, places; also the predicates of /conf/basic-cql2/logical.
const BASIC_PLACES: &[(&str, &[&str])] = &[
    ("name IS NOT NULL", NAMED),
    ("name IS NULL", &["unnamed"]),
    ("name='København'", &["kobenhavn"]),
    (
        "name>='København'",
        &["kobenhavn", "luxembourg", "paris", "vaduz", "ndjamena"],
    ),
    (
        "name>'København'",
        &["luxembourg", "paris", "vaduz", "ndjamena"],
    ),
    (
        "name<='København'",
        &[
            "kobenhavn",
            "berlin",
            "athens",
            "bern",
            "kiev",
            "brussels",
            "buenos_aires",
        ],
    ),
    (
        "name<'København'",
        &[
            "berlin",
            "athens",
            "bern",
            "kiev",
            "brussels",
            "buenos_aires",
        ],
    ),
    (
        "name<>'København'",
        &[
            "berlin",
            "athens",
            "luxembourg",
            "bern",
            "paris",
            "kiev",
            "brussels",
            "buenos_aires",
            "vaduz",
            "ndjamena",
        ],
    ),
    ("pop_other IS NOT NULL", WITH_POP),
    ("pop_other IS NULL", &["vaduz"]),
    ("pop_other=1038288", &["kobenhavn"]),
    (
        "pop_other>=1038288",
        &[
            "kobenhavn",
            "berlin",
            "paris",
            "kiev",
            "brussels",
            "buenos_aires",
            "unnamed",
        ],
    ),
    (
        "pop_other>1038288",
        &[
            "berlin",
            "paris",
            "kiev",
            "brussels",
            "buenos_aires",
            "unnamed",
        ],
    ),
    (
        "pop_other<=1038288",
        &["kobenhavn", "athens", "luxembourg", "bern", "ndjamena"],
    ),
    (
        "pop_other<1038288",
        &["athens", "luxembourg", "bern", "ndjamena"],
    ),
    (
        "pop_other<>1038288",
        &[
            "berlin",
            "athens",
            "luxembourg",
            "bern",
            "paris",
            "kiev",
            "brussels",
            "buenos_aires",
            "ndjamena",
            "unnamed",
        ],
    ),
    ("\"date\" IS NOT NULL", DATED),
    ("\"date\" IS NULL", UNDATED),
    ("\"date\"=DATE('2022-04-16')", &["athens"]),
    ("\"date\">=DATE('2022-04-16')", &["athens", "berlin"]),
    ("\"date\">DATE('2022-04-16')", &["berlin"]),
    ("\"date\"<=DATE('2022-04-16')", &["athens", "kobenhavn"]),
    ("\"date\"<DATE('2022-04-16')", &["kobenhavn"]),
    ("\"date\"<>DATE('2022-04-16')", &["kobenhavn", "berlin"]),
    ("start IS NOT NULL", DATED),
    ("start IS NULL", UNDATED),
    ("start=TIMESTAMP('2022-04-16T10:13:19Z')", &["berlin"]),
    (
        "start<=TIMESTAMP('2022-04-16T10:13:19Z')",
        &["berlin", "kobenhavn"],
    ),
    ("start<TIMESTAMP('2022-04-16T10:13:19Z')", &["kobenhavn"]),
    (
        "start>=TIMESTAMP('2022-04-16T10:13:19Z')",
        &["berlin", "athens"],
    ),
    ("start>TIMESTAMP('2022-04-16T10:13:19Z')", &["athens"]),
    (
        "start<>TIMESTAMP('2022-04-16T10:13:19Z')",
        &["kobenhavn", "athens"],
    ),
    ("boolean IS NOT NULL", DATED),
    ("boolean IS NULL", UNDATED),
    ("boolean=true", &["kobenhavn", "berlin"]),
    ("boolean=false", &["athens"]),
];

/// /conf/basic-cql2/comparison, is-null and boolean: the ATS's values for each type.
const BASIC_GENERIC_PLACES: &[(&str, &[&str])] = &[
    ("name = 'foo'", &[]),
    ("name <> 'foo'", NAMED),
    // Every name starts with a capital, and capitals sort before 'f'.
    ("name > 'foo'", &[]),
    ("name < 'foo'", NAMED),
    ("name >= 'foo'", &[]),
    ("name <= 'foo'", NAMED),
    ("pop_other = 1", &[]),
    ("pop_other <> 1", WITH_POP),
    ("pop_other > 1", WITH_POP),
    ("pop_other < 1", &[]),
    ("pop_other >= 1", WITH_POP),
    ("pop_other <= 1", &[]),
    ("boolean = true", &["kobenhavn", "berlin"]),
    ("boolean <> true", &["athens"]),
    ("boolean > true", &[]),
    ("boolean < true", &["athens"]),
    ("boolean >= true", &["kobenhavn", "berlin"]),
    ("boolean <= true", DATED),
    ("start = TIMESTAMP('2022-04-14T14:48:46Z')", &[]),
    ("start <> TIMESTAMP('2022-04-14T14:48:46Z')", DATED),
    (
        "start > TIMESTAMP('2022-04-14T14:48:46Z')",
        &["berlin", "athens"],
    ),
    ("start < TIMESTAMP('2022-04-14T14:48:46Z')", &["kobenhavn"]),
    (
        "start >= TIMESTAMP('2022-04-14T14:48:46Z')",
        &["berlin", "athens"],
    ),
    ("start <= TIMESTAMP('2022-04-14T14:48:46Z')", &["kobenhavn"]),
    ("\"date\" = DATE('2022-04-14')", &[]),
    ("\"date\" <> DATE('2022-04-14')", DATED),
    ("\"date\" > DATE('2022-04-14')", &["berlin", "athens"]),
    ("\"date\" < DATE('2022-04-14')", &["kobenhavn"]),
    ("\"date\" >= DATE('2022-04-14')", &["berlin", "athens"]),
    ("\"date\" <= DATE('2022-04-14')", &["kobenhavn"]),
    ("name IS NULL", &["unnamed"]),
    ("name is not null", NAMED),
    ("pop_other IS NULL", &["vaduz"]),
    ("pop_other is not null", WITH_POP),
    ("\"date\" IS NULL", UNDATED),
    ("\"date\" is not null", DATED),
    ("start IS NULL", UNDATED),
    ("start is not null", DATED),
    ("boolean IS NULL", UNDATED),
    ("boolean is not null", DATED),
    (
        "tags IS NULL",
        &[
            "luxembourg",
            "kiev",
            "brussels",
            "buenos_aires",
            "vaduz",
            "ndjamena",
            "unnamed",
        ],
    ),
    // Bern's empty list is a value, not null.
    (
        "tags is not null",
        &["kobenhavn", "berlin", "athens", "bern", "paris"],
    ),
    ("geom IS NULL", &[]),
    ("geom is not null", ALL_PLACES),
    ("true", ALL_PLACES),
    ("false", &[]),
];

/// /conf/basic-cql2/comparison, is-null and boolean on the countries' Number (3.14).
const BASIC_GENERIC_COUNTRIES: &[(&str, &[&str])] = &[
    ("NAME = 'foo'", &[]),
    ("NAME < 'foo'", ALL_COUNTRIES),
    ("POP_EST = 3.14", &[]),
    (
        "POP_EST <> 3.14",
        &[
            "LUX", "DEU", "FRA", "BEL", "FJI", "NZL", "ARG", "CAN", "USA", "GAB", "ATA",
        ],
    ),
    (
        "POP_EST > 3.14",
        &[
            "LUX", "DEU", "FRA", "BEL", "FJI", "NZL", "ARG", "CAN", "USA", "GAB", "ATA",
        ],
    ),
    ("POP_EST < 3.14", &[]),
    (
        "POP_EST >= 3.14",
        &[
            "LUX", "DEU", "FRA", "BEL", "FJI", "NZL", "ARG", "CAN", "USA", "GAB", "ATA",
        ],
    ),
    ("POP_EST <= 3.14", &[]),
    ("NAME IS NULL", &[]),
    ("NAME is not null", ALL_COUNTRIES),
    ("POP_EST IS NULL", &["HOL"]),
    (
        "POP_EST is not null",
        &[
            "LUX", "DEU", "FRA", "BEL", "FJI", "NZL", "ARG", "CAN", "USA", "GAB", "ATA",
        ],
    ),
    ("geom IS NULL", &[]),
    ("geom is not null", ALL_COUNTRIES),
    ("true", ALL_COUNTRIES),
    ("false", &[]),
];

/// /conf/basic-cql2/logical: p1 to p4 of every row of the ATS's table of combinations.
#[rustfmt::skip]
const BASIC_COMBINATIONS: &[[&str; 4]] = &[
    ["pop_other<>1038288", "name<>'København'", "pop_other IS NULL", "name<'København'"],
    ["pop_other<>1038288", "name>'København'", "name<='København'", "boolean=true"],
    ["start IS NULL", "pop_other IS NOT NULL", "pop_other IS NOT NULL", "pop_other>1038288"],
    ["pop_other<1038288", "pop_other>1038288", "pop_other IS NULL", "start<TIMESTAMP('2022-04-16T10:13:19Z')"],
    ["start=TIMESTAMP('2022-04-16T10:13:19Z')", "pop_other<1038288", "start=TIMESTAMP('2022-04-16T10:13:19Z')", "name<>'København'"],
    ["start<=TIMESTAMP('2022-04-16T10:13:19Z')", "name<>'København'", "boolean=true", "name<'København'"],
    ["pop_other=1038288", "start IS NULL", "start<>TIMESTAMP('2022-04-16T10:13:19Z')", "boolean IS NOT NULL"],
    ["start IS NULL", "pop_other>1038288", "start IS NOT NULL", "name>'København'"],
    ["pop_other<1038288", "name<>'København'", "name='København'", "start<TIMESTAMP('2022-04-16T10:13:19Z')"],
    ["start>=TIMESTAMP('2022-04-16T10:13:19Z')", "name IS NOT NULL", "start IS NULL", "pop_other<1038288"],
    ["name>='København'", "start IS NOT NULL", "boolean=true", "start>=TIMESTAMP('2022-04-16T10:13:19Z')"],
    ["start IS NOT NULL", "name>='København'", "start IS NOT NULL", "name IS NOT NULL"],
    ["name IS NULL", "name<'København'", "pop_other IS NOT NULL", "boolean IS NOT NULL"],
    ["start>=TIMESTAMP('2022-04-16T10:13:19Z')", "name>'København'", "pop_other=1038288", "name<'København'"],
    ["start<TIMESTAMP('2022-04-16T10:13:19Z')", "name<='København'", "boolean IS NULL", "name>'København'"],
    ["pop_other IS NOT NULL", "start IS NULL", "pop_other>=1038288", "name>'København'"],
    ["name='København'", "start=TIMESTAMP('2022-04-16T10:13:19Z')", "boolean=true", "pop_other IS NULL"],
    ["name>'København'", "pop_other<1038288", "pop_other>1038288", "name<='København'"],
    ["pop_other<>1038288", "name='København'", "name<='København'", "start>TIMESTAMP('2022-04-16T10:13:19Z')"],
    ["start<TIMESTAMP('2022-04-16T10:13:19Z')", "start>=TIMESTAMP('2022-04-16T10:13:19Z')", "pop_other=1038288", "start IS NULL"],
    ["name<>'København'", "boolean=true", "start=TIMESTAMP('2022-04-16T10:13:19Z')", "start IS NULL"],
    ["name IS NULL", "start<>TIMESTAMP('2022-04-16T10:13:19Z')", "start<TIMESTAMP('2022-04-16T10:13:19Z')", "name IS NULL"],
    ["start<>TIMESTAMP('2022-04-16T10:13:19Z')", "name>'København'", "start<=TIMESTAMP('2022-04-16T10:13:19Z')", "name IS NOT NULL"],
    ["name<>'København'", "pop_other<>1038288", "pop_other<1038288", "start>=TIMESTAMP('2022-04-16T10:13:19Z')"],
    ["boolean IS NULL", "pop_other>1038288", "boolean IS NOT NULL", "pop_other IS NULL"],
    ["pop_other=1038288", "start IS NULL", "start>TIMESTAMP('2022-04-16T10:13:19Z')", "pop_other IS NOT NULL"],
    ["pop_other<>1038288", "start IS NULL", "pop_other>1038288", "boolean=true"],
    ["start>TIMESTAMP('2022-04-16T10:13:19Z')", "pop_other<1038288", "name<='København'", "pop_other=1038288"],
    ["start>=TIMESTAMP('2022-04-16T10:13:19Z')", "start<=TIMESTAMP('2022-04-16T10:13:19Z')", "name<='København'", "name<>'København'"],
    ["boolean=true", "name IS NOT NULL", "boolean IS NULL", "pop_other=1038288"],
    ["start=TIMESTAMP('2022-04-16T10:13:19Z')", "pop_other=1038288", "pop_other<1038288", "name<>'København'"],
    ["pop_other<>1038288", "start<=TIMESTAMP('2022-04-16T10:13:19Z')", "start IS NOT NULL", "start=TIMESTAMP('2022-04-16T10:13:19Z')"],
    ["name<>'København'", "pop_other<>1038288", "pop_other IS NOT NULL", "name IS NOT NULL"],
    ["name='København'", "pop_other<1038288", "start IS NOT NULL", "pop_other<>1038288"],
    ["name<'København'", "start<>TIMESTAMP('2022-04-16T10:13:19Z')", "start>TIMESTAMP('2022-04-16T10:13:19Z')", "start=TIMESTAMP('2022-04-16T10:13:19Z')"],
    ["boolean=true", "pop_other<1038288", "name IS NOT NULL", "start<=TIMESTAMP('2022-04-16T10:13:19Z')"],
    ["pop_other<=1038288", "name<'København'", "pop_other<1038288", "pop_other<1038288"],
    ["pop_other IS NULL", "name<='København'", "name='København'", "start>TIMESTAMP('2022-04-16T10:13:19Z')"],
    ["pop_other<1038288", "name<>'København'", "pop_other<>1038288", "name<>'København'"],
    ["start<=TIMESTAMP('2022-04-16T10:13:19Z')", "pop_other IS NULL", "start<TIMESTAMP('2022-04-16T10:13:19Z')", "name IS NOT NULL"],
    ["start<>TIMESTAMP('2022-04-16T10:13:19Z')", "name='København'", "boolean IS NULL", "pop_other<>1038288"],
    ["boolean=true", "pop_other<=1038288", "name<>'København'", "pop_other IS NULL"],
    ["name IS NOT NULL", "pop_other<=1038288", "start IS NOT NULL", "boolean IS NOT NULL"],
    ["pop_other<=1038288", "pop_other<1038288", "start>TIMESTAMP('2022-04-16T10:13:19Z')", "pop_other>1038288"],
    ["start IS NOT NULL", "boolean IS NOT NULL", "name>='København'", "pop_other IS NOT NULL"],
    ["start<>TIMESTAMP('2022-04-16T10:13:19Z')", "start IS NOT NULL", "pop_other>1038288", "pop_other<1038288"],
    ["pop_other<=1038288", "name<='København'", "boolean IS NULL", "start IS NOT NULL"],
    ["name>='København'", "name>='København'", "name<='København'", "name>='København'"],
    ["boolean=true", "start<TIMESTAMP('2022-04-16T10:13:19Z')", "boolean IS NOT NULL", "name<'København'"],
    ["start>TIMESTAMP('2022-04-16T10:13:19Z')", "start>=TIMESTAMP('2022-04-16T10:13:19Z')", "pop_other IS NULL", "pop_other<=1038288"],
    ["pop_other<1038288", "name='København'", "start>=TIMESTAMP('2022-04-16T10:13:19Z')", "name<'København'"],
    ["pop_other<1038288", "pop_other<=1038288", "pop_other IS NULL", "start IS NOT NULL"],
    ["name>='København'", "pop_other>=1038288", "boolean=true", "name IS NOT NULL"],
    ["boolean IS NULL", "name<>'København'", "boolean IS NULL", "pop_other IS NOT NULL"],
    ["pop_other<1038288", "start>=TIMESTAMP('2022-04-16T10:13:19Z')", "name>'København'", "pop_other<=1038288"],
    ["name<='København'", "start>TIMESTAMP('2022-04-16T10:13:19Z')", "name<'København'", "boolean IS NULL"],
    ["pop_other IS NOT NULL", "name<>'København'", "pop_other<1038288", "pop_other<=1038288"],
    ["name>='København'", "start IS NOT NULL", "name>='København'", "name IS NOT NULL"],
    ["pop_other<1038288", "start<TIMESTAMP('2022-04-16T10:13:19Z')", "name IS NULL", "pop_other>=1038288"],
    ["pop_other>=1038288", "name>'København'", "boolean IS NOT NULL", "start IS NOT NULL"],
    ["start IS NOT NULL", "name<>'København'", "name<='København'", "name IS NULL"],
    ["name>='København'", "pop_other<>1038288", "start=TIMESTAMP('2022-04-16T10:13:19Z')", "name<>'København'"],
    ["boolean IS NOT NULL", "pop_other<=1038288", "pop_other=1038288", "start=TIMESTAMP('2022-04-16T10:13:19Z')"],
    ["name IS NOT NULL", "start IS NOT NULL", "start IS NOT NULL", "name>='København'"],
    ["pop_other=1038288", "pop_other IS NOT NULL", "start IS NOT NULL", "name<>'København'"],
    ["start=TIMESTAMP('2022-04-16T10:13:19Z')", "start IS NULL", "pop_other>1038288", "pop_other<=1038288"],
    ["name IS NULL", "start IS NOT NULL", "start=TIMESTAMP('2022-04-16T10:13:19Z')", "name IS NOT NULL"],
    ["boolean IS NOT NULL", "name='København'", "boolean IS NOT NULL", "name IS NOT NULL"],
    ["pop_other<>1038288", "pop_other<>1038288", "pop_other=1038288", "pop_other<=1038288"],
    ["pop_other IS NULL", "start<>TIMESTAMP('2022-04-16T10:13:19Z')", "start>TIMESTAMP('2022-04-16T10:13:19Z')", "boolean IS NOT NULL"],
    ["start<TIMESTAMP('2022-04-16T10:13:19Z')", "boolean IS NULL", "start>TIMESTAMP('2022-04-16T10:13:19Z')", "name<'København'"],
    ["pop_other>1038288", "pop_other<>1038288", "start<>TIMESTAMP('2022-04-16T10:13:19Z')", "name<>'København'"],
    ["start>=TIMESTAMP('2022-04-16T10:13:19Z')", "start=TIMESTAMP('2022-04-16T10:13:19Z')", "pop_other=1038288", "name IS NOT NULL"],
    ["pop_other<=1038288", "start IS NOT NULL", "start<=TIMESTAMP('2022-04-16T10:13:19Z')", "boolean IS NOT NULL"],
    ["boolean=true", "start>TIMESTAMP('2022-04-16T10:13:19Z')", "pop_other<1038288", "pop_other<>1038288"],
    ["pop_other>=1038288", "pop_other>1038288", "boolean IS NULL", "pop_other=1038288"],
    ["name<'København'", "pop_other>1038288", "start=TIMESTAMP('2022-04-16T10:13:19Z')", "boolean=true"],
];

#[test]
fn basic_cql2() {
    check(&countries(), BASIC_COUNTRIES);
    check(&countries(), BASIC_GENERIC_COUNTRIES);
    check(&places(), BASIC_PLACES);
    check(&places(), BASIC_GENERIC_PLACES);
}

#[test]
fn basic_cql2_logical() {
    let c = places();
    let template = |[p1, p2, p3, p4]: [&str; 4]| {
        format!("(NOT ({p2}) AND {p1}) OR ({p3} and {p4}) or not ({p1} OR {p4})")
    };
    // The first, third and fourth rows worked by hand, as a check on the truth tables.
    let by_hand: [(&str, &[&str]); 3] = [
        (&template(BASIC_COMBINATIONS[0]), &["kobenhavn"]),
        (
            &template(BASIC_COMBINATIONS[2]),
            &[
                "athens",
                "berlin",
                "brussels",
                "buenos_aires",
                "kiev",
                "kobenhavn",
                "paris",
                "unnamed",
                "vaduz",
            ],
        ),
        // Paris: false, false, then not (false or unknown): unknown, so not selected.
        (
            &template(BASIC_COMBINATIONS[3]),
            &["athens", "berlin", "bern", "luxembourg", "ndjamena"],
        ),
    ];
    check(&c, &by_hand);
    let cases: Vec<(String, Vec<&str>)> = BASIC_COMBINATIONS
        .iter()
        .map(|&four| {
            (
                template(four),
                combine(&c, BASIC_PLACES, four, basic_logical),
            )
        })
        .collect();
    let cases: Vec<(&str, &[&str])> = cases
        .iter()
        .map(|(e, ids)| (e.as_str(), ids.as_slice()))
        .collect();
    check(&c, &cases);
}

// ---------------------------------------------------------------------------------------------
// Advanced comparison operators: /conf/advanced-comparison-operators
// ---------------------------------------------------------------------------------------------

/// /conf/advanced-comparison-operators/test-data, places.
const ADVANCED_PLACES: &[(&str, &[&str])] = &[
    ("name LIKE 'B_r%'", &["berlin", "bern"]),
    (
        "name NOT LIKE 'B_r%'",
        &[
            "kobenhavn",
            "athens",
            "luxembourg",
            "paris",
            "kiev",
            "brussels",
            "buenos_aires",
            "vaduz",
            "ndjamena",
        ],
    ),
    (
        "pop_other between 1000000 and 3000000",
        &["kobenhavn", "kiev", "brussels", "unnamed"],
    ),
    (
        "pop_other not between 1000000 and 3000000",
        &[
            "berlin",
            "athens",
            "luxembourg",
            "bern",
            "paris",
            "buenos_aires",
            "ndjamena",
        ],
    ),
    // Case matters: 'kobenhavn' and 'athens' name nothing.
    (
        "name IN ('Kiev','kobenhavn','Berlin','athens','foo')",
        &["kiev", "berlin"],
    ),
    (
        "name NOT IN ('Kiev','kobenhavn','Berlin','athens','foo')",
        &[
            "kobenhavn",
            "athens",
            "luxembourg",
            "bern",
            "paris",
            "brussels",
            "buenos_aires",
            "vaduz",
            "ndjamena",
        ],
    ),
    (
        "pop_other in (1038288,1611692,3013258,3013257,3013259)",
        &["kobenhavn", "brussels", "berlin"],
    ),
    (
        "pop_other not in (1038288,1611692,3013258,3013257,3013259)",
        &[
            "athens",
            "luxembourg",
            "bern",
            "paris",
            "kiev",
            "buenos_aires",
            "ndjamena",
            "unnamed",
        ],
    ),
    (
        "\"date\" in (DATE('2021-04-16'),DATE('2022-04-16'),DATE('2022-04-18'))",
        &["kobenhavn", "athens"],
    ),
    (
        "\"date\" not in (DATE('2021-04-16'),DATE('2022-04-16'),DATE('2022-04-18'))",
        &["berlin"],
    ),
    ("start in (TIMESTAMP('2022-04-16T10:13:19Z'))", &["berlin"]),
    (
        "start not in (TIMESTAMP('2022-04-16T10:13:19Z'))",
        &["kobenhavn", "athens"],
    ),
    ("boolean in (true)", &["kobenhavn", "berlin"]),
    ("boolean not in (false)", &["kobenhavn", "berlin"]),
];

/// /conf/advanced-comparison-operators/like, between and in.
const ADVANCED_GENERIC_PLACES: &[(&str, &[&str])] = &[
    ("name LIKE '%'", NAMED),
    ("name like '_%'", NAMED),
    ("name like ''", &[]),
    ("name like '%%'", NAMED),
    // A backslash, anything, a backslash, one character: no name has a backslash.
    (r"name like '\\%\\_'", &[]),
    ("pop_other BETWEEN 0 AND 100", &[]),
    ("pop_other between 100.0 and 1.0", &[]),
    ("pop_other IN (1, 2, 3)", &[]),
    ("name in ('foo', 'bar')", &[]),
    ("boolean in (true)", &["kobenhavn", "berlin"]),
];

#[test]
fn advanced_comparison_operators() {
    check(&places(), ADVANCED_PLACES);
    check(&places(), ADVANCED_GENERIC_PLACES);
    check(
        &countries(),
        &[
            ("POP_EST BETWEEN 0 AND 100", &[]),
            ("POP_EST between 100.0 and 1.0", &[]),
            ("NAME like 'F%'", &["FJI", "FRA"]),
        ],
    );
}

#[test]
fn advanced_comparison_operators_logical() {
    class_combinations(&places(), &[ADVANCED_PLACES, BASIC_PLACES]);
}

// ---------------------------------------------------------------------------------------------
// Basic spatial functions: /conf/basic-spatial-functions
// ---------------------------------------------------------------------------------------------

/// /conf/basic-spatial-functions/s_intersects and test-data, countries.
const BASIC_SPATIAL_COUNTRIES: &[(&str, &[&str])] = &[
    ("S_INTERSECTS(geom,BBOX(-180,-90,180,90))", ALL_COUNTRIES),
    ("S_INTERSECTS(geom,POINT(7.02 49.92))", &["DEU"]),
    (
        "S_INTERSECTS(geom,BBOX(-180,-90,-90,90)) AND S_INTERSECTS(geom,BBOX(90,-90,180,90))",
        &["FJI", "ATA"],
    ),
    (
        "S_INTERSECTS(geom,BBOX(0,40,10,50))",
        &["LUX", "DEU", "FRA", "BEL"],
    ),
    // Across the antimeridian; Alaska reaches -168.
    (
        "S_INTERSECTS(geom,BBOX(150,-90,-150,90))",
        &["FJI", "NZL", "ATA", "USA"],
    ),
    (
        "S_INTERSECTS(geom,BBOX(0,40,10,50)) and S_INTERSECTS(geom,BBOX(5,50,10,60))",
        &["LUX", "DEU", "BEL"],
    ),
    (
        "S_INTERSECTS(geom,BBOX(0,40,10,50)) and not S_INTERSECTS(geom,BBOX(5,50,10,60))",
        &["FRA"],
    ),
    (
        "S_INTERSECTS(geom,BBOX(0,40,10,50)) or S_INTERSECTS(geom,BBOX(-90,40,-60,50))",
        &["LUX", "DEU", "FRA", "BEL", "USA", "CAN"],
    ),
];

/// The same, places; the unnamed place at (0, 45) is on the box's edge.
const BASIC_SPATIAL_PLACES: &[(&str, &[&str])] = &[
    ("S_INTERSECTS(geom,BBOX(-180,-90,180,90))", ALL_PLACES),
    ("S_INTERSECTS(geom,POINT(7.02 49.92))", &[]),
    (
        "S_INTERSECTS(geom,BBOX(-180,-90,-90,90)) AND S_INTERSECTS(geom,BBOX(90,-90,180,90))",
        &[],
    ),
    (
        "S_INTERSECTS(geom,BBOX(0,40,10,50))",
        &["luxembourg", "bern", "paris", "vaduz", "unnamed"],
    ),
];

#[test]
fn basic_spatial_functions() {
    check(&countries(), BASIC_SPATIAL_COUNTRIES);
    check(&places(), BASIC_SPATIAL_PLACES);
}

#[test]
fn basic_spatial_functions_logical() {
    class_combinations(&countries(), &[BASIC_SPATIAL_COUNTRIES, BASIC_COUNTRIES]);
    class_combinations(&places(), &[BASIC_SPATIAL_PLACES, BASIC_PLACES]);
}

// ---------------------------------------------------------------------------------------------
// Basic spatial functions with additional spatial literals: /conf/basic-spatial-functions-plus
// ---------------------------------------------------------------------------------------------

/// /conf/basic-spatial-functions-plus/s_intersects and test-data, countries.
const SPATIAL_PLUS_COUNTRIES: &[(&str, &[&str])] = &[
    ("S_INTERSECTS(geom,LINESTRING(-180 -45, 0 -45))", &["ARG", "HOL"]),
    (
        "S_INTERSECTS(geom,MULTILINESTRING((-180 -45, 0 -45), (0 45, 180 45)))",
        &["ARG", "HOL", "FRA"],
    ),
    // Hole Island sits in the hole.
    (
        "S_INTERSECTS(geom,POLYGON((-180 -90, -90 -90, -90 90, -180 90, -180 -90), (-120 -50, -100 -50, -100 -40, -120 -40, -120 -50)))",
        &["FJI", "CAN", "USA", "ATA"],
    ),
    (
        "S_INTERSECTS(geom,MULTIPOLYGON(((-180 -90, -90 -90, -90 90, -180 90, -180 -90), (-120 -50, -100 -50, -100 -40, -120 -40, -120 -50)),((0 0, 10 0, 10 10, 0 10, 0 0))))",
        &["FJI", "CAN", "USA", "ATA", "GAB"],
    ),
    (
        "S_INTERSECTS(geom,GEOMETRYCOLLECTION(POINT(7.02 49.92), POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))))",
        &["DEU", "GAB"],
    ),
    (
        "S_INTERSECTS(geom,POLYGON((-180 -90, -90 -90, -90 90, -180 90, -180 -90), (-120 -50, -100 -50, -100 -40, -120 -40, -120 -50))) or S_INTERSECTS(geom,POLYGON((0 0, 10 0, 10 10, 0 10, 0 0)))",
        &["FJI", "CAN", "USA", "ATA", "GAB"],
    ),
    (
        "S_INTERSECTS(geom,POLYGON((-180 -90, -90 -90, -90 90, -180 90, -180 -90), (-120 -50, -100 -50, -100 -40, -120 -40, -120 -50))) and not S_INTERSECTS(geom,POLYGON((-130 0, 0 0, 0 50, -130 50, -130 0)))",
        &["FJI", "ATA"],
    ),
];

/// The same literals, places; the unnamed place is the second line's first point.
const SPATIAL_PLUS_PLACES: &[(&str, &[&str])] = &[
    ("S_INTERSECTS(geom,LINESTRING(-180 -45, 0 -45))", &[]),
    (
        "S_INTERSECTS(geom,MULTILINESTRING((-180 -45, 0 -45), (0 45, 180 45)))",
        &["unnamed"],
    ),
    (
        "S_INTERSECTS(geom,POLYGON((-180 -90, -90 -90, -90 90, -180 90, -180 -90), (-120 -50, -100 -50, -100 -40, -120 -40, -120 -50)))",
        &[],
    ),
    (
        "S_INTERSECTS(geom,MULTIPOLYGON(((-180 -90, -90 -90, -90 90, -180 90, -180 -90), (-120 -50, -100 -50, -100 -40, -120 -40, -120 -50)),((0 0, 10 0, 10 10, 0 10, 0 0))))",
        &[],
    ),
    (
        "S_INTERSECTS(geom,GEOMETRYCOLLECTION(POINT(7.02 49.92), POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))))",
        &[],
    ),
];

#[test]
fn basic_spatial_functions_plus() {
    check(&countries(), SPATIAL_PLUS_COUNTRIES);
    check(&places(), SPATIAL_PLUS_PLACES);
}

#[test]
fn basic_spatial_functions_plus_logical() {
    class_combinations(&countries(), &[SPATIAL_PLUS_COUNTRIES, BASIC_SPATIAL_COUNTRIES]);
}

// ---------------------------------------------------------------------------------------------
// Spatial functions: /conf/spatial-functions
// ---------------------------------------------------------------------------------------------

/// /conf/spatial-functions/s_intersects … s_overlaps, countries.
const SPATIAL_GENERIC_COUNTRIES: &[(&str, &[&str])] = &[
    ("S_INTERSECTS(geom,BBOX(-180,-90,180,90))", ALL_COUNTRIES),
    (
        "S_INTERSECTS(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        ALL_COUNTRIES,
    ),
    ("S_INTERSECTS(geom,LINESTRING(7 50, 10 51))", &["DEU"]),
    ("S_INTERSECTS(geom,POINT(7.02 49.92))", &["DEU"]),
    ("S_DISJOINT(geom,BBOX(-180,-90,180,90))", &[]),
    (
        "S_DISJOINT(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        &[],
    ),
    (
        "S_DISJOINT(geom,LINESTRING(7 50,10 51))",
        &[
            "LUX", "FRA", "BEL", "FJI", "NZL", "ARG", "CAN", "USA", "GAB", "ATA", "HOL",
        ],
    ),
    (
        "S_DISJOINT(geom,POINT(7.02 49.92))",
        &[
            "LUX", "FRA", "BEL", "FJI", "NZL", "ARG", "CAN", "USA", "GAB", "ATA", "HOL",
        ],
    ),
    (
        "S_EQUALS(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        &[],
    ),
    ("S_EQUALS(geom,LINESTRING(7 50,10 51))", &[]),
    ("S_EQUALS(geom,POINT(7.02 49.92))", &[]),
    // Antarctica and Fiji share edges with the world, but their interiors meet it.
    ("S_TOUCHES(geom,BBOX(-180,-90,180,90))", &[]),
    (
        "S_TOUCHES(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        &[],
    ),
    ("S_TOUCHES(geom,LINESTRING(7 50,10 51))", &[]),
    ("S_WITHIN(geom,BBOX(-180,-90,180,90))", ALL_COUNTRIES),
    (
        "S_WITHIN(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        ALL_COUNTRIES,
    ),
    ("S_WITHIN(geom,LINESTRING(7 50,10 51))", &[]),
    ("S_WITHIN(geom,MULTIPOINT(7 50,10 51))", &[]),
    ("S_CONTAINS(geom,BBOX(-180,-90,180,90))", &[]),
    (
        "S_CONTAINS(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        &[],
    ),
    ("S_CONTAINS(geom,LINESTRING(7 50,10 51))", &["DEU"]),
    ("S_CONTAINS(geom,MULTIPOINT(7 50,10 51))", &["DEU"]),
    (
        "S_OVERLAPS(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        &[],
    ),
];

/// /conf/spatial-functions/test-data, countries.
const SPATIAL_COUNTRIES: &[(&str, &[&str])] = &[
    (
        "S_INTERSECTS(geom,POLYGON((0 40,10 40,10 50,0 50,0 40)))",
        &["LUX", "DEU", "FRA", "BEL"],
    ),
    // Through France, then Germany from its corner (7.5, 47.5).
    ("S_INTERSECTS(geom,LINESTRING(0 40,10 50))", &["FRA", "DEU"]),
    (
        "S_DISJOINT(geom,BBOX(0,40,10,50))",
        &["FJI", "NZL", "ARG", "CAN", "USA", "GAB", "ATA", "HOL"],
    ),
    (
        "S_DISJOINT(geom,POLYGON((0 40,10 40,10 50,0 50,0 40)))",
        &["FJI", "NZL", "ARG", "CAN", "USA", "GAB", "ATA", "HOL"],
    ),
    (
        "S_DISJOINT(geom,LINESTRING(0 40,10 50))",
        &["LUX", "BEL", "FJI", "NZL", "ARG", "CAN", "USA", "GAB", "ATA", "HOL"],
    ),
    (
        "S_DISJOINT(geom,POINT(7.02 49.92))",
        &["LUX", "FRA", "BEL", "FJI", "NZL", "ARG", "CAN", "USA", "GAB", "ATA", "HOL"],
    ),
    // Luxembourg itself does not touch its own outline: the interiors meet.
    (
        "S_TOUCHES(geom,POLYGON((6.043073357781111 50.128051662794235,6.242751092156993 49.90222565367873,6.186320428094177 49.463802802114515,5.897759230176348 49.44266714130711,5.674051954784829 49.529483547557504,5.782417433300907 50.09032786722122,6.043073357781111 50.128051662794235)))",
        &["DEU", "FRA", "BEL"],
    ),
    (
        "S_TOUCHES(geom,POINT(6.043073357781111 50.128051662794235))",
        &["LUX", "DEU", "BEL"],
    ),
    (
        "S_TOUCHES(geom,POINT(6.242751092156993 49.90222565367873))",
        &["LUX", "DEU"],
    ),
    (
        "S_TOUCHES(geom,LINESTRING(6.043073357781111 50.128051662794235,6.242751092156993 49.90222565367873))",
        &["LUX", "DEU", "BEL"],
    ),
    (
        "S_WITHIN(geom,BBOX(-180,-90,0,90))",
        &["ARG", "CAN", "USA", "HOL"],
    ),
    ("S_CONTAINS(geom,BBOX(7,50,8,51))", &["DEU"]),
    ("S_CONTAINS(geom,LINESTRING(7 50,8 51))", &["DEU"]),
    ("S_CONTAINS(geom,POINT(7.02 49.92))", &["DEU"]),
    ("S_OVERLAPS(geom,BBOX(-180,-90,0,90))", &["FJI", "ATA", "FRA"]),
];

/// /conf/spatial-functions/s_intersects … s_overlaps, places (points: S_CROSSES applies).
const SPATIAL_GENERIC_PLACES: &[(&str, &[&str])] = &[
    ("S_INTERSECTS(geom,BBOX(-180,-90,180,90))", ALL_PLACES),
    (
        "S_INTERSECTS(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        ALL_PLACES,
    ),
    ("S_INTERSECTS(geom,LINESTRING(7 50, 10 51))", &[]),
    ("S_INTERSECTS(geom,POINT(7.02 49.92))", &[]),
    ("S_DISJOINT(geom,BBOX(-180,-90,180,90))", &[]),
    (
        "S_DISJOINT(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        &[],
    ),
    ("S_DISJOINT(geom,LINESTRING(7 50,10 51))", ALL_PLACES),
    ("S_DISJOINT(geom,POINT(7.02 49.92))", ALL_PLACES),
    (
        "S_EQUALS(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        &[],
    ),
    ("S_EQUALS(geom,LINESTRING(7 50,10 51))", &[]),
    ("S_EQUALS(geom,POINT(7.02 49.92))", &[]),
    ("S_TOUCHES(geom,BBOX(-180,-90,180,90))", &[]),
    (
        "S_TOUCHES(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        &[],
    ),
    ("S_TOUCHES(geom,LINESTRING(7 50,10 51))", &[]),
    ("S_CROSSES(geom,BBOX(-180,-90,180,90))", &[]),
    (
        "S_CROSSES(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        &[],
    ),
    ("S_CROSSES(geom,LINESTRING(7 50,10 51))", &[]),
    ("S_WITHIN(geom,BBOX(-180,-90,180,90))", ALL_PLACES),
    (
        "S_WITHIN(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        ALL_PLACES,
    ),
    ("S_WITHIN(geom,LINESTRING(7 50,10 51))", &[]),
    ("S_WITHIN(geom,MULTIPOINT(7 50,10 51))", &[]),
    ("S_CONTAINS(geom,BBOX(-180,-90,180,90))", &[]),
    (
        "S_CONTAINS(geom,POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90)))",
        &[],
    ),
    ("S_CONTAINS(geom,LINESTRING(7 50,10 51))", &[]),
    ("S_CONTAINS(geom,MULTIPOINT(7 50,10 51))", &[]),
    ("S_OVERLAPS(geom,MULTIPOINT(7 50,10 51))", &[]),
];

/// /conf/spatial-functions/test-data, places; the unnamed place is on the edge of the box,
/// so it meets it without being within it.
const SPATIAL_PLACES: &[(&str, &[&str])] = &[
    (
        "S_INTERSECTS(geom,POLYGON((0 40,10 40,10 50,0 50,0 40)))",
        &["luxembourg", "bern", "paris", "vaduz", "unnamed"],
    ),
    (
        "S_DISJOINT(geom,BBOX(0,40,10,50))",
        &[
            "kobenhavn",
            "berlin",
            "athens",
            "kiev",
            "brussels",
            "buenos_aires",
            "ndjamena",
        ],
    ),
    (
        "S_DISJOINT(geom,POLYGON((0 40,10 40,10 50,0 50,0 40)))",
        &[
            "kobenhavn",
            "berlin",
            "athens",
            "kiev",
            "brussels",
            "buenos_aires",
            "ndjamena",
        ],
    ),
    (
        "S_EQUALS(geom,POINT(6.1300028 49.6116604))",
        &["luxembourg"],
    ),
    ("S_WITHIN(geom,BBOX(-180,-90,0,90))", &["buenos_aires"]),
];

#[test]
fn spatial_functions() {
    check(&countries(), SPATIAL_GENERIC_COUNTRIES);
    check(&countries(), SPATIAL_COUNTRIES);
    check(&places(), SPATIAL_GENERIC_PLACES);
    check(&places(), SPATIAL_PLACES);
}

#[test]
fn spatial_functions_logical() {
    class_combinations(&countries(), &[SPATIAL_COUNTRIES, SPATIAL_PLUS_COUNTRIES]);
    class_combinations(&places(), &[SPATIAL_PLACES, BASIC_PLACES]);
}

// ---------------------------------------------------------------------------------------------
// Array functions: /conf/array-functions
// ---------------------------------------------------------------------------------------------

/// /conf/array-functions/array-predicates on `tags`; the ATS writes the array as
/// `("foo","bar")`, which the BNF reads as two property names (see the deviations), so the
/// texts are single-quoted here.
const ARRAY_PLACES: &[(&str, &[&str])] = &[
    ("A_CONTAINS(tags,('foo','bar'))", &["kobenhavn", "athens"]),
    // Bern's empty list is in every set.
    (
        "A_CONTAINEDBY(tags,('foo','bar'))",
        &["kobenhavn", "berlin", "bern"],
    ),
    ("A_EQUALS(tags,('foo','bar'))", &["kobenhavn"]),
    (
        "A_OVERLAPS(tags,('foo','bar'))",
        &["kobenhavn", "berlin", "athens"],
    ),
];

#[test]
fn array_functions() {
    check(&places(), ARRAY_PLACES);
}

#[test]
fn array_functions_logical() {
    class_combinations(&places(), &[ARRAY_PLACES, BASIC_PLACES]);
}

// ---------------------------------------------------------------------------------------------
// CQL2 text: /conf/cql2-text (every test here is in CQL2 text; this adds /escaping)
// ---------------------------------------------------------------------------------------------

#[test]
fn cql2_text_escaping() {
    check(
        &places(),
        &[
            ("name = 'N''Djamena'", &["ndjamena"]),
            ("name LIKE 'N''%'", &["ndjamena"]),
            (r"name = 'N\'Djamena'", &["ndjamena"]),
            (r"name LIKE 'N\'%'", &["ndjamena"]),
            // A tab, which no name has.
            (r"name LIKE '%\t%'", &[]),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Where we differ from the ATS
// ---------------------------------------------------------------------------------------------

/// What an expression does: the ids it selects, or part of the parser's message.
type Outcome = Result<&'static [&'static str], &'static str>;

/// ATS expressions of claimed classes that we do not pass, with what happens instead. A change
/// that fixes one makes it fail here: move it to its class above.
#[test]
fn known_deviations_from_the_ats() {
    let c = countries();
    let p = places();
    // (collection, expression, Err(part of the message) or Ok(the ids it selects))
    let cases: &[(&Collection, &str, Outcome)] = &[
        // /conf/basic-spatial-functions/s_intersects, basic-spatial-functions-plus/s_intersects,
        // spatial-functions/s_intersects and s_disjoint want latitude 180 refused. The parser
        // cannot (it does not know the filter-crs, and projected ones have any coordinates):
        // the items query refuses it once in WGS84 (features::query, tested in tests/ogc.rs).
        (&c, "S_INTERSECTS(geom,POINT(90 180))", Ok(&[])),
        (
            &c,
            "S_INTERSECTS(geom,MULTIPOINT(7.02 49.92, 90 180))",
            Ok(&["DEU"]),
        ),
        (&c, "S_DISJOINT(geom,POINT(90 180))", Ok(ALL_COUNTRIES)),
        // /conf/advanced-comparison-operators/in compares dates and timestamps with texts;
        // /req/advanced-comparison-operators/in-predicate B wants one type, and
        // /per/basic-cql2/type-casts lets us refuse.
        (
            &p,
            "\"date\" in ('2022-04-14', '2022-04-15')",
            Err("cannot be compared with text"),
        ),
        (
            &p,
            "start in ('2022-04-14T14:52:56Z', '2022-04-14T15:52:56Z')",
            Err("cannot be compared with text"),
        ),
        // /conf/array-functions/array-predicates: by the BNF, "foo" is a property name, and
        // our arrays hold texts only.
        (
            &p,
            "A_CONTAINS(tags,(\"foo\",\"bar\"))",
            Err("expected a text in single quotes"),
        ),
    ];
    let mut problems = Vec::new();
    for (coll, expr, now) in cases {
        let got = selected(coll, expr);
        let same = match (now, &got) {
            (Err(part), Err(message)) => message.contains(part),
            (Ok(ids), Ok(set)) => ids.iter().copied().collect::<BTreeSet<_>>() == *set,
            _ => false,
        };
        if !same {
            problems.push(format!("{expr}: recorded {now:?}, now {got:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

}

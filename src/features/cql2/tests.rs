//! Unit tests of the parser and evaluator, through the public interface.

use geo::{coord, polygon, BoundingRect, Intersects, MultiPolygon, Point};

use super::error::column_of;
use super::eval::like_matches;
use super::parser::compile_like;
use super::*;

/// status, area_m2, available_from, industries, park (nullable), vacant, geometry, "in".
struct TestSchema;

impl Schema for TestSchema {
    fn property(&self, name: &str) -> Option<(PropertyId, Type)> {
        let found = match name {
            "status" => (0, Type::Text),
            "area_m2" => (1, Type::Number),
            "available_from" => (2, Type::Date),
            "industries" => (3, Type::TextList),
            "park" => (4, Type::Text),
            "vacant" => (5, Type::Bool),
            "geometry" => (6, Type::Geometry),
            // A queryable that can only be written quoted.
            "in" => (7, Type::Text),
            "size" => (8, Type::Number),
            _ => return None,
        };
        Some((PropertyId(found.0), found.1))
    }
}

struct TestItem {
    status: &'static str,
    area_m2: Option<f64>,
    available_from: NaiveDate,
    industries: Option<Vec<&'static str>>,
    park: Option<&'static str>,
    vacant: bool,
    area: MultiPolygon,
    point: Option<Point>,
}

impl Item for TestItem {
    fn value(&self, property: PropertyId) -> Value<'_> {
        match property.0 {
            0 => Value::Text(self.status),
            1 => self.area_m2.map_or(Value::Null, Value::Number),
            2 => Value::Date(self.available_from),
            3 => self.industries.clone().map_or(Value::Null, Value::List),
            4 => self.park.map_or(Value::Null, Value::Text),
            5 => Value::Bool(self.vacant),
            7 => Value::Text("inside"),
            8 => Value::Number(100.0),
            _ => Value::Null,
        }
    }

    fn shape(&self) -> Shape<'_> {
        match self.point {
            Some(p) => Shape::Point(p),
            None => Shape::Area(&self.area),
        }
    }
}

fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon {
    MultiPolygon(vec![
        polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)],
    ])
}

/// A 0.2° square parcel in Beijing, 5000 m², available from 2026-01-31.
fn parcel() -> TestItem {
    TestItem {
        status: "available",
        area_m2: Some(5000.0),
        available_from: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
        industries: Some(vec!["C27", "C35"]),
        park: None,
        vacant: true,
        area: square(116.0, 39.0, 116.2, 39.2),
        point: None,
    }
}

fn parse_ok(filter: &str) -> Expr {
    match parse(filter, &TestSchema) {
        Ok(e) => e,
        Err(e) => panic!("`{filter}` should parse: {e}"),
    }
}

fn matches(filter: &str, item: &TestItem) -> bool {
    parse_ok(filter).matches(item)
}

fn error(filter: &str) -> Cql2Error {
    match parse(filter, &TestSchema) {
        Ok(e) => panic!("`{filter}` should be rejected, parsed as {e:?}"),
        Err(e) => e,
    }
}

#[test]
fn number_comparisons_on_both_sides_of_the_threshold() {
    let p = parcel();
    // (operator, [expected at 4999, at 5000, at 5001]) for `area_m2 op n`
    let table = [
        ("=", [false, true, false]),
        ("<>", [true, false, true]),
        ("<", [false, false, true]),
        ("<=", [false, true, true]),
        (">", [true, false, false]),
        (">=", [true, true, false]),
    ];
    for (op, expected) in table {
        for (n, want) in [4999, 5000, 5001].into_iter().zip(expected) {
            assert_eq!(
                matches(&format!("area_m2 {op} {n}"), &p),
                want,
                "area_m2 {op} {n}"
            );
        }
    }
    // The property on the right flips the reading.
    assert!(matches("4999 < area_m2", &p));
    assert!(!matches("5001 < area_m2", &p));
    assert!(matches("5e3 = area_m2", &p));
    assert!(matches("area_m2 > -1.5E+2", &p));
    assert!(matches("area_m2>4999.999", &p));
    assert!(!matches("area_m2>5000.001", &p));
}

#[test]
fn text_bool_and_literal_comparisons() {
    let p = parcel();
    assert!(matches("status = 'available'", &p));
    assert!(!matches("status = 'Available'", &p));
    assert!(matches("'available' = status", &p));
    assert!(matches("status < 'b'", &p));
    assert!(!matches("status > 'b'", &p));
    assert!(matches("vacant = TRUE", &p));
    assert!(!matches("vacant = false", &p));
    assert!(matches("vacant <> FALSE", &p));
    // false < true, as in SQL.
    assert!(matches("vacant > FALSE", &p));
    assert!(matches("vacant >= TRUE", &p));
    assert!(matches("vacant <= TRUE", &p));
    assert!(!matches("vacant < TRUE", &p));
    assert!(!matches("vacant > TRUE", &p));
    assert!(matches("FALSE < vacant", &p));
    assert!(matches("1 < 2", &p));
    assert!(!matches("'a' = 'b'", &p));
    assert!(matches("TRUE", &p));
    assert!(!matches("FALSE", &p));
    assert!(matches("size < area_m2", &p));
    assert!(matches(
        "status = 'it''s'",
        &TestItem {
            status: "it's",
            ..parcel()
        }
    ));
}

#[test]
fn dates_and_timestamps() {
    let p = parcel();
    assert!(matches("available_from = DATE('2026-01-31')", &p));
    assert!(!matches("available_from < DATE('2026-01-31')", &p));
    assert!(matches("available_from < DATE('2026-02-01')", &p));
    assert!(matches("available_from > date('2026-01-30')", &p));
    assert!(matches(
        "available_from = TIMESTAMP('2026-01-31T18:30:00Z')",
        &p
    ));
    // 23:00 at UTC-2 is already 1 February in UTC.
    assert!(!matches(
        "available_from = TIMESTAMP('2026-01-31T23:00:00-02:00')",
        &p
    ));
    assert!(matches(
        "available_from < TIMESTAMP('2026-01-31T23:00:00-02:00')",
        &p
    ));
}

#[test]
fn like_with_wildcards_and_escapes() {
    let p = parcel();
    assert!(matches("status LIKE 'avail%'", &p));
    assert!(matches("status LIKE '%able'", &p));
    assert!(matches("status LIKE '%vail%'", &p));
    assert!(matches("status LIKE 'a_ailable'", &p));
    assert!(!matches("status LIKE 'a_vailable'", &p));
    assert!(!matches("status LIKE 'Avail%'", &p));
    assert!(!matches("status LIKE 'avail'", &p));
    assert!(matches("status NOT LIKE 'leased%'", &p));
    assert!(!matches("status NOT LIKE 'avail%'", &p));
    let pct = TestItem {
        status: "50%",
        ..parcel()
    };
    assert!(matches(r"status LIKE '50\%'", &pct));
    assert!(!matches(r"status LIKE '5\%'", &pct));
    let chinese = TestItem {
        status: "可租",
        ..parcel()
    };
    assert!(matches("status LIKE '_租'", &chinese));
    assert!(!matches("status LIKE '_'", &chinese));
    assert!(like_matches(&compile_like("%a%b%c").unwrap(), "xxaxxbxxc"));
    assert!(!like_matches(&compile_like("%a%b%c").unwrap(), "xxaxxcxxb"));
    assert!(like_matches(&compile_like("").unwrap(), ""));
    assert!(!like_matches(&compile_like("").unwrap(), "a"));
    // Text can no longer end in a lone backslash (`\'` is a quote), but the check stays.
    assert_eq!(
        compile_like("a\\"),
        Err("LIKE pattern 'a\\' ends with the escape character `\\`".to_string())
    );
}

#[test]
fn backslash_escapes_in_text() {
    let with = |status| TestItem { status, ..parcel() };
    // /req/cql2-text/escaping B: `''` and `\'` both write a quote.
    assert!(matches("status = 'it''s'", &with("it's")));
    assert!(matches(r"status = 'it\'s'", &with("it's")));
    assert!(matches(r"status LIKE 'it\'%'", &with("it's")));
    // C: the control characters.
    assert!(matches(r"status = 'a\tb'", &with("a\tb")));
    assert!(matches(
        r"status = '\a\b\t\n\v\f\r'",
        &with("\u{7}\u{8}\t\n\u{b}\u{c}\r")
    ));
    assert!(!matches(r"status = 'a\tb'", &with(r"a\tb")));
    // Any other backslash stays for LIKE: `\%` is a percent sign, `\\` a backslash.
    assert!(matches(r"status LIKE '50\%'", &with("50%")));
    assert!(matches(r"status LIKE 'a\\b'", &with(r"a\b")));
    assert!(matches(r"status = 'a\\'", &with(r"a\\")));
    assert!(matches(r"status = 'a\\' AND area_m2 = 5000", &with(r"a\\")));
    // Quoted property names have no escapes.
    assert!(error(r#""st\"atus" = 'a'"#)
        .message
        .contains("never closed"));
}

#[test]
fn between_is_inclusive() {
    let p = parcel();
    assert!(matches("area_m2 BETWEEN 5000 AND 6000", &p));
    assert!(matches("area_m2 BETWEEN 4000 AND 5000", &p));
    assert!(!matches("area_m2 BETWEEN 5000.5 AND 6000", &p));
    assert!(!matches("area_m2 BETWEEN 4000 AND 4999", &p));
    assert!(matches("area_m2 NOT BETWEEN 1 AND 2", &p));
    assert!(!matches("area_m2 NOT BETWEEN 1 AND 5000", &p));
    assert!(matches(
        "available_from BETWEEN DATE('2026-01-01') AND DATE('2026-01-31')",
        &p
    ));
    assert!(!matches(
        "available_from BETWEEN DATE('2026-02-01') AND DATE('2026-03-01')",
        &p
    ));
    // BETWEEN's AND binds to BETWEEN, not to the boolean AND.
    assert!(matches(
        "area_m2 BETWEEN 1 AND 6000 AND status = 'available'",
        &p
    ));
    assert!(!matches(
        "area_m2 BETWEEN 1 AND 6000 AND status = 'leased'",
        &p
    ));
}

#[test]
fn in_lists() {
    let p = parcel();
    assert!(matches("status IN ('leased', 'available')", &p));
    assert!(!matches("status IN ('leased', 'sold')", &p));
    assert!(matches("status NOT IN ('leased', 'sold')", &p));
    assert!(!matches("status NOT IN ('available')", &p));
    assert!(matches("area_m2 IN (1, 5000)", &p));
    assert!(!matches("area_m2 IN (4999)", &p));
}

#[test]
fn precedence_and_not() {
    let p = parcel();
    // true OR (false AND false) = true; (true OR false) AND false would be false.
    assert!(matches(
        "status = 'available' OR area_m2 = 1 AND area_m2 = 2",
        &p
    ));
    assert!(!matches(
        "(status = 'available' OR area_m2 = 1) AND area_m2 = 2",
        &p
    ));
    // NOT binds tighter than AND: (NOT false) AND true.
    assert!(matches("NOT area_m2 = 1 AND status = 'available'", &p));
    assert!(!matches(
        "NOT (area_m2 = 5000 AND status = 'available')",
        &p
    ));
    assert!(matches("NOT NOT status = 'available'", &p));
    assert!(!matches("NOT status = 'available'", &p));
    assert!(matches("((((status = 'available'))))", &p));
}

#[test]
fn nulls_follow_three_valued_logic() {
    let p = parcel(); // park is null
    assert!(!matches("park = 'Zhongguancun'", &p));
    assert!(!matches("park <> 'Zhongguancun'", &p));
    assert!(!matches("NOT (park = 'Zhongguancun')", &p));
    assert!(!matches("park LIKE '%'", &p));
    assert!(!matches("park NOT LIKE '%'", &p));
    assert!(!matches("park IN ('a')", &p));
    assert!(!matches("park NOT IN ('a')", &p));
    assert!(matches("park IS NULL", &p));
    assert!(!matches("park IS NOT NULL", &p));
    assert!(!matches("NOT (park IS NULL)", &p));
    // unknown OR true = true; unknown AND false = false, so its NOT is true.
    assert!(matches("park = 'x' OR status = 'available'", &p));
    assert!(!matches("park = 'x' OR status = 'leased'", &p));
    assert!(matches("NOT (park = 'x' AND status = 'leased')", &p));
    assert!(!matches("NOT (park = 'x' AND status = 'available')", &p));
    let no_area = TestItem {
        area_m2: None,
        ..parcel()
    };
    assert!(!matches("area_m2 BETWEEN 0 AND 1e9", &no_area));
    assert!(!matches("area_m2 NOT BETWEEN 0 AND 1", &no_area));
    let with_park = TestItem {
        park: Some("Zhongguancun"),
        ..parcel()
    };
    assert!(matches("park = 'Zhongguancun'", &with_park));
    assert!(matches("park IS NOT NULL", &with_park));
    assert!(!matches("geometry IS NULL", &p));
    assert!(matches("geometry IS NOT NULL", &p));
}

#[test]
fn keywords_are_case_insensitive_and_identifiers_may_be_quoted() {
    let p = parcel();
    assert!(matches(
        "status = 'available' aNd NoT area_m2 = 1 Or FALSE",
        &p
    ));
    assert!(matches(
        "status like 'a%' and area_m2 between 1 and 5000",
        &p
    ));
    assert!(matches("park is null and status not in ('x')", &p));
    assert!(matches(
        "s_intersects(geometry, bbox(116.1, 39.1, 117, 40))",
        &p
    ));
    assert!(matches("a_overlaps(industries, ('C27'))", &p));
    assert!(matches("\"area_m2\" = 5000", &p));
    assert!(matches("\"in\" = 'inside'", &p));
    assert!(matches(
        "S_WITHIN(\"geometry\", POLYGON((115 38, 118 38, 118 41, 115 41, 115 38)))",
        &p
    ));
    // Property names themselves are not case-folded.
    assert!(error("Status = 'x'").message.contains("`Status`"));
    // An unquoted keyword is not a property.
    assert!(error("in = 'inside'")
        .message
        .starts_with("expected a property or a value at column 1"));
}

#[test]
fn spatial_predicates_in_both_argument_orders() {
    let p = parcel(); // square 116.0..116.2 × 39.0..39.2
    let cases = [
        ("S_INTERSECTS(geometry, BBOX(116.1, 39.1, 117, 40))", true),
        ("S_INTERSECTS(BBOX(116.1, 39.1, 117, 40), geometry)", true),
        ("S_INTERSECTS(geometry, BBOX(116.21, 39.1, 117, 40))", false),
        ("S_DISJOINT(geometry, BBOX(116.21, 39.1, 117, 40))", true),
        ("S_DISJOINT(geometry, BBOX(116.1, 39.1, 117, 40))", false),
        ("S_WITHIN(geometry, BBOX(115, 38, 117, 40))", true),
        ("S_WITHIN(geometry, BBOX(116.1, 38, 117, 40))", false),
        // literal WITHIN feature: the big box is not inside the parcel.
        ("S_WITHIN(BBOX(115, 38, 117, 40), geometry)", false),
        ("S_WITHIN(POINT(116.1 39.1), geometry)", true),
        ("S_WITHIN(POINT(116.3 39.1), geometry)", false),
        ("S_CONTAINS(geometry, POINT(116.1 39.1))", true),
        ("S_CONTAINS(geometry, POINT(116.3 39.1))", false),
        ("S_CONTAINS(POINT(116.1 39.1), geometry)", false),
        ("S_CONTAINS(BBOX(115, 38, 117, 40), geometry)", true),
        ("S_INTERSECTS(geometry, LINESTRING(115 39.1, 117 39.1))", true),
        ("S_INTERSECTS(geometry, LINESTRING(115 38, 117 38))", false),
        ("S_INTERSECTS(geometry, MULTIPOINT((0 0), (116.1 39.1)))", true),
        ("S_INTERSECTS(geometry, MULTIPOINT(0 0, 1 1))", false),
        ("S_INTERSECTS(geometry, MULTILINESTRING((0 0, 1 1), (116.1 38, 116.1 40)))", true),
        ("S_INTERSECTS(geometry, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((116.1 39.1, 116.3 39.1, 116.3 39.3, 116.1 39.1))))", true),
        ("S_INTERSECTS(geometry, POINT Z (116.1 39.1 50))", true),
        // A hole around the whole parcel: inside the outer ring, yet disjoint.
        ("S_INTERSECTS(geometry, POLYGON((115 38, 118 38, 118 41, 115 41, 115 38), (115.5 38.5, 116.5 38.5, 116.5 39.5, 115.5 39.5, 115.5 38.5)))", false),
        ("S_EQUALS(geometry, BBOX(116.0, 39.0, 116.2, 39.2))", true),
        ("S_EQUALS(geometry, BBOX(116.0, 39.0, 116.2, 39.3))", false),
        ("S_TOUCHES(geometry, BBOX(116.2, 39.0, 116.4, 39.2))", true),
        ("S_TOUCHES(geometry, BBOX(116.1, 39.0, 116.4, 39.2))", false),
        ("S_OVERLAPS(geometry, BBOX(116.1, 39.0, 116.4, 39.2))", true),
        ("S_CROSSES(geometry, LINESTRING(115 39.1, 117 39.1))", true),
        ("S_INTERSECTS(POINT(1 1), BBOX(0, 0, 2, 2))", true),
        // A collection meets the parcel if any member does.
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(0 0), POLYGON((116.1 39.1, 117 39.1, 117 40, 116.1 39.1))))", true),
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(0 0), LINESTRING(1 1, 2 2)))", false),
        ("S_INTERSECTS(GEOMETRYCOLLECTION Z (POINT Z (116.1 39.1 5), POINT(0 0)), geometry)", true),
        ("S_DISJOINT(geometry, GEOMETRYCOLLECTION(POINT(0 0), LINESTRING(1 1, 2 2)))", true),
        ("S_WITHIN(geometry, GEOMETRYCOLLECTION(POLYGON((115 38, 118 38, 118 41, 115 41, 115 38)), POINT(0 0)))", true),
        ("S_CONTAINS(geometry, GEOMETRYCOLLECTION(POINT(116.1 39.1), POINT(116.15 39.15)))", true),
        ("S_CONTAINS(geometry, GEOMETRYCOLLECTION(POINT(116.1 39.1), POINT(0 0)))", false),
        ("S_INTERSECTS(POINT(3 1), BBOX(0, 0, 2, 2))", false),
    ];
    for (filter, want) in cases {
        assert_eq!(matches(filter, &p), want, "{filter}");
    }
    let point = TestItem {
        point: Some(Point::new(116.1, 39.1)),
        ..parcel()
    };
    assert!(matches(
        "S_WITHIN(geometry, BBOX(116, 39, 117, 40))",
        &point
    ));
    assert!(!matches(
        "S_WITHIN(geometry, BBOX(116.2, 39, 117, 40))",
        &point
    ));
    assert!(matches("S_INTERSECTS(geometry, POINT(116.1 39.1))", &point));
}

#[test]
fn bbox_across_the_antimeridian_is_two_boxes() {
    let east = TestItem {
        area: square(179.5, 0.0, 179.9, 1.0),
        ..parcel()
    };
    let west = TestItem {
        area: square(-179.9, 0.0, -179.5, 1.0),
        ..parcel()
    };
    let home = parcel();
    let filter = "S_INTERSECTS(geometry, BBOX(179, -10, -179, 10))";
    assert!(matches(filter, &east));
    assert!(matches(filter, &west));
    assert!(!matches(filter, &home));
    assert!(!matches(
        "S_INTERSECTS(geometry, BBOX(179.95, -10, -179.95, 10))",
        &east
    ));
    assert!(matches(
        "S_WITHIN(geometry, BBOX(179, -10, -179, 10))",
        &west
    ));
    let hint = parse_ok(filter).bbox_hint().unwrap();
    for item in [&east, &west] {
        assert!(hint.intersects(&item.area.bounding_rect().unwrap()));
    }
}

#[test]
fn array_functions_in_both_argument_orders() {
    let p = parcel(); // industries C27, C35
    let cases = [
        ("A_CONTAINS(industries, ('C27'))", true),
        ("A_CONTAINS(industries, ('C27', 'C35'))", true),
        ("A_CONTAINS(industries, ('C27', 'C39'))", false),
        ("A_CONTAINS(('C27', 'C35', 'C39'), industries)", true),
        ("A_CONTAINS(('C27'), industries)", false),
        ("A_CONTAINEDBY(industries, ('C27', 'C35', 'C39'))", true),
        ("A_CONTAINEDBY(industries, ('C27'))", false),
        ("A_CONTAINEDBY(('C27'), industries)", true),
        ("A_OVERLAPS(industries, ('C39', 'C35'))", true),
        ("A_OVERLAPS(industries, ('C39'))", false),
        ("A_OVERLAPS(industries, ())", false),
        ("A_EQUALS(industries, ('C35', 'C27'))", true),
        ("A_EQUALS(industries, ('C35'))", false),
        ("A_EQUALS(('C27', 'C35'), industries)", true),
        ("NOT A_OVERLAPS(industries, ('C39'))", true),
    ];
    for (filter, want) in cases {
        assert_eq!(matches(filter, &p), want, "{filter}");
    }
    let none = TestItem {
        industries: None,
        ..parcel()
    };
    assert!(!matches("A_OVERLAPS(industries, ('C27'))", &none));
    assert!(!matches("NOT A_OVERLAPS(industries, ('C27'))", &none));
    assert!(matches("industries IS NULL", &none));
}

#[test]
fn bbox_hint_bounds_spatial_filters_only_when_safe() {
    let none = None;
    let r = |x0: f64, y0: f64, x1: f64, y1: f64| Some(Rect::new(coord! { x: x0, y: y0 }, coord! { x: x1, y: y1 }));
    let cases = [
        ("S_INTERSECTS(geometry, BBOX(1, 2, 3, 4))", r(1.0, 2.0, 3.0, 4.0)),
        ("S_WITHIN(BBOX(1, 2, 3, 4), geometry)", r(1.0, 2.0, 3.0, 4.0)),
        ("status = 'x' AND S_WITHIN(geometry, BBOX(1, 2, 3, 4))", r(1.0, 2.0, 3.0, 4.0)),
        // Under AND the smaller box wins; under OR the union.
        ("S_INTERSECTS(geometry, BBOX(0, 0, 10, 10)) AND S_INTERSECTS(geometry, BBOX(1, 1, 2, 2))", r(1.0, 1.0, 2.0, 2.0)),
        ("S_INTERSECTS(geometry, BBOX(0, 0, 1, 1)) OR S_CONTAINS(geometry, POINT(5 6))", r(0.0, 0.0, 5.0, 6.0)),
        ("S_INTERSECTS(geometry, BBOX(0, 0, 1, 1)) OR status = 'x'", none),
        ("NOT S_INTERSECTS(geometry, BBOX(0, 0, 1, 1))", none),
        ("S_DISJOINT(geometry, BBOX(0, 0, 1, 1))", none),
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(0 0), POINT(5 6)))", r(0.0, 0.0, 5.0, 6.0)),
        ("S_INTERSECTS(POINT(0 0), BBOX(0, 0, 1, 1))", none),
        ("status = 'x'", none),
    ];
    for (filter, hint) in cases {
        assert_eq!(parse_ok(filter).bbox_hint(), hint, "{filter}");
    }
}

#[test]
fn bbox_hint_never_excludes_a_match() {
    let items = [
        parcel(),
        TestItem {
            area: square(116.3, 39.3, 116.4, 39.4),
            status: "leased",
            ..parcel()
        },
        TestItem {
            point: Some(Point::new(116.05, 39.05)),
            ..parcel()
        },
        TestItem {
            area: square(179.5, 0.0, 179.9, 1.0),
            ..parcel()
        },
    ];
    let filters = [
        "S_INTERSECTS(geometry, BBOX(116.1, 39.1, 116.35, 39.35)) AND S_INTERSECTS(geometry, BBOX(116.15, 39.15, 116.5, 39.5))",
        "S_INTERSECTS(geometry, BBOX(116.19, 39.0, 116.31, 39.5)) OR S_WITHIN(geometry, BBOX(116, 39, 116.1, 39.1))",
        "status = 'leased' AND S_CONTAINS(geometry, POINT(116.35 39.35))",
        "S_TOUCHES(geometry, BBOX(116.2, 39.0, 116.3, 39.2))",
        "S_INTERSECTS(geometry, BBOX(179, -10, -179, 10)) OR S_INTERSECTS(geometry, POINT(116.05 39.05))",
        "(S_WITHIN(geometry, BBOX(100, 30, 120, 40)) AND status = 'available') OR S_EQUALS(geometry, BBOX(116.3, 39.3, 116.4, 39.4))",
    ];
    let mut matched = 0;
    for f in filters {
        let e = parse_ok(f);
        let hint = e
            .bbox_hint()
            .unwrap_or_else(|| panic!("{f} should have a hint"));
        for item in &items {
            if e.matches(item) {
                matched += 1;
                let bounds = match item.shape() {
                    Shape::Area(mp) => mp.bounding_rect().unwrap(),
                    Shape::Point(p) => p.bounding_rect(),
                };
                assert!(
                    hint.intersects(&bounds),
                    "{f}: hint {hint:?} excludes a match {bounds:?}"
                );
            }
        }
    }
    // Guard against a vacuous pass.
    assert!(matched >= 8, "only {matched} matches");
}

#[test]
fn transform_moves_every_literal() {
    let p = parcel();
    // Written 10° east of the parcel; shifting back makes it match.
    let mut e = parse_ok(
        "S_INTERSECTS(geometry, BBOX(126.1, 39.1, 127, 40)) OR S_CONTAINS(POINT(1 1), POINT(1 1))",
    );
    assert!(e.matches(&p)); // through the literal-vs-literal branch
    let mut shifted = parse_ok("S_INTERSECTS(geometry, BBOX(126.1, 39.1, 127, 40))");
    assert!(!shifted.matches(&p));
    shifted
        .transform_geometries(&|c| Ok(coord! { x: c.x - 10.0, y: c.y }))
        .unwrap();
    assert!(shifted.matches(&p));
    assert_eq!(
        shifted.bbox_hint(),
        Some(Rect::new(
            coord! { x: 116.1, y: 39.1 },
            coord! { x: 117.0, y: 40.0 }
        ))
    );
    let err = e.transform_geometries(&|c| {
        if c.x > 100.0 {
            Err(format!("x {} out of range", c.x))
        } else {
            Ok(c)
        }
    });
    assert_eq!(err, Err("x 126.1 out of range".to_string()));
    let mut nan = parse_ok("S_INTERSECTS(geometry, POINT(1 2))");
    assert!(nan
        .transform_geometries(&|_| Ok(coord! { x: f64::NAN, y: 0.0 }))
        .unwrap_err()
        .contains("(1, 2)"));
    // Non-spatial filters have nothing to transform.
    let mut plain = parse_ok("status = 'x'");
    assert_eq!(
        plain.transform_geometries(&|_| Err("called".into())),
        Ok(())
    );
}

/// (filter, exact message): every error names its token or property and its column.
#[test]
fn error_messages_name_the_problem_and_the_column() {
    let cases = [
        ("colour = 'red'", "`colour` is not a queryable of this collection (column 1)"),
        ("area_m2 = 'big'", "`area_m2` is a number; it cannot be compared with text 'big' (column 11)"),
        ("'big' < area_m2", "`area_m2` is a number; it cannot be compared with text 'big' (column 9)"),
        ("status = area_m2", "`status` is text; it cannot be compared with `area_m2`, which is a number (column 10)"),
        ("1 = 'a'", "number 1 cannot be compared with text 'a' (column 5)"),
        ("available_from > '2026-01-01'", "`available_from` is a date; it cannot be compared with text '2026-01-01' (column 18)"),
        ("vacant = 1", "`vacant` is a boolean; it cannot be compared with number 1 (column 10)"),
        ("area_m2 IN (1, 'x')", "`area_m2` is a number; it cannot be compared with text 'x' (column 16)"),
        ("area_m2 BETWEEN 1 AND DATE('2026-01-01')", "`area_m2` is a number; it cannot be compared with DATE('2026-01-01') (column 23)"),
        ("status BETWEEN 'a' AND 'b'", "BETWEEN needs a number or a date, but `status` is text (column 1)"),
        ("area_m2 LIKE '5%'", "LIKE needs text, but `area_m2` is a number (column 1)"),
        ("status LIKE CASEI('a%')", "CASEI is not supported (column 13)"),
        ("CASEI(status) = 'a'", "CASEI is not supported (column 1)"),
        ("ACCENTI(status) = 'a'", "ACCENTI is not supported (column 1)"),
        ("(status = 'a'", "expected `)` at column 14, found end of input"),
        ("status = 'a')", "expected `AND`, `OR` or the end of the filter at column 13, found `)`"),
        ("status = 'a' status", "expected `AND`, `OR` or the end of the filter at column 14, found `status`"),
        ("", "the filter is empty (column 1)"),
        ("   ", "the filter is empty (column 1)"),
        ("status =", "expected a property or a value at column 9, found end of input"),
        ("status", "expected a comparison (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN or IS NULL) after `status` at column 7, found end of input"),
        ("status NOT = 'a'", "expected `LIKE`, `BETWEEN` or `IN` after `NOT` at column 12, found `=`"),
        ("park IS 'x'", "expected `NULL` at column 9, found text 'x'"),
        ("'x' IS NULL", "IS NULL needs a property, found text 'x' (column 1)"),
        ("park = NULL", "NULL is not a value here; test for a missing value with `property IS NULL` (column 8)"),
        ("status != 'a'", "`!=` is not CQL2; write `<>` for \"not equal\" (column 8)"),
        ("status = 'open", "text starting with `'` is never closed (column 10)"),
        ("\"status = 1", "quoted property name starting with `\"` is never closed (column 1)"),
        ("area_m2 = 1e999", "number `1e999` is out of range (column 11)"),
        ("area_m2 = 1 + 2", "unexpected character `+` (arithmetic is not supported) (column 13)"),
        ("status = 'a' # x", "unexpected character `#` (column 14)"),
        ("industries = 'C27'", "`industries` is a list of texts; `=` cannot compare it — use A_OVERLAPS(industries, ('…', '…')) to match any of the values, or A_CONTAINS to require all of them (column 1)"),
        ("industries IN ('C27')", "`industries` is a list of texts; `IN` cannot compare it — use A_OVERLAPS(industries, ('…', '…')) to match any of the values, or A_CONTAINS to require all of them (column 1)"),
        ("geometry = 'x'", "`geometry` is the geometry; `=` cannot compare it — use S_INTERSECTS, S_WITHIN, S_CONTAINS or S_DISJOINT (column 1)"),
        ("available_from = DATE('2026-02-30')", "DATE('2026-02-30') is not a valid date (expected YYYY-MM-DD) (column 23)"),
        ("available_from = DATE('2026-2-3')", "DATE('2026-2-3') is not a valid date (expected YYYY-MM-DD) (column 23)"),
        ("available_from = TIMESTAMP('yesterday')", "TIMESTAMP('yesterday') is not a valid timestamp (expected YYYY-MM-DDThh:mm:ssZ) (column 28)"),
        ("T_AFTER(available_from, DATE('2026-01-01'))", "the temporal operator T_AFTER is not supported; compare dates with <, >, = or BETWEEN (column 1)"),
        ("FOO(status) = 1", "unknown function `FOO` (column 1)"),
        ("S_INTERSECTS(status, POINT(1 2))", "`status` is text; S_INTERSECTS needs the geometry property and a geometry literal (column 14)"),
        ("S_INTERSECTS(geometry, geometry)", "S_INTERSECTS compares the geometry with itself; one argument must be a geometry literal such as BBOX(…) or POLYGON(…) (column 1)"),
        ("S_INTERSECTS(geometry, shape)", "`shape` is not a queryable of this collection (column 24)"),
        ("S_INTERSECTS(geometry, POINT(1))", "expected a number at column 31, found `)`"),
        ("S_INTERSECTS(geometry, BBOX(1, 2, 3))", "BBOX needs 4 numbers (minx, miny, maxx, maxy), found 3 (column 24)"),
        ("S_INTERSECTS(geometry, BBOX(0, 5, 1, 3))", "BBOX has miny 5 greater than maxy 3 (column 24)"),
        ("S_INTERSECTS(geometry, BBOX(200, 0, 100, 1))", "BBOX has minx 200 greater than maxx 100, which only makes sense across the antimeridian (longitudes within -180..180) (column 24)"),
        ("S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 1)))", "a polygon ring must end at its first point (column 32)"),
        ("S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 0 0)))", "a polygon ring needs at least 4 points, found 3 (column 32)"),
        ("S_INTERSECTS(geometry, POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)))", "invalid POLYGON: exterior ring has a self-intersection (column 24)"),
        ("S_INTERSECTS(geometry, LINESTRING(0 0))", "a line needs at least 2 points (column 34)"),
        ("S_INTERSECTS(geometry, POINT EMPTY)", "POINT EMPTY is not supported (column 30)"),
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION EMPTY)", "GEOMETRYCOLLECTION EMPTY is not supported (column 43)"),
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POINT(1 2))))", "expected POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING or MULTIPOLYGON in the GEOMETRYCOLLECTION at column 43, found `GEOMETRYCOLLECTION`"),
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 2), BBOX(0, 0, 1, 1)))", "expected POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING or MULTIPOLYGON in the GEOMETRYCOLLECTION at column 55, found `BBOX`"),
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 2), POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))))", "invalid POLYGON: exterior ring has a self-intersection (column 55)"),
        ("POINT(1 2) = 1", "the geometry literal POINT(…) can only be used inside S_INTERSECTS, S_DISJOINT, S_WITHIN or S_CONTAINS (column 1)"),
        ("A_CONTAINS(status, ('a'))", "`status` is text; A_CONTAINS needs a list property or an array like ('a', 'b') (column 12)"),
        ("A_CONTAINS(industries, (1))", "expected a text in single quotes in the A_CONTAINS array at column 25, found number 1"),
        ("A_CONTAINS(industries, ('a')", "expected `)` at column 29, found end of input"),
        ("status IN ()", "expected a property or a value at column 12, found `)`"),
        ("status IN ('a' 'b')", "expected `,` or `)` in the IN list at column 16, found text 'b'"),
        // `\'` is a quote, so this text never ends.
        ("status LIKE 'a\\'", "text starting with `'` is never closed (column 13)"),
        ("状态 = 'x'", "`状态` is not a queryable of this collection (column 1)"),
        ("status = '可租' AND 颜色 = 'x'", "`颜色` is not a queryable of this collection (column 19)"),
        ("\"col\"\"our\" = 1", "`col\"our` is not a queryable of this collection (column 1)"),
    ];
    for (filter, want) in cases {
        let e = error(filter);
        assert_eq!(e.message, want, "for `{filter}`");
        assert_eq!(e.to_string(), want);
        assert!(
            e.message.contains(&format!("column {}", e.column)),
            "{filter}: {e:?}"
        );
        assert_eq!(column_of(filter, e.offset), e.column);
    }
}

#[test]
fn nesting_is_limited() {
    let ok = format!(
        "{}status = 'a'{}",
        "(".repeat(MAX_DEPTH),
        ")".repeat(MAX_DEPTH)
    );
    assert!(parse(&ok, &TestSchema).is_ok());
    let deep = format!(
        "{}status = 'a'{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    let e = error(&deep);
    assert!(
        e.message
            .starts_with("the filter nests parentheses or NOT more than 64 levels deep"),
        "{e}"
    );
    assert_eq!(e.column, MAX_DEPTH + 1);
    // Hostile input: far past any stack, still a clean error.
    assert!(error(&"(".repeat(200_000)).message.contains("64 levels"));
    assert!(error(&"NOT ".repeat(200_000)).message.contains("64 levels"));
    let not_ok = format!("{}status = 'a'", "NOT ".repeat(MAX_DEPTH));
    assert!(parse(&not_ok, &TestSchema).is_ok());
    // Long flat chains are not nesting.
    let flat = vec!["status = 'a'"; 5000].join(" OR ");
    assert!(parse_ok(&flat).matches(&TestItem {
        status: "a",
        ..parcel()
    }));
}

#[test]
fn never_panics_on_prefixes_and_garbage() {
    let valid = [
        "status = 'available' AND (area_m2 BETWEEN 1000 AND 9000 OR park IS NOT NULL)",
        "S_INTERSECTS(geometry, POLYGON((116 39, 117 39, 117 40, 116 40, 116 39), (116.2 39.2, 116.4 39.2, 116.4 39.4, 116.2 39.2)))",
        "S_WITHIN(MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0))), geometry) OR S_INTERSECTS(geometry, MULTIPOINT(1 2, 3 4))",
        "A_CONTAINS(industries, ('C27', 'C35')) AND NOT status LIKE '可%' AND \"in\" IN ('a', 'b')",
        "available_from >= TIMESTAMP('2026-01-31T00:00:00Z') AND S_DISJOINT(BBOX(170, -1, -170, 1), geometry)",
        "S_INTERSECTS(geometry, MULTILINESTRING((0 0, 1 1), (2 2, 3 3))) AND vacant = TRUE",
        "S_WITHIN(geometry, GEOMETRYCOLLECTION Z (POINT(1 2), LINESTRING(0 0, 1 1), POLYGON((0 0, 1 0, 1 1, 0 0))))",
    ];
    let p = parcel();
    let mut rejected = 0;
    for v in valid {
        parse_ok(v);
        let boundaries: Vec<usize> = v.char_indices().map(|(i, _)| i).collect();
        for &i in &boundaries {
            match parse(&v[..i], &TestSchema) {
                Ok(e) => {
                    e.matches(&p);
                    e.bbox_hint();
                }
                Err(e) => {
                    rejected += 1;
                    assert!(e.offset <= i && e.column >= 1, "{:?}: {e:?}", &v[..i]);
                }
            }
            // Also every string with one character removed.
            let mut dropped = v[..i].to_string();
            dropped.push_str(&v[i..].chars().skip(1).collect::<String>());
            if let Ok(e) = parse(&dropped, &TestSchema) {
                e.matches(&p);
            }
        }
    }
    assert!(
        rejected > 300,
        "prefixes should mostly be rejected, got {rejected}"
    );
    let garbage = [
        "(",
        ")",
        "((",
        "))",
        ",",
        "'",
        "\"",
        "''",
        "\"\"",
        "=",
        "<>",
        "<",
        ">=",
        "NOT",
        "AND",
        "OR",
        "IS",
        "NULL",
        "LIKE",
        "IN",
        "BETWEEN",
        "TRUE AND",
        "NOT NOT",
        "status = = 1",
        "-",
        "+",
        ".",
        "-.",
        "1e",
        "1e+",
        ".e1",
        "status = -",
        "status = .5e",
        "S_INTERSECTS",
        "S_INTERSECTS(",
        "S_INTERSECTS()",
        "S_INTERSECTS(,)",
        "BBOX(",
        "POINT(",
        "DATE(",
        "DATE()",
        "DATE('')",
        "A_OVERLAPS((",
        "A_OVERLAPS(()",
        "a_overlaps((),())",
        "S_INTERSECTS(geometry, BBOX())",
        "S_INTERSECTS(geometry, POINT Z)",
        "S_INTERSECTS(geometry, POLYGON(()))",
        "S_INTERSECTS(geometry, MULTIPOINT(()))",
        "\u{0}",
        "\u{feff}status = 'a'",
        "状态",
        "'\u{10FFFF}'",
        "area_m2 = NaN",
        "area_m2 = inf",
        "area_m2 = 0x10",
        "area_m2 IN (",
        "area_m2 BETWEEN 1",
        "area_m2 BETWEEN 1 AND",
        "status LIKE",
        "status LIKE '\\",
        "park IS NOT",
        "T_(",
        "S_INTERSECTS(geometry, BBOX(1,2,3,4,5,6))",
        "S_INTERSECTS(geometry, BBOX(1e308, 0, -1e308, 1))",
        "S_CONTAINS(geometry, POLYGON((0 0, 1e308 0, 1e308 1e308, 0 0)))",
    ];
    for g in garbage {
        if let Ok(e) = parse(g, &TestSchema) {
            e.matches(&p);
            e.bbox_hint();
        }
    }
}

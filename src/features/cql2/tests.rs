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
        Err(Bilingual::new(
            "LIKE pattern 'a\\' ends with the escape character `\\`",
            "LIKE 模式 'a\\' 以转义符 `\\` 结尾"
        ))
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
            Err(Bilingual::new(
                format!("x {} out of range", c.x),
                format!("x {} 超出范围", c.x),
            ))
        } else {
            Ok(c)
        }
    });
    assert_eq!(
        err,
        Err(Bilingual::new("x 126.1 out of range", "x 126.1 超出范围"))
    );
    let mut nan = parse_ok("S_INTERSECTS(geometry, POINT(1 2))");
    let not_finite = nan
        .transform_geometries(&|_| Ok(coord! { x: f64::NAN, y: 0.0 }))
        .unwrap_err();
    assert!(not_finite.en.contains("(1, 2)"));
    assert_eq!(not_finite.zh, "坐标 (1, 2) 转换后的位置不是有限数");
    // A transform that folds a polygon onto itself leaves it invalid, in both languages.
    let mut folded = parse_ok("S_INTERSECTS(geometry, POLYGON((0 0, 2 0, 2 2, 0 2, 0 0)))");
    let err = folded
        .transform_geometries(&|c| {
            Ok(coord! { x: c.x, y: if c.x == 2.0 { 2.0 - c.y } else { c.y } })
        })
        .unwrap_err();
    assert!(
        err.en
            .starts_with("geometry literal is invalid after transformation"),
        "{err:?}"
    );
    assert_eq!(err.zh, "几何字面量转换后无效：外环自相交");
    // Non-spatial filters have nothing to transform.
    let mut plain = parse_ok("status = 'x'");
    assert_eq!(
        plain.transform_geometries(&|_| Err(Bilingual::new("called", "调用了"))),
        Ok(())
    );
}

/// (filter, exact message, its Chinese): every error names its token or property and its column.
#[test]
fn error_messages_name_the_problem_and_the_column() {
    let cases = [
        ("colour = 'red'", "`colour` is not a queryable of this collection (column 1)", "`colour` 不是此数据集合的可查询属性（第 1 列）"),
        ("area_m2 = 'big'", "`area_m2` is a number; it cannot be compared with text 'big' (column 11)", "`area_m2` 是数字，不能与文本 'big' 比较（第 11 列）"),
        ("'big' < area_m2", "`area_m2` is a number; it cannot be compared with text 'big' (column 9)", "`area_m2` 是数字，不能与文本 'big' 比较（第 9 列）"),
        ("status = area_m2", "`status` is text; it cannot be compared with `area_m2`, which is a number (column 10)", "`status` 是文本，不能与 `area_m2`（数字）比较（第 10 列）"),
        ("1 = 'a'", "number 1 cannot be compared with text 'a' (column 5)", "数字 1 不能与文本 'a' 比较（第 5 列）"),
        ("available_from > '2026-01-01'", "`available_from` is a date; it cannot be compared with text '2026-01-01' (column 18)", "`available_from` 是日期，不能与文本 '2026-01-01' 比较（第 18 列）"),
        ("vacant = 1", "`vacant` is a boolean; it cannot be compared with number 1 (column 10)", "`vacant` 是布尔值，不能与数字 1 比较（第 10 列）"),
        ("area_m2 IN (1, 'x')", "`area_m2` is a number; it cannot be compared with text 'x' (column 16)", "`area_m2` 是数字，不能与文本 'x' 比较（第 16 列）"),
        ("area_m2 BETWEEN 1 AND DATE('2026-01-01')", "`area_m2` is a number; it cannot be compared with DATE('2026-01-01') (column 23)", "`area_m2` 是数字，不能与 DATE('2026-01-01') 比较（第 23 列）"),
        ("status BETWEEN 'a' AND 'b'", "BETWEEN needs a number or a date, but `status` is text (column 1)", "BETWEEN 需要数字或日期，但 `status` 是文本（第 1 列）"),
        ("area_m2 LIKE '5%'", "LIKE needs text, but `area_m2` is a number (column 1)", "LIKE 需要文本，但 `area_m2` 是数字（第 1 列）"),
        ("status LIKE CASEI('a%')", "CASEI is not supported (column 13)", "不支持 CASEI（第 13 列）"),
        ("CASEI(status) = 'a'", "CASEI is not supported (column 1)", "不支持 CASEI（第 1 列）"),
        ("ACCENTI(status) = 'a'", "ACCENTI is not supported (column 1)", "不支持 ACCENTI（第 1 列）"),
        ("(status = 'a'", "expected `)` at column 14, found end of input", "第 14 列语法错误：期望 `)`，却遇到过滤条件的结尾"),
        ("status = 'a')", "expected `AND`, `OR` or the end of the filter at column 13, found `)`", "第 13 列语法错误：期望 `AND`、`OR` 或过滤条件的结尾，却遇到 `)`"),
        ("status = 'a' status", "expected `AND`, `OR` or the end of the filter at column 14, found `status`", "第 14 列语法错误：期望 `AND`、`OR` 或过滤条件的结尾，却遇到 `status`"),
        ("", "the filter is empty (column 1)", "过滤条件为空（第 1 列）"),
        ("   ", "the filter is empty (column 1)", "过滤条件为空（第 1 列）"),
        ("status =", "expected a property or a value at column 9, found end of input", "第 9 列语法错误：期望属性或值，却遇到过滤条件的结尾"),
        ("status", "expected a comparison (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN or IS NULL) after `status` at column 7, found end of input", "第 7 列语法错误：期望 `status` 之后的比较（=、<>、<、<=、>、>=、LIKE、BETWEEN、IN 或 IS NULL），却遇到过滤条件的结尾"),
        ("status NOT = 'a'", "expected `LIKE`, `BETWEEN` or `IN` after `NOT` at column 12, found `=`", "第 12 列语法错误：期望 `NOT` 之后的 `LIKE`、`BETWEEN` 或 `IN`，却遇到 `=`"),
        ("park IS 'x'", "expected `NULL` at column 9, found text 'x'", "第 9 列语法错误：期望 `NULL`，却遇到文本 'x'"),
        ("'x' IS NULL", "IS NULL needs a property, found text 'x' (column 1)", "IS NULL 需要属性，却遇到文本 'x'（第 1 列）"),
        ("park = NULL", "NULL is not a value here; test for a missing value with `property IS NULL` (column 8)", "NULL 在这里不是值；判断值是否缺失请写 `属性 IS NULL`（第 8 列）"),
        ("status != 'a'", "`!=` is not CQL2; write `<>` for \"not equal\" (column 8)", "`!=` 不是 CQL2 的写法；“不等于”请写 `<>`（第 8 列）"),
        ("status = 'open", "text starting with `'` is never closed (column 10)", "以 `'` 开头的文本没有闭合（第 10 列）"),
        ("\"status = 1", "quoted property name starting with `\"` is never closed (column 1)", "以 `\"` 开头的带引号的属性名没有闭合（第 1 列）"),
        ("area_m2 = 1e999", "number `1e999` is out of range (column 11)", "数字 `1e999` 超出范围（第 11 列）"),
        ("area_m2 = 1 + 2", "unexpected character `+` (arithmetic is not supported) (column 13)", "意外的字符 `+`（不支持算术运算）（第 13 列）"),
        ("status = 'a' # x", "unexpected character `#` (column 14)", "意外的字符 `#`（第 14 列）"),
        ("industries = 'C27'", "`industries` is a list of texts; `=` cannot compare it — use A_OVERLAPS(industries, ('…', '…')) to match any of the values, or A_CONTAINS to require all of them (column 1)", "`industries` 是文本列表，`=` 不能比较它：要匹配其中任一值请用 A_OVERLAPS(industries, ('…', '…'))，要求全部包含请用 A_CONTAINS（第 1 列）"),
        ("industries IN ('C27')", "`industries` is a list of texts; `IN` cannot compare it — use A_OVERLAPS(industries, ('…', '…')) to match any of the values, or A_CONTAINS to require all of them (column 1)", "`industries` 是文本列表，`IN` 不能比较它：要匹配其中任一值请用 A_OVERLAPS(industries, ('…', '…'))，要求全部包含请用 A_CONTAINS（第 1 列）"),
        ("geometry = 'x'", "`geometry` is the geometry; `=` cannot compare it — use S_INTERSECTS, S_WITHIN, S_CONTAINS or S_DISJOINT (column 1)", "`geometry` 是几何，`=` 不能比较它：请用 S_INTERSECTS、S_WITHIN、S_CONTAINS 或 S_DISJOINT（第 1 列）"),
        ("available_from = DATE('2026-02-30')", "DATE('2026-02-30') is not a valid date (expected YYYY-MM-DD) (column 23)", "DATE('2026-02-30') 不是有效的日期（格式应为 YYYY-MM-DD）（第 23 列）"),
        ("available_from = DATE('2026-2-3')", "DATE('2026-2-3') is not a valid date (expected YYYY-MM-DD) (column 23)", "DATE('2026-2-3') 不是有效的日期（格式应为 YYYY-MM-DD）（第 23 列）"),
        ("available_from = TIMESTAMP('yesterday')", "TIMESTAMP('yesterday') is not a valid timestamp (expected YYYY-MM-DDThh:mm:ssZ) (column 28)", "TIMESTAMP('yesterday') 不是有效的时间戳（格式应为 YYYY-MM-DDThh:mm:ssZ）（第 28 列）"),
        ("T_AFTER(available_from, DATE('2026-01-01'))", "the temporal operator T_AFTER is not supported; compare dates with <, >, = or BETWEEN (column 1)", "不支持时间运算符 T_AFTER；比较日期请用 <、>、= 或 BETWEEN（第 1 列）"),
        ("FOO(status) = 1", "unknown function `FOO` (column 1)", "未知的函数 `FOO`（第 1 列）"),
        ("S_INTERSECTS(status, POINT(1 2))", "`status` is text; S_INTERSECTS needs the geometry property and a geometry literal (column 14)", "`status` 是文本；S_INTERSECTS 需要几何属性和一个几何字面量（第 14 列）"),
        ("S_INTERSECTS(geometry, geometry)", "S_INTERSECTS compares the geometry with itself; one argument must be a geometry literal such as BBOX(…) or POLYGON(…) (column 1)", "S_INTERSECTS 的两个参数都是几何属性；其中一个须是几何字面量，如 BBOX(…) 或 POLYGON(…)（第 1 列）"),
        ("S_INTERSECTS(geometry, shape)", "`shape` is not a queryable of this collection (column 24)", "`shape` 不是此数据集合的可查询属性（第 24 列）"),
        ("S_INTERSECTS(geometry, POINT(1))", "expected a number at column 31, found `)`", "第 31 列语法错误：期望数字，却遇到 `)`"),
        ("S_INTERSECTS(geometry, BBOX(1, 2, 3))", "BBOX needs 4 numbers (minx, miny, maxx, maxy), found 3 (column 24)", "BBOX 需要 4 个数字（最小 x、最小 y、最大 x、最大 y），却有 3 个（第 24 列）"),
        ("S_INTERSECTS(geometry, BBOX(0, 5, 1, 3))", "BBOX has miny 5 greater than maxy 3 (column 24)", "BBOX 的最小 y（5）大于最大 y（3）（第 24 列）"),
        ("S_INTERSECTS(geometry, BBOX(200, 0, 100, 1))", "BBOX has minx 200 greater than maxx 100, which only makes sense across the antimeridian (longitudes within -180..180) (column 24)", "BBOX 的最小 x（200）大于最大 x（100），这只在跨越 180° 经线时才有意义（经度须在 -180..180 以内）（第 24 列）"),
        ("S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 1)))", "a polygon ring must end at its first point (column 32)", "多边形的环必须回到起点（首尾两点相同）（第 32 列）"),
        ("S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 0 0)))", "a polygon ring needs at least 4 points, found 3 (column 32)", "多边形的环至少需要 4 个点，却只有 3 个（第 32 列）"),
        ("S_INTERSECTS(geometry, POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)))", "invalid POLYGON: exterior ring has a self-intersection (column 24)", "无效的 POLYGON：外环自相交（第 24 列）"),
        ("S_INTERSECTS(geometry, LINESTRING(0 0))", "a line needs at least 2 points (column 34)", "线至少需要 2 个点（第 34 列）"),
        ("S_INTERSECTS(geometry, POINT EMPTY)", "POINT EMPTY is not supported (column 30)", "不支持 POINT EMPTY（第 30 列）"),
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION EMPTY)", "GEOMETRYCOLLECTION EMPTY is not supported (column 43)", "不支持 GEOMETRYCOLLECTION EMPTY（第 43 列）"),
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POINT(1 2))))", "expected POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING or MULTIPOLYGON in the GEOMETRYCOLLECTION at column 43, found `GEOMETRYCOLLECTION`", "第 43 列语法错误：期望 GEOMETRYCOLLECTION 中的 POINT、LINESTRING、POLYGON、MULTIPOINT、MULTILINESTRING 或 MULTIPOLYGON，却遇到 `GEOMETRYCOLLECTION`"),
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 2), BBOX(0, 0, 1, 1)))", "expected POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING or MULTIPOLYGON in the GEOMETRYCOLLECTION at column 55, found `BBOX`", "第 55 列语法错误：期望 GEOMETRYCOLLECTION 中的 POINT、LINESTRING、POLYGON、MULTIPOINT、MULTILINESTRING 或 MULTIPOLYGON，却遇到 `BBOX`"),
        ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 2), POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))))", "invalid POLYGON: exterior ring has a self-intersection (column 55)", "无效的 POLYGON：外环自相交（第 55 列）"),
        ("POINT(1 2) = 1", "the geometry literal POINT(…) can only be used inside S_INTERSECTS, S_DISJOINT, S_WITHIN or S_CONTAINS (column 1)", "几何字面量 POINT(…) 只能用在 S_INTERSECTS、S_DISJOINT、S_WITHIN 或 S_CONTAINS 之中（第 1 列）"),
        ("A_CONTAINS(status, ('a'))", "`status` is text; A_CONTAINS needs a list property or an array like ('a', 'b') (column 12)", "`status` 是文本；A_CONTAINS 需要列表属性或 ('a', 'b') 这样的数组（第 12 列）"),
        ("A_CONTAINS(industries, (1))", "expected a text in single quotes in the A_CONTAINS array at column 25, found number 1", "第 25 列语法错误：期望 A_CONTAINS 数组中用单引号括起的文本，却遇到数字 1"),
        ("A_CONTAINS(industries, ('a')", "expected `)` at column 29, found end of input", "第 29 列语法错误：期望 `)`，却遇到过滤条件的结尾"),
        ("status IN ()", "expected a property or a value at column 12, found `)`", "第 12 列语法错误：期望属性或值，却遇到 `)`"),
        ("status IN ('a' 'b')", "expected `,` or `)` in the IN list at column 16, found text 'b'", "第 16 列语法错误：期望 IN 列表中的 `,` 或 `)`，却遇到文本 'b'"),
        // `\'` is a quote, so this text never ends.
        ("status LIKE 'a\\'", "text starting with `'` is never closed (column 13)", "以 `'` 开头的文本没有闭合（第 13 列）"),
        ("状态 = 'x'", "`状态` is not a queryable of this collection (column 1)", "`状态` 不是此数据集合的可查询属性（第 1 列）"),
        ("status = '可租' AND 颜色 = 'x'", "`颜色` is not a queryable of this collection (column 19)", "`颜色` 不是此数据集合的可查询属性（第 19 列）"),
        ("\"col\"\"our\" = 1", "`col\"our` is not a queryable of this collection (column 1)", "`col\"our` 不是此数据集合的可查询属性（第 1 列）"),
    ];
    for (filter, want, want_zh) in cases {
        let e = error(filter);
        assert_eq!(e.message, want, "for `{filter}`");
        assert_eq!(e.message_zh, want_zh, "for `{filter}`");
        assert_eq!(e.to_string(), want);
        assert!(
            e.message.contains(&format!("column {}", e.column)),
            "{filter}: {e:?}"
        );
        assert_eq!(column_of(filter, e.offset), e.column);
        assert_eq!(
            prose_in(&e.message_zh, filter),
            Vec::<&str>::new(),
            "for `{filter}`"
        );
    }
}

/// The English words (4 letters or more) of a Chinese message that are neither CQL2 or WKT
/// keywords (upper case), nor taken from the filter, nor the timestamp format's `DDThh`.
fn prose_in<'m>(zh: &'m str, filter: &str) -> Vec<&'m str> {
    zh.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 4)
        .filter(|w| {
            w.chars().any(|c| c.is_ascii_lowercase()) && !filter.contains(w) && *w != "DDThh"
        })
        .collect()
}

#[test]
fn prose_in_finds_english_words() {
    assert_eq!(
        prose_in("`colour` 不是可查询属性 of this", "colour = 1"),
        ["this"]
    );
    assert_eq!(
        prose_in("期望 BETWEEN，格式 YYYY-MM-DDThh:mm:ssZ", ""),
        Vec::<&str>::new()
    );
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
                    assert!(
                        e.message_zh.contains(&format!("第 {} 列", e.column)),
                        "{e:?}"
                    );
                    assert_eq!(
                        prose_in(&e.message_zh, &v[..i]),
                        Vec::<&str>::new(),
                        "{e:?}"
                    );
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

//! Cql2Error: what is wrong with a filter, and at which column, in English and in Chinese.

use std::fmt;

use geo::algorithm::validation::{
    InvalidGeometry, InvalidGeometryCollection, InvalidLine, InvalidLineString,
    InvalidMultiLineString, InvalidMultiPoint, InvalidMultiPolygon, InvalidPoint, InvalidPolygon,
    InvalidRect, InvalidTriangle, RingRole,
};

/// Why a filter was rejected, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cql2Error {
    /// The whole message, naming the token or property and the column.
    pub message: String,
    /// The same message in Chinese.
    pub message_zh: String,
    /// Byte offset of the offending token in the filter text.
    pub offset: usize,
    /// 1-based column (in characters) of the offending token.
    pub column: usize,
}

pub use crate::error::Bilingual;

impl Cql2Error {
    /// "expected X at column N, found Y": a syntax error at a token.
    pub(super) fn expected(
        src: &str,
        offset: usize,
        expected: &Bilingual,
        found: &Bilingual,
    ) -> Self {
        let column = column_of(src, offset);
        Cql2Error {
            message: format!(
                "expected {} at column {column}, found {}",
                expected.en, found.en
            ),
            message_zh: format!(
                "第 {column} 列语法错误：期望{}，却遇到{}",
                spaced(&expected.zh),
                spaced(&found.zh)
            ),
            offset,
            column,
        }
    }

    /// Any other problem: the message, then the column in parentheses.
    pub(super) fn at(src: &str, offset: usize, message: Bilingual) -> Self {
        let column = column_of(src, offset);
        Cql2Error {
            message: format!("{} (column {column})", message.en),
            message_zh: format!("{}（第 {column} 列）", message.zh),
            offset,
            column,
        }
    }
}

impl fmt::Display for Cql2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Cql2Error {}

/// 1-based column in characters, so that non-ASCII text before the error does not skew it.
pub(super) fn column_of(src: &str, offset: usize) -> usize {
    src.get(..offset).map_or(offset, |s| s.chars().count()) + 1
}

/// A phrase to follow Chinese text: a space before it when it starts with Latin text or code.
pub(super) fn spaced(phrase: &str) -> String {
    if phrase.starts_with(|c: char| c.is_ascii()) {
        format!(" {phrase}")
    } else {
        phrase.to_string()
    }
}

/// geo's reason a geometry literal is invalid, in Chinese (geo writes English only).
pub(super) fn invalid_zh(e: &InvalidGeometry) -> String {
    match e {
        InvalidGeometry::InvalidPoint(e) => point_zh(e),
        InvalidGeometry::InvalidLine(InvalidLine::IdenticalCoords) => "线段的两个端点相同".into(),
        InvalidGeometry::InvalidLine(InvalidLine::NonFiniteCoord(i)) => format!(
            "线段的{}坐标不是有限数",
            if i.0 == 0 { "起点" } else { "终点" }
        ),
        InvalidGeometry::InvalidLineString(e) => line_string_zh(e),
        InvalidGeometry::InvalidPolygon(e) => polygon_zh(e),
        InvalidGeometry::InvalidMultiPoint(InvalidMultiPoint::InvalidPoint(i, e)) => {
            format!("索引 {} 处的点无效：{}", i.0, point_zh(e))
        }
        InvalidGeometry::InvalidMultiLineString(InvalidMultiLineString::InvalidLineString(
            i,
            e,
        )) => format!("索引 {} 处的线无效：{}", i.0, line_string_zh(e)),
        InvalidGeometry::InvalidMultiPolygon(e) => match e {
            InvalidMultiPolygon::InvalidPolygon(i, e) => {
                format!("索引 {} 处的多边形无效：{}", i.0, polygon_zh(e))
            }
            InvalidMultiPolygon::ElementsOverlaps(a, b) => {
                format!("索引 {} 与 {} 处的多边形相互重叠", a.0, b.0)
            }
            InvalidMultiPolygon::ElementsTouchOnALine(a, b) => {
                format!("索引 {} 与 {} 处的多边形沿一条线相接", a.0, b.0)
            }
        },
        InvalidGeometry::InvalidGeometryCollection(InvalidGeometryCollection::InvalidGeometry(
            i,
            e,
        )) => format!("索引 {} 处的几何无效：{}", i.0, invalid_zh(e)),
        InvalidGeometry::InvalidRect(InvalidRect::NonFiniteCoord(i)) => format!(
            "矩形的{}角坐标不是有限数",
            if i.0 == 0 { "最小" } else { "最大" }
        ),
        InvalidGeometry::InvalidTriangle(e) => match e {
            InvalidTriangle::NonFiniteCoord(i) => format!("索引 {} 处的坐标不是有限数", i.0),
            InvalidTriangle::IdenticalCoords(a, b) => {
                format!("索引 {} 与 {} 处的坐标相同", a.0, b.0)
            }
            InvalidTriangle::CollinearCoords => "三角形的三个点共线".into(),
        },
    }
}

fn point_zh(e: &InvalidPoint) -> String {
    match e {
        InvalidPoint::NonFiniteCoord => "点的坐标不是有限数".into(),
    }
}

fn line_string_zh(e: &InvalidLineString) -> String {
    match e {
        InvalidLineString::TooFewPoints => "线至少需要 2 个不同的点".into(),
        InvalidLineString::NonFiniteCoord(i) => format!("索引 {} 处的坐标不是有限数", i.0),
    }
}

fn ring_zh(ring: &RingRole) -> String {
    match ring {
        RingRole::Exterior => "外环".into(),
        RingRole::Interior(i) => format!("索引 {i} 处的内环"),
    }
}

fn polygon_zh(e: &InvalidPolygon) -> String {
    match e {
        InvalidPolygon::TooFewPointsInRing(r) => format!("{}至少需要 3 个不同的点", ring_zh(r)),
        InvalidPolygon::SelfIntersection(r) => format!("{}自相交", ring_zh(r)),
        InvalidPolygon::NonFiniteCoord(r, i) => {
            format!("{}在索引 {} 处的坐标不是有限数", ring_zh(r), i.0)
        }
        InvalidPolygon::InteriorRingNotContainedInExteriorRing(r) => {
            format!("{}不在多边形的外环之内", ring_zh(r))
        }
        InvalidPolygon::IntersectingRingsOnALine(a, b) => {
            format!("{}与{}沿一条线相交", ring_zh(a), ring_zh(b))
        }
        InvalidPolygon::IntersectingRingsOnAnArea(a, b) => {
            format!("{}与{}有重叠的面积", ring_zh(a), ring_zh(b))
        }
    }
}

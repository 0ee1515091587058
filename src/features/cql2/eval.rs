//! Evaluates a parsed filter against one feature (SQL's three-valued logic), and the other
//! walks over the tree: the bounding-box hint and the transform of geometry literals.

use std::cmp::Ordering;

use geo::{BoundingRect, Coord, Geometry, Intersects, MapCoordsInPlace, Rect, Relate, Validation};

use super::ast::{ArrayArg, ArrayOp, LikePart, Node, SpatialOp};
use super::error::{invalid_zh, Bilingual};
use super::lexer::CmpOp;
use super::{Item, Value};
use crate::inventory::Shape;

fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// Orders two values of the same type (a date and a timestamp by the timestamp's UTC date);
/// `None` when either is null or they do not match.
pub fn compare(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Timestamp(x), Value::Timestamp(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Timestamp(y)) => Some(x.cmp(&y.date_naive())),
        (Value::Timestamp(x), Value::Date(y)) => Some(x.date_naive().cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn holds(op: CmpOp, a: &Value<'_>, b: &Value<'_>) -> Option<bool> {
    compare(a, b).map(|ord| op.holds(ord))
}

/// SQL LIKE over characters; backtracks only to the last `%`, so it is O(pattern × text).
pub(super) fn like_matches(pattern: &[LikePart], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(LikePart::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(LikePart::One) => {
                p += 1;
                t += 1;
            }
            Some(LikePart::Char(c)) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..]
        .iter()
        .all(|part| *part == LikePart::Any)
}

fn array_values<'a>(arg: &'a ArrayArg, item: &'a dyn Item) -> Option<Vec<&'a str>> {
    match arg {
        ArrayArg::Literal(v) => Some(v.iter().map(String::as_str).collect()),
        ArrayArg::Property(id) => match item.value(*id) {
            Value::List(v) => Some(v),
            _ => None,
        },
    }
}

fn all_in(xs: &[&str], ys: &[&str]) -> bool {
    xs.iter().all(|x| ys.contains(x))
}

/// `a op b` where `a` is the feature's shape or a literal and `b` a literal.
fn spatial<A>(op: SpatialOp, a: &A, b: &Geometry) -> bool
where
    A: Relate<f64>,
    Geometry: Intersects<A>,
{
    match op {
        SpatialOp::Intersects => b.intersects(a),
        SpatialOp::Disjoint => !b.intersects(a),
        SpatialOp::Within => a.relate(b).is_within(),
        SpatialOp::Contains => a.relate(b).is_contains(),
        SpatialOp::Equals => a.relate(b).is_equal_topo(),
        SpatialOp::Touches => a.relate(b).is_touches(),
        SpatialOp::Overlaps => a.relate(b).is_overlaps(),
        SpatialOp::Crosses => a.relate(b).is_crosses(),
    }
}

impl Node {
    /// `None` is SQL's "unknown".
    pub(super) fn eval(&self, item: &dyn Item) -> Option<bool> {
        match self {
            Node::Const(b) => Some(*b),
            Node::And(items) => {
                let mut result = Some(true);
                for n in items {
                    result = and3(result, n.eval(item));
                    if result == Some(false) {
                        break;
                    }
                }
                result
            }
            Node::Or(items) => {
                let mut result = Some(false);
                for n in items {
                    // a OR b = NOT (NOT a AND NOT b)
                    result = and3(result.map(|b| !b), n.eval(item).map(|b| !b)).map(|b| !b);
                    if result == Some(true) {
                        break;
                    }
                }
                result
            }
            Node::Not(n) => n.eval(item).map(|b| !b),
            Node::Compare { op, left, right } => holds(*op, &left.value(item), &right.value(item)),
            Node::IsNull(id) => Some(item.value(*id) == Value::Null),
            Node::Like { operand, pattern } => match operand.value(item) {
                Value::Text(s) => Some(like_matches(pattern, s)),
                _ => None,
            },
            Node::Between { operand, low, high } => {
                let v = operand.value(item);
                and3(
                    holds(CmpOp::Ge, &v, &low.value(item)),
                    holds(CmpOp::Le, &v, &high.value(item)),
                )
            }
            Node::In { operand, list } => {
                let v = operand.value(item);
                let mut result = Some(false);
                for s in list {
                    match holds(CmpOp::Eq, &v, &s.value()) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => result = None,
                    }
                }
                result
            }
            Node::Spatial {
                op,
                subject: Some(a),
                geometry,
            } => Some(spatial(*op, a, geometry)),
            Node::Spatial {
                op,
                subject: None,
                geometry,
            } => Some(match item.shape() {
                Shape::Area(mp) => spatial(*op, mp, geometry),
                Shape::Point(p) => spatial(*op, &p, geometry),
            }),
            Node::Array { op, left, right } => {
                let a = array_values(left, item)?;
                let b = array_values(right, item)?;
                Some(match op {
                    // Arrays are compared as sets: order and repeats do not matter.
                    ArrayOp::Equals => all_in(&a, &b) && all_in(&b, &a),
                    ArrayOp::Contains => all_in(&b, &a),
                    ArrayOp::ContainedBy => all_in(&a, &b),
                    ArrayOp::Overlaps => a.iter().any(|x| b.contains(x)),
                })
            }
        }
    }

    pub(super) fn bbox_hint(&self) -> Option<Rect> {
        match self {
            // Every relation but DISJOINT needs the feature to touch the literal somewhere.
            Node::Spatial {
                op,
                subject: None,
                geometry,
            } if *op != SpatialOp::Disjoint => geometry.bounding_rect(),
            // Meeting box A and box B does not mean meeting A ∩ B, so take one box: the smallest.
            Node::And(items) => items
                .iter()
                .filter_map(Node::bbox_hint)
                .min_by(|a, b| (a.width() * a.height()).total_cmp(&(b.width() * b.height()))),
            Node::Or(items) => {
                let mut hint: Option<Rect> = None;
                for n in items {
                    let r = n.bbox_hint()?;
                    hint = Some(match hint {
                        None => r,
                        Some(h) => Rect::new(
                            Coord {
                                x: h.min().x.min(r.min().x),
                                y: h.min().y.min(r.min().y),
                            },
                            Coord {
                                x: h.max().x.max(r.max().x),
                                y: h.max().y.max(r.max().y),
                            },
                        ),
                    });
                }
                hint
            }
            _ => None,
        }
    }

    pub(super) fn transform(
        &mut self,
        f: &dyn Fn(Coord) -> Result<Coord, Bilingual>,
    ) -> Result<(), Bilingual> {
        match self {
            Node::And(items) | Node::Or(items) => items.iter_mut().try_for_each(|n| n.transform(f)),
            Node::Not(n) => n.transform(f),
            Node::Spatial {
                subject, geometry, ..
            } => {
                if let Some(a) = subject {
                    transform_geometry(a, f)?;
                }
                transform_geometry(geometry, f)
            }
            _ => Ok(()),
        }
    }
}

fn transform_geometry(
    g: &mut Geometry,
    f: &dyn Fn(Coord) -> Result<Coord, Bilingual>,
) -> Result<(), Bilingual> {
    let step = |c: Coord| {
        let out = f(c)?;
        if out.x.is_finite() && out.y.is_finite() {
            Ok(out)
        } else {
            Err(Bilingual::new(
                format!(
                    "coordinate ({}, {}) has no finite transformed position",
                    c.x, c.y
                ),
                format!("坐标 ({}, {}) 转换后的位置不是有限数", c.x, c.y),
            ))
        }
    };
    map_coords(g, &step)?;
    // Relate needs valid input; a transform could fold a thin polygon onto itself.
    g.check_validation().map_err(|e| {
        Bilingual::new(
            format!("geometry literal is invalid after transformation: {e}"),
            format!("几何字面量转换后无效：{}", invalid_zh(&e)),
        )
    })
}

/// geo's own `Geometry` impl nests its closure type per collection level, which the compiler
/// cannot instantiate for a `dyn` closure; so dispatch by hand and recurse through `dyn`.
fn map_coords(
    g: &mut Geometry,
    f: &dyn Fn(Coord) -> Result<Coord, Bilingual>,
) -> Result<(), Bilingual> {
    match g {
        Geometry::Point(x) => x.try_map_coords_in_place(f),
        Geometry::Line(x) => x.try_map_coords_in_place(f),
        Geometry::LineString(x) => x.try_map_coords_in_place(f),
        Geometry::Polygon(x) => x.try_map_coords_in_place(f),
        Geometry::MultiPoint(x) => x.try_map_coords_in_place(f),
        Geometry::MultiLineString(x) => x.try_map_coords_in_place(f),
        Geometry::MultiPolygon(x) => x.try_map_coords_in_place(f),
        Geometry::Rect(x) => x.try_map_coords_in_place(f),
        Geometry::Triangle(x) => x.try_map_coords_in_place(f),
        Geometry::GeometryCollection(gc) => gc.0.iter_mut().try_for_each(|x| map_coords(x, f)),
    }
}

//! The parsed expression: what the parser builds and the evaluator walks.

use chrono::{DateTime, NaiveDate, Utc};
use geo::Geometry;

use super::lexer::CmpOp;
use super::{Item, PropertyId, Value};

/// A literal value in a filter.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Scalar {
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
    Timestamp(DateTime<Utc>),
}

impl Scalar {
    pub(super) fn value(&self) -> Value<'_> {
        match self {
            Scalar::Text(s) => Value::Text(s),
            Scalar::Number(n) => Value::Number(*n),
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Date(d) => Value::Date(*d),
            Scalar::Timestamp(t) => Value::Timestamp(*t),
        }
    }
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Operand {
    Property(PropertyId),
    Literal(Scalar),
}

impl Operand {
    pub(super) fn value<'a>(&'a self, item: &'a dyn Item) -> Value<'a> {
        match self {
            Operand::Property(id) => item.value(*id),
            Operand::Literal(s) => s.value(),
        }
    }
}

/// One element of a LIKE pattern.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum LikePart {
    Char(char),
    /// `_`: exactly one character.
    One,
    /// `%`: any run of characters.
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SpatialOp {
    Intersects,
    Disjoint,
    Within,
    Contains,
    Equals,
    Touches,
    Overlaps,
    Crosses,
}

impl SpatialOp {
    pub(super) fn from_name(upper: &str) -> Option<Self> {
        Some(match upper {
            "S_INTERSECTS" => SpatialOp::Intersects,
            "S_DISJOINT" => SpatialOp::Disjoint,
            "S_WITHIN" => SpatialOp::Within,
            "S_CONTAINS" => SpatialOp::Contains,
            "S_EQUALS" => SpatialOp::Equals,
            "S_TOUCHES" => SpatialOp::Touches,
            "S_OVERLAPS" => SpatialOp::Overlaps,
            "S_CROSSES" => SpatialOp::Crosses,
            _ => return None,
        })
    }

    /// The same relation read from the other argument: `a WITHIN b` is `b CONTAINS a`.
    pub(super) fn converse(self) -> Self {
        match self {
            SpatialOp::Within => SpatialOp::Contains,
            SpatialOp::Contains => SpatialOp::Within,
            other => other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ArrayOp {
    Equals,
    Contains,
    ContainedBy,
    Overlaps,
}

impl ArrayOp {
    pub(super) fn from_name(upper: &str) -> Option<Self> {
        Some(match upper {
            "A_EQUALS" => ArrayOp::Equals,
            "A_CONTAINS" => ArrayOp::Contains,
            "A_CONTAINEDBY" => ArrayOp::ContainedBy,
            "A_OVERLAPS" => ArrayOp::Overlaps,
            _ => return None,
        })
    }
}

/// One argument of an array function.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ArrayArg {
    Property(PropertyId),
    Literal(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Const(bool),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Compare {
        op: CmpOp,
        left: Operand,
        right: Operand,
    },
    IsNull(PropertyId),
    Like {
        operand: Operand,
        pattern: Vec<LikePart>,
    },
    Between {
        operand: Operand,
        low: Operand,
        high: Operand,
    },
    In {
        operand: Operand,
        list: Vec<Scalar>,
    },
    /// `subject op geometry`; a `None` subject is the feature's own geometry.
    Spatial {
        op: SpatialOp,
        subject: Option<Geometry>,
        geometry: Geometry,
    },
    Array {
        op: ArrayOp,
        left: ArrayArg,
        right: ArrayArg,
    },
}

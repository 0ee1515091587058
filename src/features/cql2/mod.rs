//! CQL2 text (OGC 21-065) for `filter=` on collection items: parsing against a collection's
//! queryables, and evaluation against one feature.
//!
//! The interface (fixed; the parser and evaluator fill it in):
//! - a collection describes its queryables through [`Schema`];
//! - [`parse`] reads a filter, checks every property and literal type against the schema,
//!   and returns an [`Expr`] or a [`Cql2Error`] that says where and why;
//! - [`Expr::matches`] evaluates it against an [`Item`].
//!
//! Supported: AND/OR/NOT, `= <> < <= > >=`, `IS (NOT) NULL`, `(NOT) LIKE` (`%`, `_`, `\`
//! escape), `(NOT) BETWEEN`, `(NOT) IN`, DATE and TIMESTAMP (a date and a timestamp compare by the timestamp's UTC
//! date), S_INTERSECTS,
//! S_DISJOINT, S_WITHIN, S_CONTAINS, S_EQUALS, S_TOUCHES, S_OVERLAPS and S_CROSSES over BBOX
//! and 2D WKT literals (GEOMETRYCOLLECTION too), and A_EQUALS/A_CONTAINS/A_CONTAINEDBY/
//! A_OVERLAPS over text lists. Not supported, with an error that says so: CASEI, ACCENTI, T_*
//! temporal operators, INTERVAL, arithmetic and EMPTY geometries.
//!
//! Inside: `lexer` → `parser` (building the `ast`) → `eval`; `error` holds [`Cql2Error`].

mod ast;
#[cfg(test)]
mod conformance;
mod error;
mod eval;
mod lexer;
mod parser;
#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};
use geo::{Coord, Rect};

use crate::inventory::Shape;
use ast::Node;

pub use error::{Bilingual, Cql2Error};
pub use eval::compare;

/// A queryable property, resolved once at parse time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PropertyId(pub u16);

/// The type of a queryable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// Text.
    Text,
    /// A number.
    Number,
    /// A calendar date.
    Date,
    /// An instant (UTC).
    Timestamp,
    /// true/false.
    Bool,
    /// A list of texts (industry codes, supply modes).
    TextList,
    /// The feature's geometry.
    Geometry,
}

/// One property value of one feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// No value.
    Null,
    /// true/false.
    Bool(bool),
    /// A number.
    Number(f64),
    /// Text.
    Text(&'a str),
    /// A date.
    Date(NaiveDate),
    /// An instant.
    Timestamp(DateTime<Utc>),
    /// A list of texts.
    List(Vec<&'a str>),
}

/// The queryables of a collection.
pub trait Schema {
    /// The property called `name` and its type, if it is queryable.
    fn property(&self, name: &str) -> Option<(PropertyId, Type)>;
}

/// One feature as a filter sees it.
pub trait Item {
    /// The value of a (non-geometry) property.
    fn value(&self, property: PropertyId) -> Value<'_>;
    /// The geometry, WGS84 lon/lat.
    fn shape(&self) -> Shape<'_>;
}

/// How deep parentheses and `NOT`s may nest; the parser and evaluator recurse once per level.
pub const MAX_DEPTH: usize = 64;

/// A parsed, type-checked CQL2 filter, ready to evaluate against features.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    root: Node,
}

/// Parses a CQL2-text filter and checks every property and literal against `schema`.
pub fn parse(text: &str, schema: &dyn Schema) -> Result<Expr, Cql2Error> {
    parser::parse(text, schema).map(|root| Expr { root })
}

impl Expr {
    /// Whether `item` passes the filter.
    pub fn matches(&self, item: &dyn Item) -> bool {
        // Three-valued logic as in SQL: a comparison with a null property is unknown, NOT keeps
        // it unknown, and only a definite true matches; so `NOT (park = 'x')` skips null parks.
        self.root.eval(item) == Some(true)
    }

    /// A rectangle every matching feature's geometry intersects, if the filter implies one.
    pub fn bbox_hint(&self) -> Option<Rect> {
        self.root.bbox_hint()
    }

    /// Maps the coordinates of every geometry literal, e.g. from the `filter-crs` to WGS84.
    pub fn transform_geometries(
        &mut self,
        f: &dyn Fn(Coord) -> Result<Coord, Bilingual>,
    ) -> Result<(), Bilingual> {
        self.root.transform(f)
    }
}

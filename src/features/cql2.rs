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
//! escape), `(NOT) BETWEEN`, `(NOT) IN`, DATE/TIMESTAMP (compared by UTC date), S_INTERSECTS,
//! S_DISJOINT, S_WITHIN, S_CONTAINS, S_EQUALS, S_TOUCHES, S_OVERLAPS and S_CROSSES over BBOX
//! and 2D WKT literals, and A_EQUALS/A_CONTAINS/A_CONTAINEDBY/A_OVERLAPS over text lists.
//! Not supported, with an error that says so: CASEI, ACCENTI, T_* temporal operators,
//! INTERVAL, arithmetic, GEOMETRYCOLLECTION and EMPTY geometries.

use std::cmp::Ordering;
use std::fmt;

use chrono::NaiveDate;
use geo::{
    BoundingRect, Coord, Geometry, GeometryCollection, Intersects, LineString, MapCoordsInPlace,
    MultiLineString, MultiPoint, MultiPolygon, Point, Polygon, Rect, Relate, Validation,
};

use crate::inventory::Shape;

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

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a filter was rejected, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cql2Error {
    /// The whole message, naming the token or property and the column.
    pub message: String,
    /// Byte offset of the offending token in the filter text.
    pub offset: usize,
    /// 1-based column (in characters) of the offending token.
    pub column: usize,
}

impl Cql2Error {
    /// "expected X at column N, found Y": a syntax error at a token.
    fn expected(src: &str, offset: usize, expected: &str, found: &str) -> Self {
        let column = column_of(src, offset);
        Cql2Error {
            message: format!("expected {expected} at column {column}, found {found}"),
            offset,
            column,
        }
    }

    /// Any other problem: the message, then the column in parentheses.
    fn at(src: &str, offset: usize, message: impl Into<String>) -> Self {
        let column = column_of(src, offset);
        Cql2Error {
            message: format!("{} (column {column})", message.into()),
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
fn column_of(src: &str, offset: usize) -> usize {
    src.get(..offset).map_or(offset, |s| s.chars().count()) + 1
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    fn holds(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Eq => ord == Ordering::Equal,
            CmpOp::Ne => ord != Ordering::Equal,
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::Le => ord != Ordering::Greater,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::Ge => ord != Ordering::Less,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A bare word: keyword, function name or property.
    Word(String),
    /// A "double-quoted" identifier: always a property.
    Quoted(String),
    /// A 'single-quoted' text.
    Text(String),
    Number(f64),
    LParen,
    RParen,
    Comma,
    Cmp(CmpOp),
    End,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

fn char_at(src: &str, i: usize) -> Option<char> {
    src.get(i..).and_then(|s| s.chars().next())
}

fn is_digit_at(src: &str, i: usize) -> bool {
    char_at(src, i).is_some_and(|c| c.is_ascii_digit())
}

/// Where a number starting at `i` ends, if one starts there (sign, digits, fraction, exponent).
fn number_end(src: &str, i: usize) -> Option<usize> {
    let mut j = i;
    if matches!(char_at(src, j), Some('+' | '-')) {
        j += 1;
    }
    let starts = is_digit_at(src, j) || (char_at(src, j) == Some('.') && is_digit_at(src, j + 1));
    if !starts {
        return None;
    }
    while is_digit_at(src, j) {
        j += 1;
    }
    if char_at(src, j) == Some('.') {
        j += 1;
        while is_digit_at(src, j) {
            j += 1;
        }
    }
    if matches!(char_at(src, j), Some('e' | 'E')) {
        let k = if matches!(char_at(src, j + 1), Some('+' | '-')) {
            j + 2
        } else {
            j + 1
        };
        if is_digit_at(src, k) {
            j = k;
            while is_digit_at(src, j) {
                j += 1;
            }
        }
    }
    Some(j)
}

/// Reads a quoted run starting at the opening `quote`; a doubled quote stands for itself.
fn quoted_end(src: &str, start: usize, quote: char) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = src.get(start + 1..)?.char_indices().peekable();
    while let Some((k, c)) = chars.next() {
        if c == quote {
            if chars.peek().map(|&(_, n)| n) == Some(quote) {
                out.push(quote);
                chars.next();
            } else {
                return Some((out, start + 1 + k + 1));
            }
        } else {
            out.push(c);
        }
    }
    None
}

fn lex(src: &str) -> Result<Vec<Token>, Cql2Error> {
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(c) = char_at(src, i) {
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let single = |tok| Token {
            tok,
            start,
            end: start + 1,
        };
        let next = char_at(src, i + 1);
        let token = match c {
            '(' => single(Tok::LParen),
            ')' => single(Tok::RParen),
            ',' => single(Tok::Comma),
            '=' => single(Tok::Cmp(CmpOp::Eq)),
            '<' | '>' => {
                let (op, len) = match (c, next) {
                    ('<', Some('>')) => (CmpOp::Ne, 2),
                    ('<', Some('=')) => (CmpOp::Le, 2),
                    ('>', Some('=')) => (CmpOp::Ge, 2),
                    ('<', _) => (CmpOp::Lt, 1),
                    _ => (CmpOp::Gt, 1),
                };
                Token {
                    tok: Tok::Cmp(op),
                    start,
                    end: start + len,
                }
            }
            '!' if next == Some('=') => {
                return Err(Cql2Error::at(
                    src,
                    start,
                    "`!=` is not CQL2; write `<>` for \"not equal\"",
                ));
            }
            '\'' | '"' => {
                let Some((text, end)) = quoted_end(src, start, c) else {
                    let what = if c == '\'' {
                        "text"
                    } else {
                        "quoted property name"
                    };
                    return Err(Cql2Error::at(
                        src,
                        start,
                        format!("{what} starting with `{c}` is never closed"),
                    ));
                };
                let tok = if c == '\'' {
                    Tok::Text(text)
                } else {
                    Tok::Quoted(text)
                };
                Token { tok, start, end }
            }
            _ if c.is_alphabetic() || c == '_' => {
                let mut end = start;
                while let Some(d) = char_at(src, end) {
                    if d.is_alphanumeric() || matches!(d, '_' | '.' | ':') {
                        end += d.len_utf8();
                    } else {
                        break;
                    }
                }
                Token {
                    tok: Tok::Word(src[start..end].to_string()),
                    start,
                    end,
                }
            }
            _ => match number_end(src, start) {
                Some(end) => {
                    let lexeme = &src[start..end];
                    match lexeme.parse::<f64>() {
                        Ok(n) if n.is_finite() => Token {
                            tok: Tok::Number(n),
                            start,
                            end,
                        },
                        _ => {
                            return Err(Cql2Error::at(
                                src,
                                start,
                                format!("number `{lexeme}` is out of range"),
                            ));
                        }
                    }
                }
                None => {
                    let hint = if matches!(c, '+' | '-' | '*' | '/') {
                        " (arithmetic is not supported)"
                    } else {
                        ""
                    };
                    return Err(Cql2Error::at(
                        src,
                        start,
                        format!("unexpected character `{c}`{hint}"),
                    ));
                }
            },
        };
        i = token.end;
        toks.push(token);
    }
    toks.push(Token {
        tok: Tok::End,
        start: src.len(),
        end: src.len(),
    });
    Ok(toks)
}

// ---------------------------------------------------------------------------------------------
// The parsed expression
// ---------------------------------------------------------------------------------------------

/// A literal value in a filter.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
}

impl Scalar {
    fn value(&self) -> Value<'_> {
        match self {
            Scalar::Text(s) => Value::Text(s),
            Scalar::Number(n) => Value::Number(*n),
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Date(d) => Value::Date(*d),
        }
    }
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Property(PropertyId),
    Literal(Scalar),
}

impl Operand {
    fn value<'a>(&'a self, item: &'a dyn Item) -> Value<'a> {
        match self {
            Operand::Property(id) => item.value(*id),
            Operand::Literal(s) => s.value(),
        }
    }
}

/// One element of a LIKE pattern.
#[derive(Debug, Clone, PartialEq)]
enum LikePart {
    Char(char),
    /// `_`: exactly one character.
    One,
    /// `%`: any run of characters.
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SpatialOp {
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
    fn from_name(upper: &str) -> Option<Self> {
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
    fn converse(self) -> Self {
        match self {
            SpatialOp::Within => SpatialOp::Contains,
            SpatialOp::Contains => SpatialOp::Within,
            other => other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrayOp {
    Equals,
    Contains,
    ContainedBy,
    Overlaps,
}

impl ArrayOp {
    fn from_name(upper: &str) -> Option<Self> {
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
enum ArrayArg {
    Property(PropertyId),
    Literal(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
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

/// A parsed, type-checked CQL2 filter, ready to evaluate against features.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    root: Node,
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

/// Parses a CQL2-text filter and checks every property and literal against `schema`.
pub fn parse(text: &str, schema: &dyn Schema) -> Result<Expr, Cql2Error> {
    let toks = lex(text)?;
    let mut parser = Parser {
        src: text,
        toks,
        pos: 0,
        depth: 0,
        schema,
    };
    if parser.peek().tok == Tok::End {
        return Err(Cql2Error::at(text, 0, "the filter is empty"));
    }
    let root = parser.parse_or()?;
    if parser.peek().tok != Tok::End {
        return Err(parser.expected("`AND`, `OR` or the end of the filter"));
    }
    Ok(Expr { root })
}

/// Words that are never property names unless double-quoted.
const RESERVED: &[&str] = &["AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL"];

/// Geometry literal keywords (WKT plus CQL2's BBOX).
const GEOMETRY_WORDS: &[&str] = &[
    "POINT",
    "LINESTRING",
    "POLYGON",
    "MULTIPOINT",
    "MULTILINESTRING",
    "MULTIPOLYGON",
    "GEOMETRYCOLLECTION",
    "BBOX",
];

/// A comparison operand as written, kept with what error messages need to say about it.
struct Arg {
    operand: Operand,
    ty: Type,
    /// "`area_m2`" or "text 'big'".
    desc: String,
    offset: usize,
}

impl Arg {
    fn is_property(&self) -> bool {
        matches!(self.operand, Operand::Property(_))
    }
}

fn type_name(ty: Type) -> &'static str {
    match ty {
        Type::Text => "text",
        Type::Number => "a number",
        Type::Date => "a date",
        Type::Bool => "a boolean",
        Type::TextList => "a list of texts",
        Type::Geometry => "the geometry",
    }
}

/// Quotes user text for a message, shortened so a huge literal cannot flood the error.
fn show_text(s: &str) -> String {
    const LIMIT: usize = 40;
    if s.chars().count() > LIMIT {
        format!("'{}…'", s.chars().take(LIMIT).collect::<String>())
    } else {
        format!("'{s}'")
    }
}

struct Parser<'s> {
    src: &'s str,
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    schema: &'s dyn Schema,
}

impl<'s> Parser<'s> {
    // --- token plumbing -------------------------------------------------------------------

    fn peek(&self) -> &Token {
        self.peek_at(0)
    }

    /// The token `ahead` places on; the `End` token repeats forever.
    fn peek_at(&self, ahead: usize) -> &Token {
        let last = self.toks.len().saturating_sub(1);
        &self.toks[(self.pos + ahead).min(last)]
    }

    fn advance(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn describe(&self, t: &Token) -> String {
        match &t.tok {
            Tok::End => "end of input".to_string(),
            Tok::Text(s) => format!("text {}", show_text(s)),
            Tok::Number(_) => format!("number {}", self.lexeme(t)),
            _ => format!("`{}`", self.lexeme(t)),
        }
    }

    fn lexeme(&self, t: &Token) -> &str {
        self.src.get(t.start..t.end).unwrap_or("")
    }

    /// A syntax error at the current token.
    fn expected(&self, what: &str) -> Cql2Error {
        let t = self.peek();
        Cql2Error::expected(self.src, t.start, what, &self.describe(t))
    }

    fn err_at(&self, offset: usize, message: impl Into<String>) -> Cql2Error {
        Cql2Error::at(self.src, offset, message)
    }

    fn is_keyword(&self, t: &Token, kw: &str) -> bool {
        matches!(&t.tok, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    fn eat_keyword(&mut self, kw: &str) -> bool {
        if self.is_keyword(self.peek(), kw) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn expect_keyword(&mut self, kw: &str) -> Result<(), Cql2Error> {
        if self.eat_keyword(kw) {
            Ok(())
        } else {
            Err(self.expected(&format!("`{kw}`")))
        }
    }

    fn expect(&mut self, tok: Tok, shown: &str) -> Result<Token, Cql2Error> {
        if self.peek().tok == tok {
            Ok(self.advance())
        } else {
            Err(self.expected(shown))
        }
    }

    fn next_is_lparen(&self) -> bool {
        self.peek_at(1).tok == Tok::LParen
    }

    /// One level deeper, for the `(` or `NOT` at `offset`.
    fn enter(&mut self, offset: usize) -> Result<(), Cql2Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err_at(
                offset,
                format!("the filter nests parentheses or NOT more than {MAX_DEPTH} levels deep"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // --- boolean structure ----------------------------------------------------------------

    fn parse_or(&mut self) -> Result<Node, Cql2Error> {
        let first = self.parse_and()?;
        if !self.is_keyword(self.peek(), "OR") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_keyword("OR") {
            items.push(self.parse_and()?);
        }
        Ok(Node::Or(items))
    }

    fn parse_and(&mut self) -> Result<Node, Cql2Error> {
        let first = self.parse_not()?;
        if !self.is_keyword(self.peek(), "AND") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_keyword("AND") {
            items.push(self.parse_not()?);
        }
        Ok(Node::And(items))
    }

    fn parse_not(&mut self) -> Result<Node, Cql2Error> {
        let start = self.peek().start;
        if self.eat_keyword("NOT") {
            self.enter(start)?;
            let inner = self.parse_not()?;
            self.leave();
            return Ok(Node::Not(Box::new(inner)));
        }
        self.parse_primary()
    }

    fn parse_primary(&mut self) -> Result<Node, Cql2Error> {
        if self.peek().tok == Tok::LParen {
            let open = self.advance();
            self.enter(open.start)?;
            let inner = self.parse_or()?;
            self.expect(Tok::RParen, "`)`")?;
            self.leave();
            return Ok(inner);
        }
        if let Tok::Word(w) = &self.peek().tok {
            if self.next_is_lparen() {
                let upper = w.to_ascii_uppercase();
                if let Some(op) = SpatialOp::from_name(&upper) {
                    return self.parse_spatial(op, &upper);
                }
                if let Some(op) = ArrayOp::from_name(&upper) {
                    return self.parse_array_function(op, &upper);
                }
            }
        }
        self.parse_predicate()
    }

    // --- scalar predicates ----------------------------------------------------------------

    fn parse_predicate(&mut self) -> Result<Node, Cql2Error> {
        let left = self.parse_operand()?;
        let t = self.peek().clone();
        if let Tok::Cmp(op) = t.tok {
            self.advance();
            let right = self.parse_operand()?;
            self.check_comparable(op.symbol(), &left, &right)?;
            if op != CmpOp::Eq && op != CmpOp::Ne && left.ty == Type::Bool {
                return Err(self.err_at(
                    t.start,
                    format!(
                        "booleans can only be compared with `=` or `<>`, not `{}`",
                        op.symbol()
                    ),
                ));
            }
            return Ok(Node::Compare {
                op,
                left: left.operand,
                right: right.operand,
            });
        }
        if self.eat_keyword("IS") {
            let negated = self.eat_keyword("NOT");
            self.expect_keyword("NULL")?;
            let node = match left.operand {
                // Features always have a geometry.
                Operand::Property(_) if left.ty == Type::Geometry => Node::Const(false),
                Operand::Property(id) => Node::IsNull(id),
                Operand::Literal(_) => {
                    return Err(self.err_at(
                        left.offset,
                        format!("IS NULL needs a property, found {}", left.desc),
                    ));
                }
            };
            return Ok(if negated {
                Node::Not(Box::new(node))
            } else {
                node
            });
        }
        let negated = self.eat_keyword("NOT");
        let node = if self.eat_keyword("LIKE") {
            self.parse_like(left)?
        } else if self.eat_keyword("BETWEEN") {
            self.parse_between(left)?
        } else if self.eat_keyword("IN") {
            self.parse_in(left)?
        } else if negated {
            return Err(self.expected("`LIKE`, `BETWEEN` or `IN` after `NOT`"));
        } else if let Operand::Literal(Scalar::Bool(b)) = left.operand {
            // A bare TRUE or FALSE is a predicate of its own in CQL2.
            Node::Const(b)
        } else {
            return Err(self.expected(&format!(
                "a comparison (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN or IS NULL) after {}",
                left.desc
            )));
        };
        Ok(if negated {
            Node::Not(Box::new(node))
        } else {
            node
        })
    }

    fn parse_like(&mut self, left: Arg) -> Result<Node, Cql2Error> {
        if left.ty != Type::Text {
            let what = if left.is_property() {
                format!("{} is {}", left.desc, type_name(left.ty))
            } else {
                format!("{} is not text", left.desc)
            };
            return Err(self.err_at(left.offset, format!("LIKE needs text, but {what}")));
        }
        let t = self.peek().clone();
        let Tok::Text(pattern) = &t.tok else {
            if self.is_keyword(&t, "CASEI") || self.is_keyword(&t, "ACCENTI") {
                return Err(self.err_at(
                    t.start,
                    format!("{} is not supported", self.lexeme(&t).to_ascii_uppercase()),
                ));
            }
            return Err(self.expected("a pattern in single quotes after `LIKE`"));
        };
        self.advance();
        let pattern = compile_like(pattern).map_err(|m| self.err_at(t.start, m))?;
        Ok(Node::Like {
            operand: left.operand,
            pattern,
        })
    }

    fn parse_between(&mut self, left: Arg) -> Result<Node, Cql2Error> {
        if !matches!(left.ty, Type::Number | Type::Date) {
            return Err(self.err_at(
                left.offset,
                format!(
                    "BETWEEN needs a number or a date, but {} is {}",
                    left.desc,
                    type_name(left.ty)
                ),
            ));
        }
        let low = self.parse_operand()?;
        self.check_comparable("BETWEEN", &left, &low)?;
        self.expect_keyword("AND")?;
        let high = self.parse_operand()?;
        self.check_comparable("BETWEEN", &left, &high)?;
        Ok(Node::Between {
            operand: left.operand,
            low: low.operand,
            high: high.operand,
        })
    }

    fn parse_in(&mut self, left: Arg) -> Result<Node, Cql2Error> {
        self.expect(Tok::LParen, "`(` to open the IN list")?;
        let mut list = Vec::new();
        loop {
            let item = self.parse_operand()?;
            self.check_comparable("IN", &left, &item)?;
            match item.operand {
                Operand::Literal(s) => list.push(s),
                Operand::Property(_) => {
                    return Err(self.err_at(
                        item.offset,
                        format!("IN lists hold values, found property {}", item.desc),
                    ));
                }
            }
            if self.peek().tok == Tok::Comma {
                self.advance();
            } else {
                break;
            }
        }
        self.expect(Tok::RParen, "`,` or `)` in the IN list")?;
        Ok(Node::In {
            operand: left.operand,
            list,
        })
    }

    /// Rejects comparing values of different types, lists and geometries.
    fn check_comparable(&self, op: &str, a: &Arg, b: &Arg) -> Result<(), Cql2Error> {
        for x in [a, b] {
            match x.ty {
                Type::TextList => {
                    return Err(self.err_at(x.offset, format!(
                        "{} is a list of texts; `{op}` cannot compare it — use A_OVERLAPS({}, ('…', '…')) to match any of the values, or A_CONTAINS to require all of them",
                        x.desc,
                        x.desc.trim_matches('`'),
                    )));
                }
                Type::Geometry => {
                    return Err(self.err_at(x.offset, format!(
                        "{} is the geometry; `{op}` cannot compare it — use S_INTERSECTS, S_WITHIN, S_CONTAINS or S_DISJOINT",
                        x.desc
                    )));
                }
                _ => {}
            }
        }
        if a.ty == b.ty {
            return Ok(());
        }
        let message = match (a.is_property(), b.is_property()) {
            (true, true) => format!(
                "{} is {}; it cannot be compared with {}, which is {}",
                a.desc,
                type_name(a.ty),
                b.desc,
                type_name(b.ty)
            ),
            (true, false) => format!(
                "{} is {}; it cannot be compared with {}",
                a.desc,
                type_name(a.ty),
                b.desc
            ),
            (false, true) => format!(
                "{} is {}; it cannot be compared with {}",
                b.desc,
                type_name(b.ty),
                a.desc
            ),
            (false, false) => format!("{} cannot be compared with {}", a.desc, b.desc),
        };
        Err(self.err_at(b.offset, message))
    }

    /// A property or a literal value.
    fn parse_operand(&mut self) -> Result<Arg, Cql2Error> {
        let t = self.peek().clone();
        let offset = t.start;
        let literal = |s: Scalar, ty: Type, desc: String| Arg {
            operand: Operand::Literal(s),
            ty,
            desc,
            offset,
        };
        match &t.tok {
            Tok::Text(s) => {
                self.advance();
                Ok(literal(
                    Scalar::Text(s.clone()),
                    Type::Text,
                    format!("text {}", show_text(s)),
                ))
            }
            Tok::Number(n) => {
                self.advance();
                Ok(literal(
                    Scalar::Number(*n),
                    Type::Number,
                    format!("number {}", self.lexeme(&t)),
                ))
            }
            Tok::Quoted(name) => {
                self.advance();
                self.property(name, offset)
            }
            Tok::Word(word) => {
                let upper = word.to_ascii_uppercase();
                if self.next_is_lparen() {
                    return self.function_operand(&upper, offset);
                }
                match upper.as_str() {
                    "TRUE" | "FALSE" => {
                        self.advance();
                        Ok(literal(Scalar::Bool(upper == "TRUE"), Type::Bool, upper.clone()))
                    }
                    "NULL" => Err(self.err_at(offset, "NULL is not a value here; test for a missing value with `property IS NULL`")),
                    _ if RESERVED.contains(&upper.as_str()) => Err(self.expected("a property or a value")),
                    _ => {
                        self.advance();
                        self.property(word, offset)
                    }
                }
            }
            _ => Err(self.expected("a property or a value")),
        }
    }

    fn property(&self, name: &str, offset: usize) -> Result<Arg, Cql2Error> {
        match self.schema.property(name) {
            Some((id, ty)) => Ok(Arg {
                operand: Operand::Property(id),
                ty,
                desc: format!("`{name}`"),
                offset,
            }),
            None => Err(self.err_at(
                offset,
                format!("`{name}` is not a queryable of this collection"),
            )),
        }
    }

    /// `NAME(` in value position: DATE and TIMESTAMP literals, or an explanation of why not.
    fn function_operand(&mut self, upper: &str, offset: usize) -> Result<Arg, Cql2Error> {
        match upper {
            "DATE" | "TIMESTAMP" => {
                self.advance();
                self.advance();
                let t = self.peek().clone();
                let Tok::Text(s) = &t.tok else {
                    return Err(self.expected(&format!("a quoted {} inside {upper}(…)", if upper == "DATE" { "date like '2026-01-31'" } else { "timestamp like '2026-01-31T00:00:00Z'" })));
                };
                self.advance();
                self.expect(Tok::RParen, "`)`")?;
                let date = if upper == "DATE" { parse_date(s) } else { parse_timestamp(s) };
                let Some(date) = date else {
                    let form = if upper == "DATE" { "YYYY-MM-DD" } else { "YYYY-MM-DDThh:mm:ssZ" };
                    return Err(self.err_at(t.start, format!("{upper}({}) is not a valid {} (expected {form})", show_text(s), upper.to_ascii_lowercase())));
                };
                Ok(Arg { operand: Operand::Literal(Scalar::Date(date)), ty: Type::Date, desc: format!("{upper}({})", show_text(s)), offset })
            }
            "CASEI" | "ACCENTI" => Err(self.err_at(offset, format!("{upper} is not supported"))),
            "INTERVAL" => Err(self.err_at(offset, "INTERVAL is not supported; compare dates with <, >, = or BETWEEN")),
            _ if GEOMETRY_WORDS.contains(&upper) => Err(self.err_at(
                offset,
                format!("the geometry literal {upper}(…) can only be used inside S_INTERSECTS, S_DISJOINT, S_WITHIN or S_CONTAINS"),
            )),
            _ if upper.starts_with("T_") => Err(self.err_at(
                offset,
                format!("the temporal operator {upper} is not supported; compare dates with <, >, = or BETWEEN"),
            )),
            _ if SpatialOp::from_name(upper).is_some() || ArrayOp::from_name(upper).is_some() => {
                Err(self.err_at(offset, format!("{upper}(…) is a condition, not a value; it cannot be compared")))
            }
            _ => Err(self.err_at(offset, format!("unknown function `{upper}`"))),
        }
    }

    // --- array functions ------------------------------------------------------------------

    fn parse_array_function(&mut self, op: ArrayOp, name: &str) -> Result<Node, Cql2Error> {
        self.advance();
        self.advance();
        let left = self.parse_array_arg(name)?;
        self.expect(Tok::Comma, "`,`")?;
        let right = self.parse_array_arg(name)?;
        self.expect(Tok::RParen, "`)`")?;
        Ok(Node::Array { op, left, right })
    }

    fn parse_array_arg(&mut self, name: &str) -> Result<ArrayArg, Cql2Error> {
        let t = self.peek().clone();
        match &t.tok {
            Tok::LParen => {
                self.advance();
                let mut items = Vec::new();
                if self.peek().tok == Tok::RParen {
                    self.advance();
                    return Ok(ArrayArg::Literal(items));
                }
                loop {
                    let v = self.peek().clone();
                    match &v.tok {
                        Tok::Text(s) => items.push(s.clone()),
                        _ => {
                            return Err(self.expected(&format!(
                                "a text in single quotes in the {name} array"
                            )));
                        }
                    }
                    self.advance();
                    if self.peek().tok == Tok::Comma {
                        self.advance();
                    } else {
                        break;
                    }
                }
                self.expect(Tok::RParen, "`,` or `)` in the array")?;
                Ok(ArrayArg::Literal(items))
            }
            Tok::Word(w) | Tok::Quoted(w) => {
                let reserved = RESERVED.iter().any(|r| w.eq_ignore_ascii_case(r));
                if reserved && matches!(t.tok, Tok::Word(_)) {
                    return Err(self.expected(&format!(
                        "a list property or an array like ('a', 'b') in {name}"
                    )));
                }
                self.advance();
                let arg = self.property(w, t.start)?;
                match arg.operand {
                    Operand::Property(id) if arg.ty == Type::TextList => Ok(ArrayArg::Property(id)),
                    _ => Err(self.err_at(
                        t.start,
                        format!(
                            "`{w}` is {}; {name} needs a list property or an array like ('a', 'b')",
                            type_name(arg.ty)
                        ),
                    )),
                }
            }
            _ => Err(self.expected(&format!(
                "a list property or an array like ('a', 'b') in {name}"
            ))),
        }
    }

    // --- spatial functions ----------------------------------------------------------------

    fn parse_spatial(&mut self, op: SpatialOp, name: &str) -> Result<Node, Cql2Error> {
        let start = self.peek().start;
        self.advance();
        self.advance();
        let a = self.parse_geometry_arg(name)?;
        self.expect(Tok::Comma, "`,`")?;
        let b = self.parse_geometry_arg(name)?;
        self.expect(Tok::RParen, "`)`")?;
        match (a, b) {
            (None, Some(g)) => Ok(Node::Spatial { op, subject: None, geometry: g }),
            (Some(g), None) => Ok(Node::Spatial { op: op.converse(), subject: None, geometry: g }),
            (Some(a), Some(b)) => Ok(Node::Spatial { op, subject: Some(a), geometry: b }),
            (None, None) => Err(self.err_at(
                start,
                format!("{name} compares the geometry with itself; one argument must be a geometry literal such as BBOX(…) or POLYGON(…)"),
            )),
        }
    }

    /// `None` for the feature's geometry property, `Some` for a literal.
    fn parse_geometry_arg(&mut self, name: &str) -> Result<Option<Geometry>, Cql2Error> {
        let t = self.peek().clone();
        let word = match &t.tok {
            Tok::Word(w) => w.clone(),
            Tok::Quoted(w) => {
                self.advance();
                return self.geometry_property(w, t.start, name).map(|()| None);
            }
            _ => {
                return Err(self.expected(&format!(
                    "the geometry property or a geometry literal in {name}"
                )))
            }
        };
        let upper = word.to_ascii_uppercase();
        let next = self.peek_at(1).clone();
        let literal_follows = next.tok == Tok::LParen
            || self.is_keyword(&next, "Z")
            || self.is_keyword(&next, "EMPTY");
        if GEOMETRY_WORDS.contains(&upper.as_str()) && literal_follows {
            return self.parse_geometry().map(Some);
        }
        if RESERVED.contains(&upper.as_str()) {
            return Err(self.expected(&format!(
                "the geometry property or a geometry literal in {name}"
            )));
        }
        self.advance();
        self.geometry_property(&word, t.start, name).map(|()| None)
    }

    fn geometry_property(&self, word: &str, offset: usize, name: &str) -> Result<(), Cql2Error> {
        let arg = self.property(word, offset)?;
        if arg.ty == Type::Geometry {
            Ok(())
        } else {
            Err(self.err_at(
                offset,
                format!(
                    "`{word}` is {}; {name} needs the geometry property and a geometry literal",
                    type_name(arg.ty)
                ),
            ))
        }
    }

    /// A geometry literal: BBOX(…) or WKT.
    fn parse_geometry(&mut self) -> Result<Geometry, Cql2Error> {
        let t = self.advance();
        let upper = self.lexeme(&t).to_ascii_uppercase();
        if upper == "BBOX" {
            return self.parse_bbox(t.start);
        }
        if upper == "GEOMETRYCOLLECTION" {
            return Err(self.err_at(
                t.start,
                "GEOMETRYCOLLECTION is not supported; use a MULTI… geometry",
            ));
        }
        self.eat_keyword("Z");
        if self.is_keyword(self.peek(), "EMPTY") {
            return Err(self.err_at(self.peek().start, format!("{upper} EMPTY is not supported")));
        }
        let geometry = match upper.as_str() {
            "POINT" => {
                self.expect(Tok::LParen, "`(`")?;
                let c = self.coord()?;
                self.expect(Tok::RParen, "`)`")?;
                Geometry::Point(Point(c))
            }
            "LINESTRING" => Geometry::LineString(self.line_string()?),
            "POLYGON" => Geometry::Polygon(self.polygon()?),
            "MULTIPOINT" => Geometry::MultiPoint(self.multi_point()?),
            "MULTILINESTRING" => {
                let lines = self.list_of(Self::line_string)?;
                Geometry::MultiLineString(MultiLineString(lines))
            }
            _ => {
                let polygons = self.list_of(Self::polygon)?;
                Geometry::MultiPolygon(MultiPolygon(polygons))
            }
        };
        if let Err(e) = geometry.check_validation() {
            return Err(self.err_at(t.start, format!("invalid {upper}: {e}")));
        }
        Ok(geometry)
    }

    /// `(` item `,` item … `)`.
    fn list_of<T>(
        &mut self,
        item: fn(&mut Self) -> Result<T, Cql2Error>,
    ) -> Result<Vec<T>, Cql2Error> {
        self.expect(Tok::LParen, "`(`")?;
        let mut out = vec![item(self)?];
        while self.peek().tok == Tok::Comma {
            self.advance();
            out.push(item(self)?);
        }
        self.expect(Tok::RParen, "`,` or `)`")?;
        Ok(out)
    }

    fn number(&mut self) -> Result<f64, Cql2Error> {
        match self.peek().tok {
            Tok::Number(n) => {
                self.advance();
                Ok(n)
            }
            _ => Err(self.expected("a number")),
        }
    }

    /// `x y` or `x y z`; z is read and dropped.
    fn coord(&mut self) -> Result<Coord, Cql2Error> {
        let x = self.number()?;
        let y = self.number()?;
        if matches!(self.peek().tok, Tok::Number(_)) {
            self.advance();
        }
        Ok(Coord { x, y })
    }

    fn line_string(&mut self) -> Result<LineString, Cql2Error> {
        let start = self.peek().start;
        let coords = self.list_of(Self::coord)?;
        if coords.len() < 2 {
            return Err(self.err_at(start, "a line needs at least 2 points"));
        }
        Ok(LineString(coords))
    }

    fn ring(&mut self) -> Result<LineString, Cql2Error> {
        let start = self.peek().start;
        let coords = self.list_of(Self::coord)?;
        if coords.len() < 4 {
            return Err(self.err_at(
                start,
                format!(
                    "a polygon ring needs at least 4 points, found {}",
                    coords.len()
                ),
            ));
        }
        if coords.first() != coords.last() {
            return Err(self.err_at(start, "a polygon ring must end at its first point"));
        }
        Ok(LineString(coords))
    }

    fn polygon(&mut self) -> Result<Polygon, Cql2Error> {
        let mut rings = self.list_of(Self::ring)?.into_iter();
        let exterior = rings.next().unwrap_or_else(|| LineString(Vec::new()));
        Ok(Polygon::new(exterior, rings.collect()))
    }

    /// Both `MULTIPOINT((1 2), (3 4))` and `MULTIPOINT(1 2, 3 4)`.
    fn multi_point(&mut self) -> Result<MultiPoint, Cql2Error> {
        let points = self.list_of(|p| {
            if p.peek().tok == Tok::LParen {
                p.advance();
                let c = p.coord()?;
                p.expect(Tok::RParen, "`)`")?;
                Ok(Point(c))
            } else {
                p.coord().map(Point)
            }
        })?;
        Ok(MultiPoint(points))
    }

    /// `BBOX(minx, miny, maxx, maxy)` or the 6-number 3D form.
    fn parse_bbox(&mut self, start: usize) -> Result<Geometry, Cql2Error> {
        let numbers = self.list_of(Self::number)?;
        let (minx, miny, maxx, maxy) = match numbers[..] {
            [a, b, c, d] => (a, b, c, d),
            [a, b, _, d, e, _] => (a, b, d, e),
            _ => {
                return Err(self.err_at(
                    start,
                    format!(
                        "BBOX needs 4 numbers (minx, miny, maxx, maxy), found {}",
                        numbers.len()
                    ),
                ));
            }
        };
        if miny > maxy {
            return Err(self.err_at(
                start,
                format!("BBOX has miny {miny} greater than maxy {maxy}"),
            ));
        }
        if minx <= maxx {
            return Ok(box_geometry(minx, miny, maxx, maxy));
        }
        // minx > maxx: the box crosses the antimeridian, so it is two boxes either side of it.
        if minx > 180.0 || maxx < -180.0 {
            return Err(self.err_at(
                start,
                format!("BBOX has minx {minx} greater than maxx {maxx}, which only makes sense across the antimeridian (longitudes within -180..180)"),
            ));
        }
        let east = box_geometry(minx, miny, 180.0, maxy);
        let west = box_geometry(-180.0, miny, maxx, maxy);
        Ok(match (east, west) {
            (Geometry::Polygon(e), Geometry::Polygon(w)) => {
                Geometry::MultiPolygon(MultiPolygon(vec![e, w]))
            }
            (e, w) => Geometry::GeometryCollection(GeometryCollection(vec![e, w])),
        })
    }
}

/// A box as a valid geometry: a polygon, or a line or point when it has no width or height.
fn box_geometry(minx: f64, miny: f64, maxx: f64, maxy: f64) -> Geometry {
    let (lo, hi) = (Coord { x: minx, y: miny }, Coord { x: maxx, y: maxy });
    if lo == hi {
        Geometry::Point(Point(lo))
    } else if minx == maxx || miny == maxy {
        Geometry::LineString(LineString(vec![lo, hi]))
    } else {
        // A polygon (not a Rect) so that transform_geometries moves all four corners; the ring
        // starts at (minx, miny) as written.
        let ring = vec![
            lo,
            Coord { x: maxx, y: miny },
            hi,
            Coord { x: minx, y: maxy },
            lo,
        ];
        Geometry::Polygon(Polygon::new(LineString(ring), Vec::new()))
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    // chrono accepts unpadded fields; CQL2 dates are exactly YYYY-MM-DD.
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The UTC calendar date of an RFC 3339 timestamp; filters compare timestamps by date.
fn parse_timestamp(s: &str) -> Option<NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.naive_utc().date())
}

fn compile_like(pattern: &str) -> Result<Vec<LikePart>, String> {
    let mut out = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '%' => LikePart::Any,
            '_' => LikePart::One,
            '\\' => match chars.next() {
                Some(e) => LikePart::Char(e),
                None => {
                    return Err(format!(
                        "LIKE pattern {} ends with the escape character `\\`",
                        show_text(pattern)
                    ))
                }
            },
            c => LikePart::Char(c),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

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
        f: &dyn Fn(Coord) -> Result<Coord, String>,
    ) -> Result<(), String> {
        self.root.transform(f)
    }
}

fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// Orders two values of the same type; `None` when either is null or they do not match.
fn compare(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn holds(op: CmpOp, a: &Value<'_>, b: &Value<'_>) -> Option<bool> {
    compare(a, b).map(|ord| op.holds(ord))
}

/// SQL LIKE over characters; backtracks only to the last `%`, so it is O(pattern × text).
fn like_matches(pattern: &[LikePart], text: &str) -> bool {
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
    fn eval(&self, item: &dyn Item) -> Option<bool> {
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

    fn bbox_hint(&self) -> Option<Rect> {
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

    fn transform(&mut self, f: &dyn Fn(Coord) -> Result<Coord, String>) -> Result<(), String> {
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
    f: &dyn Fn(Coord) -> Result<Coord, String>,
) -> Result<(), String> {
    let step = |c: Coord| {
        let out = f(c)?;
        if out.x.is_finite() && out.y.is_finite() {
            Ok(out)
        } else {
            Err(format!(
                "coordinate ({}, {}) has no finite transformed position",
                c.x, c.y
            ))
        }
    };
    map_coords(g, &step)?;
    // Relate needs valid input; a transform could fold a thin polygon onto itself.
    g.check_validation()
        .map_err(|e| format!("geometry literal is invalid after transformation: {e}"))
}

/// geo's own `Geometry` impl nests its closure type per collection level, which the compiler
/// cannot instantiate for a `dyn` closure; so dispatch by hand and recurse through `dyn`.
fn map_coords(g: &mut Geometry, f: &dyn Fn(Coord) -> Result<Coord, String>) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon};

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
        let hint = |f: &str| parse_ok(f).bbox_hint();
        let r = |x0: f64, y0: f64, x1: f64, y1: f64| {
            Some(Rect::new(coord! { x: x0, y: y0 }, coord! { x: x1, y: y1 }))
        };
        assert_eq!(
            hint("S_INTERSECTS(geometry, BBOX(1, 2, 3, 4))"),
            r(1.0, 2.0, 3.0, 4.0)
        );
        assert_eq!(
            hint("S_WITHIN(BBOX(1, 2, 3, 4), geometry)"),
            r(1.0, 2.0, 3.0, 4.0)
        );
        assert_eq!(
            hint("status = 'x' AND S_WITHIN(geometry, BBOX(1, 2, 3, 4))"),
            r(1.0, 2.0, 3.0, 4.0)
        );
        // Under AND the smaller box wins; under OR the union.
        assert_eq!(
            hint("S_INTERSECTS(geometry, BBOX(0, 0, 10, 10)) AND S_INTERSECTS(geometry, BBOX(1, 1, 2, 2))"),
            r(1.0, 1.0, 2.0, 2.0)
        );
        assert_eq!(
            hint("S_INTERSECTS(geometry, BBOX(0, 0, 1, 1)) OR S_CONTAINS(geometry, POINT(5 6))"),
            r(0.0, 0.0, 5.0, 6.0)
        );
        assert_eq!(
            hint("S_INTERSECTS(geometry, BBOX(0, 0, 1, 1)) OR status = 'x'"),
            None
        );
        assert_eq!(hint("NOT S_INTERSECTS(geometry, BBOX(0, 0, 1, 1))"), None);
        assert_eq!(hint("S_DISJOINT(geometry, BBOX(0, 0, 1, 1))"), None);
        assert_eq!(hint("S_INTERSECTS(POINT(0 0), BBOX(0, 0, 1, 1))"), None);
        assert_eq!(hint("status = 'x'"), None);
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
        let mut e = parse_ok("S_INTERSECTS(geometry, BBOX(126.1, 39.1, 127, 40)) OR S_CONTAINS(POINT(1 1), POINT(1 1))");
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
            ("vacant < TRUE", "booleans can only be compared with `=` or `<>`, not `<` (column 8)"),
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
            ("S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 2)))", "GEOMETRYCOLLECTION is not supported; use a MULTI… geometry (column 24)"),
            ("POINT(1 2) = 1", "the geometry literal POINT(…) can only be used inside S_INTERSECTS, S_DISJOINT, S_WITHIN or S_CONTAINS (column 1)"),
            ("A_CONTAINS(status, ('a'))", "`status` is text; A_CONTAINS needs a list property or an array like ('a', 'b') (column 12)"),
            ("A_CONTAINS(industries, (1))", "expected a text in single quotes in the A_CONTAINS array at column 25, found number 1"),
            ("A_CONTAINS(industries, ('a')", "expected `)` at column 29, found end of input"),
            ("status IN ()", "expected a property or a value at column 12, found `)`"),
            ("status IN ('a' 'b')", "expected `,` or `)` in the IN list at column 16, found text 'b'"),
            ("status LIKE 'a\\'", "LIKE pattern 'a\\' ends with the escape character `\\` (column 13)"),
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
}

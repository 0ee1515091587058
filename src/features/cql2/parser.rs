//! A recursive-descent parser for CQL2 text that type-checks every property and literal
//! against the collection's queryables as it goes.

use chrono::{DateTime, NaiveDate, Utc};
use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon, Validation,
};

use super::ast::{ArrayArg, ArrayOp, LikePart, Node, Operand, Scalar, SpatialOp};
use super::error::{invalid_zh, spaced, Bilingual, Cql2Error};
use super::lexer::{lex, Tok, Token};
use super::{Schema, Type, MAX_DEPTH};

/// Parses a CQL2-text filter into its root node, checked against `schema`.
pub(super) fn parse(text: &str, schema: &dyn Schema) -> Result<Node, Cql2Error> {
    let toks = lex(text)?;
    let mut parser = Parser {
        src: text,
        toks,
        pos: 0,
        depth: 0,
        schema,
    };
    if parser.peek().tok == Tok::End {
        return Err(Cql2Error::at(
            text,
            0,
            Bilingual::new("the filter is empty", "过滤条件为空"),
        ));
    }
    let root = parser.parse_or()?;
    if parser.peek().tok != Tok::End {
        return Err(parser.expected(
            "`AND`, `OR` or the end of the filter",
            "`AND`、`OR` 或过滤条件的结尾",
        ));
    }
    Ok(root)
}

/// Words that are never property names unless double-quoted.
const RESERVED: &[&str] = &["AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL"];

/// The WKT keywords of single geometries: what a GEOMETRYCOLLECTION may hold.
const WKT_WORDS: &[&str] = &[
    "POINT",
    "LINESTRING",
    "POLYGON",
    "MULTIPOINT",
    "MULTILINESTRING",
    "MULTIPOLYGON",
];

/// Whether `upper` starts a geometry literal (WKT plus CQL2's BBOX).
fn is_geometry_word(upper: &str) -> bool {
    WKT_WORDS.contains(&upper) || upper == "GEOMETRYCOLLECTION" || upper == "BBOX"
}

/// A comparison operand as written, kept with what error messages need to say about it.
struct Arg {
    operand: Operand,
    ty: Type,
    /// "`area_m2`" or "text 'big'".
    desc: Bilingual,
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
        Type::Timestamp => "a timestamp",
        Type::Bool => "a boolean",
        Type::TextList => "a list of texts",
        Type::Geometry => "the geometry",
    }
}

fn type_name_zh(ty: Type) -> &'static str {
    match ty {
        Type::Text => "文本",
        Type::Number => "数字",
        Type::Date => "日期",
        Type::Timestamp => "时间戳",
        Type::Bool => "布尔值",
        Type::TextList => "文本列表",
        Type::Geometry => "几何",
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

    fn describe(&self, t: &Token) -> Bilingual {
        match &t.tok {
            Tok::End => Bilingual::new("end of input", "过滤条件的结尾"),
            Tok::Text(s) => Bilingual::new(
                format!("text {}", show_text(s)),
                format!("文本 {}", show_text(s)),
            ),
            Tok::Number(_) => Bilingual::new(
                format!("number {}", self.lexeme(t)),
                format!("数字 {}", self.lexeme(t)),
            ),
            _ => {
                let shown = format!("`{}`", self.lexeme(t));
                Bilingual::new(shown.clone(), shown)
            }
        }
    }

    fn lexeme(&self, t: &Token) -> &str {
        self.src.get(t.start..t.end).unwrap_or("")
    }

    /// A syntax error at the current token: what was expected, in English and Chinese.
    fn expected(&self, what: &str, what_zh: &str) -> Cql2Error {
        let t = self.peek();
        Cql2Error::expected(
            self.src,
            t.start,
            &Bilingual::new(what, what_zh),
            &self.describe(t),
        )
    }

    fn err_at(
        &self,
        offset: usize,
        message: impl Into<String>,
        message_zh: impl Into<String>,
    ) -> Cql2Error {
        Cql2Error::at(self.src, offset, Bilingual::new(message, message_zh))
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
            let shown = format!("`{kw}`");
            Err(self.expected(&shown, &shown))
        }
    }

    fn expect(&mut self, tok: Tok, shown: &str, shown_zh: &str) -> Result<Token, Cql2Error> {
        if self.peek().tok == tok {
            Ok(self.advance())
        } else {
            Err(self.expected(shown, shown_zh))
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
                format!("括号或 NOT 的嵌套超过 {MAX_DEPTH} 层"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // --- boolean structure ----------------------------------------------------------------

    fn parse_or(&mut self) -> Result<Node, Cql2Error> {
        self.parse_chain("OR", Self::parse_and, Node::Or)
    }

    fn parse_and(&mut self) -> Result<Node, Cql2Error> {
        self.parse_chain("AND", Self::parse_not, Node::And)
    }

    /// `operand (keyword operand)*`: the operand alone when the keyword does not follow it.
    fn parse_chain(&mut self, keyword: &str, operand: fn(&mut Self) -> Result<Node, Cql2Error>, join: fn(Vec<Node>) -> Node) -> Result<Node, Cql2Error> {
        let first = operand(self)?;
        if !self.is_keyword(self.peek(), keyword) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_keyword(keyword) {
            items.push(operand(self)?);
        }
        Ok(join(items))
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
            self.expect(Tok::RParen, "`)`", "`)`")?;
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
            // Booleans order false < true: /conf/basic-cql2/comparison runs `b > true` too.
            self.check_comparable(op.symbol(), &left, &right)?;
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
                        format!("IS NULL 需要属性，却遇到{}", spaced(&left.desc.zh)),
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
            return Err(self.expected(
                "`LIKE`, `BETWEEN` or `IN` after `NOT`",
                "`NOT` 之后的 `LIKE`、`BETWEEN` 或 `IN`",
            ));
        } else if let Operand::Literal(Scalar::Bool(b)) = left.operand {
            // A bare TRUE or FALSE is a predicate of its own in CQL2.
            Node::Const(b)
        } else {
            return Err(self.expected(
                &format!(
                    "a comparison (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN or IS NULL) after {}",
                    left.desc
                ),
                &format!(
                    "{} 之后的比较（=、<>、<、<=、>、>=、LIKE、BETWEEN、IN 或 IS NULL）",
                    left.desc.zh
                ),
            ));
        };
        Ok(if negated {
            Node::Not(Box::new(node))
        } else {
            node
        })
    }

    fn parse_like(&mut self, left: Arg) -> Result<Node, Cql2Error> {
        if left.ty != Type::Text {
            let (what, what_zh) = if left.is_property() {
                (
                    format!("{} is {}", left.desc, type_name(left.ty)),
                    format!("{} 是{}", left.desc.zh, type_name_zh(left.ty)),
                )
            } else {
                (
                    format!("{} is not text", left.desc),
                    format!("{} 不是文本", left.desc.zh),
                )
            };
            return Err(self.err_at(
                left.offset,
                format!("LIKE needs text, but {what}"),
                format!("LIKE 需要文本，但{}", spaced(&what_zh)),
            ));
        }
        let t = self.peek().clone();
        let Tok::Text(pattern) = &t.tok else {
            if self.is_keyword(&t, "CASEI") || self.is_keyword(&t, "ACCENTI") {
                let name = self.lexeme(&t).to_ascii_uppercase();
                return Err(self.err_at(
                    t.start,
                    format!("{name} is not supported"),
                    format!("不支持 {name}"),
                ));
            }
            return Err(self.expected(
                "a pattern in single quotes after `LIKE`",
                "`LIKE` 之后用单引号括起的模式",
            ));
        };
        self.advance();
        let pattern = compile_like(pattern).map_err(|m| Cql2Error::at(self.src, t.start, m))?;
        Ok(Node::Like {
            operand: left.operand,
            pattern,
        })
    }

    fn parse_between(&mut self, left: Arg) -> Result<Node, Cql2Error> {
        if !matches!(left.ty, Type::Number | Type::Date | Type::Timestamp) {
            return Err(self.err_at(
                left.offset,
                format!(
                    "BETWEEN needs a number or a date, but {} is {}",
                    left.desc,
                    type_name(left.ty)
                ),
                format!(
                    "BETWEEN 需要数字或日期，但 {} 是{}",
                    left.desc.zh,
                    type_name_zh(left.ty)
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
        self.expect(Tok::LParen, "`(` to open the IN list", "开始 IN 列表的 `(`")?;
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
                        format!("IN 列表只能包含值，却遇到属性 {}", item.desc.zh),
                    ));
                }
            }
            if self.peek().tok == Tok::Comma {
                self.advance();
            } else {
                break;
            }
        }
        self.expect(
            Tok::RParen,
            "`,` or `)` in the IN list",
            "IN 列表中的 `,` 或 `)`",
        )?;
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
                    let name = x.desc.en.trim_matches('`');
                    return Err(self.err_at(
                        x.offset,
                        format!(
                            "{} is a list of texts; `{op}` cannot compare it — use A_OVERLAPS({name}, ('…', '…')) to match any of the values, or A_CONTAINS to require all of them",
                            x.desc,
                        ),
                        format!(
                            "{} 是文本列表，`{op}` 不能比较它：要匹配其中任一值请用 A_OVERLAPS({name}, ('…', '…'))，要求全部包含请用 A_CONTAINS",
                            x.desc.zh,
                        ),
                    ));
                }
                Type::Geometry => {
                    return Err(self.err_at(
                        x.offset,
                        format!("{} is the geometry; `{op}` cannot compare it — use S_INTERSECTS, S_WITHIN, S_CONTAINS or S_DISJOINT", x.desc),
                        format!("{} 是几何，`{op}` 不能比较它：请用 S_INTERSECTS、S_WITHIN、S_CONTAINS 或 S_DISJOINT", x.desc.zh),
                    ));
                }
                _ => {}
            }
        }
        if a.ty == b.ty || is_temporal(a.ty) && is_temporal(b.ty) {
            return Ok(());
        }
        let (message, message_zh) = match (a.is_property(), b.is_property()) {
            (true, true) => (
                format!(
                    "{} is {}; it cannot be compared with {}, which is {}",
                    a.desc,
                    type_name(a.ty),
                    b.desc,
                    type_name(b.ty)
                ),
                format!(
                    "{} 是{}，不能与{}（{}）比较",
                    a.desc.zh,
                    type_name_zh(a.ty),
                    spaced(&b.desc.zh),
                    type_name_zh(b.ty)
                ),
            ),
            (true, false) => (
                format!(
                    "{} is {}; it cannot be compared with {}",
                    a.desc,
                    type_name(a.ty),
                    b.desc
                ),
                format!(
                    "{} 是{}，不能与{} 比较",
                    a.desc.zh,
                    type_name_zh(a.ty),
                    spaced(&b.desc.zh)
                ),
            ),
            (false, true) => (
                format!(
                    "{} is {}; it cannot be compared with {}",
                    b.desc,
                    type_name(b.ty),
                    a.desc
                ),
                format!(
                    "{} 是{}，不能与{} 比较",
                    b.desc.zh,
                    type_name_zh(b.ty),
                    spaced(&a.desc.zh)
                ),
            ),
            (false, false) => (
                format!("{} cannot be compared with {}", a.desc, b.desc),
                format!("{} 不能与{} 比较", a.desc.zh, spaced(&b.desc.zh)),
            ),
        };
        Err(self.err_at(b.offset, message, message_zh))
    }

    /// A property or a literal value.
    fn parse_operand(&mut self) -> Result<Arg, Cql2Error> {
        let t = self.peek().clone();
        let offset = t.start;
        let literal = |s: Scalar, ty: Type, desc: Bilingual| Arg {
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
                    Bilingual::new(
                        format!("text {}", show_text(s)),
                        format!("文本 {}", show_text(s)),
                    ),
                ))
            }
            Tok::Number(n) => {
                self.advance();
                Ok(literal(
                    Scalar::Number(*n),
                    Type::Number,
                    Bilingual::new(
                        format!("number {}", self.lexeme(&t)),
                        format!("数字 {}", self.lexeme(&t)),
                    ),
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
                        Ok(literal(Scalar::Bool(upper == "TRUE"), Type::Bool, Bilingual::new(upper.clone(), upper.clone())))
                    }
                    "NULL" => Err(self.err_at(
                        offset,
                        "NULL is not a value here; test for a missing value with `property IS NULL`",
                        "NULL 在这里不是值；判断值是否缺失请写 `属性 IS NULL`",
                    )),
                    _ if RESERVED.contains(&upper.as_str()) => Err(self.expected("a property or a value", "属性或值")),
                    _ => {
                        self.advance();
                        self.property(word, offset)
                    }
                }
            }
            _ => Err(self.expected("a property or a value", "属性或值")),
        }
    }

    fn property(&self, name: &str, offset: usize) -> Result<Arg, Cql2Error> {
        match self.schema.property(name) {
            Some((id, ty)) => Ok(Arg {
                operand: Operand::Property(id),
                ty,
                desc: Bilingual::new(format!("`{name}`"), format!("`{name}`")),
                offset,
            }),
            None => Err(self.err_at(
                offset,
                format!("`{name}` is not a queryable of this collection"),
                format!("`{name}` 不是此数据集合的可查询属性"),
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
                    let (what, what_zh) = if upper == "DATE" {
                        ("date like '2026-01-31'", "日期，如 '2026-01-31'")
                    } else {
                        ("timestamp like '2026-01-31T00:00:00Z'", "时间戳，如 '2026-01-31T00:00:00Z'")
                    };
                    return Err(self.expected(&format!("a quoted {what} inside {upper}(…)"), &format!("{upper}(…) 中用单引号括起的{what_zh}")));
                };
                self.advance();
                self.expect(Tok::RParen, "`)`", "`)`")?;
                let literal = if upper == "DATE" {
                    parse_date(s).map(|d| (Scalar::Date(d), Type::Date))
                } else {
                    parse_timestamp(s).map(|t| (Scalar::Timestamp(t), Type::Timestamp))
                };
                let Some((scalar, ty)) = literal else {
                    let (form, kind_zh) = if upper == "DATE" { ("YYYY-MM-DD", "日期") } else { ("YYYY-MM-DDThh:mm:ssZ", "时间戳") };
                    return Err(self.err_at(
                        t.start,
                        format!("{upper}({}) is not a valid {} (expected {form})", show_text(s), upper.to_ascii_lowercase()),
                        format!("{upper}({}) 不是有效的{kind_zh}（格式应为 {form}）", show_text(s)),
                    ));
                };
                let shown = format!("{upper}({})", show_text(s));
                Ok(Arg { operand: Operand::Literal(scalar), ty, desc: Bilingual::new(shown.clone(), shown), offset })
            }
            "CASEI" | "ACCENTI" => Err(self.err_at(offset, format!("{upper} is not supported"), format!("不支持 {upper}"))),
            "INTERVAL" => Err(self.err_at(
                offset,
                "INTERVAL is not supported; compare dates with <, >, = or BETWEEN",
                "不支持 INTERVAL；比较日期请用 <、>、= 或 BETWEEN",
            )),
            _ if is_geometry_word(upper) => Err(self.err_at(
                offset,
                format!("the geometry literal {upper}(…) can only be used inside S_INTERSECTS, S_DISJOINT, S_WITHIN or S_CONTAINS"),
                format!("几何字面量 {upper}(…) 只能用在 S_INTERSECTS、S_DISJOINT、S_WITHIN 或 S_CONTAINS 之中"),
            )),
            _ if upper.starts_with("T_") => Err(self.err_at(
                offset,
                format!("the temporal operator {upper} is not supported; compare dates with <, >, = or BETWEEN"),
                format!("不支持时间运算符 {upper}；比较日期请用 <、>、= 或 BETWEEN"),
            )),
            _ if SpatialOp::from_name(upper).is_some() || ArrayOp::from_name(upper).is_some() => Err(self.err_at(
                offset,
                format!("{upper}(…) is a condition, not a value; it cannot be compared"),
                format!("{upper}(…) 是条件而不是值，不能用来比较"),
            )),
            _ => Err(self.err_at(offset, format!("unknown function `{upper}`"), format!("未知的函数 `{upper}`"))),
        }
    }

    // --- array functions ------------------------------------------------------------------

    fn parse_array_function(&mut self, op: ArrayOp, name: &str) -> Result<Node, Cql2Error> {
        self.advance();
        self.advance();
        let left = self.parse_array_arg(name)?;
        self.expect(Tok::Comma, "`,`", "`,`")?;
        let right = self.parse_array_arg(name)?;
        self.expect(Tok::RParen, "`)`", "`)`")?;
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
                            return Err(self.expected(
                                &format!("a text in single quotes in the {name} array"),
                                &format!("{name} 数组中用单引号括起的文本"),
                            ));
                        }
                    }
                    self.advance();
                    if self.peek().tok == Tok::Comma {
                        self.advance();
                    } else {
                        break;
                    }
                }
                self.expect(
                    Tok::RParen,
                    "`,` or `)` in the array",
                    "数组中的 `,` 或 `)`",
                )?;
                Ok(ArrayArg::Literal(items))
            }
            Tok::Word(w) | Tok::Quoted(w) => {
                let reserved = RESERVED.iter().any(|r| w.eq_ignore_ascii_case(r));
                if reserved && matches!(t.tok, Tok::Word(_)) {
                    return Err(self.expected(
                        &format!("a list property or an array like ('a', 'b') in {name}"),
                        &format!("{name} 中的列表属性或 ('a', 'b') 这样的数组"),
                    ));
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
                        format!(
                            "`{w}` 是{}；{name} 需要列表属性或 ('a', 'b') 这样的数组",
                            type_name_zh(arg.ty)
                        ),
                    )),
                }
            }
            _ => Err(self.expected(
                &format!("a list property or an array like ('a', 'b') in {name}"),
                &format!("{name} 中的列表属性或 ('a', 'b') 这样的数组"),
            )),
        }
    }

    // --- spatial functions ----------------------------------------------------------------

    fn parse_spatial(&mut self, op: SpatialOp, name: &str) -> Result<Node, Cql2Error> {
        let start = self.peek().start;
        self.advance();
        self.advance();
        let a = self.parse_geometry_arg(name)?;
        self.expect(Tok::Comma, "`,`", "`,`")?;
        let b = self.parse_geometry_arg(name)?;
        self.expect(Tok::RParen, "`)`", "`)`")?;
        match (a, b) {
            (None, Some(g)) => Ok(Node::Spatial { op, subject: None, geometry: g }),
            (Some(g), None) => Ok(Node::Spatial { op: op.converse(), subject: None, geometry: g }),
            (Some(a), Some(b)) => Ok(Node::Spatial { op, subject: Some(a), geometry: b }),
            (None, None) => Err(self.err_at(
                start,
                format!("{name} compares the geometry with itself; one argument must be a geometry literal such as BBOX(…) or POLYGON(…)"),
                format!("{name} 的两个参数都是几何属性；其中一个须是几何字面量，如 BBOX(…) 或 POLYGON(…)"),
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
                return Err(self.expected(
                    &format!("the geometry property or a geometry literal in {name}"),
                    &format!("{name} 中的几何属性或几何字面量"),
                ));
            }
        };
        let upper = word.to_ascii_uppercase();
        let next = self.peek_at(1).clone();
        let literal_follows = next.tok == Tok::LParen
            || self.is_keyword(&next, "Z")
            || self.is_keyword(&next, "EMPTY");
        if is_geometry_word(&upper) && literal_follows {
            return self.parse_geometry().map(Some);
        }
        if RESERVED.contains(&upper.as_str()) {
            return Err(self.expected(
                &format!("the geometry property or a geometry literal in {name}"),
                &format!("{name} 中的几何属性或几何字面量"),
            ));
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
                format!(
                    "`{word}` 是{}；{name} 需要几何属性和一个几何字面量",
                    type_name_zh(arg.ty)
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
        self.eat_keyword("Z");
        if self.is_keyword(self.peek(), "EMPTY") {
            return Err(self.err_at(
                self.peek().start,
                format!("{upper} EMPTY is not supported"),
                format!("不支持 {upper} EMPTY"),
            ));
        }
        if upper == "GEOMETRYCOLLECTION" {
            // Its members are validated one by one, as they are parsed.
            let members = self.list_of(Self::collection_member)?;
            return Ok(Geometry::GeometryCollection(GeometryCollection(members)));
        }
        let geometry = match upper.as_str() {
            "POINT" => {
                self.expect(Tok::LParen, "`(`", "`(`")?;
                let c = self.coord()?;
                self.expect(Tok::RParen, "`)`", "`)`")?;
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
            return Err(self.err_at(
                t.start,
                format!("invalid {upper}: {e}"),
                format!("无效的 {upper}：{}", invalid_zh(&e)),
            ));
        }
        Ok(geometry)
    }

    /// One geometry of a GEOMETRYCOLLECTION: WKT, but neither BBOX nor another collection.
    fn collection_member(&mut self) -> Result<Geometry, Cql2Error> {
        let t = self.peek();
        let word = self.lexeme(t).to_ascii_uppercase();
        if matches!(t.tok, Tok::Word(_)) && WKT_WORDS.contains(&word.as_str()) {
            return self.parse_geometry();
        }
        Err(self.expected(
            "POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING or MULTIPOLYGON in the GEOMETRYCOLLECTION",
            "GEOMETRYCOLLECTION 中的 POINT、LINESTRING、POLYGON、MULTIPOINT、MULTILINESTRING 或 MULTIPOLYGON",
        ))
    }

    /// `(` item `,` item … `)`.
    fn list_of<T>(
        &mut self,
        item: fn(&mut Self) -> Result<T, Cql2Error>,
    ) -> Result<Vec<T>, Cql2Error> {
        self.expect(Tok::LParen, "`(`", "`(`")?;
        let mut out = vec![item(self)?];
        while self.peek().tok == Tok::Comma {
            self.advance();
            out.push(item(self)?);
        }
        self.expect(Tok::RParen, "`,` or `)`", "`,` 或 `)`")?;
        Ok(out)
    }

    fn number(&mut self) -> Result<f64, Cql2Error> {
        match self.peek().tok {
            Tok::Number(n) => {
                self.advance();
                Ok(n)
            }
            _ => Err(self.expected("a number", "数字")),
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
            return Err(self.err_at(start, "a line needs at least 2 points", "线至少需要 2 个点"));
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
                format!("多边形的环至少需要 4 个点，却只有 {} 个", coords.len()),
            ));
        }
        if coords.first() != coords.last() {
            return Err(self.err_at(
                start,
                "a polygon ring must end at its first point",
                "多边形的环必须回到起点（首尾两点相同）",
            ));
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
                p.expect(Tok::RParen, "`)`", "`)`")?;
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
                    format!(
                        "BBOX 需要 4 个数字（最小 x、最小 y、最大 x、最大 y），却有 {} 个",
                        numbers.len()
                    ),
                ));
            }
        };
        if miny > maxy {
            return Err(self.err_at(
                start,
                format!("BBOX has miny {miny} greater than maxy {maxy}"),
                format!("BBOX 的最小 y（{miny}）大于最大 y（{maxy}）"),
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
                format!("BBOX 的最小 x（{minx}）大于最大 x（{maxx}），这只在跨越 180° 经线时才有意义（经度须在 -180..180 以内）"),
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

/// An RFC 3339 timestamp, as UTC.
fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Dates and timestamps compare with each other (/per/basic-cql2/type-casts).
fn is_temporal(ty: Type) -> bool {
    matches!(ty, Type::Date | Type::Timestamp)
}

pub(super) fn compile_like(pattern: &str) -> Result<Vec<LikePart>, Bilingual> {
    let mut out = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '%' => LikePart::Any,
            '_' => LikePart::One,
            '\\' => match chars.next() {
                Some(e) => LikePart::Char(e),
                None => {
                    return Err(Bilingual::new(
                        format!(
                            "LIKE pattern {} ends with the escape character `\\`",
                            show_text(pattern)
                        ),
                        format!("LIKE 模式 {} 以转义符 `\\` 结尾", show_text(pattern)),
                    ))
                }
            },
            c => LikePart::Char(c),
        });
    }
    Ok(out)
}

//! Splits filter text into tokens, each with its byte span for error messages.

use std::cmp::Ordering;

use super::error::{Bilingual, Cql2Error};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub(super) fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    pub(super) fn holds(self, ord: Ordering) -> bool {
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
pub(super) enum Tok {
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
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) start: usize,
    pub(super) end: usize,
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
/// In text, a backslash escapes a quote and writes the controls `\a \b \t \n \v \f \r`
/// (/req/cql2-text/escaping); before any other character it stays, so that LIKE still reads
/// `\%`, `\_` and `\\`.
fn quoted_end(src: &str, start: usize, quote: char) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = src.get(start + 1..)?.char_indices().peekable();
    while let Some((k, c)) = chars.next() {
        if c == '\\' && quote == '\'' {
            // A backslash just before the end leaves the text open.
            let (_, e) = chars.next()?;
            match e {
                '\'' => out.push('\''),
                'a' => out.push('\u{7}'),
                'b' => out.push('\u{8}'),
                't' => out.push('\t'),
                'n' => out.push('\n'),
                'v' => out.push('\u{b}'),
                'f' => out.push('\u{c}'),
                'r' => out.push('\r'),
                _ => {
                    out.push('\\');
                    out.push(e);
                }
            }
        } else if c == quote {
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

pub(super) fn lex(src: &str) -> Result<Vec<Token>, Cql2Error> {
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
                    Bilingual::new(
                        "`!=` is not CQL2; write `<>` for \"not equal\"",
                        "`!=` 不是 CQL2 的写法；“不等于”请写 `<>`",
                    ),
                ));
            }
            '\'' | '"' => {
                let Some((text, end)) = quoted_end(src, start, c) else {
                    let (what, what_zh) = if c == '\'' {
                        ("text", "文本")
                    } else {
                        ("quoted property name", "带引号的属性名")
                    };
                    return Err(Cql2Error::at(
                        src,
                        start,
                        Bilingual::new(
                            format!("{what} starting with `{c}` is never closed"),
                            format!("以 `{c}` 开头的{what_zh}没有闭合"),
                        ),
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
                                Bilingual::new(
                                    format!("number `{lexeme}` is out of range"),
                                    format!("数字 `{lexeme}` 超出范围"),
                                ),
                            ));
                        }
                    }
                }
                None => {
                    let (hint, hint_zh) = if matches!(c, '+' | '-' | '*' | '/') {
                        (" (arithmetic is not supported)", "（不支持算术运算）")
                    } else {
                        ("", "")
                    };
                    return Err(Cql2Error::at(
                        src,
                        start,
                        Bilingual::new(
                            format!("unexpected character `{c}`{hint}"),
                            format!("意外的字符 `{c}`{hint_zh}"),
                        ),
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

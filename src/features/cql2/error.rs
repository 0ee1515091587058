//! Cql2Error: what is wrong with a filter, and at which column.

use std::fmt;

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
    pub(super) fn expected(src: &str, offset: usize, expected: &str, found: &str) -> Self {
        let column = column_of(src, offset);
        Cql2Error {
            message: format!("expected {expected} at column {column}, found {found}"),
            offset,
            column,
        }
    }

    /// Any other problem: the message, then the column in parentheses.
    pub(super) fn at(src: &str, offset: usize, message: impl Into<String>) -> Self {
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
pub(super) fn column_of(src: &str, offset: usize) -> usize {
    src.get(..offset).map_or(offset, |s| s.chars().count()) + 1
}

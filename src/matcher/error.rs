//! Errors of the matcher: a request it cannot run, naming the field and the reason.

/// Why a match request was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MatchError {
    /// The body is not JSON at all.
    #[error("the request is not valid JSON: {0}")]
    Syntax(String),
    /// A field is missing, of the wrong type, or out of range.
    #[error("{field}: {reason}")]
    Field {
        /// The field's path, e.g. `land_area_mu.min` or `land_use[1]`.
        field: String,
        /// What is wrong with it.
        reason: String,
        /// The same in Chinese.
        reason_zh: String,
    },
}

impl crate::error::Classified for MatchError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind;
        match self {
            MatchError::Syntax(_) => ErrorKind::Malformed,
            MatchError::Field { .. } => ErrorKind::InvalidField,
        }
    }

    fn blame(&self) -> crate::error::Blame<'_> {
        match self {
            MatchError::Field { field, .. } => crate::error::Blame::Field(field),
            MatchError::Syntax(_) => crate::error::Blame::Nothing,
        }
    }

    fn detail_zh(&self) -> Option<String> {
        Some(match self {
            MatchError::Syntax(cause) => format!("请求不是有效的 JSON：{}", crate::error::plain_reason_zh(cause)),
            MatchError::Field { field, reason_zh, .. } => format!("字段 {field}：{reason_zh}"),
        })
    }
}

impl MatchError {
    /// A field error, with its reason in English and in Chinese.
    pub fn field(field: impl Into<String>, reason: impl Into<String>, reason_zh: impl Into<String>) -> MatchError {
        MatchError::Field { field: field.into(), reason: reason.into(), reason_zh: reason_zh.into() }
    }

    /// The offending field, if the error names one.
    pub fn field_name(&self) -> Option<&str> {
        match self {
            MatchError::Field { field, .. } => Some(field),
            MatchError::Syntax(_) => None,
        }
    }
}

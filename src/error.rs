//! What kind of failure an error is, in terms every layer shares (like [`std::io::ErrorKind`]).
//! Each layer's error type says its kind and what it blames; the HTTP edge maps each kind to
//! one status and problem type, in one table.

use crate::inventory::Report;

/// The kind of a failure, whatever layer raised it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// No such feature, collection, resource or tile.
    NotFound,
    /// The body cannot be read at all (not UTF-8, not JSON).
    Malformed,
    /// A query parameter is unknown or invalid.
    InvalidParameter,
    /// A body field is missing, of the wrong type or out of range.
    InvalidField,
    /// Data that does not validate (an import or an edit); the report lists every problem.
    InvalidData,
    /// A change the rules do not allow (a workflow transition).
    Refused,
    /// The thing changed since the caller read it (a stale version).
    Conflict,
    /// A write that does not say which version it changes.
    PreconditionRequired,
    /// No valid credentials.
    Unauthorized,
    /// Credentials that do not allow this.
    Forbidden,
    /// The resource exists but does not take this operation.
    NotAllowed,
    /// The body is larger than the service takes.
    TooLarge,
    /// The service holds no store, so it cannot write.
    ReadOnly,
    /// The service is not ready yet.
    NotReady,
    /// A failure of the service itself, not of the request.
    Internal,
}

/// What an error blames, for the client to point at.
#[derive(Debug, Clone, Copy, Default)]
pub enum Blame<'a> {
    /// Nothing in particular.
    #[default]
    Nothing,
    /// A body field, by its path (`land_area_mu.min`).
    Field(&'a str),
    /// A query or path parameter.
    Parameter(&'a str),
    /// Every problem of a validation.
    Report(&'a Report),
}

/// An error that knows its kind and what it blames.
pub trait Classified {
    /// The kind of failure.
    fn kind(&self) -> ErrorKind;

    /// The field, parameter or report at fault, if any.
    fn blame(&self) -> Blame<'_> {
        Blame::Nothing
    }

    /// The whole message in Chinese, where this error has one; otherwise readers of Chinese
    /// get the kind and the blamed name in Chinese and the specifics in English.
    fn detail_zh(&self) -> Option<String> {
        None
    }
}

/// A reason written the same way in many places, in Chinese; `None` for the others.
pub fn reason_zh(reason: &str) -> Option<String> {
    if let Some(rest) = reason.strip_prefix("is not a parameter of ") {
        return Some(match rest.split_once("(known: ") {
            Some((_, known)) => format!("不是此请求的参数（可用参数：{}）", known.trim_end_matches(')')),
            None => "不是此请求的参数".into(),
        });
    }
    if reason == "this request takes no query parameters" {
        return Some("此请求不接受查询参数".into());
    }
    if let Some(value) = reason.strip_suffix(" is not offered; use json or html") {
        return Some(format!("不提供 {value} 格式；请用 json 或 html"));
    }
    if let Some(path) = reason.strip_prefix("there is no resource at ").and_then(|r| r.strip_suffix("; GET /api lists the routes")) {
        return Some(format!("{path} 没有资源；GET /api 列出全部路由"));
    }
    if let Some((method, rest)) = reason.split_once(" is not allowed on ") {
        return Some(match rest.split_once("; use ") {
            Some((path, methods)) => format!("{path} 不接受 {method} 请求；可用 {methods}"),
            None => format!("{rest} 不接受 {method} 请求"),
        });
    }
    if reason == "is given more than once" {
        return Some("重复给出".into());
    }
    None
}

impl ErrorKind {
    /// The title and opening sentence of a problem of this kind, in Chinese.
    pub fn zh(self) -> (&'static str, &'static str) {
        match self {
            ErrorKind::NotFound => ("未找到", "没有这项资源"),
            ErrorKind::Malformed => ("请求有误", "请求正文无法读取"),
            ErrorKind::InvalidParameter => ("请求有误", "查询参数无效"),
            ErrorKind::InvalidField => ("无法处理的内容", "请求字段无效"),
            ErrorKind::InvalidData => ("无法处理的内容", "数据未通过校验"),
            ErrorKind::Refused => ("无法处理的内容", "规则不允许这项变更"),
            ErrorKind::Conflict => ("前提条件不成立", "要素已被他人修改（版本不符），请重新读取后再改"),
            ErrorKind::PreconditionRequired => ("需要前提条件", "修改须带 If-Match（要素的 ETag）"),
            ErrorKind::Unauthorized => ("未认证", "需要有效的令牌（Authorization: Bearer …）"),
            ErrorKind::Forbidden => ("无权操作", "令牌的角色不允许这项操作"),
            ErrorKind::NotAllowed => ("方法不允许", "此地址不接受这种请求方法"),
            ErrorKind::TooLarge => ("请求过大", "请求正文超过上限"),
            ErrorKind::ReadOnly => ("服务只读", "本服务未连接数据库，不能写入（serve --store）"),
            ErrorKind::NotReady => ("服务未就绪", "库存数据尚未载入"),
            ErrorKind::Internal => ("服务内部错误", "服务出错，详见服务器日志"),
        }
    }
}

/// A body field or query parameter that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Its path (`land_area_mu.min`, `land_use[1]`), or what the whole input is called.
    pub field: String,
    /// serde's reason.
    pub reason: String,
}

/// Deserializes `T`, naming the field at fault from serde's path. serde gives no path for a
/// required field left out at the top (`.`); that one is found by asking `T` itself which
/// field it needs first, and named when the input (whose top-level keys are `given`) lacks it;
/// otherwise (or when the input is no map: `given` is none) the error blames `whole`.
pub fn deserialize_named<'de, T, D>(deserializer: D, given: Option<&[&str]>, whole: &str) -> Result<T, FieldError>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let reason = plain_reason(&e.into_inner().to_string());
        let field = if path == "." {
            given.and_then(|given| first_required::<T>().filter(|f| !given.contains(f))).unwrap_or(whole).to_string()
        } else {
            path
        };
        FieldError { field, reason }
    })
}

/// serde's reason in the words of the input rather than of Rust's types: `f64` is a number,
/// a struct an object, a sequence a list.
pub fn plain_reason(reason: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for word in reason.split(' ') {
        let (core, tail) = word.split_at(word.trim_end_matches([',', ')']).len());
        let plain = match core.trim_matches('`') {
            "f32" | "f64" => "a number".to_string(),
            "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_string(),
            "sequence" => "list".to_string(),
            "map" => "object".to_string(),
            _ if core.starts_with('`') && core.ends_with('`') && core.len() > 1 => format!("'{}'", core.trim_matches('`')),
            _ => core.to_string(),
        };
        words.push(plain + tail);
    }
    let text = words.join(" ").replace("invalid type: ", "").replace("invalid value: ", "");
    // "expected struct Name with 3 elements" and "expected struct Name": an object
    match text.find("expected struct ") {
        Some(at) => format!("{}expected an object", &text[..at]),
        None => text,
    }
}

/// Reads `T` from a JSON value, naming the field at fault (see [`deserialize_named`]).
pub fn from_json_value<T: serde::de::DeserializeOwned>(value: serde_json::Value, whole: &str) -> Result<T, FieldError> {
    let keys: Option<Vec<String>> = value.as_object().map(|o| o.keys().cloned().collect());
    let keys: Option<Vec<&str>> = keys.as_ref().map(|k| k.iter().map(String::as_str).collect());
    deserialize_named(value, keys.as_deref(), whole)
}

/// The first field `T` cannot do without, found by deserializing it from an empty map.
fn first_required<'de, T: serde::Deserialize<'de>>() -> Option<&'static str> {
    let empty = serde::de::value::MapDeserializer::<_, MissingField>::new(std::iter::empty::<(&str, &str)>());
    T::deserialize(empty).err().and_then(|e| e.0)
}

/// An error that remembers which field serde found missing.
#[derive(Debug)]
struct MissingField(Option<&'static str>);

impl std::fmt::Display for MissingField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "missing field {:?}", self.0)
    }
}

impl std::error::Error for MissingField {}

impl serde::de::Error for MissingField {
    fn custom<M: std::fmt::Display>(_: M) -> MissingField {
        MissingField(None)
    }

    fn missing_field(field: &'static str) -> MissingField {
        MissingField(Some(field))
    }
}

#[cfg(test)]
mod plain_reasons {
    use super::plain_reason;

    #[test]
    fn no_rust_type_names_reach_the_reader() {
        for (serde, plain) in [
            ("invalid type: string \"a\", expected f64", "string \"a\", expected a number"),
            ("invalid type: floating point `1.5`, expected u32", "floating point '1.5', expected a whole number"),
            ("invalid length 1, expected struct Thing with 32 elements", "invalid length 1, expected an object"),
            ("unknown field `f`, expected `crs` or `format`", "unknown field 'f', expected 'crs' or 'format'"),
            ("invalid type: map, expected a sequence", "object, expected a list"),
        ] {
            assert_eq!(plain_reason(serde), plain);
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        note: Option<String>,
        status: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        min: Option<f64>,
    }

    fn field_of(json: &str) -> String {
        from_json_value::<Body>(serde_json::from_str(json).unwrap(), "body").unwrap_err().field
    }

    #[test]
    fn the_field_at_fault_is_named_by_path_or_by_what_the_type_needs() {
        assert_eq!(field_of(r#"{"status": "sold", "bogus": 1}"#), "bogus");
        assert_eq!(field_of(r#"{"note": "x"}"#), "status");
        assert_eq!(field_of(r#"{"status": 3}"#), "status");
        assert_eq!(field_of(r#"{"status": "sold", "inner": {"min": "a"}}"#), "inner.min");
        assert_eq!(field_of("5"), "body");
    }
}

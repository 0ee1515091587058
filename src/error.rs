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
    /// Too many failed attempts from this client: wait and retry.
    TooManyRequests,
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

/// A message in English and in Chinese; `Display` shows the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bilingual {
    /// In English.
    pub en: String,
    /// In Chinese.
    pub zh: String,
}

impl Bilingual {
    /// A message in both languages.
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Bilingual {
        Bilingual { en: en.into(), zh: zh.into() }
    }
}

impl std::fmt::Display for Bilingual {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

/// An operating-system error in Chinese, by its kind; the OS's own words for the rare ones.
pub fn io_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "文件或目录不存在".into(),
        ErrorKind::PermissionDenied => "没有权限".into(),
        ErrorKind::AlreadyExists => "已经存在".into(),
        ErrorKind::AddrInUse => "地址已被占用".into(),
        ErrorKind::AddrNotAvailable => "本机没有这个地址".into(),
        // what reading text gives for bytes that are not UTF-8
        ErrorKind::InvalidData => "不是有效的 UTF-8 文本".into(),
        ErrorKind::IsADirectory => "这是一个目录".into(),
        ErrorKind::NotADirectory => "不是目录".into(),
        ErrorKind::StorageFull => "磁盘已满".into(),
        _ => e.to_string(),
    }
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
            ErrorKind::Forbidden => ("无权操作", "令牌的角色或范围不允许这项操作"),
            ErrorKind::TooManyRequests => ("请求过多", "认证失败次数过多，请稍后再试"),
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
    /// The same in Chinese.
    pub reason_zh: String,
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
        let serde_reason = e.into_inner().to_string();
        let (reason, reason_zh) = (plain_reason(&serde_reason), plain_reason_zh(&serde_reason));
        let field = if path == "." {
            given.and_then(|given| first_required::<T>().filter(|f| !given.contains(f))).unwrap_or(whole).to_string()
        } else {
            path
        };
        FieldError { field, reason, reason_zh }
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
        if let Some(article) = words.last_mut().filter(|w| *w == "a" && plain == "object") {
            article.push('n');
        }
        words.push(plain + tail);
    }
    let text = words.join(" ").replace("invalid type: ", "").replace("invalid value: ", "");
    // "expected struct Name with 3 elements" and "expected struct Name": an object
    match text.find("expected struct ") {
        Some(at) => format!("{}expected an object", &text[..at]),
        None => text,
    }
}

/// serde's reason in Chinese: serde_json's and serde_urlencoded's, chrono's for dates, std's
/// number parsing, and our vocabularies' "'x' is not one of …"; serde_json's position becomes
/// 第 N 行第 M 列. A reason not known here keeps its plain English after a Chinese lead.
pub fn plain_reason_zh(serde_reason: &str) -> String {
    let (reason, position) = split_position(serde_reason);
    let zh = sentence_zh(reason).unwrap_or_else(|| format!("无法读取：{}", plain_reason(reason)));
    match position {
        Some((line, column)) => format!("{zh}（第 {line} 行第 {column} 列）"),
        None => zh,
    }
}

/// serde_json's " at line 3 column 7", split off the reason.
fn split_position(reason: &str) -> (&str, Option<(&str, &str)>) {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(at) = reason.rfind(" at line ") {
        if let Some((line, column)) = reason[at + " at line ".len()..].split_once(" column ") {
            if digits(line) && digits(column) {
                return (&reason[..at], Some((line, column)));
            }
        }
    }
    (reason, None)
}

fn sentence_zh(reason: &str) -> Option<String> {
    if let Some(zh) = fixed_zh(reason) {
        return Some(zh.to_string());
    }
    if let Some(name) = reason.strip_prefix("missing field ") {
        return Some(format!("缺少字段 {}", name.trim_matches('`')));
    }
    if let Some(name) = reason.strip_prefix("duplicate field ") {
        return Some(format!("字段 {} 重复", name.trim_matches('`')));
    }
    // the name given comes first and may hold anything, so the list is split off the end
    if let Some(rest) = reason.strip_prefix("unknown field `") {
        if let Some(name) = rest.strip_suffix("`, there are no fields") {
            return Some(format!("未知字段 {name}：此处不接受任何字段"));
        }
        let (name, names) = rest.rsplit_once("`, expected ")?;
        return Some(format!("未知字段 {name}，可用字段：{}", names_zh(names)));
    }
    if let Some(rest) = reason.strip_prefix("unknown variant `") {
        if let Some(name) = rest.strip_suffix("`, there are no variants") {
            return Some(format!("'{name}' 不是可用的值"));
        }
        let (name, names) = rest.rsplit_once("`, expected ")?;
        return Some(format!("'{name}' 不是可用的值（可用：{}）", names_zh(names)));
    }
    // the words of `UnknownValue::zh`, for vocabularies read through serde
    if let Some((given, allowed)) = reason.strip_prefix('\'').and_then(|r| r.rsplit_once("' is not one of ")) {
        return Some(format!("'{given}' 不是可用的值（可用：{}）", allowed_zh(allowed)));
    }
    for (lead, zh) in [("invalid type: ", "类型不对"), ("invalid value: ", "值不对")] {
        if let Some((given, expected)) = reason.strip_prefix(lead).and_then(|r| r.rsplit_once(", expected ")) {
            return Some(format!("{zh}：给的是{}，应为{}", spaced(given_zh(given)), spaced(expected_zh(expected))));
        }
    }
    if let Some((len, expected)) = reason.strip_prefix("invalid length ").and_then(|r| r.split_once(", expected ")) {
        return Some(format!("元素个数不对：给了 {len} 个，应为{}", spaced(expected_zh(expected))));
    }
    if reason.starts_with("data did not match any variant of untagged enum ") {
        return Some("不符合任何一种可接受的写法".into());
    }
    if reason.starts_with("could not read input: ") {
        return Some("无法读取输入".into());
    }
    None
}

/// Reasons that carry no value, whole.
fn fixed_zh(reason: &str) -> Option<&'static str> {
    Some(match reason {
        // serde_json's syntax
        "EOF while parsing a value" => "正文不完整：值没有写完",
        "EOF while parsing a list" => "正文不完整：列表缺少 ]",
        "EOF while parsing an object" => "正文不完整：对象缺少 }",
        "EOF while parsing a string" => "正文不完整：字符串缺少结尾的引号",
        "expected value" => "此处应为一个值",
        "expected ident" => "此处应为 true、false 或 null",
        "expected `:`" => "此处应为冒号 :",
        "expected `,` or `]`" => "此处应为逗号 , 或 ]",
        "expected `,` or `}`" => "此处应为逗号 , 或 }",
        "expected `\"`" => "此处应为引号 \"",
        "invalid escape" => "字符串中的转义无效",
        "invalid number" => "数字写法无效",
        "number out of range" => "数字超出范围",
        "invalid unicode code point" => "无效的 Unicode 码位",
        "control character (\\u0000-\\u001F) found while parsing a string" => "字符串中有未转义的控制字符",
        "key must be a string" => "对象的键必须是字符串",
        "invalid value: expected key to be a number in quotes" => "对象的键应为带引号的数字",
        "float key must be finite (got NaN or +/-inf)" => "数字键必须是有限数",
        "lone leading surrogate in hex escape" => "\\u 转义中有不成对的代理码位",
        "trailing comma" => "多了一个逗号",
        "trailing characters" => "JSON 之后还有多余的字符",
        "unexpected end of hex escape" => "\\u 转义不完整",
        "recursion limit exceeded" => "嵌套层数过多",
        // chrono, for dates
        "input is out of range" => "日期超出范围",
        "no possible date and time matching input" => "没有这个日期",
        "input is not enough for unique date and time" | "premature end of input" => "日期不完整（格式如 2026-05-01）",
        "input contains invalid characters" => "日期含无效字符（格式如 2026-05-01）",
        "trailing input" => "日期后有多余的字符",
        "bad or unsupported format string" => "日期格式不受支持",
        // std's parsing, as serde_urlencoded reports it
        "invalid digit found in string" => "含有非数字的字符，应为整数",
        "cannot parse integer from empty string" => "为空，应为整数",
        "number too large to fit in target type" => "数字过大",
        "number too small to fit in target type" => "数字过小",
        "invalid float literal" => "应为数字",
        "cannot parse float from empty string" => "为空，应为数字",
        "provided string was not `true` or `false`" => "应为 true 或 false",
        "too many characters in string" => "应为单个字符",
        "cannot parse char from empty string" => "为空，应为单个字符",
        "expected unit variant" => "应为可选值之一",
        _ => return None,
    })
}

/// What the input held, as serde's `Unexpected` words it.
fn given_zh(given: &str) -> String {
    if let Some(text) = given.strip_prefix("string ") {
        return format!("字符串 {text}");
    }
    for (prefix, zh) in [("integer ", "整数"), ("floating point ", "小数"), ("boolean ", "布尔值"), ("character ", "字符")] {
        if let Some(value) = given.strip_prefix(prefix) {
            return format!("{zh} {}", value.trim_matches('`'));
        }
    }
    let zh = match given {
        "null" | "unit value" => "null",
        "sequence" => "列表",
        "map" => "对象",
        "byte array" => "字节串",
        "Option value" | "newtype struct" => "值",
        "enum" | "unit variant" | "newtype variant" | "tuple variant" | "struct variant" => "枚举值",
        other => return plain_reason(other),
    };
    zh.to_string()
}

/// What the type wanted, as its `Visitor` words it.
fn expected_zh(expected: &str) -> String {
    let zh = match expected {
        "f32" | "f64" | "a number" => "数字",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "非负整数",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "a whole number" => "整数",
        // an enum read from a JSON value: ours are all plain names
        "a string" | "a borrowed string" | "string" | "string or map" => "字符串",
        "a boolean" => "true 或 false",
        "a character" | "a char" => "单个字符",
        "a sequence" | "a list" => "列表",
        "a map" | "an object" => "对象",
        "unit" => "null",
        "option" => "值或 null",
        "any valid JSON value" => "任意 JSON 值",
        "a formatted date string" => "日期（格式如 2026-05-01）",
        "a formatted date and time string" => "日期时间（格式如 2026-05-01T09:00:00）",
        "field identifier" => "字段名",
        "variant identifier" => "可选值",
        _ => "",
    };
    if !zh.is_empty() {
        return zh.to_string();
    }
    if expected.starts_with("struct ") {
        return "对象".into();
    }
    if expected.starts_with("enum ") {
        return "可选值之一".into();
    }
    if expected.starts_with("tuple struct ") {
        return "列表".into();
    }
    if expected.starts_with("unit struct ") {
        return "null".into();
    }
    if let Some(n) = expected.strip_prefix("a tuple of size ").or_else(|| expected.strip_prefix("an array of length ")) {
        return format!("含 {n} 个元素的列表");
    }
    if expected.starts_with("one of ") || expected.starts_with('`') {
        return format!("以下之一：{}", names_zh(expected));
    }
    // a type's own `expecting`, such as "a range such as {"min": 10}"
    if let Some((what, example)) = expected.split_once(" such as ") {
        if let Some(what) = noun_zh(what) {
            return format!("{what}，例如 {example}");
        }
    }
    noun_zh(expected).map_or_else(|| plain_reason(expected), str::to_string)
}

/// The nouns our types' `expecting` texts use.
fn noun_zh(noun: &str) -> Option<&'static str> {
    let noun = noun.strip_prefix("an ").or_else(|| noun.strip_prefix("a ")).unwrap_or(noun);
    Some(match noun {
        "range" => "范围",
        "project object" => "项目对象",
        "object" => "对象",
        "list" => "列表",
        "number" => "数字",
        "date" => "日期",
        _ => return None,
    })
}

/// serde's list of names (`` one of `a`, `b`, `c` `` or `` `a` or `b` ``), as a Chinese list.
fn names_zh(names: &str) -> String {
    let names = names.strip_prefix("one of ").unwrap_or(names);
    names.split(", ").flat_map(|n| n.split(" or ")).map(|n| n.trim_matches('`')).collect::<Vec<_>>().join("、")
}

/// The allowed values of a vocabulary, as a Chinese list.
fn allowed_zh(allowed: &str) -> String {
    // land use is the one vocabulary whose list ends in English words
    let (codes, examples) = match allowed.split_once(", or a GB 50137 planning code such as ") {
        Some((codes, examples)) => (codes, Some(examples)),
        None => (allowed, None),
    };
    let list = codes.replace(", ", "、");
    let list = match list.split_once(" (或 ") {
        Some((codes, labels)) => format!("{codes}（或 {}）", labels.trim_end_matches(')')),
        None => list,
    };
    match examples {
        Some(examples) => format!("{list}，或 GB 50137 的用地代码，如 {}", examples.replace(", ", "、")),
        None => list,
    }
}

/// A space between a Chinese word and what follows it, where that starts with Latin text.
fn spaced(text: String) -> String {
    match text.chars().next() {
        Some(c) if c.is_ascii_alphanumeric() || c == '"' || c == '\'' || c == '{' || c == '[' || c == '-' => format!(" {text}"),
        _ => text,
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
            ("invalid type: sequence, expected a map", "list, expected an object"),
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

#[cfg(test)]
mod chinese_reasons {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{LandUse, SpaceStatus};

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Probe {
        number: Option<f64>,
        count: Option<u32>,
        flag: Option<bool>,
        list: Option<Vec<f64>>,
        pair: Option<(f64, f64)>,
        table: Option<BTreeMap<String, f64>>,
        kind: Option<Kind>,
        day: Option<chrono::NaiveDate>,
        range: Option<Span>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Land,
        Building,
        Any,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields, expecting = "a range such as {\"min\": 10}")]
    #[allow(dead_code)]
    struct Span {
        min: Option<f64>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Named {
        id: String,
    }

    /// serde's message for a JSON value read as `T`, as the matcher reads a body.
    fn from_value<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        serde_json::from_value::<T>(serde_json::from_str(json).unwrap()).unwrap_err().to_string()
    }

    /// serde's message for JSON text read as `T` (with its position).
    fn from_text<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        serde_json::from_str::<T>(json).unwrap_err().to_string()
    }

    /// serde's message for a query string read as `T`.
    fn from_query<T: serde::de::DeserializeOwned + std::fmt::Debug>(query: &str) -> String {
        serde_urlencoded::from_str::<T>(query).unwrap_err().to_string()
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Paging {
        limit: Option<usize>,
        flag: Option<bool>,
    }

    fn cases() -> Vec<(String, &'static str)> {
        use serde_json::Value;
        vec![
            (from_value::<Probe>(r#"{"number": "a"}"#), "类型不对：给的是字符串 \"a\"，应为数字"),
            (from_value::<Probe>(r#"{"count": 1.5}"#), "类型不对：给的是小数 1.5，应为非负整数"),
            (from_value::<Probe>(r#"{"count": -1}"#), "值不对：给的是整数 -1，应为非负整数"),
            (from_value::<Probe>(r#"{"flag": "yes"}"#), "类型不对：给的是字符串 \"yes\"，应为 true 或 false"),
            (from_value::<Probe>(r#"{"list": {"a": 1}}"#), "类型不对：给的是对象，应为列表"),
            (from_value::<Probe>(r#"{"pair": [1]}"#), "元素个数不对：给了 1 个，应为含 2 个元素的列表"),
            (from_value::<Probe>(r#"{"table": [1]}"#), "类型不对：给的是列表，应为对象"),
            (from_value::<Probe>(r#"{"kind": "sky"}"#), "'sky' 不是可用的值（可用：land、building、any）"),
            (from_value::<Probe>(r#"{"kind": 5}"#), "类型不对：给的是整数 5，应为字符串"),
            (from_value::<Probe>(r#"{"day": "2026-13-01"}"#), "日期超出范围"),
            (from_value::<Probe>(r#"{"day": "soon"}"#), "日期含无效字符（格式如 2026-05-01）"),
            (from_value::<Probe>(r#"{"day": 5}"#), "类型不对：给的是整数 5，应为日期（格式如 2026-05-01）"),
            (from_value::<Probe>(r#"{"range": 5}"#), "类型不对：给的是整数 5，应为范围，例如 {\"min\": 10}"),
            (from_value::<Probe>(r#"{"range": {"max": 1}}"#), "未知字段 max，可用字段：min"),
            (from_value::<Probe>(r#"{"bogus": 1}"#), "未知字段 bogus，可用字段：number、count、flag、list、pair、table、kind、day、range"),
            (from_value::<Probe>("[1]"), "元素个数不对：给了 1 个，应为对象"),
            (from_value::<Probe>("5"), "类型不对：给的是整数 5，应为对象"),
            (from_value::<Named>("{}"), "缺少字段 id"),
            (from_value::<Named>(r#"{"id": null}"#), "类型不对：给的是 null，应为字符串"),
            (from_text::<Probe>(r#"{"number": 1, "number": 2}"#), "字段 number 重复（第 1 行第 22 列）"),
            (from_text::<Value>(r#"{"a": "#), "正文不完整：值没有写完（第 1 行第 6 列）"),
            (from_text::<Value>(r#"{"a": 1"#), "正文不完整：对象缺少 }（第 1 行第 7 列）"),
            (from_text::<Value>("[1, 2"), "正文不完整：列表缺少 ]（第 1 行第 5 列）"),
            (from_text::<Value>(r#"{"a" 1}"#), "此处应为冒号 :（第 1 行第 6 列）"),
            (from_text::<Value>(r#"{"a": 1} x"#), "JSON 之后还有多余的字符（第 1 行第 10 列）"),
            (from_text::<Value>("trux"), "此处应为 true、false 或 null（第 1 行第 4 列）"),
            (from_text::<Value>("1e999"), "数字超出范围（第 1 行第 5 列）"),
            (from_text::<Value>(r#"{"a": 1,}"#), "多了一个逗号（第 1 行第 9 列）"),
            (from_text::<Value>(r#""\q""#), "字符串中的转义无效（第 1 行第 3 列）"),
            (from_text::<Value>("{\"a\": x}"), "此处应为一个值（第 1 行第 7 列）"),
            (from_query::<Paging>("limit=abc"), "含有非数字的字符，应为整数"),
            (from_query::<Paging>("flag=maybe"), "应为 true 或 false"),
            (from_query::<Paging>("nope=1"), "未知字段 nope，可用字段：limit、flag"),
            (
                "待定".parse::<SpaceStatus>().unwrap_err().to_string(),
                "'待定' 不是可用的值（可用：available、negotiating、reserved、leased、sold、under_construction、idle（或 可供应、洽谈中、已预留、已出租、已出让、在建、闲置/低效））",
            ),
            ("X9".parse::<LandUse>().unwrap_err().to_string(), "'X9' 不是可用的值（可用：M1、M4、M1/M4，或 GB 50137 的用地代码，如 M2、B29）"),
        ]
    }

    /// Words of Rust's types that must not reach a reader.
    const RUST_WORDS: [&str; 21] = [
        "f32", "f64", "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize", "struct", "sequence", "map", "Option", "enum",
        "unit", "variant", "identifier", "expected",
    ];

    fn has_cjk(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn serde_reasons_read_in_chinese() {
        for (serde, zh) in cases() {
            assert_eq!(plain_reason_zh(&serde), zh, "from {serde:?}");
        }
    }

    #[test]
    fn no_backticks_and_no_rust_type_names_in_chinese_reasons() {
        for (serde, _) in cases() {
            let zh = plain_reason_zh(&serde);
            assert!(has_cjk(&zh), "{zh}");
            assert!(!zh.contains('`'), "{zh}");
            let words: Vec<&str> = zh.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').collect();
            assert!(!RUST_WORDS.iter().any(|w| words.contains(w)), "{serde:?} → {zh}");
        }
        // the check can fail: serde's own words hold them
        assert!(cases().iter().any(|(serde, _)| RUST_WORDS.iter().any(|w| serde.split(|c: char| !c.is_ascii_alphanumeric()).any(|x| x == *w))));
    }

    #[test]
    fn an_unknown_reason_keeps_its_plain_english_after_a_chinese_lead() {
        assert_eq!(plain_reason_zh("the moon is made of cheese"), "无法读取：the moon is made of cheese");
        assert_eq!(plain_reason_zh("invalid type: widget, expected f64"), "类型不对：给的是 widget，应为数字");
    }

    #[test]
    fn a_field_error_carries_both_reasons() {
        let e = from_json_value::<Named>(serde_json::json!({"id": 3}), "body").unwrap_err();
        assert_eq!((e.field.as_str(), e.reason.as_str()), ("id", "integer '3', expected a string"));
        assert_eq!(e.reason_zh, "类型不对：给的是整数 3，应为字符串");
    }
}

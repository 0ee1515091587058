//! What a request says besides its body: the query string, read as name/value pairs and
//! refused by name when a parameter is not one of the request's, or read into a typed struct
//! that names the parameter at fault; and the address the client called.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use super::problem::ApiError;

/// The query string as name/value pairs (percent-decoded).
pub fn query_pairs(req: &HttpRequest) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(req.query_string()).map_err(|e| ApiError::parameter("query", format!("the query string cannot be read: {e}"), format!("无法读取查询字符串：{e}")))
}

/// The service's root URL as the client sees it (scheme and host, no trailing slash).
pub fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// Refuses any parameter outside `allowed`, naming it.
pub fn only(pairs: &[(String, String)], allowed: &[&str]) -> Result<(), ApiError> {
    match pairs.iter().find(|(name, _)| !allowed.contains(&name.as_str())) {
        Some((name, _)) if allowed.is_empty() => Err(ApiError::parameter(name, "this request takes no query parameters", "此请求不接受查询参数")),
        Some((name, _)) => Err(ApiError::parameter(name, format!("is not a parameter of this request (known: {})", allowed.join(", ")), format!("不是此请求的参数（可用参数：{}）", allowed.join("、")))),
        None => Ok(()),
    }
}

/// Refuses every query parameter: the request takes none.
pub fn none(req: &HttpRequest) -> Result<(), ApiError> {
    only(&query_pairs(req)?, &[])
}

/// A query string read into `T` (with `deny_unknown_fields`, an unknown parameter is named).
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> Query<T> {
    /// Reads `T` from a query string.
    pub fn parse(query: &str) -> Result<Query<T>, ApiError> {
        let names: Vec<String> = form_urlencoded::parse(query.as_bytes()).map(|(name, _)| name.into_owned()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        crate::error::deserialize_named(deserializer, Some(&names), "query").map(Query).map_err(ApiError::unread_parameter)
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Query<T>, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Query::parse(req.query_string()))
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::error::{Blame, Classified};

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Paging {
        limit: Option<usize>,
        q: Option<String>,
    }

    fn blamed(query: &str) -> String {
        match Query::<Paging>::parse(query).unwrap_err().blame() {
            Blame::Parameter(name) => name.to_string(),
            other => panic!("{query}: blames {other:?}"),
        }
    }

    #[test]
    fn the_parameter_at_fault_is_named() {
        assert_eq!(Query::<Paging>::parse("limit=5&q=%E5%8C%BB").unwrap().q.as_deref(), Some("医"));
        assert_eq!(blamed("limit=five"), "limit");
        assert_eq!(blamed("q=a&limt=5"), "limt");
    }
}

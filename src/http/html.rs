//! HTML views of the OGC API – Features documents (`f=html`, or a browser's `Accept`), as
//! pygeoapi and pg_featureserv offer: the landing page, the collections, a page of items and
//! one item, each rendered from the JSON document the route answers anyway, so the two never
//! disagree. Chinese first, English beside it.

use std::fmt::Write as _;

use serde_json::Value;

/// The media type of the views.
pub const HTML: &str = "text/html; charset=utf-8";

/// The representation a read answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON (GeoJSON for features).
    Json,
    /// An HTML view for a browser.
    Html,
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `href` with `f=html` added, so links between views stay views.
fn as_html(href: &str) -> String {
    if href.contains("f=") {
        return href.to_string();
    }
    let separator = if href.contains('?') { '&' } else { '?' };
    format!("{href}{separator}f=html")
}

/// `href` asking for JSON instead of a view.
fn as_json(href: &str) -> String {
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let kept: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.starts_with("f=")).collect();
    let mut out = format!("{path}?");
    for p in kept {
        out.push_str(p);
        out.push('&');
    }
    out.push_str("f=json");
    out
}

fn text_of(value: &Value) -> String {
    match value {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>().join("、"),
        Value::Object(_) => value.to_string(),
        other => other.to_string(),
    }
}

fn str_of<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The page frame: title, breadcrumbs (label, href), the JSON alternate and the body.
fn frame(title: &str, crumbs: &[(&str, String)], json_href: &str, body: &str) -> String {
    let mut nav = String::new();
    for (i, (label, href)) in crumbs.iter().enumerate() {
        if i > 0 {
            nav.push_str(" › ");
        }
        let _ = write!(nav, "<a href=\"{}\">{}</a>", escape(href), escape(label));
    }
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · chanye 产业地图</title>\
<link rel=\"alternate\" type=\"application/json\" href=\"{json}\">\
<style>body{{font-family:system-ui,'WenQuanYi Micro Hei',sans-serif;margin:1.5em;color:#222}}\
table{{border-collapse:collapse;font-size:14px}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}\
th{{background:#f3f3f3}}nav{{margin-bottom:1em}}.muted{{color:#666}}</style></head>\
<body><nav>{nav}</nav><h1>{title}</h1>{body}\
<p class=\"muted\"><a href=\"{json}\">JSON</a> · <a href=\"/map/\">产业地图 Map</a> · <a href=\"/api\">API</a></p></body></html>\n",
        title = escape(title),
        json = escape(json_href),
    )
}

fn home(base: &str) -> (&'static str, String) {
    ("首页 Home", format!("{base}/?f=html"))
}

fn all_collections(base: &str) -> (&'static str, String) {
    ("数据集合 Collections", format!("{base}/collections?f=html"))
}

/// The Chinese name of a link relation, shown before the link's own title.
fn relation_zh(rel: &str) -> &str {
    match rel {
        "self" => "本页",
        "service-desc" => "接口文档",
        "conformance" => "符合性声明",
        "data" => "数据集合",
        "items" => "要素",
        "alternate" => "其他格式",
        "describedby" => "矢量瓦片说明",
        "item" => "矢量瓦片",
        "http://www.opengis.net/def/rel/ogc/1.0/queryables" => "可查询属性",
        _ => "链接",
    }
}

/// The links of a document; those that have a view lead to it.
fn links_list(doc: &Value) -> String {
    let mut out = String::from("<ul>");
    for link in doc.get("links").and_then(Value::as_array).into_iter().flatten() {
        let (href, kind, rel) = (str_of(link, "href"), str_of(link, "type"), str_of(link, "rel"));
        let has_view = matches!(rel, "self" | "data" | "items") && kind.contains("json");
        let target = if has_view { as_html(href) } else { href.to_string() };
        let _ = write!(
            out,
            "<li><a href=\"{}\">{} — {}</a> <span class=\"muted\">({})</span></li>",
            escape(&target),
            escape(relation_zh(rel)),
            escape(str_of(link, "title")),
            escape(kind)
        );
    }
    out.push_str("</ul>");
    out
}

/// The landing page.
pub fn landing(doc: &Value, base: &str) -> String {
    let body = format!("<p>{}</p>{}", escape(str_of(doc, "description")), links_list(doc));
    frame(str_of(doc, "title"), &[home(base)], &format!("{base}/?f=json"), &body)
}

fn collection_row(out: &mut String, c: &Value, base: &str) {
    let id = str_of(c, "id");
    let bbox = c.pointer("/extent/spatial/bbox/0").map(text_of).unwrap_or_default();
    let _ = write!(
        out,
        "<tr><td><a href=\"{href}\">{title}</a></td><td>{description}</td><td><a href=\"{items}\">要素 Items</a> · <a href=\"{base}/tiles/{id}.json\">TileJSON</a></td><td class=\"muted\">{bbox}</td></tr>",
        href = escape(&format!("{base}/collections/{id}?f=html")),
        title = escape(str_of(c, "title")),
        description = escape(str_of(c, "description")),
        items = escape(&format!("{base}/collections/{id}/items?f=html")),
        base = escape(base),
        id = escape(id),
        bbox = escape(&bbox),
    );
}

const COLLECTION_HEADER: &str = "<table><tr><th>数据集合 Collection</th><th>说明 Description</th><th>链接 Links</th><th>范围 Extent (CRS84)</th></tr>";

/// The list of collections.
pub fn collections(doc: &Value, base: &str) -> String {
    let mut body = String::from(COLLECTION_HEADER);
    for c in doc.get("collections").and_then(Value::as_array).into_iter().flatten() {
        collection_row(&mut body, c, base);
    }
    body.push_str("</table>");
    frame("数据集合 Collections", &[home(base), all_collections(base)], &format!("{base}/collections?f=json"), &body)
}

/// One collection.
pub fn collection(doc: &Value, base: &str) -> String {
    let mut body = String::from(COLLECTION_HEADER);
    collection_row(&mut body, doc, base);
    body.push_str("</table>");
    body.push_str(&links_list(doc));
    let id = str_of(doc, "id");
    let crumbs = [home(base), all_collections(base), (str_of(doc, "title"), format!("{base}/collections/{id}?f=html"))];
    frame(str_of(doc, "title"), &crumbs, &format!("{base}/collections/{id}?f=json"), &body)
}

/// The property names of a page's features, in first-seen order.
fn columns(features: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for f in features {
        for key in f.get("properties").and_then(Value::as_object).into_iter().flat_map(|p| p.keys()) {
            if key != "footprint" && !names.contains(key) {
                names.push(key.clone());
            }
        }
    }
    names
}

/// A page of items: the features as a table, with the page's links.
pub fn items(doc: &Value, base: &str, collection: &str, title: &str, self_href: &str) -> String {
    let features = doc.get("features").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let names = columns(features);
    let mut body = format!(
        "<p>共 {matched} 个要素，本页 {returned} 个 · {matched} matched, {returned} on this page</p>",
        matched = doc.get("numberMatched").map(text_of).unwrap_or_default(),
        returned = features.len(),
    );
    let mut pager = String::new();
    for link in doc.get("links").and_then(Value::as_array).into_iter().flatten() {
        let label = match str_of(link, "rel") {
            "prev" => "‹ 上一页 Previous",
            "next" => "下一页 Next ›",
            "alternate" => "导出 CSV Export",
            _ => continue,
        };
        let href = str_of(link, "href");
        let target = if str_of(link, "rel") == "alternate" { href.to_string() } else { as_html(href) };
        let _ = write!(pager, "<a href=\"{}\">{}</a> ", escape(&target), label);
    }
    let _ = write!(body, "<p>{pager}</p><table><tr><th>id</th>");
    for name in &names {
        let _ = write!(body, "<th>{}</th>", escape(name));
    }
    body.push_str("</tr>");
    for f in features {
        let id = f.get("id").map(text_of).unwrap_or_default();
        let href = format!("{base}/collections/{collection}/items/{}?f=html", urlencoding(&id));
        let _ = write!(body, "<tr><td><a href=\"{}\">{}</a></td>", escape(&href), escape(&id));
        for name in &names {
            let value = f.pointer(&format!("/properties/{name}")).map(text_of).unwrap_or_default();
            let _ = write!(body, "<td>{}</td>", escape(&value));
        }
        body.push_str("</tr>");
    }
    body.push_str("</table>");
    let crumbs = [home(base), all_collections(base), (title, format!("{base}/collections/{collection}?f=html")), ("要素 Items", as_html(self_href))];
    frame(&format!("{title} · 要素 Items"), &crumbs, &as_json(self_href), &body)
}

/// One feature: its properties, its geometry's type, and where it is on the map.
pub fn item(doc: &Value, base: &str, collection: &str, title: &str, self_href: &str) -> String {
    let id = doc.get("id").map(text_of).unwrap_or_default();
    let mut body = String::from("<table><tr><th>属性 Property</th><th>值 Value</th></tr>");
    for (key, value) in doc.get("properties").and_then(Value::as_object).into_iter().flatten() {
        if key == "footprint" {
            continue;
        }
        let _ = write!(body, "<tr><td>{}</td><td>{}</td></tr>", escape(key), escape(&text_of(value)));
    }
    body.push_str("</table>");
    let kind = doc.pointer("/geometry/type").and_then(Value::as_str).unwrap_or("—");
    let _ = write!(body, "<p>几何 Geometry: {}</p>", escape(kind));
    if let Some((lon, lat)) = doc.get("geometry").and_then(middle) {
        let _ = write!(body, "<p><a href=\"/map/#16/{lat:.5}/{lon:.5}\">在地图上查看 Show on the map</a></p>");
    }
    let crumbs = [home(base), all_collections(base), (title, format!("{base}/collections/{collection}?f=html")), ("要素 Items", format!("{base}/collections/{collection}/items?f=html")), (id.as_str(), as_html(self_href))];
    frame(&id, &crumbs, &as_json(self_href), &body)
}

/// The middle of a GeoJSON geometry's box (longitude, latitude first, as CRS84 writes it).
fn middle(geometry: &Value) -> Option<(f64, f64)> {
    fn walk(v: &Value, b: &mut [f64; 4]) {
        match v.as_array() {
            Some(a) if a.len() >= 2 && a[0].is_number() => {
                let (x, y) = (a[0].as_f64().unwrap_or(0.0), a[1].as_f64().unwrap_or(0.0));
                *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            }
            Some(a) => a.iter().for_each(|c| walk(c, b)),
            None => {}
        }
    }
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    walk(geometry.get("coordinates")?, &mut b);
    b[0].is_finite().then(|| ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0))
}

fn urlencoding(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod test {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn links_between_views_stay_views() {
        assert_eq!(as_html("http://h/collections"), "http://h/collections?f=html");
        assert_eq!(as_html("http://h/c/items?limit=5"), "http://h/c/items?limit=5&f=html");
        assert_eq!(as_json("http://h/c/items?limit=5&f=html"), "http://h/c/items?limit=5&f=json");
    }

    #[test]
    fn an_item_page_lists_its_properties_and_points_at_the_map() {
        let doc = json!({"type": "Feature", "id": "p<1>", "geometry": {"type": "Point", "coordinates": [116.8, 40.4]},
            "properties": {"name": "测试地块", "supply_modes": ["出让", "租赁"], "max_far": null}});
        let html = item(&doc, "http://h", "parcels", "地块 Land parcels", "http://h/collections/parcels/items/p1");
        assert!(html.contains("<td>测试地块</td>") && html.contains("<td>出让、租赁</td>") && html.contains("<td>—</td>"), "{html}");
        assert!(html.contains("p&lt;1&gt;") && !html.contains("p<1>"));
        assert!(html.contains("/map/#16/40.40000/116.80000"), "{html}");
    }
}

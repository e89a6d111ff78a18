//! The OpenAPI document (`/api/v1/openapi.json`) and a readable API reference page
//! (`/api/docs`) rendered on the server from that same document: no JavaScript, nothing
//! fetched from a CDN, so it works on an air-gapped installation.

use std::fmt::Write as _;

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use serde_json::Value;
use utoipa::openapi::OpenApi;

use crate::AppState;

pub(crate) fn routes(doc: &OpenApi) -> Router<AppState> {
    // Rendered once; each request shares the bytes.
    let json = doc.to_pretty_json().unwrap_or_else(|_| "{}".into());
    let value: Value = serde_json::from_str(&json).unwrap_or(Value::Null);
    let html = Bytes::from(render(&value));
    let json = Bytes::from(json);
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let json = json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], json).into_response() }
            }),
        )
        .route(
            "/api/docs",
            get(move || {
                let html = html.clone();
                async move { Html(html) }
            }),
        )
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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

/// Markdown (as the descriptions are written: backticks, emphasis, lists) to HTML, with any
/// raw HTML in the source shown as text, never passed through.
pub(crate) fn markdown(source: &str) -> String {
    use pulldown_cmark::{Event, Parser, html};
    let events = Parser::new(source).map(|e| match e {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

/// [`markdown`] for one line inside a table cell: without the paragraph around it.
pub(crate) fn markdown_inline(source: &str) -> String {
    let html = markdown(source);
    let trimmed = html.trim_end();
    match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => html,
    }
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

#[cfg(test)]
mod markdown_tests {
    use super::{markdown, markdown_inline};

    #[test]
    fn descriptions_render_as_markdown_and_raw_html_stays_text() {
        assert_eq!(
            markdown_inline("Use `X-CSRF-Token` or **not**"),
            "Use <code>X-CSRF-Token</code> or <strong>not</strong>"
        );
        assert!(markdown("- one\n- two").contains("<li>one</li>"));
        let hostile = markdown("<script>alert(1)</script> and <img src=x onerror=alert(1)>");
        assert!(!hostile.contains("<script") && !hostile.contains("<img"), "{hostile}");
        assert!(hostile.contains("&lt;script&gt;"), "{hostile}");
    }
}

fn schema_name(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", escape(name));
    }
    if let Some(items) = schema.get("items") {
        return format!("array of {}", schema_name(items));
    }
    if let Some(any) = schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array) {
        return any.iter().map(schema_name).collect::<Vec<_>>().join(" or ");
    }
    match schema.get("type") {
        Some(Value::Array(types)) => types.iter().map(|t| escape(text(t))).collect::<Vec<_>>().join(" or "),
        Some(t) => {
            let mut s = escape(text(t));
            if let Some(f) = schema.get("format").and_then(Value::as_str) {
                let _ = write!(s, " ({})", escape(f));
            }
            s
        }
        None => "object".into(),
    }
}

fn render(doc: &Value) -> String {
    let mut h = String::new();
    let title = escape(text(&doc["info"]["title"]));
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title} reference</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1b1b1b}}\
         code,pre{{font-family:ui-monospace,monospace}}h2{{border-bottom:1px solid #ddd;padding-bottom:.3rem;margin-top:2.5rem}}\
         .op{{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}}\
         .m{{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}}\
         table{{border-collapse:collapse;width:100%;font-size:.92rem}}td,th{{border-top:1px solid #eee;padding:.25rem .4rem;text-align:left;vertical-align:top}}\
         </style></head><body><h1>{title} <small>{}</small></h1><p>{}</p>\
         <p>Machine-readable: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> (OpenAPI {}).</p>",
        escape(text(&doc["info"]["version"])),
        markdown_inline(text(&doc["info"]["description"])),
        escape(text(&doc["openapi"])),
    );

    // Operations grouped by tag, in the order the tags first appear.
    let mut tags: Vec<String> = Vec::new();
    let mut ops: Vec<(String, String, String, &Value)> = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "post", "put", "patch", "delete"] {
                if let Some(op) = item.get(method) {
                    let tag = op["tags"][0].as_str().unwrap_or("other").to_owned();
                    if !tags.contains(&tag) {
                        tags.push(tag.clone());
                    }
                    ops.push((tag, method.to_owned(), path.clone(), op));
                }
            }
        }
    }
    h.push_str("<nav><strong>Sections:</strong> ");
    for t in &tags {
        let _ = write!(h, "<a href=\"#tag-{0}\">{0}</a> · ", escape(t));
    }
    h.push_str("<a href=\"#schemas\">schemas</a></nav>");
    for t in &tags {
        let _ = write!(h, "<h2 id=\"tag-{0}\">{0}</h2>", escape(t));
        for (_, method, path, op) in ops.iter().filter(|(tag, ..)| tag == t) {
            let _ = write!(
                h,
                "<div class=\"op\"><p><span class=\"m\">{}</span><code>{}</code></p><p>{}</p>",
                escape(method),
                escape(path),
                escape(text(&op["summary"])),
            );
            if let Some(d) = op["description"].as_str() {
                let _ = write!(h, "{}", markdown(d));
            }
            if op.get("security").is_some() {
                h.push_str("<p><em>Needs an API key or a session.</em></p>");
            }
            if let Some(params) = op["parameters"].as_array() {
                h.push_str("<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr>");
                for p in params {
                    let _ = write!(
                        h,
                        "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(text(&p["name"])),
                        if p["required"].as_bool() == Some(true) { " *" } else { "" },
                        escape(text(&p["in"])),
                        schema_name(&p["schema"]),
                        markdown_inline(text(&p["description"])),
                    );
                }
                h.push_str("</table>");
            }
            if let Some(schema) = op["requestBody"]["content"]["application/json"].get("schema") {
                let _ = write!(h, "<p>Body: {}</p>", schema_name(schema));
            }
            if let Some(responses) = op["responses"].as_object() {
                h.push_str("<table><tr><th>Status</th><th>Body</th><th>Meaning</th></tr>");
                for (status, r) in responses {
                    let body = r["content"]["application/json"].get("schema").map(schema_name).unwrap_or_default();
                    let _ = write!(
                        h,
                        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(status),
                        body,
                        markdown_inline(text(&r["description"]))
                    );
                }
                h.push_str("</table>");
            }
            h.push_str("</div>");
        }
    }
    h.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, s) in schemas {
            let _ = write!(h, "<h3 id=\"schema-{0}\">{0}</h3>", escape(name));
            if let Some(d) = s["description"].as_str() {
                let _ = write!(h, "{}", markdown(d));
            }
            let required: Vec<&str> =
                s["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            if let Some(props) = s["properties"].as_object() {
                h.push_str("<table><tr><th>Field</th><th>Type</th><th>Description</th></tr>");
                for (field, p) in props {
                    let _ = write!(
                        h,
                        "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(field),
                        if required.contains(&field.as_str()) { " *" } else { "" },
                        schema_name(p),
                        markdown_inline(text(&p["description"])),
                    );
                }
                h.push_str("</table>");
            }
        }
    }
    h.push_str("<p>* required</p></body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn html_is_escaped() {
        assert_eq!(escape(r#"<b a="1">&'"#), "&lt;b a=&quot;1&quot;&gt;&amp;&#39;");
    }
}

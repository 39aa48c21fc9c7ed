//! `/api/v1/docs`: the OpenAPI document rendered as one plain HTML page (no scripts, no
//! external assets), so it works under the console's CSP and offline.

use serde_json::Value;
use std::fmt::Write;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).map(esc).unwrap_or_default()
}

/// A schema as a short type name: `SegmentOut`, `array of MemberOut`, `string`.
fn type_name(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    if let Some(items) = schema.get("items") {
        return format!("array of {}", type_name(items));
    }
    match schema.get("type") {
        Some(Value::String(t)) => esc(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" | "),
        _ => ["oneOf", "anyOf", "allOf"]
            .iter()
            .find_map(|k| schema.get(*k).and_then(Value::as_array))
            .map(|alts| alts.iter().map(type_name).collect::<Vec<_>>().join(" | "))
            .unwrap_or_else(|| "object".into()),
    }
}

fn operation(out: &mut String, method: &str, path: &str, op: &Value) {
    let _ = write!(
        out,
        "<section class=\"op\"><h3><span class=\"m {method}\">{}</span> <code>{}</code></h3>",
        method.to_uppercase(),
        esc(path)
    );
    for key in ["summary", "description"] {
        let t = text(op, key);
        if !t.is_empty() {
            let _ = write!(out, "<p>{}</p>", t.replace('\n', "<br>"));
        }
    }
    if let Some(params) = op.get("parameters").and_then(Value::as_array) {
        out.push_str("<table><tr><th>参数</th><th>位置</th><th>类型</th><th>说明</th></tr>");
        for p in params {
            let schema = p.get("schema").cloned().unwrap_or(Value::Null);
            let required = if p.get("required").and_then(Value::as_bool) == Some(true) { " *" } else { "" };
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{required}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text(p, "name"),
                text(p, "in"),
                type_name(&schema),
                text(p, "description")
            );
        }
        out.push_str("</table>");
    }
    if let Some(content) = op.pointer("/requestBody/content").and_then(Value::as_object) {
        for (mime, media) in content {
            let schema = media.get("schema").cloned().unwrap_or(Value::Null);
            let _ = write!(out, "<p>请求体 <code>{}</code>: {}</p>", esc(mime), type_name(&schema));
        }
    }
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        out.push_str("<table><tr><th>状态</th><th>内容</th></tr>");
        for (status, r) in responses {
            let body = r.pointer("/content/application~1json/schema").map(type_name).unwrap_or_default();
            let _ = write!(out, "<tr><td>{}</td><td>{} {body}</td></tr>", esc(status), text(r, "description"));
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");
}

fn schema(out: &mut String, name: &str, s: &Value) {
    let _ = write!(out, "<section class=\"schema\" id=\"schema-{0}\"><h3>{0}</h3>", esc(name));
    let t = text(s, "description");
    if !t.is_empty() {
        let _ = write!(out, "<p>{t}</p>");
    }
    let required: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        out.push_str("<table><tr><th>字段</th><th>类型</th><th>说明</th></tr>");
        for (field, p) in props {
            let mark = if required.contains(&field.as_str()) { " *" } else { "" };
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{mark}</td><td>{}</td><td>{}</td></tr>",
                esc(field),
                type_name(p),
                text(p, "description")
            );
        }
        out.push_str("</table>");
    } else if let Some(values) = s.get("enum").and_then(Value::as_array) {
        let list: Vec<String> =
            values.iter().filter_map(Value::as_str).map(|v| format!("<code>{}</code>", esc(v))).collect();
        let _ = write!(out, "<p>取值：{}</p>", list.join(" "));
    } else {
        let _ = write!(out, "<p>{}</p>", type_name(s));
    }
    out.push_str("</section>");
}

pub fn render(doc: &utoipa::openapi::OpenApi) -> String {
    let v = serde_json::to_value(doc).unwrap_or(Value::Null);
    let mut out = String::from(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>chuda REST API</title><style>\
         body{font:14px/1.6 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}\
         table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}\
         .op,.schema{border-top:1px solid #eee;padding:.5em 0}.m{display:inline-block;min-width:4em;color:#fff;\
         border-radius:3px;text-align:center;font-size:12px}.get{background:#2b7}.post{background:#27c}\
         .put,.patch{background:#c80}.delete{background:#c33}code{background:#f4f4f4;padding:0 3px}</style></head><body>",
    );
    let _ = write!(
        out,
        "<h1>{} <small>v{}</small></h1><p>{}</p><p>机器可读文档：<a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a></p><h2>接口</h2>",
        text(&v["info"], "title"),
        text(&v["info"], "version"),
        text(&v["info"], "description")
    );
    if let Some(paths) = v.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for m in METHODS {
                if let Some(op) = item.get(m) {
                    operation(&mut out, m, path, op);
                }
            }
        }
    }
    out.push_str("<h2>数据结构</h2>");
    if let Some(schemas) = v.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, s) in schemas {
            schema(&mut out, name, s);
        }
    }
    out.push_str("</body></html>");
    out
}

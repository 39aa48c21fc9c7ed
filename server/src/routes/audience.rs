//! Plain routes for bulk user data: the streamed import upload (multipart, far above the
//! server-function body limit), the bad-row report and the segment member export (CSV).
//! Each checks the session cookie itself.

use app::api::session::token_from_headers;
use app::state::ServerState;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use engine::auth::{Account, Role};
use engine::users::import::{self, Encoding, ImportOptions};
use std::io::Read;
use tokio::sync::mpsc;

/// Largest accepted import upload.
pub const IMPORT_LIMIT: usize = 4 * 1024 * 1024 * 1024;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/api/users/import", post(upload))
        .route("/api/users/imports/{id}/bad-rows.csv", get(bad_rows))
        .route("/api/segments/{id}/members.csv", get(export_members))
}

/// The signed-in account when its role allows `needed`, or the status and message to answer with.
pub(super) async fn account(
    state: &ServerState,
    headers: &HeaderMap,
    needed: Role,
) -> Result<Account, (StatusCode, &'static str)> {
    let denied = (StatusCode::UNAUTHORIZED, "请先登录");
    let token = token_from_headers(headers).ok_or(denied)?;
    match engine::auth::session_account(&state.db, &token).await {
        Ok(Some(a)) if a.role.allows(needed) => Ok(a),
        Ok(Some(_)) => Err((StatusCode::FORBIDDEN, "没有权限执行此操作")),
        Ok(None) => Err(denied),
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            Err((StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误"))
        }
    }
}

pub(super) fn internal(e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "bulk route failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误").into_response()
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

/// Blocking `Read` over chunks pumped from the request body; a transport error becomes a read
/// error, so a broken upload fails the import (and rolls it back) instead of truncating it.
struct ChannelReader {
    rx: mpsc::Receiver<Result<Bytes, String>>,
    buf: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.buf.is_empty() {
            match self.rx.blocking_recv() {
                Some(Ok(b)) => self.buf = b,
                Some(Err(e)) => return Err(std::io::Error::other(format!("上传中断：{e}"))),
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.buf.len());
        out[..n].copy_from_slice(&self.buf.split_to(n));
        Ok(n)
    }
}

/// `multipart/form-data` with an optional `encoding` (auto, utf8, gbk) before the `file`.
/// Browsers are redirected to the 用户 page showing the result; other clients get JSON.
async fn upload(State(state): State<ServerState>, req: Request) -> Response {
    let headers = req.headers().clone();
    let actor = match account(&state, &headers, Role::Operator).await {
        Ok(a) => a.username,
        Err(r) => return r.into_response(),
    };
    let mut form = match Multipart::from_request(req, &state).await {
        Ok(f) => f,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("请以 multipart/form-data 上传文件：{e}")).into_response(),
    };
    let mut encoding = Encoding::Auto;
    let mut types = std::collections::HashMap::new();
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return rejected(&headers, "请选择要导入的文件"),
            Err(e) => return (StatusCode::BAD_REQUEST, format!("上传内容无法解析：{e}")).into_response(),
        };
        match field.name() {
            Some("encoding") => {
                let text = match small_field(field).await {
                    Ok(t) => t,
                    Err(m) => return rejected(&headers, &m),
                };
                encoding = match text.as_str() {
                    "gbk" => Encoding::Gbk,
                    "utf8" => Encoding::Utf8,
                    _ => Encoding::Auto,
                }
            }
            Some("types") => {
                match small_field(field).await.and_then(|t| engine::users::values::parse_type_overrides(&t)) {
                    Ok(t) => types = t,
                    Err(m) => return rejected(&headers, &m),
                }
            }
            Some("file") => {
                let file_name = field.file_name().unwrap_or("upload.csv").to_owned();
                let audited = (actor.clone(), file_name.clone());
                let opts = ImportOptions { format: import::format_for(&file_name), encoding, types, file_name, actor };
                let (tx, rx) = mpsc::channel(16);
                let pump = async move {
                    loop {
                        let item = field.chunk().await.map_err(|e| e.to_string()).transpose();
                        let Some(item) = item else { break };
                        let failed = item.is_err();
                        if tx.send(item).await.is_err() || failed {
                            break;
                        }
                    }
                };
                let reader = Box::new(ChannelReader { rx, buf: Bytes::new() });
                let ((), (id, result)) = tokio::join!(pump, import::run_recorded(&state.db, reader, opts));
                state.users_changed();
                if let Err(e) = engine::users::audit_import(&state.db, &audited.0, &audited.1, &result).await {
                    return internal(&e);
                }
                return finish(&headers, id, result);
            }
            _ => {}
        }
    }
}

/// A form field other than the file, read up to 64 KB (a larger one is refused, not buffered).
async fn small_field(mut field: axum::extract::multipart::Field<'_>) -> Result<String, String> {
    const MAX: usize = 64 * 1024;
    let mut out = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| format!("上传内容无法解析：{e}"))? {
        if out.len() + chunk.len() > MAX {
            return Err("表单字段过长（上限 64 KB）".into());
        }
        out.extend_from_slice(&chunk);
    }
    String::from_utf8(out).map_err(|_| "表单字段不是 UTF-8 文本".into())
}

/// A request refused before any import started: browsers go back to 用户 with the reason.
fn rejected(headers: &HeaderMap, message: &str) -> Response {
    if wants_html(headers) {
        let query = app::pages::url_escape(message);
        return Redirect::to(&format!("/users?error={query}")).into_response();
    }
    (StatusCode::UNPROCESSABLE_ENTITY, Json(serde_json::json!({ "error": message }))).into_response()
}

fn finish(
    headers: &HeaderMap,
    id: Option<i64>,
    result: Result<import::ImportSummary, engine::users::UsersError>,
) -> Response {
    if wants_html(headers) {
        return match id {
            Some(id) => Redirect::to(&format!("/users?import={id}")).into_response(),
            None => internal(&"import record not created"),
        };
    }
    match result {
        Ok(summary) => Json(summary).into_response(),
        Err(engine::users::UsersError::Invalid(m)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Json(serde_json::json!({ "import_id": id, "error": m }))).into_response()
        }
        Err(e) => internal(&e),
    }
}

fn csv_download(file_name: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CACHE_CONTROL, "no-store".to_owned()),
    ];
    (headers, body).into_response()
}

/// One CSV cell. Text that a spreadsheet would run as a formula (starting with = + - @, tab
/// or CR) is neutralised with a leading `'` (OWASP CSV injection); plain numbers such as `-5`
/// stay as they are.
pub(super) fn csv_cell(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err();
    let s = if formula { format!("'{s}") } else { s.to_owned() };
    if formula || s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The first bad rows of an import, as CSV (行号, 原因), UTF-8 with BOM for Excel.
async fn bad_rows(State(state): State<ServerState>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    if let Err(r) = account(&state, &headers, Role::Operator).await {
        return r.into_response();
    }
    let json = match engine::users::import_bad_rows(&state.db, id).await {
        Ok(Some(j)) => j,
        Ok(None) => return (StatusCode::NOT_FOUND, "导入记录不存在").into_response(),
        Err(e) => return internal(&e),
    };
    let rows: Vec<import::BadRow> = serde_json::from_str(&json).unwrap_or_default();
    let mut out = String::from("\u{feff}行号,原因\n");
    for r in rows {
        out.push_str(&format!("{},{}\n", r.line, csv_cell(&r.reason)));
    }
    csv_download(&format!("import-{id}-bad-rows.csv"), out)
}

#[derive(serde::Deserialize)]
struct ExportQuery {
    /// Comma-separated attribute names to add as columns.
    #[serde(default)]
    columns: String,
}

/// Every member of a segment: user id, masked phone and the chosen attribute columns (phone-like
/// values masked). Audited.
async fn export_members(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(query): Query<ExportQuery>,
) -> Response {
    let actor = match account(&state, &headers, Role::Viewer).await {
        Ok(a) => a.username,
        Err(r) => return r.into_response(),
    };
    let seg = match engine::segments::get(&state.db, id).await {
        Ok(Some(s)) => s,
        Ok(None) => return (StatusCode::NOT_FOUND, "分群不存在").into_response(),
        Err(e) => return internal(&e),
    };
    let bits = match engine::segments::members(&state.segments, &state.db, &seg).await {
        Ok((bits, _)) => bits,
        Err(e) => return internal(&e),
    };
    let columns: Vec<String> =
        query.columns.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect();
    if columns.len() > 100 {
        return (StatusCode::UNPROCESSABLE_ENTITY, "一次最多导出 100 个属性列").into_response();
    }
    let detail = format!("{} 人", bits.count());
    if let Err(e) = engine::users::audit(&state.db, &actor, "export_segment", &seg.name, &detail).await {
        return internal(&e);
    }
    // Streamed 5,000 members at a time: memory stays flat however large the segment.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<String, std::io::Error>>(2);
    tokio::spawn(async move {
        let mut head = String::from("\u{feff}user_id,phone");
        columns.iter().for_each(|c| {
            head.push(',');
            head.push_str(&csv_cell(c));
        });
        head.push('\n');
        if tx.send(Ok(head)).await.is_err() {
            return;
        }
        let mut offset = 0;
        loop {
            let ids = bits.page(offset, 5_000);
            if ids.is_empty() {
                break;
            }
            offset += ids.len() as u64;
            let chunk = member_rows(&state, &ids, &columns).await.map_err(std::io::Error::other);
            let failed = chunk.is_err();
            if tx.send(chunk).await.is_err() || failed {
                break;
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    let disposition = format!("attachment; filename=\"segment-{id}.csv\"");
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CACHE_CONTROL, "no-store".to_owned()),
    ];
    (headers, axum::body::Body::from_stream(stream)).into_response()
}

/// CSV lines for the members `ids`: user id, masked phone, the columns (phone-like values masked).
async fn member_rows(state: &ServerState, ids: &[i64], columns: &[String]) -> Result<String, String> {
    let rows = engine::segments::users_by_rowid(&state.db, ids).await.map_err(|e| e.to_string())?;
    let mut values = engine::users::values_for(&state.db, ids, columns).await.map_err(|e| e.to_string())?;
    let mut out = String::with_capacity(rows.len() * 40);
    for r in rows {
        let phone = r.phone.as_deref().map(engine::phone::mask).unwrap_or_default();
        out.push_str(&format!("{},{}", csv_cell(&r.user_id), phone));
        for c in columns {
            let v = values.remove(&(r.rowid, c.clone())).map(app::api::users::mask_if_phone).unwrap_or_default();
            out.push(',');
            out.push_str(&csv_cell(&v));
        }
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_neutralised() {
        assert_eq!(csv_cell("=HYPERLINK(\"http://x\",\"点我\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\"");
        for risky in ["+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_cell(risky).starts_with("\"'"), "{risky:?} → {}", csv_cell(risky));
        }
        assert_eq!(csv_cell("-12.5"), "-12.5", "plain negative numbers stay numbers");
        assert_eq!(csv_cell("上海, 浦东"), "\"上海, 浦东\"");
        assert_eq!(csv_cell("plain"), "plain");
    }
}

//! `GET /api/suppressions.csv`: the 退订名单 as CSV (UTF-8 with BOM), for syncing other
//! systems. Admins get full numbers (the list's purpose is to stop sends elsewhere too), other
//! roles masked ones; every export is audited.

use super::audience::{account, csv_cell, internal};
use app::state::ServerState;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use engine::compliance::suppress;

pub fn routes() -> Router<ServerState> {
    Router::new().route("/api/suppressions.csv", get(export))
}

async fn export(State(state): State<ServerState>, headers: HeaderMap) -> Response {
    let who = match account(&state, &headers, engine::auth::Role::Viewer).await {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    let full = who.role.allows(engine::auth::Role::Admin);
    let rows = match suppress::list(&state.db, None, None, 10_000_000).await {
        Ok(r) => r,
        Err(e) => return internal(&e),
    };
    let detail = format!("{} 个号码（{}）", rows.len(), if full { "完整号码" } else { "已脱敏" });
    if let Err(e) = engine::users::audit(&state.db, &who.username, "export_suppressions", "退订名单", &detail).await
    {
        return internal(&e);
    }
    let mut body = String::from("\u{feff}手机号,来源,服务商,说明,操作人,时间\n");
    for e in rows {
        let phone = if full { e.phone.clone() } else { engine::phone::mask(&e.phone) };
        let cells = [
            phone,
            suppress::source_label(&e.source).to_owned(),
            e.vendor,
            e.detail,
            e.created_by,
            engine::clock::display(e.created_at),
        ];
        body.push_str(&cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        body.push('\n');
    }
    let disposition = "attachment; filename=\"suppressions.csv\"".to_owned();
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response()
}

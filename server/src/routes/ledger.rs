//! `GET /api/ledger.csv`: the ledger with the page's filters as CSV (UTF-8 with BOM for
//! Excel), phones masked, streamed page by page so a million rows never sit in memory. Each
//! export is written to the audit log.

use super::audience::{account, csv_cell, internal};
use app::state::ServerState;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use types::LedgerQuery;

const PAGE: u32 = 5_000;

pub fn routes() -> Router<ServerState> {
    Router::new().route("/api/ledger.csv", get(export))
}

fn line(e: &engine::ledger::query::Entry) -> String {
    let time = |t: Option<i64>| t.map(engine::clock::display).unwrap_or_default();
    let cells = [
        e.campaign_id.to_string(),
        e.campaign_name.clone(),
        e.user_id.clone().unwrap_or_default(),
        engine::phone::mask(&e.phone),
        e.vendor.clone(),
        if e.sandbox { "是" } else { "否" }.to_owned(),
        e.msg_id.clone().unwrap_or_default(),
        e.code.clone().unwrap_or_default(),
        time(e.submitted_at),
        e.report_status.clone().unwrap_or_default(),
        e.report_desc.clone().unwrap_or_default(),
        time(e.report_received_at),
        e.category.label().to_owned(),
        e.explanation.clone(),
        e.units.to_string(),
    ];
    let mut out = cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",");
    out.push('\n');
    out
}

async fn export(State(state): State<ServerState>, headers: HeaderMap, Query(q): Query<LedgerQuery>) -> Response {
    let actor = match account(&state, &headers, engine::auth::Role::Viewer).await {
        Ok(a) => a.username,
        Err(r) => return r.into_response(),
    };
    let mut filter = match engine::ledger::query::Filter::parse(&q, PAGE) {
        Ok(f) => f,
        Err(e) => return (StatusCode::BAD_REQUEST, e.message).into_response(),
    };
    if let Some(phone) = filter.phone.clone() {
        if let Err(e) = app::api::lookups::full_phone(&state, &actor, &phone, "导出发送记录").await {
            return (StatusCode::TOO_MANY_REQUESTS, e.to_string()).into_response();
        }
    }
    if let Err(e) = engine::users::audit(&state.db, &actor, "export_ledger", "发送记录", "导出发送记录 CSV").await
    {
        return internal(&e);
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<String, std::io::Error>>(4);
    tokio::spawn(async move {
        let head = "\u{feff}活动ID,活动,用户ID,手机号,服务商,沙箱,msgId,提交代码,提交时间,回执状态,回执说明,回执时间,分类,说明,计费条数\n";
        if tx.send(Ok(head.to_owned())).await.is_err() {
            return;
        }
        loop {
            let rows = match engine::ledger::query::page(&state.db, &filter, state.receipt_timeout_secs).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(error = %e, "ledger export failed");
                    let _ = tx.send(Err(std::io::Error::other("ledger export failed"))).await;
                    return;
                }
            };
            let chunk: String = rows.iter().map(line).collect();
            if !chunk.is_empty() && tx.send(Ok(chunk)).await.is_err() {
                return;
            }
            match rows.last() {
                Some(last) if rows.len() == PAGE as usize => filter.before = Some(last.id),
                _ => return,
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"ledger.csv\""),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

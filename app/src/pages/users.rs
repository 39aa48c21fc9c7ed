//! 用户 (route `/users`): headline counts, the import form (a native multipart upload to
//! `/api/users/import`, so the browser streams the file and shows its own progress), the
//! result of the last import, the attribute catalog and the import history.

mod lookup;
mod tables;
mod upload;

pub use lookup::UserLookupPage;

use crate::api::users::{import_result, load_users_overview};
use crate::components::Can;
use crate::dto::audience::ImportRow;
use crate::dto::Role;
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UsersPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| load_users_overview());
    let query = use_query_map();
    let upload_error = move || query.with(|q| q.get("error"));
    let import_id = move || query.with(|q| q.get("import").and_then(|v| v.parse::<i64>().ok()));
    let last = Resource::new(import_id, |id| async move {
        match id {
            Some(id) => import_result(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Title text="用户 · 触达"/>
        <h1>"用户"</h1>
        <Can needed=Role::Operator>
            <ImportForm/>
        </Can>
        {move || upload_error().map(|e| view! { <p class="notice err" data-testid="import-rejected">{e}</p> })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match last.await {
                    Ok(Some(r)) => view! { <ImportResult row=r/> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <p class="notice err">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! {
                        <div class="stats" id="user-stats">
                            <div><span class="stat-num" data-testid="users-total">{o.users}</span>"用户"</div>
                            <div><span class="stat-num" data-testid="users-with-phone">{o.with_phone}</span>"有效手机号"</div>
                            <div title="多个用户使用同一号码时，每次活动只向该号码发送一条">
                                <span class="stat-num" data-testid="users-shared-phone">{o.shared_phone}</span>"人与他人号码重复"
                            </div>
                            <div class="muted">"手机号属性："<code>{o.phone_attribute}</code>" · "<a href="/settings/sms">"修改"</a></div>
                        </div>
                        <tables::Attributes rows=o.attributes/>
                        <tables::Imports rows=o.imports/>
                    }.into_any(),
                    Err(e) => view! { <p class="notice err">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ImportForm() -> impl IntoView {
    let submitting = RwSignal::new(false);
    let progress = RwSignal::new(None::<(f64, f64)>);
    let failure = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        submitting.set(true);
        failure.set(None);
        upload::start(ev, progress, failure, submitting);
    };
    view! {
        <form class="card" id="import-form" method="post" action="/api/users/import" enctype="multipart/form-data"
            on:submit=submit>
            <div class="card-head"><h2>"导入用户"</h2></div>
            <p class="muted">
                "CSV（第一列为 user_id，第一行为属性名）或 NDJSON（每行一个 JSON 对象，含 user_id）。"
                "已有用户按 user_id 更新，新属性自动识别类型（文本、数字、是/否、日期）。"
                "整个文件在一个事务中导入：失败时不写入任何数据；格式错误的行被跳过并列出原因。"
            </p>
            // Before the file: the server reads the fields in order.
            <div class="field">
                <label for="f-types">"指定新属性的类型（可选）"</label>
                <input id="f-types" name="types" placeholder="如 points=数字, vip=布尔, signup=日期" autocomplete="off"/>
                <p class="field-help">"不填则自动识别。只对本次新出现的属性生效，已有属性保持原类型。"</p>
            </div>
            <div class="field inline">
                <label for="f-encoding">"编码"</label>
                <select id="f-encoding" name="encoding">
                    <option value="auto">"自动识别（UTF-8 / GBK）"</option>
                    <option value="utf8">"UTF-8"</option>
                    <option value="gbk">"GBK（Excel 另存的 CSV）"</option>
                </select>
                <input type="file" id="f-file" name="file" accept=".csv,.ndjson,.jsonl,.json,text/csv" required/>
                <button type="submit" class="primary" id="import-submit" disabled=move || submitting.get()>
                    {move || if submitting.get() { "导入中…" } else { "开始导入" }}
                </button>
            </div>
            {move || progress.get().map(|(sent, total)| {
                let pct = if total > 0.0 { (sent / total * 100.0).min(100.0) } else { 0.0 };
                let label = if pct >= 100.0 {
                    "上传完成，正在导入…".to_owned()
                } else {
                    format!("上传中 {pct:.0}%（{:.1} / {:.1} MB）", sent / 1e6, total / 1e6)
                };
                view! {
                    <div class="progress" data-testid="upload-progress">
                        <progress max="100" value=format!("{pct:.0}")></progress>
                        <span>{label}</span>
                    </div>
                }
            })}
            {move || failure.get().map(|e| view! { <p class="notice err" data-testid="upload-failed">{e}</p> })}
            <p class="field-help">"大文件也可以在服务器上运行 "<code>"chuda import users 文件路径"</code>"。"</p>
        </form>
    }
}

#[component]
fn ImportResult(row: ImportRow) -> impl IntoView {
    let ok = row.status == "done";
    let bad_link = format!("/api/users/imports/{}/bad-rows.csv", row.id);
    let has_bad = row.rows_bad > 0;
    view! {
        <div class="card" id="import-result" data-status=row.status.clone()>
            <div class="card-head">
                <h2>{format!("导入结果：{}", row.file_name)}</h2>
                <span class=if ok { "badge ok" } else { "badge err" }>{if ok { "已完成" } else { "失败" }}</span>
            </div>
            {if ok {
                view! {
                    <p data-testid="import-summary">
                        {format!(
                            "共 {} 行：成功 {} 行，跳过 {} 行；新增用户 {}，更新用户 {}；手机号无效 {} 行，文件内重复 user_id {} 行。编码 {}，用时 {} 秒。",
                            row.rows_total, row.rows_ok, row.rows_bad, row.users_new, row.users_updated,
                            row.phones_invalid, row.duplicate_ids, row.encoding, row.seconds.unwrap_or(0)
                        )}
                    </p>
                }.into_any()
            } else {
                view! {
                    <p class="notice err" data-testid="import-error">
                        {format!("导入失败，未写入任何数据：{}", row.error.unwrap_or_default())}
                    </p>
                }.into_any()
            }}
            <Show when=move || has_bad>
                <a href=bad_link.clone() id="bad-rows-link" download>"下载被跳过的行（行号与原因）"</a>
            </Show>
        </div>
    }
}

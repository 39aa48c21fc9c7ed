//! The attribute catalog and import history tables of the 用户 page.

use crate::dto::audience::{AttributeRow, ImportRow};
use leptos::prelude::*;

#[component]
pub fn Attributes(rows: Vec<AttributeRow>) -> impl IntoView {
    let empty = rows.is_empty();
    view! {
        <div class="card">
            <div class="card-head"><h2>"属性"</h2></div>
            <Show when=move || empty>
                <p class="muted">"还没有属性。导入一个文件后，这里会列出每一列。"</p>
            </Show>
            <table class="grid" id="attributes" class:hidden=empty>
                <thead><tr><th>"属性"</th><th>"类型"</th><th>"有值用户"</th><th>"示例"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|a| {
                        let key = a.name.clone();
                        view! { <tr data-attr=key>
                            <td><code>{a.name}</code></td>
                            <td>{a.ty_label}</td>
                            <td class="num">{a.users}</td>
                            <td class="muted">{a.samples.join("，")}</td>
                        </tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn Imports(rows: Vec<ImportRow>) -> impl IntoView {
    let empty = rows.is_empty();
    view! {
        <div class="card">
            <div class="card-head"><h2>"导入记录"</h2></div>
            <Show when=move || empty>
                <p class="muted">"暂无导入记录"</p>
            </Show>
            <table class="grid" id="imports" class:hidden=empty>
                <thead><tr>
                    <th>"时间"</th><th>"文件"</th><th>"状态"</th><th>"成功"</th><th>"跳过"</th>
                    <th>"新增"</th><th>"更新"</th><th>"操作人"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let status = match r.status.as_str() {
                            "done" => "已完成",
                            "failed" => "失败",
                            _ => "进行中",
                        };
                        view! {
                            <tr>
                                <td>{r.started_at}</td>
                                <td><a href=format!("/users?import={}", r.id)>{r.file_name}</a></td>
                                <td title=r.error.unwrap_or_default()>{status}</td>
                                <td class="num">{r.rows_ok}</td>
                                <td class="num">{r.rows_bad}</td>
                                <td class="num">{r.users_new}</td>
                                <td class="num">{r.users_updated}</td>
                                <td>{r.actor}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

//! 分群 (route `/segments`): every segment with its last count; `/segments/new` and
//! `/segments/:id` open the editor with the live count and, for saved ones, the members.

mod conditions;
mod editor;
mod file;
mod members;
pub mod ops;

pub use editor::SegmentEditorPage;

use crate::api::segments::list_segments;
use crate::components::Can;
use crate::dto::Role;
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SegmentsPage() -> impl IntoView {
    let segments = Resource::new(|| (), |_| list_segments());
    view! {
        <Title text="分群 · 触达"/>
        <div class="page-head">
            <h1>"分群"</h1>
            <Can needed=Role::Operator>
                <a class="button primary" href="/segments/new" id="new-segment">"新建分群"</a>
            </Can>
        </div>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match segments.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="card muted">"还没有分群。按属性条件圈选用户，或上传一份 user_id 名单。"</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <table class="grid card" id="segments">
                            <thead><tr>
                                <th>"名称"</th><th>"类型"</th><th>"人数"</th><th>"有效手机号"</th>
                                <th>"统计时间"</th><th>"创建人"</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|s| {
                                    let n = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
                                    let key = s.name.clone();
                                    view! {
                                        <tr data-segment=key>
                                            <td><a href=format!("/segments/{}", s.id)>{s.name}</a>
                                                <div class="muted small">{s.description}</div></td>
                                            <td>{if s.kind == "list" { "名单分群" } else { "条件分群" }}</td>
                                            <td class="num">{n(s.members)}</td>
                                            <td class="num">{n(s.with_phone)}</td>
                                            <td>{s.counted_at.unwrap_or_default()}</td>
                                            <td>{s.created_by}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="notice err">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

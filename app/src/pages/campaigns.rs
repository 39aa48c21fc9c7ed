//! 活动 (route `/campaigns`): every campaign with its status and counts; `/campaigns/new` is the
//! builder and `/campaigns/:id` the campaign page with live progress.

mod builder;
mod compliance;
mod detail;
mod schedule;
mod stats;

pub use builder::CampaignBuilderPage;
pub use detail::CampaignPage;

use crate::api::campaigns::list_campaigns;
use crate::components::Can;
use crate::dto::Role;
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;

/// A fresh idempotency key for one start (a UUID from the browser; empty on the server).
pub fn new_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        window().crypto().map(|c| c.random_uuid()).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_campaigns());
    view! {
        <Title text="活动 · 触达"/>
        <div class="page-head">
            <h1>"活动"</h1>
            <Can needed=Role::Operator>
                <a class="button primary" href="/campaigns/new" id="new-campaign">"新建活动"</a>
            </Can>
        </div>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(rows) if rows.is_empty() => view! {
                        <p class="card muted">"还没有活动。选择一个分群和短信内容，先用沙箱试试。"</p>
                    }.into_any(),
                    Ok(rows) => view! {
                        <table class="grid card" id="campaigns">
                            <thead><tr>
                                <th>"名称"</th><th>"状态"</th><th>"服务商"</th><th>"计划"</th><th>"已提交"</th>
                                <th>"失败"</th><th>"未知"</th><th>"创建"</th><th>"开始"</th><th>"结束"</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    let n = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
                                    view! {
                                        <tr data-campaign=r.id>
                                            <td><a href=format!("/campaigns/{}", r.id)>{r.name}</a></td>
                                            <td><span class=format!("badge status-{}", r.status)>{r.status_label}</span></td>
                                            <td>{r.vendor_label}</td>
                                            <td class="num">{n(r.planned)}</td>
                                            <td class="num">{r.submitted}</td>
                                            <td class="num">{r.failed}</td>
                                            <td class="num">{r.unknown}</td>
                                            <td>{r.created_at}</td>
                                            <td>{r.started_at.or(r.scheduled_at).unwrap_or_default()}</td>
                                            <td>{r.finished_at.unwrap_or_default()}</td>
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

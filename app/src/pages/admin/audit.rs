//! 审计日志 (`/admin/audit`): who did what and when, filtered by account, action and date
//! through a plain GET form (bookmarkable), newest first, 50 per page.

use crate::api::team::load_audit;
use crate::dto::team::{AuditPage as Page, AuditQuery};
use crate::pages::{error_text, url_escape};
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let params = use_query_map();
    let query = move || {
        params.with(|p| {
            let get = |k: &str| p.get(k).unwrap_or_default();
            AuditQuery {
                actor: get("actor"),
                action: get("action"),
                from: get("from"),
                to: get("to"),
                before: get("before"),
            }
        })
    };
    let page = Resource::new(query, load_audit);
    view! {
        <Title text="审计日志 · 触达"/>
        <h1>"审计日志"</h1>
        <p class="muted">"登录、配置修改（不记录密钥）、查看完整号码、活动操作、导出、账号与令牌变更。日志只增不改。"</p>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                let q = query();
                match page.await {
                    Ok(p) => view! { <Filters q=q.clone() actions=p.actions.clone()/><Rows q page=p/> }.into_any(),
                    Err(e) => view! { <Filters q actions=vec![]/><p class="notice err">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Filters(q: AuditQuery, actions: Vec<(String, String)>) -> impl IntoView {
    let chosen = q.action.clone();
    view! {
        <form class="card filters" id="audit-filters" method="get" action="/admin/audit">
            <label>"账号 " <input name="actor" value=q.actor/></label>
            <label>"操作 "
                <select name="action">
                    <option value="">"全部操作"</option>
                    {actions.into_iter().map(|(a, l)| {
                        let selected = a == chosen;
                        view! { <option value=a selected=selected>{l}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>"从 " <input name="from" type="date" value=q.from/></label>
            <label>"到 " <input name="to" type="date" value=q.to/></label>
            <button type="submit">"筛选"</button>
        </form>
    }
}

#[component]
fn Rows(q: AuditQuery, page: Page) -> impl IntoView {
    let next = page.next.map(|n| {
        let params = [("actor", &q.actor), ("action", &q.action), ("from", &q.from), ("to", &q.to)]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}&", url_escape(v)))
            .collect::<String>();
        format!("/admin/audit?{params}before={n}")
    });
    view! {
        <table class="grid card" id="audit">
            <thead><tr><th>"时间"</th><th>"账号"</th><th>"操作"</th><th>"对象"</th><th>"详情"</th><th>"地址"</th></tr></thead>
            <tbody>
                {page.rows.into_iter().map(|r| view! {
                    <tr data-action=r.action>
                        <td>{r.at}</td><td>{r.actor}</td><td>{r.action_label}</td><td>{r.target}</td><td>{r.detail}</td><td>{r.ip}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {next.map(|href| view! { <p class="pager"><a href=href id="audit-next">"下一页"</a></p> })}
    }
}

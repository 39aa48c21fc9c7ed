//! Members of a saved segment: live count, pages of 50 with masked phones, CSV export and
//! delete.

use crate::api::segments::{delete_segment, segment_members, PAGE_SIZE};
use crate::components::Can;
use crate::dto::audience::MembersPage;
use crate::dto::Role;
use crate::pages::{error_text, go, url_escape};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Members(page: MembersPage, attributes: Vec<String>) -> AnyView {
    let id = page.segment.id;
    let current = RwSignal::new(page);
    let error = RwSignal::new(None::<String>);
    let columns = RwSignal::new(Vec::<String>::new());
    let load = Action::new(move |offset: &u64| {
        let offset = *offset;
        let columns = columns.get_untracked();
        async move { segment_members(id, offset, columns).await }
    });
    let toggle = move |name: String, on: bool| {
        columns.update(|c| {
            c.retain(|x| *x != name);
            if on {
                c.push(name);
            }
        });
        load.dispatch(current.with_untracked(|p| p.offset));
    };
    let export = move || {
        let cols = columns.get().iter().map(|c| url_escape(c)).collect::<Vec<_>>().join(",");
        format!("/api/segments/{id}/members.csv?columns={cols}")
    };
    Effect::new(move |_| match load.value().get() {
        Some(Ok(p)) => current.set(p),
        Some(Err(e)) => error.set(Some(error_text(&e))),
        None => {}
    });
    let delete = Action::new(move |_: &()| async move { delete_segment(id).await });
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => go("/segments"),
        Some(Err(e)) => error.set(Some(error_text(&e))),
        None => {}
    });
    let query = use_query_map();
    let unknown = move || query.with(|q| q.get("unknown"));
    let total = move || current.with(|p| p.count.members);
    let offset = move || current.with(|p| p.offset);
    view! {
        <div class="card" id="segment-members">
            <div class="card-head">
                <h2>"分群成员"</h2>
                <span>
                    <a href=export id="export-members" download>"导出 CSV（号码脱敏，记录审计）"</a>
                    " "
                    <Can needed=Role::Operator>
                        <button type="button" class="link danger" id="delete-segment" on:click=move |_| {
                            if confirm("确定删除这个分群吗？") { delete.dispatch(()); }
                        }>"删除分群"</button>
                    </Can>
                </span>
            </div>
            {move || unknown().map(|n| view! { <p class="notice err" data-testid="unknown-ids">{format!("名单中有 {n} 个 user_id 不存在，已忽略")}</p> })}
            <p data-testid="members-count">{move || current.with(|p| format!(
                "共 {} 人，其中有效手机号 {} 人（统计用时 {} ms）", p.count.members, p.count.with_phone, p.count.millis
            ))}</p>
            <div class="column-picker" id="member-columns">
                <span class="muted">"显示属性："</span>
                {attributes.into_iter().map(|name| {
                    let n = name.clone();
                    view! {
                        <label><input type="checkbox" value=name.clone()
                            on:change=move |ev| toggle(n.clone(), event_target_checked(&ev))/>{name}</label>
                    }
                }).collect_view()}
            </div>
            <table class="grid" id="members">
                <thead><tr>
                    <th>"user_id"</th><th>"手机号"</th>
                    {move || current.get().columns.into_iter().map(|c| view! { <th>{c}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {move || current.get().rows.into_iter().map(|m| view! {
                        <tr><td><a href=format!("/users/lookup?q={}", m.user_id)>{m.user_id.clone()}</a></td>
                            <td>{m.phone_masked.unwrap_or_else(|| "—".into())}</td>
                            {m.values.into_iter().map(|v| view! { <td>{v}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="pager">
                <button type="button" id="prev-page" disabled=move || { offset() == 0 || load.pending().get() }
                    on:click=move |_| { load.dispatch(offset().saturating_sub(PAGE_SIZE as u64)); }>"上一页"</button>
                <span data-testid="page-info">{move || format!("第 {} – {} 人", (offset() + 1).min(total()), (offset() + PAGE_SIZE as u64).min(total()))}</span>
                <button type="button" id="next-page" disabled=move || { offset() + PAGE_SIZE as u64 >= total() || load.pending().get() }
                    on:click=move |_| { load.dispatch(offset() + PAGE_SIZE as u64); }>"下一页"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="notice err">{e}</p> })}
        </div>
    }
    .into_any()
}

fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        window().confirm_with_message(message).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        false
    }
}

//! 用户细查 (route `/users/lookup`): find a user by user id, phone or its last digits, see every
//! attribute, and reveal the full phone on purpose (each reveal is audited).

use crate::api::users::{find_users, reveal_phone, user_detail};
use crate::components::Can;
use crate::dto::audience::{UserCard, UserHit};
use crate::dto::Role;
use crate::pages::error_text;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn UserLookupPage() -> impl IntoView {
    let query = RwSignal::new(String::new());
    let hits = RwSignal::new(None::<Result<Vec<UserHit>, String>>);
    let selected = RwSignal::new(None::<String>);
    let search = Action::new(move |q: &String| {
        let q = q.clone();
        async move { find_users(q).await }
    });
    Effect::new(move |_| {
        if let Some(r) = search.value().get() {
            let r = r.map_err(|e| error_text(&e));
            if let Ok([only]) = r.as_deref() {
                selected.set(Some(only.user_id.clone()));
            }
            hits.set(Some(r));
        }
    });
    let params = leptos_router::hooks::use_query_map();
    Effect::new(move |_| {
        if let Some(q) = params.with_untracked(|p| p.get("q")) {
            query.set(q.clone());
            search.dispatch(q);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        selected.set(None);
        search.dispatch(query.get());
    };
    view! {
        <Title text="用户细查 · 触达"/>
        <h1>"用户细查"</h1>
        <form class="card" id="lookup-form" on:submit=submit>
            <div class="field inline">
                <label for="f-query">"用户 ID 或手机号"</label>
                <input id="f-query" name="query" bind:value=query placeholder="user_id、完整手机号或后 4 位" autocomplete="off"/>
                <button type="submit" class="primary" disabled=move || search.pending().get()>"查询"</button>
            </div>
        </form>
        {move || hits.get().map(|r| match r {
            Err(e) => view! { <p class="notice err" data-testid="lookup-error">{e}</p> }.into_any(),
            Ok(list) if list.is_empty() => view! { <p class="notice err" data-testid="lookup-empty">"没有找到匹配的用户"</p> }.into_any(),
            Ok(list) => view! {
                <ul class="hits" id="lookup-hits">
                    {list.into_iter().map(|h| {
                        let id = h.user_id.clone();
                        view! {
                            <li><button type="button" class="link" on:click=move |_| selected.set(Some(id.clone()))>
                                {h.user_id}" · "{h.phone_masked.unwrap_or_else(|| "无手机号".into())}
                            </button></li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        })}
        {move || selected.get().map(|id| view! { <Detail user_id=id/> })}
    }
}

#[component]
fn Detail(user_id: String) -> impl IntoView {
    let id = user_id.clone();
    let card = Resource::new(move || id.clone(), user_detail);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match card.await {
                    Ok(c) => view! { <DetailCard card=c/> }.into_any(),
                    Err(e) => view! { <p class="notice err">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DetailCard(card: UserCard) -> impl IntoView {
    let revealed = RwSignal::new(None::<Result<String, String>>);
    let uid = card.user_id.clone();
    let reveal = Action::new(move |_: &()| {
        let uid = uid.clone();
        async move { reveal_phone(uid).await }
    });
    Effect::new(move |_| {
        if let Some(r) = reveal.value().get() {
            revealed.set(Some(r.map_err(|e| error_text(&e))));
        }
    });
    let has_phone = card.phone_masked.is_some();
    let masked = card.phone_masked.unwrap_or_else(|| "无有效手机号".into());
    view! {
        <div class="card" id="user-detail">
            <div class="card-head"><h2>{format!("用户 {}", card.user_id)}</h2><span class="muted">{format!("更新于 {}", card.updated_at)}</span></div>
            <p>
                "手机号："
                <span data-testid="detail-phone">
                    {move || match revealed.get() {
                        Some(Ok(full)) => full,
                        _ => masked.clone(),
                    }}
                </span>
                <Can needed=Role::Operator>
                    <Show when=move || has_phone && revealed.get().is_none()>
                        <button type="button" class="link" id="reveal-phone" on:click=move |_| { reveal.dispatch(()); }>
                            "显示完整号码（将记录审计日志）"
                        </button>
                    </Show>
                </Can>
            </p>
            {move || revealed.get().and_then(Result::err).map(|e| view! { <p class="notice err">{e}</p> })}
            <p data-testid="detail-segments">
                "所在分群："
                {if card.segments.is_empty() { "无".to_owned() } else { card.segments.join("、") }}
            </p>
            <table class="grid" id="detail-attributes">
                <thead><tr><th>"属性"</th><th>"类型"</th><th>"值"</th></tr></thead>
                <tbody>
                    {card.attributes.into_iter().map(|(n, t, v)| {
                        let key = n.clone();
                        view! { <tr data-attr=key><td><code>{n}</code></td><td>{t}</td><td>{v}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
            <h3>"短信记录"</h3>
            <UserMessages user_id=card.user_id.clone()/>
        </div>
    }
}

/// The messages of one user, newest first, with their state and a link to the full timelines.
#[component]
fn UserMessages(user_id: String) -> impl IntoView {
    let id = user_id.clone();
    let trace = Resource::new(move || id.clone(), |id| crate::api::ledger::trace_phone(String::new(), id, None));
    let link = format!("/troubleshoot?user={}", crate::pages::url_escape(&user_id));
    view! {
        <Suspense fallback=|| view! { <p class="muted">{crate::text::LOADING}</p> }>
            {move || {
                let link = link.clone();
                Suspend::new(async move {
                    match trace.await {
                        Ok(t) if t.messages.is_empty() => {
                            view! { <p class="muted" data-testid="detail-messages">"该用户还没有收到过短信。"</p> }.into_any()
                        }
                        Ok(t) => view! {
                            <ul data-testid="detail-messages">
                                {t.messages.into_iter().take(10).map(|m| view! {
                                    <li>{m.row.campaign}" · "<span class=format!("badge cat-{}", m.row.category)>{m.row.category_label}</span>
                                        " "<span class="muted">{m.row.explanation}</span></li>
                                }).collect_view()}
                            </ul>
                            <p><a href=link id="detail-trace">"未收到排查：查看每条短信的完整时间线"</a></p>
                        }.into_any(),
                        Err(e) => view! { <p class="muted" data-testid="detail-messages">{error_text(&e)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

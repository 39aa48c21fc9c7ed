//! 未收到排查 (route `/troubleshoot`): enter a phone (or come from 用户细查 / 发送记录 with a
//! user or message id) and read every message to that number with its timeline — queued →
//! each vendor call → each delivery report — the explanation and what to do next.

use crate::api::ledger::trace_phone;
use crate::dto::ledger::{PhoneTrace, TracedMessage};
use crate::pages::error_text;
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TroubleshootPage() -> impl IntoView {
    let params = use_query_map();
    let args = move || {
        params.with(|p| {
            let message = p.get("message").and_then(|m| m.parse::<i64>().ok());
            (p.get("phone").unwrap_or_default(), p.get("user").unwrap_or_default(), message)
        })
    };
    let trace = Resource::new(args, |(phone, user, message)| async move {
        if phone.trim().is_empty() && user.trim().is_empty() && message.is_none() {
            return None;
        }
        Some(trace_phone(phone, user, message).await)
    });
    view! {
        <Title text="未收到排查 · 触达"/>
        <h1>"未收到排查"</h1>
        <form class="card" id="trace-form" method="get" action="/troubleshoot">
            <div class="field inline">
                <label for="f-trace-phone">"手机号"</label>
                <input id="f-trace-phone" name="phone" placeholder="用户说没收到短信的号码" autocomplete="off"
                    value=move || args().0/>
                <button type="submit" class="primary">"排查"</button>
            </div>
            <p class="muted">"列出发往这个号码的每一条短信：何时入队、何时提交给服务商、运营商回执说了什么，以及下一步怎么做。"</p>
        </form>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match trace.await {
                    None => ().into_any(),
                    Some(Ok(t)) => view! { <Trace t/> }.into_any(),
                    Some(Err(e)) => view! { <p class="notice err" data-testid="trace-error">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Trace(t: PhoneTrace) -> impl IntoView {
    let who = match &t.user_id {
        Some(u) => format!("{} · 用户 {u}", t.phone_masked),
        None => t.phone_masked.clone(),
    };
    let summary = if t.messages.is_empty() {
        "这个号码还没有收到过任何活动短信：请确认号码是否在活动分群中、是否被去重或缺少变量而跳过。".to_owned()
    } else {
        format!("共 {} 条短信（最近 50 条）", t.messages.len())
    };
    view! {
        <h2 data-testid="trace-phone">{who}</h2>
        <p class="muted" data-testid="trace-summary">{summary}</p>
        <div id="trace-messages">{t.messages.into_iter().map(message).collect_view()}</div>
        {(!t.replies.is_empty()).then(|| view! {
            <div class="card">
                <h3>"用户回复（上行）"</h3>
                <ul>{t.replies.into_iter().map(|(at, c)| view! { <li>{at}" · "{c}</li> }).collect_view()}</ul>
            </div>
        })}
    }
}

fn message(m: TracedMessage) -> impl IntoView {
    let r = m.row;
    view! {
        <div class="card trace" data-category=r.category.clone()>
            <div class="page-head">
                <h3><a href=format!("/campaigns/{}", r.campaign_id)>{r.campaign}</a></h3>
                <span class=format!("badge cat-{}", r.category) data-testid="trace-category">{r.category_label}</span>
            </div>
            <p data-testid="trace-explanation">{r.explanation}</p>
            <ol class="timeline">
                {m.steps.into_iter().map(|s| view! {
                    <li><span class="muted">{s.at}</span>" "<strong>{s.what}</strong>" "{s.detail}</li>
                }).collect_view()}
            </ol>
            <p class="notice" data-testid="trace-advice">"下一步："{m.advice}</p>
            <p class="muted small">{format!("{} · msgId {} · 计费 {} 条", r.vendor_label,
                r.msg_id.unwrap_or_else(|| "—".into()), r.units)}</p>
        </div>
    }
}

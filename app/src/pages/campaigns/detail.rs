//! The campaign page: what is being sent to whom, live progress (refreshed every second while
//! it is sending, scheduled or waiting for its window) and 开始 / 暂停 / 继续 / 取消.

use crate::api::campaigns::{control_campaign, get_campaign, start_campaign};
use crate::components::Can;
use crate::dto::campaign::CampaignDetail;
use crate::dto::Role;
use crate::pages::error_text;
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CampaignPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())).unwrap_or_default();
    let tick = RwSignal::new(0u64);
    let detail = Resource::new(move || (id(), tick.get()), |(id, _)| get_campaign(id));
    let live = RwSignal::new(None::<CampaignDetail>);
    Effect::new(move |_| {
        if let Some(Ok(d)) = detail.get() {
            live.set(Some(d));
        }
    });
    // Refresh once a second while the campaign can still change by itself.
    crate::pages::refresh_while(tick, 1, move || {
        live.with_untracked(|d| {
            d.as_ref().is_some_and(|d| matches!(d.row.status.as_str(), "sending" | "scheduled" | "waiting"))
        })
    });
    view! {
        <Title text="活动 · 触达"/>
        <p><a href="/campaigns">"← 全部活动"</a></p>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(_) => view! { <Live live refresh=tick/> }.into_any(),
                    Err(e) => view! { <p class="notice err">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Live(live: RwSignal<Option<CampaignDetail>>, refresh: RwSignal<u64>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let act = Action::new(move |(id, action): &(i64, String)| {
        let (id, action) = (*id, action.clone());
        async move {
            if action == "start" {
                start_campaign(id, super::new_key()).await
            } else {
                control_campaign(id, action).await
            }
        }
    });
    Effect::new(move |_| match act.value().get() {
        Some(Ok(())) => {
            error.set(None);
            refresh.update(|t| *t += 1);
        }
        Some(Err(e)) => error.set(Some(error_text(&e))),
        None => {}
    });
    let d = move || live.get();
    let started = Memo::new(move |_| live.with(|d| d.as_ref().is_some_and(|d| d.row.started_at.is_some())));
    let button = move |action: &'static str, label: &'static str, show: fn(&str) -> bool| {
        view! {
            <Show when=move || d().is_some_and(|d| show(&d.row.status))>
                <button type="button" id=format!("campaign-{action}") disabled=move || act.pending().get()
                    on:click=move |_| {
                        if let Some(d) = live.get_untracked() { act.dispatch((d.row.id, action.to_owned())); }
                    }>{label}</button>
            </Show>
        }
    };
    view! {
        {move || d().map(|d| {
            let r = d.row.clone();
            let planned = r.planned.unwrap_or(0).max(1);
            let pct = (r.submitted + r.failed + r.unknown) as f64 / planned as f64 * 100.0;
            view! {
                <div class="page-head">
                    <h1>{r.name.clone()}</h1>
                    <span class=format!("badge status-{}", r.status) data-testid="campaign-status">{r.status_label.clone()}</span>
                </div>
                {r.sandbox.then(|| view! { <p class="notice ok">"沙箱活动：短信发往内置模拟器，不会真正发出。"</p> })}
                {r.status_reason.clone().map(|m| {
                    let class = if r.status == "waiting" { "notice warn" } else { "notice err" };
                    view! { <p class=class data-testid="status-reason">{m}</p> }
                })}
                <div class="card" id="campaign-progress">
                    <progress max="100" value=format!("{pct:.1}")></progress>
                    <p data-testid="progress-text">{format!(
                        "计划 {} 条：已提交 {}，失败 {}，结果未知 {}，排队中 {}，合规拦截（退订/超频）{}",
                        r.planned.map(|p| p.to_string()).unwrap_or_else(|| "—".into()), r.submitted, r.failed, r.unknown, r.queued,
                        r.blocked
                    )}</p>
                    <p class="muted">{format!(
                        "速率 {}，预计剩余 {}",
                        d.rate.map(|x| format!("{x:.0} 条/秒")).unwrap_or_else(|| "—".into()),
                        d.eta_secs.map(|s| format!("{s} 秒")).unwrap_or_else(|| "—".into())
                    )}</p>
                </div>
                <div class="card">
                    <p>{format!("{}短信 · 分群：{} · 服务商：{} · 签名：【{}】", r.kind_label, d.segment, r.vendor_label, d.signature)}</p>
                    <p>"内容："<code>{d.content.clone()}</code></p>
                    <p class="muted">{format!("创建 {}{}{}", r.created_at,
                        r.scheduled_at.clone().map(|t| format!(" · 定时 {t}")).unwrap_or_default(),
                        r.finished_at.clone().map(|t| format!(" · 结束 {t}")).unwrap_or_default())}</p>
                </div>
            }
        })}
        <Can needed=Role::Operator>
            <div class="actions">
                {button("start", "开始发送", |s| s == "draft")}
                {button("pause", "暂停", |s| matches!(s, "sending" | "waiting"))}
                {button("resume", "继续", |s| s == "paused")}
                {button("cancel", "取消活动", |s| matches!(s, "draft" | "scheduled" | "sending" | "paused" | "waiting"))}
            </div>
        </Can>
        {move || error.get().map(|e| view! { <p class="notice err" data-testid="campaign-error">{e}</p> })}
        // Created once the campaign has started, outside the per-second re-render above.
        <Show when=move || started.get()>
            {view! { <super::stats::CampaignStats id=live.with_untracked(|d| d.as_ref().map(|d| d.row.id).unwrap_or_default())/> }.into_any()}
        </Show>
    }
}

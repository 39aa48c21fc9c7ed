//! Statistics on the campaign page: the funnel, delivery rate, failures by reason (SVG bar
//! chart), deliveries over time (SVG column chart) and results by carrier. Refreshed every two
//! seconds while messages are still sending or waiting for receipts. Every bar carries its
//! number as text, so the charts read without hovering.

use crate::api::ledger::{campaign_stats, resend_failed};
use crate::components::Can;
use crate::dto::ledger::StatsView;
use crate::dto::Role;
use crate::pages::{error_text, go};
use leptos::prelude::*;

#[component]
pub fn CampaignStats(id: i64) -> impl IntoView {
    let tick = RwSignal::new(0u64);
    let stats = Resource::new(move || tick.get(), move |_| campaign_stats(id));
    let live = RwSignal::new(None::<StatsView>);
    Effect::new(move |_| {
        if let Some(Ok(s)) = stats.get() {
            live.set(Some(s));
        }
    });
    crate::pages::refresh_while(tick, 2, move || {
        live.with_untracked(|s| s.as_ref().is_none_or(|s| s.in_progress + s.pending > 0))
    });
    view! {
        {move || live.get().map(|s| view! { <Funnel s=s.clone() id/><Charts s/> })}
        {move || match stats.get() {
            Some(Err(e)) => Some(view! { <p class="notice err">{error_text(&e)}</p> }),
            _ => None,
        }}
    }
}

#[component]
fn Funnel(s: StatsView, id: i64) -> impl IntoView {
    let rate = if s.submitted > 0 { s.delivered as f64 / s.submitted as f64 * 100.0 } else { 0.0 };
    let cell = |label: &'static str, n: u64, key: &'static str| {
        view! { <div data-stat=key><span class="stat-num">{n}</span><div class="muted">{label}</div></div> }
    };
    let resend = Action::new(move |_: &()| resend_failed(id));
    Effect::new(move |_| {
        if let Some(Ok(new)) = resend.value().get() {
            go(&format!("/campaigns/{new}"));
        }
    });
    view! {
        <div class="card" id="campaign-stats">
            <h3>"送达统计"</h3>
            <div class="funnel">
                {cell("目标", s.targets, "targets")}
                {cell("已提交", s.submitted, "submitted")}
                {cell("已送达", s.delivered, "delivered")}
                {cell("失败", s.failed, "failed")}
                {cell("等待回执", s.pending, "pending")}
                {cell("超时未回执", s.timeout, "timeout")}
                {cell("结果未知", s.unknown, "unknown")}
                <div data-stat="rate"><span class="stat-num">{format!("{rate:.1}%")}</span><div class="muted">"送达率（已送达/已提交）"</div></div>
            </div>
            <p>
                <a href=format!("/ledger?campaign={id}") id="stats-ledger">"查看发送记录"</a>" · "
                <a href=format!("/ledger?campaign={id}&status=failed") id="stats-failed">"只看失败"</a>
            </p>
            {(s.resendable > 0).then(|| view! {
                <Can needed=Role::Operator><p>
                    <button type="button" id="resend-failed" disabled=move || resend.pending().get()
                        on:click=move |_| { resend.dispatch(()); }>
                        {format!("重发失败（{} 个号码）", s.resendable)}
                    </button>
                    <span class="muted">" 生成一个只含可重发号码的新分群和活动草稿；黑名单、空号和结果未知的号码不会重发。"</span>
                </p></Can>
            })}
            {move || match resend.value().get() {
                Some(Err(e)) => Some(view! { <p class="notice err">{error_text(&e)}</p> }),
                _ => None,
            }}
        </div>
    }
}

#[component]
fn Charts(s: StatsView) -> impl IntoView {
    view! {
        <div class="charts">
            <div class="card chart" id="chart-failures">
                <h3>"失败原因"</h3>
                {if s.failures.is_empty() {
                    view! { <p class="muted">"暂无失败"</p> }.into_any()
                } else {
                    let rows: Vec<(String, u64)> =
                        s.failures.iter().take(8).map(|(c, r, n)| (format!("{c}：{r}"), *n)).collect();
                    bars(rows).into_any()
                }}
            </div>
            <div class="card chart" id="chart-deliveries">
                <h3>"送达时间分布"</h3>
                {if s.over_time.is_empty() {
                    view! { <p class="muted">"还没有送达回执"</p> }.into_any()
                } else {
                    columns(s.over_time.clone()).into_any()
                }}
            </div>
        </div>
        <div class="card">
            <h3>"按运营商"</h3>
            <table class="grid" id="stats-carriers">
                <thead><tr><th>"运营商"</th><th>"目标"</th><th>"已送达"</th><th>"失败"</th><th>"送达率"</th></tr></thead>
                <tbody>{s.carriers.into_iter().map(|(c, t, d, f)| {
                    let rate = if d + f > 0 { format!("{:.1}%", d as f64 / (d + f) as f64 * 100.0) } else { "—".into() };
                    view! { <tr><td>{c}</td><td class="num">{t}</td><td class="num">{d}</td><td class="num">{f}</td><td class="num">{rate}</td></tr> }
                }).collect_view()}</tbody>
            </table>
        </div>
    }
}

/// Horizontal bars with the label above each bar and the count at its end.
fn bars(rows: Vec<(String, u64)>) -> impl IntoView {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1) as f64;
    let height = rows.len() * 36 + 4;
    view! {
        <svg viewBox=format!("0 0 400 {height}") role="img" aria-label="失败原因条形图">
            {rows.into_iter().enumerate().map(|(i, (label, n))| {
                let y = i * 36;
                let w = (n as f64 / max * 330.0).max(2.0);
                let short: String = label.chars().take(30).collect();
                view! {
                    <g data-bar=n>
                        <text x="0" y=y + 11>{short}</text>
                        <rect x="0" y=y + 15 width=format!("{w:.1}") height="14" fill="#f53f3f" rx="2"></rect>
                        <text x=format!("{:.1}", w + 6.0) y=y + 27>{n}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

/// Columns over time with the count above each column and a few time labels below.
fn columns(points: Vec<(String, u64)>) -> impl IntoView {
    let max = points.iter().map(|p| p.1).max().unwrap_or(1).max(1) as f64;
    let n = points.len().max(1);
    let step = 380.0 / n as f64;
    let every = n.div_ceil(6).max(1);
    view! {
        <svg viewBox="0 0 400 180" role="img" aria-label="送达时间分布柱状图">
            {points.into_iter().enumerate().map(|(i, (label, v))| {
                let h = v as f64 / max * 120.0;
                let x = 10.0 + i as f64 * step;
                let w = (step * 0.7).max(1.0);
                view! {
                    <g data-column=v>
                        <rect x=format!("{x:.1}") y=format!("{:.1}", 140.0 - h) width=format!("{w:.1}") height=format!("{h:.1}") fill="#165dff"></rect>
                        {(v > 0 && n <= 20).then(|| view! { <text x=format!("{x:.1}") y=format!("{:.1}", 136.0 - h)>{v}</text> })}
                        {(i % every == 0).then(|| view! { <text x=format!("{x:.1}") y="158">{label}</text> })}
                    </g>
                }
            }).collect_view()}
            <line x1="8" y1="140" x2="392" y2="140" stroke="#c9cdd4"></line>
        </svg>
    }
}

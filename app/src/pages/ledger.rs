//! 发送记录 (route `/ledger`): one row per message — campaign, user, masked phone, vendor,
//! msgId, submit and receipt — filtered by the query string (a plain GET form, so filters are
//! bookmarkable and work before hydration), paged newest first, exportable as CSV.

use crate::api::ledger::load_ledger;
use crate::dto::ledger::{LedgerPage, LedgerQuery, LedgerRow};
use crate::pages::{error_text, url_escape};
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

pub const STATUS_CHOICES: [(&str, &str); 9] = [
    ("", "全部状态"),
    ("delivered", "已送达"),
    ("failed", "失败"),
    ("pending", "等待回执"),
    ("timeout", "超时未回执"),
    ("unknown", "提交结果未知"),
    ("in_progress", "排队/发送中"),
    ("cancelled", "已取消"),
    ("blocked", "合规拦截（退订/超频）"),
];

fn query_string(q: &LedgerQuery) -> String {
    [
        ("campaign", &q.campaign),
        ("status", &q.status),
        ("vendor", &q.vendor),
        ("from", &q.from),
        ("to", &q.to),
        ("phone", &q.phone),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={}", url_escape(v)))
    .collect::<Vec<_>>()
    .join("&")
}

#[component]
pub fn LedgerPage() -> impl IntoView {
    let params = use_query_map();
    let query = move || {
        params.with(|p| {
            let get = |k: &str| p.get(k).unwrap_or_default();
            LedgerQuery {
                campaign: get("campaign"),
                status: get("status"),
                vendor: get("vendor"),
                from: get("from"),
                to: get("to"),
                phone: get("phone"),
                before: get("before"),
            }
        })
    };
    let page = Resource::new(query, load_ledger);
    view! {
        <Title text="发送记录 · 触达"/>
        <div class="page-head">
            <h1>"发送记录"</h1>
            <a class="button" id="ledger-export" href=move || format!("/api/ledger.csv?{}", query_string(&query()))>"导出 CSV"</a>
        </div>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                let q = query();
                match page.await {
                    Ok(p) => view! { <Filters q=q.clone() campaigns=p.campaigns.clone()/><Rows q page=p/> }.into_any(),
                    Err(e) => view! { <Filters q campaigns=vec![]/><p class="notice err" data-testid="ledger-error">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Filters(q: LedgerQuery, campaigns: Vec<(i64, String)>) -> impl IntoView {
    let (campaign, status, vendor) = (q.campaign.clone(), q.status.clone(), q.vendor.clone());
    view! {
        <form class="card filters" id="ledger-filters" method="get" action="/ledger">
            <select name="campaign" id="f-campaign">
                <option value="">"全部活动"</option>
                {campaigns.into_iter().map(|(id, name)| {
                    let v = id.to_string();
                    let selected = v == campaign;
                    view! { <option value=v selected=selected>{format!("#{id} {name}")}</option> }
                }).collect_view()}
            </select>
            <select name="status" id="f-status">
                {STATUS_CHOICES.into_iter().map(|(v, label)| view! { <option value=v selected=v == status>{label}</option> }).collect_view()}
            </select>
            <select name="vendor" id="f-vendor">
                {[("", "全部服务商"), ("chuanglan", "创蓝 253"), ("aliyun", "阿里云")].into_iter()
                    .map(|(v, label)| view! { <option value=v selected=v == vendor>{label}</option> }).collect_view()}
            </select>
            <input type="date" name="from" id="f-from" value=q.from title="开始日期"/>
            <input type="date" name="to" id="f-to" value=q.to title="结束日期"/>
            <input name="phone" id="f-phone" value=q.phone placeholder="手机号" autocomplete="off"/>
            <button type="submit" class="primary">"筛选"</button>
        </form>
    }
}

#[component]
fn Rows(q: LedgerQuery, page: LedgerPage) -> impl IntoView {
    if page.rows.is_empty() {
        return view! { <p class="card muted" data-testid="ledger-empty">"没有符合条件的短信记录。"</p> }.into_any();
    }
    let next = page.next.map(|n| {
        let qs = query_string(&q);
        let sep = if qs.is_empty() { "" } else { "&" };
        format!("/ledger?{qs}{sep}before={n}")
    });
    view! {
        <table class="grid" id="ledger-rows">
            <thead><tr>
                <th>"活动"</th><th>"用户"</th><th>"手机号"</th><th>"服务商"</th><th>"msgId"</th>
                <th>"提交"</th><th>"回执"</th><th>"状态"</th><th>"计费条数"</th>
            </tr></thead>
            <tbody>{page.rows.into_iter().map(row).collect_view()}</tbody>
        </table>
        <div class="pager">
            {(!q.before.is_empty()).then(|| view! { <a href=format!("/ledger?{}", query_string(&q))>"回到第一页"</a> })}
            {next.map(|href| view! { <a href=href id="ledger-next">"下一页"</a> })}
        </div>
    }
    .into_any()
}

fn row(r: LedgerRow) -> impl IntoView {
    let trace = format!("/troubleshoot?message={}", r.id);
    let submit = match (&r.submitted_at, &r.submit_code) {
        (Some(t), _) => t.clone(),
        (None, Some(code)) => format!("代码 {code}"),
        _ => "—".into(),
    };
    let receipt = match (&r.receipt_status, &r.receipt_time) {
        (Some(s), Some(t)) => format!("{s} · {t}"),
        (Some(s), None) => s.clone(),
        _ => "—".into(),
    };
    view! {
        <tr data-category=r.category.clone()>
            <td><a href=format!("/campaigns/{}", r.campaign_id)>{r.campaign}</a></td>
            <td>{r.user_id.unwrap_or_else(|| "—".into())}</td>
            <td><a href=trace title="未收到排查">{r.phone_masked}</a></td>
            <td>{r.vendor_label}{r.sandbox.then(|| view! { <span class="badge sandbox">"沙箱"</span> })}</td>
            <td><code>{r.msg_id.unwrap_or_else(|| "—".into())}</code></td>
            <td>{submit}</td>
            <td>{receipt}</td>
            <td><span class=format!("badge cat-{}", r.category)>{r.category_label}</span>
                <div class="muted small">{r.explanation}</div></td>
            <td class="num">{r.units}</td>
        </tr>
    }
}

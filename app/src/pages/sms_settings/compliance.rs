//! 合规设置: the marketing send window, per-phone caps, whether the suppression list also
//! stops notifications, the consent attribute and the ledger retention. On by default.

use crate::api::compliance::{load_policy, SavePolicy};
use crate::components::{error_for, Field, Notice};
use crate::dto::compliance::PolicyForm;
use crate::error::AppError;
use crate::text;
use leptos::prelude::*;

#[component]
pub fn ComplianceCard() -> impl IntoView {
    let policy = Resource::new(|| (), |_| load_policy());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                policy.await.ok().map(|p| view! { <PolicyEditor p/> })
            })}
        </Suspense>
    }
}

#[component]
fn PolicyEditor(p: PolicyForm) -> impl IntoView {
    let start = RwSignal::new(p.window_start);
    let end = RwSignal::new(p.window_end);
    let daily = RwSignal::new(p.daily_cap.to_string());
    let weekly = RwSignal::new(p.weekly_cap.to_string());
    let notify = RwSignal::new(p.suppress_notifications);
    let consent_attr = RwSignal::new(p.consent_attribute);
    let require_consent = RwSignal::new(p.require_consent);
    let retention = RwSignal::new(p.retention_days.to_string());
    let save = ServerAction::<SavePolicy>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => error.set(None),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let number = |s: RwSignal<String>| s.get().trim().parse::<u32>().unwrap_or(u32::MAX);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = PolicyForm {
            window_start: start.get(),
            window_end: end.get(),
            daily_cap: number(daily),
            weekly_cap: number(weekly),
            suppress_notifications: notify.get(),
            consent_attribute: consent_attr.get(),
            require_consent: require_consent.get(),
            retention_days: number(retention),
        };
        save.dispatch(SavePolicy { form });
    };
    let saved = Signal::derive(move || super::status_of(save.value().get(), |_| text::SAVED.to_owned()));
    view! {
        <section class="card" id="compliance-card">
            <form id="compliance-form" on:submit=submit>
                <h2>"合规设置"</h2>
                <p class="muted">"商业短信须经用户同意并提供退订方式（工信部《通信短信息服务管理规定》）。以下规则对所有活动和服务商生效，新安装默认开启。"</p>
                <div class="field" class:invalid=move || error_for(error, "window").get().is_some()>
                    <span class="label">"营销发送时段（北京时间）"</span>
                    <div class="inline">
                        <input type="time" id="f-policy_start" aria-label="开始" bind:value=start/>" – "
                        <input type="time" id="f-policy_end" aria-label="结束" bind:value=end/>
                    </div>
                    <p class="field-help">"默认 08:00–21:00。时段外营销活动自动等待，到点继续；通知短信不受限制。"</p>
                    {move || error_for(error, "window").get().map(|m| view! { <p class="field-error" data-field="window">{m}</p> })}
                </div>
                <Field name="daily_cap" label="每个号码每天最多营销短信（条）" value=daily error=error_for(error, "daily_cap")
                    help="跨所有活动和服务商按北京时间自然日计算，默认 3（运营商一般限制约 3 条/天），0 表示不限"/>
                <Field name="weekly_cap" label="每个号码近 7 天最多营销短信（条）" value=weekly error=error_for(error, "weekly_cap")
                    help="0 表示不限"/>
                <label class="check"><input type="checkbox" id="f-suppress_notifications" bind:checked=notify/>
                    "退订名单中的号码也不再接收通知短信（默认仍接收通知）"</label>
                <Field name="consent_attribute" label="营销同意属性（可选）" value=consent_attr error=error_for(error, "consent_attribute")
                    placeholder="marketing_consent" help="导入用户时记录同意的属性，值为“是”表示同意"/>
                <label class="check"><input type="checkbox" id="f-require_consent" bind:checked=require_consent/>
                    "营销短信只发给有同意记录的用户"</label>
                <Field name="retention_days" label="发送记录保留天数" value=retention error=error_for(error, "retention_days")
                    help="至少 180 天（2026-05-01 起施行的规定要求保留发送记录不少于 6 个月）"/>
                <div class="actions">
                    <button type="submit" class="primary" id="compliance-save" disabled=move || save.pending().get()>{text::SAVE}</button>
                </div>
                <Notice message=saved test_id="compliance-saved"/>
            </form>
        </section>
    }
}

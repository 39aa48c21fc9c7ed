//! The builder's compliance parts: the message type (营销 / 通知/行业) as a segmented control,
//! the live content check with 添加退订语, and the optional per-campaign send window. The
//! verdicts come from the server (`compliance/check-content`), the same rules as at start.

use crate::api::compliance::check_content;
use crate::components::Segmented;
use leptos::prelude::*;

#[component]
pub fn KindPicker(kind: RwSignal<String>) -> impl IntoView {
    let options = vec![
        ("marketing", "营销", "营销短信：须以“拒收请回复R”结尾，只在营销时段发送，受频次上限和退订名单约束"),
        ("notification", "通知/行业", "通知短信：订单、物流、服务提醒等，不能带退订语"),
    ];
    view! {
        <Segmented name="kind" label="短信类型" value=kind options/>
        <p class="field-help kind-help">{move || if kind.get() == "marketing" {
            "营销短信：以“拒收请回复R”结尾，只在营销发送时段内发送，超过每个号码的频次上限或在退订名单中的号码不会收到。"
        } else {
            "通知/行业短信：用于订单、物流、账户等服务通知，不能含“拒收请回复R”，不受营销时段和频次限制。"
        }}</p>
    }
}

/// Problems of the typed content for the chosen type, as the operator types; offers to append
/// the refusal suffix.
#[component]
pub fn ContentChecks(kind: RwSignal<String>, signature: RwSignal<String>, content: RwSignal<String>) -> impl IntoView {
    let check = Resource::new(
        move || (kind.get(), signature.get(), content.get()),
        |(k, s, c)| async move { check_content(k, s, c).await.ok() },
    );
    view! {
        <Transition fallback=|| ()>
            {move || check.get().flatten().map(|c| {
                let fix = c.with_suffix.clone();
                view! {
                    <div class="content-checks" data-testid="content-checks">
                        <p class="muted small">{format!("含签名 {} 字，按 {} 条计费（未填入变量值）", c.chars, c.units)}</p>
                        {c.problems.into_iter().map(|p| view! { <p class="field-error compliance">{p}</p> }).collect_view()}
                        {fix.map(|f| view! {
                            <button type="button" id="append-suffix" on:click=move |_| content.set(f.clone())>
                                "添加退订语“拒收请回复R”"
                            </button>
                        })}
                    </div>
                }
            })}
        </Transition>
    }
}

/// The marketing window of this campaign: the installation's, or an override.
#[component]
pub fn WindowFields(
    kind: RwSignal<String>,
    default_window: String,
    start: RwSignal<String>,
    end: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <Show when=move || kind.get() == "marketing">
            <div class="field" class:invalid=move || error.get().is_some()>
                <span class="label">"营销发送时段（北京时间）"</span>
                <div class="inline">
                    <input type="time" id="f-window_start" aria-label="开始" bind:value=start/>
                    " – "
                    <input type="time" id="f-window_end" aria-label="结束" bind:value=end/>
                </div>
                <p class="field-help">{format!(
                    "留空使用合规设置的 {default_window}。时段外不发送：开始或定时在时段外时先等待，到点自动继续；发送中到时段结束自动暂停到次日。"
                )}</p>
                {move || error.get().map(|m| view! { <p class="field-error" data-field="window">{m}</p> })}
            </div>
        </Show>
    }
}

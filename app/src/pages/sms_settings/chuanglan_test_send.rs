//! 发送测试短信 on the 创蓝 card.

use crate::api::chuanglan::TestSendChuanglan;
use crate::components::{error_for, TextArea};
use crate::dto::{TestSendForm, TestSendResult};
use crate::error::AppError;
use leptos::prelude::*;

use types::sms::slot_count;
#[component]
pub fn TestSendPanel(sandbox: Signal<bool>) -> AnyView {
    let phones = RwSignal::new(String::new());
    let content = RwSignal::new(String::new());
    let template_id = RwSignal::new(String::new());
    let values = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let send = ServerAction::<TestSendChuanglan>::new();
    let kind = RwSignal::new("notification".to_owned());
    Effect::new(move |_| match send.value().get() {
        Some(Ok(_)) => error.set(None),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let raw = values.get();
        let vals: Vec<String> =
            if raw.trim().is_empty() { vec![] } else { raw.split('|').map(str::to_owned).collect() };
        let form = TestSendForm {
            kind: kind.get(),
            phones: phones.get(),
            content: content.get(),
            template_id: template_id.get(),
            values: vals,
        };
        send.dispatch(TestSendChuanglan { form });
    };
    let slots = move || slot_count(&content.get());
    view! {
        <form class="test-send" id="chuanglan-test-send" on:submit=submit>
            <h3>"发送测试短信" <Show when=move || sandbox.get()><span class="badge sandbox">"沙箱"</span></Show></h3>
            <TextArea name="test_phones" label="手机号" value=phones error=error_for(error, "test_phones")
                help="一个或几个号码（最多 20 个），用逗号、空格或换行分隔"/>
            <div class="field">
                <label for="f-test_kind">"短信类型"</label>
                <select id="f-test_kind" name="test_kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="notification" selected=move || kind.get() == "notification">"通知/行业（通知账号）"</option>
                    <option value="marketing" selected=move || kind.get() == "marketing">"营销（营销账号，须以“拒收请回复R”结尾）"</option>
                </select>
            </div>
            <TextArea name="test_content" label="短信内容" value=content error=error_for(error, "test_content")
                help="不用写签名，发送时自动加上；含 {$var} 时走变量发送接口"/>
            <div class="field">
                <label for="f-test_template_id">"或：模板ID"</label>
                <input id="f-test_template_id" name="test_template_id" bind:value=template_id placeholder="留空则发送上面的内容"/>
            </div>
            <div class="field" class:invalid=move || error_for(error, "test_values").get().is_some()>
                <label for="f-test_values">{move || format!("变量值（内容中有 {} 个 {{$var}}，按顺序用 | 分隔）", slots())}</label>
                <input id="f-test_values" name="test_values" bind:value=values placeholder="王女士|1200"/>
                <Show when=move || error_for(error, "test_values").get().is_some()>
                    <p class="field-error" data-field="test_values">{move || error_for(error, "test_values").get().unwrap_or_default()}</p>
                </Show>
            </div>
            <button type="submit" disabled=move || send.pending().get()>
                {move || if send.pending().get() { "发送中…" } else { "发送测试短信" }}
            </button>
            {move || send.value().get().map(|r| match r {
                Ok(res) => view! { <TestSendOutcome res/> }.into_any(),
                Err(AppError::Validation { .. }) => view! { <p class="notice err">{crate::text::FIX_FIELDS}</p> }.into_any(),
                Err(e) => view! { <p class="notice err" data-testid="test-send-error">{e.to_string()}</p> }.into_any(),
            })}
        </form>
    }
    .into_any()
}

#[component]
fn TestSendOutcome(res: TestSendResult) -> AnyView {
    let mode = if res.sandbox { "已提交到沙箱（未真正发送）" } else { "已提交到创蓝" };
    let invalid = res.invalid;
    view! {
        <div class="notice ok" data-testid="test-send-result">
            <p>{mode}"：接口 "<code>{res.endpoint}</code>"，msgId "<code data-testid="test-send-msgid">{res.msg_id}</code></p>
            <p>"号码："{res.sent_to.join("、")}</p>
        </div>
        <Show when={let n = invalid.len(); move || n > 0}>
            <ul class="notice err" data-testid="test-send-invalid">
                {invalid.iter().map(|p| view! { <li>{p.input.clone()}" — "{p.reason.clone()}</li> }).collect_view()}
            </ul>
        </Show>
    }
    .into_any()
}

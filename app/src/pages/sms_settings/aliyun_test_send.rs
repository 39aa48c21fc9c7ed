//! 检查模板 and 发送测试短信 on the 阿里云 card.

use crate::api::aliyun::{CheckAliyunTemplate, TestSendAliyun};
use crate::components::{error_for, Field, TextArea};
use crate::dto::{TemplateCheck, TestSendForm};
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn AliyunTestSend() -> AnyView {
    let code = RwSignal::new(String::new());
    let phones = RwSignal::new(String::new());
    let values = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let check = ServerAction::<CheckAliyunTemplate>::new();
    let send = ServerAction::<TestSendAliyun>::new();
    Effect::new(move |_| match send.value().get() {
        Some(Err(e)) => error.set(Some(e)),
        Some(Ok(_)) => error.set(None),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let raw = values.get();
        let vals: Vec<String> =
            if raw.trim().is_empty() { vec![] } else { raw.split('|').map(str::to_owned).collect() };
        let form = TestSendForm {
            kind: String::new(),
            phones: phones.get(),
            content: String::new(),
            template_id: code.get(),
            values: vals,
        };
        send.dispatch(TestSendAliyun { form });
    };
    view! {
        <form class="test-send" id="aliyun-test-send" on:submit=submit>
            <h3>"检查模板与发送测试短信"</h3>
            <Field name="template_code" label="模板 CODE" value=code error=error_for(error, "template_code") placeholder="SMS_465000001"/>
            <button type="button" id="aliyun-check" disabled=move || check.pending().get()
                on:click=move |_| { check.dispatch(CheckAliyunTemplate { code: code.get() }); }>"检查模板"</button>
            {move || check.value().get().map(|r| match r {
                Ok(t) => view! { <TemplateStatus t/> }.into_any(),
                Err(e) => view! { <p class="notice err" data-testid="aliyun-check-result">{e.to_string()}</p> }.into_any(),
            })}
            <TextArea name="test_phones" label="手机号" value=phones error=error_for(error, "test_phones")
                help="一个或几个号码（最多 20 个），用逗号或换行分隔"/>
            <Field name="test_values" label="模板参数值（按参数顺序用 | 分隔）" value=values error=error_for(error, "test_values")
                placeholder="王女士|1200"/>
            <button type="submit" disabled=move || send.pending().get()>"发送测试短信"</button>
            {move || send.value().get().map(|r| match r {
                Ok(res) => view! {
                    <div class="notice ok" data-testid="aliyun-send-result">
                        <p>"已提交到阿里云：接口 "<code>{res.endpoint}</code>"，BizId "<code>{res.msg_id}</code></p>
                        <p>"号码："{res.sent_to.join("、")}</p>
                    </div>
                }.into_any(),
                Err(AppError::Validation { .. }) => view! { <p class="notice err">{crate::text::FIX_FIELDS}</p> }.into_any(),
                Err(e) => view! { <p class="notice err" data-testid="aliyun-send-error">{e.to_string()}</p> }.into_any(),
            })}
        </form>
    }
    .into_any()
}

#[component]
fn TemplateStatus(t: TemplateCheck) -> AnyView {
    let class = if t.approved { "notice ok" } else { "notice err" };
    let params = if t.params.is_empty() { "无".to_owned() } else { t.params.join("、") };
    view! {
        <div class=class data-testid="aliyun-check-result">
            <p>{t.code}" "{t.name}"：" <strong>{t.status}</strong> {(!t.reason.is_empty()).then(|| format!("（{}）", t.reason))}</p>
            <p>"内容："{t.content}</p>
            <p>"参数："{params}</p>
        </div>
    }
    .into_any()
}

//! The 阿里云 card.

use crate::api::aliyun::{SaveAliyun, TestAliyun};
use crate::components::{error_for, Field, Notice, SecretField, VendorSwitch};
use crate::dto::{AliyunCard, AliyunForm};
use crate::error::AppError;
use crate::text;
use leptos::prelude::*;

#[component]
pub fn AliyunCardView(card: AliyunCard) -> AnyView {
    let enabled = RwSignal::new(card.enabled);
    let saved_enabled = RwSignal::new(card.enabled);
    let signature = RwSignal::new(card.signature);
    let key_id = RwSignal::new(card.access_key_id);
    let endpoint = RwSignal::new(card.endpoint);
    let secret = RwSignal::new(String::new());
    let has_secret = RwSignal::new(card.has_secret);
    let error = RwSignal::new(None::<AppError>);
    let save = ServerAction::<SaveAliyun>::new();
    let test = ServerAction::<TestAliyun>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(c)) => {
            saved_enabled.set(c.enabled);
            signature.set(c.signature);
            key_id.set(c.access_key_id);
            endpoint.set(c.endpoint);
            has_secret.set(c.has_secret);
            secret.set(String::new());
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let saved = Signal::derive(move || super::status_of(save.value().get(), |_| text::SAVED.to_owned()));
    let tested = Signal::derive(move || super::status_of(test.value().get(), |r| r.message));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = AliyunForm {
            enabled: enabled.get(),
            signature: signature.get(),
            access_key_id: key_id.get(),
            access_key_secret: secret.get(),
            endpoint: endpoint.get(),
        };
        save.dispatch(SaveAliyun { form });
    };
    view! {
        <section class="card vendor" id="aliyun-card">
        <form id="aliyun-form" on:submit=submit>
            <div class="card-head">
                <h2>"阿里云"</h2>
                <VendorSwitch enabled saved=saved_enabled/>
            </div>
            <Field name="signature" label="短信签名" value=signature error=error_for(error, "signature")
                placeholder="示例商城" help="阿里云控制台中审核通过的签名名称，不带【】"/>
            <Field name="access_key_id" label="AccessKeyId" value=key_id error=error_for(error, "access_key_id")
                placeholder="LTAI…" help="建议使用仅有短信权限（AliyunDysmsFullAccess）的 RAM 子账号"/>
            <SecretField name="access_key_secret" label="AccessKeySecret" value=secret
                error=error_for(error, "access_key_secret") is_set=has_secret.into()
                help="保存后加密存储，页面上不再显示"/>
            <Field name="endpoint" label="接口地址" value=endpoint error=error_for(error, "endpoint")
                placeholder="dysmsapi.aliyuncs.com" help="一般无需修改；留空即使用 dysmsapi.aliyuncs.com"/>
            <div class="actions">
                <button type="submit" id="aliyun-save" class="primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { text::SAVING } else { text::SAVE }}
                </button>
                <button type="button" id="aliyun-test" disabled=move || test.pending().get() || !has_secret.get()
                    on:click=move |_| { test.dispatch(TestAliyun {}); }>
                    {move || if test.pending().get() { text::TESTING } else { text::TEST_CONNECTION }}
                </button>
            </div>
            <Notice message=saved test_id="aliyun-saved"/>
            <Notice message=tested test_id="aliyun-test-result"/>
        </form>
        <super::aliyun_test_send::AliyunTestSend/>
        <super::callbacks::CallbackUrls vendor="aliyun"/>
        </section>
    }
    .into_any()
}

//! The 创蓝 card.

use crate::api::settings::{SaveChuanglan, TestChuanglan};
use crate::components::{error_for, Field, Notice, SecretField};
use crate::dto::{ChuanglanCard, ChuanglanForm};
use crate::error::AppError;
use crate::text;
use leptos::prelude::*;

#[component]
pub fn ChuanglanCardView(card: ChuanglanCard) -> impl IntoView {
    let enabled = RwSignal::new(card.enabled);
    let signature = RwSignal::new(card.signature);
    let account = RwSignal::new(card.account);
    let host = RwSignal::new(card.host);
    let password = RwSignal::new(String::new());
    let has_password = RwSignal::new(card.has_password);
    let error = RwSignal::new(None::<AppError>);
    let save = ServerAction::<SaveChuanglan>::new();
    let test = ServerAction::<TestChuanglan>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(c)) => {
            signature.set(c.signature);
            host.set(c.host);
            account.set(c.account);
            has_password.set(c.has_password);
            password.set(String::new());
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let saved = Signal::derive(move || super::status_of(save.value().get(), |_| text::SAVED.to_owned()));
    let tested = Signal::derive(move || super::status_of(test.value().get(), |r| r.message));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = ChuanglanForm {
            enabled: enabled.get(),
            signature: signature.get(),
            account: account.get(),
            host: host.get(),
            password: password.get(),
        };
        save.dispatch(SaveChuanglan { form });
    };
    view! {
        <form class="card vendor" id="chuanglan-card" on:submit=submit>
            <div class="card-head">
                <h2>"创蓝 253"</h2>
                <label class="switch">
                    <input type="checkbox" name="enabled" bind:checked=enabled/>
                    <span>{move || if enabled.get() { text::ENABLED } else { text::DISABLED }}</span>
                </label>
            </div>
            <Field name="signature" label="短信签名" value=signature error=error_for(error, "signature")
                placeholder="示例商城" help="已在创蓝后台报备通过的签名，可带或不带【】，发送时自动加在短信开头"/>
            <Field name="account" label="账号" value=account error=error_for(error, "account")
                placeholder="N1234567" help="创蓝后台“API 接口信息”中的 API 账号，不是网页登录账号"/>
            <SecretField name="password" label="密码" value=password error=error_for(error, "password")
                is_set=has_password.into() help="API 密码，保存后加密存储，页面上不再显示"/>
            <Field name="host" label="接口" value=host error=error_for(error, "host")
                placeholder="smssh1.253.com"
                help="只填域名，例如 smssh1.253.com（粘贴完整地址会自动取域名，默认使用 https）。系统根据短信内容是否含 {$var} 自动选择普通发送（send）或变量发送（variable）接口，无需分别填写。"/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { text::SAVING } else { text::SAVE }}
                </button>
                <button type="button" id="chuanglan-test" disabled=move || test.pending().get() || !has_password.get()
                    on:click=move |_| { test.dispatch(TestChuanglan {}); }>
                    {move || if test.pending().get() { text::TESTING } else { text::TEST_CONNECTION }}
                </button>
            </div>
            <Notice message=saved test_id="chuanglan-saved"/>
            <Notice message=tested test_id="chuanglan-test-result"/>
        </form>
    }
}

//! The 创蓝 card: credentials, 沙箱模式, 高级设置, 测试连接 and 发送测试短信.

use super::chuanglan_options::{OptionsFields, OptionsSignals};
use super::chuanglan_test_send::TestSendPanel;
use crate::api::chuanglan::{SaveChuanglan, SetChuanglanSandbox, TestChuanglan};
use crate::components::{error_for, Field, Notice, SecretField, VendorSwitch};
use crate::dto::{ChuanglanCard, ChuanglanForm};
use crate::error::AppError;
use crate::text;
use leptos::prelude::*;

#[component]
pub fn ChuanglanCardView(card: ChuanglanCard) -> AnyView {
    let enabled = RwSignal::new(card.enabled);
    let saved_enabled = RwSignal::new(card.enabled);
    let signature = RwSignal::new(card.signature);
    let account = RwSignal::new(card.account);
    let host = RwSignal::new(card.host);
    let password = RwSignal::new(String::new());
    let has_password = RwSignal::new(card.has_password);
    let sandbox = RwSignal::new(card.sandbox);
    let market_account = RwSignal::new(card.market_account.clone());
    let market_password = RwSignal::new(String::new());
    let has_market_password = RwSignal::new(card.has_market_password);
    let options = OptionsSignals::new(card.options);
    let error = RwSignal::new(None::<AppError>);
    let save = ServerAction::<SaveChuanglan>::new();
    let test = ServerAction::<TestChuanglan>::new();
    let switch = ServerAction::<SetChuanglanSandbox>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(c)) => {
            saved_enabled.set(c.enabled);
            signature.set(c.signature);
            host.set(c.host);
            account.set(c.account);
            has_password.set(c.has_password);
            market_account.set(c.market_account);
            has_market_password.set(c.has_market_password);
            market_password.set(String::new());
            options.set(c.options);
            password.set(String::new());
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(c)) = switch.value().get() {
            sandbox.set(c.sandbox);
        }
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
            market_account: market_account.get(),
            market_password: market_password.get(),
            options: Some(options.get()),
        };
        save.dispatch(SaveChuanglan { form });
    };
    let toggle_sandbox = move |ev: leptos::ev::Event| {
        switch.dispatch(SetChuanglanSandbox { on: event_target_checked(&ev) });
    };
    view! {
        <section class="card vendor" id="chuanglan-card">
            <form id="chuanglan-form" on:submit=submit>
                <div class="card-head">
                    <h2>"创蓝 253" <Show when=move || sandbox.get()><span class="badge sandbox">"沙箱"</span></Show></h2>
                    <VendorSwitch enabled saved=saved_enabled/>
                </div>
                <label class="switch sandbox-switch">
                    <input type="checkbox" name="sandbox" prop:checked=move || sandbox.get() on:change=toggle_sandbox/>
                    <span>"沙箱模式：测试连接和发送都进入内置模拟器，不会真正发出短信，也不需要创蓝账号"</span>
                </label>
                <Field name="signature" label="短信签名" value=signature error=error_for(error, "signature")
                    placeholder="示例商城" help="已在创蓝后台报备通过的签名，可带或不带【】，发送时自动加在短信开头"/>
                <p class="muted">"创蓝的通知（行业）短信和营销短信是两个不同的 API 账号：通知短信经通知账号发送，营销短信只经营销账号发送。至少填写一个。"</p>
                <Field name="account" label="通知账号" value=account error=error_for(error, "account")
                    placeholder="N1234567" help="创蓝后台“API 接口信息”中的通知/行业 API 账号，不是网页登录账号"/>
                <SecretField name="password" label="通知账号密码" value=password error=error_for(error, "password")
                    is_set=has_password.into() help="API 密码，保存后加密存储，页面上不再显示"/>
                <Field name="market_account" label="营销账号" value=market_account error=error_for(error, "market_account")
                    placeholder="M1234567" help="创蓝营销（会员营销）API 账号；营销短信须以“拒收请回复R”结尾，系统会检查。留空表示没有营销账号"/>
                <SecretField name="market_password" label="营销账号密码" value=market_password
                    error=error_for(error, "market_password") is_set=has_market_password.into()
                    help="营销账号的 API 密码，单独加密存储"/>
                <Field name="host" label="接口" value=host error=error_for(error, "host")
                    placeholder="smssh1.253.com"
                    help="只填域名，例如 smssh1.253.com（粘贴完整地址会自动取域名，默认使用 https）。系统根据短信内容是否含 {$var} 自动选择普通发送（send）或变量发送（variable）接口，无需分别填写。"/>
                <OptionsFields options error/>
                <div class="actions">
                    <button type="submit" id="chuanglan-save" class="primary" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { text::SAVING } else { text::SAVE }}
                    </button>
                    <button type="button" id="chuanglan-test"
                        disabled=move || test.pending().get() || !(has_password.get() || sandbox.get())
                        on:click=move |_| { test.dispatch(TestChuanglan {}); }>
                        {move || if test.pending().get() { text::TESTING } else { text::TEST_CONNECTION }}
                    </button>
                </div>
                <Notice message=saved test_id="chuanglan-saved"/>
                <Notice message=tested test_id="chuanglan-test-result"/>
            </form>
            <TestSendPanel sandbox=sandbox.into()/>
            <super::callbacks::CallbackUrls vendor="chuanglan"/>
        </section>
    }
    .into_any()
}

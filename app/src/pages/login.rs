//! 登录. Works as a plain form post before the WASM loads, and as a fetch after.

use crate::api::auth::Login;
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let failed = move || login.value().get().and_then(|r| r.err()).map(|e| e.to_string());
    Effect::new(move |_| {
        if matches!(login.value().get(), Some(Ok(_))) {
            super::go(super::HOME);
        }
    });
    view! {
        <Title text="登录 · 触达"/>
        <div class="login-wrap">
            <ActionForm action=login attr:class="card login">
                <h1>{text::PRODUCT}</h1>
                <p class="muted">"短信触达控制台"</p>
                <div class="field">
                    <label for="username">"用户名"</label>
                    <input id="username" name="username" autocomplete="username" required/>
                </div>
                <div class="field">
                    <label for="password">"密码"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required/>
                </div>
                <Show when=move || failed().is_some()>
                    <p class="notice err" role="alert" id="login-error">{failed}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { "登录中…" } else { "登录" }}
                </button>
                <p class="muted small">"首次启动时，管理员账号 admin 的初始密码打印在服务器日志中（或来自配置 CHUDA__AUTH__ADMIN_PASSWORD）。"</p>
            </ActionForm>
        </div>
    }
}

//! The navigation shell around every signed-in page.

use crate::api::auth::{current_account, Logout};
use crate::components::{Can, CurrentAccount};
use crate::dto::Role;
use crate::text;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

#[component]
pub fn Shell() -> impl IntoView {
    let account = Resource::new(|| (), |_| current_account());
    provide_context(CurrentAccount(account));
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if logout.value().get().is_some() {
            super::go("/login");
        }
    });
    view! {
        <header class="topbar">
            <span class="brand">{text::PRODUCT}</span>
            <nav>
                <A href="/users" exact=true>"用户"</A>
                <A href="/users/lookup">"用户细查"</A>
                <A href="/segments">"分群"</A>
                <A href="/campaigns">"活动"</A>
                <A href="/ledger">"发送记录"</A>
                <A href="/troubleshoot">"未收到排查"</A>
                <A href="/suppressions">"退订名单"</A>
                <A href="/settings/sms">{text::NAV_SMS_SETTINGS}</A>
                <Can needed=Role::Admin>
                    <A href="/admin/accounts">"账号管理"</A>
                    <A href="/admin/tokens">"API 令牌"</A>
                    <A href="/admin/audit">"审计日志"</A>
                </Can>
                <A href="/account">{text::NAV_ACCOUNT}</A>
            </nav>
            <span class="who">
                <Suspense fallback=|| ()>
                    {move || account.get().and_then(Result::ok).map(|m| format!("{}（{}）", m.username, m.role.label()))}
                </Suspense>
            </span>
            <button type="button" class="link" id="logout" on:click=move |_| { logout.dispatch(Logout {}); }>
                {text::LOGOUT}
            </button>
        </header>
        <main class="content">
            <Outlet/>
        </main>
    }
}

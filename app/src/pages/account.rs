//! 账号设置: change the signed-in operator's password.

use crate::api::auth::ChangePassword;
use crate::components::{error_for, Field, Notice};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let change = ServerAction::<ChangePassword>::new();
    let status = RwSignal::new(None::<Result<String, String>>);
    Effect::new(move |_| match change.value().get() {
        Some(Ok(())) => {
            error.set(None);
            for s in [current, new_password, confirm] {
                s.set(String::new());
            }
            status.set(Some(Ok("密码已修改，其他设备上的登录已退出".into())));
        }
        Some(Err(e)) => {
            status.set(Some(Err(super::error_text(&e))));
            error.set(Some(e));
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        change.dispatch(ChangePassword {
            current: current.get(),
            new_password: new_password.get(),
            confirm: confirm.get(),
        });
    };
    view! {
        <Title text="账号设置 · 触达"/>
        <h1>"账号设置"</h1>
        <form class="card narrow" on:submit=submit>
            <h2>"修改密码"</h2>
            <Field name="current" label="当前密码" value=current error=error_for(error, "current") input_type="password" autocomplete="current-password"/>
            <Field name="new_password" label="新密码" value=new_password error=error_for(error, "new_password") input_type="password" autocomplete="new-password" help="至少 10 个字符，不能全是数字"/>
            <Field name="confirm" label="再次输入新密码" value=confirm error=error_for(error, "confirm") input_type="password" autocomplete="new-password"/>
            <button type="submit" class="primary" disabled=move || change.pending().get()>"修改密码"</button>
            <Notice message=status.into() test_id="password-status"/>
        </form>
    }
}

//! 账号管理 (`/admin/accounts`): add accounts with a role, change roles, disable/enable and
//! reset passwords. The server refuses to leave no enabled admin and says so.

use crate::api::team::{list_accounts, CreateAccount, ResetAccountPassword, SetAccountDisabled, SetAccountRole};
use crate::components::{error_for, Field, Notice};
use crate::dto::team::{AccountRow, NewAccountForm};
use crate::error::AppError;
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountsPage() -> impl IntoView {
    let tick = RwSignal::new(0u64);
    let list = Resource::new(move || tick.get(), |_| list_accounts());
    let status = RwSignal::new(None::<Result<String, String>>);
    view! {
        <Title text="账号管理 · 触达"/>
        <h1>"账号管理"</h1>
        <p class="muted">"管理员：全部功能，含短信配置、账号、API 令牌和审计日志；运营：用户、分群、活动、发送和发送记录；只读：只能查看，手机号始终打码。"</p>
        <NewAccount tick status/>
        <Notice message=status.into() test_id="accounts-status"/>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(rows) => view! { <AccountTable rows tick status/> }.into_any(),
                    Err(e) => view! { <p class="notice err">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NewAccount(tick: RwSignal<u64>, status: RwSignal<Option<Result<String, String>>>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new("operator".to_owned());
    let error = RwSignal::new(None::<AppError>);
    let create = ServerAction::<CreateAccount>::new();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            status.set(Some(Ok(format!("已创建账号 {}", username.get_untracked()))));
            username.set(String::new());
            password.set(String::new());
            tick.update(|t| *t += 1);
        }
        Some(Err(e)) => {
            status.set(Some(Err(crate::pages::error_text(&e))));
            error.set(Some(e));
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = NewAccountForm { username: username.get(), role: role.get(), password: password.get() };
        create.dispatch(CreateAccount { form });
    };
    view! {
        <form class="card" id="new-account" on:submit=submit>
            <h2>"新建账号"</h2>
            <Field name="username" label="用户名" value=username error=error_for(error, "username") help="2–32 个字符：字母、数字和 . _ - @"/>
            <Field name="password" label="初始密码" value=password error=error_for(error, "password") input_type="password" autocomplete="new-password" help="至少 10 个字符；请通过安全渠道告知对方，并提醒登录后修改"/>
            <div class="field">
                <label for="f-role">"角色"</label>
                <select id="f-role" name="role" on:change=move |ev| role.set(event_target_value(&ev))>
                    {super::role_options()}
                </select>
            </div>
            <button type="submit" class="primary" disabled=move || create.pending().get()>"创建账号"</button>
        </form>
    }
}

#[component]
fn AccountTable(
    rows: Vec<AccountRow>,
    tick: RwSignal<u64>,
    status: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let set_role = ServerAction::<SetAccountRole>::new();
    let disable = ServerAction::<SetAccountDisabled>::new();
    let reset = ServerAction::<ResetAccountPassword>::new();
    let report = move |r: Option<Result<(), AppError>>, ok: &str| match r {
        Some(Ok(())) => {
            status.set(Some(Ok(ok.to_owned())));
            tick.update(|t| *t += 1);
        }
        Some(Err(e)) => {
            status.set(Some(Err(match e {
                AppError::Validation { errors } => errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("；"),
                other => other.to_string(),
            })));
            tick.update(|t| *t += 1);
        }
        None => {}
    };
    Effect::new(move |_| report(set_role.value().get(), "角色已修改"));
    Effect::new(move |_| report(disable.value().get(), "账号状态已修改，停用的账号已退出登录"));
    Effect::new(move |_| report(reset.value().get(), "密码已重置，该账号的登录已全部退出"));
    view! {
        <table class="grid card" id="accounts">
            <thead><tr>
                <th>"用户名"</th><th>"角色"</th><th>"状态"</th><th>"创建"</th><th>"最近登录"</th><th>"重置密码"</th><th></th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|a| {
                    let id = a.id;
                    let new_pw = RwSignal::new(String::new());
                    let current = a.role;
                    view! {
                        <tr data-account=a.username.clone()>
                            <td>{a.username.clone()}{a.is_me.then(|| view! { <span class="badge">"我"</span> })}</td>
                            <td>
                                <select class="role" on:change=move |ev| {
                                    set_role.dispatch(SetAccountRole { id, role: event_target_value(&ev) });
                                }>
                                    {crate::dto::Role::ALL.into_iter().map(|r| view! {
                                        <option value=r.as_str() selected=r == current>{r.label()}</option>
                                    }).collect_view()}
                                </select>
                            </td>
                            <td>{if a.disabled { view! { <span class="badge err">"已停用"</span> }.into_any() } else { view! { <span class="badge ok">"启用"</span> }.into_any() }}</td>
                            <td>{a.created}{(!a.created_by.is_empty()).then(|| format!("（{}）", a.created_by))}</td>
                            <td>{a.last_login}</td>
                            <td class="reset">
                                <input type="password" placeholder="新密码" autocomplete="new-password" bind:value=new_pw/>
                                <button type="button" class="link" on:click=move |_| {
                                    reset.dispatch(ResetAccountPassword { id, password: new_pw.get() });
                                    new_pw.set(String::new());
                                }>"重置"</button>
                            </td>
                            <td>
                                <button type="button" class="link toggle" on:click=move |_| {
                                    disable.dispatch(SetAccountDisabled { id, disabled: !a.disabled });
                                }>{if a.disabled { "启用" } else { "停用" }}</button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

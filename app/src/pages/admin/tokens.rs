//! API 令牌 (`/admin/tokens`): create a REST API token with a role (the full token is shown
//! once, right after creation), list tokens by their prefix, revoke them.

use crate::api::team::{list_tokens, CreateToken, RevokeToken};
use crate::components::{error_for, Field, Notice};
use crate::error::AppError;
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TokensPage() -> impl IntoView {
    let tick = RwSignal::new(0u64);
    let list = Resource::new(move || tick.get(), |_| list_tokens());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("operator".to_owned());
    let days = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let status = RwSignal::new(None::<Result<String, String>>);
    let created = RwSignal::new(None::<String>);
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(t)) => {
            error.set(None);
            status.set(None);
            created.set(Some(t.token));
            name.set(String::new());
            tick.update(|t| *t += 1);
        }
        Some(Err(e)) => {
            status.set(Some(Err(crate::pages::error_text(&e))));
            error.set(Some(e));
        }
        None => {}
    });
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => {
            status.set(Some(Ok("令牌已吊销，使用它的请求将被拒绝".into())));
            tick.update(|t| *t += 1);
        }
        Some(Err(e)) => status.set(Some(Err(e.to_string()))),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateToken { name: name.get(), role: role.get(), days: days.get().parse().ok() });
    };
    view! {
        <Title text="API 令牌 · 触达"/>
        <h1>"API 令牌"</h1>
        <p class="muted">
            "REST API 位于 /api/v1，请求头带 Authorization: Bearer <令牌>。接口文档："
            <a href="/api/v1/docs" target="_blank" rel="noopener">"/api/v1/docs"</a>
            "（OpenAPI：" <a href="/api/v1/openapi.json">"/api/v1/openapi.json"</a> "）"
        </p>
        <form class="card" id="new-token" on:submit=submit>
            <h2>"创建令牌"</h2>
            <Field name="name" label="名称" value=name error=error_for(error, "name") help="用途，例如“CRM 同步”"/>
            <div class="field">
                <label for="f-token-role">"角色"</label>
                <select id="f-token-role" on:change=move |ev| role.set(event_target_value(&ev))>{super::role_options()}</select>
            </div>
            <div class="field">
                <label for="f-token-days">"有效期"</label>
                <select id="f-token-days" on:change=move |ev| days.set(event_target_value(&ev))>
                    <option value="">"永不过期"</option>
                    <option value="30">"30 天"</option>
                    <option value="90">"90 天"</option>
                    <option value="365">"1 年"</option>
                </select>
                <p class="help">"创建令牌的管理员被停用后，其创建的令牌随即失效；重新启用后恢复。"</p>
            </div>
            <button type="submit" class="primary" disabled=move || create.pending().get()>"创建令牌"</button>
            {move || created.get().map(|t| view! {
                <div class="notice ok" id="new-token-value">
                    <p>"令牌只显示这一次，请立即复制保存："</p>
                    <p><code>{t}</code></p>
                </div>
            })}
        </form>
        <Notice message=status.into() test_id="tokens-status"/>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(rows) if rows.is_empty() => view! { <p class="card muted">"还没有令牌。"</p> }.into_any(),
                    Ok(rows) => view! {
                        <table class="grid card" id="tokens">
                            <thead><tr><th>"名称"</th><th>"角色"</th><th>"前缀"</th><th>"创建"</th><th>"最近使用"</th><th>"有效期"</th><th>"状态"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|t| {
                                    let id = t.id;
                                    let key = t.name.clone();
                                    view! {
                                        <tr data-token=key>
                                            <td>{t.name}</td>
                                            <td>{t.role.label()}</td>
                                            <td><code>{t.prefix}"…"</code></td>
                                            <td>{t.created}"（"{t.created_by}"）"</td>
                                            <td>{t.last_used}</td>
                                            <td>{t.expires}</td>
                                            <td>{(!t.inactive.is_empty()).then(|| view! { <span class="badge warn">{t.inactive}</span>" " })}
                                            {if t.revoked.is_empty() {
                                                view! { <button type="button" class="link revoke" on:click=move |_| { revoke.dispatch(RevokeToken { id }); }>"吊销"</button> }.into_any()
                                            } else {
                                                view! { <span class="badge err">"已吊销 "{t.revoked}</span> }.into_any()
                                            }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="notice err">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

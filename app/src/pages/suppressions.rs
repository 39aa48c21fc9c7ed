//! 退订名单 (route `/suppressions`): phones that replied R/退订 or were added by an operator.
//! Search by full phone or last digits, add (one or a pasted list, with a reason), remove
//! (full phone and reason), CSV export. Phones are shown masked.

use crate::api::compliance::{list_suppressions, AddSuppressions, RemoveSuppression};
use crate::components::{error_for, Can, Field, Notice, TextArea};
use crate::dto::Role;
use crate::error::AppError;
use crate::pages::error_text;
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SuppressionsPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let after = RwSignal::new(None::<String>);
    let add = ServerAction::<AddSuppressions>::new();
    let remove = ServerAction::<RemoveSuppression>::new();
    let list = Resource::new(
        move || (query.get(), after.get(), add.version().get(), remove.version().get()),
        |(q, a, _, _)| list_suppressions(q, a),
    );
    view! {
        <Title text="退订名单 · 触达"/>
        <div class="page-head">
            <h1>"退订名单"</h1>
            <a class="button" href="/api/suppressions.csv" id="suppressions-export" rel="external">"导出 CSV"</a>
        </div>
        <p class="muted">"回复 R、T、TD、N、退订、拒收（或以“退订”开头）的号码会自动加入。名单中的号码不会再收到任何活动、任何服务商的营销短信。"</p>
        <form class="card inline" id="suppression-search" on:submit=move |ev| { ev.prevent_default(); after.set(None); query.set(search.get()); }>
            <input aria-label="搜索号码" placeholder="完整号码或后几位" bind:value=search id="f-suppression-search"/>
            <button type="submit">"搜索"</button>
        </form>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(page) => view! {
                        <p data-testid="suppression-total">{format!("共 {} 个号码", page.total)}</p>
                        <table class="grid" id="suppression-list">
                            <thead><tr><th>"号码"</th><th>"来源"</th><th>"说明"</th><th>"操作人"</th><th>"时间"</th></tr></thead>
                            <tbody>
                                {page.rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td>{r.phone_masked}</td>
                                        <td>{r.source}{(!r.vendor.is_empty()).then(|| format!("（{}）", r.vendor))}</td>
                                        <td>{r.detail}</td>
                                        <td>{r.created_by}</td>
                                        <td>{r.created_at}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        {page.next.map(|n| view! { <button id="suppression-more" on:click=move |_| after.set(Some(n.clone()))>"下一页"</button> })}
                    }.into_any(),
                    Err(e) => view! { <p class="notice err">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
        <Can needed=Role::Operator>
            <AddForm add/>
            <RemoveForm remove/>
        </Can>
    }
}

#[component]
fn AddForm(add: ServerAction<AddSuppressions>) -> impl IntoView {
    let phones = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let status = Signal::derive(move || {
        add.value().get().map(|r| match r {
            Ok(a) => {
                let bad = if a.invalid.is_empty() {
                    String::new()
                } else {
                    format!("；无效 {} 个：{}", a.invalid.len(), a.invalid.join("、"))
                };
                Ok(format!("已加入 {} 个，已在名单中 {} 个{bad}", a.added, a.already))
            }
            Err(e) => Err(error_text(&e)),
        })
    });
    Effect::new(move |_| error.set(add.value().get().and_then(Result::err)));
    view! {
        <form class="card" id="suppression-add" on:submit=move |ev| {
            ev.prevent_default();
            add.dispatch(AddSuppressions { phones: phones.get(), reason: reason.get() });
        }>
            <h2>"加入退订名单"</h2>
            <TextArea name="phones" label="手机号" value=phones error=error_for(error, "phones")
                help="一个号码，或粘贴多行 CSV（每行第一列为手机号）"/>
            <Field name="reason" label="原因" value=reason error=error_for(error, "reason") placeholder="用户来电要求退订"/>
            <button type="submit" class="primary" id="suppression-add-submit">"加入"</button>
            <Notice message=status test_id="suppression-add-status"/>
        </form>
    }
}

#[component]
fn RemoveForm(remove: ServerAction<RemoveSuppression>) -> impl IntoView {
    let phone = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| error.set(remove.value().get().and_then(Result::err)));
    let status = Signal::derive(move || {
        remove.value().get().map(|r| r.map(|_| "已移出退订名单".to_owned()).map_err(|e| error_text(&e)))
    });
    view! {
        <form class="card" id="suppression-remove" on:submit=move |ev| {
            ev.prevent_default();
            remove.dispatch(RemoveSuppression { phone: phone.get(), reason: reason.get() });
        }>
            <h2>"移出退订名单"</h2>
            <p class="muted">"只有用户本人重新明确同意接收营销短信后才应移出。操作会记入审计日志。"</p>
            <Field name="remove_phone" label="完整手机号" value=phone error=error_for(error, "remove_phone")/>
            <Field name="remove_reason" label="原因" value=reason error=error_for(error, "remove_reason")
                placeholder="用户书面重新同意接收"/>
            <button type="submit" id="suppression-remove-submit">"移出"</button>
            <Notice message=status test_id="suppression-remove-status"/>
        </form>
    }
}

//! 手机号属性: which user attribute holds the mobile number.

use crate::api::settings::SavePhoneAttribute;
use crate::components::{error_for, Notice};
use crate::error::AppError;
use crate::text;
use leptos::prelude::*;

#[component]
pub fn PhoneAttributeCard(current: String, choices: Vec<String>) -> AnyView {
    let value = RwSignal::new(current);
    let error = RwSignal::new(None::<AppError>);
    let save = ServerAction::<SavePhoneAttribute>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(name)) => {
            value.set(name);
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let status = Signal::derive(move || super::status_of(save.value().get(), |n| format!("{}：{n}", text::SAVED)));
    let field_error = error_for(error, "phone_attribute");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SavePhoneAttribute { name: value.get() });
    };
    view! {
        <form class="card" id="phone-card" on:submit=submit>
            <h2>"手机号属性"</h2>
            <p class="muted">"选择保存用户手机号的属性。发送短信时，系统从该属性读取号码。"</p>
            <div class="field inline" class:invalid=move || field_error.get().is_some()>
                <label for="f-phone_attribute">"属性名"</label>
                <input id="f-phone_attribute" name="phone_attribute" list="attr-choices" bind:value=value autocomplete="off"/>
                <datalist id="attr-choices">
                    {choices.into_iter().map(|c| view! { <option value=c/> }).collect_view()}
                </datalist>
                <button type="submit" class="primary" disabled=move || save.pending().get()>{text::SAVE}</button>
            </div>
            <Show when=move || field_error.get().is_some()>
                <p class="field-error" data-field="phone_attribute">{move || field_error.get().unwrap_or_default()}</p>
            </Show>
            <p class="field-help">"尚未导入用户时可选 phone，也可以直接输入属性名。"</p>
            <Notice message=status test_id="phone-status"/>
        </form>
    }
    .into_any()
}

//! A labelled form field with help text and its error shown beside it. The typed value lives in
//! a signal owned by the form, so an error never clears what the operator typed.

use crate::error::AppError;
use crate::text;
use leptos::prelude::*;

/// The message for `field` in the form's last error, as a signal.
pub fn error_for(error: RwSignal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_message(field))))
}

#[component]
pub fn Field(
    /// Stable field name: the input's `name` and the key of its errors.
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    #[prop(optional)] help: &'static str,
    #[prop(optional)] placeholder: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
) -> impl IntoView {
    let id = format!("f-{name}");
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=input_type
                placeholder=placeholder
                autocomplete=autocomplete
                bind:value=value
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
            />
            <Show when=move || error.get().is_some()>
                <p class="field-error" data-field=name>{move || error.get().unwrap_or_default()}</p>
            </Show>
            <Show when=move || !help.is_empty()>
                <p class="field-help">{help}</p>
            </Show>
        </div>
    }
}

/// A write-only secret: once stored it shows 已设置 with 替换; the value is never sent back.
#[component]
pub fn SecretField(
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    /// Whether a value is stored on the server.
    is_set: Signal<bool>,
    #[prop(optional)] help: &'static str,
) -> impl IntoView {
    let replacing = RwSignal::new(false);
    let editing = move || !is_set.get() || replacing.get() || error.get().is_some();
    let cancel = move |_| {
        replacing.set(false);
        value.set(String::new());
    };
    view! {
        <Show
            when=editing
            fallback=move || view! {
                <div class="field secret-set">
                    <span class="label">{label}</span>
                    <span class="badge ok" data-secret=name>{text::SECRET_SET}</span>
                    <button type="button" class="link" data-replace=name on:click=move |_| replacing.set(true)>
                        {text::REPLACE}
                    </button>
                </div>
            }
        >
            <Field name label value error help input_type="password" autocomplete="new-password"/>
            <Show when=move || is_set.get()>
                <button type="button" class="link" on:click=cancel>{text::CANCEL}</button>
            </Show>
        </Show>
    }
}

/// A multi-line field with the same error and help layout as [`Field`].
#[component]
pub fn TextArea(
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    help: &'static str,
) -> AnyView {
    let id = format!("f-{name}");
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea id=id name=name rows="2" prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))></textarea>
            <Show when=move || error.get().is_some()>
                <p class="field-error" data-field=name>{move || error.get().unwrap_or_default()}</p>
            </Show>
            <p class="field-help">{help}</p>
        </div>
    }
    .into_any()
}

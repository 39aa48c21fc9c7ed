//! Choice controls: a segmented control (one of a few options, each label on its own button)
//! and the on/off switch of a vendor card with the saved state beside it.

use leptos::prelude::*;

/// One option of a `Segmented`: value, label and the tooltip that explains it.
pub type Segment = (&'static str, &'static str, &'static str);

/// Radio inputs drawn as one segmented button group: each label is the button itself, so a
/// choice can never sit apart from its text. Inputs are `#f-{name}-{value}`; `disabled` names
/// an option that cannot be picked now.
#[component]
pub fn Segmented(
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    options: Vec<Segment>,
    #[prop(into, default = Signal::derive(|| None))] disabled: Signal<Option<&'static str>>,
) -> impl IntoView {
    let buttons = options
        .into_iter()
        .map(|(v, text, help)| {
            let off = move || disabled.get() == Some(v);
            view! {
                <label class="segment" class:active=move || value.get() == v class:disabled=off title=help>
                    <input type="radio" name=name value=v id=format!("f-{name}-{v}") disabled=off
                        prop:checked=move || value.get() == v on:change=move |_| value.set(v.into())/>
                    <span>{text}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <span class="label">{label}</span>
            <div class="segmented" id=format!("f-{name}") role="radiogroup" aria-label=label>{buttons}</div>
        </div>
    }
}

/// A vendor card's 开通 switch: the saved state as a badge (已开通 / 已停用) and an explicit
/// switch; a change not saved yet says so.
#[component]
pub fn VendorSwitch(enabled: RwSignal<bool>, saved: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="vendor-state">
            <span class="badge vendor-status" class:on=move || saved.get()>
                {move || if saved.get() { crate::text::ENABLED } else { crate::text::DISABLED }}
            </span>
            <label class="switch">
                <input type="checkbox" class="toggle" role="switch" name="enabled" bind:checked=enabled
                    aria-checked=move || if enabled.get() { "true" } else { "false" }/>
                <span>{move || match (enabled.get(), saved.get()) {
                    (true, false) => "启用（保存后开通）",
                    (false, true) => "启用（保存后停用）",
                    _ => "启用",
                }}</span>
            </label>
        </div>
    }
}

//! 定时发送: a date-time picker in Beijing time. Past times are refused as they are picked
//! (the server checks again when the campaign is saved and when it starts).

use leptos::prelude::*;

/// `value` is `yyyy-MM-ddTHH:mm` (Beijing) or empty; `now` is the server's Beijing time when
/// the page was built, in the same form, the earliest time the picker offers.
#[component]
pub fn ScheduleField(value: RwSignal<String>, now: String, error: Signal<Option<String>>) -> impl IntoView {
    let min = now.clone();
    let past = move || {
        let v = value.get();
        (!v.trim().is_empty() && v.as_str() < now.as_str()).then(|| {
            format!("定时时间 {} 已过：请选择晚于现在（北京时间 {}）的时间", v.replace('T', " "), now.replace('T', " "))
        })
    };
    let shown = Signal::derive(move || error.get().or_else(&past));
    view! {
        <div class="field" class:invalid=move || shown.get().is_some()>
            <label for="f-schedule">"定时发送（北京时间，可选）"</label>
            <div class="inline schedule">
                <input id="f-schedule" name="schedule" type="datetime-local" step="60" min=min bind:value=value
                    aria-invalid=move || if shown.get().is_some() { "true" } else { "false" }/>
                <Show when=move || !value.get().is_empty()>
                    <button type="button" class="link" id="schedule-clear" on:click=move |_| value.set(String::new())>
                        "清除"
                    </button>
                </Show>
            </div>
            <Show when=move || shown.get().is_some()>
                <p class="field-error" data-field="schedule">{move || shown.get().unwrap_or_default()}</p>
            </Show>
            <p class="field-help">"按北京时间（UTC+8）理解，与浏览器所在时区无关；留空则保存为草稿或立即发送"</p>
        </div>
    }
}

//! The import upload with a progress bar: with WASM loaded, the form is sent by
//! `XMLHttpRequest` so upload progress can be shown, then the page moves to the result.
//! Without WASM the form posts natively to the same route and the server redirects.

use leptos::prelude::*;

/// Sends the form that fired `ev`; `progress` gets (bytes sent, total), `failure` a reason.
pub fn start(
    ev: leptos::ev::SubmitEvent,
    progress: RwSignal<Option<(f64, f64)>>,
    failure: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
) {
    #[cfg(feature = "hydrate")]
    {
        ev.prevent_default();
        if let Err(e) = send(&ev, progress, failure, busy) {
            busy.set(false);
            failure.set(Some(format!("无法开始上传：{e}")));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, progress, failure, busy);
}

#[cfg(feature = "hydrate")]
fn send(
    ev: &leptos::ev::SubmitEvent,
    progress: RwSignal<Option<(f64, f64)>>,
    failure: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
) -> Result<(), String> {
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::JsCast;
    let err = |e: leptos::wasm_bindgen::JsValue| format!("{e:?}");
    let form: web_sys::HtmlFormElement = event_target(ev);
    let data = web_sys::FormData::new_with_form(&form).map_err(err)?;
    let xhr = web_sys::XmlHttpRequest::new().map_err(err)?;
    xhr.open("POST", "/api/users/import").map_err(err)?;
    xhr.set_request_header("Accept", "application/json").map_err(err)?;
    let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
        progress.set(Some((e.loaded(), e.total())));
    });
    xhr.upload().map_err(err)?.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    on_progress.forget();
    let done_xhr = xhr.clone();
    let on_done = Closure::<dyn FnMut()>::new(move || {
        busy.set(false);
        let body = done_xhr.response_text().ok().flatten().unwrap_or_default();
        match import_id(&body) {
            Some(id) => super::super::go(&format!("/users?import={id}")),
            None => {
                progress.set(None);
                failure.set(Some(error_message(done_xhr.status().unwrap_or(0), &body)));
            }
        }
    });
    xhr.set_onloadend(Some(on_done.as_ref().unchecked_ref()));
    on_done.forget();
    xhr.send_with_opt_form_data(Some(&data)).map_err(err)
}

/// `"import_id":N` from the JSON answer (summary on success, `{import_id, error}` on failure).
#[cfg(feature = "hydrate")]
fn import_id(body: &str) -> Option<i64> {
    let rest = body.split("\"import_id\":").nth(1)?;
    rest.trim_start().split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

#[cfg(feature = "hydrate")]
fn error_message(status: u16, body: &str) -> String {
    let error = body.split("\"error\":\"").nth(1).and_then(|r| r.split('"').next()).map(str::to_owned);
    match (status, error) {
        (0, _) => "上传中断，请检查网络后重试".into(),
        (401, _) => "登录已过期，请重新登录".into(),
        (_, Some(e)) => e,
        (_, None) if !body.is_empty() && body.len() < 200 => body.to_owned(),
        (s, None) => format!("上传失败（HTTP {s}）"),
    }
}

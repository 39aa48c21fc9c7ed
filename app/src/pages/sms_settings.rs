//! 短信配置 (route `/settings/sms`): the phone attribute and the vendor cards.

mod aliyun;
mod aliyun_test_send;
mod callbacks;
mod chuanglan;
mod chuanglan_options;
mod chuanglan_test_send;
mod phone;

use crate::api::settings::get_sms_settings;
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SmsSettingsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_sms_settings());
    view! {
        <Title text="短信配置 · 触达"/>
        <h1>"短信配置"</h1>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => view! {
                        <phone::PhoneAttributeCard current=s.phone_attribute choices=s.attribute_choices/>
                        <div class="vendor-grid">
                            <chuanglan::ChuanglanCardView card=s.chuanglan/>
                            <aliyun::AliyunCardView card=s.aliyun/>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="notice err">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Maps the last action result to a status line.
fn status_of<T>(
    result: Option<Result<T, crate::error::AppError>>,
    ok: impl FnOnce(T) -> String,
) -> Option<Result<String, String>> {
    result.map(|r| r.map(ok).map_err(|e| super::error_text(&e)))
}

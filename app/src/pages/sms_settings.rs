//! 短信配置 (route `/settings/sms`): the phone attribute and the vendor cards.

mod aliyun;
mod aliyun_test_send;
mod callbacks;
mod chuanglan;
mod chuanglan_options;
mod chuanglan_test_send;
mod compliance;
mod first_run;
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
        <first_run::FirstRunGuide/>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) if !s.editable => summary(&s),
                    Ok(s) => view! {
                        <phone::PhoneAttributeCard current=s.phone_attribute choices=s.attribute_choices/>
                        <div class="vendor-grid">
                            <chuanglan::ChuanglanCardView card=s.chuanglan/>
                            <aliyun::AliyunCardView card=s.aliyun/>
                        </div>
                        <compliance::ComplianceCard/>
                    }.into_any(),
                    Err(e) => view! { <p class="notice err">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What non-admins see: the configuration in words, without any form.
fn summary(s: &crate::dto::SmsSettings) -> AnyView {
    let state = |on: bool| if on { "已开通" } else { "未开通" };
    let cl = &s.chuanglan;
    let cl_line = if cl.sandbox {
        "沙箱模式（发送到内置模拟器）".to_owned()
    } else {
        format!("{}，签名【{}】", state(cl.enabled && cl.has_password), cl.signature)
    };
    let ali = &s.aliyun;
    let ali_line = format!("{}，签名【{}】", state(ali.enabled && ali.has_secret), ali.signature);
    view! {
        <div class="card" id="sms-settings-readonly">
            <p class="notice err">"只有管理员可以修改短信配置。"</p>
            <p>"手机号属性：" <code>{s.phone_attribute.clone()}</code></p>
            <p>"创蓝 253：" {cl_line}</p>
            <p>"阿里云：" {ali_line}</p>
        </div>
    }
    .into_any()
}

/// Maps the last action result to a status line.
fn status_of<T>(
    result: Option<Result<T, crate::error::AppError>>,
    ok: impl FnOnce(T) -> String,
) -> Option<Result<String, String>> {
    result.map(|r| r.map(ok).map_err(|e| super::error_text(&e)))
}

//! 开始使用: the first-run checklist at the top of the home page. Each step is ticked from
//! real state (server side, `engine::onboarding`), links to where it is done, and the list can
//! be hidden per account.

use crate::api::onboarding::{load_onboarding, DismissOnboarding};
use crate::dto::Onboarding;
use leptos::prelude::*;

/// (key, title, link, how)
const STEPS: [(&str, &str, &str, &str); 5] = [
    ("phone_attribute", "设置手机号属性", "#phone-card", "选择哪个用户属性存放手机号（默认 phone）"),
    ("vendor", "配置服务商或开启沙箱", "#chuanglan-card", "填写创蓝或阿里云并开通；没有账号时打开创蓝卡片上的沙箱模式"),
    ("users", "导入用户", "/users", "上传 CSV；可先用下方的示例文件"),
    ("segment", "建分群", "/segments/new", "例如“城市 属于 上海”"),
    ("campaign", "发一个沙箱活动", "/campaigns/new", "选择分群和创蓝，立即发送，在活动页看到送达统计"),
];

fn done(o: &Onboarding, key: &str) -> bool {
    match key {
        "phone_attribute" => o.phone_attribute,
        "vendor" => o.vendor,
        "users" => o.users,
        "segment" => o.segment,
        _ => o.campaign,
    }
}

#[component]
pub fn FirstRunGuide() -> impl IntoView {
    let status = Resource::new(|| (), |_| load_onboarding());
    let hidden = RwSignal::new(false);
    let dismiss = ServerAction::<DismissOnboarding>::new();
    let hide = move |_| {
        hidden.set(true);
        dismiss.dispatch(DismissOnboarding { dismissed: true });
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(o) = status.await else { return ().into_any() };
                if o.dismissed {
                    return ().into_any();
                }
                let count = STEPS.iter().filter(|(k, ..)| done(&o, k)).count();
                let items = STEPS.iter().map(|&(key, title, href, how)| {
                    let ok = done(&o, key);
                    view! {
                        <li data-step=key class:done=ok>
                            <span class="tick" aria-label=if ok { "已完成" } else { "未完成" }>{if ok { "✓" } else { "" }}</span>
                            <a href=href>{title}</a>
                            <span class="muted">{how}</span>
                            {(key == "users").then(|| view! {
                                <a class="sample" id="sample-csv" href="/api/sample-users.csv" download="chuda-sample-users.csv">
                                    "下载示例 CSV（1,000 个虚构用户，138 测试号段）"
                                </a>
                            })}
                        </li>
                    }
                }).collect_view();
                view! {
                    <section class="card first-run" id="first-run" class:hidden=move || hidden.get()>
                        <div class="card-head">
                            <h2>"开始使用"</h2>
                            <span class="muted" id="first-run-progress">{format!("已完成 {count}/5")}</span>
                            <button type="button" class="link" id="first-run-dismiss" on:click=hide>"隐藏引导"</button>
                        </div>
                        {(count == STEPS.len()).then(|| view! {
                            <p class="notice ok" id="first-run-complete">"全部完成：触达已可以正式使用。关闭沙箱模式、填写真实账号后即可向用户发送。"</p>
                        })}
                        <ol class="steps">{items}</ol>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

//! The callback URLs on the vendor cards: what to give the vendor so that status reports
//! (回执) and replies (上行) are pushed to this console.

use crate::api::settings::callback_urls;
use leptos::prelude::*;

#[component]
pub fn CallbackUrls(vendor: &'static str) -> impl IntoView {
    let urls = Resource::new(|| (), |_| callback_urls());
    view! {
        <details class="advanced callbacks" id=format!("{vendor}-callbacks")>
            <summary>"回执推送地址"</summary>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    urls.await.ok().map(|u| if vendor == "chuanglan" {
                        view! {
                            <p class="muted">"请创蓝在后台为本账号配置以下推送地址（状态报告为 GET，回复 OK 表示已收到）。未配置推送时，系统每隔一段时间主动拉取回执。"</p>
                            <p>"状态报告："<code data-testid="callback-report">{u.chuanglan_report}</code></p>
                            <p>"上行回复："<code>{u.chuanglan_mo}</code></p>
                            <p class="muted">"地址中含有本系统的随机令牌，请勿公开；若服务器对外地址不同，请把主机部分换成对外地址（需 HTTPS 时由反向代理提供）。"</p>
                        }.into_any()
                    } else {
                        view! {
                            <p class="muted">"在阿里云短信控制台“通用设置 → HTTP 批量推送”中填写以下 SmsReport（状态报告）和 SmsUp（上行回复）地址。"</p>
                            <p>"状态报告："<code data-testid="callback-aliyun">{u.aliyun_report}</code></p>
                            <p>"上行回复："<code data-testid="callback-aliyun-mo">{u.aliyun_mo}</code></p>
                        }.into_any()
                    })
                })}
            </Suspense>
        </details>
    }
}

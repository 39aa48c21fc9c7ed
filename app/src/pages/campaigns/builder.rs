//! 新建活动: segment, vendor, signature, content (自定义内容 with `{$var}` or a template id),
//! one binding per variable with a fallback or skip, schedule; 检查模板并预览 shows the
//! template note, the reconciliation and sample messages before anything is sent.

use super::compliance::{ContentChecks, KindPicker, WindowFields};
use super::schedule::ScheduleField;
use crate::api::campaigns::{load_builder_options, preview_campaign, test_send_campaign, CreateCampaign};
use crate::components::{error_for, Field, Notice, Segmented, TextArea};
use crate::dto::campaign::{BindingForm, BuilderOptions, CampaignForm, PreviewView};
use crate::error::AppError;
use crate::pages::{error_text, go};
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CampaignBuilderPage() -> impl IntoView {
    let options = Resource::new(|| (), |_| load_builder_options());
    view! {
        <Title text="新建活动 · 触达"/>
        <p><a href="/campaigns">"← 全部活动"</a></p>
        <h1>"新建活动"</h1>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(o) if o.vendors.is_empty() => view! {
                        <p class="notice err" id="no-vendor">"没有可用的短信服务商：请先在"<a href="/settings/sms">"短信配置"</a>"开通创蓝或阿里云，或打开沙箱模式。"</p>
                    }.into_any(),
                    Ok(o) => view! { <Builder options=o/> }.into_any(),
                    Err(e) => view! { <p class="notice err">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[derive(Clone, Copy)]
struct BindingRow {
    attribute: RwSignal<String>,
    fallback: RwSignal<String>,
    skip: RwSignal<bool>,
}

#[component]
fn Builder(options: BuilderOptions) -> AnyView {
    let first_vendor = options.vendors.first().cloned();
    let name = RwSignal::new(String::new());
    let segment = RwSignal::new(options.segments.first().map(|s| s.0.to_string()).unwrap_or_default());
    let vendor = RwSignal::new(first_vendor.as_ref().map(|v| v.id.clone()).unwrap_or_default());
    let signature = RwSignal::new(first_vendor.as_ref().map(|v| v.signature.clone()).unwrap_or_default());
    let mode = RwSignal::new(if vendor.get_untracked() == "aliyun" { "template" } else { "text" }.to_owned());
    let content = RwSignal::new(String::new());
    let template_id = RwSignal::new(String::new());
    let template_params = RwSignal::new(String::new());
    let schedule = RwSignal::new(String::new());
    let kind = RwSignal::new("marketing".to_owned());
    let window_start = RwSignal::new(String::new());
    let window_end = RwSignal::new(String::new());
    let bindings = RwSignal::new(Vec::<BindingRow>::new());
    let slots = Memo::new(move |_| {
        if mode.get() == "template" {
            template_params.get().split([',', '，']).filter(|p| !p.trim().is_empty()).count()
        } else {
            types::sms::slot_count(&content.get())
        }
    });
    Effect::new(move |_| {
        let n = slots.get();
        bindings.update(|b| {
            b.truncate(n);
            while b.len() < n {
                b.push(BindingRow {
                    attribute: RwSignal::new(String::new()),
                    fallback: RwSignal::new(String::new()),
                    skip: RwSignal::new(false),
                });
            }
        });
    });
    let vendors = StoredValue::new(options.vendors.clone());
    let form = move || CampaignForm {
        name: name.get(),
        segment_id: segment.get().parse().ok(),
        vendor: vendor.get(),
        signature: signature.get(),
        mode: mode.get(),
        content: content.get(),
        template_id: template_id.get(),
        template_params: template_params.get(),
        bindings: bindings
            .get()
            .iter()
            .map(|b| BindingForm { attribute: b.attribute.get(), fallback: b.fallback.get(), skip: b.skip.get() })
            .collect(),
        schedule: schedule.get(),
        kind: kind.get(),
        window_start: window_start.get(),
        window_end: window_end.get(),
    };
    let error = RwSignal::new(None::<AppError>);
    let preview = Action::new(move |f: &CampaignForm| {
        let f = f.clone();
        async move { preview_campaign(f).await }
    });
    let preview_result = RwSignal::new(None::<PreviewView>);
    Effect::new(move |_| match preview.value().get() {
        Some(Ok(p)) => {
            error.set(None);
            preview_result.set(Some(p));
        }
        Some(Err(e)) => {
            preview_result.set(None);
            error.set(Some(e));
        }
        None => {}
    });
    let create = ServerAction::<CreateCampaign>::new();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(id)) => go(&format!("/campaigns/{id}")),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let key = StoredValue::new(String::new());
    let submit = move |start_now: bool| {
        if key.get_value().is_empty() {
            key.set_value(super::new_key());
        }
        create.dispatch(CreateCampaign { form: form(), start_now, key: key.get_value() });
    };
    let status = Signal::derive(move || error.get().map(|e| Err(error_text(&e))));
    let attrs = StoredValue::new(options.attributes.clone());
    let test_phones = RwSignal::new(String::new());
    let test = Action::new(move |(f, phones): &(CampaignForm, String)| {
        let (f, phones) = (f.clone(), phones.clone());
        async move { test_send_campaign(f, phones).await }
    });
    let test_status = Signal::derive(move || {
        test.value().get().map(|r| match r {
            Ok(t) => Ok(format!(
                "{}已发送到 {}，msgId {}（接口 {}）{}",
                if t.sandbox { "（沙箱）" } else { "" },
                t.sent_to.join("、"),
                t.msg_id,
                t.endpoint,
                if t.invalid.is_empty() {
                    String::new()
                } else {
                    format!(
                        "；未发送：{}",
                        t.invalid.iter().map(|p| format!("{}（{}）", p.input, p.reason)).collect::<Vec<_>>().join("、")
                    )
                }
            )),
            Err(e) => Err(e
                .field_message("test_phones")
                .or_else(|| e.field_message("bindings"))
                .unwrap_or_else(|| error_text(&e))),
        })
    });
    view! {
        <form class="card" id="campaign-form" on:submit=move |ev| { ev.prevent_default(); preview.dispatch(form()); }>
            <Field name="name" label="活动名称" value=name error=error_for(error, "name")/>
            <div class="field" class:invalid=move || error_for(error, "segment").get().is_some()>
                <label for="f-segment">"分群"</label>
                <select id="f-segment" on:change=move |ev| segment.set(event_target_value(&ev))>
                    {options.segments.iter().map(|(id, n, count)| {
                        let label = match count { Some(c) => format!("{n}（{c} 人）"), None => n.clone() };
                        let v = id.to_string();
                        view! { <option value=v.clone() selected=move || segment.get() == v>{label}</option> }
                    }).collect_view()}
                </select>
                {move || error_for(error, "segment").get().map(|m| view! { <p class="field-error" data-field="segment">{m}</p> })}
            </div>
            <div class="field">
                <label for="f-vendor">"短信服务商"</label>
                <select id="f-vendor" on:change=move |ev| {
                    let id = event_target_value(&ev);
                    if let Some(v) = vendors.read_value().iter().find(|v| v.id == id) {
                        signature.set(v.signature.clone());
                    }
                    if id == "aliyun" { mode.set("template".into()); }
                    vendor.set(id);
                }>
                    {options.vendors.iter().map(|v| {
                        let id = v.id.clone();
                        view! { <option value=v.id.clone() selected=move || vendor.get() == id>{v.label.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <KindPicker kind/>
            <Field name="signature" label="短信签名" value=signature error=error_for(error, "signature") help="默认取自短信配置，可在本活动中修改"/>
            <Segmented name="mode" label="内容来源" value=mode options=vec![
                ("text", "自定义内容", "直接填写短信内容，可用 {$var} 变量（阿里云只支持模板）"),
                ("template", "模板 ID", "使用服务商后台审核通过的模板"),
            ] disabled=Signal::derive(move || (vendor.get() == "aliyun").then_some("text"))/>
            <Show when=move || mode.get() == "text" fallback=move || view! {
                <Field name="template_id" label="模板 ID / TemplateCode" value=template_id error=error_for(error, "template_id")/>
                <Field name="template_params" label="模板参数名（按顺序，逗号分隔）" value=template_params error=Signal::derive(|| None)
                    help="创蓝模板为 param1,param2…；阿里云为模板中的 ${name} 名称"/>
            }>
                <TextArea name="content" label="短信内容" value=content error=error_for(error, "content")
                    help="用 {$var} 表示变量，每个变量绑定一个用户属性；含 {$var} 时自动使用创蓝变量短信接口。签名会自动加在开头。"/>
                <ContentChecks kind signature content/>
            </Show>
            <div class="bindings" id="bindings">
                <For each=move || bindings.get().into_iter().enumerate() key=|(i, _)| *i let:item>
                    <BindingEditor index=item.0 row=item.1 attrs=attrs.get_value()/>
                </For>
                {move || error_for(error, "bindings").get().map(|m| view! { <p class="field-error" data-field="bindings">{m}</p> })}
            </div>
            <WindowFields kind default_window=options.window.clone() start=window_start end=window_end
                error=error_for(error, "window")/>
            <ScheduleField value=schedule now=options.now.clone() error=error_for(error, "schedule")/>
            <div class="actions">
                <button type="submit" id="campaign-preview" disabled=move || preview.pending().get()>"检查模板并预览"</button>
                <button type="button" id="campaign-save" disabled=move || create.pending().get() on:click=move |_| submit(false)>
                    {move || if schedule.get().trim().is_empty() { "保存草稿" } else { "保存并定时发送" }}
                </button>
                <button type="button" class="primary" id="campaign-send" disabled=move || { create.pending().get() || !schedule.get().trim().is_empty() }
                    on:click=move |_| submit(true)>"立即发送"</button>
            </div>
            <Notice message=status test_id="campaign-status"/>
            <div class="test-send" id="campaign-test-send">
                <h3>"测试发送"</h3>
                <div class="field inline">
                    <input id="f-test-phones" aria-label="测试手机号" placeholder="手机号，多个用逗号分隔" bind:value=test_phones/>
                    <button type="button" id="campaign-test" disabled=move || test.pending().get()
                        on:click=move |_| { test.dispatch((form(), test_phones.get())); }>"发送测试短信"</button>
                </div>
                <p class="field-help">"使用分群中第一位会收到短信的用户的变量值（没有时用缺省值），经本活动的服务商发送。"</p>
                <Notice message=test_status test_id="campaign-test-result"/>
            </div>
        </form>
        {move || preview_result.get().map(|p| view! { <PreviewCard p/> })}
    }
    .into_any()
}

#[component]
fn BindingEditor(index: usize, row: BindingRow, attrs: Vec<(String, String)>) -> impl IntoView {
    view! {
        <div class="binding" data-index=index>
            <span>{format!("变量 {}", index + 1)}</span>
            <select class="binding-attr" aria-label="绑定属性" on:change=move |ev| row.attribute.set(event_target_value(&ev))>
                <option value="" selected=move || row.attribute.get().is_empty()>"选择属性"</option>
                {attrs.into_iter().map(|(n, _)| {
                    let (v, value) = (n.clone(), n.clone());
                    view! { <option value=value selected=move || row.attribute.get() == v>{n}</option> }
                }).collect_view()}
            </select>
            <input class="binding-fallback" aria-label="缺省值" placeholder="无此属性时使用" bind:value=row.fallback
                disabled=move || row.skip.get()/>
            <label><input type="checkbox" class="binding-skip" bind:checked=row.skip/>"无值时跳过该用户"</label>
        </div>
    }
}

#[component]
fn PreviewCard(p: PreviewView) -> impl IntoView {
    view! {
        <div class="card" id="campaign-preview-card">
            <h2>"发送前核对"</h2>
            <p class="muted" data-testid="template-note">{p.template_note}</p>
            {p.window.map(|w| view! { <p class="muted" data-testid="window-note">{format!("营销发送时段：{w}（北京时间）")}</p> })}
            {p.hold_note.map(|h| view! { <p class="notice warn" data-testid="hold-note">{h}</p> })}
            <table class="grid reconciliation" data-testid="reconciliation">
                <tbody>
                    <tr><td>"分群人数"</td><td class="num">{p.members}</td></tr>
                    <tr><td>"− 无手机号"</td><td class="num">{p.no_phone}</td></tr>
                    <tr><td>"− 手机号无效"</td><td class="num">{p.invalid_phone}</td></tr>
                    <tr><td>"− 手机号重复（每个号码只发一条）"</td><td class="num">{p.duplicate_phone}</td></tr>
                    <tr><td>"− 变量缺失且未设缺省值"</td><td class="num">{p.missing_values}</td></tr>
                    <tr><td>"− 已退订（退订名单）"</td><td class="num" data-testid="suppressed">{p.suppressed}</td></tr>
                    <tr><td>"− 超频（今日/近 7 天已达上限）"</td><td class="num" data-testid="capped">{p.capped}</td></tr>
                    <tr><td>"− 无营销同意"</td><td class="num" data-testid="no-consent">{p.no_consent}</td></tr>
                    <tr class="total"><td>"将发送短信"</td><td class="num" data-testid="messages">{p.messages}</td></tr>
                    <tr><td>"计费条数"</td><td class="num" data-testid="units">{p.units}</td></tr>
                </tbody>
            </table>
            <h3>"示例"</h3>
            <ul class="samples">
                {p.samples.into_iter().map(|(phone, text, chars, units)| view! {
                    <li><span class="muted">{phone}</span>" "{text}<span class="muted small">{format!("（{chars} 字，{units} 条）")}</span></li>
                }).collect_view()}
            </ul>
        </div>
    }
}

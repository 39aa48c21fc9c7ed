//! The segment editor: name, kind (条件 or 名单), conditions with a live count that follows
//! every change (debounced), save, and for saved segments the member list.

use super::conditions::{next, Level, LevelView};
use super::members::Members;
use crate::api::segments::{count_rule, segment_attributes, segment_members, SaveSegment};
use crate::components::Can;
use crate::components::{error_for, Field, Notice, TextArea};
use crate::dto::audience::{ConditionForm, CountView, GroupForm, RuleForm, SegmentForm};
use crate::dto::Role;
use crate::error::AppError;
use crate::pages::{error_text, go};
use crate::text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SegmentEditorPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let data = Resource::new(id, |id| async move {
        let attrs = segment_attributes().await?;
        let page = match id {
            Some(id) => Some(segment_members(id, 0, Vec::new()).await?),
            None => None,
        };
        Ok::<_, AppError>((attrs, page))
    });
    view! {
        <Title text="分群 · 触达"/>
        <p><a href="/segments">"← 全部分群"</a></p>
        <Suspense fallback=|| view! { <p class="muted">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((attrs, page)) => {
                        let form = page.as_ref().map(|p| p.form.clone()).unwrap_or_else(|| SegmentForm {
                            kind: "rule".into(),
                            rule: RuleForm { all: true, conditions: vec![ConditionForm::default()], groups: Vec::new() },
                            ..SegmentForm::default()
                        });
                        let names: Vec<String> = attrs.iter().map(|(n, _)| n.clone()).collect();
                        view! {
                            <h1>{if form.id.is_some() { "编辑分群" } else { "新建分群" }}</h1>
                            <Editor form attrs/>
                            {page.map(|p| view! { <Members page=p attributes=names/> })}
                        }.into_any()
                    }
                    Err(e) => view! { <p class="notice err">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Editor(form: SegmentForm, attrs: Vec<(String, String)>) -> AnyView {
    let id = form.id;
    let name = RwSignal::new(form.name.clone());
    let description = RwSignal::new(form.description.clone());
    let kind = RwSignal::new(form.kind.clone());
    let list = RwSignal::new(String::new());
    let keys = StoredValue::new(0u32);
    let top = Level::new(next(keys), form.rule.all, &form.rule.conditions, keys);
    let groups = RwSignal::new(
        form.rule.groups.iter().map(|g| Level::new(next(keys), g.all, &g.conditions, keys)).collect::<Vec<_>>(),
    );
    let attrs = StoredValue::new(attrs);
    let rule = Memo::new(move |_| {
        let attrs = attrs.read_value();
        let groups =
            groups.get().iter().map(|g| GroupForm { all: g.all.get(), conditions: g.conditions(&attrs) }).collect();
        RuleForm { all: top.all.get(), conditions: top.conditions(&attrs), groups }
    });
    let count = live_count(rule, kind);
    let error = RwSignal::new(None::<AppError>);
    let save = ServerAction::<SaveSegment>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) if saved.unknown_ids > 0 => {
            go(&format!("/segments/{}?unknown={}", saved.id, saved.unknown_ids))
        }
        Some(Ok(saved)) => go(&format!("/segments/{}", saved.id)),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let status = Signal::derive(move || error.get().map(|e| Err(error_text(&e))));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = SegmentForm {
            id,
            name: name.get(),
            description: description.get(),
            kind: kind.get(),
            rule: rule.get(),
            list: list.get(),
        };
        save.dispatch(SaveSegment { form });
    };
    let add_group = move |_| {
        let group = Level::new(next(keys), false, &[ConditionForm::default()], keys);
        groups.update(|g| g.push(group));
    };
    let rule_error = error_for(error, "rule");
    view! {
        <form class="card" id="segment-form" on:submit=submit>
            <Field name="name" label="分群名称" value=name error=error_for(error, "name")/>
            <TextArea name="description" label="说明" value=description error=Signal::derive(|| None) help="可选，写给同事看的用途说明"/>
            <Show when=move || id.is_none()>
                <div class="field inline" id="segment-kind">
                    <label><input type="radio" name="kind" value="rule" prop:checked=move || kind.get() == "rule" on:change=move |_| kind.set("rule".into())/>"按条件圈选"</label>
                    <label><input type="radio" name="kind" value="list" prop:checked=move || kind.get() == "list" on:change=move |_| kind.set("list".into())/>"上传 user_id 名单"</label>
                </div>
            </Show>
            <Show when=move || kind.get() == "rule" fallback=move || view! {
                <TextArea name="list" label="user_id 或手机号名单" value=list error=rule_error
                    help="每行一个，或用逗号分隔；也可以选择 CSV/TXT 文件（单列，可带表头）。匹配不到用户的条目会被忽略并提示数量"/>
                <input type="file" id="f-list-file" accept=".csv,.txt,text/plain,text/csv"
                    on:change=move |ev| super::file::read_into(ev, list)/>
            }>
                <div class="conditions" id="conditions">
                    <LevelView level=top attrs keys top=true/>
                    <For each=move || groups.get() key=|g| g.key let:group>
                        <div class="group" data-group=group.key>
                            <LevelView level=group attrs keys top=false/>
                            <button type="button" class="link remove-group"
                                on:click=move |_| groups.update(|g| g.retain(|x| x.key != group.key))>"删除条件组"</button>
                        </div>
                    </For>
                    <button type="button" id="add-group" on:click=add_group>"+ 添加条件组"</button>
                    <Show when=move || rule_error.get().is_some()>
                        <p class="field-error" data-field="rule">{move || rule_error.get().unwrap_or_default()}</p>
                    </Show>
                </div>
                <CountLine count/>
            </Show>
            <div class="actions">
                <Can needed=Role::Operator fallback=|| view! { <span class="muted">"只读角色不能保存分群"</span> }>
                    <button type="submit" class="primary" id="segment-save" disabled=move || save.pending().get()>{text::SAVE}</button>
                </Can>
            </div>
            <Notice message=status test_id="segment-status"/>
        </form>
    }
    .into_any()
}

/// Recounts 400 ms after the rule stops changing; stale answers, and answers arriving after the
/// page was left, are dropped.
fn live_count(rule: Memo<RuleForm>, kind: RwSignal<String>) -> RwSignal<Option<Result<CountView, String>>> {
    let out = RwSignal::new(None);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let rule = rule.get();
        let incomplete = rule
            .conditions
            .iter()
            .chain(rule.groups.iter().flat_map(|g| &g.conditions))
            .any(|c| c.attribute.is_empty());
        if kind.get() != "rule" || incomplete {
            out.set(None);
            return;
        }
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        set_timeout(
            move || {
                // The page may be gone by now (navigation): a disposed value means stop.
                if generation.try_get_value() != Some(mine) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let result =
                        count_rule(rule).await.map_err(|e| e.field_message("rule").unwrap_or_else(|| error_text(&e)));
                    if generation.try_get_value() == Some(mine) {
                        out.try_set(Some(result));
                    }
                });
            },
            std::time::Duration::from_millis(400),
        );
    });
    out
}

#[component]
fn CountLine(count: RwSignal<Option<Result<CountView, String>>>) -> impl IntoView {
    view! {
        <p class="count-line" data-testid="live-count">
            {move || match count.get() {
                None => "选择属性后显示人数".to_owned(),
                Some(Ok(c)) => format!("共 {} 人，其中有效手机号 {} 人（{} ms）", c.members, c.with_phone, c.millis),
                Some(Err(e)) => e,
            }}
        </p>
    }
}

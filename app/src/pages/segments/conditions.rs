//! The condition rows of the segment editor: attribute, operator (offered by the attribute's
//! type) and zero, one or two operands.

use super::ops;
use crate::dto::audience::ConditionForm;
use leptos::prelude::*;

/// One editable condition; `key` keeps rows stable while others are removed.
#[derive(Clone, Copy)]
pub struct Row {
    pub key: u32,
    pub attribute: RwSignal<String>,
    pub op: RwSignal<String>,
    pub first: RwSignal<String>,
    pub second: RwSignal<String>,
}

impl Row {
    pub fn new(key: u32, c: &ConditionForm) -> Self {
        let (first, second) = if c.op == "in" {
            (c.values.join(","), String::new())
        } else {
            (c.values.first().cloned().unwrap_or_default(), c.values.get(1).cloned().unwrap_or_default())
        };
        Row {
            key,
            attribute: RwSignal::new(c.attribute.clone()),
            op: RwSignal::new(c.op.clone()),
            first: RwSignal::new(first),
            second: RwSignal::new(second),
        }
    }

    /// The condition as the server reads it, given the attribute's type.
    pub fn form(&self, ty: &str) -> ConditionForm {
        let op = self.op.get();
        let values = match ops::arity(ty, &op) {
            0 => Vec::new(),
            2 => vec![self.first.get(), self.second.get()],
            -1 => self.first.get().split([',', '，']).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
            _ => vec![self.first.get()],
        };
        ConditionForm { attribute: self.attribute.get(), op, values }
    }
}

pub fn type_of(attrs: &[(String, String)], name: &str) -> String {
    attrs.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()).unwrap_or_else(|| "string".into())
}

#[component]
pub fn ConditionRow(row: Row, attrs: Vec<(String, String)>, on_remove: Callback<u32>) -> AnyView {
    let attrs = StoredValue::new(attrs);
    let ty = Memo::new(move |_| type_of(&attrs.read_value(), &row.attribute.get()));
    // A type change keeps the operator only if the new type offers it.
    Effect::new(move |_| {
        let t = ty.get();
        if !ops::for_type(&t).iter().any(|(n, _, _)| *n == row.op.get_untracked()) {
            row.op.set("eq".into());
        }
    });
    let arity = move || ops::arity(&ty.get(), &row.op.get());
    view! {
        <div class="condition" data-key=row.key>
            <select class="cond-attr" aria-label="属性" on:change=move |ev| row.attribute.set(event_target_value(&ev))>
                <option value="" disabled=true selected=move || row.attribute.get().is_empty()>"选择属性"</option>
                {attrs.read_value().iter().map(|(n, t)| {
                    let label = format!("{n}（{}）", match t.as_str() {
                        "number" => "数字",
                        "boolean" => "是/否",
                        "datetime" => "日期",
                        _ => "文本",
                    });
                    let name = n.clone();
                    view! { <option value=n.clone() selected=move || row.attribute.get() == name>{label}</option> }
                }).collect_view()}
            </select>
            <select class="cond-op" aria-label="运算" on:change=move |ev| row.op.set(event_target_value(&ev))>
                {move || ops::for_type(&ty.get()).iter().map(|(n, l, _)| view! { <option value=*n selected=move || row.op.get() == *n>{*l}</option> }).collect_view()}
            </select>
            <Show when=move || arity() != 0>
                <input class="cond-value" aria-label="值" bind:value=row.first placeholder=move || ops::placeholder(&ty.get(), &row.op.get())/>
            </Show>
            <Show when=move || arity() == 2>
                <span>"至"</span>
                <input class="cond-value2" aria-label="上限" bind:value=row.second placeholder=move || ops::placeholder(&ty.get(), &row.op.get())/>
            </Show>
            <button type="button" class="link remove" on:click=move |_| on_remove.run(row.key)>"删除"</button>
        </div>
    }
    .into_any()
}

/// Condition rows of one level (the top, or a group) with their 且/或 join.
#[derive(Clone, Copy)]
pub struct Level {
    pub key: u32,
    pub all: RwSignal<bool>,
    pub rows: RwSignal<Vec<Row>>,
}

impl Level {
    pub fn new(key: u32, all: bool, conditions: &[ConditionForm], keys: StoredValue<u32>) -> Self {
        let rows = conditions.iter().map(|c| Row::new(next(keys), c)).collect();
        Level { key, all: RwSignal::new(all), rows: RwSignal::new(rows) }
    }

    pub fn conditions(&self, attrs: &[(String, String)]) -> Vec<ConditionForm> {
        self.rows.get().iter().map(|r| r.form(&type_of(attrs, &r.attribute.get()))).collect()
    }
}

/// A fresh key from the editor's counter.
pub fn next(keys: StoredValue<u32>) -> u32 {
    let k = keys.get_value();
    keys.set_value(k + 1);
    k
}

#[component]
pub fn LevelView(
    level: Level,
    attrs: StoredValue<Vec<(String, String)>>,
    keys: StoredValue<u32>,
    top: bool,
) -> AnyView {
    let rows = level.rows;
    let remove = Callback::new(move |key: u32| rows.update(|r| r.retain(|row| row.key != key)));
    let add = move |_| rows.update(|r| r.push(Row::new(next(keys), &ConditionForm::default())));
    let all = level.all;
    view! {
        <div class="field inline">
            <span>{if top { "满足" } else { "组内满足" }}</span>
            <select class="match" on:change=move |ev| all.set(event_target_value(&ev) == "all")>
                <option value="all" selected=move || all.get()>"全部条件（且）"</option>
                <option value="any" selected=move || !all.get()>"任一条件（或）"</option>
            </select>
        </div>
        <For each=move || rows.get() key=|r| r.key let:row>
            <ConditionRow row attrs=attrs.get_value() on_remove=remove/>
        </For>
        <button type="button" class="add-condition" on:click=add>"+ 添加条件"</button>
    }
    .into_any()
}

//! 高级设置 of the 创蓝 card: paths and template-send field names the spec leaves uncertain.

use crate::components::{error_for, Field};
use crate::dto::ChuanglanOptions;
use crate::error::AppError;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct OptionsSignals {
    plain_path: RwSignal<String>,
    variable_path: RwSignal<String>,
    template_path: RwSignal<String>,
    phones_field: RwSignal<String>,
    id_field: RwSignal<String>,
    params_field: RwSignal<String>,
    urlencode: RwSignal<bool>,
    max_len: RwSignal<String>,
}

impl OptionsSignals {
    pub fn new(o: ChuanglanOptions) -> Self {
        Self {
            plain_path: RwSignal::new(o.plain_path),
            variable_path: RwSignal::new(o.variable_path),
            template_path: RwSignal::new(o.template_path),
            phones_field: RwSignal::new(o.template_phones_field),
            id_field: RwSignal::new(o.template_id_field),
            params_field: RwSignal::new(o.template_params_field),
            urlencode: RwSignal::new(o.urlencode_plain_msg),
            max_len: RwSignal::new(o.max_len.to_string()),
        }
    }

    pub fn set(&self, o: ChuanglanOptions) {
        self.plain_path.set(o.plain_path);
        self.variable_path.set(o.variable_path);
        self.template_path.set(o.template_path);
        self.phones_field.set(o.template_phones_field);
        self.id_field.set(o.template_id_field);
        self.params_field.set(o.template_params_field);
        self.urlencode.set(o.urlencode_plain_msg);
        self.max_len.set(o.max_len.to_string());
    }

    pub fn get(&self) -> ChuanglanOptions {
        ChuanglanOptions {
            plain_path: self.plain_path.get(),
            variable_path: self.variable_path.get(),
            template_path: self.template_path.get(),
            template_phones_field: self.phones_field.get(),
            template_id_field: self.id_field.get(),
            template_params_field: self.params_field.get(),
            urlencode_plain_msg: self.urlencode.get(),
            max_len: self.max_len.get().trim().parse().unwrap_or(0),
        }
    }
}

#[component]
pub fn OptionsFields(options: OptionsSignals, error: RwSignal<Option<AppError>>) -> AnyView {
    let o = options;
    view! {
        <details class="advanced">
            <summary>"高级设置（接口路径、模板发送字段）"</summary>
            <p class="field-help">"一般无需修改。创蓝不同账号的接口版本略有差异，如创蓝提供的文档不同，可在此调整。"</p>
            <Field name="plain_path" label="普通发送路径" value=o.plain_path error=error_for(error, "plain_path")
                help="默认 /msg/v1/send/json；旧账号可用 /msg/send/json"/>
            <Field name="variable_path" label="变量发送路径" value=o.variable_path error=error_for(error, "variable_path")/>
            <Field name="template_path" label="模板发送路径（模板ID）" value=o.template_path error=error_for(error, "template_path")/>
            <Field name="template_phones_field" label="模板发送：手机号字段" value=o.phones_field error=error_for(error, "template_phones_field")/>
            <Field name="template_id_field" label="模板发送：模板ID字段" value=o.id_field error=error_for(error, "template_id_field")/>
            <Field name="template_params_field" label="模板发送：变量字段" value=o.params_field error=error_for(error, "template_params_field")/>
            <Field name="max_len" label="短信长度上限（含签名）" value=o.max_len error=error_for(error, "max_len")
                help="创蓝官方为 536 字"/>
            <label class="switch">
                <input type="checkbox" name="urlencode_plain_msg" bind:checked=o.urlencode/>
                <span>"普通发送时对内容做 URL 编码（创蓝官方示例的做法）"</span>
            </label>
        </details>
    }
    .into_any()
}

//! 检查模板 and start checks: what can honestly be said about a campaign's template before
//! sending, the Aliyun approval a start requires, and the send window a marketing campaign
//! will wait for.

use super::{Campaign, CampaignError, Vendor};
use crate::compliance::MessageKind;
use crate::provider::Content;
use crate::Engine;

impl Engine {
    /// The sentence the builder shows after 检查模板.
    pub async fn template_note(&self, c: &Campaign) -> String {
        match (&c.vendor, &c.content) {
            (Vendor::Chuanglan, Content::Text(text)) => text_note(c, text),
            (Vendor::Chuanglan, Content::Template { id, .. }) if c.sandbox => self.sandbox_template_note(id),
            (Vendor::Chuanglan, Content::Template { id, .. }) => {
                format!(
                    "创蓝没有查询模板审核状态的接口，无法确认模板 {id} 是否已通过；建议先发送测试短信到自己的手机。"
                )
            }
            (Vendor::Aliyun, Content::Template { id, .. }) => self.aliyun_template_note(c, id).await,
            (Vendor::Aliyun, Content::Text(_)) => "阿里云只能按模板 CODE 发送".into(),
        }
    }

    fn sandbox_template_note(&self, id: &str) -> String {
        use crate::sandbox::TemplateReview as S;
        match self.sandbox.template(id) {
            Some(t) => {
                let status = match t.review {
                    S::Approved => "审核通过",
                    S::Pending => "审核中，发送会被拒绝",
                    S::Rejected => "审核未通过，发送会被拒绝",
                };
                format!("沙箱模板 {id}：{status}（内容：{}）", t.content)
            }
            None => format!("沙箱中没有模板 {id}，发送会被拒绝"),
        }
    }

    async fn aliyun_template_note(&self, c: &Campaign, id: &str) -> String {
        let creds = match crate::settings::aliyun::credentials(&self.db, &self.key).await {
            Ok(Some(creds)) => creds,
            _ => return "阿里云未配置，无法查询模板状态".into(),
        };
        match self.aliyun.query_template(&creds, id).await {
            Ok(t) => {
                let problems = template_problems(c, &t).join("；");
                format!(
                    "阿里云模板 {id}：{}{}{}",
                    t.label(),
                    if t.reason.is_empty() { String::new() } else { format!("（{}）", t.reason) },
                    if problems.is_empty() { String::new() } else { format!("。合规问题：{problems}") }
                )
            }
            Err(e) => format!("查询模板状态失败：{e}"),
        }
    }

    /// Refuses to start an Aliyun campaign whose template is not approved (or whose status
    /// cannot be read): Aliyun would reject every request (Aliyun §5.4).
    pub async fn require_approved(&self, c: &Campaign) -> Result<(), CampaignError> {
        let (Vendor::Aliyun, Content::Template { id, .. }) = (&c.vendor, &c.content) else { return Ok(()) };
        let refuse = |message: String| Err(CampaignError::Invalid(message));
        let creds = match crate::settings::aliyun::credentials(&self.db, &self.key).await? {
            Some(c) => c,
            None => return refuse("阿里云未配置，请先在短信配置中填写并开通".into()),
        };
        match self.aliyun.query_template(&creds, id).await {
            Ok(t) if t.approved() => match template_problems(c, &t).into_iter().next() {
                Some(p) => refuse(format!("阿里云模板 {id}：{p}")),
                None => Ok(()),
            },
            Ok(t) => refuse(format!("阿里云模板 {id} 状态为“{}”，审核通过后才能开始发送", t.label())),
            Err(e) => refuse(format!("无法确认阿里云模板 {id} 的审核状态（{}），暂不发送", e.explanation)),
        }
    }

    /// The window that applies to a marketing campaign and, when sending would wait for it now
    /// (or at the scheduled time), the sentence saying until when.
    pub async fn window_note(&self, c: &Campaign) -> Result<(Option<String>, Option<String>), CampaignError> {
        if c.kind != MessageKind::Marketing {
            return Ok((None, None));
        }
        let policy = crate::compliance::policy(&self.db).await?;
        let w = c.window.unwrap_or(policy.window);
        let at = c.scheduled_at.unwrap_or_else(crate::clock::now);
        let hold = (!w.contains(at)).then(|| {
            let open = crate::clock::display(w.next_open(at));
            let when = if c.scheduled_at.is_some() { "定时时间" } else { "现在" };
            format!("{when}不在营销发送时段 {}（北京时间）内：开始后会先等待，于 {open} 自动发送", w.label())
        });
        Ok((Some(w.label()), hold))
    }
}

fn text_note(c: &Campaign, text: &str) -> String {
    let slots = crate::sms::slot_count(text);
    let len = crate::sms::char_len(&crate::sms::with_signature(&c.signature, text));
    let mut note = format!(
        "自定义内容：{slots} 个变量，不含变量值 {len} 字（含签名）。创蓝会在发送前审核自定义内容，审核结果以创蓝为准。"
    );
    if slots > crate::sms::MAX_SLOTS {
        note.push_str(&format!("注意：变量超过 {} 个，创蓝会拒绝。", crate::sms::MAX_SLOTS));
    }
    note.push_str(match c.kind {
        MessageKind::Marketing => "营销短信：已检查以“拒收请回复R”结尾，并通过创蓝营销账号发送。",
        MessageKind::Notification => "通知短信：通过创蓝通知账号发送，不受营销发送时段和频次限制。",
    });
    note
}

fn template_problems(c: &Campaign, t: &crate::provider::aliyun::query::TemplateInfo) -> Vec<String> {
    crate::compliance::content::template_errors(c.kind, &t.content, t.marketing())
}

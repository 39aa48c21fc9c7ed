//! Campaign vocabulary: vendors, statuses, message kinds, and the form a campaign is created
//! from (the builder and the REST API submit the same one; the engine parses and checks it).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    Chuanglan,
    Aliyun,
}

impl Vendor {
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Chuanglan => "chuanglan",
            Vendor::Aliyun => "aliyun",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "chuanglan" => Some(Vendor::Chuanglan),
            "aliyun" => Some(Vendor::Aliyun),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Scheduled,
    Sending,
    Paused,
    /// A marketing campaign held outside its send window; resumes by itself at `resume_at`.
    Waiting,
    Completed,
    Cancelled,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Scheduled => "scheduled",
            Status::Sending => "sending",
            Status::Paused => "paused",
            Status::Waiting => "waiting",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
            Status::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Draft,
            Self::Scheduled,
            Self::Sending,
            Self::Paused,
            Self::Waiting,
            Self::Completed,
            Self::Cancelled,
            Self::Failed,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Scheduled => "已排期",
            Status::Sending => "发送中",
            Status::Paused => "已暂停",
            Status::Waiting => "窗口外等待",
            Status::Completed => "已完成",
            Status::Cancelled => "已取消",
            Status::Failed => "失败",
        }
    }
}

/// 营销 (commercial, needs the refusal method, window, caps, suppression) or 通知/行业.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    #[default]
    Marketing,
    Notification,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Marketing => "marketing",
            MessageKind::Notification => "notification",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "marketing" => Some(MessageKind::Marketing),
            "notification" => Some(MessageKind::Notification),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MessageKind::Marketing => "营销",
            MessageKind::Notification => "通知/行业",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindingForm {
    pub attribute: String,
    pub fallback: String,
    /// Skip users without the attribute instead of using `fallback`.
    pub skip: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignForm {
    pub name: String,
    pub segment_id: Option<i64>,
    pub vendor: String,
    pub signature: String,
    /// `text` (自定义内容) or `template` (模板ID / TemplateCode).
    pub mode: String,
    pub content: String,
    pub template_id: String,
    /// Template parameter names, comma separated (Chuanglan `param1,param2`; Aliyun `name,code`).
    pub template_params: String,
    pub bindings: Vec<BindingForm>,
    /// `YYYY-MM-DDTHH:MM` in Asia/Shanghai, empty to send when started.
    pub schedule: String,
    /// `marketing` (营销, the default) or `notification` (通知/行业).
    #[serde(default)]
    pub kind: String,
    /// `HH:MM` overrides of the marketing send window; both empty use the installation's.
    #[serde(default)]
    pub window_start: String,
    #[serde(default)]
    pub window_end: String,
}

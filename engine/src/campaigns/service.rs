//! Campaign use cases shared by the console's server functions and the REST API: create from
//! the builder's form, start once per idempotency key, pause/resume/cancel, and the values a
//! test send uses.

use super::{Campaign, CampaignError, CampaignInput, Vendor};
use crate::validate::FieldError;
use crate::Engine;
use types::CampaignForm;

/// What `Engine::control_campaign` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Pause,
    Resume,
    Cancel,
}

impl Control {
    pub fn parse(action: &str) -> Result<Control, CampaignError> {
        match action {
            "pause" => Ok(Control::Pause),
            "resume" => Ok(Control::Resume),
            "cancel" => Ok(Control::Cancel),
            other => Err(CampaignError::Invalid(format!("未知操作“{other}”"))),
        }
    }
}

impl Engine {
    /// The form as an engine input and whether it goes to the sandbox, or its field errors.
    pub async fn campaign_input(&self, form: &CampaignForm) -> Result<(CampaignInput, bool), CampaignError> {
        let input = super::form::parse(form)?;
        let sandbox = input.vendor == Vendor::Chuanglan && crate::settings::chuanglan::sandbox(&self.db).await?;
        Ok((input, sandbox))
    }

    /// Validates the builder's form and saves the campaign (draft, or scheduled).
    pub async fn create_campaign(&self, form: &CampaignForm, actor: &str) -> Result<Campaign, CampaignError> {
        self.create_campaign_once(form, actor, None).await.map(|(c, _)| c)
    }

    /// The same with an idempotency `key`: a repeated call returns the campaign the first one
    /// created (`false`) instead of a second campaign.
    pub async fn create_campaign_once(
        &self,
        form: &CampaignForm,
        actor: &str,
        key: Option<&str>,
    ) -> Result<(Campaign, bool), CampaignError> {
        // A replay finds its campaign before parsing: the segment or vendor may have changed since.
        if let Some(c) = super::by_create_key(&self.db, key).await? {
            return Ok((c, false));
        }
        if let Some(key) = key {
            let (input, sandbox) = self.campaign_input(form).await?;
            let (c, created) = super::create_once(&self.db, &input, sandbox, actor, Some(key)).await?;
            tracing::info!(user = %actor, campaign = c.id, sandbox, created, "campaign created once per key");
            return Ok((c, created));
        }
        let (input, sandbox) = self.campaign_input(form).await?;
        let c = super::create(&self.db, &input, sandbox, actor).await?;
        tracing::info!(user = %actor, campaign = c.id, sandbox, "campaign created");
        Ok((c, true))
    }

    /// Starts a campaign once per `key`, after checking an Aliyun template's approval.
    pub async fn start_campaign(&self, id: i64, key: &str) -> Result<(), CampaignError> {
        let c = super::get(&self.db, id).await?.ok_or(CampaignError::NotFound)?;
        self.require_approved(&c).await?;
        // `None`: another call with this key started it and spawns the runner when its
        // snapshot is complete (a runner started before then would find nothing to send).
        if super::start(&self.segments, &self.db, id, key).await?.is_some() {
            self.dispatcher.spawn(id);
        }
        Ok(())
    }

    /// Pause, resume or cancel; takes effect within the runner's next status check.
    pub async fn control_campaign(&self, id: i64, action: Control) -> Result<(), CampaignError> {
        match action {
            Control::Pause => super::pause(&self.db, id, Some("操作员暂停")).await.map(|_| ()),
            Control::Resume => {
                super::resume(&self.db, id).await?;
                self.dispatcher.spawn(id);
                Ok(())
            }
            Control::Cancel => super::cancel(&self.db, id).await.map(|_| ()),
        }
    }

    /// Values for a test send: those of the first member who would receive the campaign, else
    /// the fallbacks (a variable without either is a field error).
    pub async fn sample_values(&self, c: &Campaign) -> Result<Vec<String>, CampaignError> {
        let (_, samples) = super::preview_values(&self.segments, &self.db, c).await?;
        if let Some(values) = samples {
            return Ok(values);
        }
        c.bindings
            .iter()
            .map(|b| {
                b.fallback.clone().ok_or_else(|| {
                    CampaignError::Fields(vec![FieldError::new(
                        "bindings",
                        "分群中没有可用的用户，请为每个变量填写缺省值后再测试发送",
                    )])
                })
            })
            .collect()
    }
}

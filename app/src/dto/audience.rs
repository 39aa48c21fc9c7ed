//! Users, imports and segments as the browser sees them. Phones are always masked here; the
//! full number travels only through the audited reveal call.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersOverview {
    pub users: u64,
    pub with_phone: u64,
    /// Users sharing a valid phone with another user.
    pub shared_phone: u64,
    pub phone_attribute: String,
    pub attributes: Vec<AttributeRow>,
    pub imports: Vec<ImportRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeRow {
    pub name: String,
    /// `string`, `number`, `boolean` or `datetime`.
    pub ty: String,
    pub ty_label: String,
    pub users: u64,
    pub samples: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub id: i64,
    pub file_name: String,
    /// `running`, `done` or `failed`.
    pub status: String,
    pub encoding: String,
    pub rows_total: u64,
    pub rows_ok: u64,
    pub rows_bad: u64,
    pub users_new: u64,
    pub users_updated: u64,
    pub phones_invalid: u64,
    pub duplicate_ids: u64,
    pub error: Option<String>,
    pub started_at: String,
    pub seconds: Option<i64>,
    pub actor: String,
}

/// A user in a list: id and masked phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserHit {
    pub user_id: String,
    pub phone_masked: Option<String>,
}

/// 用户细查: one user with every attribute (phone-like values masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCard {
    pub user_id: String,
    pub phone_masked: Option<String>,
    pub updated_at: String,
    /// (attribute, type label, value)
    pub attributes: Vec<(String, String, String)>,
    /// Names of the segments the user is in now.
    pub segments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentRow {
    pub id: i64,
    pub name: String,
    /// `rule` (条件分群) or `list` (名单分群).
    pub kind: String,
    pub description: String,
    pub members: Option<u64>,
    pub with_phone: Option<u64>,
    pub counted_at: Option<String>,
    pub updated_at: String,
    pub created_by: String,
}

/// Conditions joined by 且 (`all`) or 或, plus nested groups (one level) with their own join.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleForm {
    pub all: bool,
    pub conditions: Vec<ConditionForm>,
    #[serde(default)]
    pub groups: Vec<GroupForm>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupForm {
    pub all: bool,
    pub conditions: Vec<ConditionForm>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionForm {
    pub attribute: String,
    /// Wire name of the operator: `eq`, `contains`, `between`, …
    pub op: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentForm {
    pub id: Option<i64>,
    pub name: String,
    pub description: String,
    /// `rule` or `list`.
    pub kind: String,
    pub rule: RuleForm,
    /// 名单分群: user ids separated by lines, commas or spaces.
    pub list: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountView {
    pub members: u64,
    pub with_phone: u64,
    pub millis: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSegment {
    pub id: i64,
    /// 名单分群: uploaded ids that matched no user.
    pub unknown_ids: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersPage {
    pub segment: SegmentRow,
    pub form: SegmentForm,
    pub count: CountView,
    pub offset: u64,
    /// Attribute columns shown beside user id and phone.
    pub columns: Vec<String>,
    pub rows: Vec<MemberView>,
}

/// A member row: masked phone and the chosen attribute values (phone-like ones masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: String,
    pub phone_masked: Option<String>,
    pub values: Vec<String>,
}

//! Segments (分群): rule segments evaluated live over the in-memory column index, and
//! uploaded-list segments stored as member rows. Invariant: a rule segment's members are
//! always computed from current data; stored counts are only a cache for the list page.

pub mod eval;
pub mod index;
mod repo;
pub mod rule;

pub use index::Index;
pub use repo::{
    containing, create, delete, get, list, members, members_page, page, refresh_count, update, users_by_rowid,
    MemberRow, Segment, SegmentInput, SegmentKind,
};
pub use rule::{Condition, Op, Rule};

use crate::Db;

#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    #[error("{0}")]
    Invalid(String),
    #[error("分群名称“{0}”已存在")]
    Duplicate(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Users(#[from] crate::users::UsersError),
}

/// Live count: members and members with a valid phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Count {
    pub members: u64,
    pub with_phone: u64,
}

pub async fn count(index: &Index, db: &Db, rule: &Rule) -> Result<Count, SegmentError> {
    let (bits, universe) = eval::evaluate(index, db, rule).await?;
    Ok(Count { members: bits.count(), with_phone: bits.count_and(&universe.with_phone) })
}

#[cfg(test)]
mod tests;

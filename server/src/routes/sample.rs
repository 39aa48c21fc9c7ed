//! `GET /api/sample-users.csv`: 1,000 fictional users for a first import (开始使用), with test
//! numbers in the 138 0000 range, Chinese names and cities, and one attribute of each type
//! (text, number, boolean, date, date-time). Generated the same way every time; signed-in
//! accounts only, like every other data route.

use app::state::ServerState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use engine::auth::Role;
use std::fmt::Write;

const SURNAMES: [&str; 12] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"];
const GIVEN: [&str; 12] = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "杰", "婷", "强"];
const CITIES: [&str; 6] = ["上海", "北京", "广州", "深圳", "杭州", "成都"];
const CHANNELS: [&str; 4] = ["门店", "小程序", "App", "官网"];

/// The sample as CSV text (UTF-8 with BOM, so spreadsheet programs show the Chinese).
pub fn csv(users: usize) -> String {
    let mut out = String::from("\u{feff}user_id,phone,name,city,level,points,vip,birthday,signup_at,channel\n");
    for i in 0..users {
        // A fixed linear congruential sequence: varied values, identical on every download.
        let r = (i as u64).wrapping_mul(2_654_435_761).wrapping_add(40_503) % 1_000_003;
        let name =
            format!("{}{}", SURNAMES[i % SURNAMES.len()], GIVEN[(i / SURNAMES.len() + r as usize) % GIVEN.len()]);
        let _ = writeln!(
            out,
            "demo{:04},1380000{:04},{name},{},L{},{},{},{}-{:02}-{:02},2026-{:02}-{:02} {:02}:{:02}:00,{}",
            i + 1,
            i,
            CITIES[(r % CITIES.len() as u64) as usize],
            1 + r % 5,
            r % 50_000,
            r.is_multiple_of(4),
            1965 + r % 40,
            1 + r % 12,
            1 + r % 28,
            1 + (r / 7) % 11,
            1 + (r / 3) % 28,
            (r / 11) % 24,
            (r / 13) % 60,
            CHANNELS[(r / 17 % CHANNELS.len() as u64) as usize],
        );
    }
    out
}

pub async fn sample_users(State(state): State<ServerState>, headers: HeaderMap) -> Response {
    if let Err((status, message)) = super::audience::account(&state, &headers, Role::Viewer).await {
        return (status, message).into_response();
    }
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"chuda-sample-users.csv\""),
        ],
        csv(1_000),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sample_has_a_thousand_distinct_users_and_phones_in_the_138_range() {
        let text = super::csv(1_000);
        let rows: Vec<Vec<&str>> = text.lines().skip(1).map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), 1_000);
        assert!(rows.iter().all(|r| r.len() == 10 && r[1].starts_with("1380000") && r[1].len() == 11));
        let phones: std::collections::HashSet<&str> = rows.iter().map(|r| r[1]).collect();
        assert_eq!(phones.len(), 1_000);
        assert!(rows.iter().any(|r| r[6] == "true") && rows.iter().any(|r| r[6] == "false"));
        assert_eq!(text, super::csv(1_000), "the same file every time");
    }
}

//! The marketing send window in Beijing time. Carriers and vendors refuse or delay marketing
//! SMS at night (阿里云 08:00–21:59, stricter vendors 08:00–20:00; 创蓝 answers 110 outside the
//! account's window, Chuanglan §9); chuda holds marketing campaigns outside the window and
//! resumes them when it opens. Default 08:00–21:00.

use serde::{Deserialize, Serialize};

const DAY: i64 = 86_400;
const CN_OFFSET: i64 = 8 * 3_600;

/// `[start, end)` in minutes of the Beijing day; `end` may be 1440 (24:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub start: u16,
    pub end: u16,
}

impl Default for Window {
    fn default() -> Self {
        Self { start: 8 * 60, end: 21 * 60 }
    }
}

/// Days since the epoch in Beijing time (the calendar day of the caps).
pub fn cn_day(ts: i64) -> i64 {
    (ts + CN_OFFSET).div_euclid(DAY)
}

fn minute_of_day(ts: i64) -> i64 {
    (ts + CN_OFFSET).rem_euclid(DAY) / 60
}

/// `HH:MM` of a minute of the day.
pub fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Parses `HH:MM` (00:00–24:00).
pub fn parse_hhmm(raw: &str) -> Option<u16> {
    let (h, m) = raw.trim().split_once([':', '：'])?;
    let (h, m): (u16, u16) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

impl Window {
    /// The whole day (no hold).
    pub const ALWAYS: Window = Window { start: 0, end: 1_440 };

    pub fn check(&self) -> Result<(), String> {
        if self.end > 1_440 || self.start >= self.end {
            return Err("发送时段的开始须早于结束，例如 08:00–21:00".into());
        }
        Ok(())
    }

    pub fn label(&self) -> String {
        format!("{}–{}", hhmm(self.start), hhmm(self.end))
    }

    pub fn contains(&self, ts: i64) -> bool {
        let m = minute_of_day(ts);
        m >= i64::from(self.start) && m < i64::from(self.end)
    }

    /// The first moment at or after `ts` inside the window.
    pub fn next_open(&self, ts: i64) -> i64 {
        if self.contains(ts) {
            return ts;
        }
        let day_start = cn_day(ts) * DAY - CN_OFFSET;
        let today = day_start + i64::from(self.start) * 60;
        if ts < today {
            today
        } else {
            today + DAY
        }
    }

    /// When the window closes after `ts` (inside it).
    pub fn closes_at(&self, ts: i64) -> i64 {
        cn_day(ts) * DAY - CN_OFFSET + i64::from(self.end) * 60
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-03 00:00 Beijing time.
    const MIDNIGHT: i64 = 1_796_227_200;

    #[test]
    fn the_default_window_holds_the_night() {
        let w = Window::default();
        assert_eq!(cn_day(MIDNIGHT), cn_day(MIDNIGHT + DAY - 1));
        assert!(!w.contains(MIDNIGHT + 3 * 3600), "03:00");
        assert!(w.contains(MIDNIGHT + 8 * 3600), "08:00");
        assert!(w.contains(MIDNIGHT + 20 * 3600 + 59 * 60), "20:59");
        assert!(!w.contains(MIDNIGHT + 21 * 3600), "21:00");
        assert_eq!(w.next_open(MIDNIGHT + 3 * 3600), MIDNIGHT + 8 * 3600);
        assert_eq!(w.next_open(MIDNIGHT + 22 * 3600), MIDNIGHT + DAY + 8 * 3600);
        assert_eq!(w.closes_at(MIDNIGHT + 9 * 3600), MIDNIGHT + 21 * 3600);
    }

    #[test]
    fn times_parse_and_bad_windows_are_refused() {
        assert_eq!(parse_hhmm("08:30"), Some(510));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(parse_hhmm("24:01"), None);
        assert_eq!(parse_hhmm("8点"), None);
        assert!(Window { start: 600, end: 600 }.check().is_err());
        assert!(Window::ALWAYS.check().is_ok());
        assert!(Window::ALWAYS.contains(MIDNIGHT + 3 * 3600));
    }
}

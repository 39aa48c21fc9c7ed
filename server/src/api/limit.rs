//! Per-token rate limits of the REST API: a token bucket per API token (`api.rate_per_minute`
//! refilled evenly, up to `api.burst` at once). A call over the budget is answered `429` with
//! `Retry-After` (whole seconds) before it does any work. The buckets live in this process:
//! each instance behind a load balancer keeps its own.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Limiter {
    per_sec: f64,
    burst: f64,
    buckets: Mutex<HashMap<i64, (f64, Instant)>>,
}

impl Limiter {
    /// `None` when `rate_per_minute` is 0 (no limit).
    pub fn new(rate_per_minute: u32, burst: u32) -> Option<Self> {
        (rate_per_minute > 0).then(|| Self {
            per_sec: f64::from(rate_per_minute) / 60.0,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::default(),
        })
    }

    /// Takes one call from `token`'s bucket; `Err(wait)` when it is empty (nothing taken).
    pub fn take(&self, token: i64) -> Result<(), Duration> {
        self.take_at(token, Instant::now())
    }

    fn take_at(&self, token: i64, now: Instant) -> Result<(), Duration> {
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let (level, at) = map.entry(token).or_insert((self.burst, now));
        let refilled = (*level + now.saturating_duration_since(*at).as_secs_f64() * self.per_sec).min(self.burst);
        *at = now;
        if refilled >= 1.0 {
            *level = refilled - 1.0;
            Ok(())
        } else {
            *level = refilled;
            Err(Duration::from_secs_f64((1.0 - refilled) / self.per_sec))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_calls_wait_for_the_refill() {
        let l = Limiter::new(60, 3).expect("on");
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.take_at(7, t0).is_ok());
        }
        let wait = l.take_at(7, t0).expect_err("empty");
        assert!((0.99..=1.0).contains(&wait.as_secs_f64()), "{wait:?}");
        assert!(l.take_at(8, t0).is_ok(), "another token has its own bucket");
        assert!(l.take_at(7, t0 + Duration::from_millis(500)).is_err(), "half a call refilled");
        assert!(l.take_at(7, t0 + Duration::from_millis(1_000)).is_ok(), "one call per second");
        assert!(l.take_at(7, t0 + Duration::from_secs(100)).is_ok());
        assert!(Limiter::new(0, 10).is_none(), "0 turns the limit off");
    }
}

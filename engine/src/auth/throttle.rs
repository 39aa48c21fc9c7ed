//! Slows down repeated failed logins. Failures are counted per key (user name and client
//! address separately) in a sliding window; after a few free attempts each further attempt
//! waits exponentially longer, capped, before the password is even checked.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const FREE_ATTEMPTS: u32 = 3;
const WINDOW: Duration = Duration::from_secs(15 * 60);
const MAX_DELAY: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    /// Counts an attempt for these keys *before* the password is checked and returns how long
    /// it must wait first (the longest of the keys). The count and the check are one atomic
    /// step, so parallel guesses each see the ones before them: the fourth of ten concurrent
    /// attempts already waits. A success calls [`reset`](Self::reset).
    pub fn attempt(&self, keys: &[String]) -> Duration {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, at)| at.elapsed() < WINDOW);
        }
        let mut delay = Duration::ZERO;
        for k in keys {
            let entry = map.entry(k.clone()).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= WINDOW {
                entry.0 = 0;
            }
            delay = delay.max(delay_for(entry.0));
            *entry = (entry.0 + 1, Instant::now());
        }
        delay
    }

    pub fn reset(&self, keys: &[String]) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            map.remove(k);
        }
    }
}

/// A per-key budget of `max` actions per sliding `window` (full-phone lookups per account).
pub struct RateLimit {
    max: usize,
    window: Duration,
    hits: Mutex<HashMap<String, std::collections::VecDeque<Instant>>>,
}

impl RateLimit {
    pub fn new(max: usize, window: Duration) -> Self {
        Self { max, window, hits: Mutex::default() }
    }

    /// Counts one action for `key`; `Err(wait)` when the budget is spent (nothing counted).
    pub fn take(&self, key: &str) -> Result<(), Duration> {
        let mut map = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let q = map.entry(key.to_owned()).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            q.pop_front();
        }
        if q.len() >= self.max {
            let oldest = q.front().copied().unwrap_or(now);
            return Err(self.window.saturating_sub(now.duration_since(oldest)));
        }
        q.push_back(now);
        Ok(())
    }
}

fn delay_for(failures: u32) -> Duration {
    if failures < FREE_ATTEMPTS {
        return Duration::ZERO;
    }
    let exp = (failures - FREE_ATTEMPTS).min(5);
    Duration::from_secs(1 << exp).min(MAX_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_attempts_are_free_then_delays_grow() {
        let t = LoginThrottle::default();
        let keys = vec!["user:admin".to_owned()];
        for _ in 0..FREE_ATTEMPTS {
            assert_eq!(t.attempt(&keys), Duration::ZERO);
        }
        assert_eq!(t.attempt(&keys), Duration::from_secs(1));
        assert_eq!(t.attempt(&keys), Duration::from_secs(2));
        for _ in 0..10 {
            t.attempt(&keys);
        }
        assert_eq!(t.attempt(&keys), MAX_DELAY);
        t.reset(&keys);
        assert_eq!(t.attempt(&keys), Duration::ZERO);
    }

    #[test]
    fn concurrent_attempts_each_count() {
        let t = std::sync::Arc::new(LoginThrottle::default());
        let keys = vec!["ip:1.2.3.4".to_owned()];
        let delays: Vec<Duration> = (0..10)
            .map(|_| {
                let (t, k) = (t.clone(), keys.clone());
                std::thread::spawn(move || t.attempt(&k))
            })
            .map(|h| h.join().expect("thread"))
            .collect();
        let free = delays.iter().filter(|d| d.is_zero()).count();
        assert_eq!(free, FREE_ATTEMPTS as usize, "only the free attempts skip the wait: {delays:?}");
    }

    #[test]
    fn a_rate_limit_allows_max_per_window_per_key() {
        let r = RateLimit::new(2, Duration::from_secs(60));
        assert!(r.take("a").is_ok() && r.take("a").is_ok());
        assert!(r.take("a").is_err_and(|wait| wait > Duration::from_secs(50)));
        assert!(r.take("b").is_ok(), "keys are separate");
    }

    #[test]
    fn the_longest_delay_of_several_keys_applies() {
        let t = LoginThrottle::default();
        let ip = vec!["ip:1.2.3.4".to_owned()];
        for _ in 0..5 {
            t.attempt(&ip);
        }
        let both = vec!["user:x".to_owned(), "ip:1.2.3.4".to_owned()];
        assert_eq!(t.attempt(&both), Duration::from_secs(4));
    }
}

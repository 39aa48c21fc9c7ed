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
    /// How long the next attempt for these keys must wait (the longest of them).
    pub fn delay(&self, keys: &[String]) -> Duration {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|k| map.get(k))
            .filter(|(_, at)| at.elapsed() < WINDOW)
            .map(|(n, _)| delay_for(*n))
            .max()
            .unwrap_or(Duration::ZERO)
    }

    pub fn record_failure(&self, keys: &[String]) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, at)| at.elapsed() < WINDOW);
        }
        for k in keys {
            let entry = map.entry(k.clone()).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= WINDOW {
                entry.0 = 0;
            }
            *entry = (entry.0 + 1, Instant::now());
        }
    }

    pub fn reset(&self, keys: &[String]) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            map.remove(k);
        }
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
    fn the_first_failures_are_free_then_delays_grow() {
        let t = LoginThrottle::default();
        let keys = vec!["user:admin".to_owned()];
        for _ in 0..FREE_ATTEMPTS {
            assert_eq!(t.delay(&keys), Duration::ZERO);
            t.record_failure(&keys);
        }
        assert_eq!(t.delay(&keys), Duration::from_secs(1));
        t.record_failure(&keys);
        assert_eq!(t.delay(&keys), Duration::from_secs(2));
        for _ in 0..10 {
            t.record_failure(&keys);
        }
        assert_eq!(t.delay(&keys), MAX_DELAY);
        t.reset(&keys);
        assert_eq!(t.delay(&keys), Duration::ZERO);
    }

    #[test]
    fn the_longest_delay_of_several_keys_applies() {
        let t = LoginThrottle::default();
        let ip = vec!["ip:1.2.3.4".to_owned()];
        for _ in 0..5 {
            t.record_failure(&ip);
        }
        let both = vec!["user:x".to_owned(), "ip:1.2.3.4".to_owned()];
        assert_eq!(t.delay(&both), Duration::from_secs(4));
    }
}

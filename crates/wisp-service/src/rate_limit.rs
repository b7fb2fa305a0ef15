//! Per-caller sliding-window limit, so clients can be tested against a real
//! 429 with `Retry-After`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::Error;

const WINDOW: Duration = Duration::from_secs(60);

/// At most `per_minute` calls per caller DID in any 60-second window.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    calls: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` calls per DID per minute.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            calls: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one call by `did` at `now`, or refuses it with `RateLimited`.
    pub fn check(&self, did: &str, now: Instant) -> Result<(), Error> {
        let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        let recent = calls.entry(did.to_owned()).or_default();
        while recent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
        {
            recent.pop_front();
        }
        if recent.len() < self.per_minute as usize {
            recent.push_back(now);
            return Ok(());
        }
        let wait = recent.front().map_or(WINDOW, |oldest| {
            WINDOW.saturating_sub(now.saturating_duration_since(*oldest))
        });
        // Round up: retrying after a truncated value would still be refused.
        let retry_after_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let retry_after_secs = retry_after_secs.max(1);
        Err(Error::RateLimited {
            retry_after_secs,
            limit: self.per_minute,
            reset_at_secs: crate::time::now_millis() / 1000 + retry_after_secs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retry_after(err: Error) -> u64 {
        match err {
            Error::RateLimited {
                retry_after_secs, ..
            } => retry_after_secs,
            other => panic!("not rate limited: {other:?}"),
        }
    }

    #[test]
    fn allows_the_limit_then_refuses_with_retry_after() {
        let limiter = RateLimiter::new(2);
        let start = Instant::now();
        limiter.check("did:a", start).unwrap();
        limiter
            .check("did:a", start + Duration::from_secs(10))
            .unwrap();
        let err = limiter
            .check("did:a", start + Duration::from_millis(20_500))
            .unwrap_err();
        assert_eq!(retry_after(err), 40);
    }

    #[test]
    fn limits_each_did_separately() {
        let limiter = RateLimiter::new(1);
        let now = Instant::now();
        limiter.check("did:a", now).unwrap();
        limiter.check("did:b", now).unwrap();
        assert!(limiter.check("did:a", now).is_err());
    }

    #[test]
    fn a_slot_frees_up_once_the_oldest_call_leaves_the_window() {
        let limiter = RateLimiter::new(1);
        let start = Instant::now();
        limiter.check("did:a", start).unwrap();
        assert!(
            limiter
                .check("did:a", start + Duration::from_secs(59))
                .is_err()
        );
        limiter
            .check("did:a", start + Duration::from_secs(60))
            .unwrap();
    }

    #[test]
    fn refused_calls_do_not_use_up_slots() {
        let limiter = RateLimiter::new(1);
        let start = Instant::now();
        limiter.check("did:a", start).unwrap();
        for s in 1..30 {
            assert!(
                limiter
                    .check("did:a", start + Duration::from_secs(s))
                    .is_err()
            );
        }
        limiter
            .check("did:a", start + Duration::from_secs(60))
            .unwrap();
    }
}

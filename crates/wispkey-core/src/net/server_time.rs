//! Numbers a server sends about time (`expires_in`, `Retry-After`, `RateLimit-Reset`) go
//! through here: any value, however large or negative, gives a sane answer and never an
//! arithmetic overflow.

/// The longest wait Wispkey will repeat to a user: a day. A server asking for more is treated
/// as asking for a day (the user can always try earlier).
pub const MAX_WAIT_SECONDS: u64 = 24 * 60 * 60;

/// `now + seconds`, saturating at the ends of `i64` (an `expires_at` from `expires_in`).
pub fn expires_at(now: i64, expires_in: i64) -> i64 {
    now.saturating_add(expires_in)
}

/// Seconds from `now` until `at` (both epoch seconds), if `at` is in the future; capped at
/// [`MAX_WAIT_SECONDS`].
pub fn seconds_until(at: i64, now: i64) -> Option<u64> {
    at.checked_sub(now)
        .and_then(|seconds| u64::try_from(seconds).ok())
        .filter(|seconds| *seconds > 0)
        .map(|seconds| seconds.min(MAX_WAIT_SECONDS))
}

/// A `Retry-After` given in seconds, capped at [`MAX_WAIT_SECONDS`]; `None` if it is not a
/// whole number of seconds (a date is read by the caller).
pub fn wait_seconds(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    // Digits only: a value too large for u64 is still "a very long time".
    Some(
        text.parse::<u64>()
            .unwrap_or(u64::MAX)
            .min(MAX_WAIT_SECONDS),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_from_huge_or_negative_lifetimes_saturates() {
        assert_eq!(expires_at(1_700_000_000, 3600), 1_700_003_600);
        assert_eq!(expires_at(1_700_000_000, i64::MAX), i64::MAX);
        assert_eq!(
            expires_at(1_700_000_000, i64::MIN),
            i64::MIN + 1_700_000_000
        );
        assert_eq!(expires_at(i64::MAX, i64::MAX), i64::MAX);
    }

    #[test]
    fn waits_until_a_reset_time_are_checked_and_capped() {
        assert_eq!(seconds_until(1_700_000_060, 1_700_000_000), Some(60));
        assert_eq!(seconds_until(1_700_000_000, 1_700_000_000), None);
        assert_eq!(seconds_until(i64::MIN, 1_700_000_000), None);
        assert_eq!(seconds_until(i64::MAX, i64::MIN), None);
        assert_eq!(
            seconds_until(i64::MAX, 1_700_000_000),
            Some(MAX_WAIT_SECONDS)
        );
    }

    #[test]
    fn retry_after_seconds_of_any_size_are_capped() {
        assert_eq!(wait_seconds("17"), Some(17));
        assert_eq!(wait_seconds(&u64::MAX.to_string()), Some(MAX_WAIT_SECONDS));
        assert_eq!(
            wait_seconds("99999999999999999999999999999"),
            Some(MAX_WAIT_SECONDS)
        );
        assert_eq!(wait_seconds("-5"), None);
        assert_eq!(wait_seconds(""), None);
        assert_eq!(wait_seconds("soon"), None);
    }
}

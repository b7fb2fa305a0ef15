//! Answers read ahead of time: a caller that knows which items it is about to read (the
//! providers' account lists at restore) has them read in one go, and the reads that follow at
//! once take those answers instead of a round trip each.
//!
//! An answer is taken once, stands for [`STANDS_FOR`] only, and any write or delete under the
//! same service drops every answer kept for it, so a read never sees a value older than this
//! process's own last write; another process's write in between is the same race a read made
//! a moment earlier would have.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::secret::SecretString;

/// How long an answer read ahead stands: the reads it is for follow within milliseconds.
const STANDS_FOR: Duration = Duration::from_millis(500);

struct Answer {
    at: Instant,
    /// `None`: the item was not there.
    value: Option<SecretString>,
}

/// Keyed by (keychain service, item name).
static KEPT: Mutex<BTreeMap<(String, String), Answer>> = Mutex::new(BTreeMap::new());

fn with_kept<T>(use_kept: impl FnOnce(&mut BTreeMap<(String, String), Answer>) -> T) -> T {
    let mut kept = KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // An answer nobody took is not kept past its time (its value is wiped as it is dropped).
    kept.retain(|_, answer| answer.at.elapsed() < STANDS_FOR);
    use_kept(&mut kept)
}

pub(super) fn keep(service: &str, item: &str, value: Option<SecretString>) {
    with_kept(|kept| {
        kept.insert(
            (service.to_owned(), item.to_owned()),
            Answer {
                at: Instant::now(),
                value,
            },
        );
    });
}

/// The answer read ahead for `item`, if there is a fresh one; it is not kept after this.
pub(super) fn take(service: &str, item: &str) -> Option<Option<SecretString>> {
    with_kept(|kept| {
        kept.remove(&(service.to_owned(), item.to_owned()))
            .map(|answer| answer.value)
    })
}

/// A write or delete under `service` is coming: no answer read before it may be used after.
pub(super) fn forget(service: &str) {
    with_kept(|kept| kept.retain(|(kept_service, _), _| kept_service != service));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_taken_once() {
        keep("ahead.once", "item", Some(SecretString::new("value")));
        let taken = take("ahead.once", "item").unwrap().unwrap();
        assert_eq!(taken.expose(), "value");
        assert!(take("ahead.once", "item").is_none());
    }

    #[test]
    fn a_missing_item_is_an_answer_too() {
        keep("ahead.missing", "item", None);
        assert_eq!(
            take("ahead.missing", "item").map(|value| value.is_none()),
            Some(true)
        );
    }

    #[test]
    fn a_write_under_the_service_drops_its_answers_only() {
        keep("ahead.written", "item", Some(SecretString::new("old")));
        keep("ahead.other", "item", Some(SecretString::new("other")));
        forget("ahead.written");
        assert!(take("ahead.written", "item").is_none());
        assert!(take("ahead.other", "item").is_some());
    }

    #[test]
    fn an_old_answer_is_not_used_nor_kept() {
        keep("ahead.old", "item", Some(SecretString::new("value")));
        keep("ahead.old", "untaken", Some(SecretString::new("value")));
        let mut aged = 0;
        with_kept(|kept| {
            for ((service, _), answer) in kept.iter_mut() {
                if service == "ahead.old" {
                    answer.at = Instant::now() - STANDS_FOR;
                    aged += 1;
                }
            }
        });
        assert_eq!(aged, 2);
        assert!(take("ahead.old", "item").is_none());
        let left = with_kept(|kept| {
            kept.keys()
                .filter(|(service, _)| service == "ahead.old")
                .count()
        });
        assert_eq!(left, 0, "an untaken old answer is still held");
    }
}

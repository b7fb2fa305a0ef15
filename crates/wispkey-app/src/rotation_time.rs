//! "Last rotated" for providers whose list does not say (Slate): the best this device knows is
//! when the copy in its keychain was issued (rotated through Wispkey) or pasted. Shown with a
//! sentence saying so, and used for the overdue reminder, so a token rotated here yesterday is
//! not reported overdue because it was created long ago.

use chrono::{DateTime, Utc};

/// What the row shows for a provider that does not report rotations: the keychain copy's time
/// when it is later than the secret's creation, and the sentence that says where it came from.
pub fn from_this_device(
    provider_label: &str,
    created_at: DateTime<Utc>,
    stored_copy_issued_at: Option<DateTime<Utc>>,
) -> (Option<DateTime<Utc>>, String) {
    match stored_copy_issued_at.filter(|issued| *issued > created_at) {
        Some(issued) => (
            Some(issued),
            format!(
                "{provider_label} does not report rotations: this is when the copy in this \
                 keychain was issued or pasted."
            ),
        ),
        None => (
            None,
            format!("{provider_label} does not report when a secret was rotated."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|time| time.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn a_copy_issued_after_creation_is_the_last_rotation_this_device_knows() {
        let (time, note) = from_this_device(
            "Slate",
            at("2026-01-01T00:00:00Z"),
            Some(at("2026-11-27T10:00:00Z")),
        );
        assert_eq!(time, Some(at("2026-11-27T10:00:00Z")));
        assert!(
            note.starts_with("Slate does not report rotations"),
            "{note}"
        );
    }

    #[test]
    fn without_a_later_copy_nothing_is_claimed_and_the_note_says_so() {
        for copy in [None, Some(at("2026-01-01T00:00:00Z"))] {
            let (time, note) = from_this_device("Slate", at("2026-01-01T00:00:00Z"), copy);
            assert_eq!(time, None);
            assert_eq!(note, "Slate does not report when a secret was rotated.");
        }
    }
}

//! Whether a stored copy may be older than the secret's current token. Two signs: a rotate of it
//! got no answer (it may have happened: the mark in the index), or the provider's list shows a
//! rotation (or creation) later than the time the copy's token was issued.

use chrono::{DateTime, SecondsFormat, Utc};

/// What the index knows about one stored copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredCopy {
    /// When its token was issued (the server's time when it said so) or pasted. `None` for
    /// copies stored before Wispkey kept the time.
    pub issued_at: Option<DateTime<Utc>>,
    /// A rotate of this secret got no answer since the copy was stored.
    pub marked_out_of_date: bool,
}

impl StoredCopy {
    /// Why the copy may be out of date, as the end of a sentence, or `None` if nothing says
    /// so. `changed_at`: the secret's last rotation as listed, else its creation.
    pub fn out_of_date_reason(&self, changed_at: Option<DateTime<Utc>>) -> Option<String> {
        if self.marked_out_of_date {
            return Some(
                "a rotate of it got no answer, so it may have been rotated since this copy was \
                 saved."
                    .to_owned(),
            );
        }
        let (issued, changed) = (self.issued_at?, changed_at?);
        (changed > issued).then(|| {
            format!(
                "the list shows it changed at {}, after this copy's token was issued at {}.",
                changed.to_rfc3339_opts(SecondsFormat::Secs, true),
                issued.to_rfc3339_opts(SecondsFormat::Secs, true)
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_rotation_after_the_copy_was_issued_makes_it_out_of_date() {
        let copy = StoredCopy {
            issued_at: Some(at("2024-03-01T10:00:00Z")),
            marked_out_of_date: false,
        };
        let reason = copy
            .out_of_date_reason(Some(at("2024-03-02T09:00:00Z")))
            .unwrap();
        assert!(reason.contains("2024-03-02T09:00:00Z"), "{reason}");
        // The rotation that issued this very token is not "later".
        assert_eq!(
            copy.out_of_date_reason(Some(at("2024-03-01T10:00:00Z"))),
            None
        );
        assert_eq!(copy.out_of_date_reason(None), None);
    }

    #[test]
    fn an_unanswered_rotate_marks_it_whatever_the_list_says() {
        let copy = StoredCopy {
            issued_at: None,
            marked_out_of_date: true,
        };
        assert!(copy.out_of_date_reason(None).unwrap().contains("no answer"));
    }

    #[test]
    fn a_copy_without_a_time_is_not_judged_by_the_list() {
        let copy = StoredCopy {
            issued_at: None,
            marked_out_of_date: false,
        };
        assert_eq!(copy.out_of_date_reason(Some(Utc::now())), None);
    }
}

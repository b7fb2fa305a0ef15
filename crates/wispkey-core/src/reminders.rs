//! Rotation reminders: each secret has a maximum age (the Settings default, 90 days, or its own
//! override); one not rotated within it is overdue. At start the app notifies how many are
//! overdue unless the user snoozed the reminder. Kept in `reminders.json` beside the
//! preferences, written by the app only (ids and numbers, never a value).

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::account::AccountRef;
use crate::error::{Error, Result};
use crate::preferences::{MAX_AGE_WARNING_DAYS, MIN_AGE_WARNING_DAYS};

pub const FILE_NAME: &str = "reminders.json";

/// One secret's own maximum age.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaxAgeOverride {
    pub account: AccountRef,
    pub secret_id: String,
    pub max_age_days: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Reminders {
    pub overrides: Vec<MaxAgeOverride>,
    /// No start-up notification before this time.
    pub snoozed_until: Option<DateTime<Utc>>,
}

/// Whole days from `since` to `now` (0 when `since` is in the future).
pub fn age_days(since: DateTime<Utc>, now: DateTime<Utc>) -> u32 {
    u32::try_from((now - since).num_days().max(0)).unwrap_or(u32::MAX)
}

/// Overdue: older than its maximum age (a secret exactly `max_age_days` old is not yet).
pub fn is_overdue(since: DateTime<Utc>, max_age_days: u32, now: DateTime<Utc>) -> bool {
    age_days(since, now) > max_age_days
}

impl Reminders {
    /// The saved reminders, or none when the file is missing or unreadable (the next save
    /// replaces it).
    pub fn load(config_dir: Option<&Path>) -> Reminders {
        config_dir
            .and_then(|dir| std::fs::read_to_string(dir.join(FILE_NAME)).ok())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Writes atomically (temporary file, then rename).
    pub fn save(&self, config_dir: &Path) -> Result<()> {
        let failed = |error: std::io::Error| Error::InvalidSettings {
            detail: format!("{}: {error}", config_dir.join(FILE_NAME).display()),
        };
        std::fs::create_dir_all(config_dir).map_err(failed)?;
        let json = serde_json::to_string_pretty(self).map_err(|e| Error::InvalidSettings {
            detail: e.to_string(),
        })?;
        let temporary = config_dir.join(format!("{FILE_NAME}.tmp"));
        std::fs::write(&temporary, json).map_err(failed)?;
        std::fs::rename(&temporary, config_dir.join(FILE_NAME)).map_err(failed)
    }

    /// The secret's own maximum age, if it has one.
    pub fn max_age_override(&self, account: &AccountRef, secret_id: &str) -> Option<u32> {
        self.overrides
            .iter()
            .find(|o| &o.account == account && o.secret_id == secret_id)
            .map(|o| o.max_age_days)
    }

    /// The secret's maximum age: its override, else `default_days` (the Settings value).
    pub fn max_age_days(&self, account: &AccountRef, secret_id: &str, default_days: u32) -> u32 {
        self.max_age_override(account, secret_id)
            .unwrap_or(default_days)
    }

    /// Sets (or with `None` removes) a secret's own maximum age, within the Settings range.
    pub fn set_max_age(
        &mut self,
        account: &AccountRef,
        secret_id: &str,
        days: Option<u32>,
    ) -> Result<()> {
        if let Some(days) = days
            && !(MIN_AGE_WARNING_DAYS..=MAX_AGE_WARNING_DAYS).contains(&days)
        {
            return Err(Error::InvalidPreferences {
                reason: format!(
                    "A maximum age must be between {MIN_AGE_WARNING_DAYS} and \
                     {MAX_AGE_WARNING_DAYS} days; {days} is outside that."
                ),
            });
        }
        self.overrides
            .retain(|o| !(&o.account == account && o.secret_id == secret_id));
        if let Some(days) = days {
            self.overrides.push(MaxAgeOverride {
                account: account.clone(),
                secret_id: secret_id.to_owned(),
                max_age_days: days,
            });
        }
        Ok(())
    }

    /// No reminder for `days` from `now`.
    pub fn snooze(&mut self, now: DateTime<Utc>, days: u32) {
        self.snoozed_until = Some(now + Duration::days(i64::from(days)));
    }

    /// What the start-up notification says, or `None` when there is nothing overdue or the
    /// reminder is snoozed.
    pub fn notification(&self, overdue: usize, now: DateTime<Utc>) -> Option<String> {
        if overdue == 0 || self.snoozed_until.is_some_and(|until| now < until) {
            return None;
        }
        Some(if overdue == 1 {
            "1 signing secret is overdue for rotation.".to_owned()
        } else {
            format!("{overdue} signing secrets are overdue for rotation.")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn a_secret_is_overdue_only_once_older_than_its_maximum_age() {
        let now = at("2026-11-27T12:00:00Z");
        assert!(
            !is_overdue(at("2026-08-29T12:00:00Z"), 90, now),
            "exactly 90 days"
        );
        assert!(is_overdue(at("2026-08-28T11:00:00Z"), 90, now), "91 days");
        assert_eq!(
            age_days(at("2026-12-01T00:00:00Z"), now),
            0,
            "a future time is age 0"
        );
    }

    #[test]
    fn an_override_beats_the_default_and_can_be_removed() {
        let account = AccountRef::new("wisp", "did:plc:a");
        let mut reminders = Reminders::default();
        assert_eq!(reminders.max_age_days(&account, "hook", 90), 90);
        reminders.set_max_age(&account, "hook", Some(7)).unwrap();
        assert_eq!(reminders.max_age_days(&account, "hook", 90), 7);
        assert_eq!(
            reminders.max_age_days(&AccountRef::new("phala", "did:plc:a"), "hook", 90),
            90
        );
        reminders.set_max_age(&account, "hook", None).unwrap();
        assert_eq!(reminders.max_age_days(&account, "hook", 90), 90);
        assert!(reminders.set_max_age(&account, "hook", Some(0)).is_err());
    }

    #[test]
    fn the_notification_names_the_count_and_stays_quiet_while_snoozed() {
        let now = at("2026-11-27T12:00:00Z");
        let mut reminders = Reminders::default();
        assert_eq!(reminders.notification(0, now), None);
        assert_eq!(
            reminders.notification(1, now).as_deref(),
            Some("1 signing secret is overdue for rotation.")
        );
        assert_eq!(
            reminders.notification(3, now).as_deref(),
            Some("3 signing secrets are overdue for rotation.")
        );
        reminders.snooze(now, 7);
        assert_eq!(reminders.notification(3, now + Duration::days(6)), None);
        assert!(reminders.notification(3, now + Duration::days(7)).is_some());
    }

    #[test]
    fn reminders_survive_a_save_and_a_broken_file_means_none() {
        let dir = std::env::temp_dir().join(format!("wispkey-reminders-{}", std::process::id()));
        let mut reminders = Reminders::default();
        reminders
            .set_max_age(&AccountRef::new("wisp", "d"), "hook", Some(30))
            .unwrap();
        reminders.snooze(at("2026-11-27T12:00:00Z"), 1);
        reminders.save(&dir).unwrap();
        assert_eq!(Reminders::load(Some(&dir)), reminders);
        std::fs::write(dir.join(FILE_NAME), "{ nope").unwrap();
        assert_eq!(Reminders::load(Some(&dir)), Reminders::default());
        std::fs::remove_dir_all(dir).unwrap();
    }
}

//! The user's preferences: how long a copied token stays on the clipboard, and when a secret
//! counts as old.
//!
//! Kept in `preferences.json` beside `settings.json`, not inside it: `settings.json` is network
//! configuration a person or a deployment writes and Wispkey only reads (the environment can
//! override it); preferences are written by the app from its Settings dialog. Separate files
//! mean a save from the UI never rewrites a hand-edited settings file, and a broken preferences
//! file never stops the app from reaching the network (it falls back to the defaults).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::clipboard::DEFAULT_CLEAR_SECONDS;
use crate::error::{Error, Result};

pub const FILE_NAME: &str = "preferences.json";
pub const MAX_CLEAR_SECONDS: u32 = 600;
pub const DEFAULT_AGE_WARNING_DAYS: u32 = 90;
pub const MIN_AGE_WARNING_DAYS: u32 = 1;
pub const MAX_AGE_WARNING_DAYS: u32 = 3650;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct Preferences {
    /// Seconds until a copied token is cleared from the clipboard; 0 = never (0..=600).
    pub clipboard_clear_seconds: u32,
    /// A secret not rotated for this many days gets an age warning (1..=3650).
    pub age_warning_days: u32,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            clipboard_clear_seconds: DEFAULT_CLEAR_SECONDS,
            age_warning_days: DEFAULT_AGE_WARNING_DAYS,
        }
    }
}

impl Preferences {
    pub fn validate(&self) -> Result<()> {
        if self.clipboard_clear_seconds > MAX_CLEAR_SECONDS {
            return Err(Error::InvalidPreferences {
                reason: format!(
                    "Clearing the clipboard can wait at most {MAX_CLEAR_SECONDS} seconds \
                     (0 turns it off); {} is too long.",
                    self.clipboard_clear_seconds
                ),
            });
        }
        if !(MIN_AGE_WARNING_DAYS..=MAX_AGE_WARNING_DAYS).contains(&self.age_warning_days) {
            return Err(Error::InvalidPreferences {
                reason: format!(
                    "The age warning must be between {MIN_AGE_WARNING_DAYS} and \
                     {MAX_AGE_WARNING_DAYS} days; {} is outside that.",
                    self.age_warning_days
                ),
            });
        }
        Ok(())
    }

    /// The saved preferences, or the defaults when there is no file or it is unreadable or out
    /// of range (the next save replaces it).
    pub fn load(config_dir: Option<&Path>) -> Preferences {
        let Some(path) = config_dir.map(|dir| dir.join(FILE_NAME)) else {
            return Preferences::default();
        };
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| serde_json::from_str::<Preferences>(&text).ok())
            .filter(|preferences| preferences.validate().is_ok())
            .unwrap_or_default()
    }

    /// Validates, then writes atomically (temporary file, then rename), so a crash mid-save
    /// leaves the previous file rather than half of one.
    pub fn save(&self, config_dir: &Path) -> Result<()> {
        self.validate()?;
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
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn scratch(label: &str) -> std::path::PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        std::env::temp_dir().join(format!(
            "wispkey-prefs-{label}-{}-{nanos}",
            std::process::id()
        ))
    }

    #[test]
    fn defaults_are_thirty_seconds_and_ninety_days() {
        let defaults = Preferences::default();
        assert_eq!(defaults.clipboard_clear_seconds, 30);
        assert_eq!(defaults.age_warning_days, 90);
        assert!(defaults.validate().is_ok());
    }

    #[test]
    fn limits_are_inclusive_and_outside_is_invalid_settings() {
        let ok = |clear, age| {
            Preferences {
                clipboard_clear_seconds: clear,
                age_warning_days: age,
            }
            .validate()
        };
        assert!(ok(0, 1).is_ok());
        assert!(ok(600, 3650).is_ok());
        for (clear, age) in [(601, 90), (30, 0), (30, 3651)] {
            let error = ok(clear, age).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidSettings, "{clear} {age}");
            assert!(error.to_string().ends_with('.'));
        }
    }

    #[test]
    fn saved_preferences_load_back_and_wire_names_are_camel_case() {
        let dir = scratch("roundtrip");
        let saved = Preferences {
            clipboard_clear_seconds: 0,
            age_warning_days: 30,
        };
        saved.save(&dir).unwrap();
        assert_eq!(Preferences::load(Some(&dir)), saved);
        let text = std::fs::read_to_string(dir.join(FILE_NAME)).unwrap();
        assert!(text.contains("\"clipboardClearSeconds\": 0"), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_invalid_save_writes_nothing() {
        let dir = scratch("invalid");
        let bad = Preferences {
            clipboard_clear_seconds: 9999,
            age_warning_days: 90,
        };
        assert!(bad.save(&dir).is_err());
        assert!(!dir.join(FILE_NAME).exists());
    }

    #[test]
    fn a_broken_or_partial_file_falls_back_field_by_field_or_to_defaults() {
        let dir = scratch("broken");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(FILE_NAME), "{ not json").unwrap();
        assert_eq!(Preferences::load(Some(&dir)), Preferences::default());
        std::fs::write(dir.join(FILE_NAME), r#"{"ageWarningDays": 7}"#).unwrap();
        assert_eq!(
            Preferences::load(Some(&dir)),
            Preferences {
                clipboard_clear_seconds: 30,
                age_warning_days: 7
            }
        );
        std::fs::write(dir.join(FILE_NAME), r#"{"ageWarningDays": 0}"#).unwrap();
        assert_eq!(Preferences::load(Some(&dir)), Preferences::default());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

//! Turns the keychain crate's errors into our stable codes.
//!
//! The Secret Service reports most conditions as D-Bus errors with free text, so the mapping reads
//! the text. Each known message is pinned by a test below, taken from what the real daemon and
//! D-Bus library print (see docs/test-stack.md).

use crate::error::Error;

// On Linux the vault reaches the Secret Service directly (store.rs) and only D-Bus texts come
// through here; the keyring crate's errors are what macOS and Windows report.
#[cfg_attr(target_os = "linux", allow(dead_code))]
pub(super) fn keyring_error(error: keyring::Error) -> Error {
    match error {
        keyring::Error::NoEntry => Error::KeychainNotFound,
        keyring::Error::NoStorageAccess(inner) => classify_no_access(&inner.to_string()),
        keyring::Error::PlatformFailure(inner) => classify_platform(&inner.to_string()),
        other => Error::KeychainFailed {
            detail: other.to_string(),
        },
    }
}

#[cfg_attr(target_os = "linux", allow(dead_code))]
fn classify_no_access(detail: &str) -> Error {
    let lower = detail.to_ascii_lowercase();
    // "no result found": the bus answers but no keychain collection has been set up.
    if lower.contains("no result") || lower.contains("result not returned") {
        Error::KeychainMissing {
            detail: detail.to_owned(),
        }
    } else if lower.contains("denied") {
        Error::KeychainDenied {
            detail: detail.to_owned(),
        }
    } else {
        Error::KeychainLocked {
            detail: detail.to_owned(),
        }
    }
}

/// A D-Bus failure's text, as the Secret Service reports it.
pub(super) fn platform_detail(detail: &str) -> Error {
    classify_platform(detail)
}

fn classify_platform(detail: &str) -> Error {
    let lower = detail.to_ascii_lowercase();
    const MISSING: [&str; 8] = [
        "org.freedesktop.secrets was not provided",
        "serviceunknown",
        "namehasnoowner",
        "unable to autolaunch",
        "no dbus session",
        "failed to connect to socket",
        "no such file or directory",
        "secret service provider found",
    ];
    const LOCKED: [&str; 4] = ["locked", "prompt", "timed out", "noreply"];
    if MISSING.iter().any(|needle| lower.contains(needle)) {
        Error::KeychainMissing {
            detail: detail.to_owned(),
        }
    } else if lower.contains("accessdenied") || lower.contains("denied") {
        Error::KeychainDenied {
            detail: detail.to_owned(),
        }
    } else if LOCKED.iter().any(|needle| lower.contains(needle)) {
        Error::KeychainLocked {
            detail: detail.to_owned(),
        }
    } else {
        Error::KeychainFailed {
            detail: detail.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn platform(message: &str) -> ErrorCode {
        keyring_error(keyring::Error::PlatformFailure(message.into())).code()
    }

    fn no_access(message: &str) -> ErrorCode {
        keyring_error(keyring::Error::NoStorageAccess(message.into())).code()
    }

    #[test]
    fn no_secret_service_on_the_bus_is_keychain_missing() {
        assert_eq!(
            platform(
                "DBus error: The name org.freedesktop.secrets was not provided by any .service files"
            ),
            ErrorCode::KeychainMissing
        );
    }

    #[test]
    fn no_session_bus_is_keychain_missing() {
        assert_eq!(
            platform("DBus error: Unable to autolaunch a dbus-daemon without a $DISPLAY for X11"),
            ErrorCode::KeychainMissing
        );
        assert_eq!(
            platform("No DBus session or Secret Service provider found"),
            ErrorCode::KeychainMissing
        );
    }

    #[test]
    fn bus_without_a_configured_keychain_is_keychain_missing() {
        assert_eq!(
            no_access("Secret Service: no result found"),
            ErrorCode::KeychainMissing
        );
    }

    #[test]
    fn locked_collection_and_dismissed_prompt_are_keychain_locked() {
        assert_eq!(
            no_access("Secret Service: object locked"),
            ErrorCode::KeychainLocked
        );
        assert_eq!(
            no_access("Secret Service: unlock prompt was dismissed"),
            ErrorCode::KeychainLocked
        );
    }

    #[test]
    fn access_denied_is_keychain_denied() {
        assert_eq!(
            platform("DBus error: org.freedesktop.DBus.Error.AccessDenied: not allowed"),
            ErrorCode::KeychainDenied
        );
    }

    #[test]
    fn missing_entry_is_keychain_not_found() {
        assert_eq!(
            keyring_error(keyring::Error::NoEntry).code(),
            ErrorCode::KeychainNotFound
        );
    }

    #[test]
    fn anything_else_is_a_generic_keychain_failure() {
        assert_eq!(platform("something new"), ErrorCode::KeychainFailed);
    }
}

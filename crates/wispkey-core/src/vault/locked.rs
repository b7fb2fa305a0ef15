//! Asking the keychain whether it is locked before touching it, and asking it to unlock.
//!
//! A write to a locked Secret Service collection makes the daemon show an unlock prompt and
//! block until someone answers; the keychain deadline then reports it only after seconds. The
//! collection's `Locked` property answers at once without a prompt, so the vault asks first
//! (see `store.rs`) and says "locked" within one D-Bus round trip. Unlocking is a separate,
//! deliberate action, here: it raises the system's own password prompt (Wispkey never sees the
//! password).
//!
//! macOS and Windows have no equivalent question; their stores prompt (or not) themselves.

use crate::error::{Error, Result};

/// Raises the system's unlock prompt for the default collection and waits for the answer.
/// `Ok` once it is unlocked (or was not locked); dismissing the prompt is `KeychainIsLocked`.
#[cfg(target_os = "linux")]
pub(super) fn unlock() -> Result<()> {
    use dbus_secret_service::{EncryptionType, SecretService};
    let failed = |error: dbus_secret_service::Error| match error {
        dbus_secret_service::Error::Prompt | dbus_secret_service::Error::Locked => {
            Error::KeychainIsLocked
        }
        other => Error::KeychainFailed {
            detail: other.to_string(),
        },
    };
    let service =
        SecretService::connect(EncryptionType::Plain).map_err(|error| Error::KeychainMissing {
            detail: error.to_string(),
        })?;
    let collection = service.get_default_collection().map_err(failed)?;
    if collection.is_locked().map_err(failed)? {
        collection.unlock().map_err(failed)?;
    }
    if collection.is_locked().map_err(failed)? {
        return Err(Error::KeychainIsLocked);
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
pub(super) fn unlock() -> Result<()> {
    Ok(())
}

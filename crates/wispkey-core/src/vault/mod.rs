//! The vault: the OS keychain, and the only place Wispkey keeps a secret at rest.
//!
//! Linux uses the Secret Service over D-Bus (GNOME Keyring, KWallet, KeePassXC); macOS and Windows
//! use their native stores. Keychain calls block and can hang behind an unlock prompt, so every
//! call runs on its own thread with a deadline: a keychain that does not answer becomes
//! [`Error::KeychainLocked`], never a frozen window.

mod classify;
mod deadline;

use std::time::Duration;

use crate::error::{Error, Result};
use crate::secret::SecretString;

/// How long one keychain call may take before we report it as locked or not answering.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The keychain "service" attribute every Wispkey item carries.
pub const DEFAULT_SERVICE: &str = "place.wisp.wispkey";

/// The platform store this build talks to, for messages and the UI.
#[cfg(target_os = "linux")]
pub const STORE_NAME: &str = "Secret Service";
#[cfg(target_os = "macos")]
pub const STORE_NAME: &str = "macOS Keychain";
#[cfg(target_os = "windows")]
pub const STORE_NAME: &str = "Windows Credential Manager";

#[derive(Debug, Clone)]
pub struct Vault {
    service: String,
    timeout: Duration,
}

impl Default for Vault {
    fn default() -> Self {
        Vault::new(DEFAULT_SERVICE)
    }
}

impl Vault {
    pub fn new(service: impl Into<String>) -> Self {
        Vault {
            service: service.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Stores `secret` under `account`, then reads it back and compares, so a caller that gets
    /// `Ok` knows the keychain really holds the value (invariant: persist before show).
    pub fn store(&self, account: &str, secret: &SecretString) -> Result<()> {
        let (service, account, value) = (self.service.clone(), account.to_owned(), secret.clone());
        deadline::run(self.timeout, move || {
            let entry = entry(&service, &account)?;
            entry
                .set_password(value.expose())
                .map_err(classify::keyring_error)?;
            let stored = entry.get_password().map_err(classify::keyring_error)?;
            let stored = SecretString::new(stored);
            if stored == value {
                Ok(())
            } else {
                Err(Error::KeychainVerifyFailed)
            }
        })
    }

    pub fn read(&self, account: &str) -> Result<SecretString> {
        let (service, account) = (self.service.clone(), account.to_owned());
        deadline::run(self.timeout, move || {
            let entry = entry(&service, &account)?;
            entry
                .get_password()
                .map(SecretString::new)
                .map_err(classify::keyring_error)
        })
    }

    /// Deletes the item. Deleting something that is not there is `KeychainNotFound`, so callers
    /// can tell "removed" from "was never here".
    pub fn delete(&self, account: &str) -> Result<()> {
        let (service, account) = (self.service.clone(), account.to_owned());
        deadline::run(self.timeout, move || {
            entry(&service, &account)?
                .delete_credential()
                .map_err(classify::keyring_error)
        })
    }

    /// Whether an item exists, without handing its value to the caller.
    pub fn contains(&self, account: &str) -> Result<bool> {
        match self.read(account) {
            Ok(_) => Ok(true),
            Err(Error::KeychainNotFound) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// [`Vault::store`] for async callers: runs on the blocking pool, not on a runtime worker.
    pub async fn store_async(&self, account: &str, secret: &SecretString) -> Result<()> {
        let (vault, account, secret) = (self.clone(), account.to_owned(), secret.clone());
        blocking(move || vault.store(&account, &secret)).await
    }

    pub async fn read_async(&self, account: &str) -> Result<SecretString> {
        let (vault, account) = (self.clone(), account.to_owned());
        blocking(move || vault.read(&account)).await
    }

    pub async fn delete_async(&self, account: &str) -> Result<()> {
        let (vault, account) = (self.clone(), account.to_owned());
        blocking(move || vault.delete(&account)).await
    }

    pub async fn contains_async(&self, account: &str) -> Result<bool> {
        let (vault, account) = (self.clone(), account.to_owned());
        blocking(move || vault.contains(&account)).await
    }
}

fn entry(service: &str, account: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(service, account).map_err(classify::keyring_error)
}

async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|join_error| Error::KeychainFailed {
            detail: format!("keychain task ended abnormally: {join_error}"),
        })?
}

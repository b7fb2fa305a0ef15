//! The vault: the OS keychain, and the only place Wispkey keeps a secret at rest.
//!
//! Linux uses the Secret Service over D-Bus (GNOME Keyring, KWallet, KeePassXC); macOS and Windows
//! use their native stores. Keychain calls block and can hang behind an unlock prompt, so every
//! call runs on the keychain thread (which keeps one connection) with a deadline: a keychain that
//! does not answer becomes [`Error::KeychainLocked`], never a frozen window.

mod account_list;
mod chunked;
mod classify;
mod deadline;
mod items;
pub mod limit;
mod locked;
mod read_ahead;
#[cfg(target_os = "linux")]
mod secret_service;
mod store;
mod worker;

use std::time::Duration;

use crate::error::{Error, Result};
use crate::secret::SecretString;
use store::Access;

/// How long one keychain call may take before we report it as locked or not answering.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the unlock prompt may wait for the user.
pub const UNLOCK_TIMEOUT: Duration = Duration::from_secs(300);

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
    /// `Ok` knows the keychain really holds the value (invariant: persist before show). A value
    /// too large for one item on every platform is kept as parts ([`chunked`]).
    pub fn store(&self, account: &str, secret: &SecretString) -> Result<()> {
        let (service, account, value) = (self.service.clone(), account.to_owned(), secret.clone());
        deadline::run(self.timeout, move |progress, link| {
            read_ahead::forget(&service);
            items::store(
                &store::open(&service, progress, link, Access::Write)?,
                &account,
                &value,
            )
        })
    }

    pub fn read(&self, account: &str) -> Result<SecretString> {
        let (service, account) = (self.service.clone(), account.to_owned());
        deadline::run(self.timeout, move |progress, link| {
            if let Some(answer) = read_ahead::take(&service, &account) {
                return answer.ok_or(Error::KeychainNotFound);
            }
            items::read(
                &store::open(&service, progress, link, Access::Read)?,
                &account,
            )
        })
    }

    /// Deletes the item (and its parts). Deleting something that is not there is
    /// `KeychainNotFound`, so callers can tell "removed" from "was never here".
    pub fn delete(&self, account: &str) -> Result<()> {
        let (service, account) = (self.service.clone(), account.to_owned());
        deadline::run(self.timeout, move |progress, link| {
            read_ahead::forget(&service);
            items::delete(
                &store::open(&service, progress, link, Access::Write)?,
                &account,
            )
        })
    }

    /// Opens the keychain connection on the keychain thread now, without waiting for it: a
    /// process that will read the keychain soon starts the D-Bus handshake and the key
    /// exchange while it does other start-up work. A failure here is not reported; the first
    /// vault call meets it again and says so.
    pub fn connect_ahead() {
        let _ = worker::submit(Box::new(|progress, link| {
            let _ = link.warm();
            progress.tick();
        }));
    }

    /// Reads `items` in one go on the keychain thread, without waiting: their searches go out
    /// together and their values come back in one call. A [`Vault::read`] of one of them that
    /// follows at once takes that answer ([`read_ahead`]). Failures are not kept: the read
    /// itself meets them again and says so.
    pub fn read_ahead(&self, items: &[&str]) {
        let service = self.service.clone();
        let names: Vec<String> = items.iter().map(|item| (*item).to_owned()).collect();
        let _ = worker::submit(Box::new(move |progress, link| {
            let Ok(store) = store::open(&service, progress, link, Access::Read) else {
                return;
            };
            let Ok(answers) = items::read_each(&store, &names) else {
                return;
            };
            for (name, answer) in names.iter().zip(answers) {
                match answer {
                    Ok(value) => read_ahead::keep(&service, name, Some(value)),
                    Err(Error::KeychainNotFound) => read_ahead::keep(&service, name, None),
                    Err(_) => {}
                }
            }
        }));
    }

    /// Raises the system's own unlock prompt and waits (up to [`UNLOCK_TIMEOUT`]) for the
    /// user to answer it. `KeychainLocked` if it stays locked.
    pub fn unlock(&self) -> Result<()> {
        deadline::run_alone(UNLOCK_TIMEOUT, |_| locked::unlock())
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

    pub async fn unlock_async(&self) -> Result<()> {
        let vault = self.clone();
        blocking(move || vault.unlock()).await
    }
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

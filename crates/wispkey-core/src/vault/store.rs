//! The raw keychain under the vault: get, put and remove one item, nothing about parts or
//! sizes. One [`Store`] is opened per vault operation, so a value kept as many parts costs one
//! connection, not one per part.
//!
//! Linux talks to the Secret Service directly through `dbus-secret-service` (the client the
//! keyring crate itself uses), with the keyring crate's item attributes and label, so items
//! written either way are the same items. The keyring crate opens a new connection with a new
//! encrypted session for every call; a 10,000-name index in ~120 parts then took over 10 s.
//! Other platforms go through the keyring crate.

use crate::error::Result;
use crate::secret::SecretString;

pub(super) trait Store {
    fn get(&self, item: &str) -> Result<SecretString>;
    /// Writes `value` as is; the caller has checked its size.
    fn put(&self, item: &str, value: &str) -> Result<()>;
    fn remove(&self, item: &str) -> Result<()>;
}

#[cfg(target_os = "linux")]
pub(super) use linux::open;

#[cfg(not(target_os = "linux"))]
pub(super) use native::open;

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::HashMap;

    use dbus_secret_service::{EncryptionType, Item, SecretService};

    use super::Store;
    use crate::error::{Error, Result};
    use crate::secret::SecretString;
    use crate::vault::classify;
    use crate::vault::deadline::Progress;

    /// The collection the keyring crate writes to, named by its `target` attribute.
    const TARGET: &str = "default";

    pub(in crate::vault) struct SecretServiceStore {
        service: SecretService,
        name: String,
        progress: Progress,
    }

    /// Connects once, and says at once if the default collection is locked: writing to it
    /// would raise an unlock prompt and wait for it (the vault never prompts on its own).
    pub(in crate::vault) fn open(service: &str, progress: &Progress) -> Result<SecretServiceStore> {
        let connection = SecretService::connect(EncryptionType::Dh).map_err(error)?;
        if let Ok(collection) = connection.get_default_collection()
            && collection.is_locked().map_err(error)?
        {
            return Err(Error::KeychainIsLocked);
        }
        progress.tick();
        Ok(SecretServiceStore {
            service: connection,
            name: service.to_owned(),
            progress: progress.clone(),
        })
    }

    pub(in crate::vault) fn error(error: dbus_secret_service::Error) -> Error {
        use dbus_secret_service::Error as Ss;
        match error {
            Ss::Locked | Ss::Prompt => Error::KeychainIsLocked,
            Ss::NoResult => Error::KeychainMissing {
                detail: "the Secret Service has no default collection".into(),
            },
            Ss::Unavailable => Error::KeychainMissing {
                detail: "no Secret Service provider found".into(),
            },
            Ss::Dbus(inner) => classify::platform_detail(&inner.to_string()),
            other => Error::KeychainFailed {
                detail: other.to_string(),
            },
        }
    }

    impl SecretServiceStore {
        /// The one item named `item`: with the keyring crate's target, else (written by another
        /// client or an old keyring) without it.
        fn find(&self, item: &str) -> Result<Option<Item<'_>>> {
            for with_target in [true, false] {
                let mut attributes =
                    HashMap::from([("service", self.name.as_str()), ("username", item)]);
                if with_target {
                    attributes.insert("target", TARGET);
                }
                let found = self.service.search_items(attributes).map_err(error)?;
                self.progress.tick();
                if !found.locked.is_empty() {
                    return Err(Error::KeychainIsLocked);
                }
                let mut unlocked = found.unlocked;
                match unlocked.len() {
                    0 => continue,
                    1 => return Ok(unlocked.pop()),
                    count => {
                        return Err(Error::KeychainFailed {
                            detail: format!("{count} keychain items answer to one name"),
                        });
                    }
                }
            }
            Ok(None)
        }
    }

    impl Store for SecretServiceStore {
        fn get(&self, item: &str) -> Result<SecretString> {
            let found = self.find(item)?.ok_or(Error::KeychainNotFound)?;
            let bytes = found.get_secret().map_err(error)?;
            self.progress.tick();
            String::from_utf8(bytes)
                .map(SecretString::new)
                .map_err(|not_text| {
                    let mut bytes = not_text.into_bytes();
                    zeroize::Zeroize::zeroize(&mut bytes);
                    Error::KeychainFailed {
                        detail: "a keychain item does not hold text".into(),
                    }
                })
        }

        fn put(&self, item: &str, value: &str) -> Result<()> {
            if let Some(existing) = self.find(item)? {
                existing
                    .set_secret(value.as_bytes(), "text/plain")
                    .map_err(error)?;
                self.progress.tick();
                return Ok(());
            }
            let collection = self.service.get_default_collection().map_err(error)?;
            let attributes = HashMap::from([
                ("service", self.name.as_str()),
                ("username", item),
                ("target", TARGET),
                ("application", "rust-keyring"),
            ]);
            let label = format!("{item}@{}:{TARGET} (keyring v3.6.3)", self.name);
            collection
                .create_item(&label, attributes, value.as_bytes(), true, "text/plain")
                .map_err(error)?;
            self.progress.tick();
            Ok(())
        }

        fn remove(&self, item: &str) -> Result<()> {
            self.find(item)?
                .ok_or(Error::KeychainNotFound)?
                .delete()
                .map_err(error)?;
            self.progress.tick();
            Ok(())
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod native {
    use super::Store;
    use crate::error::Result;
    use crate::secret::SecretString;
    use crate::vault::classify;
    use crate::vault::deadline::Progress;

    pub(in crate::vault) struct KeyringStore {
        name: String,
        progress: Progress,
    }

    pub(in crate::vault) fn open(service: &str, progress: &Progress) -> Result<KeyringStore> {
        Ok(KeyringStore {
            name: service.to_owned(),
            progress: progress.clone(),
        })
    }

    impl KeyringStore {
        fn entry(&self, item: &str) -> Result<keyring::Entry> {
            keyring::Entry::new(&self.name, item).map_err(classify::keyring_error)
        }
    }

    impl Store for KeyringStore {
        fn get(&self, item: &str) -> Result<SecretString> {
            let value = self.entry(item)?.get_password();
            self.progress.tick();
            value
                .map(SecretString::new)
                .map_err(classify::keyring_error)
        }

        fn put(&self, item: &str, value: &str) -> Result<()> {
            let written = self.entry(item)?.set_password(value);
            self.progress.tick();
            written.map_err(classify::keyring_error)
        }

        fn remove(&self, item: &str) -> Result<()> {
            let removed = self.entry(item)?.delete_credential();
            self.progress.tick();
            removed.map_err(classify::keyring_error)
        }
    }
}

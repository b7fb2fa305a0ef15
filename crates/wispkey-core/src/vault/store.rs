//! The raw keychain under the vault: get, put and remove one item, nothing about parts or
//! sizes. One [`Store`] is opened per vault operation over the [`Link`] the keychain thread
//! keeps ([`super::worker`]): on Linux one connection and one encrypted session for the
//! process's life, not one per call or per part.
//!
//! Linux talks to the Secret Service through our own client ([`super::secret_service`]), with
//! the keyring crate's item attributes and label, so items written either way are the same
//! items. The keyring crate opens a new connection with a new encrypted session for every call;
//! a 10,000-name index in ~120 parts then took over 10 s. Other platforms go through the
//! keyring crate.

use crate::error::Result;
use crate::secret::SecretString;

/// What a vault call does with the keychain: a write must know first that the collection is
/// unlocked (writing to a locked one raises a prompt and blocks); a read may rely on an answer
/// to that question from a moment ago.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    Read,
    Write,
}

pub(super) trait Store {
    fn get(&self, item: &str) -> Result<SecretString>;
    /// Several items at once, in order; `None` for one that is not there. Stores that can ask
    /// for several items in one go override this.
    fn get_each(&self, items: &[String]) -> Result<Vec<Option<SecretString>>> {
        items
            .iter()
            .map(|item| match self.get(item) {
                Ok(value) => Ok(Some(value)),
                Err(crate::error::Error::KeychainNotFound) => Ok(None),
                Err(other) => Err(other),
            })
            .collect()
    }
    /// Writes `value` as is; the caller has checked its size.
    fn put(&self, item: &str, value: &str) -> Result<()>;
    fn remove(&self, item: &str) -> Result<()>;
}

#[cfg(target_os = "linux")]
pub(super) use linux::{Link, open};

#[cfg(not(target_os = "linux"))]
pub(super) use native::{Link, open};

#[cfg(target_os = "linux")]
mod linux {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::ffi::OsString;
    use std::time::{Duration, Instant};

    use dbus::Path;

    use super::{Access, Store};
    use crate::error::{Error, Result};
    use crate::secret::SecretString;
    use crate::vault::classify;
    use crate::vault::deadline::Progress;
    use crate::vault::secret_service::{Client, Fault, Found};

    /// How long a "not locked" answer stands for reads. A command reads several items in a few
    /// milliseconds, and asking before each read cost a round trip each. A read that comes just
    /// after the collection locked still says so when the store lists the item as locked
    /// (gnome-keyring does); a write always asks first.
    const UNLOCKED_ANSWER_STANDS_FOR: Duration = Duration::from_secs(1);

    /// The collection the keyring crate writes to, named by its `target` attribute.
    const TARGET: &str = "default";

    type Ss = Fault;

    /// The kept connection and its encrypted session (on the keychain thread), opened on first
    /// use and again after it fails, or when the session bus changes.
    #[derive(Default)]
    pub(in crate::vault) struct Link {
        open: Option<Open>,
    }

    struct Open {
        bus: Option<OsString>,
        service: Client,
        /// When the default collection last answered that it is not locked.
        unlocked_at: Option<Instant>,
    }

    impl Link {
        /// The connection, opened now if there is none for the current session bus; `true` if
        /// it was opened just now.
        fn connect(&mut self) -> Result<bool> {
            let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS");
            if self.open.as_ref().is_some_and(|open| open.bus == bus) {
                return Ok(false);
            }
            self.open = None;
            let service = Client::connect().map_err(error)?;
            self.open = Some(Open {
                bus,
                service,
                unlocked_at: None,
            });
            Ok(true)
        }

        /// Opens the connection and its encrypted session now, so that the first vault call
        /// does not wait for the handshake and the key exchange.
        pub(in crate::vault) fn warm(&mut self) -> Result<()> {
            self.connect().map(|_| ())
        }

        fn unlocked_recently(&self) -> bool {
            self.open
                .as_ref()
                .and_then(|open| open.unlocked_at)
                .is_some_and(|at| at.elapsed() < UNLOCKED_ANSWER_STANDS_FOR)
        }

        fn saw_unlocked(&mut self) {
            if let Some(open) = self.open.as_mut() {
                open.unlocked_at = Some(Instant::now());
            }
        }

        fn service(&self) -> Result<&Client> {
            self.open
                .as_ref()
                .map(|open| &open.service)
                .ok_or_else(|| Error::KeychainFailed {
                    detail: "the keychain connection is not open".into(),
                })
        }
    }

    pub(in crate::vault) struct SecretServiceStore<'link> {
        link: RefCell<&'link mut Link>,
        name: String,
        progress: Progress,
        /// Item paths found during this vault call. Not kept across calls: gnome-keyring reuses
        /// the number of a deleted item, so a path kept from earlier could name another
        /// client's newer item; one search per call is cheap next to that risk.
        found: RefCell<HashMap<String, Path<'static>>>,
    }

    /// Uses the kept connection (opening it if need be), and says at once if the default
    /// collection is locked: writing to it would raise an unlock prompt and wait for it (the
    /// vault never prompts on its own). A read skips the question when it was answered "not
    /// locked" within [`UNLOCKED_ANSWER_STANDS_FOR`].
    pub(in crate::vault) fn open<'link>(
        service: &str,
        progress: &Progress,
        link: &'link mut Link,
        access: Access,
    ) -> Result<SecretServiceStore<'link>> {
        let skip_question = access == Access::Read && link.unlocked_recently();
        let store = SecretServiceStore {
            link: RefCell::new(link),
            name: service.to_owned(),
            progress: progress.clone(),
            found: RefCell::default(),
        };
        if skip_question {
            return Ok(store);
        }
        match store.call(default_collection_locked) {
            Ok(true) => return Err(Error::KeychainIsLocked),
            Ok(false) => store.link.borrow_mut().saw_unlocked(),
            // No default collection: a write will say so; a read may still find items.
            Err(Error::KeychainMissing { .. }) => {}
            Err(other) => return Err(other),
        }
        Ok(store)
    }

    /// The spec's object path for the default collection, whatever collection that is now.
    const DEFAULT_ALIAS_PATH: &str = "/org/freedesktop/secrets/aliases/default";

    /// Whether the default collection is locked. Asked at its alias path: one round trip where
    /// `ReadAlias` then `Locked` took two, and this runs before every vault call. A provider
    /// that does not serve alias paths gets the two calls.
    fn default_collection_locked(service: &Client) -> std::result::Result<bool, Ss> {
        match service.collection_locked(DEFAULT_ALIAS_PATH) {
            Ok(locked) => Ok(locked),
            Err(_) => service.collection_locked(&service.default_collection()?),
        }
    }

    pub(in crate::vault) fn error(error: Fault) -> Error {
        match error {
            Fault::NeedsPrompt => Error::KeychainIsLocked,
            Fault::NoDefaultCollection => Error::KeychainMissing {
                detail: "the Secret Service has no default collection".into(),
            },
            Fault::Bus(inner) => classify::platform_detail(&inner.to_string()),
            Fault::Crypto(inner) => Error::KeychainFailed {
                detail: inner.to_string(),
            },
        }
    }

    /// A failure that a connection opened earlier may give only because the daemon restarted
    /// since (its sessions died with it): worth one more try on a new connection.
    fn may_be_a_stale_connection(error: &Ss) -> bool {
        matches!(error, Fault::Bus(_) | Fault::Crypto(_))
    }

    impl SecretServiceStore<'_> {
        /// One keychain round trip on the kept connection. A failure on a connection opened
        /// before this call is tried once more on a new one; the new one's answer stands.
        fn call<T>(&self, op: impl Fn(&Client) -> std::result::Result<T, Ss>) -> Result<T> {
            let mut link = self.link.borrow_mut();
            let fresh = link.connect()?;
            let mut answer = op(link.service()?);
            if !fresh && answer.as_ref().is_err_and(may_be_a_stale_connection) {
                link.open = None;
                self.found.borrow_mut().clear();
                link.connect()?;
                answer = op(link.service()?);
            }
            self.progress.tick();
            answer.map_err(error)
        }

        /// The attributes naming `item` under this vault's service, whoever wrote it.
        fn named<'a>(&'a self, item: &'a str) -> HashMap<&'a str, &'a str> {
            HashMap::from([("service", self.name.as_str()), ("username", item)])
        }

        /// The item paths answering to `item` (unlocked ones) and how many locked ones do, with
        /// or without the keyring crate's target among the attributes.
        fn search(&self, item: &str, with_target: bool) -> Result<(Vec<Path<'static>>, usize)> {
            let mut attributes = self.named(item);
            if with_target {
                attributes.insert("target", TARGET);
            }
            self.call(|service| {
                let Found { unlocked, locked } = service.search(&attributes)?;
                Ok((unlocked, locked.len()))
            })
        }

        /// The path of the one item named `item`: with the keyring crate's target, else
        /// (written by another client or an old keyring) without it.
        ///
        /// A search without the target matches both kinds, so when it finds nothing, or one
        /// unlocked item, that is the answer in one round trip (a missing item used to cost
        /// two, and every command reads several items that are normally missing). Anything
        /// else (several items, a locked one) is decided by the two searches in that order.
        fn find(&self, item: &str) -> Result<Option<Path<'static>>> {
            if let Some(path) = self.found.borrow().get(item) {
                return Ok(Some(path.clone()));
            }
            let (either, locked) = self.search(item, false)?;
            self.decide(item, either, locked)
        }

        /// [`Self::find`] after its first search, which found `either` unlocked items and
        /// `locked` locked ones answering to `item`.
        fn decide(
            &self,
            item: &str,
            mut either: Vec<Path<'static>>,
            locked: usize,
        ) -> Result<Option<Path<'static>>> {
            if locked == 0 && either.len() <= 1 {
                return Ok(self.remember(item, either.pop()));
            }
            for with_target in [true, false] {
                let (mut unlocked, locked) = self.search(item, with_target)?;
                if locked > 0 {
                    return Err(Error::KeychainIsLocked);
                }
                match unlocked.len() {
                    0 => continue,
                    1 => return Ok(self.remember(item, unlocked.pop())),
                    count => {
                        return Err(Error::KeychainFailed {
                            detail: format!("{count} keychain items answer to one name"),
                        });
                    }
                }
            }
            Ok(None)
        }

        /// Keeps the path found for `item` for the rest of this vault call.
        fn remember(&self, item: &str, path: Option<Path<'static>>) -> Option<Path<'static>> {
            if let Some(path) = &path {
                self.found
                    .borrow_mut()
                    .insert(item.to_owned(), path.clone());
            }
            path
        }
    }

    /// A secret's bytes as text; bytes that are not text are wiped.
    fn text(mut bytes: zeroize::Zeroizing<Vec<u8>>) -> Result<SecretString> {
        String::from_utf8(std::mem::take(&mut *bytes))
            .map(SecretString::new)
            .map_err(|not_text| {
                let mut bytes = not_text.into_bytes();
                zeroize::Zeroize::zeroize(&mut bytes);
                Error::KeychainFailed {
                    detail: "a keychain item does not hold text".into(),
                }
            })
    }

    impl SecretServiceStore<'_> {
        /// [`Self::find`] for several names: their first searches go out together, and only a
        /// name whose answer is not plain (several items, a locked one) gets the second look.
        fn find_each(&self, items: &[String]) -> Result<Vec<Option<Path<'static>>>> {
            let queries: Vec<HashMap<&str, &str>> =
                items.iter().map(|item| self.named(item)).collect();
            let answers = self.call(|service| service.search_each(&queries))?;
            items
                .iter()
                .zip(answers)
                .map(|(item, found)| self.decide(item, found.unlocked, found.locked.len()))
                .collect()
        }
    }

    impl Store for SecretServiceStore<'_> {
        fn get(&self, item: &str) -> Result<SecretString> {
            let path = self.find(item)?.ok_or(Error::KeychainNotFound)?;
            text(self.call(|service| service.secret(&path))?)
        }

        /// Two round trips however many items: the searches together, then one `GetSecrets`.
        fn get_each(&self, items: &[String]) -> Result<Vec<Option<SecretString>>> {
            let paths = self.find_each(items)?;
            let wanted: Vec<Path<'static>> = paths.iter().flatten().cloned().collect();
            let mut secrets = if wanted.is_empty() {
                HashMap::new()
            } else {
                self.call(|service| service.secrets(&wanted))?
            };
            paths
                .into_iter()
                .map(|path| {
                    let Some(path) = path else {
                        return Ok(None);
                    };
                    // Found, yet not in the answer: deleted or locked in between. Not "not
                    // there", which a locked item is not; the caller's next read will say.
                    let bytes = secrets.remove(&path).ok_or_else(|| Error::KeychainFailed {
                        detail: "a keychain item changed while it was being read".into(),
                    })?;
                    text(bytes).map(Some)
                })
                .collect()
        }

        fn put(&self, item: &str, value: &str) -> Result<()> {
            if let Some(existing) = self.find(item)? {
                return self.call(|service| service.set_secret(&existing, value.as_bytes()));
            }
            let attributes = HashMap::from([
                ("service", self.name.as_str()),
                ("username", item),
                ("target", TARGET),
                ("application", "rust-keyring"),
            ]);
            let label = format!("{item}@{}:{TARGET} (keyring v3.6.3)", self.name);
            let created = self.call(|service| {
                let collection = service.default_collection()?;
                service.create_item(&collection, &label, &attributes, value.as_bytes())
            })?;
            self.found.borrow_mut().insert(item.to_owned(), created);
            Ok(())
        }

        fn remove(&self, item: &str) -> Result<()> {
            let path = self.find(item)?.ok_or(Error::KeychainNotFound)?;
            self.found.borrow_mut().remove(item);
            self.call(|service| service.delete(&path))
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod native {
    use super::{Access, Store};
    use crate::error::Result;
    use crate::secret::SecretString;
    use crate::vault::classify;
    use crate::vault::deadline::Progress;

    pub(in crate::vault) struct KeyringStore {
        name: String,
        progress: Progress,
    }

    /// The keyring crate keeps no connection of ours on these platforms.
    #[derive(Default)]
    pub(in crate::vault) struct Link;

    impl Link {
        /// Nothing to open ahead of time here.
        pub(in crate::vault) fn warm(&mut self) -> Result<()> {
            Ok(())
        }
    }

    pub(in crate::vault) fn open(
        service: &str,
        progress: &Progress,
        _link: &mut Link,
        _access: Access,
    ) -> Result<KeyringStore> {
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

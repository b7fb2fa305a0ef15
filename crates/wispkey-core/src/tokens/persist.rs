//! Writing a token to the keychain and taking it out again, keeping the account's index in step.
//!
//! A token counts as stored only when its item was written, read back equal (the vault does the
//! read-back), and its name is in the index the list's badges come from.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use super::index;
use super::item::token_item;
use crate::error::{Error, Result};
use crate::secret::SecretString;
use crate::vault::Vault;

#[derive(Clone)]
pub(crate) struct Persistence {
    pub vault: Vault,
    /// Serializes read-modify-write of the index items (one process writes them).
    index_lock: Arc<tokio::sync::Mutex<()>>,
    /// Stored copies known to be dead (rotated at the server, but the new token could not be
    /// written and the old item could not be removed either): never shown as stored or copied.
    stale: Arc<Mutex<HashSet<(String, String)>>>,
}

impl Persistence {
    pub fn new(vault: Vault) -> Self {
        Persistence {
            vault,
            index_lock: Arc::default(),
            stale: Arc::default(),
        }
    }

    fn set_stale(&self, did: &str, name: &str, stale: bool) {
        let mut set = self.stale.lock().unwrap_or_else(|p| p.into_inner());
        let key = (did.to_owned(), name.to_owned());
        if stale {
            set.insert(key);
        } else {
            set.remove(&key);
        }
    }

    pub fn is_stale(&self, did: &str, name: &str) -> bool {
        let set = self.stale.lock().unwrap_or_else(|p| p.into_inner());
        set.contains(&(did.to_owned(), name.to_owned()))
    }

    pub fn stale_names(&self, did: &str) -> Vec<String> {
        let set = self.stale.lock().unwrap_or_else(|p| p.into_inner());
        set.iter()
            .filter(|(stale_did, _)| stale_did == did)
            .map(|(_, name)| name.clone())
            .collect()
    }

    /// Stores the token (write + read-back compare), then lists its name in the index.
    pub async fn store(&self, did: &str, name: &str, token: &SecretString) -> Result<()> {
        self.vault
            .store_async(&token_item(did, name), token)
            .await?;
        self.set_stale(did, name, false);
        let _guard = self.index_lock.lock().await;
        let mut names = index::read(&self.vault, did).await?;
        if names.insert(name.to_owned()) {
            index::write(&self.vault, did, &names).await?;
        }
        Ok(())
    }

    /// After a rotate whose new token could not be stored: the keychain may still hold the old,
    /// now dead token. Remove it if the keychain lets us; otherwise remember it is dead.
    pub async fn drop_dead_copy(&self, did: &str, name: &str) {
        if self.remove(did, name).await.is_err() {
            self.set_stale(did, name, true);
        }
    }

    /// Removes the stored copy and its index entry. `Ok(true)` if a token item was there.
    pub async fn remove(&self, did: &str, name: &str) -> Result<bool> {
        let removed = match self.vault.delete_async(&token_item(did, name)).await {
            Ok(()) => true,
            Err(Error::KeychainNotFound) => false,
            Err(other) => return Err(other),
        };
        self.set_stale(did, name, false);
        self.unlist(did, name).await?;
        Ok(removed)
    }

    /// Takes a name out of the index (its item is gone, or is being removed).
    pub async fn unlist(&self, did: &str, name: &str) -> Result<()> {
        let _guard = self.index_lock.lock().await;
        let mut names = index::read(&self.vault, did).await?;
        if names.remove(name) {
            index::write(&self.vault, did, &names).await?;
        }
        Ok(())
    }
}

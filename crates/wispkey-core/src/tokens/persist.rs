//! Writing a token to the keychain and taking it out again, keeping the account's index in step.
//!
//! A token counts as stored only when its item was written, read back equal (the vault does the
//! read-back), and its name is in the index the list's badges come from.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::index;
use super::item::{index_item, token_item};
use crate::account::AccountRef;
use crate::error::{Error, Result};
use crate::process_lock::{self, ProcessLock};
use crate::secret::SecretString;
use crate::vault::Vault;

/// An index write is a few keychain calls; another process holding the lock longer than this is
/// stuck, and the store reports the account busy instead of waiting forever.
const INDEX_LOCK_PATIENCE: Duration = Duration::from_secs(20);

#[derive(Clone)]
pub(crate) struct Persistence {
    pub vault: Vault,
    /// Serializes read-modify-write of the index items inside this process.
    index_lock: Arc<tokio::sync::Mutex<()>>,
    /// Where the lock that does the same across processes lives: the window and the CLI write
    /// one account's index, and without it one's write drops the other's entries.
    lock_dir: PathBuf,
    /// Stored copies known to be dead (rotated at the server, but the new token could not be
    /// written and the old item could not be removed either): never shown as stored or copied.
    stale: Arc<Mutex<HashSet<(AccountRef, String)>>>,
}

impl Persistence {
    pub fn new(vault: Vault) -> Self {
        Persistence {
            vault,
            index_lock: Arc::default(),
            lock_dir: process_lock::default_dir(),
            stale: Arc::default(),
        }
    }

    /// Held from reading `account`'s index to writing it back: this process's lock, then the
    /// one across processes (named after the keychain namespace and the index item).
    async fn lock_index(
        &self,
        account: &AccountRef,
    ) -> Result<(tokio::sync::MutexGuard<'_, ()>, ProcessLock)> {
        let in_process = self.index_lock.lock().await;
        let key = format!(
            "token-index {} {}",
            self.vault.service(),
            index_item(account)
        );
        let across = ProcessLock::acquire(&self.lock_dir, &key, INDEX_LOCK_PATIENCE).await?;
        Ok((in_process, across))
    }

    fn set_stale(&self, account: &AccountRef, id: &str, stale: bool) {
        let mut set = self.stale.lock().unwrap_or_else(|p| p.into_inner());
        let key = (account.clone(), id.to_owned());
        if stale {
            set.insert(key);
        } else {
            set.remove(&key);
        }
    }

    pub fn is_stale(&self, account: &AccountRef, id: &str) -> bool {
        let set = self.stale.lock().unwrap_or_else(|p| p.into_inner());
        set.contains(&(account.clone(), id.to_owned()))
    }

    pub fn stale_ids(&self, account: &AccountRef) -> Vec<String> {
        let set = self.stale.lock().unwrap_or_else(|p| p.into_inner());
        set.iter()
            .filter(|(stale_account, _)| stale_account == account)
            .map(|(_, id)| id.clone())
            .collect()
    }

    /// Stores the token (write + read-back compare), then lists its id in the index with
    /// `issued_at`, the time the token was issued (what a later rotation is compared with).
    pub async fn store(
        &self,
        account: &AccountRef,
        id: &str,
        token: &SecretString,
        issued_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        self.vault
            .store_async(&token_item(account, id), token)
            .await?;
        self.set_stale(account, id, false);
        let _guard = self.lock_index(account).await?;
        index::update(&self.vault, account, &[id], |index| {
            index.stored(id, issued_at);
        })
        .await
    }

    /// The stored copy of `id` may be older than the secret's token (a rotate got no answer):
    /// marked in the index, so every process (and the next start) says so until a new token is
    /// stored. Nothing stored: nothing to mark.
    pub async fn mark_out_of_date(&self, account: &AccountRef, id: &str) -> Result<()> {
        let _guard = self.lock_index(account).await?;
        index::update(&self.vault, account, &[id], |index| {
            if index.names.contains(id) {
                index.out_of_date.insert(id.to_owned());
            }
        })
        .await
    }

    /// After a rotate whose new token could not be stored: the keychain may still hold the old,
    /// now dead token. Remove it if the keychain lets us; otherwise remember it is dead.
    pub async fn drop_dead_copy(&self, account: &AccountRef, id: &str) {
        if self.remove(account, id).await.is_err() {
            self.set_stale(account, id, true);
        }
    }

    /// Removes the stored copy and its index entry. `Ok(true)` if a token item was there.
    pub async fn remove(&self, account: &AccountRef, id: &str) -> Result<bool> {
        let removed = match self.vault.delete_async(&token_item(account, id)).await {
            Ok(()) => true,
            Err(Error::KeychainNotFound) => false,
            Err(other) => return Err(other),
        };
        self.set_stale(account, id, false);
        self.unlist(account, id).await?;
        Ok(removed)
    }

    /// Takes an id out of the index (its item is gone, or is being removed).
    pub async fn unlist(&self, account: &AccountRef, id: &str) -> Result<()> {
        let _guard = self.lock_index(account).await?;
        index::update(&self.vault, account, &[id], |index| {
            index.removed(id);
        })
        .await
    }
}

impl Persistence {
    /// Adds several ids to the index in one write (their items are already stored).
    pub async fn list_all(&self, account: &AccountRef, ids: &BTreeSet<String>) -> Result<()> {
        let _guard = self.lock_index(account).await?;
        let keys: Vec<&str> = ids.iter().map(String::as_str).collect();
        index::update(&self.vault, account, &keys, |index| {
            index.names.extend(ids.iter().cloned());
        })
        .await
    }
}

//! The token lifecycle on this machine: persist before show, copy-once, stored copies.
//!
//! - [`TokenKeeper::create`] / [`TokenKeeper::rotate`]: ask the provider, then write the token
//!   to the keychain and read it back *before* returning; the answer says whether that worked
//!   ([`Issued::store_error`]). The token also stays in memory until the dialog is finished, so
//!   retry and copy never need the webview to send it back.
//! - [`TokenKeeper::delete`]: delete at the server, optionally the local copy too.
//! - [`TokenKeeper::stored_ids`]: the list's badges, from one keychain read per account.
//! - [`TokenKeeper::migrate_legacy`]: moves items written before there were several providers.
//!
//! Everything is keyed by an [`AccountRef`] and the provider's secret id; nothing here knows
//! which provider it is. Keychain items: see [`item`].

mod confirm;
mod index;
mod issue;
pub mod item;
pub mod legacy;
mod pending;
mod persist;
mod remove;
mod stale;

pub use stale::StoredCopy;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::account::AccountRef;
use crate::error::{Error, Result};
use crate::secret::SecretString;
use crate::vault::Vault;

use pending::PendingTokens;
use persist::Persistence;

/// A token the server just issued, and whether it is safely in the keychain.
#[derive(Debug)]
pub struct Issued {
    /// The provider's id for the secret.
    pub id: String,
    pub name: String,
    pub issued_at: DateTime<Utc>,
    pub token: SecretString,
    /// `None`: written, read back equal and indexed before this was returned. `Some`: why not;
    /// the token is still held in memory for [`TokenKeeper::retry_store`].
    pub store_error: Option<Error>,
    /// The answer's other one-shot values, each stored (or not) like `token`.
    pub also: Vec<IssuedAlso>,
}

/// A second one-shot value of the same answer (see [`crate::provider::AlsoIssued`]), kept under
/// the secret id [`also_id`]`(id, key)`: copied and retried like any issued token.
#[derive(Debug)]
pub struct IssuedAlso {
    /// The secret id it is kept under.
    pub id: String,
    pub label: String,
    pub note: String,
    pub token: SecretString,
    pub store_error: Option<Error>,
}

/// The secret id a second value of `id`'s answer is kept under (`7#api-token`).
pub fn also_id(id: &str, key: &str) -> String {
    format!("{id}#{key}")
}

impl Issued {
    pub fn stored(&self) -> bool {
        self.store_error.is_none()
    }
}

/// Owns the in-memory issued tokens and the keychain items for tokens. Cheap to clone.
#[derive(Clone)]
pub struct TokenKeeper {
    persistence: Persistence,
    pending: PendingTokens,
}

impl std::fmt::Debug for TokenKeeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeeper")
            .field("service", &self.persistence.vault.service())
            .finish_non_exhaustive()
    }
}

impl TokenKeeper {
    pub fn new(vault: Vault) -> Self {
        TokenKeeper {
            persistence: Persistence::new(vault),
            pending: PendingTokens::default(),
        }
    }

    /// Ids of `account`'s secrets that have a token stored here: one keychain read.
    pub async fn stored_ids(&self, account: &AccountRef) -> Result<BTreeSet<String>> {
        Ok(self.stored_copies(account).await?.into_keys().collect())
    }

    /// The stored copies of `account`'s secrets, by id, with what is known about their age:
    /// one keychain read.
    pub async fn stored_copies(
        &self,
        account: &AccountRef,
    ) -> Result<BTreeMap<String, StoredCopy>> {
        let mut index = index::read(&self.persistence.vault, account).await?;
        for stale in self.persistence.stale_ids(account) {
            index.names.remove(&stale);
        }
        Ok(index
            .names
            .iter()
            .map(|id| {
                let copy = StoredCopy {
                    issued_at: index.stored_at.get(id).copied(),
                    marked_out_of_date: index.out_of_date.contains(id),
                };
                (id.clone(), copy)
            })
            .collect())
    }

    /// Marks the stored copy of `id` "may be out of date" (an operation on it was cut short).
    pub async fn mark_out_of_date(&self, account: &AccountRef, id: &str) -> Result<()> {
        self.persistence.mark_out_of_date(account, id).await
    }

    /// The stored copy (the deliberate "Copy stored token" action). `KeychainNotFound` if none.
    pub async fn stored_token(&self, account: &AccountRef, id: &str) -> Result<SecretString> {
        if self.persistence.is_stale(account, id) {
            return Err(Error::KeychainNotFound);
        }
        match self
            .persistence
            .vault
            .read_async(&item::token_item(account, id))
            .await
        {
            Err(Error::KeychainNotFound) => {
                // Removed behind our back (another keychain client): drop the badge too.
                let _ = self.persistence.unlist(account, id).await;
                Err(Error::KeychainNotFound)
            }
            other => other,
        }
    }

    /// The token just issued for the open dialog: from memory, else from the keychain.
    pub async fn issued_token(&self, account: &AccountRef, id: &str) -> Result<SecretString> {
        if let Some(pending) = self.pending.get(account, id) {
            return Ok(pending.token);
        }
        match self.stored_token(account, id).await {
            Err(Error::KeychainNotFound) => Err(Error::IssuedTokenGone {
                name: id.to_owned(),
            }),
            other => other,
        }
    }

    /// Whether an issued token exists only in memory: not (yet) in the keychain, its dialog not
    /// finished. Closing the window now would lose it, so the window asks first.
    pub fn has_unstored_pending(&self) -> bool {
        self.pending.any_unstored()
    }

    /// The dialog closed: the in-memory copies (the token and any second values of the same
    /// answer) are dropped (and zeroized).
    pub fn finish(&self, account: &AccountRef, id: &str) {
        self.pending.remove_with_also(account, id);
    }

    /// Sign-out: drop every in-memory token of the account. Stored copies stay in the keychain.
    pub fn forget_account_in_memory(&self, account: &AccountRef) {
        self.pending.remove_account(account);
    }
}

impl TokenKeeper {
    /// The vault the tokens are kept in (the app's keychain namespace).
    pub fn vault(&self) -> &Vault {
        &self.persistence.vault
    }
}

//! Token items written before Wispkey had several providers, and moving them to today's names.
//!
//! Then, an account was a DID and a secret a wisp.place name: `token:<did>:<name>` held a token
//! and `token-index:<did>` (the same JSON as [`super::index`]) listed the names with one. Those
//! accounts are now `AccountRef { provider: <the first provider>, id: <did> }` and the secret id
//! is the name, so each item maps to exactly one new item.
//!
//! The move never loses a token: each one is written under its new name and read back before
//! the old item goes, an item already present under the new name is never overwritten (it is
//! newer), and the old index goes last, so a move cut short is finished on the next start.

use std::collections::BTreeSet;

use super::{TokenKeeper, index};
use crate::account::AccountRef;
use crate::error::{Error, Result};

/// `token:<account id>:<secret id>`, as the first versions wrote it.
pub fn legacy_token_item(account_id: &str, id: &str) -> String {
    format!("token:{account_id}:{id}")
}

/// `token-index:<account id>`, as the first versions wrote it.
pub fn legacy_index_item(account_id: &str) -> String {
    format!("token-index:{account_id}")
}

impl TokenKeeper {
    /// Moves `account`'s tokens from the old item names to the new ones. Returns how many
    /// tokens were moved; 0 (after one keychain read) when there was nothing old.
    pub async fn migrate_legacy(&self, account: &AccountRef) -> Result<usize> {
        let vault = &self.persistence.vault;
        let legacy_index = legacy_index_item(&account.id);
        let ids = match vault.read_async(&legacy_index).await {
            Ok(text) => index::decode(text.expose())?.names,
            Err(Error::KeychainNotFound) => return Ok(0),
            Err(other) => return Err(other),
        };
        let mut moved = 0;
        let mut adopted = BTreeSet::new();
        for id in &ids {
            let old_item = legacy_token_item(&account.id, id);
            let token = match vault.read_async(&old_item).await {
                Ok(token) => token,
                // Listed but gone (removed by another keychain client): nothing to move.
                Err(Error::KeychainNotFound) => continue,
                Err(other) => return Err(other),
            };
            let new_item = super::item::token_item(account, id);
            if !vault.contains_async(&new_item).await? {
                vault.store_async(&new_item, &token).await?;
                moved += 1;
            }
            adopted.insert(id.clone());
        }
        self.persistence.list_all(account, &adopted).await?;
        for id in &ids {
            match vault
                .delete_async(&legacy_token_item(&account.id, id))
                .await
            {
                Ok(()) | Err(Error::KeychainNotFound) => {}
                Err(other) => return Err(other),
            }
        }
        match vault.delete_async(&legacy_index).await {
            Ok(()) | Err(Error::KeychainNotFound) => Ok(moved),
            Err(other) => Err(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_names_are_the_ones_the_first_versions_wrote() {
        assert_eq!(
            legacy_token_item("did:plc:abc", "deploy-hook"),
            "token:did:plc:abc:deploy-hook"
        );
        assert_eq!(legacy_index_item("did:plc:abc"), "token-index:did:plc:abc");
    }
}

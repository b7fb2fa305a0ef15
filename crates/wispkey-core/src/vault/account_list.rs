//! A provider's list of signed-in accounts, kept as one JSON item in the keychain (ids and
//! labels; the credentials are items of their own). Read and written here for every provider
//! that keeps one, so "missing" and "empty" mean the same everywhere: no item.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Vault;
use crate::error::{Error, Result};
use crate::secret::SecretString;

impl Vault {
    /// The accounts in `item`; none when the item is missing.
    pub async fn read_account_list<T: DeserializeOwned>(&self, item: &str) -> Result<Vec<T>> {
        match self.read_async(item).await {
            Ok(text) => {
                serde_json::from_str(text.expose()).map_err(|error| Error::KeychainFailed {
                    detail: format!("the {item} item could not be read: {error}"),
                })
            }
            Err(Error::KeychainNotFound) => Ok(Vec::new()),
            Err(other) => Err(other),
        }
    }

    /// Replaces `item` with `entries`; an empty list removes the item.
    pub async fn write_account_list<T: Serialize>(&self, item: &str, entries: &[T]) -> Result<()> {
        if entries.is_empty() {
            return match self.delete_async(item).await {
                Ok(()) | Err(Error::KeychainNotFound) => Ok(()),
                Err(other) => Err(other),
            };
        }
        let text = serde_json::to_string(entries).map_err(|error| Error::Internal {
            detail: error.to_string(),
        })?;
        self.store_async(item, &SecretString::new(text)).await
    }
}

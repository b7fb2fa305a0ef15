//! Phala Cloud as a provider the app can choose at run time. An account is one API key: checked
//! by listing before anything is kept, then stored in the keychain (written and read back) under
//! `phala-api-key:<account id>`, and recorded in the index item `phala-accounts` (ids and
//! labels, no key). Signing out deletes both; the key itself is revoked in Phala's dashboard.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use wispkey_core::error::{Error, Result};
use wispkey_core::provider::{
    BoxFuture, ProviderDescriptor, ProviderKind, SecretProvider, SignInContext, SignInRequest,
    SignOutOutcome,
};
use wispkey_core::vault::Vault;
use wispkey_core::{AccountRef, AccountView, Operation, SecretString};

use crate::PhalaProvider;
use crate::descriptor::{PROVIDER_ID, PROVIDER_LABEL, descriptor};
use crate::http::PhalaHttp;

/// The keychain item listing the Phala accounts on this machine.
pub const ACCOUNTS_ITEM: &str = "phala-accounts";
const KEY_ITEM_PREFIX: &str = "phala-api-key:";

/// The keychain item holding an account's API key.
pub fn key_item(account_id: &str) -> String {
    format!("{KEY_ITEM_PREFIX}{account_id}")
}

/// `key-` and the first 12 hex digits of the key's SHA-256: the same key is the same account,
/// and the id reveals nothing usable about the key.
pub fn account_id(key: &SecretString) -> String {
    let digest = Sha256::digest(key.expose().trim().as_bytes());
    let hex = hex::encode(digest);
    format!("key-{}", hex.get(..12).unwrap_or(&hex))
}

/// "Phala Cloud key …abcd": the last four characters, as dashboards show keys.
pub fn account_label(key: &SecretString) -> String {
    let chars: Vec<char> = key.expose().trim().chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("{PROVIDER_LABEL} key …{tail}")
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
struct IndexEntry {
    id: String,
    label: String,
}

pub struct PhalaKind {
    descriptor: ProviderDescriptor,
    vault: Vault,
    http: PhalaHttp,
    /// Serialises the index's read-modify-write.
    index: Mutex<()>,
}

impl PhalaKind {
    /// `base_url`: Phala's API ([`crate::DEFAULT_BASE_URL`]) or the local service; https, or
    /// http to this machine only.
    pub fn new(vault: Vault, base_url: &str) -> Result<Self> {
        Ok(PhalaKind {
            descriptor: descriptor(),
            vault,
            http: PhalaHttp::new(base_url)?,
            index: Mutex::new(()),
        })
    }

    fn view(&self, entry: &IndexEntry) -> AccountView {
        AccountView {
            account: AccountRef::new(PROVIDER_ID, &entry.id),
            provider_label: PROVIDER_LABEL.to_owned(),
            label: entry.label.clone(),
            detail: self
                .http
                .base_url()
                .host_str()
                .unwrap_or_default()
                .to_owned(),
            capabilities: vec![Operation::List, Operation::Rotate],
            reauthorize_note: None,
        }
    }

    async fn read_index(&self) -> Result<Vec<IndexEntry>> {
        self.vault.read_account_list(ACCOUNTS_ITEM).await
    }

    async fn write_index(&self, entries: &[IndexEntry]) -> Result<()> {
        self.vault.write_account_list(ACCOUNTS_ITEM, entries).await
    }

    async fn add(&self, key: SecretString) -> Result<AccountView> {
        if key.expose().trim().is_empty() {
            return Err(Error::InvalidRequest {
                message: "the API key is empty".into(),
            });
        }
        let key = SecretString::new(key.expose().trim());
        // A key the service refuses is never stored.
        PhalaProvider::new(self.http.clone(), key.clone())
            .list()
            .await?;
        let entry = IndexEntry {
            id: account_id(&key),
            label: account_label(&key),
        };
        self.vault.store_async(&key_item(&entry.id), &key).await?;
        let _guard = self.index.lock().await;
        let mut entries = self.read_index().await?;
        entries.retain(|known| known.id != entry.id);
        entries.push(entry.clone());
        self.write_index(&entries).await?;
        Ok(self.view(&entry))
    }
}

impl ProviderKind for PhalaKind {
    fn descriptor(&self) -> &ProviderDescriptor {
        &self.descriptor
    }

    fn account_list_item(&self) -> Option<&str> {
        Some(ACCOUNTS_ITEM)
    }

    fn restore(&self) -> BoxFuture<'_, Result<Vec<AccountView>>> {
        Box::pin(async move {
            let entries = self.read_index().await?;
            Ok(entries.iter().map(|entry| self.view(entry)).collect())
        })
    }

    fn sign_in<'a>(
        &'a self,
        request: SignInRequest,
        _context: SignInContext<'a>,
    ) -> BoxFuture<'a, Result<AccountView>> {
        Box::pin(async move {
            match request {
                SignInRequest::ApiKey { key } => self.add(key).await,
                SignInRequest::OAuth { .. } | SignInRequest::Credentials { .. } => {
                    Err(Error::InvalidRequest {
                        message: "Phala Cloud accounts are added with an API key".into(),
                    })
                }
            }
        })
    }

    /// Deletes the key and the index entry. The key keeps working at Phala until it is revoked
    /// in Phala's dashboard, so this never reports a server-side revocation.
    fn sign_out<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<SignOutOutcome>> {
        Box::pin(async move {
            match self.vault.delete_async(&key_item(account_id)).await {
                Ok(()) | Err(Error::KeychainNotFound) => {}
                Err(other) => return Err(other),
            }
            let _guard = self.index.lock().await;
            let mut entries = self.read_index().await?;
            entries.retain(|known| known.id != account_id);
            self.write_index(&entries).await?;
            Ok(SignOutOutcome {
                revoked_at_server: false,
            })
        })
    }

    fn open<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<Box<dyn SecretProvider>>> {
        Box::pin(async move {
            let key = match self.vault.read_async(&key_item(account_id)).await {
                Ok(key) => key,
                Err(Error::KeychainNotFound) => {
                    return Err(Error::SessionExpired {
                        detail: format!("no API key is stored for {account_id}"),
                    });
                }
                Err(other) => return Err(other),
            };
            Ok(Box::new(PhalaProvider::new(self.http.clone(), key)) as Box<dyn SecretProvider>)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_id_is_a_short_hash_of_the_trimmed_key() {
        let key = SecretString::new("phak_abc");
        let id = account_id(&key);
        assert_eq!(id.len(), "key-".len() + 12);
        assert!(id.starts_with("key-"));
        assert_eq!(id, account_id(&SecretString::new("  phak_abc\n")));
        assert_ne!(id, account_id(&SecretString::new("phak_abd")));
        assert!(!id.contains("phak"));
    }

    #[test]
    fn the_label_shows_only_the_last_four_characters() {
        assert_eq!(
            account_label(&SecretString::new("phak_0123456789wxyz")),
            "Phala Cloud key …wxyz"
        );
        assert_eq!(
            account_label(&SecretString::new("ab")),
            "Phala Cloud key …ab"
        );
    }

    #[test]
    fn item_names_are_stable() {
        assert_eq!(
            key_item("key-0123456789ab"),
            "phala-api-key:key-0123456789ab"
        );
        assert_eq!(ACCOUNTS_ITEM, "phala-accounts");
    }
}

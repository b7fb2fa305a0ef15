//! Slate as a provider the app can choose at run time. An account is a server plus either a
//! staff sign-in (its session in `slate-session:<id>`, see [`crate::session`]) or a pasted API
//! token (`slate-api-token:<id>`, checked by listing before it is kept). The index item
//! `slate-accounts` records ids, labels and servers — never a secret. Signing out deletes the
//! account's items; Slate documents no way to end a session or token from here.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use wispkey_core::error::{Error, Result};
use wispkey_core::provider::{
    BoxFuture, Login, ProviderDescriptor, ProviderKind, SecretProvider, SignInContext,
    SignInRequest, SignOutOutcome,
};
use wispkey_core::vault::Vault;
use wispkey_core::{AccountRef, AccountView, Operation, SecretString};

use crate::descriptor::{PROVIDER_ID, PROVIDER_LABEL, descriptor};
use crate::http::SlateHttp;
use crate::session::Sessions;
use crate::undocumented;
use crate::{Credential, SlateProvider};

/// The keychain item listing the Slate accounts on this machine.
pub const ACCOUNTS_ITEM: &str = "slate-accounts";
const TOKEN_ITEM_PREFIX: &str = "slate-api-token:";

/// The keychain item holding a pasted API token.
pub fn token_item(account_id: &str) -> String {
    format!("{TOKEN_ITEM_PREFIX}{account_id}")
}

/// `prefix-` and the first 12 hex digits of a SHA-256: stable, and revealing nothing.
fn short_hash(prefix: &str, text: &str) -> String {
    let hex = hex::encode(Sha256::digest(text.as_bytes()));
    format!("{prefix}-{}", hex.get(..12).unwrap_or(&hex))
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
enum Way {
    Password,
    Token,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
struct IndexEntry {
    id: String,
    label: String,
    server: String,
    way: Way,
}

pub struct SlateKind {
    descriptor: ProviderDescriptor,
    vault: Vault,
    sessions: Sessions,
    /// Serialises the index's read-modify-write within this process.
    index: Mutex<()>,
}

impl SlateKind {
    /// `default_server`: what the sign-in form offers (a setting; may be empty). `lock_dir`: a
    /// folder every Wispkey process of this user shares (the config folder's `locks/`).
    pub fn new(vault: Vault, default_server: &str, lock_dir: &Path) -> Self {
        SlateKind {
            descriptor: descriptor(default_server),
            sessions: Sessions::new(vault.clone(), lock_dir),
            vault,
            index: Mutex::new(()),
        }
    }

    fn view(&self, entry: &IndexEntry) -> AccountView {
        let detail = url::Url::parse(&entry.server)
            .ok()
            .and_then(|url| {
                url.host_str().map(|host| match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                })
            })
            .unwrap_or_else(|| entry.server.clone());
        AccountView {
            account: AccountRef::new(PROVIDER_ID, &entry.id),
            provider_label: PROVIDER_LABEL.to_owned(),
            label: entry.label.clone(),
            detail,
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

    async fn remember(&self, entry: &IndexEntry) -> Result<()> {
        let _guard = self.index.lock().await;
        let mut entries = self.read_index().await?;
        entries.retain(|known| known.id != entry.id);
        entries.push(entry.clone());
        self.write_index(&entries).await
    }

    async fn entry(&self, account_id: &str) -> Result<IndexEntry> {
        self.read_index()
            .await?
            .into_iter()
            .find(|entry| entry.id == account_id)
            .ok_or_else(|| Error::SessionExpired {
                detail: format!("no Slate account {account_id} on this machine"),
            })
    }

    async fn sign_in_with_password(
        &self,
        http: SlateHttp,
        email: &str,
        password: &SecretString,
        code: Option<&SecretString>,
    ) -> Result<AccountView> {
        let email = email.trim();
        if email.is_empty() || password.expose().is_empty() {
            return Err(Error::InvalidRequest {
                message: "type your email and your password".into(),
            });
        }
        let server = http.base_url().to_string();
        let entry = IndexEntry {
            id: short_hash("user", &undocumented::account_key_for_email(&server, email)),
            label: email.to_owned(),
            server,
            way: Way::Password,
        };
        let code = code.filter(|code| !code.expose().trim().is_empty());
        self.sessions
            .sign_in(&http, &entry.id, email, password, code)
            .await?;
        self.remember(&entry).await?;
        Ok(self.view(&entry))
    }

    async fn sign_in_with_token(
        &self,
        http: SlateHttp,
        token: SecretString,
    ) -> Result<AccountView> {
        let token = SecretString::new(token.expose().trim());
        if token.is_empty() {
            return Err(Error::InvalidRequest {
                message: "the API token is empty".into(),
            });
        }
        let server = http.base_url().to_string();
        let id = short_hash(
            "token",
            &undocumented::account_key_for_token(&server, token.expose()),
        );
        // A token the server refuses is never stored.
        SlateProvider::new(
            http,
            Credential::ApiToken {
                token: token.clone(),
                vault: self.vault.clone(),
                item: token_item(&id),
            },
        )
        .tokens()
        .await?;
        let chars: Vec<char> = token.expose().chars().collect();
        let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
        let entry = IndexEntry {
            label: format!("{PROVIDER_LABEL} API token …{tail}"),
            id,
            server,
            way: Way::Token,
        };
        self.vault
            .store_async(&token_item(&entry.id), &token)
            .await?;
        self.remember(&entry).await?;
        Ok(self.view(&entry))
    }
}

impl ProviderKind for SlateKind {
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
            let SignInRequest::Credentials { server, login } = request else {
                return Err(Error::InvalidRequest {
                    message: "Slate accounts sign in with a server address and an email and \
                              password, or an API token"
                        .into(),
                });
            };
            let http = SlateHttp::new(&server)?;
            match login {
                Login::Password {
                    email,
                    password,
                    code,
                } => {
                    self.sign_in_with_password(http, &email, &password, code.as_ref())
                        .await
                }
                Login::Token { token } => self.sign_in_with_token(http, token).await,
            }
        })
    }

    fn sign_out<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<SignOutOutcome>> {
        Box::pin(async move {
            self.sessions.forget(account_id).await?;
            match self.vault.delete_async(&token_item(account_id)).await {
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
            let entry = self.entry(account_id).await?;
            let http = SlateHttp::new(&entry.server)?;
            let credential = match entry.way {
                Way::Password => Credential::Session {
                    sessions: self.sessions.clone(),
                    account_id: entry.id.clone(),
                },
                Way::Token => {
                    let item = token_item(&entry.id);
                    let token = match self.vault.read_async(&item).await {
                        Ok(token) => token,
                        Err(Error::KeychainNotFound) => {
                            return Err(Error::SessionExpired {
                                detail: format!("no API token is stored for {account_id}"),
                            });
                        }
                        Err(other) => return Err(other),
                    };
                    Credential::ApiToken {
                        token,
                        vault: self.vault.clone(),
                        item,
                    }
                }
            };
            Ok(Box::new(SlateProvider::new(http, credential)) as Box<dyn SecretProvider>)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_reveal_neither_email_nor_token() {
        let id = short_hash(
            "user",
            &undocumented::account_key_for_email("https://a/", "ops@example.com"),
        );
        assert!(id.starts_with("user-") && id.len() == "user-".len() + 12);
        assert!(!id.contains("ops"));
        assert_eq!(token_item("token-0123"), "slate-api-token:token-0123");
        assert_eq!(ACCOUNTS_ITEM, "slate-accounts");
    }
}

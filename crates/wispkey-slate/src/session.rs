//! A staff session: signing in (email, password, and the TOTP code when the server asks), and
//! the single-use refresh token.
//!
//! The pair (access token, refresh token, expiry) lives in the keychain item
//! `slate-session:<account id>` and nowhere else. A refresh is done under a lock shared by every
//! Wispkey process (the window and the CLI) and keyed by the account, from reading the stored
//! refresh token to storing its successor; after taking the lock the keychain is read again,
//! because another process may have refreshed meanwhile. So no refresh token is ever sent twice.
//! The successor is written and read back before its access token is used; if that write fails
//! the user is told, and the spent one is removed so it is not sent again.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use wispkey_core::SecretString;
use wispkey_core::error::{Error, Result};
use wispkey_core::process_lock::ProcessLock;
use wispkey_core::vault::Vault;

use crate::PROVIDER_LABEL;
use crate::answer::{clean, detail_text, not_a_slate_api};
use crate::http::{Body, SendError, SlateHttp};
use crate::undocumented;
use crate::wire::{WirePair, parse_pair};

/// How long a process waits for another one that is refreshing the same session.
const LOCK_PATIENCE: Duration = Duration::from_secs(20);

/// The keychain item holding an account's session.
pub fn session_item(account_id: &str) -> String {
    format!("slate-session:{account_id}")
}

/// The lock held while an account's refresh token is being spent: named after the keychain
/// item it guards (the keychain namespace `service` and the account), since the lock folder is
/// shared by every profile of the user (`process_lock::default_dir`).
pub fn lock_key(service: &str, account_id: &str) -> String {
    format!("slate-session:{service}:{account_id}")
}

/// What the keychain item holds (JSON). Never logged; zeroized when dropped.
#[derive(Serialize, Deserialize)]
struct Stored {
    access_token: String,
    refresh_token: String,
    /// Unix seconds.
    expires_at: i64,
    lifetime: i64,
}

impl Drop for Stored {
    fn drop(&mut self) {
        self.access_token.zeroize();
        self.refresh_token.zeroize();
    }
}

impl Stored {
    fn from_pair(pair: WirePair) -> Stored {
        // Documented default: 900 seconds.
        let lifetime = pair.expires_in.unwrap_or(900).max(0);
        Stored {
            access_token: pair.access_token.expose().to_owned(),
            refresh_token: pair.refresh_token.expose().to_owned(),
            expires_at: Utc::now().timestamp().saturating_add(lifetime),
            lifetime,
        }
    }

    fn usable(&self) -> bool {
        let margin = undocumented::renew_margin_seconds(self.lifetime);
        Utc::now().timestamp() < self.expires_at.saturating_sub(margin)
    }

    fn to_secret(&self) -> Result<SecretString> {
        serde_json::to_string(self)
            .map(SecretString::new)
            .map_err(|error| Error::Internal {
                detail: format!("session record: {error}"),
            })
    }

    fn from_secret(secret: &SecretString) -> Result<Stored> {
        serde_json::from_str(secret.expose()).map_err(|_| Error::SessionExpired {
            detail: "the stored Slate session could not be read".into(),
        })
    }
}

/// The sessions of Slate accounts on this machine.
#[derive(Clone, Debug)]
pub struct Sessions {
    vault: Vault,
    lock_dir: PathBuf,
}

impl Sessions {
    pub fn new(vault: Vault, lock_dir: &Path) -> Self {
        Sessions {
            vault,
            lock_dir: lock_dir.to_path_buf(),
        }
    }

    /// Signs in and stores the session (written and read back) before anything uses it.
    pub async fn sign_in(
        &self,
        http: &SlateHttp,
        account_id: &str,
        email: &str,
        password: &SecretString,
        code: Option<&SecretString>,
    ) -> Result<()> {
        let pair = log_in(http, email, password, code).await?;
        let stored = Stored::from_pair(pair);
        self.vault
            .store_async(&session_item(account_id), &stored.to_secret()?)
            .await
    }

    pub async fn forget(&self, account_id: &str) -> Result<()> {
        match self.vault.delete_async(&session_item(account_id)).await {
            Ok(()) | Err(Error::KeychainNotFound) => Ok(()),
            Err(other) => Err(other),
        }
    }

    async fn read(&self, account_id: &str) -> Result<Stored> {
        match self.vault.read_async(&session_item(account_id)).await {
            Ok(secret) => Stored::from_secret(&secret),
            Err(Error::KeychainNotFound) => Err(Error::SessionExpired {
                detail: format!("no Slate session is stored for {account_id}"),
            }),
            Err(other) => Err(other),
        }
    }

    /// An access token that is good for a while: the stored one, else a refreshed one.
    pub async fn access_token(&self, http: &SlateHttp, account_id: &str) -> Result<SecretString> {
        let stored = self.read(account_id).await?;
        if stored.usable() {
            return Ok(SecretString::new(stored.access_token.as_str()));
        }
        drop(stored);
        self.renew(http, account_id, None).await
    }

    /// The server refused `refused` (it expired earlier than it said): a newer one, stored by
    /// another process meanwhile, else a refreshed one.
    pub async fn renew_refused(
        &self,
        http: &SlateHttp,
        account_id: &str,
        refused: &SecretString,
    ) -> Result<SecretString> {
        self.renew(http, account_id, Some(refused)).await
    }

    async fn renew(
        &self,
        http: &SlateHttp,
        account_id: &str,
        refused: Option<&SecretString>,
    ) -> Result<SecretString> {
        let key = lock_key(self.vault.service(), account_id);
        let _lock = ProcessLock::acquire(&self.lock_dir, &key, LOCK_PATIENCE).await?;
        // Another process may have refreshed while this one waited: its successor is stored.
        let stored = self.read(account_id).await?;
        let current = match refused {
            Some(refused) => stored.access_token != refused.expose(),
            None => stored.usable(),
        };
        if current {
            return Ok(SecretString::new(stored.access_token.as_str()));
        }
        let renewed = self.refresh(http, account_id, &stored).await?;
        Ok(SecretString::new(renewed.access_token.as_str()))
    }

    /// Spends `stored`'s refresh token once. Called with the account's lock held.
    async fn refresh(&self, http: &SlateHttp, account_id: &str, stored: &Stored) -> Result<Stored> {
        let body = Body::json(&serde_json::json!({ "refresh_token": stored.refresh_token }));
        let answer = match http
            .send(Method::POST, undocumented::REFRESH_PATH, None, Some(body))
            .await
        {
            Ok(answer) => answer,
            Err(SendError::NotSent(detail)) => {
                // Never left this machine: the refresh token is unspent and stays.
                return Err(Error::ServiceUnreachable {
                    detail: clean(&detail),
                });
            }
            Err(SendError::Lost(detail)) => {
                // The server may have spent it: sending it again could end the session, so it
                // is dropped and the user signs in again.
                let _ = self.forget(account_id).await;
                return Err(Error::SessionExpired {
                    detail: format!("the refresh answer was lost: {}", clean(&detail)),
                });
            }
            Err(SendError::TooLarge { host, limit }) => {
                // An answer came that cannot be read: the token is spent all the same.
                let _ = self.forget(account_id).await;
                return Err(Error::SessionExpired {
                    detail: format!("the refresh answer from {host} is larger than {limit} bytes"),
                });
            }
        };
        match answer.status {
            200..=299 => {
                let pair = parse_pair(&answer.body).map_err(not_a_slate_api)?;
                let renewed = Stored::from_pair(pair);
                let written = self
                    .vault
                    .store_async(&session_item(account_id), &renewed.to_secret()?)
                    .await;
                if let Err(error) = written {
                    // The new pair is not kept and the old refresh token is spent: remove it
                    // so it is never presented again, and say why the session is gone.
                    let _ = self.forget(account_id).await;
                    return Err(error);
                }
                Ok(renewed)
            }
            400 | 401 | 403 => {
                let detail = detail_text(&answer.body);
                let _ = self.forget(account_id).await;
                if undocumented::says_session_revoked(&detail) {
                    Err(Error::SessionRevoked {
                        provider: PROVIDER_LABEL.to_owned(),
                    })
                } else {
                    Err(Error::SessionExpired {
                        detail: format!("refresh refused: {}", clean(&detail)),
                    })
                }
            }
            429 => Err(Error::RateLimited {
                retry_after_seconds: answer
                    .header("retry-after")
                    .and_then(|value| value.trim().parse().ok()),
            }),
            status @ 500.. => Err(Error::UnexpectedResponse {
                status,
                detail: format!("refresh failed: {}", clean(&detail_text(&answer.body))),
            }),
            status => Err(not_a_slate_api(format!("refresh answered HTTP {status}"))),
        }
    }
}

/// `POST {base}/api/admin/users/login`. A 202 asks for the TOTP code; nothing is stored here.
async fn log_in(
    http: &SlateHttp,
    email: &str,
    password: &SecretString,
    code: Option<&SecretString>,
) -> Result<WirePair> {
    let mut fields = serde_json::Map::new();
    fields.insert("email".into(), email.trim().into());
    fields.insert("password".into(), password.expose().into());
    if let Some(code) = code {
        // Pasted codes come as "123 456" or with a line break: only the digits are the code.
        let digits: String = code
            .expose()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        fields.insert("totp_code".into(), digits.into());
    }
    let mut value = serde_json::Value::Object(fields);
    let body = Body::json(&value);
    crate::zeroize_json(&mut value);
    let outcome = http
        .send(Method::POST, undocumented::LOGIN_PATH, None, Some(body))
        .await;
    let answer = match outcome {
        Ok(answer) => answer,
        Err(SendError::NotSent(detail)) => {
            return Err(Error::ServiceUnreachable {
                detail: clean(&detail),
            });
        }
        Err(SendError::Lost(detail)) => {
            return Err(Error::TimedOut {
                detail: clean(&detail),
            });
        }
        Err(SendError::TooLarge { host, limit }) => {
            return Err(Error::AnswerTooLarge {
                host,
                limit_bytes: limit,
            });
        }
    };
    let status = answer.status;
    if undocumented::asks_for_code(status) {
        return Err(Error::SignInCodeRequired {
            provider: PROVIDER_LABEL.to_owned(),
        });
    }
    let detail = detail_text(&answer.body);
    match status {
        200..=299 => parse_pair(&answer.body).map_err(not_a_slate_api),
        401 | 403 if code.is_some() && undocumented::says_wrong_code(&detail) => {
            Err(Error::SecondFactorInvalid {
                provider: PROVIDER_LABEL.to_owned(),
            })
        }
        // A code-less sign-in refused for its code means the code is needed.
        401 | 403 if undocumented::says_wrong_code(&detail) => Err(Error::SignInCodeRequired {
            provider: PROVIDER_LABEL.to_owned(),
        }),
        401 | 403 => Err(Error::CredentialsRefused {
            provider: PROVIDER_LABEL.to_owned(),
        }),
        422 if !detail.is_empty() || answer.body.starts_with(b"{") => Err(Error::InvalidRequest {
            message: "the email or password is not in a form Slate accepts".into(),
        }),
        429 => Err(Error::RateLimited {
            retry_after_seconds: answer
                .header("retry-after")
                .and_then(|value| value.trim().parse().ok()),
        }),
        500.. => Err(Error::ServiceFailed),
        _ => Err(not_a_slate_api(format!("sign-in answered HTTP {status}"))),
    }
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_renewed_shortly_before_it_expires() {
        let fresh = Stored {
            access_token: "a".into(),
            refresh_token: "r".into(),
            expires_at: Utc::now().timestamp() + 900,
            lifetime: 900,
        };
        assert!(fresh.usable());
        let ending = Stored {
            expires_at: Utc::now().timestamp() + 10,
            access_token: "a".into(),
            refresh_token: "r".into(),
            lifetime: 900,
        };
        assert!(!ending.usable(), "within the 30 s margin");
    }

    #[test]
    fn the_stored_record_round_trips_and_item_names_are_stable() {
        let stored = Stored {
            access_token: "acc".into(),
            refresh_token: "ref".into(),
            expires_at: 1,
            lifetime: 2,
        };
        let again = Stored::from_secret(&stored.to_secret().unwrap()).unwrap();
        assert_eq!(again.refresh_token, "ref");
        assert_eq!(session_item("user-ab"), "slate-session:user-ab");
        assert_eq!(
            lock_key("place.wisp.wispkey", "user-ab"),
            "slate-session:place.wisp.wispkey:user-ab"
        );
    }
}

//! Session material at rest: the keychain, through [`Vault`], and nowhere else.
//!
//! Keychain items (service = the vault's service):
//! - `oauth-session:<did>`: one JSON [`SessionRecord`] per account: token set, DPoP private key
//!   (JWK), and the client parameters its tokens were issued to.
//! - `oauth-accounts`: the account index (DIDs, handles, PDS URLs, granted scopes). Nothing in it
//!   is secret; it lives in the keychain so Wispkey writes no OAuth file at all.
//!
//! atrium's `SessionStore` is implemented per sign-in ([`FlowSessionStore`]): it checks the token
//! response (right account, enough scope) *before* anything is persisted, and keeps what it
//! rejected so the caller can revoke it.

use std::sync::{Arc, Mutex};

use atrium_api::types::string::Did;
use atrium_common::store::Store;
use atrium_oauth::store::session::{Session, SessionStore};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::client_id::ClientParams;
use super::scopes::GrantedScope;
use wispkey_core::Operation;
use wispkey_core::error::{Error, Result};
use wispkey_core::secret::SecretString;
use wispkey_core::vault::Vault;

pub const SESSION_ITEM_PREFIX: &str = "oauth-session:";
pub const ACCOUNT_INDEX_ITEM: &str = "oauth-accounts";
const RECORD_VERSION: u32 = 1;

pub fn session_item(did: &str) -> String {
    format!("{SESSION_ITEM_PREFIX}{did}")
}

/// One account's session as stored. Zeroized on drop; `Debug` shows only the DID.
#[derive(Clone, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub(crate) struct SessionRecord {
    pub version: u32,
    pub did: String,
    pub handle: Option<String>,
    #[zeroize(skip)]
    pub client: ClientParams,
    /// The authorization server's `issuer`.
    pub issuer: String,
    /// The PDS the tokens are for (the token set's `aud`).
    pub pds: String,
    pub scope: String,
    #[serde(with = "secret_serde")]
    pub access_token: SecretString,
    #[serde(with = "optional_secret_serde")]
    pub refresh_token: Option<SecretString>,
    /// Unix seconds.
    pub expires_at: Option<i64>,
    /// The DPoP key as a JWK, private part included.
    #[serde(with = "secret_serde")]
    pub dpop_key: SecretString,
}

/// (De)serializes the record's secret fields. `SecretString` itself stays non-`Serialize`, so
/// only this record, written only to the keychain, can carry one out of memory.
pub(crate) mod secret_serde {
    use serde::{Deserialize, Deserializer, Serializer};

    use wispkey_core::secret::SecretString;

    pub fn serialize<S: Serializer>(
        value: &SecretString,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value.expose())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<SecretString, D::Error> {
        String::deserialize(deserializer).map(SecretString::new)
    }
}

pub(crate) mod optional_secret_serde {
    use serde::{Deserialize, Deserializer, Serializer};

    use wispkey_core::secret::SecretString;

    pub fn serialize<S: Serializer>(
        value: &Option<SecretString>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(secret) => serializer.serialize_some(secret.expose()),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<SecretString>, D::Error> {
        Option::<String>::deserialize(deserializer).map(|value| value.map(SecretString::new))
    }
}

impl std::fmt::Debug for SessionRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRecord")
            .field("did", &self.did)
            .finish_non_exhaustive()
    }
}

impl SessionRecord {
    pub fn from_atrium(
        session: &Session,
        handle: Option<String>,
        client: ClientParams,
    ) -> Result<SessionRecord> {
        let token_set = &session.token_set;
        let dpop_key =
            serde_json::to_string(&session.dpop_key).map_err(|e| Error::SignInFailed {
                detail: format!("could not encode the DPoP key: {e}"),
            })?;
        Ok(SessionRecord {
            version: RECORD_VERSION,
            did: token_set.sub.as_str().to_owned(),
            handle,
            client,
            issuer: token_set.iss.clone(),
            pds: token_set.aud.clone(),
            scope: token_set.scope.clone().unwrap_or_default(),
            access_token: SecretString::new(token_set.access_token.clone()),
            refresh_token: token_set.refresh_token.clone().map(SecretString::new),
            expires_at: token_set
                .expires_at
                .as_ref()
                .map(|at| at.as_ref().timestamp()),
            dpop_key: SecretString::new(dpop_key),
        })
    }

    pub fn to_secret(&self) -> Result<SecretString> {
        serde_json::to_string(self)
            .map(SecretString::new)
            .map_err(|e| Error::KeychainFailed {
                detail: format!("could not encode the session: {e}"),
            })
    }

    pub fn from_secret(secret: &SecretString) -> Result<SessionRecord> {
        let record: SessionRecord =
            serde_json::from_str(secret.expose()).map_err(|e| Error::SessionExpired {
                // Only the position: serde's message can quote the value it choked on.
                detail: format!(
                    "the stored session is unreadable ({:?} error at line {}, column {})",
                    e.classify(),
                    e.line(),
                    e.column()
                ),
            })?;
        if record.version != RECORD_VERSION {
            return Err(Error::SessionExpired {
                detail: format!("stored session has format version {}", record.version),
            });
        }
        Ok(record)
    }

    pub fn dpop_key(&self) -> Result<jose_jwk::Key> {
        serde_json::from_str(self.dpop_key.expose()).map_err(|e| Error::SessionExpired {
            detail: format!(
                "the stored DPoP key is unreadable ({:?} error)",
                e.classify()
            ),
        })
    }

    pub async fn store(&self, vault: &Vault) -> Result<()> {
        vault
            .store_async(&session_item(&self.did), &self.to_secret()?)
            .await
    }

    pub async fn load(vault: &Vault, did: &str) -> Result<SessionRecord> {
        SessionRecord::from_secret(&vault.read_async(&session_item(did)).await?)
    }
}

/// One line of the account index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct IndexEntry {
    pub did: String,
    pub handle: Option<String>,
    pub pds: String,
    pub scope: String,
}

pub(crate) async fn read_index(vault: &Vault) -> Result<Vec<IndexEntry>> {
    match vault.read_async(ACCOUNT_INDEX_ITEM).await {
        Ok(secret) => serde_json::from_str(secret.expose()).map_err(|e| Error::KeychainFailed {
            detail: format!("the account list in the keychain is unreadable: {e}"),
        }),
        Err(Error::KeychainNotFound) => Ok(Vec::new()),
        Err(other) => Err(other),
    }
}

pub(crate) async fn write_index(vault: &Vault, entries: &[IndexEntry]) -> Result<()> {
    if entries.is_empty() {
        return match vault.delete_async(ACCOUNT_INDEX_ITEM).await {
            Ok(()) | Err(Error::KeychainNotFound) => Ok(()),
            Err(other) => Err(other),
        };
    }
    let json = serde_json::to_string(entries).map_err(|e| Error::KeychainFailed {
        detail: format!("could not encode the account list: {e}"),
    })?;
    vault
        .store_async(ACCOUNT_INDEX_ITEM, &SecretString::new(json))
        .await
}

/// What a sign-in expects its token response to be.
pub(crate) struct FlowExpectation {
    pub did: String,
    pub handle: Option<String>,
    pub client: ClientParams,
    pub service_aud: String,
    pub required: Vec<Operation>,
}

#[derive(Default)]
struct FlowOutcome {
    accepted: Option<Session>,
    /// What was persisted for `accepted`.
    record: Option<SessionRecord>,
    /// Tokens that were issued but not kept: revoke them.
    rejected: Option<Session>,
    /// The session this sign-in replaced (same account signed in again): revoke it.
    replaced: Option<SessionRecord>,
}

/// atrium's session store for one sign-in: validates, then persists to the keychain.
#[derive(Clone)]
pub(crate) struct FlowSessionStore {
    vault: Vault,
    expect: Arc<FlowExpectation>,
    outcome: Arc<Mutex<FlowOutcome>>,
}

impl FlowSessionStore {
    pub fn new(vault: Vault, expect: FlowExpectation) -> Self {
        FlowSessionStore {
            vault,
            expect: Arc::new(expect),
            outcome: Arc::default(),
        }
    }

    pub fn take_rejected(&self) -> Option<Session> {
        self.outcome.lock().ok().and_then(|mut o| o.rejected.take())
    }

    pub fn take_record(&self) -> Option<SessionRecord> {
        self.outcome.lock().ok().and_then(|mut o| o.record.take())
    }

    pub fn take_replaced(&self) -> Option<SessionRecord> {
        self.outcome.lock().ok().and_then(|mut o| o.replaced.take())
    }

    fn reject(&self, session: Session, error: Error) -> Error {
        if let Ok(mut outcome) = self.outcome.lock() {
            outcome.rejected = Some(session);
        }
        error
    }

    async fn accept(&self, did: Did, session: Session) -> Result<()> {
        let expect = &self.expect;
        // `sub` must be the DID resolved from what the user typed, not just any account the
        // consent page let them pick.
        if did.as_str() != expect.did {
            let error = Error::AccountMismatch {
                expected: expect.did.clone(),
                actual: did.as_str().to_owned(),
            };
            return Err(self.reject(session, error));
        }
        let scope = session.token_set.scope.clone().unwrap_or_default();
        let granted = GrantedScope::new(&scope);
        if !granted.has_atproto() {
            let error = Error::SignInFailed {
                detail: format!("the token response's scope lacks atproto: {scope}"),
            };
            return Err(self.reject(session, error));
        }
        let missing = granted.missing(&expect.required, &expect.service_aud);
        if !missing.is_empty() {
            return Err(self.reject(session, Error::ScopeNotGranted { missing }));
        }
        let record = match SessionRecord::from_atrium(
            &session,
            expect.handle.clone(),
            expect.client.clone(),
        ) {
            Ok(record) => record,
            Err(error) => return Err(self.reject(session, error)),
        };
        let replaced = SessionRecord::load(&self.vault, &expect.did).await.ok();
        if let Err(error) = record.store(&self.vault).await {
            return Err(self.reject(session, error));
        }
        if let Ok(mut outcome) = self.outcome.lock() {
            outcome.accepted = Some(session);
            outcome.record = Some(record);
            outcome.replaced = replaced;
        }
        Ok(())
    }
}

impl Store<Did, Session> for FlowSessionStore {
    type Error = Error;

    async fn get(&self, key: &Did) -> Result<Option<Session>> {
        // atrium reads back the session it just stored to build its OAuthSession; serve it from
        // memory rather than a second keychain round trip.
        Ok(self.outcome.lock().ok().and_then(|o| {
            o.accepted
                .as_ref()
                .filter(|s| &s.token_set.sub == key)
                .cloned()
        }))
    }
    async fn set(&self, key: Did, value: Session) -> Result<()> {
        self.accept(key, value).await
    }
    async fn del(&self, _key: &Did) -> Result<()> {
        if let Ok(mut outcome) = self.outcome.lock() {
            outcome.accepted = None;
        }
        Ok(())
    }
    async fn clear(&self) -> Result<()> {
        if let Ok(mut outcome) = self.outcome.lock() {
            outcome.accepted = None;
        }
        Ok(())
    }
}

impl SessionStore for FlowSessionStore {}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> SessionRecord {
        SessionRecord {
            version: RECORD_VERSION,
            did: "did:plc:abc".into(),
            handle: Some("alice.test".into()),
            client: ClientParams::Loopback {
                port: 1234,
                scope: "atproto".into(),
            },
            issuer: "http://localhost:2583".into(),
            pds: "http://localhost:2583".into(),
            scope: "atproto".into(),
            access_token: SecretString::new("at-secret-value"),
            refresh_token: Some(SecretString::new("rt-secret-value")),
            expires_at: Some(1_700_000_000),
            dpop_key: SecretString::new("{\"kty\":\"EC\",\"d\":\"private-part\"}"),
        }
    }

    #[test]
    fn a_record_round_trips_through_its_keychain_form() {
        let secret = record().to_secret().unwrap();
        let back = SessionRecord::from_secret(&secret).unwrap();
        assert_eq!(back.access_token.expose(), "at-secret-value");
        assert_eq!(back.client, record().client);
    }

    #[test]
    fn debug_output_of_a_record_shows_no_secret() {
        let printed = format!("{:?}", record());
        for secret in ["at-secret-value", "rt-secret-value", "private-part"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }

    #[test]
    fn an_unreadable_record_is_reported_without_its_content() {
        let error = SessionRecord::from_secret(&SecretString::new("{\"access_token\":\"at-x\""))
            .unwrap_err();
        assert!(matches!(error, Error::SessionExpired { .. }));
        assert!(!format!("{error:?}").contains("at-x"));
    }
}

//! [`OAuthManager`]: sign in, restore, list, refresh, sign out — the API the app calls.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atrium_common::store::Store;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::client_id::ClientConfig;
use super::grant::Grant;
use super::loopback::{LoopbackListener, Page, PendingCallback};
use super::resolve::{IdentityConfig, IdentityResolver};
use super::scopes::{GrantedScope, ScopeRequest};
use super::session::{LiveSession, OAuthTransport, Shared, contain, lock_account};
use super::session_store::{
    ACCOUNT_INDEX_ITEM, FlowExpectation, FlowSessionStore, IndexEntry, SessionRecord, read_index,
    session_item, write_index,
};
use crate::http::HttpClient;
use wispkey_core::Operation;
use wispkey_core::browser::BrowserOpener;
use wispkey_core::error::{Error, Result};
use wispkey_core::process_lock;
use wispkey_core::vault::Vault;

/// The service the PDS proxies to (wisp.place's, as it addresses it) unless configured.
pub const DEFAULT_WISP_SERVICE: &str = "did:web:wisp.place#wisp_xrpc";

#[derive(Debug, Clone)]
pub struct OAuthConfig {
    pub identity: IdentityConfig,
    pub client: ClientConfig,
    /// `<service DID>#wisp_xrpc`: the `atproto-proxy` target, and the audience a granular scope
    /// must allow.
    pub wisp_service: String,
    /// How long to wait for the browser to come back (default 5 minutes).
    pub sign_in_timeout: Duration,
    /// Per HTTP request (default 30 s).
    pub http_timeout: Duration,
    /// Where the window and the CLI take the lock across processes that keeps a single-use
    /// refresh token from being sent twice (default [`process_lock::default_dir`]).
    pub lock_dir: PathBuf,
}

impl Default for OAuthConfig {
    fn default() -> Self {
        OAuthConfig {
            identity: IdentityConfig::default(),
            client: ClientConfig::default(),
            wisp_service: DEFAULT_WISP_SERVICE.to_owned(),
            sign_in_timeout: Duration::from_secs(300),
            http_timeout: Duration::from_secs(30),
            lock_dir: process_lock::default_dir(),
        }
    }
}

/// Per sign-in choices. `cancel` is what the UI's Cancel button triggers.
#[derive(Debug, Clone, Default)]
pub struct SignInOptions {
    pub scope: ScopeRequest,
    /// Overrides [`OAuthConfig::sign_in_timeout`].
    pub timeout: Option<Duration>,
    pub cancel: CancellationToken,
}

/// A signed-in account as the UI sees it. No secret in here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub did: String,
    pub handle: Option<String>,
    pub pds: String,
    /// The granted scope, verbatim.
    pub scope: String,
    /// What the granted scope allows with secrets.
    pub capabilities: Vec<Operation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignOutOutcome {
    /// False when the server could not be told (offline): local material is gone either way,
    /// and the server-side session expires on its own.
    pub revoked_at_server: bool,
}

/// Everything OAuth for the app. Cheap to clone; one per process.
#[derive(Clone)]
pub struct OAuthManager {
    inner: Arc<Inner>,
}

struct Inner {
    config: OAuthConfig,
    shared: Arc<Shared>,
    live: Mutex<HashMap<String, Arc<LiveSession>>>,
    /// The account index as this process last read or wrote it: opening an account just
    /// restored finds it here instead of reading the keychain again.
    listed: Mutex<Vec<IndexEntry>>,
    /// Serializes read-modify-write of the account index.
    index_lock: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for OAuthManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthManager")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl OAuthManager {
    pub fn new(config: OAuthConfig, vault: Vault) -> Result<Self> {
        let http = HttpClient::new(config.http_timeout)?;
        let resolver = Arc::new(IdentityResolver::new(config.identity.clone(), http.clone()));
        let shared = Arc::new(Shared {
            vault,
            http,
            resolver,
            service_aud: config.wisp_service.clone(),
            lock_dir: config.lock_dir.clone(),
        });
        Ok(OAuthManager {
            inner: Arc::new(Inner {
                config,
                shared,
                live: Mutex::default(),
                listed: Mutex::default(),
                index_lock: tokio::sync::Mutex::new(()),
            }),
        })
    }

    pub fn config(&self) -> &OAuthConfig {
        &self.inner.config
    }

    /// Signs in the account named by `input` (handle or DID): opens the browser on the PDS's
    /// consent page, waits for the loopback redirect, stores the session in the keychain.
    pub async fn sign_in(
        &self,
        input: &str,
        browser: &dyn BrowserOpener,
        options: SignInOptions,
    ) -> Result<Account> {
        let cancel = options.cancel.clone();
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(Error::SignInCancelled),
            result = contain(self.sign_in_inner(input, browser, options), "signing in") => result,
        }
    }

    async fn sign_in_inner(
        &self,
        input: &str,
        browser: &dyn BrowserOpener,
        options: SignInOptions,
    ) -> Result<Account> {
        let shared = &self.inner.shared;
        let identity = shared.resolver.resolve_input(input).await?;
        let auth_server = shared
            .resolver
            .authorization_server_for(&identity.pds)
            .await?;

        let mut listener = LoopbackListener::bind().await?;
        let params = self
            .inner
            .config
            .client
            .params(listener.port(), options.scope.scope_string());
        params.validate()?;
        let session_store = FlowSessionStore::new(
            shared.vault.clone(),
            FlowExpectation {
                did: identity.did.clone(),
                handle: identity.handle.clone(),
                client: params.clone(),
                service_aud: shared.service_aud.clone(),
                required: Operation::ALL.to_vec(),
            },
        );
        // The consent page can prefill the handle (login_hint) when there is one.
        let hint = identity
            .handle
            .clone()
            .unwrap_or_else(|| identity.did.clone());
        let (grant, authorize_url) =
            Grant::push(&shared.http, &auth_server, &params, &hint).await?;

        // The keychain is needed once the browser comes back; its first call opens the Secret
        // Service connection (a D-Bus handshake and a key exchange). Opened now, that happens
        // while the user reads the consent page instead of after it. The result is not used:
        // the index is read again, under its lock, when the account is added.
        let vault = shared.vault.clone();
        tokio::spawn(async move {
            let _ = vault.read_async(ACCOUNT_INDEX_ITEM).await;
        });

        wispkey_core::browser::open_sign_in_page(browser, &authorize_url)?;

        let timeout = options.timeout.unwrap_or(self.inner.config.sign_in_timeout);
        let callback = match tokio::time::timeout(timeout, listener.next_callback()).await {
            Ok(callback) => callback?,
            Err(_) => {
                return Err(Error::SignInTimedOut {
                    seconds: timeout.as_secs(),
                });
            }
        };
        // No second redirect is useful now: close the port.
        drop(listener);

        let outcome = self
            .finish(
                &grant,
                &session_store,
                &callback,
                &identity.pds,
                &auth_server.issuer,
            )
            .await;
        callback
            .respond(match &outcome {
                Ok(_) => Page::SignedIn,
                Err(Error::ConsentDenied { .. }) => Page::Denied,
                Err(Error::StateMismatch) => Page::Rejected,
                Err(_) => Page::Failed,
            })
            .await;

        // Tokens issued but refused (wrong account, too little scope, keychain failure) are
        // revoked so they do not stay valid at the server with nobody holding them.
        if let Some(rejected) = session_store.take_rejected() {
            self.revoke_detached(SessionRecord::from_atrium(&rejected, None, params.clone()))
                .await;
        }
        let account = outcome?;
        if let Some(replaced) = session_store.take_replaced() {
            self.revoke_detached(Ok(replaced)).await;
        }
        Ok(account)
    }

    /// Checks the redirect, exchanges the code, has the session store check and keep the
    /// tokens, then indexes the account.
    async fn finish(
        &self,
        grant: &Grant,
        session_store: &FlowSessionStore,
        callback: &PendingCallback,
        pds: &str,
        issuer: &str,
    ) -> Result<Account> {
        let query = &callback.query;
        if query.state.as_deref() != Some(grant.state()) {
            return Err(Error::StateMismatch);
        }
        if query.iss.as_deref().is_some_and(|iss| iss != issuer) {
            return Err(Error::SignInFailed {
                detail: format!("the redirect came from issuer {:?}", query.iss),
            });
        }
        if let Some(error) = &query.error {
            let detail = format!(
                "{error}: {}",
                query.error_description.as_deref().unwrap_or_default()
            );
            return Err(if error == "access_denied" {
                Error::ConsentDenied { detail }
            } else {
                Error::SignInFailed { detail }
            });
        }
        let Some(code) = &query.code else {
            return Err(Error::SignInFailed {
                detail: "the redirect carried neither a code nor an error".into(),
            });
        };
        // RFC 9207: the server announced `iss` on redirects (the profile check requires it), so
        // a code without one is not trusted.
        if query.iss.is_none() {
            return Err(Error::SignInFailed {
                detail: "the redirect did not name its issuer".into(),
            });
        }
        let session = grant.exchange(code, pds).await?;
        let did = session.token_set.sub.clone();
        // Checks `sub` and the granted scope, then stores; what it refuses it keeps for revoking.
        session_store.set(did, session).await?;
        let Some(record) = session_store.take_record() else {
            return Err(Error::SignInFailed {
                detail: "the token exchange finished without storing a session".into(),
            });
        };
        self.activate(record).await
    }

    /// Makes a stored record the account's live session and lists it in the index.
    async fn activate(&self, record: SessionRecord) -> Result<Account> {
        let entry = IndexEntry {
            did: record.did.clone(),
            handle: record.handle.clone(),
            pds: record.pds.clone(),
            scope: record.scope.clone(),
        };
        let live = Arc::new(LiveSession::new(record, Arc::clone(&self.inner.shared))?);
        {
            let _guard = self.inner.index_lock.lock().await;
            let vault = &self.inner.shared.vault;
            let mut entries = read_index(vault).await?;
            match entries.iter_mut().find(|e| e.did == entry.did) {
                Some(existing) => *existing = entry.clone(),
                None => entries.push(entry.clone()),
            }
            write_index(vault, &entries).await?;
            self.remember_index(&entries);
        }
        if let Ok(mut map) = self.inner.live.lock() {
            map.insert(entry.did.clone(), live);
        }
        Ok(self.account(&entry))
    }

    async fn revoke_detached(&self, record: Result<SessionRecord>) {
        let Ok(record) = record else { return };
        let Ok(session) = LiveSession::new(record, Arc::clone(&self.inner.shared)) else {
            return;
        };
        // Best effort, bounded: the user is waiting for the sign-in result.
        let _ = tokio::time::timeout(Duration::from_secs(10), session.revoke()).await;
    }

    fn account(&self, entry: &IndexEntry) -> Account {
        Account {
            did: entry.did.clone(),
            handle: entry.handle.clone(),
            pds: entry.pds.clone(),
            scope: entry.scope.clone(),
            capabilities: GrantedScope::new(&entry.scope)
                .capabilities(&self.inner.config.wisp_service),
        }
    }

    /// The accounts in the keychain's index. No network, no token read.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let entries = read_index(&self.inner.shared.vault).await?;
        self.remember_index(&entries);
        Ok(entries.iter().map(|entry| self.account(entry)).collect())
    }

    /// The signed-in account `did`, from the index as this process last read it (a restore
    /// just did), else from the keychain's index now; `None` if it is not there.
    pub async fn account_of(&self, did: &str) -> Result<Option<Account>> {
        let known = self.inner.listed.lock().ok().and_then(|listed| {
            listed
                .iter()
                .find(|entry| entry.did == did)
                .map(|entry| self.account(entry))
        });
        if known.is_some() {
            return Ok(known);
        }
        Ok(self
            .accounts()
            .await?
            .into_iter()
            .find(|account| account.did == did))
    }

    fn remember_index(&self, entries: &[IndexEntry]) {
        if let Ok(mut listed) = self.inner.listed.lock() {
            listed.clear();
            listed.extend_from_slice(entries);
        }
    }

    /// Loads every stored session (app start). No browser, no network: tokens are refreshed
    /// when first used. Accounts whose material is gone from the keychain are dropped from the
    /// index; an unreadable record is skipped (sign in again to replace it).
    pub async fn restore(&self) -> Result<Vec<Account>> {
        let _guard = self.inner.index_lock.lock().await;
        let vault = &self.inner.shared.vault;
        let entries = read_index(vault).await?;
        let listed = entries.len();
        let mut kept = Vec::with_capacity(listed);
        let mut accounts = Vec::new();
        for entry in entries {
            match SessionRecord::load(vault, &entry.did).await {
                Ok(record) => {
                    if let Ok(live) = LiveSession::new(record, Arc::clone(&self.inner.shared)) {
                        if let Ok(mut map) = self.inner.live.lock() {
                            map.insert(entry.did.clone(), Arc::new(live));
                        }
                        accounts.push(self.account(&entry));
                    }
                    kept.push(entry);
                }
                Err(Error::KeychainNotFound) => {}
                Err(
                    error @ (Error::KeychainMissing { .. }
                    | Error::KeychainLocked { .. }
                    | Error::KeychainDenied { .. }
                    | Error::KeychainFailed { .. }),
                ) => return Err(error),
                Err(_) => kept.push(entry),
            }
        }
        if kept.len() != listed {
            write_index(vault, &kept).await?;
        }
        self.remember_index(&kept);
        Ok(accounts)
    }

    async fn live(&self, did: &str) -> Result<Arc<LiveSession>> {
        if let Some(live) = self
            .inner
            .live
            .lock()
            .ok()
            .and_then(|map| map.get(did).cloned())
        {
            return Ok(live);
        }
        let record = match SessionRecord::load(&self.inner.shared.vault, did).await {
            Ok(record) => record,
            Err(Error::KeychainNotFound) => {
                return Err(Error::SessionExpired {
                    detail: format!("{did} is not signed in on this device"),
                });
            }
            Err(other) => return Err(other),
        };
        let live = Arc::new(LiveSession::new(record, Arc::clone(&self.inner.shared))?);
        if let Ok(mut map) = self.inner.live.lock() {
            map.entry(did.to_owned())
                .or_insert_with(|| Arc::clone(&live));
        }
        Ok(live)
    }

    /// The XRPC transport for a signed-in account (what providers use).
    pub async fn transport(&self, did: &str) -> Result<OAuthTransport> {
        Ok(OAuthTransport::new(self.live(did).await?))
    }

    /// Refreshes the account's tokens now (normally automatic).
    pub async fn refresh(&self, did: &str) -> Result<()> {
        self.live(did).await?.refresh().await
    }

    /// Revokes the session at the server, then deletes the local material and index entry.
    pub async fn sign_out(&self, did: &str) -> Result<SignOutOutcome> {
        let revoked = match self.live(did).await {
            Ok(live) => live.revoke().await.is_ok(),
            Err(Error::SessionExpired { .. }) => false,
            Err(other) => return Err(other),
        };
        let vault = &self.inner.shared.vault;
        {
            // Not while another process refreshes: its successor would land in the keychain
            // after the delete and bring the session back. (Taken after the revoke, which locks
            // the session's material: a refresh takes the material first, then this lock.)
            let _across_processes = lock_account(&self.inner.shared, did).await?;
            match vault.delete_async(&session_item(did)).await {
                Ok(()) | Err(Error::KeychainNotFound) => {}
                Err(other) => return Err(other),
            }
        }
        if let Ok(mut map) = self.inner.live.lock() {
            map.remove(did);
        }
        let _guard = self.inner.index_lock.lock().await;
        let mut entries = read_index(vault).await?;
        entries.retain(|entry| entry.did != did);
        write_index(vault, &entries).await?;
        self.remember_index(&entries);
        Ok(SignOutOutcome {
            revoked_at_server: revoked,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sign_in_futures_stay_small_enough_to_nest() {
        // atrium's futures run to hundreds of KiB in debug builds; unboxed, a few layers of
        // them overflowed a 2 MiB thread stack. The public futures must stay small.
        let manager = OAuthManager::new(OAuthConfig::default(), Vault::new("size-check")).unwrap();
        let browser = |_: &str| Ok(());
        let sign_in = manager.sign_in("alice.test", &browser, SignInOptions::default());
        assert!(
            std::mem::size_of_val(&sign_in) < 16 * 1024,
            "{}",
            std::mem::size_of_val(&sign_in)
        );
        let refresh = manager.refresh("did:plc:abc");
        assert!(std::mem::size_of_val(&refresh) < 16 * 1024);
    }
}

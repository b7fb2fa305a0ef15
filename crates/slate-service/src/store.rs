//! Staff users, their sign-in sessions and their API tokens, kept in memory
//! and in a JSON state file.
//!
//! Every change is written to disk first (temp file + fsync + rename) and only
//! then applied in memory, so a failed write leaves both exactly as they were.
//! The state file holds passwords, TOTP seeds, API token values and webhook
//! secrets in the clear (it is a test fixture, written owner-only); session
//! tokens are kept only as SHA-256 hashes.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use service_kit::state_file;

use crate::Error;

const STATE_VERSION: u32 = 1;

/// A staff user (= one Slate account here: API tokens belong to the user who
/// created them and are invisible to everyone else).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Integer id (test control names users by it).
    pub id: u64,
    /// Sign-in name; unique, compared case-insensitively.
    pub email: String,
    /// In the clear: a test fixture.
    pub password: String,
    /// Base32 TOTP seed when the second factor is on.
    pub totp_seed: Option<String>,
    /// TOTP steps whose code was already accepted (RFC 6238 §5.2: a code
    /// works once); only steps that can still be inside the ±1 window are kept.
    #[serde(default)]
    pub used_totp_steps: Vec<u64>,
    /// Unix milliseconds.
    pub created_ms: u64,
}

/// The four statuses the schema allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Usable.
    Active,
    /// Switched off by staff.
    Disabled,
    /// Revoked for good.
    Revoked,
    /// Past `expires_at` (also computed, see [`ApiToken::status_at`]).
    Expired,
}

impl Status {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Active, Self::Disabled, Self::Revoked, Self::Expired]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One API token with its webhook settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    /// Integer id, unique across all users.
    pub id: u64,
    /// The user it belongs to.
    pub owner_id: u64,
    /// Not unique.
    pub name: String,
    /// `slt_...`, in the clear (the rotate answer returns it).
    pub value: String,
    /// Free-form scope names (not enforced here).
    pub scopes: Vec<String>,
    /// Shown, not enforced.
    pub ip_allowlist: Option<Vec<String>>,
    /// Shown, not enforced.
    pub rate_limit: Option<i64>,
    /// Unix milliseconds.
    pub expires_ms: Option<u64>,
    /// As set; `active` past `expires_ms` reads as `expired`.
    pub status: Status,
    /// The creator's email.
    pub created_by: String,
    /// Unix milliseconds.
    pub created_ms: u64,
    /// Last use as a bearer, Unix milliseconds.
    pub last_used_ms: Option<u64>,
    /// Receiver URL.
    pub webhook_url: Option<String>,
    /// Whether deliveries are sent.
    pub webhook_enabled: bool,
    /// Current `whsec_...` signing secret, if the token has a webhook secret.
    pub webhook_secret: Option<String>,
}

impl ApiToken {
    /// The status at `now_ms`: an active token past its expiry is `expired`.
    pub fn status_at(&self, now_ms: u64) -> Status {
        match (self.status, self.expires_ms) {
            (Status::Active, Some(expires)) if expires <= now_ms => Status::Expired,
            (status, _) => status,
        }
    }
}

/// An access token, kept as its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessGrant {
    /// SHA-256 hex of the token.
    pub hash: String,
    /// Unix milliseconds.
    pub expires_ms: u64,
}

/// A refresh token, kept as its hash; `used_ms` once exchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshGrant {
    /// SHA-256 hex of the token.
    pub hash: String,
    /// Unix milliseconds.
    pub expires_ms: u64,
    /// When it was exchanged (a second exchange is theft).
    pub used_ms: Option<u64>,
}

/// One sign-in and everything descended from it by refreshes (the "family"
/// that dies as a whole when a used refresh token comes back).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Family id.
    pub id: u64,
    /// Whose session.
    pub user_id: u64,
    /// Unix milliseconds of the sign-in.
    pub created_ms: u64,
    /// Set when the family was revoked (reuse detected).
    pub revoked_ms: Option<u64>,
    /// Live access tokens (expired ones are pruned on every write).
    #[serde(default)]
    pub access: Vec<AccessGrant>,
    /// Every refresh token of the family until it expires, used or not.
    #[serde(default)]
    pub refresh: Vec<RefreshGrant>,
}

impl Session {
    /// Forgets grants that can never be presented successfully again.
    fn prune(&mut self, now_ms: u64) {
        self.access.retain(|g| g.expires_ms > now_ms);
        self.refresh.retain(|g| g.expires_ms > now_ms);
    }
}

/// Everything the state file holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Data {
    /// Staff users, in creation order.
    pub users: Vec<User>,
    /// API tokens, in creation order.
    pub tokens: Vec<ApiToken>,
    /// Sign-in sessions (families).
    pub sessions: Vec<Session>,
    /// Next ids.
    pub next_user_id: u64,
    /// Next ids.
    pub next_token_id: u64,
    /// Next ids.
    pub next_session_id: u64,
}

impl Data {
    /// A user by id.
    pub fn user(&self, id: u64) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// A user by email (case-insensitive).
    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    /// A token by id.
    pub fn token(&self, id: u64) -> Option<&ApiToken> {
        self.tokens.iter().find(|t| t.id == id)
    }

    /// A token by id, for changing it.
    pub fn token_mut(&mut self, id: u64) -> Option<&mut ApiToken> {
        self.tokens.iter_mut().find(|t| t.id == id)
    }

    /// A token by its value.
    pub fn token_by_value(&self, value: &str) -> Option<&ApiToken> {
        self.tokens
            .iter()
            .find(|t| crate::ids::constant_time_eq(t.value.as_bytes(), value.as_bytes()))
    }

    /// A session by id, for changing it.
    pub fn session_mut(&mut self, id: u64) -> Option<&mut Session> {
        self.sessions.iter_mut().find(|s| s.id == id)
    }

    /// The session holding the access token with this hash.
    pub fn session_by_access(&self, hash: &str) -> Option<(&Session, &AccessGrant)> {
        self.sessions
            .iter()
            .find_map(|s| s.access.iter().find(|g| g.hash == hash).map(|g| (s, g)))
    }

    /// The session holding the refresh token with this hash.
    pub fn session_by_refresh(&self, hash: &str) -> Option<(&Session, &RefreshGrant)> {
        self.sessions
            .iter()
            .find_map(|s| s.refresh.iter().find(|g| g.hash == hash).map(|g| (s, g)))
    }

    /// Takes the next user id.
    pub fn take_user_id(&mut self) -> u64 {
        self.next_user_id = self.next_user_id.max(1);
        let id = self.next_user_id;
        self.next_user_id += 1;
        id
    }

    /// Takes the next token id.
    pub fn take_token_id(&mut self) -> u64 {
        self.next_token_id = self.next_token_id.max(1);
        let id = self.next_token_id;
        self.next_token_id += 1;
        id
    }

    /// Takes the next session id.
    pub fn take_session_id(&mut self) -> u64 {
        self.next_session_id = self.next_session_id.max(1);
        let id = self.next_session_id;
        self.next_session_id += 1;
        id
    }

    /// Adds a staff user; 409 when the email is taken.
    pub fn add_user(
        &mut self,
        email: &str,
        password: &str,
        with_totp: bool,
        now_ms: u64,
    ) -> Result<User, Error> {
        if self.user_by_email(email).is_some() {
            return Err(Error::Conflict(format!("a user with email {email} exists")));
        }
        let user = User {
            id: self.take_user_id(),
            email: email.to_owned(),
            password: password.to_owned(),
            totp_seed: if with_totp {
                Some(crate::totp::generate_seed()?)
            } else {
                None
            },
            used_totp_steps: Vec::new(),
            created_ms: now_ms,
        };
        self.users.push(user.clone());
        Ok(user)
    }

    /// Drops expired grants and sessions with nothing left to present.
    fn prune(&mut self, now_ms: u64) {
        for session in &mut self.sessions {
            session.prune(now_ms);
        }
        self.sessions
            .retain(|s| !s.access.is_empty() || !s.refresh.is_empty());
    }
}

#[derive(Serialize, Deserialize)]
struct StateFile {
    version: u32,
    #[serde(flatten)]
    data: Data,
}

/// The state, and where it is written.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    data: Data,
}

impl Store {
    /// Loads `path`, or starts empty when it does not exist yet.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let data = match state_file::read::<StateFile>(path).map_err(Error::Config)? {
            Some(state) if state.version != STATE_VERSION => {
                return Err(Error::Config(format!(
                    "state file {} has unsupported version {}",
                    path.display(),
                    state.version
                )));
            }
            Some(state) => state.data,
            None => Data::default(),
        };
        Ok(Self {
            path: path.to_owned(),
            data,
        })
    }

    /// The current state.
    pub fn data(&self) -> &Data {
        &self.data
    }

    /// Makes `next` the state: disk first, then memory. With `inject_failure`
    /// (the storage-failure fault) nothing is written and the answer is the
    /// same error a failed disk gives.
    pub async fn commit(&mut self, mut next: Data, inject_failure: bool) -> Result<(), Error> {
        if inject_failure {
            return Err(Error::Storage(io::Error::other(
                "injected by the storageFailure test fault",
            )));
        }
        next.prune(service_kit::time::now_millis());
        let state = StateFile {
            version: STATE_VERSION,
            data: next,
        };
        state_file::write_json(self.path.clone(), &state)
            .await
            .map_err(Error::Storage)?;
        // Disk has the new state; only now does memory follow.
        self.data = state.data;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn user(id: u64) -> User {
        User {
            id,
            email: format!("u{id}@slate.test"),
            password: "pw".into(),
            totp_seed: None,
            used_totp_steps: vec![],
            created_ms: 0,
        }
    }

    #[tokio::test]
    async fn a_commit_survives_a_reopen_and_a_failed_one_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut store = Store::open(&path).unwrap();
        let mut next = store.data().clone();
        let id = next.take_user_id();
        next.users.push(user(id));
        store.commit(next, false).await.unwrap();
        assert_eq!(Store::open(&path).unwrap().data(), store.data());

        let mut next = store.data().clone();
        next.users.clear();
        assert!(matches!(
            store.commit(next, true).await,
            Err(Error::Storage(_))
        ));
        assert_eq!(store.data().users.len(), 1);
        assert_eq!(Store::open(&path).unwrap().data().users.len(), 1);
    }

    #[test]
    fn an_active_token_past_its_expiry_reads_as_expired() {
        let token = ApiToken {
            id: 1,
            owner_id: 1,
            name: "n".into(),
            value: "slt_x".into(),
            scopes: vec![],
            ip_allowlist: None,
            rate_limit: None,
            expires_ms: Some(1_000),
            status: Status::Active,
            created_by: "e".into(),
            created_ms: 0,
            last_used_ms: None,
            webhook_url: None,
            webhook_enabled: false,
            webhook_secret: None,
        };
        assert_eq!(token.status_at(999), Status::Active);
        assert_eq!(token.status_at(1_000), Status::Expired);
        let revoked = ApiToken {
            status: Status::Revoked,
            ..token
        };
        assert_eq!(revoked.status_at(5_000), Status::Revoked);
    }

    #[test]
    fn expired_grants_and_empty_sessions_are_pruned() {
        let mut data = Data::default();
        data.sessions.push(Session {
            id: 1,
            user_id: 1,
            created_ms: 0,
            revoked_ms: None,
            access: vec![AccessGrant {
                hash: "a".into(),
                expires_ms: 10,
            }],
            refresh: vec![RefreshGrant {
                hash: "r".into(),
                expires_ms: 100,
                used_ms: None,
            }],
        });
        data.prune(50);
        assert!(data.sessions[0].access.is_empty());
        assert_eq!(data.sessions[0].refresh.len(), 1);
        data.prune(100);
        assert!(data.sessions.is_empty());
    }

    #[test]
    fn status_names_round_trip() {
        for name in ["active", "disabled", "revoked", "expired"] {
            assert_eq!(Status::parse(name).unwrap().as_str(), name);
        }
        assert!(Status::parse("paused").is_none());
    }
}

//! Secrets per caller DID, kept in memory and in a JSON state file.
//!
//! Every change is written to disk first (temp file + rename) and only then
//! applied in memory, so a failed write leaves both exactly as they were.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use service_kit::state_file;

use crate::Error;

const STATE_VERSION: u32 = 1;

/// One secret as stored; `token` is a sealed `wse1` envelope, never plaintext.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredSecret {
    /// Owner (the caller DID from the service JWT).
    pub did: String,
    /// Secret name, unique per owner.
    pub name: String,
    /// Sealed current token.
    pub token: String,
    /// When it was created (`toISOString` shape).
    pub created_at: String,
    /// When it was last rotated, if ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rotated_at: Option<String>,
}

/// What `list` returns for one secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretSummary {
    /// Secret name.
    pub name: String,
    /// Creation time.
    pub created_at: String,
    /// Omitted until the first rotation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_rotated_at: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StateFile {
    version: u32,
    secrets: Vec<StoredSecret>,
}

/// The secrets of every caller, in creation order (which is list order).
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    fail_writes: bool,
    secrets: Vec<StoredSecret>,
}

impl Store {
    /// Loads `path`, or starts empty when it does not exist yet.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let secrets = match state_file::read::<StateFile>(path).map_err(Error::Config)? {
            Some(state) if state.version != STATE_VERSION => {
                return Err(Error::Config(format!(
                    "state file {} has unsupported version {}",
                    path.display(),
                    state.version
                )));
            }
            Some(state) => state.secrets,
            None => Vec::new(),
        };
        Ok(Self {
            path: path.to_owned(),
            fail_writes: false,
            secrets,
        })
    }

    /// Test control: when set, every write goes to a path that cannot exist
    /// (under the state file itself), so it fails in the OS, not in a flag check.
    pub fn set_fail_writes(&mut self, fail: bool) {
        self.fail_writes = fail;
    }

    /// The caller's secrets, oldest first.
    pub fn list(&self, did: &str) -> Vec<SecretSummary> {
        self.secrets
            .iter()
            .filter(|s| s.did == did)
            .map(|s| SecretSummary {
                name: s.name.clone(),
                created_at: s.created_at.clone(),
                last_rotated_at: s.last_rotated_at.clone(),
            })
            .collect()
    }

    /// One secret of one caller.
    pub fn get(&self, did: &str, name: &str) -> Option<&StoredSecret> {
        self.secrets.iter().find(|s| s.did == did && s.name == name)
    }

    fn position(&self, did: &str, name: &str) -> Option<usize> {
        self.secrets
            .iter()
            .position(|s| s.did == did && s.name == name)
    }

    /// Adds a secret; `AlreadyExists` if the caller already has that name.
    pub async fn create(&mut self, secret: StoredSecret) -> Result<(), Error> {
        if self.position(&secret.did, &secret.name).is_some() {
            return Err(Error::AlreadyExists);
        }
        let mut next = self.secrets.clone();
        next.push(secret);
        self.commit(next).await
    }

    /// Replaces the sealed token (the old one stops working at once).
    pub async fn rotate(
        &mut self,
        did: &str,
        name: &str,
        sealed_token: String,
        rotated_at: String,
    ) -> Result<(), Error> {
        let index = self.position(did, name).ok_or(Error::SecretNotFound)?;
        let mut next = self.secrets.clone();
        if let Some(entry) = next.get_mut(index) {
            entry.token = sealed_token;
            entry.last_rotated_at = Some(rotated_at);
        }
        self.commit(next).await
    }

    /// Removes a secret; `SecretNotFound` if the caller has no such name.
    pub async fn delete(&mut self, did: &str, name: &str) -> Result<(), Error> {
        let index = self.position(did, name).ok_or(Error::SecretNotFound)?;
        let mut next = self.secrets.clone();
        next.remove(index);
        self.commit(next).await
    }

    async fn commit(&mut self, next: Vec<StoredSecret>) -> Result<(), Error> {
        let state = StateFile {
            version: STATE_VERSION,
            secrets: next,
        };
        let target = if self.fail_writes {
            self.path.join("writes-disabled-by-test-control")
        } else {
            self.path.clone()
        };
        state_file::write_json(target, &state)
            .await
            .map_err(Error::Storage)?;
        // Disk has the new state; only now does memory follow.
        self.secrets = state.secrets;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn secret(did: &str, name: &str, token: &str, at: &str) -> StoredSecret {
        StoredSecret {
            did: did.into(),
            name: name.into(),
            token: token.into(),
            created_at: at.into(),
            last_rotated_at: None,
        }
    }

    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("state.json")).unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn lists_only_the_callers_secrets_oldest_first() {
        let (_dir, mut store) = temp_store();
        store
            .create(secret("did:a", "one", "t1", "2024-01-01T00:00:00.000Z"))
            .await
            .unwrap();
        store
            .create(secret("did:b", "one", "t2", "2024-01-01T00:00:00.001Z"))
            .await
            .unwrap();
        store
            .create(secret("did:a", "two", "t3", "2024-01-01T00:00:00.002Z"))
            .await
            .unwrap();
        let names: Vec<_> = store.list("did:a").into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["one", "two"]);
        assert_eq!(store.list("did:b").len(), 1);
    }

    #[tokio::test]
    async fn creating_a_duplicate_name_is_already_exists() {
        let (_dir, mut store) = temp_store();
        store
            .create(secret("did:a", "one", "t1", "x"))
            .await
            .unwrap();
        let err = store
            .create(secret("did:a", "one", "t2", "y"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::AlreadyExists));
    }

    #[tokio::test]
    async fn rotate_invalidates_the_old_token_at_once() {
        let (_dir, mut store) = temp_store();
        store
            .create(secret("did:a", "one", "old", "x"))
            .await
            .unwrap();
        store
            .rotate("did:a", "one", "new".into(), "y".into())
            .await
            .unwrap();
        let entry = store.get("did:a", "one").unwrap();
        assert_eq!(entry.token, "new");
        assert_eq!(entry.last_rotated_at.as_deref(), Some("y"));
    }

    #[tokio::test]
    async fn rotating_or_deleting_a_missing_secret_is_not_found() {
        let (_dir, mut store) = temp_store();
        store
            .create(secret("did:a", "one", "t", "x"))
            .await
            .unwrap();
        let rotate = store.rotate("did:b", "one", "n".into(), "y".into()).await;
        assert!(matches!(rotate, Err(Error::SecretNotFound)));
        assert!(matches!(
            store.delete("did:a", "two").await,
            Err(Error::SecretNotFound)
        ));
    }

    #[tokio::test]
    async fn state_survives_reopening() {
        let (dir, mut store) = temp_store();
        store
            .create(secret("did:a", "one", "t", "x"))
            .await
            .unwrap();
        store
            .create(secret("did:a", "two", "t", "x"))
            .await
            .unwrap();
        store.delete("did:a", "one").await.unwrap();
        let reopened = Store::open(&dir.path().join("state.json")).unwrap();
        assert_eq!(reopened.secrets, store.secrets);
        assert_eq!(reopened.list("did:a")[0].name, "two");
    }

    #[tokio::test]
    async fn a_failed_write_changes_neither_disk_nor_memory() {
        let (dir, mut store) = temp_store();
        store
            .create(secret("did:a", "one", "t", "x"))
            .await
            .unwrap();
        store.set_fail_writes(true);
        assert!(matches!(
            store.create(secret("did:a", "two", "t", "x")).await,
            Err(Error::Storage(_))
        ));
        assert!(matches!(
            store.rotate("did:a", "one", "n".into(), "y".into()).await,
            Err(Error::Storage(_))
        ));
        assert!(matches!(
            store.delete("did:a", "one").await,
            Err(Error::Storage(_))
        ));
        assert_eq!(store.secrets, vec![secret("did:a", "one", "t", "x")]);
        assert_eq!(
            Store::open(&dir.path().join("state.json")).unwrap().secrets,
            store.secrets
        );
        store.set_fail_writes(false);
        store
            .create(secret("did:a", "two", "t", "x"))
            .await
            .unwrap();
        assert_eq!(store.list("did:a").len(), 2);
    }

    #[test]
    fn a_corrupt_state_file_is_a_start_up_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, b"{not json").unwrap();
        assert!(matches!(Store::open(&path), Err(Error::Config(_))));
    }

    #[test]
    fn never_rotated_secrets_omit_last_rotated_at() {
        let summary = SecretSummary {
            name: "a".into(),
            created_at: "x".into(),
            last_rotated_at: None,
        };
        assert_eq!(
            serde_json::to_string(&summary).unwrap(),
            r#"{"name":"a","createdAt":"x"}"#
        );
    }
}

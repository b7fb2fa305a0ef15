//! Where staged rotations survive a restart: `staged-rotations.json` in the app's config folder,
//! shared by the window and the CLI. It holds ids, names, webhook addresses and steps — never a
//! token. Written whole and atomically (temporary file, then rename) after every change, so a
//! crash leaves the previous state, never half of one.
//!
//! The window and the CLI may both advance rotations: each step holds [`StagedStore::lock`]
//! from reading the file to its last save, so no step works from a state another process has
//! moved on from, and no save overwrites another's.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::account::AccountRef;
use crate::error::{Error, Result};
use crate::process_lock::ProcessLock;

use super::state::StagedRotation;

pub const FILE_NAME: &str = "staged-rotations.json";

/// How long a step waits for another process's step (a switch of several webhooks takes a few
/// requests) before saying so.
const LOCK_PATIENCE: Duration = Duration::from_secs(20);

#[derive(Debug, Clone)]
pub struct StagedStore {
    path: Option<PathBuf>,
}

fn failed(path: &Path, error: impl std::fmt::Display) -> Error {
    Error::StagedStateUnavailable {
        detail: format!("{}: {error}", path.display()),
    }
}

impl StagedStore {
    /// `None` when the platform has no config folder: nothing can be staged then.
    pub fn new(config_dir: Option<&Path>) -> StagedStore {
        StagedStore {
            path: config_dir.map(|dir| dir.join(FILE_NAME)),
        }
    }

    fn path(&self) -> Result<&Path> {
        self.path
            .as_deref()
            .ok_or_else(|| Error::StagedStateUnavailable {
                detail: "the platform reported no config folder".into(),
            })
    }

    /// The lock for one step, shared by every Wispkey process using this config folder (in its
    /// `locks` folder, beside the file it guards). Held until dropped.
    pub async fn lock(&self) -> Result<ProcessLock> {
        let path = self.path()?;
        let dir = path
            .parent()
            .map_or_else(|| PathBuf::from("locks"), |dir| dir.join("locks"));
        ProcessLock::acquire(&dir, FILE_NAME, LOCK_PATIENCE)
            .await
            .map_err(|error| match error {
                Error::AccountBusy => Error::StagedStepNotReady {
                    reason: "Another Wispkey window or command is working on a staged rotation \
                             right now. Let it finish, then try again."
                        .into(),
                },
                other => other,
            })
    }

    /// Every staged rotation in progress. No file: none. An unreadable file is an error (never
    /// silently empty: that would forget a half-done switch).
    pub fn all(&self) -> Result<Vec<StagedRotation>> {
        let path = self.path()?;
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|error| failed(path, error)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(error) => Err(failed(path, error)),
        }
    }

    pub fn for_account(&self, account: &AccountRef) -> Result<Vec<StagedRotation>> {
        Ok(self
            .all()?
            .into_iter()
            .filter(|rotation| &rotation.account == account)
            .collect())
    }

    /// The rotation replacing `old_id`, if one is in progress.
    pub fn get(&self, account: &AccountRef, old_id: &str) -> Result<Option<StagedRotation>> {
        Ok(self
            .all()?
            .into_iter()
            .find(|rotation| &rotation.account == account && rotation.old_id == old_id))
    }

    /// Saves `rotation`, replacing the one for the same account and old secret.
    pub fn put(&self, rotation: &StagedRotation) -> Result<()> {
        let mut all = self.all()?;
        match all
            .iter_mut()
            .find(|known| known.account == rotation.account && known.old_id == rotation.old_id)
        {
            Some(known) => *known = rotation.clone(),
            None => all.push(rotation.clone()),
        }
        self.write(&all)
    }

    /// Forgets the rotation replacing `old_id` (finished or cancelled).
    pub fn remove(&self, account: &AccountRef, old_id: &str) -> Result<()> {
        let mut all = self.all()?;
        all.retain(|rotation| !(&rotation.account == account && rotation.old_id == old_id));
        self.write(&all)
    }

    fn write(&self, all: &[StagedRotation]) -> Result<()> {
        let path = self.path()?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|error| failed(path, error))?;
        }
        let json = serde_json::to_string_pretty(all).map_err(|error| failed(path, error))?;
        let temporary = path.with_extension("json.tmp");
        std::fs::write(&temporary, json).map_err(|error| failed(path, error))?;
        std::fs::rename(&temporary, path).map_err(|error| failed(path, error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::staged::StagedStep;
    use chrono::Utc;

    fn scratch(label: &str) -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        std::env::temp_dir().join(format!(
            "wispkey-staged-{label}-{}-{nanos}",
            std::process::id()
        ))
    }

    fn rotation(account: &str, old: &str) -> StagedRotation {
        StagedRotation::begin(
            AccountRef::new("wisp", account),
            old,
            old,
            &format!("{old}-2"),
            Utc::now(),
        )
    }

    #[test]
    fn a_saved_rotation_is_found_again_by_a_new_store_and_replaced_in_place() {
        let dir = scratch("roundtrip");
        let mut first = rotation("did:a", "hook");
        StagedStore::new(Some(&dir)).put(&first).unwrap();
        StagedStore::new(Some(&dir))
            .put(&rotation("did:b", "hook"))
            .unwrap();
        first.created("hook-2", Utc::now()).unwrap();
        StagedStore::new(Some(&dir)).put(&first).unwrap();

        // A new process (a restart) reads the same state.
        let store = StagedStore::new(Some(&dir));
        let found = store
            .get(&AccountRef::new("wisp", "did:a"), "hook")
            .unwrap()
            .unwrap();
        assert_eq!(found.step, StagedStep::Created);
        assert_eq!(store.all().unwrap().len(), 2);
        assert_eq!(
            store
                .for_account(&AccountRef::new("wisp", "did:b"))
                .unwrap()
                .len(),
            1
        );
        store
            .remove(&AccountRef::new("wisp", "did:a"), "hook")
            .unwrap();
        assert!(
            store
                .get(&AccountRef::new("wisp", "did:a"), "hook")
                .unwrap()
                .is_none()
        );
        assert!(!dir.join(format!("{FILE_NAME}.tmp")).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn no_file_means_nothing_staged_and_a_broken_file_is_an_error_not_nothing() {
        let dir = scratch("broken");
        let store = StagedStore::new(Some(&dir));
        assert!(store.all().unwrap().is_empty());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(FILE_NAME), "[{ half").unwrap();
        let error = store.all().unwrap_err();
        assert_eq!(error.code(), ErrorCode::StagedStateUnavailable);
        assert!(store.put(&rotation("did:a", "hook")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn a_step_waits_for_another_holder_and_says_so_when_it_does_not_let_go() {
        let dir = scratch("lock");
        let store = StagedStore::new(Some(&dir));
        let held = store.lock().await.unwrap();
        // The same folder from another store (another process: the lock is per open file).
        let other = StagedStore::new(Some(&dir));
        let waited = tokio::time::timeout(Duration::from_millis(300), other.lock()).await;
        assert!(
            waited.is_err(),
            "a second step got the lock while the first held it"
        );
        drop(held);
        let second = other.lock().await.unwrap();
        assert!(dir.join("locks").is_dir());
        drop(second);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn without_a_config_folder_nothing_can_be_staged() {
        let store = StagedStore::new(None);
        assert!(store.all().is_err());
        assert!(store.put(&rotation("did:a", "hook")).is_err());
    }
}

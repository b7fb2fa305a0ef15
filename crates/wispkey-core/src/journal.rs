//! The journal of requests in flight: create, rotate and delete each leave a note on disk before
//! the request is sent, and the answer (any answer) removes it. A note still there when a
//! process starts means one ended while waiting (killed, crashed, logged out): the request may
//! have happened, so the user is told the outcome is unknown for that secret.
//!
//! A file per request in the app's config folder, not a keychain item: it must be on disk
//! *before* the request goes out even when the keychain is locked or slow (that is when requests
//! hang), a write + fsync takes milliseconds and no prompt, and the window and the CLI share the
//! folder. It holds no secret value (provider, account, secret id and name, operation, time),
//! so a file is allowed by the rule that tokens live only in the keychain.
//!
//! The process that wrote a note holds an exclusive lock on it until the answer comes; the OS
//! drops the lock when the process dies, however it dies. So a note that can be locked belongs
//! to no living process, and a note that cannot is a request still in flight elsewhere.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::account::AccountRef;
use crate::error::{Error, Result};
use crate::operation::Operation;

/// The folder under the app's config folder.
pub const FOLDER: &str = "in-flight";

/// One request in flight. No secret value: what the user needs to check the secret afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct InFlight {
    /// The note's own id (its file name).
    pub entry: String,
    pub account: AccountRef,
    pub operation: Operation,
    /// The provider's id for the secret; `None` for a create (the server has not named it).
    pub secret_id: Option<String>,
    pub name: String,
    /// RFC 3339, when the request was about to be sent.
    pub started_at: String,
    /// RFC 3339: the secret's last-rotated time as listed before the request (rotate).
    pub last_rotated_before: Option<String>,
}

/// Where the notes are kept. `None` (no config folder) keeps none: every platform Wispkey
/// ships for has one, and tests that pass none do not need the notes.
#[derive(Debug, Clone)]
pub struct Journal {
    dir: Option<PathBuf>,
}

/// A note written and locked; [`Written::finish`] removes it once an answer came.
#[derive(Debug)]
pub struct Written {
    pub record: InFlight,
    path: Option<PathBuf>,
    /// Holds the lock that tells other processes this request is still in flight.
    _lock: Option<File>,
}

impl Journal {
    pub fn new(config_dir: Option<&Path>) -> Journal {
        Journal {
            dir: config_dir.map(|dir| dir.join(FOLDER)),
        }
    }

    /// Writes the note durably (written, fsync'd, renamed into place, folder fsync'd) and keeps
    /// it locked. Called before the request is sent; if it fails, nothing is sent.
    pub fn begin(
        &self,
        account: &AccountRef,
        operation: Operation,
        secret_id: Option<&str>,
        name: &str,
        last_rotated_before: Option<String>,
    ) -> Result<Written> {
        let record = InFlight {
            entry: new_entry_id(),
            account: account.clone(),
            operation,
            secret_id: secret_id.map(str::to_owned),
            name: name.to_owned(),
            started_at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            last_rotated_before,
        };
        let Some(dir) = &self.dir else {
            return Ok(Written {
                record,
                path: None,
                _lock: None,
            });
        };
        let (path, lock) = write_locked(dir, &record).map_err(|error| Error::NotRecorded {
            detail: error.to_string(),
        })?;
        Ok(Written {
            record,
            path: Some(path),
            _lock: Some(lock),
        })
    }

    /// Notes left by processes that ended while waiting, oldest first. Notes of requests still
    /// in flight in a running process are skipped; unreadable notes are removed (they can name
    /// nothing to check).
    pub fn interrupted(&self) -> Vec<InFlight> {
        let Some(dir) = &self.dir else {
            return Vec::new();
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|extension| extension != "json") {
                continue;
            }
            let Ok(file) = OpenOptions::new().read(true).write(true).open(&path) else {
                continue;
            };
            match file.try_lock() {
                Ok(()) => {}
                // In flight in a living process.
                Err(TryLockError::WouldBlock) => continue,
                Err(TryLockError::Error(_)) => continue,
            }
            match std::fs::read(&path)
                .ok()
                .and_then(|bytes| serde_json::from_slice::<InFlight>(&bytes).ok())
            {
                Some(record) => found.push(record),
                None => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        found.sort_by(|a, b| a.started_at.cmp(&b.started_at));
        found
    }

    /// The user was told about an interrupted request: its note goes. A note that is locked
    /// (in flight after all) is left alone.
    pub fn dismiss(&self, entry: &str) -> Result<()> {
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        if !is_entry_id(entry) {
            return Err(Error::InvalidRequest {
                message: "no such interrupted operation".into(),
            });
        }
        let path = dir.join(format!("{entry}.json"));
        let Ok(file) = OpenOptions::new().read(true).write(true).open(&path) else {
            return Ok(());
        };
        if file.try_lock().is_err() {
            return Ok(());
        }
        remove_durably(dir, &path).map_err(|error| Error::NotRecorded {
            detail: error.to_string(),
        })
    }
}

impl Written {
    /// An answer came (success or error): the note goes. If removing it fails, the next start
    /// asks the user to check a secret that is fine: safe, so not an error here. For the same
    /// reason the folder is flushed on a thread of its own rather than before the answer is
    /// shown: a removal a power cut undoes only brings that question back.
    pub fn finish(self) {
        if let Some(path) = &self.path
            && let Some(dir) = path.parent()
            && std::fs::remove_file(path).is_ok()
        {
            let dir = dir.to_path_buf();
            let _ = std::thread::Builder::new()
                .name("wispkey-journal-sync".into())
                .spawn(move || sync_dir(&dir));
        }
    }
}

fn new_entry_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    format!("{nanos:032x}-{:08x}", std::process::id())
}

/// Only ids this module makes: hex and one dash (so a dismiss can never name another path).
fn is_entry_id(entry: &str) -> bool {
    !entry.is_empty()
        && entry.len() <= 64
        && entry
            .chars()
            .all(|character| character.is_ascii_hexdigit() || character == '-')
}

fn write_locked(dir: &Path, record: &InFlight) -> std::io::Result<(PathBuf, File)> {
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!("{}.tmp", record.entry));
    let path = dir.join(format!("{}.json", record.entry));
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&temporary)?;
    // Locked before it has its real name, so no reader ever sees it unlocked while we live.
    file.lock()?;
    file.write_all(&serde_json::to_vec(record)?)?;
    file.sync_all()?;
    std::fs::rename(&temporary, &path)?;
    sync_dir(dir)?;
    Ok((path, file))
}

fn remove_durably(dir: &Path, path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error),
    }
    sync_dir(dir)
}

/// A rename or removal is durable once the folder itself is flushed (POSIX); Windows has no
/// such call for folders and makes renames durable with the file.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("wispkey-journal-{}", new_entry_id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn account() -> AccountRef {
        AccountRef::new("wisp", "did:plc:abc")
    }

    fn files(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir.join(FOLDER))
            .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_note_is_on_disk_before_the_request_and_gone_after_the_answer() {
        let dir = scratch();
        let journal = Journal::new(Some(&dir));
        let written = journal
            .begin(&account(), Operation::Rotate, Some("hook"), "hook", None)
            .unwrap();
        let on_disk = files(&dir);
        assert_eq!(on_disk.len(), 1, "{on_disk:?}");
        let saved: InFlight = serde_json::from_slice(&std::fs::read(&on_disk[0]).unwrap()).unwrap();
        assert_eq!(saved, written.record);
        written.finish();
        assert!(files(&dir).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_note_of_a_living_request_is_not_reported_as_interrupted() {
        let dir = scratch();
        let journal = Journal::new(Some(&dir));
        let written = journal
            .begin(&account(), Operation::Delete, Some("7"), "hook", None)
            .unwrap();
        assert!(journal.interrupted().is_empty(), "it is still in flight");
        // Nor can it be dismissed from under the request.
        journal.dismiss(&written.record.entry).unwrap();
        assert_eq!(files(&dir).len(), 1);
        written.finish();
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_note_whose_writer_went_away_is_interrupted_until_dismissed() {
        let dir = scratch();
        let journal = Journal::new(Some(&dir));
        let written = journal
            .begin(
                &account(),
                Operation::Rotate,
                Some("hook"),
                "hook",
                Some("2024-01-01T00:00:00Z".into()),
            )
            .unwrap();
        let record = written.record.clone();
        // What a killed process leaves: the file, no lock (dropping releases it, as death does).
        drop(written);
        assert_eq!(journal.interrupted(), std::slice::from_ref(&record));
        journal.dismiss(&record.entry).unwrap();
        assert!(journal.interrupted().is_empty());
        assert!(files(&dir).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_note_holds_no_secret_value_only_what_names_the_request() {
        let dir = scratch();
        let journal = Journal::new(Some(&dir));
        let written = journal
            .begin(&account(), Operation::Create, None, "deploy-hook", None)
            .unwrap();
        let text = std::fs::read_to_string(&files(&dir)[0]).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "account",
                "entry",
                "lastRotatedBefore",
                "name",
                "operation",
                "secretId",
                "startedAt"
            ]
        );
        written.finish();
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_ids_the_journal_makes_can_be_dismissed() {
        let journal = Journal::new(Some(Path::new("/nonexistent")));
        assert!(journal.dismiss("../../etc/passwd").is_err());
        assert!(journal.dismiss("").is_err());
    }

    #[test]
    fn without_a_config_folder_nothing_is_written() {
        let journal = Journal::new(None);
        let written = journal
            .begin(&account(), Operation::Rotate, Some("x"), "x", None)
            .unwrap();
        assert!(journal.interrupted().is_empty());
        written.finish();
    }
}

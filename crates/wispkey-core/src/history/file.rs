//! The history file (`history.jsonl`, one JSON entry a line) and its head (`history.head`: the
//! last entry's sequence number and hash). The window and the CLI append to the same file;
//! an OS file lock on it serialises appends, so no two entries link to the same predecessor.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::Serialize;

use super::entry::{GENESIS, HistoryEntry, NewEntry};
use crate::error::{Error, Result};

pub const FILE_NAME: &str = "history.jsonl";
pub const HEAD_FILE_NAME: &str = "history.head";

/// The history kept in one folder (the app's config folder).
#[derive(Debug, Clone)]
pub struct History {
    dir: PathBuf,
}

fn failed(path: &Path, error: impl std::fmt::Display) -> Error {
    Error::HistoryFailed {
        detail: format!("{}: {error}", path.display()),
    }
}

impl History {
    pub fn new(dir: impl Into<PathBuf>) -> History {
        History { dir: dir.into() }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    fn head_path(&self) -> PathBuf {
        self.dir.join(HEAD_FILE_NAME)
    }

    /// Appends one entry linked to the last one, under an exclusive lock on the file, and
    /// returns it. Blocking: a few small reads and one write.
    pub fn append(&self, new: NewEntry) -> Result<HistoryEntry> {
        let path = self.path();
        std::fs::create_dir_all(&self.dir).map_err(|e| failed(&self.dir, e))?;
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(|e| failed(&path, e))?;
        file.lock().map_err(|e| failed(&path, e))?;
        let (seq, prev) = last_link(&mut file).map_err(|e| failed(&path, e))?;
        let entry = HistoryEntry::link(new, seq + 1, &prev, Utc::now());
        let mut line = serde_json::to_string(&entry).map_err(|e| failed(&path, e))?;
        line.push('\n');
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| failed(&path, e))?;
        let head = self.head_path();
        let temporary = self.dir.join(format!("{HEAD_FILE_NAME}.tmp"));
        std::fs::write(&temporary, format!("{} {}\n", entry.seq, entry.hash))
            .and_then(|()| std::fs::rename(&temporary, &head))
            .map_err(|e| failed(&head, e))?;
        Ok(entry)
    }

    /// Every entry that parses, oldest first (an unreadable line is skipped here; [`verify`]
    /// reports it). No file yet: no entries.
    pub fn entries(&self) -> Result<Vec<HistoryEntry>> {
        let text = match std::fs::read_to_string(self.path()) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(failed(&self.path(), error)),
        };
        Ok(text
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect())
    }

    /// Checks the whole chain and the head; see [`verify`].
    pub fn verify(&self) -> Result<ChainCheck> {
        let text = match std::fs::read_to_string(self.path()) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => return Err(failed(&self.path(), error)),
        };
        let head = std::fs::read_to_string(self.head_path()).ok();
        Ok(verify(&text, head.as_deref()))
    }
}

/// The last entry's sequence number and hash (0 and [`GENESIS`] for an empty file). A
/// damaged last line restarts nothing: the next entry links to it as best it can, and
/// [`verify`] reports the damage.
fn last_link(file: &mut File) -> std::io::Result<(u64, String)> {
    file.seek(SeekFrom::Start(0))?;
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    let last = text.lines().rev().find(|line| !line.trim().is_empty());
    Ok(last
        .and_then(|line| serde_json::from_str::<HistoryEntry>(line).ok())
        .map_or_else(|| (0, GENESIS.to_owned()), |entry| (entry.seq, entry.hash)))
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ChainCheck {
    /// Lines that are intact, counted up to the first broken one.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub intact_entries: u64,
    pub first_broken: Option<BrokenLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BrokenLink {
    /// 1-based line in the file (one past the last line when the end was cut off).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub line: u64,
    /// A sentence saying what does not hold.
    pub reason: String,
}

/// Checks every line of a history file in order: it parses, its `seq` follows the previous
/// one, its `prev` is the previous `hash`, its `hash` matches its fields; and the last entry
/// is the one `head` (the head file's text) names. Reports the first broken link.
pub fn verify(text: &str, head: Option<&str>) -> ChainCheck {
    let mut prev = GENESIS.to_owned();
    let mut seq = 0;
    let mut line_number = 0;
    let broken = |line: u64, reason: String, intact: u64| ChainCheck {
        intact_entries: intact,
        first_broken: Some(BrokenLink { line, reason }),
    };
    for line in text.lines() {
        line_number += 1;
        let Ok(entry) = serde_json::from_str::<HistoryEntry>(line) else {
            return broken(
                line_number,
                "the line is not a history entry (it was edited or damaged).".into(),
                seq,
            );
        };
        if entry.seq != seq + 1 {
            return broken(
                line_number,
                format!(
                    "entry {} follows entry {seq}: lines were removed, added or reordered.",
                    entry.seq
                ),
                seq,
            );
        }
        if entry.prev != prev {
            return broken(
                line_number,
                "the entry does not link to the line before it: lines were removed or reordered."
                    .into(),
                seq,
            );
        }
        if entry.hash != entry.expected_hash() {
            return broken(
                line_number,
                "the entry's fields do not match its hash: the line was edited.".into(),
                seq,
            );
        }
        prev = entry.hash;
        seq = entry.seq;
    }
    if let Some(head) = head {
        let mut words = head.split_whitespace();
        let head_seq = words.next().and_then(|s| s.parse::<u64>().ok());
        let head_hash = words.next();
        if head_seq != Some(seq) || head_hash != Some(prev.as_str()) && seq > 0 {
            return broken(
                line_number + 1,
                format!(
                    "the history ends at entry {seq}, but entry {} was written last: entries were removed from the end.",
                    head_seq.map_or_else(|| "?".to_owned(), |s| s.to_string())
                ),
                seq,
            );
        }
    }
    ChainCheck {
        intact_entries: seq,
        first_broken: None,
    }
}

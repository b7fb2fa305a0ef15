//! A lock held across processes: the window and the `wispkey` CLI share one keychain, and some
//! credentials there are single-use (a refresh token works once). Whoever spends one holds this
//! lock from reading it to writing its successor, so no two processes ever send the same one.
//!
//! The lock is an OS file lock (`flock` on Unix, `LockFileEx` on Windows) on a small file named
//! after the key. It belongs to the open file, so a crashed holder releases it with its last
//! descriptor, and two holders inside one process exclude each other as well.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// THE folder for locks across processes: every provider's refresh lock (OAuth, Slate) is
/// taken here, by the window and the CLI alike.
///
/// A lock guards a keychain item, and the keychain is the user's, not a config folder's: two
/// processes started with different config folders (a test profile, a CLI run with other
/// `XDG_CONFIG_HOME`) still share the keychain, so they must share the lock. Lock names carry
/// the keychain namespace, which tells apart what the keychain tells apart. The per-user runtime
/// folder (`$XDG_RUNTIME_DIR`) is emptied at logout, which suits locks (no process holds one
/// then); without it, the cache folder, else the temporary folder.
pub fn default_dir() -> PathBuf {
    match dirs::runtime_dir().or_else(dirs::cache_dir) {
        Some(dir) => dir.join("place.wisp.wispkey").join("locks"),
        None => std::env::temp_dir().join("place.wisp.wispkey-locks"),
    }
}

/// How long to wait between attempts while another process holds the lock.
const POLL: Duration = Duration::from_millis(25);

/// Held while alive; dropping it (or the process ending) releases the lock.
#[derive(Debug)]
pub struct ProcessLock {
    _file: File,
}

impl ProcessLock {
    /// Waits up to `patience` for the lock named `key` in `dir` (created if missing).
    ///
    /// The wait runs on a blocking thread, so it never stalls an async runtime.
    pub async fn acquire(dir: &Path, key: &str, patience: Duration) -> Result<ProcessLock> {
        let path = lock_path(dir, key);
        let dir = dir.to_path_buf();
        tokio::task::spawn_blocking(move || acquire_blocking(&dir, &path, patience))
            .await
            .map_err(|error| Error::Internal {
                detail: format!("waiting for a lock: {error}"),
            })?
    }
}

fn acquire_blocking(dir: &Path, path: &Path, patience: Duration) -> Result<ProcessLock> {
    let failed = |error: std::io::Error| Error::Internal {
        detail: format!("lock file {}: {error}", path.display()),
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(failed)?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(ProcessLock { _file: file }),
            Err(TryLockError::WouldBlock) if started.elapsed() < patience => {
                std::thread::sleep(POLL);
            }
            Err(TryLockError::WouldBlock) => return Err(Error::AccountBusy),
            Err(TryLockError::Error(error)) => return Err(failed(error)),
        }
    }
}

/// A file name for any key: safe characters kept (readable when debugging), the rest escaped,
/// long keys cut and told apart by a hash of the whole key.
fn lock_path(dir: &Path, key: &str) -> PathBuf {
    const KEEP: usize = 96;
    let mut name = String::with_capacity(KEEP + 24);
    for byte in key.bytes() {
        if name.len() >= KEEP {
            break;
        }
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.') {
            name.push(char::from(byte));
        } else {
            name.push_str(&format!("%{byte:02X}"));
        }
    }
    dir.join(format!("{name}-{:016x}.lock", stable_hash(key.as_bytes())))
}

/// FNV-1a: stable across builds and processes (std's hasher makes no such promise), so two
/// processes, or two versions of the app, derive the same name from the same key.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn temp_dir(label: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("wispkey-lock-test-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[tokio::test]
    async fn second_holder_waits_until_the_first_releases() -> Result<()> {
        let dir = temp_dir("waits");
        let first = ProcessLock::acquire(&dir, "slate:a", Duration::from_secs(1)).await?;
        let inside = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&inside);
        let dir2 = dir.clone();
        let second = tokio::spawn(async move {
            let lock = ProcessLock::acquire(&dir2, "slate:a", Duration::from_secs(5)).await;
            (lock.is_ok(), seen.load(Ordering::SeqCst))
        });
        tokio::time::sleep(Duration::from_millis(150)).await;
        inside.store(1, Ordering::SeqCst);
        drop(first);
        let (acquired, seen_when_acquired) = second.await.map_err(|error| Error::Internal {
            detail: error.to_string(),
        })?;
        assert!(acquired);
        assert_eq!(
            seen_when_acquired, 1,
            "the second holder got in before the first left"
        );
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    #[tokio::test]
    async fn a_held_lock_is_busy_after_the_patience_runs_out() -> Result<()> {
        let dir = temp_dir("busy");
        let _held = ProcessLock::acquire(&dir, "k", Duration::from_secs(1)).await?;
        let error = ProcessLock::acquire(&dir, "k", Duration::from_millis(100))
            .await
            .err();
        assert!(matches!(error, Some(Error::AccountBusy)), "{error:?}");
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    #[tokio::test]
    async fn different_keys_do_not_block_each_other() -> Result<()> {
        let dir = temp_dir("keys");
        let _a = ProcessLock::acquire(&dir, "account:a", Duration::from_secs(1)).await?;
        let _b = ProcessLock::acquire(&dir, "account:b", Duration::from_millis(50)).await?;
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    #[test]
    fn lock_names_are_safe_and_distinct_for_long_keys() {
        let dir = Path::new("/locks");
        let long_a = format!("{}a", "x".repeat(300));
        let long_b = format!("{}b", "x".repeat(300));
        let a = lock_path(dir, &long_a);
        let b = lock_path(dir, &long_b);
        assert_ne!(a, b);
        let name = lock_path(dir, "slate:https://api.broker/x y")
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert!(
            !name.contains('/') && !name.contains(':') && !name.contains(' '),
            "{name}"
        );
        assert!(a.to_string_lossy().len() < 200);
    }
}

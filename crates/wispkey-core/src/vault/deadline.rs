//! Runs blocking keychain calls off the caller's thread and gives up waiting after a deadline.
//!
//! A Secret Service whose collection is locked may show an unlock prompt and block until someone
//! answers it; on a headless machine nobody will. The stuck thread is abandoned (it holds no lock
//! of ours) and the caller gets a clear error instead of a hang.
//!
//! Vault calls run on the one keychain thread ([`super::worker`]), which keeps its connection;
//! the unlock prompt, which may rightly wait minutes for the user, runs on a thread of its own.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::store::Link;
use super::worker;
use crate::error::{Error, Result};

/// Told by the job after each keychain answer: a value kept as many parts makes many calls,
/// and the deadline is for one call that does not answer, not for the sum of answered ones.
#[derive(Clone)]
pub(super) struct Progress {
    start: Instant,
    /// Milliseconds after `start` of the last answer.
    last: Arc<AtomicU64>,
}

impl Progress {
    pub(super) fn new() -> Progress {
        Progress {
            start: Instant::now(),
            last: Arc::default(),
        }
    }

    pub fn tick(&self) {
        let elapsed = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(elapsed, Ordering::Relaxed);
    }

    fn since_last(&self) -> Duration {
        let last = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(last)
    }

    /// Time since this clock started.
    pub(super) fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// Time without an answer, counted from `queued` at the earliest: a job waiting behind
    /// another that keeps getting answers is not a keychain that stopped answering.
    fn silent_since(&self, queued: Duration) -> Duration {
        self.since_last()
            .min(self.start.elapsed().saturating_sub(queued))
    }
}

/// Runs `job` on the keychain thread with its kept [`Link`]; gives up once `timeout` passes
/// without an answer from the keychain (a [`Progress::tick`]).
pub(super) fn run<T: Send + 'static>(
    timeout: Duration,
    job: impl FnOnce(&Progress, &mut Link) -> Result<T> + Send + 'static,
) -> Result<T> {
    let (sender, receiver) = mpsc::sync_channel(1);
    let queued = worker::submit(Box::new(move |progress, link| {
        // The receiver may be gone after a timeout; nothing left to tell then.
        let _ = sender.send(job(progress, link));
    }))?;
    loop {
        let left = timeout.saturating_sub(queued.progress.silent_since(queued.since));
        if left.is_zero() {
            worker::abandon(queued.generation);
            return Err(Error::KeychainLocked {
                detail: format!("no answer within {} ms", timeout.as_millis()),
            });
        }
        match receiver.recv_timeout(left) {
            Ok(result) => return result,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::KeychainFailed {
                    detail: "the keychain thread ended without an answer".into(),
                });
            }
        }
    }
}

/// Runs `job` on a thread of its own; gives up once `timeout` passes without an answer from the
/// keychain (a [`Progress::tick`]).
pub(super) fn run_alone<T: Send + 'static>(
    timeout: Duration,
    job: impl FnOnce(&Progress) -> Result<T> + Send + 'static,
) -> Result<T> {
    let (sender, receiver) = mpsc::sync_channel(1);
    let progress = Progress::new();
    let worker = progress.clone();
    std::thread::Builder::new()
        .name("wispkey-keychain".into())
        .spawn(move || {
            // The receiver may be gone after a timeout; nothing left to tell then.
            let _ = sender.send(job(&worker));
        })
        .map_err(|spawn_error| Error::KeychainFailed {
            detail: format!("could not start a keychain thread: {spawn_error}"),
        })?;
    loop {
        let left = timeout.saturating_sub(progress.since_last());
        if left.is_zero() {
            return Err(Error::KeychainLocked {
                detail: format!("no answer within {} ms", timeout.as_millis()),
            });
        }
        match receiver.recv_timeout(left) {
            Ok(result) => return result,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::KeychainFailed {
                    detail: "the keychain thread ended without an answer".into(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_that_never_answers_becomes_keychain_locked() {
        let result: Result<()> = run(Duration::from_millis(50), |_, _| {
            std::thread::sleep(Duration::from_secs(5));
            Ok(())
        });
        assert!(matches!(result, Err(Error::KeychainLocked { .. })));
    }

    #[test]
    fn many_answered_calls_may_take_longer_than_one_deadline() {
        let result = run(Duration::from_millis(200), |progress, _| {
            for _ in 0..6 {
                std::thread::sleep(Duration::from_millis(100));
                progress.tick();
            }
            Ok(6)
        });
        assert_eq!(result.unwrap(), 6);
    }

    #[test]
    fn a_prompt_answer_is_passed_through() {
        assert_eq!(run(Duration::from_secs(5), |_, _| Ok(7)).unwrap(), 7);
    }

    #[test]
    fn a_panicking_call_is_reported_not_propagated() {
        let result: Result<()> = run(Duration::from_secs(5), |_, _| {
            #[allow(clippy::panic)]
            {
                panic!("backend bug")
            }
        });
        assert!(matches!(result, Err(Error::KeychainFailed { .. })));
    }

    fn keychain_thread() -> std::thread::ThreadId {
        run(Duration::from_secs(5), |_, _| {
            Ok(std::thread::current().id())
        })
        .unwrap()
    }

    #[test]
    fn calls_run_one_after_another_on_one_kept_keychain_thread() {
        let first = keychain_thread();
        assert_eq!(keychain_thread(), first);
        assert_ne!(first, std::thread::current().id());
    }

    #[test]
    fn a_call_after_one_that_never_answered_runs_on_a_new_keychain_thread() {
        let before = keychain_thread();
        let stuck: Result<()> = run(Duration::from_millis(50), |_, _| {
            std::thread::sleep(Duration::from_secs(5));
            Ok(())
        });
        assert!(matches!(stuck, Err(Error::KeychainLocked { .. })));
        let after = keychain_thread();
        assert_ne!(after, before);
        assert_eq!(keychain_thread(), after);
    }

    #[test]
    fn a_call_queued_behind_a_long_answered_one_does_not_time_out() {
        let long = std::thread::spawn(|| {
            run(Duration::from_millis(300), |progress, _| {
                for _ in 0..8 {
                    std::thread::sleep(Duration::from_millis(100));
                    progress.tick();
                }
                Ok(())
            })
        });
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(run(Duration::from_millis(300), |_, _| Ok(1)).unwrap(), 1);
        long.join().unwrap().unwrap();
    }

    #[test]
    fn the_unlock_prompt_waits_on_a_thread_of_its_own() {
        let shared = keychain_thread();
        let alone = run_alone(Duration::from_secs(5), |_| Ok(std::thread::current().id()));
        assert_ne!(alone.unwrap(), shared);
    }
}

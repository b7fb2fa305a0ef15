//! The keychain thread: every vault call runs here, one after another, over one [`Link`] (on
//! Linux the Secret Service connection and its encrypted session) opened on first use and kept
//! for the process's life. Opening a connection costs a D-Bus handshake and a Diffie-Hellman
//! key exchange; a rotate makes several vault calls, and paid that for each of them.
//!
//! The deadline ([`super::deadline`]) still guards every call. A call that gets no answer in
//! time abandons this thread (it may be waiting on an unlock prompt nobody will answer): the
//! thread is dropped from the slot, finishes or hangs on its own, and the next call starts a new
//! thread with a new connection.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use super::deadline::Progress;
use super::store::Link;
use crate::error::{Error, Result};

pub(super) type Job = Box<dyn FnOnce(&Progress, &mut Link) + Send>;

struct Worker {
    jobs: mpsc::Sender<Job>,
    progress: Progress,
    generation: u64,
}

/// The live keychain thread, if one has been started and not abandoned.
static WORKER: Mutex<Option<Worker>> = Mutex::new(None);
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// A job queued on the keychain thread: whose answers to watch, and since when.
pub(super) struct Queued {
    pub progress: Progress,
    pub since: Duration,
    pub generation: u64,
}

/// Queues `job` on the keychain thread, starting one if there is none (or it is gone).
pub(super) fn submit(mut job: Job) -> Result<Queued> {
    let mut slot = WORKER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    for _ in 0..2 {
        let worker = match slot.take() {
            Some(worker) => worker,
            None => spawn()?,
        };
        let since = worker.progress.elapsed();
        match worker.jobs.send(job) {
            Ok(()) => {
                let queued = Queued {
                    progress: worker.progress.clone(),
                    since,
                    generation: worker.generation,
                };
                *slot = Some(worker);
                return Ok(queued);
            }
            // The thread ended (it cannot normally): start another and queue there.
            Err(mpsc::SendError(returned)) => job = returned,
        }
    }
    Err(Error::KeychainFailed {
        detail: "could not hand the call to a keychain thread".into(),
    })
}

/// The call on thread `generation` got no answer in time: later calls go to a new thread.
pub(super) fn abandon(generation: u64) {
    let mut slot = WORKER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if slot
        .as_ref()
        .is_some_and(|worker| worker.generation == generation)
    {
        *slot = None;
    }
}

fn spawn() -> Result<Worker> {
    let (jobs, queue) = mpsc::channel::<Job>();
    let progress = Progress::new();
    let answers = progress.clone();
    std::thread::Builder::new()
        .name("wispkey-keychain".into())
        .spawn(move || {
            let mut link = Link::default();
            // Ends when the slot lets go of the sender (abandoned) and the queue is drained.
            for job in queue {
                let ran = catch_unwind(AssertUnwindSafe(|| job(&answers, &mut link)));
                if ran.is_err() {
                    // A panic may have left the connection mid-call: the next job opens another.
                    link = Link::default();
                }
            }
        })
        .map_err(|spawn_error| Error::KeychainFailed {
            detail: format!("could not start a keychain thread: {spawn_error}"),
        })?;
    Ok(Worker {
        jobs,
        progress,
        generation: GENERATION.fetch_add(1, Ordering::Relaxed),
    })
}

//! Runs one blocking keychain call on its own thread and gives up waiting after a deadline.
//!
//! A Secret Service whose collection is locked may show an unlock prompt and block until someone
//! answers it; on a headless machine nobody will. The stuck thread is abandoned (it holds no lock
//! of ours) and the caller gets a clear error instead of a hang.

use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, Result};

pub(super) fn run<T: Send + 'static>(
    timeout: Duration,
    job: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (sender, receiver) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("wispkey-keychain".into())
        .spawn(move || {
            // The receiver may be gone after a timeout; nothing left to tell then.
            let _ = sender.send(job());
        })
        .map_err(|spawn_error| Error::KeychainFailed {
            detail: format!("could not start a keychain thread: {spawn_error}"),
        })?;
    match receiver.recv_timeout(timeout) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(Error::KeychainLocked {
            detail: format!("no answer within {} ms", timeout.as_millis()),
        }),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(Error::KeychainFailed {
            detail: "the keychain thread ended without an answer".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_that_never_answers_becomes_keychain_locked() {
        let result: Result<()> = run(Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_secs(5));
            Ok(())
        });
        assert!(matches!(result, Err(Error::KeychainLocked { .. })));
    }

    #[test]
    fn a_prompt_answer_is_passed_through() {
        assert_eq!(run(Duration::from_secs(5), || Ok(7)).unwrap(), 7);
    }

    #[test]
    fn a_panicking_call_is_reported_not_propagated() {
        let result: Result<()> = run(Duration::from_secs(5), || {
            #[allow(clippy::panic)]
            {
                panic!("backend bug")
            }
        });
        assert!(matches!(result, Err(Error::KeychainFailed { .. })));
    }
}

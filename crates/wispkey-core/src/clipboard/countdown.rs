//! The auto-clear timer. One thread per copy sleeps, then clears only if no newer copy or clear
//! happened meanwhile (the generation counter says so) and the clipboard still holds our value.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{ClipboardState, clear_locked};

pub(super) fn start(
    state: Arc<Mutex<ClipboardState>>,
    generation: u64,
    after: Duration,
    on_clear: impl FnOnce(bool) + Send + 'static,
) {
    // If the thread cannot start, the value stays until the next copy, sign-out or quit, which
    // all clear it: no worse than auto-clear off.
    let _ = std::thread::Builder::new()
        .name("wispkey-clipboard-countdown".into())
        .spawn(move || {
            std::thread::sleep(after);
            let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
            if state.generation != generation {
                return;
            }
            let cleared = clear_locked(&mut state);
            drop(state);
            on_clear(cleared);
        });
}

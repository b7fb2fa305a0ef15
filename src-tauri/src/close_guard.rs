//! Closing the window never loses a token that exists only in memory.
//!
//! A token the keychain did not take lives in the copy-once dialog and in Rust memory, nowhere
//! else. A window-manager close (the title bar's ×, Alt+F4) would drop both, so while such a token
//! is pending the close is refused and the UI is told ([`CLOSE_BLOCKED`]); it asks the dialog's
//! "did you save it elsewhere?" question and, once the user answers, calls `close_window`. Stored
//! tokens never block closing: they are in the keychain.
//!
//! A create, rotate or delete still waiting for the server blocks the close too: the UI asks
//! whether to cut it short ("A rotate of X is still waiting for the server. Quit anyway?"), and
//! only `close_leaving_requests` lets the window go then. Its note on disk stays either way, so
//! even a close nobody asked about (a killed process) is reported on the next start.

use tauri::{Emitter, Manager, Runtime, Window, WindowEvent};

use wispkey_app::App;

/// Sent (no payload) when a close request was refused because a token is not stored or a
/// request is still in flight.
pub const CLOSE_BLOCKED: &str = "close-blocked";

pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let blocked = window.try_state::<App>().is_some_and(|state| {
        state.tokens().has_unstored_pending() || state.closing_would_cut_requests()
    });
    if blocked {
        api.prevent_close();
        // If the UI cannot hear it, the window stays open: better than losing the token.
        let _ = window.emit(CLOSE_BLOCKED, ());
    }
}

//! Copying tokens to the clipboard, and taking them off it again.
//!
//! - Copies carry the platform's clipboard-history exclusion ([`platform`]).
//! - Auto-clear after N seconds (0 = off), and clear on sign-out and quit, but only if the
//!   clipboard still holds *our* value: a user who copied something else meanwhile keeps it.
//! - One `arboard::Clipboard` lives as long as this value (the app's lifetime): on X11 the
//!   owner serves the selection, so dropping it would empty the clipboard at once.
//!
//! Limitation: arboard keeps its own copy of the served text and does not zeroize it; ours is a
//! [`SecretString`] and is replaced by an empty selection when cleared.

mod countdown;
mod holds;
mod platform;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::secret::SecretString;

/// The default auto-clear delay.
pub const DEFAULT_CLEAR_SECONDS: u32 = 30;

pub(crate) struct ClipboardState {
    /// Created on first use (the app may start before a display is usable) and then kept.
    board: Option<arboard::Clipboard>,
    /// What we last put there, while we may still own it.
    ours: Option<SecretString>,
    /// Bumped by every copy and clear, so an older countdown knows it is obsolete.
    generation: u64,
}

/// The app's clipboard. Cheap to clone; all clones share one `arboard::Clipboard`.
#[derive(Clone)]
pub struct SecretClipboard {
    state: Arc<Mutex<ClipboardState>>,
}

impl std::fmt::Debug for SecretClipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretClipboard").finish_non_exhaustive()
    }
}

impl Default for SecretClipboard {
    fn default() -> Self {
        SecretClipboard {
            state: Arc::new(Mutex::new(ClipboardState {
                board: None,
                ours: None,
                generation: 0,
            })),
        }
    }
}

fn unavailable(error: arboard::Error) -> Error {
    // arboard's errors describe the platform condition, never the clipboard's content.
    Error::ClipboardUnavailable {
        detail: error.to_string(),
    }
}

impl SecretClipboard {
    pub fn new() -> Self {
        SecretClipboard::default()
    }

    /// Puts `secret` on the clipboard (excluded from history). With `clear_after` > 0, a
    /// countdown clears it then if it is still ours and calls `on_clear(cleared)`; a newer copy
    /// or clear cancels the countdown (and `on_clear` is not called).
    pub fn copy(
        &self,
        secret: &SecretString,
        clear_after: Duration,
        on_clear: impl FnOnce(bool) + Send + 'static,
    ) -> Result<()> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.board.is_none() {
            state.board = Some(arboard::Clipboard::new().map_err(unavailable)?);
        }
        let Some(board) = state.board.as_mut() else {
            return Err(Error::ClipboardUnavailable {
                detail: "no clipboard".into(),
            });
        };
        platform::set_excluded(board, secret.expose()).map_err(unavailable)?;
        state.ours = Some(secret.clone());
        state.generation = state.generation.wrapping_add(1);
        let generation = state.generation;
        drop(state);
        if !clear_after.is_zero() {
            countdown::start(Arc::clone(&self.state), generation, clear_after, on_clear);
        }
        Ok(())
    }

    /// Clears the clipboard if it still holds our value (sign-out, quit, the Clear button).
    /// `true` if it was cleared; `false` if it held something else (left alone) or nothing of ours.
    pub fn clear_if_ours(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.generation = state.generation.wrapping_add(1);
        clear_locked(&mut state)
    }

    /// Whether something we copied may still be on the clipboard (no clipboard read).
    pub fn has_pending_value(&self) -> bool {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.ours.is_some()
    }
}

/// With the lock held: clear if the clipboard holds `ours`; forget `ours` either way.
pub(crate) fn clear_locked(state: &mut ClipboardState) -> bool {
    let Some(ours) = state.ours.take() else {
        return false;
    };
    let Some(board) = state.board.as_mut() else {
        return false;
    };
    if !holds::holds(board, &ours) {
        return false;
    }
    // An empty text first, so what we serve from now on is nothing; then give up ownership.
    let emptied = board.set_text(String::new()).is_ok();
    let released = board.clear().is_ok();
    emptied || released
}

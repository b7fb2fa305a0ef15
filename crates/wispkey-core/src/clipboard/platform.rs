//! Putting text on the clipboard with each platform's "do not keep this in history" marker.

use arboard::Clipboard;

/// Linux (X11): adds the `x-kde-passwordManagerHint` target (value `secret`), which Klipper,
/// GPaste, CopyQ and others honour by not recording the entry.
#[cfg(all(unix, not(target_os = "macos")))]
pub(super) fn set_excluded(board: &mut Clipboard, text: &str) -> Result<(), arboard::Error> {
    use arboard::SetExtLinux;
    board.set().exclude_from_history().text(text)
}

/// Windows: excluded from the clipboard history and from cloud clipboard sync.
#[cfg(target_os = "windows")]
pub(super) fn set_excluded(board: &mut Clipboard, text: &str) -> Result<(), arboard::Error> {
    use arboard::SetExtWindows;
    board
        .set()
        .exclude_from_history()
        .exclude_from_cloud()
        .text(text)
}

/// macOS: the nspasteboard.org `org.nspasteboard.ConcealedType` marker.
#[cfg(target_os = "macos")]
pub(super) fn set_excluded(board: &mut Clipboard, text: &str) -> Result<(), arboard::Error> {
    use arboard::SetExtApple;
    board.set().exclude_from_history().text(text)
}

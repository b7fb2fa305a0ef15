//! The clipboard on a real X server (a private Xvfb per test), read by a real other client
//! (xclip), the way a clipboard manager or the user's next paste would see it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use support::use_private_display;
use wispkey_core::SecretString;
use wispkey_core::clipboard::SecretClipboard;
use wispkey_test_support::PrivateDisplay;

/// Long enough to never fire during a test that does not wait for it.
const NEVER: Duration = Duration::from_secs(3600);
/// Only a guard against a hang, not a speed assertion.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// What the next paste gets: the clipboard read by another client (xclip); empty when no one
/// owns it.
fn pasted(display: &PrivateDisplay) -> String {
    display.clipboard_text().unwrap().unwrap_or_default()
}

/// The user copying something else: xclip in the foreground (-quiet), owned by this test and
/// stopped by its PID.
struct UserCopy(Child);

impl UserCopy {
    fn copy(display: &PrivateDisplay, text: &str) -> UserCopy {
        let mut child = Command::new("xclip")
            .args(["-display", display.name()])
            .args(["-quiet", "-selection", "clipboard", "-i"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        // Owned from here on, so Drop stops it by PID whatever happens below.
        let copy = UserCopy(child);
        // Wait until the X server says xclip owns the clipboard (its stdin is closed now).
        for _ in 0..200 {
            if pasted(display) == text {
                return copy;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("xclip never took the clipboard");
    }
}

impl Drop for UserCopy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn token() -> SecretString {
    SecretString::new("wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX")
}

#[test]
fn copy_sets_password_manager_hint_target() {
    let display = use_private_display();
    let clipboard = SecretClipboard::new();
    clipboard.copy(&token(), NEVER, |_| {}).unwrap();

    let targets = display.clipboard_targets().unwrap();
    assert!(
        targets.iter().any(|t| t == "x-kde-passwordManagerHint"),
        "{targets:?}"
    );
    assert_eq!(
        display
            .clipboard_as("x-kde-passwordManagerHint")
            .unwrap()
            .unwrap_or_default(),
        "secret"
    );
    assert_eq!(pasted(&display), token().expose());
}

#[test]
fn auto_clear_clears_only_our_value() {
    let display = use_private_display();
    let clipboard = SecretClipboard::new();
    let (sender, receiver) = mpsc::channel();
    clipboard
        .copy(&token(), Duration::from_secs(1), move |cleared| {
            let _ = sender.send(cleared);
        })
        .unwrap();
    assert_eq!(pasted(&display), token().expose());

    assert!(
        receiver.recv_timeout(HANG_GUARD).unwrap(),
        "reported cleared"
    );
    assert_eq!(pasted(&display), "", "the token is off the clipboard");
    assert!(!clipboard.has_pending_value());
}

#[test]
fn auto_clear_leaves_clipboard_alone_when_user_copied_something_else() {
    let display = use_private_display();
    let clipboard = SecretClipboard::new();
    let (sender, receiver) = mpsc::channel();
    clipboard
        .copy(&token(), Duration::from_secs(2), move |cleared| {
            let _ = sender.send(cleared);
        })
        .unwrap();
    let _user = UserCopy::copy(&display, "the user's own text");

    assert!(
        !receiver.recv_timeout(HANG_GUARD).unwrap(),
        "reported left alone"
    );
    assert_eq!(pasted(&display), "the user's own text");
}

#[test]
fn clear_on_sign_out_or_quit_clears_our_value_but_not_the_users() {
    let display = use_private_display();
    let clipboard = SecretClipboard::new();
    clipboard.copy(&token(), NEVER, |_| {}).unwrap();
    assert!(clipboard.clear_if_ours());
    assert_eq!(pasted(&display), "");
    assert!(!clipboard.clear_if_ours(), "nothing of ours left");

    clipboard.copy(&token(), NEVER, |_| {}).unwrap();
    let _user = UserCopy::copy(&display, "keep me");
    assert!(!clipboard.clear_if_ours());
    assert_eq!(pasted(&display), "keep me");
}

#[test]
fn a_newer_copy_cancels_the_older_countdown() {
    let display = use_private_display();
    let clipboard = SecretClipboard::new();
    let (sender, receiver) = mpsc::channel();
    let first = sender.clone();
    clipboard
        .copy(&token(), Duration::from_secs(1), move |cleared| {
            let _ = first.send(("first", cleared));
        })
        .unwrap();
    let second = SecretString::new("wsk_second_token_value_0000000000000");
    clipboard
        .copy(&second, Duration::from_secs(3), move |cleared| {
            let _ = sender.send(("second", cleared));
        })
        .unwrap();
    // Only the second countdown reports, and it clears the second value.
    assert_eq!(receiver.recv_timeout(HANG_GUARD).unwrap(), ("second", true));
    assert_eq!(pasted(&display), "");
}

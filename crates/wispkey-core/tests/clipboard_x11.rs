//! The clipboard on a real X server (a private Xvfb per test), read by a real other client
//! (xclip), the way a clipboard manager or the user's next paste would see it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod display_support;

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use display_support::PrivateDisplay;
use wispkey_core::SecretString;
use wispkey_core::clipboard::SecretClipboard;

/// Long enough to never fire during a test that does not wait for it.
const NEVER: Duration = Duration::from_secs(3600);
/// Only a guard against a hang, not a speed assertion.
const HANG_GUARD: Duration = Duration::from_secs(60);

fn xclip_out(target: Option<&str>) -> String {
    let mut command = Command::new("xclip");
    command.args(["-o", "-selection", "clipboard"]);
    if let Some(target) = target {
        command.args(["-t", target]);
    }
    let output = command.output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The user copying something else: xclip in the foreground (-quiet), owned by this test and
/// stopped by its PID.
struct UserCopy(Child);

impl UserCopy {
    fn copy(text: &str) -> UserCopy {
        let mut child = Command::new("xclip")
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
            if xclip_out(None) == text {
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
    let _display = PrivateDisplay::start();
    let clipboard = SecretClipboard::new();
    clipboard.copy(&token(), NEVER, |_| {}).unwrap();

    let targets = xclip_out(Some("TARGETS"));
    assert!(
        targets.lines().any(|t| t == "x-kde-passwordManagerHint"),
        "{targets}"
    );
    assert_eq!(xclip_out(Some("x-kde-passwordManagerHint")), "secret");
    assert_eq!(xclip_out(None), token().expose());
}

#[test]
fn auto_clear_clears_only_our_value() {
    let _display = PrivateDisplay::start();
    let clipboard = SecretClipboard::new();
    let (sender, receiver) = mpsc::channel();
    clipboard
        .copy(&token(), Duration::from_secs(1), move |cleared| {
            let _ = sender.send(cleared);
        })
        .unwrap();
    assert_eq!(xclip_out(None), token().expose());

    assert!(
        receiver.recv_timeout(HANG_GUARD).unwrap(),
        "reported cleared"
    );
    assert_eq!(xclip_out(None), "", "the token is off the clipboard");
    assert!(!clipboard.has_pending_value());
}

#[test]
fn auto_clear_leaves_clipboard_alone_when_user_copied_something_else() {
    let _display = PrivateDisplay::start();
    let clipboard = SecretClipboard::new();
    let (sender, receiver) = mpsc::channel();
    clipboard
        .copy(&token(), Duration::from_secs(2), move |cleared| {
            let _ = sender.send(cleared);
        })
        .unwrap();
    let _user = UserCopy::copy("the user's own text");

    assert!(
        !receiver.recv_timeout(HANG_GUARD).unwrap(),
        "reported left alone"
    );
    assert_eq!(xclip_out(None), "the user's own text");
}

#[test]
fn clear_on_sign_out_or_quit_clears_our_value_but_not_the_users() {
    let _display = PrivateDisplay::start();
    let clipboard = SecretClipboard::new();
    clipboard.copy(&token(), NEVER, |_| {}).unwrap();
    assert!(clipboard.clear_if_ours());
    assert_eq!(xclip_out(None), "");
    assert!(!clipboard.clear_if_ours(), "nothing of ours left");

    clipboard.copy(&token(), NEVER, |_| {}).unwrap();
    let _user = UserCopy::copy("keep me");
    assert!(!clipboard.clear_if_ours());
    assert_eq!(xclip_out(None), "keep me");
}

#[test]
fn a_newer_copy_cancels_the_older_countdown() {
    let _display = PrivateDisplay::start();
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
    assert_eq!(xclip_out(None), "");
}

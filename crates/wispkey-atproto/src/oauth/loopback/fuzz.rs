//! Fuzz target for the loopback listener's request parser: whatever reaches 127.0.0.1 (a
//! browser, another local program) is read without a panic, and only `GET /callback` counts.

use super::*;

#[test]
fn fuzz_loopback_requests_never_panic_and_only_get_callback_is_a_redirect() {
    wispkey_fuzz_kit::run("oauth-loopback-request", |bytes| {
        let head = String::from_utf8_lossy(bytes);
        // The rule, written again independently: method GET, path exactly /callback.
        let first_line = head.lines().next().unwrap_or_default();
        let mut parts = first_line.split(' ');
        let method = parts.next().unwrap_or_default();
        let target = parts.next().unwrap_or_default();
        let expected =
            method == "GET" && (target == "/callback" || target.starts_with("/callback?"));
        assert_eq!(callback_query(&head).is_some(), expected, "{first_line:?}");
    });
}

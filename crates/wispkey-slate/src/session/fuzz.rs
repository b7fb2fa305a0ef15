//! Fuzz target for the session record read back from the keychain: never a panic, and a
//! record that reads is written back to the same record.

use super::*;

#[test]
fn fuzz_session_records_never_panic_and_round_trip() {
    wispkey_fuzz_kit::run("slate-session-record", |bytes| {
        let text = String::from_utf8_lossy(bytes).into_owned();
        if let Ok(stored) = Stored::from_secret(&SecretString::new(text)) {
            let written = stored.to_secret().expect("a read record can be written");
            let again = Stored::from_secret(&written).expect("a written record reads");
            assert_eq!(again.access_token, stored.access_token);
            assert_eq!(again.refresh_token, stored.refresh_token);
            assert_eq!(again.expires_at, stored.expires_at);
            assert_eq!(again.lifetime, stored.lifetime);
            // Deciding whether to renew must not overflow, whatever the numbers.
            let _ = stored.usable();
        }
    });
}

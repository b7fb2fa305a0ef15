//! Fuzz target for what Wispkey reads back from the keychain about OAuth sessions (another
//! keychain client, an older version or a damaged item can have put anything there).

use super::*;

#[test]
fn fuzz_stored_sessions_never_panic_and_a_readable_one_round_trips() {
    wispkey_fuzz_kit::run("oauth-session-record", |bytes| {
        let text = String::from_utf8_lossy(bytes);
        if let Ok(record) = SessionRecord::from_secret(&SecretString::new(text.as_ref())) {
            let again = SessionRecord::from_secret(&record.to_secret().unwrap()).unwrap();
            assert_eq!(again.did, record.did);
            assert_eq!(again.client, record.client);
            assert_eq!(again.refresh_token, record.refresh_token);
            assert_eq!(again.access_token, record.access_token);
            assert_eq!(again.expires_at, record.expires_at);
            let _ = record.dpop_key();
        }
        if let Ok(entries) = serde_json::from_str::<Vec<IndexEntry>>(&text) {
            let encoded = serde_json::to_string(&entries).unwrap();
            assert_eq!(
                serde_json::from_str::<Vec<IndexEntry>>(&encoded).unwrap(),
                entries
            );
        }
    });
}

//! Fuzz target for the stored-token index read back from the keychain (current and legacy
//! items share this JSON).

use super::*;

#[test]
fn fuzz_token_indexes_never_panic_and_a_readable_one_round_trips() {
    wispkey_fuzz_kit::run("token-index", |bytes| {
        let text = String::from_utf8_lossy(bytes);
        match decode(&text) {
            Ok(names) => {
                let encoded = encode(&names).unwrap();
                assert_eq!(decode(encoded.expose()).unwrap(), names);
            }
            // Never the content of the item in the message: it lists the user's secrets.
            Err(error) => assert!(error.to_string().ends_with('.')),
        }
    });
}

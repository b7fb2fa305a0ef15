//! Fuzz target for the token endpoint's answers to a refresh (success and error bodies).

use super::*;

#[test]
fn fuzz_token_answers_never_panic_and_never_show_a_token_in_debug_output() {
    wispkey_fuzz_kit::run("oauth-token-answer", |bytes| {
        if let Ok(tokens) = serde_json::from_slice::<TokenResponse>(bytes) {
            let access = tokens.access_token.expose();
            if access.len() >= 40 {
                assert!(!format!("{:?}", tokens.access_token).contains(access));
            }
        }
        let _ = serde_json::from_slice::<OAuthErrorBody>(bytes);
    });
}

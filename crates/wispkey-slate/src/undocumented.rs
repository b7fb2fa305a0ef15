//! Everything this provider assumes where Slate's public documentation is silent or unclear,
//! in one place so it can be corrected when Slate documents it (see `docs/providers.md`,
//! "Slate"). Documented facts (the rotate path of seed 003, `TokenWithSecretResponse`'s fields,
//! the list's fields, FastAPI's 422 body) live where they are used; every guess is here.

/// ASSUMPTION: every path is relative to the base URL the user types. Slate's auth pages write
/// `/api/admin/users/login`, its reference pages write `/api-tokens/...` without a prefix; a
/// broker that serves the API under a prefix puts it in the base URL.
pub const LOGIN_PATH: &str = "api/admin/users/login";
/// ASSUMPTION: the refresh endpoint sits beside the reference pages' paths (no `/api/admin`).
pub const REFRESH_PATH: &str = "auth/refresh";
pub const LIST_PATH: &str = "api-tokens";

/// The documented rotate path (seed 003). The id is an integer, so it needs no escaping; an id
/// that is not one is still sent (escaped) so the server's own 422 answers it.
pub fn rotate_path(token_id: &str) -> String {
    let segment: String = token_id
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'~') {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect();
    format!("api-tokens/{segment}/webhook/rotate-secret")
}

/// Documented as "202 with TOTP_REQUIRED"; ASSUMPTION: any 202 to a sign-in means "send the
/// code", whatever its body says (a 202 never carries tokens).
pub fn asks_for_code(status: u16) -> bool {
    status == 202
}

/// ASSUMPTION: the `detail` sentences FastAPI servers like Slate's give. Only used to choose
/// between two sentences of ours; an unknown wording falls back to the general one.
pub fn says_wrong_code(detail: &str) -> bool {
    let detail = detail.to_ascii_lowercase();
    detail.contains("totp") || detail.contains("code")
}

/// ASSUMPTION: a refused refresh whose `detail` speaks of reuse or revocation means the server
/// ended the whole session (as servers treat a stolen refresh token); anything else refused is
/// an expired session. Both mean "sign in again"; the sentences differ.
pub fn says_session_revoked(detail: &str) -> bool {
    let detail = detail.to_ascii_lowercase();
    detail.contains("reuse") || detail.contains("revoked")
}

/// ASSUMPTION: a 403 for a pasted API token names its state (`API token is disabled`); the
/// state word is taken from the sentence, else "no longer active".
pub fn api_token_state(detail: &str) -> String {
    let lower = detail.to_ascii_lowercase();
    ["revoked", "disabled", "expired"]
        .into_iter()
        .find(|state| lower.contains(state))
        .unwrap_or("no longer active")
        .to_owned()
}

/// ASSUMPTION: how long before its stated expiry an access token is renewed: a fifth of its
/// lifetime, at most 30 seconds (clocks differ; a request must not arrive just after expiry).
pub fn renew_margin_seconds(lifetime_seconds: i64) -> i64 {
    (lifetime_seconds / 5).clamp(0, 30)
}

/// ASSUMPTION: `token` in a rotate answer is the whole API token. It is "new" when its last four
/// characters differ from `token_last4` in the list the user saw (the list never carries the
/// token). With no listed last four to compare, it is treated as new: kept, never dropped. A
/// value that looks masked (`…`, `*`) carries nothing to keep.
pub fn token_is_new(answer_token: &str, listed_last4: Option<&str>) -> bool {
    let token = answer_token.trim();
    if token.is_empty() || token.contains('…') || token.contains('*') {
        return false;
    }
    let tail: String = {
        let chars: Vec<char> = token.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    match listed_last4 {
        Some(last4) => tail != last4.trim(),
        None => true,
    }
}

/// ASSUMPTION (our decision; Slate documents no delivery signing): deliveries are signed like
/// Standard Webhooks with the token's `webhook_secret` (`whsec_` + base64 key). See
/// [`crate::signature`]. The descriptor names the same scheme for the receiver test.
pub const SIGNING_SCHEME: &str = "standard-webhooks-v1";
pub const DELIVERY_SIGNATURE: wispkey_core::signature::SignatureScheme =
    wispkey_core::signature::SignatureScheme::StandardWebhooks;

/// ASSUMPTION: what makes two sign-ins the same account on this machine: the server address
/// (as normalised) and the email, lower-cased; for a pasted API token, the server and the token.
/// The id is a short hash of that, so the keychain item names reveal neither.
pub fn account_key_for_email(base_url: &str, email: &str) -> String {
    format!("{base_url}\n{}", email.trim().to_lowercase())
}

pub fn account_key_for_token(base_url: &str, token: &str) -> String {
    format!("{base_url}\n{}", token.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rotate_path_keeps_any_id_inside_its_segment() {
        assert_eq!(rotate_path("42"), "api-tokens/42/webhook/rotate-secret");
        assert_eq!(
            rotate_path("../x?y"),
            "api-tokens/%2E%2E%2Fx%3Fy/webhook/rotate-secret"
        );
    }

    #[test]
    fn only_a_202_asks_for_the_code() {
        assert!(asks_for_code(202));
        assert!(!asks_for_code(200) && !asks_for_code(401));
    }

    #[test]
    fn the_server_sentences_are_told_apart() {
        assert!(says_wrong_code("Invalid TOTP code"));
        assert!(!says_wrong_code("Incorrect email or password"));
        assert!(says_session_revoked(
            "Refresh token reuse detected; session revoked"
        ));
        assert!(!says_session_revoked("Refresh token expired"));
        assert_eq!(api_token_state("API token is disabled"), "disabled");
        assert_eq!(api_token_state("API token is revoked"), "revoked");
        assert_eq!(api_token_state("Forbidden"), "no longer active");
    }

    #[test]
    fn an_access_token_is_renewed_a_little_before_it_expires() {
        assert_eq!(renew_margin_seconds(900), 30);
        assert_eq!(renew_margin_seconds(10), 2);
        assert_eq!(renew_margin_seconds(-5), 0);
    }

    #[test]
    fn a_rotate_answer_token_is_new_only_when_its_last_four_changed() {
        assert!(!token_is_new("slt_abcdef1234", Some("1234")));
        assert!(token_is_new("slt_abcdef9999", Some("1234")));
        assert!(token_is_new("slt_abcdef1234", None));
        assert!(!token_is_new("slt_…1234", None));
        assert!(!token_is_new("", Some("1234")));
    }

    #[test]
    fn the_same_email_at_the_same_server_is_the_same_account() {
        assert_eq!(
            account_key_for_email("https://a/", " Ops@Example.com "),
            account_key_for_email("https://a/", "ops@example.com")
        );
        assert_ne!(
            account_key_for_email("https://a/", "ops@example.com"),
            account_key_for_email("https://b/", "ops@example.com")
        );
    }
}

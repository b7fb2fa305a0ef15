//! wisp.place's delivery signature: `X-Webhook-Signature: sha256=<lowercase hex
//! HMAC-SHA256(key = the token's UTF-8 bytes, wsk_ prefix included, msg = the raw body)>`.
//! The scheme itself lives in `wispkey_core::signature` (shared with the signature tester and
//! the receiver test); these are its wisp.place-shaped entry points.

use wispkey_core::secret::SecretString;
use wispkey_core::signature::{SignatureScheme, scheme};

/// The header value a delivery of `body` signed with `token` carries.
pub fn sign(token: &SecretString, body: &[u8]) -> String {
    SignatureScheme::WispPlace
        .sign(token, "", 0, body)
        .get("X-Webhook-Signature")
        .unwrap_or_default()
        .to_owned()
}

/// Whether `header` is the signature of `body` under `token`, compared in constant time over
/// the raw bytes. A malformed header is simply not a match.
pub fn verify(token: &SecretString, body: &[u8], header: &str) -> bool {
    scheme::verify_wisp_place(token, body, header)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX";
    const BODY: &str = r#"{"cid":"bafyreiabc","collection":"app.bsky.feed.post","did":"did:plc:abc123abc123abc123abc123","event":"create","id":"whe_v1_0000000000000000000000000000000000000000000000000000000000000000","record":{"$type":"app.bsky.feed.post","createdAt":"2024-01-15T10:30:00.000Z","text":"hi"},"rkey":"3kl2jd9s8f7g","timestamp":"2024-01-15T10:30:00.000Z"}"#;
    const HEADER: &str = "sha256=1a2004d0bea1426970cac1bcd35f0c4cc5fcf3ceb7b6392cb1f74f7a7a102be8";

    #[test]
    fn signs_and_verifies_the_documented_test_vector() {
        assert_eq!(sign(&SecretString::new(TOKEN), BODY.as_bytes()), HEADER);
        assert!(verify(&SecretString::new(TOKEN), BODY.as_bytes(), HEADER));
    }

    #[test]
    fn a_different_token_or_one_changed_body_byte_does_not_verify() {
        let other = SecretString::new("wsk_BBECAwQFBgcICQoLDA0ODxAREhMUFRYX");
        assert!(!verify(&other, BODY.as_bytes(), HEADER));
        let tampered = BODY.replace("\"hi\"", "\"hI\"");
        assert!(!verify(
            &SecretString::new(TOKEN),
            tampered.as_bytes(),
            HEADER
        ));
    }
}

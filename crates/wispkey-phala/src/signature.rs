//! How Phala Cloud signs a delivery: `X-Webhook-Signature: sha256=<lowercase hex
//! HMAC-SHA256(key = the whole secret's UTF-8 bytes, `whsec_` included, msg = "{timestamp}.{raw
//! body}")>` with `X-Webhook-Timestamp` in unix seconds. Not Standard Webhooks, despite the
//! `whsec_` prefix. The scheme lives in `wispkey_core::signature` (shared with the signature
//! tester and the receiver test); these are its Phala-shaped entry points.

use wispkey_core::SecretString;
use wispkey_core::signature::scheme;

/// The `X-Webhook-Signature` value for a delivery of `body` at `timestamp`.
pub fn sign(secret: &SecretString, timestamp: &str, body: &[u8]) -> String {
    scheme::sign_phala(secret, timestamp, body)
}

/// Whether `header` signs `body` at `timestamp` under `secret`, compared in constant time. The
/// timestamp's tolerance (±300 s) is the receiver's to check; a malformed header is no match.
pub fn verify(secret: &SecretString, timestamp: &str, body: &[u8], header: &str) -> bool {
    scheme::verify_phala(secret, timestamp, body, header)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn the_whole_secret_string_is_the_key_over_timestamp_dot_body() {
        // Independently: `openssl dgst -sha256 -hmac` keyed by the literal "whsec_…" string.
        let header = sign(
            &SecretString::new(SECRET),
            "1614265330",
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(
            header,
            "sha256=2e37df5d4a028c51a7f3133d64ae1e300d2c2c900f1b1d49d4369ad2530f8964"
        );
    }

    #[test]
    fn a_changed_body_timestamp_secret_or_header_does_not_verify() {
        let secret = SecretString::new(SECRET);
        let header = sign(&secret, "1700000000", b"{}");
        assert!(verify(&secret, "1700000000", b"{}", &header));
        assert!(!verify(&secret, "1700000001", b"{}", &header));
        assert!(!verify(&secret, "1700000000", b"{}\n", &header));
        assert!(!verify(
            &SecretString::new("whsec_other"),
            "1700000000",
            b"{}",
            &header
        ));
        assert!(!verify(&secret, "1700000000", b"{}", "sha256=zz"));
    }
}

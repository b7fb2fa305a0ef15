//! How Phala Cloud signs a delivery: `X-Webhook-Signature: sha256=<lowercase hex
//! HMAC-SHA256(key = the whole secret's UTF-8 bytes, `whsec_` included, msg = "{timestamp}.{raw
//! body}")>` with `X-Webhook-Timestamp` in unix seconds. Not Standard Webhooks, despite the
//! `whsec_` prefix (the key is not base64-decoded). Lets a user check that a stored secret is
//! the one deliveries are signed with.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use wispkey_core::SecretString;

const PREFIX: &str = "sha256=";

fn mac(secret: &SecretString, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `X-Webhook-Signature` value for a delivery of `body` at `timestamp`.
pub fn sign(secret: &SecretString, timestamp: &str, body: &[u8]) -> String {
    format!(
        "{PREFIX}{}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

/// Whether `header` signs `body` at `timestamp` under `secret`, compared in constant time. The
/// timestamp's tolerance (±300 s) is the receiver's to check; a malformed header is no match.
pub fn verify(secret: &SecretString, timestamp: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_digest) = header.trim().strip_prefix(PREFIX) else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_digest) else {
        return false;
    };
    mac(secret, timestamp, body).verify_slice(&expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn the_whole_secret_string_is_the_key_over_timestamp_dot_body() {
        // Independently: HMAC-SHA256 keyed by the literal "whsec_…" string over "1614265330.{…}",
        // computed with `openssl dgst -sha256 -hmac`.
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
        assert!(!verify(
            &secret,
            "1700000000",
            b"{}",
            header.trim_start_matches("sha256=")
        ));
    }
}

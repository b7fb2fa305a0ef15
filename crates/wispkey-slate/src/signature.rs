//! How a Slate delivery is signed — by our decision, since Slate documents none (see
//! [`crate::undocumented::SIGNING_SCHEME`]): Standard Webhooks. The key is the base64 after
//! `whsec_`; the signed bytes are `{webhook-id}.{webhook-timestamp}.{body}`; the header
//! `webhook-signature` is a space-separated list of `v1,<base64 HMAC-SHA256>`, and one match is
//! enough. Lets a user (and the tests) check that a stored secret is the one deliveries use.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use wispkey_core::SecretString;

const SECRET_PREFIX: &str = "whsec_";
const VERSION: &str = "v1";

fn key_of(secret: &SecretString) -> Option<Vec<u8>> {
    let text = secret.expose().trim();
    let encoded = text.strip_prefix(SECRET_PREFIX).unwrap_or(text);
    STANDARD.decode(encoded).ok()
}

fn mac(key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `webhook-signature` value for a delivery; `None` when the secret is not `whsec_` +
/// base64.
pub fn sign(secret: &SecretString, id: &str, timestamp: &str, body: &[u8]) -> Option<String> {
    let key = key_of(secret)?;
    let digest = mac(&key, id, timestamp, body).finalize().into_bytes();
    Some(format!("{VERSION},{}", STANDARD.encode(digest)))
}

/// Whether any `v1` signature in `header` signs the delivery under `secret` (constant-time
/// compare). The timestamp's tolerance is the receiver's to check.
pub fn verify(secret: &SecretString, id: &str, timestamp: &str, body: &[u8], header: &str) -> bool {
    let Some(key) = key_of(secret) else {
        return false;
    };
    header.split_whitespace().any(|entry| {
        let Some(encoded) = entry.strip_prefix("v1,") else {
            return false;
        };
        let Ok(expected) = STANDARD.decode(encoded) else {
            return false;
        };
        mac(&key, id, timestamp, body)
            .verify_slice(&expected)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: &str = "1614265330";
    const BODY: &[u8] = br#"{"test": 2432232314}"#;

    #[test]
    fn the_standard_webhooks_vector_signs_as_published() {
        assert_eq!(
            sign(&SecretString::new(SECRET), ID, TIMESTAMP, BODY).as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn one_matching_entry_verifies_and_any_change_does_not() {
        let secret = SecretString::new(SECRET);
        let good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert!(verify(&secret, ID, TIMESTAMP, BODY, good));
        assert!(verify(
            &secret,
            ID,
            TIMESTAMP,
            BODY,
            &format!("v2,abc v1,AAAA {good}")
        ));
        assert!(!verify(&secret, ID, "1614265331", BODY, good));
        assert!(!verify(&secret, "msg_other", TIMESTAMP, BODY, good));
        assert!(!verify(&secret, ID, TIMESTAMP, b"{}", good));
        assert!(!verify(
            &SecretString::new("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            ID,
            TIMESTAMP,
            BODY,
            good
        ));
        assert!(!verify(
            &SecretString::new("whsec_not base64!"),
            ID,
            TIMESTAMP,
            BODY,
            good
        ));
    }
}

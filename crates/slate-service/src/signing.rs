//! How this service signs webhook deliveries. **Slate does not document its
//! webhook signing.** Our decision, kept in this one place so it can be
//! corrected when Slate documents it: sign as Standard Webhooks does.
//!
//! - headers `webhook-id`, `webhook-timestamp` (Unix seconds) and
//!   `webhook-signature: v1,<base64 of HMAC-SHA256>`;
//! - signed bytes `"{webhook-id}.{webhook-timestamp}.{raw body}"`;
//! - HMAC key: the base64-decoding of the secret after stripping `whsec_`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Error;
use crate::ids::WEBHOOK_SECRET_PREFIX;

/// Header names of a signed delivery.
pub const ID_HEADER: &str = "webhook-id";
/// Unix seconds.
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// `v1,<base64>`.
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// `v1,<base64 HMAC-SHA256>` of a delivery of `body` with this id and timestamp.
pub fn sign(secret: &str, msg_id: &str, timestamp: u64, body: &[u8]) -> Result<String, Error> {
    let encoded = secret.strip_prefix(WEBHOOK_SECRET_PREFIX).unwrap_or(secret);
    let key = STANDARD
        .decode(encoded)
        .map_err(|_| Error::Crypto("stored webhook secret is not base64"))?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&key).map_err(|_| Error::Crypto("HMAC refused the key"))?;
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The official Standard Webhooks test vector (docs/providers.md).
    #[test]
    fn matches_the_standard_webhooks_vector() {
        assert_eq!(
            sign(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1_614_265_330,
                br#"{"test": 2432232314}"#,
            )
            .unwrap(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_secret_that_is_not_base64_is_an_error_not_a_signature() {
        assert!(sign("whsec_not base64!", "msg_1", 1, b"{}").is_err());
    }
}

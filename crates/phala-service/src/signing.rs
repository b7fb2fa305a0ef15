//! Delivery signatures exactly as Phala documents them: `X-Webhook-Signature:
//! sha256=<lowercase hex>` of HMAC-SHA256 over `"{timestamp}.{raw body}"`,
//! keyed with the whole secret string's UTF-8 bytes, `whsec_` included (not
//! Standard Webhooks, despite the prefix).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `sha256=<lowercase hex>` for a delivery of `body` at `timestamp` (Unix seconds).
pub fn sign(secret: &str, timestamp: u64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new(); // HMAC takes keys of any length
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_timestamp_dot_body_with_the_whole_secret_string() {
        // Independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec_test'
        assert_eq!(
            sign("whsec_test", 1_700_000_000, br#"{"a":1}"#),
            "sha256=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }
}

//! wisp.place's delivery signature: `X-Webhook-Signature: sha256=<lowercase hex
//! HMAC-SHA256(key = the token's UTF-8 bytes, wsk_ prefix included, msg = the raw body)>`.
//! Lets a user check that a token they hold matches what a delivery was signed with.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use wispkey_core::secret::SecretString;

const PREFIX: &str = "sha256=";

fn mac(token: &SecretString, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(token.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    mac
}

/// The header value a delivery of `body` signed with `token` carries.
pub fn sign(token: &SecretString, body: &[u8]) -> String {
    format!(
        "{PREFIX}{}",
        hex::encode(mac(token, body).finalize().into_bytes())
    )
}

/// Whether `header` is the signature of `body` under `token`, compared in constant time over
/// the raw bytes. A malformed header is simply not a match.
pub fn verify(token: &SecretString, body: &[u8], header: &str) -> bool {
    let Some(hex_digest) = header.trim().strip_prefix(PREFIX) else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_digest) else {
        return false;
    };
    mac(token, body).verify_slice(&expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX";
    const BODY: &str = r#"{"cid":"bafyreiabc","collection":"app.bsky.feed.post","did":"did:plc:abc123abc123abc123abc123","event":"create","id":"whe_v1_0000000000000000000000000000000000000000000000000000000000000000","record":{"$type":"app.bsky.feed.post","createdAt":"2024-01-15T10:30:00.000Z","text":"hi"},"rkey":"3kl2jd9s8f7g","timestamp":"2024-01-15T10:30:00.000Z"}"#;
    const HEADER: &str = "sha256=1a2004d0bea1426970cac1bcd35f0c4cc5fcf3ceb7b6392cb1f74f7a7a102be8";

    #[test]
    fn signs_the_documented_test_vector() {
        assert_eq!(sign(&SecretString::new(TOKEN), BODY.as_bytes()), HEADER);
    }

    #[test]
    fn verifies_the_documented_test_vector() {
        assert!(verify(&SecretString::new(TOKEN), BODY.as_bytes(), HEADER));
    }

    #[test]
    fn a_different_token_does_not_verify() {
        let other = SecretString::new("wsk_BBECAwQFBgcICQoLDA0ODxAREhMUFRYX");
        assert!(!verify(&other, BODY.as_bytes(), HEADER));
    }

    #[test]
    fn one_changed_body_byte_does_not_verify() {
        let tampered = BODY.replace("\"hi\"", "\"hI\"");
        assert!(!verify(
            &SecretString::new(TOKEN),
            tampered.as_bytes(),
            HEADER
        ));
    }

    #[test]
    fn malformed_headers_do_not_verify() {
        let token = SecretString::new(TOKEN);
        for header in ["", "sha256=", "sha256=zz", "md5=1a20", &HEADER[7..]] {
            assert!(!verify(&token, BODY.as_bytes(), header), "{header}");
        }
    }
}

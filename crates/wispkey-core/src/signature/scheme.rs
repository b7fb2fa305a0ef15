//! The three delivery-signature schemes Wispkey knows, as pure functions over bytes.
//!
//! | scheme | key | signed bytes | header |
//! |---|---|---|---|
//! | wisp.place | the token's UTF-8 bytes (`wsk_` included) | raw body | `X-Webhook-Signature: sha256=<hex>` |
//! | Phala Cloud | the whole secret's UTF-8 bytes (`whsec_` included) | `{timestamp}.{body}` | `X-Webhook-Signature: sha256=<hex>`, `X-Webhook-Timestamp` |
//! | Standard Webhooks / Svix | base64-decode of the secret after `whsec_` | `{id}.{timestamp}.{body}` | `webhook-signature: v1,<base64> …`, `webhook-id`, `webhook-timestamp` |
//!
//! Every comparison goes through `Mac::verify_slice`, which is constant-time.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::secret::SecretString;

type HmacSha256 = Hmac<Sha256>;

/// How a provider's deliveries are signed. Crosses IPC (`"wispPlace"`, …) and names the CLI's
/// `--scheme` values (`wisp`, `phala`, `standard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum SignatureScheme {
    WispPlace,
    PhalaCloud,
    StandardWebhooks,
}

/// Timestamped schemes accept a delivery this far from now, both ways, inclusive.
pub const TOLERANCE_SECONDS: i64 = 300;

const HEX_PREFIX: &str = "sha256=";
const WHSEC: &str = "whsec_";

impl SignatureScheme {
    pub const ALL: [SignatureScheme; 3] = [
        SignatureScheme::WispPlace,
        SignatureScheme::PhalaCloud,
        SignatureScheme::StandardWebhooks,
    ];

    /// What users call it.
    pub fn label(self) -> &'static str {
        match self {
            SignatureScheme::WispPlace => "wisp.place",
            SignatureScheme::PhalaCloud => "Phala Cloud",
            SignatureScheme::StandardWebhooks => "Standard Webhooks / Svix",
        }
    }

    /// The CLI's short name.
    pub fn short_name(self) -> &'static str {
        match self {
            SignatureScheme::WispPlace => "wisp",
            SignatureScheme::PhalaCloud => "phala",
            SignatureScheme::StandardWebhooks => "standard",
        }
    }

    pub fn from_short_name(name: &str) -> Option<SignatureScheme> {
        let name = name.trim().to_ascii_lowercase();
        SignatureScheme::ALL.into_iter().find(|scheme| {
            scheme.short_name() == name
                || (name == "svix" && *scheme == SignatureScheme::StandardWebhooks)
        })
    }

    /// Whether deliveries carry a timestamp the receiver must check.
    pub fn is_timestamped(self) -> bool {
        !matches!(self, SignatureScheme::WispPlace)
    }

    /// The headers a delivery of `body` carries under this scheme (`id` and `timestamp` are used
    /// by the schemes that sign them). Used to send a test delivery and by tests.
    pub fn sign(
        self,
        secret: &SecretString,
        id: &str,
        timestamp: i64,
        body: &[u8],
    ) -> SignedHeaders {
        let timestamp = timestamp.to_string();
        match self {
            SignatureScheme::WispPlace => SignedHeaders(vec![(
                "X-Webhook-Signature".into(),
                format!(
                    "{HEX_PREFIX}{}",
                    hex::encode(wisp_mac(secret, body).finalize().into_bytes())
                ),
            )]),
            SignatureScheme::PhalaCloud => SignedHeaders(vec![
                ("X-Webhook-Id".into(), id.to_owned()),
                ("X-Webhook-Timestamp".into(), timestamp.clone()),
                (
                    "X-Webhook-Signature".into(),
                    format!(
                        "{HEX_PREFIX}{}",
                        hex::encode(phala_mac(secret, &timestamp, body).finalize().into_bytes())
                    ),
                ),
            ]),
            SignatureScheme::StandardWebhooks => {
                let signature = match standard_mac(secret.expose(), id, &timestamp, body) {
                    Some(mac) => format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())),
                    // A secret that is not base64 cannot sign this way; an empty list verifies
                    // nowhere, which is the truth about such a secret.
                    None => String::new(),
                };
                SignedHeaders(vec![
                    ("webhook-id".into(), id.to_owned()),
                    ("webhook-timestamp".into(), timestamp),
                    ("webhook-signature".into(), signature),
                ])
            }
        }
    }
}

/// A scheme as the tester's choice shows it (the window names no provider itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SchemeChoice {
    pub scheme: SignatureScheme,
    pub label: String,
}

impl SchemeChoice {
    /// Every scheme, in the order the tester lists them.
    pub fn all() -> Vec<SchemeChoice> {
        SignatureScheme::ALL
            .into_iter()
            .map(|scheme| SchemeChoice {
                scheme,
                label: scheme.label().to_owned(),
            })
            .collect()
    }
}

/// Header name/value pairs, in the order a sender writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders(pub Vec<(String, String)>);

impl SignedHeaders {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail.
    <HmacSha256 as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

fn wisp_mac(secret: &SecretString, body: &[u8]) -> HmacSha256 {
    let mut mac = keyed(secret.expose().as_bytes());
    mac.update(body);
    mac
}

fn phala_mac(secret: &SecretString, timestamp: &str, body: &[u8]) -> HmacSha256 {
    let mut mac = keyed(secret.expose().as_bytes());
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The Standard Webhooks key: base64 of what follows `whsec_` (or the whole secret without it).
/// `None` when that is not base64.
pub(crate) fn standard_key(secret: &str) -> Option<Vec<u8>> {
    let encoded = secret.strip_prefix(WHSEC).unwrap_or(secret);
    BASE64.decode(encoded.trim()).ok()
}

fn standard_mac(secret: &str, id: &str, timestamp: &str, body: &[u8]) -> Option<HmacSha256> {
    Some(mac_over_id(&standard_key(secret)?, id, timestamp, body))
}

pub(crate) fn mac_over_id(key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> HmacSha256 {
    let mut mac = keyed(key);
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The digest a wisp.place-style header (`sha256=<hex>`) carries; `None` when malformed.
pub(crate) fn hex_digest(header: &str) -> Option<Vec<u8>> {
    hex::decode(header.trim().strip_prefix(HEX_PREFIX)?).ok()
}

/// Which bytes a scheme's MAC runs over and with which key: the tester varies these to find
/// the usual mistakes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Key<'a> {
    /// The secret's UTF-8 bytes, prefix and all.
    Literal(&'a str),
    /// Arbitrary bytes (a decoded Standard Webhooks key).
    Bytes(&'a [u8]),
}

impl Key<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Key::Literal(text) => text.as_bytes(),
            Key::Bytes(bytes) => bytes,
        }
    }
}

/// Whether `digest` is HMAC-SHA256 over the scheme's signed bytes, in constant time.
pub(crate) fn digest_matches(
    scheme: SignatureScheme,
    key: Key<'_>,
    id: &str,
    timestamp: &str,
    body: &[u8],
    digest: &[u8],
) -> bool {
    let mac = match scheme {
        SignatureScheme::WispPlace => {
            let mut mac = keyed(key.bytes());
            mac.update(body);
            mac
        }
        SignatureScheme::PhalaCloud => {
            let mut mac = keyed(key.bytes());
            mac.update(timestamp.as_bytes());
            mac.update(b".");
            mac.update(body);
            mac
        }
        SignatureScheme::StandardWebhooks => mac_over_id(key.bytes(), id, timestamp, body),
    };
    mac.verify_slice(digest).is_ok()
}

/// wisp.place: whether `header` (`sha256=<hex>`) signs `body` under `token`.
pub fn verify_wisp_place(token: &SecretString, body: &[u8], header: &str) -> bool {
    hex_digest(header).is_some_and(|digest| wisp_mac(token, body).verify_slice(&digest).is_ok())
}

/// Phala Cloud: the `X-Webhook-Signature` value for `body` at `timestamp` (as sent, a string).
pub fn sign_phala(secret: &SecretString, timestamp: &str, body: &[u8]) -> String {
    format!(
        "{HEX_PREFIX}{}",
        hex::encode(phala_mac(secret, timestamp, body).finalize().into_bytes())
    )
}

/// Phala Cloud: whether `header` (`sha256=<hex>`) signs `body` at `timestamp` under `secret`.
/// The timestamp's tolerance is the caller's to check.
pub fn verify_phala(secret: &SecretString, timestamp: &str, body: &[u8], header: &str) -> bool {
    hex_digest(header).is_some_and(|digest| {
        phala_mac(secret, timestamp, body)
            .verify_slice(&digest)
            .is_ok()
    })
}

/// Standard Webhooks: whether any `v1,<base64>` entry of `header` signs the delivery. Entries of
/// other versions are ignored, as the specification says.
pub fn verify_standard(
    secret: &SecretString,
    id: &str,
    timestamp: &str,
    body: &[u8],
    header: &str,
) -> bool {
    let Some(key) = standard_key(secret.expose()) else {
        return false;
    };
    standard_signatures(header).any(|digest| {
        mac_over_id(&key, id, timestamp, body)
            .verify_slice(&digest)
            .is_ok()
    })
}

/// The decoded `v1` signatures of a Standard Webhooks header.
pub(crate) fn standard_signatures(header: &str) -> impl Iterator<Item = Vec<u8>> + '_ {
    header
        .split_whitespace()
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|encoded| BASE64.decode(encoded).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const WISP_TOKEN: &str = "wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX";
    pub(crate) const WISP_BODY: &str = r#"{"cid":"bafyreiabc","collection":"app.bsky.feed.post","did":"did:plc:abc123abc123abc123abc123","event":"create","id":"whe_v1_0000000000000000000000000000000000000000000000000000000000000000","record":{"$type":"app.bsky.feed.post","createdAt":"2024-01-15T10:30:00.000Z","text":"hi"},"rkey":"3kl2jd9s8f7g","timestamp":"2024-01-15T10:30:00.000Z"}"#;
    pub(crate) const WISP_HEADER: &str =
        "sha256=1a2004d0bea1426970cac1bcd35f0c4cc5fcf3ceb7b6392cb1f74f7a7a102be8";
    const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn wisp_place_signs_and_verifies_its_documented_vector() {
        let token = SecretString::new(WISP_TOKEN);
        let headers = SignatureScheme::WispPlace.sign(&token, "", 0, WISP_BODY.as_bytes());
        assert_eq!(headers.get("x-webhook-signature"), Some(WISP_HEADER));
        assert!(verify_wisp_place(&token, WISP_BODY.as_bytes(), WISP_HEADER));
    }

    #[test]
    fn standard_webhooks_signs_and_verifies_the_official_vector() {
        let secret = SecretString::new(SW_SECRET);
        let body = br#"{"test": 2432232314}"#;
        let headers = SignatureScheme::StandardWebhooks.sign(
            &secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            body,
        );
        let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert_eq!(headers.get("webhook-signature"), Some(expected));
        assert!(verify_standard(
            &secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "1614265330",
            body,
            &format!("v2,abc {expected}")
        ));
    }

    #[test]
    fn phala_keys_with_the_whole_secret_over_timestamp_dot_body() {
        // Computed independently with `openssl dgst -sha256 -hmac whsec_…` over "1614265330.{…}".
        let secret = SecretString::new(SW_SECRET);
        let headers = SignatureScheme::PhalaCloud.sign(
            &secret,
            "evt_1",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        let expected = "sha256=2e37df5d4a028c51a7f3133d64ae1e300d2c2c900f1b1d49d4369ad2530f8964";
        assert_eq!(headers.get("X-Webhook-Signature"), Some(expected));
        assert!(verify_phala(
            &secret,
            "1614265330",
            br#"{"test": 2432232314}"#,
            expected
        ));
        assert!(!verify_phala(
            &secret,
            "1614265331",
            br#"{"test": 2432232314}"#,
            expected
        ));
    }

    #[test]
    fn malformed_headers_are_no_match() {
        let token = SecretString::new(WISP_TOKEN);
        for header in ["", "sha256=", "sha256=zz", "md5=1a20", &WISP_HEADER[7..]] {
            assert!(
                !verify_wisp_place(&token, WISP_BODY.as_bytes(), header),
                "{header}"
            );
        }
        assert!(!verify_standard(
            &SecretString::new(SW_SECRET),
            "a",
            "1",
            b"",
            "v1,@@@"
        ));
        assert!(!verify_standard(
            &SecretString::new("whsec_***"),
            "a",
            "1",
            b"",
            "v1,AAAA"
        ));
    }

    #[test]
    fn short_names_round_trip_and_svix_means_standard_webhooks() {
        for scheme in SignatureScheme::ALL {
            assert_eq!(
                SignatureScheme::from_short_name(scheme.short_name()),
                Some(scheme)
            );
        }
        assert_eq!(
            SignatureScheme::from_short_name("Svix"),
            Some(SignatureScheme::StandardWebhooks)
        );
        assert_eq!(SignatureScheme::from_short_name("md5"), None);
    }
}

//! The signature tester: whether a delivery verifies under a secret in a scheme, and when it
//! does not, exactly what fails (a missing or malformed header, a timestamp outside the
//! tolerance and by how much, a signature mismatch) and the usual cause, found by trying the
//! common mistakes (a trailing newline, re-encoded JSON, the `whsec_` prefix handled the wrong
//! way, hex where base64 belongs, another scheme). Every comparison is constant-time.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Serialize;

use super::delivery::Delivery;
use super::scheme::{
    Key, SignatureScheme, TOLERANCE_SECONDS, digest_matches, hex_digest, standard_key,
    standard_signatures,
};
use crate::secret::SecretString;

const WHSEC: &str = "whsec_";
const HEX_HEADER: &str = "X-Webhook-Signature";
const PHALA_TIMESTAMP: &str = "X-Webhook-Timestamp";
const STANDARD_ID: [&str; 2] = ["webhook-id", "svix-id"];
const STANDARD_TIMESTAMP: [&str; 2] = ["webhook-timestamp", "svix-timestamp"];
const STANDARD_SIGNATURE: [&str; 2] = ["webhook-signature", "svix-signature"];

/// The tester's answer. `valid` only when nothing failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SignatureReport {
    pub scheme: SignatureScheme,
    pub valid: bool,
    /// The signature matches the secret and body, whatever the timestamp says (an old delivery
    /// pasted for testing is correctly signed but outside the tolerance).
    pub signature_matches: bool,
    pub failures: Vec<SignatureFailure>,
    /// Likely causes, found by trying the usual mistakes; empty when none explains it.
    pub hints: Vec<SignatureHint>,
    /// One sentence per failure, then per hint, for the window and the CLI.
    pub sentences: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SignatureFailure {
    MissingHeader {
        header: String,
    },
    MalformedHeader {
        header: String,
        expected: String,
    },
    /// Positive `secondsOff`: the delivery is older than now; negative: from the future.
    #[serde(rename_all = "camelCase")]
    TimestampOutsideTolerance {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        seconds_off: i64,
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        tolerance_seconds: i64,
    },
    SignatureMismatch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SignatureHint {
    /// It verifies once the pasted body's trailing newline is removed.
    TrailingNewlineAdded,
    /// It verifies once a newline is added at the end.
    TrailingNewlineMissing,
    /// It verifies once the JSON body is re-encoded (compact or pretty): the pasted body is not
    /// the raw bytes that were signed.
    ReencodedJson,
    /// Standard Webhooks: it verifies keyed with the whole `whsec_…` string (Phala's way).
    WhsecKeptInKey,
    /// Phala: it verifies keyed with the base64-decoded part after `whsec_` (Standard's way).
    WhsecDecoded,
    /// It verifies keyed with the secret without its prefix (`wsk_`, `whsec_`).
    PrefixDropped { prefix: String },
    /// The pasted secret lacks `whsec_`, and it verifies with it.
    PrefixMissing { prefix: String },
    /// Standard Webhooks: what follows `whsec_` is not base64.
    SecretNotBase64,
    /// The header carries base64 where the scheme writes lowercase hex.
    #[serde(rename_all = "camelCase")]
    Base64InsteadOfHex { would_match: bool },
    /// The header carries hex where the scheme writes base64.
    #[serde(rename_all = "camelCase")]
    HexInsteadOfBase64 { would_match: bool },
    /// The delivery verifies under another scheme.
    OtherScheme { scheme: SignatureScheme },
}

/// Checks `delivery` under `secret` in `scheme`; `now` is the current Unix time in seconds
/// (a parameter so tests can pin it).
pub fn check(
    scheme: SignatureScheme,
    secret: &SecretString,
    delivery: &Delivery,
    now: i64,
) -> SignatureReport {
    let mut failures = Vec::new();
    let mut hints = Vec::new();
    let parts = read_parts(scheme, delivery, &mut failures);
    if let Some(timestamp) = parts.timestamp_value {
        let off = now - timestamp;
        if off.abs() > TOLERANCE_SECONDS {
            failures.push(SignatureFailure::TimestampOutsideTolerance {
                seconds_off: off,
                tolerance_seconds: TOLERANCE_SECONDS,
            });
        }
    }
    let attempt = |key: Key<'_>, body: &[u8], digests: &[Vec<u8>]| {
        digests
            .iter()
            .any(|digest| digest_matches(scheme, key, &parts.id, &parts.timestamp, body, digest))
    };
    let canonical_key = canonical_key(scheme, secret);
    let signature_matches = match &canonical_key {
        Some(key) => attempt(Key::Bytes(key), &delivery.body, &parts.digests),
        None => false,
    };
    if scheme == SignatureScheme::StandardWebhooks && canonical_key.is_none() {
        hints.push(SignatureHint::SecretNotBase64);
    }
    if !parts.digests.is_empty() && !signature_matches {
        failures.push(SignatureFailure::SignatureMismatch);
    }
    if !signature_matches {
        let key = canonical_key.as_deref().unwrap_or_default();
        if !parts.other_encoding.is_empty() {
            let would_match = attempt(Key::Bytes(key), &delivery.body, &parts.other_encoding);
            hints.push(match scheme {
                SignatureScheme::StandardWebhooks => {
                    SignatureHint::HexInsteadOfBase64 { would_match }
                }
                _ => SignatureHint::Base64InsteadOfHex { would_match },
            });
        }
        if !parts.digests.is_empty() {
            body_hints(&delivery.body, &mut hints, |body| {
                attempt(Key::Bytes(key), body, &parts.digests)
            });
            key_hints(scheme, secret, &mut hints, |key| {
                attempt(key, &delivery.body, &parts.digests)
            });
        }
        if let Some(other) = SignatureScheme::ALL
            .into_iter()
            .filter(|other| *other != scheme)
            .find(|other| check_signature_only(*other, secret, delivery))
        {
            hints.push(SignatureHint::OtherScheme { scheme: other });
        }
    }
    let sentences = failures
        .iter()
        .map(|failure| failure_sentence(scheme, failure))
        .chain(hints.iter().map(|hint| hint_sentence(scheme, hint)))
        .collect();
    SignatureReport {
        scheme,
        valid: failures.is_empty() && signature_matches,
        signature_matches,
        failures,
        hints,
        sentences,
    }
}

/// Whether the signature alone verifies (no tolerance, no hints): for "another scheme" hints.
fn check_signature_only(
    scheme: SignatureScheme,
    secret: &SecretString,
    delivery: &Delivery,
) -> bool {
    let mut ignored = Vec::new();
    let parts = read_parts(scheme, delivery, &mut ignored);
    let Some(key) = canonical_key(scheme, secret) else {
        return false;
    };
    parts.digests.iter().any(|digest| {
        digest_matches(
            scheme,
            Key::Bytes(&key),
            &parts.id,
            &parts.timestamp,
            &delivery.body,
            digest,
        )
    })
}

/// The key bytes the scheme prescribes; `None` for a Standard Webhooks secret that is not base64.
fn canonical_key(scheme: SignatureScheme, secret: &SecretString) -> Option<Vec<u8>> {
    match scheme {
        SignatureScheme::StandardWebhooks => standard_key(secret.expose()),
        _ => Some(secret.expose().as_bytes().to_vec()),
    }
}

/// What the headers say, read once for the check and its hints.
#[derive(Default)]
struct Parts {
    id: String,
    timestamp: String,
    timestamp_value: Option<i64>,
    /// Signatures in the scheme's own encoding.
    digests: Vec<Vec<u8>>,
    /// Signatures written in the other encoding (base64 for hex, hex for base64).
    other_encoding: Vec<Vec<u8>>,
}

fn read_parts(
    scheme: SignatureScheme,
    delivery: &Delivery,
    failures: &mut Vec<SignatureFailure>,
) -> Parts {
    let mut parts = Parts::default();
    let mut required = |names: &[&'static str]| match delivery.header_of(names) {
        Some((_, value)) => Some(value.to_owned()),
        None => {
            failures.push(SignatureFailure::MissingHeader {
                header: names.first().copied().unwrap_or_default().to_owned(),
            });
            None
        }
    };
    let (signature_names, timestamp_names): (&[&'static str], &[&'static str]) = match scheme {
        SignatureScheme::WispPlace => (&[HEX_HEADER], &[]),
        SignatureScheme::PhalaCloud => (&[HEX_HEADER], &[PHALA_TIMESTAMP]),
        SignatureScheme::StandardWebhooks => (&STANDARD_SIGNATURE, &STANDARD_TIMESTAMP),
    };
    if scheme == SignatureScheme::StandardWebhooks {
        parts.id = required(&STANDARD_ID).unwrap_or_default();
    }
    let timestamp = (!timestamp_names.is_empty())
        .then(|| required(timestamp_names))
        .flatten();
    let signature = required(signature_names);
    if let Some(timestamp) = timestamp {
        match timestamp.parse::<i64>() {
            Ok(value) => parts.timestamp_value = Some(value),
            Err(_) => failures.push(SignatureFailure::MalformedHeader {
                header: timestamp_names
                    .first()
                    .copied()
                    .unwrap_or_default()
                    .to_owned(),
                expected: "a Unix time in seconds".into(),
            }),
        }
        parts.timestamp = timestamp;
    }
    let Some(signature) = signature else {
        return parts;
    };
    let header = signature_names
        .first()
        .copied()
        .unwrap_or_default()
        .to_owned();
    match scheme {
        SignatureScheme::StandardWebhooks => {
            parts.digests = standard_signatures(&signature).collect();
            parts.other_encoding = signature
                .split_whitespace()
                .filter_map(|entry| entry.strip_prefix("v1,"))
                .filter_map(|encoded| hex::decode(encoded).ok())
                .filter(|digest| digest.len() == 32)
                .collect();
            if parts.digests.is_empty() {
                failures.push(SignatureFailure::MalformedHeader {
                    header,
                    expected: "v1,<base64>, several separated by spaces".into(),
                });
            }
        }
        _ => match hex_digest(&signature) {
            Some(digest) => parts.digests = vec![digest],
            None => {
                let encoded = signature.trim();
                let encoded = encoded.strip_prefix("sha256=").unwrap_or(encoded);
                parts.other_encoding = BASE64
                    .decode(encoded)
                    .ok()
                    .filter(|digest| digest.len() == 32)
                    .into_iter()
                    .collect();
                failures.push(SignatureFailure::MalformedHeader {
                    header,
                    expected: "sha256=<lowercase hex>".into(),
                });
            }
        },
    }
    parts
}

/// Bodies a sender may have signed instead of the pasted one.
fn body_hints(body: &[u8], hints: &mut Vec<SignatureHint>, verifies: impl Fn(&[u8]) -> bool) {
    let trimmed = body.trim_ascii_end();
    if trimmed.len() < body.len() && verifies(trimmed) {
        hints.push(SignatureHint::TrailingNewlineAdded);
        return;
    }
    for ending in [&b"\n"[..], b"\r\n"] {
        if verifies(&[body, ending].concat()) {
            hints.push(SignatureHint::TrailingNewlineMissing);
            return;
        }
    }
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
        return;
    };
    let encodings = [serde_json::to_vec(&json), serde_json::to_vec_pretty(&json)];
    if encodings
        .into_iter()
        .flatten()
        .any(|encoded| encoded != body && verifies(&encoded))
    {
        hints.push(SignatureHint::ReencodedJson);
    }
}

/// Keys a sender (or a receiver's configuration) may have used instead of the right one.
fn key_hints(
    scheme: SignatureScheme,
    secret: &SecretString,
    hints: &mut Vec<SignatureHint>,
    verifies: impl Fn(Key<'_>) -> bool,
) {
    let text = secret.expose();
    let prefix = ["wsk_", WHSEC].into_iter().find(|p| text.starts_with(p));
    match scheme {
        SignatureScheme::StandardWebhooks => {
            if verifies(Key::Literal(text)) {
                hints.push(SignatureHint::WhsecKeptInKey);
            }
        }
        _ => {
            if let Some(decoded) = standard_key(text).filter(|_| text.starts_with(WHSEC))
                && verifies(Key::Bytes(&decoded))
            {
                hints.push(SignatureHint::WhsecDecoded);
                return;
            }
            if let Some(prefix) = prefix
                && verifies(Key::Literal(&text[prefix.len()..]))
            {
                hints.push(SignatureHint::PrefixDropped {
                    prefix: prefix.into(),
                });
                return;
            }
            if scheme == SignatureScheme::PhalaCloud
                && prefix.is_none()
                && verifies(Key::Literal(&format!("{WHSEC}{text}")))
            {
                hints.push(SignatureHint::PrefixMissing {
                    prefix: WHSEC.into(),
                });
            }
        }
    }
}

fn describe_offset(seconds: i64) -> String {
    let seconds = seconds.unsigned_abs();
    match seconds {
        0..120 => format!("{seconds} s"),
        120..7200 => format!("{seconds} s (about {} min)", seconds / 60),
        7200..172_800 => format!("{seconds} s (about {} h)", seconds / 3600),
        _ => format!("{seconds} s (about {} days)", seconds / 86_400),
    }
}

fn failure_sentence(scheme: SignatureScheme, failure: &SignatureFailure) -> String {
    match failure {
        SignatureFailure::MissingHeader { header } => format!(
            "The delivery has no {header} header, which {} deliveries carry.",
            scheme.label()
        ),
        SignatureFailure::MalformedHeader { header, expected } => {
            format!("The {header} header is not in the expected form ({expected}).")
        }
        SignatureFailure::TimestampOutsideTolerance {
            seconds_off,
            tolerance_seconds,
        } => {
            let beyond = describe_offset(seconds_off.abs() - tolerance_seconds);
            if *seconds_off > 0 {
                format!(
                    "The timestamp is {} old, {beyond} beyond the ±{tolerance_seconds} s \
                     tolerance: a receiver rejects it as a replay.",
                    describe_offset(*seconds_off)
                )
            } else {
                format!(
                    "The timestamp is {} in the future, {beyond} beyond the \
                     ±{tolerance_seconds} s tolerance: check the sender's clock.",
                    describe_offset(*seconds_off)
                )
            }
        }
        SignatureFailure::SignatureMismatch => {
            "The signature does not match this secret and body.".into()
        }
    }
}

fn hint_sentence(scheme: SignatureScheme, hint: &SignatureHint) -> String {
    match hint {
        SignatureHint::TrailingNewlineAdded => "It matches without the body's trailing newline: \
            the pasted body has one the sender did not sign (editors and terminals add it). \
            Verify the raw bytes as received."
            .into(),
        SignatureHint::TrailingNewlineMissing => "It matches with a newline at the end of the \
            body: the sender signed one that the pasted body lost."
            .into(),
        SignatureHint::ReencodedJson => "It matches once the JSON body is re-encoded: the body \
            checked is not the raw bytes that were signed (it was pretty-printed or parsed and \
            written again). Verify the raw body before any JSON parsing."
            .into(),
        SignatureHint::WhsecKeptInKey => "It matches with the whole secret, whsec_ included, as \
            the key: the sender signs the Phala Cloud way; Standard Webhooks base64-decodes what \
            follows whsec_."
            .into(),
        SignatureHint::WhsecDecoded => format!(
            "It matches with whsec_ stripped and the rest base64-decoded as the key (the Standard \
             Webhooks way); {} uses the whole secret string, whsec_ included.",
            scheme.label()
        ),
        SignatureHint::PrefixDropped { prefix } => format!(
            "It matches with the secret's {prefix} prefix dropped from the key: the key is the \
             whole secret, {prefix} included."
        ),
        SignatureHint::PrefixMissing { prefix } => format!(
            "It matches with {prefix} in front of the secret: the secret checked lost its prefix."
        ),
        SignatureHint::SecretNotBase64 => "What follows whsec_ in the secret is not base64, so \
            it cannot be a Standard Webhooks secret."
            .into(),
        SignatureHint::Base64InsteadOfHex { would_match } => format!(
            "The signature is written in base64, but {} writes lowercase hex after sha256={}.",
            scheme.label(),
            if *would_match {
                "; decoded, it matches"
            } else {
                ""
            }
        ),
        SignatureHint::HexInsteadOfBase64 { would_match } => format!(
            "The signature is written in hex, but Standard Webhooks writes base64 after v1,{}.",
            if *would_match {
                "; decoded, it matches"
            } else {
                ""
            }
        ),
        SignatureHint::OtherScheme { scheme: other } => format!(
            "The delivery verifies under the {} scheme: choose that scheme.",
            other.label()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    const WISP_TOKEN: &str = "wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX";
    const WISP_BODY: &str = r#"{"cid":"bafyreiabc","collection":"app.bsky.feed.post","did":"did:plc:abc123abc123abc123abc123","event":"create","id":"whe_v1_0000000000000000000000000000000000000000000000000000000000000000","record":{"$type":"app.bsky.feed.post","createdAt":"2024-01-15T10:30:00.000Z","text":"hi"},"rkey":"3kl2jd9s8f7g","timestamp":"2024-01-15T10:30:00.000Z"}"#;
    const WISP_HEADER: &str =
        "sha256=1a2004d0bea1426970cac1bcd35f0c4cc5fcf3ceb7b6392cb1f74f7a7a102be8";
    const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SW_TS: i64 = 1_614_265_330;
    const SW_BODY: &str = r#"{"test": 2432232314}"#;
    const SW_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    const PHALA_SIGNATURE: &str =
        "sha256=2e37df5d4a028c51a7f3133d64ae1e300d2c2c900f1b1d49d4369ad2530f8964";

    fn delivery(headers: &[(&str, &str)], body: &str) -> Delivery {
        Delivery {
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn wisp(header: &str, body: &str) -> Delivery {
        delivery(&[("X-Webhook-Signature", header)], body)
    }

    fn standard(signature: &str, body: &str) -> Delivery {
        delivery(
            &[
                ("webhook-id", SW_ID),
                ("webhook-timestamp", "1614265330"),
                ("webhook-signature", signature),
            ],
            body,
        )
    }

    fn phala(signature: &str, body: &str) -> Delivery {
        delivery(
            &[
                ("X-Webhook-Id", "evt_1"),
                ("X-Webhook-Timestamp", "1614265330"),
                ("X-Webhook-Signature", signature),
            ],
            body,
        )
    }

    fn hmac_hex(key: &[u8], message: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
        mac.update(message);
        hex::encode(mac.finalize().into_bytes())
    }

    fn run(scheme: SignatureScheme, secret: &str, delivery: &Delivery) -> SignatureReport {
        check(scheme, &SecretString::new(secret), delivery, SW_TS)
    }

    #[test]
    fn each_schemes_public_vector_is_valid() {
        let report = run(
            SignatureScheme::WispPlace,
            WISP_TOKEN,
            &wisp(WISP_HEADER, WISP_BODY),
        );
        assert!(report.valid, "{report:?}");
        let report = run(
            SignatureScheme::StandardWebhooks,
            SW_SECRET,
            &standard(SW_SIGNATURE, SW_BODY),
        );
        assert!(report.valid, "{report:?}");
        let report = run(
            SignatureScheme::PhalaCloud,
            SW_SECRET,
            &phala(PHALA_SIGNATURE, SW_BODY),
        );
        assert!(report.valid, "{report:?}");
        assert!(report.sentences.is_empty());
    }

    #[test]
    fn svix_header_names_are_read_as_standard_webhooks() {
        let svix = delivery(
            &[
                ("svix-id", SW_ID),
                ("svix-timestamp", "1614265330"),
                ("svix-signature", SW_SIGNATURE),
            ],
            SW_BODY,
        );
        assert!(run(SignatureScheme::StandardWebhooks, SW_SECRET, &svix).valid);
    }

    #[test]
    fn a_missing_header_is_named() {
        let no_id = delivery(
            &[
                ("webhook-timestamp", "1614265330"),
                ("webhook-signature", SW_SIGNATURE),
            ],
            SW_BODY,
        );
        let report = run(SignatureScheme::StandardWebhooks, SW_SECRET, &no_id);
        assert!(!report.valid);
        assert_eq!(
            report.failures,
            [
                SignatureFailure::MissingHeader {
                    header: "webhook-id".into()
                },
                SignatureFailure::SignatureMismatch
            ]
        );
        let report = run(
            SignatureScheme::WispPlace,
            WISP_TOKEN,
            &delivery(&[], WISP_BODY),
        );
        assert_eq!(
            report.failures,
            [SignatureFailure::MissingHeader {
                header: "X-Webhook-Signature".into()
            }]
        );
        assert!(
            report.sentences[0].contains("no X-Webhook-Signature header"),
            "{:?}",
            report.sentences
        );
    }

    #[test]
    fn a_timestamp_outside_the_tolerance_says_by_how_much_and_that_the_signature_matches() {
        let report = check(
            SignatureScheme::StandardWebhooks,
            &SecretString::new(SW_SECRET),
            &standard(SW_SIGNATURE, SW_BODY),
            SW_TS + 3600,
        );
        assert!(!report.valid);
        assert!(report.signature_matches);
        assert_eq!(
            report.failures,
            [SignatureFailure::TimestampOutsideTolerance {
                seconds_off: 3600,
                tolerance_seconds: 300
            }]
        );
        assert!(
            report.sentences[0].contains("3600 s (about 60 min) old, 3300 s (about 55 min) beyond"),
            "{:?}",
            report.sentences
        );
        let future = check(
            SignatureScheme::PhalaCloud,
            &SecretString::new(SW_SECRET),
            &phala(PHALA_SIGNATURE, SW_BODY),
            SW_TS - 301,
        );
        assert_eq!(
            future.failures,
            [SignatureFailure::TimestampOutsideTolerance {
                seconds_off: -301,
                tolerance_seconds: 300
            }]
        );
        assert!(
            future.sentences[0].contains("in the future"),
            "{:?}",
            future.sentences
        );
    }

    #[test]
    fn the_tolerance_is_inclusive() {
        for now in [SW_TS - 300, SW_TS + 300] {
            let report = check(
                SignatureScheme::PhalaCloud,
                &SecretString::new(SW_SECRET),
                &phala(PHALA_SIGNATURE, SW_BODY),
                now,
            );
            assert!(report.valid, "{now}: {report:?}");
        }
    }

    #[test]
    fn another_secret_is_a_mismatch_without_a_made_up_cause() {
        let report = run(
            SignatureScheme::WispPlace,
            "wsk_other",
            &wisp(WISP_HEADER, WISP_BODY),
        );
        assert_eq!(report.failures, [SignatureFailure::SignatureMismatch]);
        assert!(report.hints.is_empty(), "{:?}", report.hints);
    }

    #[test]
    fn a_trailing_newline_in_the_pasted_body_is_detected() {
        let report = run(
            SignatureScheme::WispPlace,
            WISP_TOKEN,
            &wisp(WISP_HEADER, &format!("{WISP_BODY}\n")),
        );
        assert_eq!(report.failures, [SignatureFailure::SignatureMismatch]);
        assert_eq!(report.hints, [SignatureHint::TrailingNewlineAdded]);
        let signed_with_newline = format!(
            "sha256={}",
            hmac_hex(WISP_TOKEN.as_bytes(), format!("{WISP_BODY}\n").as_bytes())
        );
        let report = run(
            SignatureScheme::WispPlace,
            WISP_TOKEN,
            &wisp(&signed_with_newline, WISP_BODY),
        );
        assert_eq!(report.hints, [SignatureHint::TrailingNewlineMissing]);
    }

    #[test]
    fn a_pretty_printed_json_body_is_detected_as_re_encoded() {
        let value: serde_json::Value = serde_json::from_str(WISP_BODY).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let report = run(
            SignatureScheme::WispPlace,
            WISP_TOKEN,
            &wisp(WISP_HEADER, &pretty),
        );
        assert_eq!(report.hints, [SignatureHint::ReencodedJson]);
        assert!(report.sentences.iter().any(|s| s.contains("re-encoded")));
    }

    #[test]
    fn the_whsec_prefix_handled_the_phala_way_under_standard_webhooks_is_detected() {
        let literal = hmac_hex(
            SW_SECRET.as_bytes(),
            format!("{SW_ID}.{SW_TS}.{SW_BODY}").as_bytes(),
        );
        let signature = format!("v1,{}", BASE64.encode(hex::decode(literal).unwrap()));
        let report = run(
            SignatureScheme::StandardWebhooks,
            SW_SECRET,
            &standard(&signature, SW_BODY),
        );
        assert_eq!(report.failures, [SignatureFailure::SignatureMismatch]);
        assert_eq!(report.hints, [SignatureHint::WhsecKeptInKey]);
    }

    #[test]
    fn the_whsec_prefix_decoded_under_phala_is_detected() {
        let key = standard_key(SW_SECRET).unwrap();
        let signature = format!(
            "sha256={}",
            hmac_hex(&key, format!("{SW_TS}.{SW_BODY}").as_bytes())
        );
        let report = run(
            SignatureScheme::PhalaCloud,
            SW_SECRET,
            &phala(&signature, SW_BODY),
        );
        assert_eq!(report.hints, [SignatureHint::WhsecDecoded]);
        let stripped = format!(
            "sha256={}",
            hmac_hex(
                &SW_SECRET.as_bytes()[6..],
                format!("{SW_TS}.{SW_BODY}").as_bytes()
            )
        );
        let report = run(
            SignatureScheme::PhalaCloud,
            SW_SECRET,
            &phala(&stripped, SW_BODY),
        );
        assert_eq!(
            report.hints,
            [SignatureHint::PrefixDropped {
                prefix: "whsec_".into()
            }]
        );
        let report = run(
            SignatureScheme::PhalaCloud,
            &SW_SECRET[6..],
            &phala(PHALA_SIGNATURE, SW_BODY),
        );
        assert_eq!(
            report.hints,
            [SignatureHint::PrefixMissing {
                prefix: "whsec_".into()
            }]
        );
    }

    #[test]
    fn a_standard_webhooks_secret_that_is_not_base64_is_named() {
        let report = run(
            SignatureScheme::StandardWebhooks,
            "whsec_not*base64",
            &standard(SW_SIGNATURE, SW_BODY),
        );
        assert!(!report.valid);
        assert!(
            report.hints.contains(&SignatureHint::SecretNotBase64),
            "{:?}",
            report.hints
        );
    }

    #[test]
    fn base64_where_hex_belongs_and_hex_where_base64_belongs_are_detected() {
        let base64 = format!(
            "sha256={}",
            BASE64.encode(hex::decode(&WISP_HEADER[7..]).unwrap())
        );
        let report = run(
            SignatureScheme::WispPlace,
            WISP_TOKEN,
            &wisp(&base64, WISP_BODY),
        );
        assert!(matches!(
            report.failures[0],
            SignatureFailure::MalformedHeader { .. }
        ));
        assert_eq!(
            report.hints,
            [SignatureHint::Base64InsteadOfHex { would_match: true }]
        );
        let digest = BASE64.decode(&SW_SIGNATURE[3..]).unwrap();
        let hex_signature = format!("v1,{}", hex::encode(digest));
        let report = run(
            SignatureScheme::StandardWebhooks,
            SW_SECRET,
            &standard(&hex_signature, SW_BODY),
        );
        assert_eq!(
            report.hints,
            [SignatureHint::HexInsteadOfBase64 { would_match: true }]
        );
    }

    #[test]
    fn a_delivery_of_another_scheme_is_named() {
        let report = run(
            SignatureScheme::WispPlace,
            SW_SECRET,
            &phala(PHALA_SIGNATURE, SW_BODY),
        );
        assert_eq!(report.failures, [SignatureFailure::SignatureMismatch]);
        assert_eq!(
            report.hints,
            [SignatureHint::OtherScheme {
                scheme: SignatureScheme::PhalaCloud
            }]
        );
    }

    #[test]
    fn the_report_crosses_ipc_in_camel_case_with_tagged_failures() {
        let report = check(
            SignatureScheme::StandardWebhooks,
            &SecretString::new(SW_SECRET),
            &standard(SW_SIGNATURE, SW_BODY),
            SW_TS + 400,
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["scheme"], "standardWebhooks");
        assert_eq!(json["signatureMatches"], true);
        assert_eq!(json["failures"][0]["kind"], "timestampOutsideTolerance");
        assert_eq!(json["failures"][0]["secondsOff"], 400);
    }
}

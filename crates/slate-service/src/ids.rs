//! Random values and their shapes. Slate documents none of them except
//! through the list fields (`token_prefix`, `token_last4`); every shape here
//! is our assumption, listed in the README.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

use crate::Error;

/// Prefix of every API token value.
pub const API_TOKEN_PREFIX: &str = "slt_";
/// Prefix of every webhook secret (Standard Webhooks' convention).
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

/// `n` bytes from the OS.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, Error> {
    let mut bytes = vec![0u8; n];
    getrandom::getrandom(&mut bytes).map_err(|_| Error::Crypto("the OS gave no randomness"))?;
    Ok(bytes)
}

/// A new API token value: `slt_` + 40 URL-safe characters (30 random bytes).
pub fn api_token() -> Result<String, Error> {
    Ok(format!(
        "{API_TOKEN_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(random_bytes(30)?)
    ))
}

/// A new webhook secret: `whsec_` + standard base64 (padded) of 32 random bytes.
pub fn webhook_secret() -> Result<String, Error> {
    Ok(format!(
        "{WEBHOOK_SECRET_PREFIX}{}",
        STANDARD.encode(random_bytes(32)?)
    ))
}

/// A new opaque session token (access or refresh): 32 random bytes, base64url.
pub fn session_token() -> Result<String, Error> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes(32)?))
}

/// A random password for a seeded user: 18 URL-safe characters.
pub fn password() -> Result<String, Error> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes(14)?)[..18].to_owned())
}

/// A new delivery id in Standard Webhooks' style: `msg_` + 24 URL-safe characters.
pub fn message_id() -> Result<String, Error> {
    Ok(format!("msg_{}", URL_SAFE_NO_PAD.encode(random_bytes(18)?)))
}

/// Lowercase hex SHA-256 of `value`: how session tokens and passwords are kept.
pub fn sha256_hex(value: &[u8]) -> String {
    Sha256::digest(value)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A short, stable, non-secret name for a session token in the request log:
/// the first 12 hex digits of its SHA-256.
pub fn fingerprint(token: &str) -> String {
    sha256_hex(token.as_bytes())[..12].to_owned()
}

/// `token_prefix`: the first 8 characters of an API token value.
pub fn token_prefix(token: &str) -> String {
    token.chars().take(8).collect()
}

/// `token_last4`: the last 4 characters of an API token value.
pub fn token_last4(token: &str) -> String {
    let count = token.chars().count();
    token.chars().skip(count.saturating_sub(4)).collect()
}

/// Constant-time comparison of two byte strings.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn api_tokens_are_slt_and_40_url_safe_characters() {
        let token = api_token().unwrap();
        let rest = token.strip_prefix("slt_").unwrap();
        assert_eq!(rest.len(), 40);
        assert!(
            rest.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(api_token().unwrap(), token);
        assert_eq!(token_prefix(&token), token[..8]);
        assert_eq!(token_last4(&token), token[token.len() - 4..]);
    }

    #[test]
    fn webhook_secrets_are_whsec_and_base64_of_32_bytes() {
        let secret = webhook_secret().unwrap();
        let key = STANDARD
            .decode(secret.strip_prefix("whsec_").unwrap())
            .unwrap();
        assert_eq!(key.len(), 32);
        assert_ne!(webhook_secret().unwrap(), secret);
    }

    #[test]
    fn fingerprints_are_stable_and_short() {
        assert_eq!(fingerprint("abc"), "ba7816bf8f01");
        assert_eq!(password().unwrap().len(), 18);
        assert!(message_id().unwrap().starts_with("msg_"));
        assert!(constant_time_eq(b"ab", b"ab") && !constant_time_eq(b"ab", b"ac"));
    }
}

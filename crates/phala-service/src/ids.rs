//! Random identifiers and secrets. The shapes of ids and API keys are our
//! assumptions (Phala documents `whsec_` secrets and `evt_` delivery ids only).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::Error;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `n` bytes from the OS.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, Error> {
    let mut bytes = vec![0u8; n];
    getrandom::getrandom(&mut bytes).map_err(|_| Error::Crypto("the OS gave no randomness"))?;
    Ok(bytes)
}

/// `n` random letters and digits (rejection sampling, so every one is equally likely).
pub fn random_alnum(n: usize) -> Result<String, Error> {
    let mut out = String::with_capacity(n);
    while out.len() < n {
        for byte in random_bytes(n * 2)? {
            // 248 = 4 * 62: bytes above it would favour the first characters.
            if byte < 248
                && out.len() < n
                && let Some(c) = ALNUM.get(usize::from(byte) % ALNUM.len())
            {
                out.push(char::from(*c));
            }
        }
    }
    Ok(out)
}

/// `prefix` + `n` random letters and digits.
pub fn with_prefix(prefix: &str, n: usize) -> Result<String, Error> {
    Ok(format!("{prefix}{}", random_alnum(n)?))
}

/// A new webhook id: `wh_` + 24 letters and digits.
pub fn webhook_id() -> Result<String, Error> {
    with_prefix("wh_", 24)
}

/// A new workspace id: `ws_` + 16 letters and digits.
pub fn workspace_id() -> Result<String, Error> {
    with_prefix("ws_", 16)
}

/// A new API key: `phak_` + 40 letters and digits (our assumption of the shape).
pub fn api_key() -> Result<String, Error> {
    with_prefix("phak_", 40)
}

/// A new delivery (event) id: `evt_` + 24 letters and digits.
pub fn event_id() -> Result<String, Error> {
    with_prefix("evt_", 24)
}

/// A new signing secret: `whsec_` + standard base64 of 24 random bytes (32 characters).
pub fn webhook_secret() -> Result<String, Error> {
    Ok(format!("whsec_{}", STANDARD.encode(random_bytes(24)?)))
}

/// The webhook id rule of this service: `^wh_[A-Za-z0-9]{6,40}$`.
pub fn is_valid_webhook_id(id: &str) -> bool {
    id.strip_prefix("wh_").is_some_and(|rest| {
        (6..=40).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn generated_values_have_their_shapes() {
        let id = webhook_id().unwrap();
        assert!(is_valid_webhook_id(&id), "{id}");
        assert!(api_key().unwrap().starts_with("phak_"));
        let secret = webhook_secret().unwrap();
        assert!(
            secret.starts_with("whsec_") && secret.len() == 6 + 32,
            "{secret}"
        );
        assert_ne!(webhook_secret().unwrap(), secret);
        assert_eq!(event_id().unwrap().len(), 4 + 24);
    }

    #[test]
    fn the_webhook_id_rule() {
        assert!(is_valid_webhook_id("wh_abc123"));
        assert!(is_valid_webhook_id(&format!("wh_{}", "a".repeat(40))));
        assert!(!is_valid_webhook_id("wh_abc12"));
        assert!(!is_valid_webhook_id(&format!("wh_{}", "a".repeat(41))));
        assert!(!is_valid_webhook_id("wh_abc-123"));
        assert!(!is_valid_webhook_id("hook_abc123"));
        assert!(!is_valid_webhook_id("wh_ÄÄÄÄÄÄ"));
    }
}

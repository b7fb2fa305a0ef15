//! RFC 6238 TOTP as authenticator apps use it: HMAC-SHA1, 30-second steps,
//! 6 digits, base32 secrets. The server accepts the codes of the previous,
//! current and next step (±1 step for clock drift).

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::{Error, ids};

/// Seconds per step.
pub const STEP_SECS: u64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;

/// A new secret: 20 random bytes (RFC 4226's recommended 160 bits), base32 without padding.
pub fn generate_secret() -> Result<String, Error> {
    Ok(BASE32_NOPAD.encode(&ids::random_bytes(20)?))
}

/// Decodes a base32 secret (upper or lower case, `=` padding optional).
pub fn decode_secret(base32: &str) -> Option<Vec<u8>> {
    let cleaned: String = base32
        .trim_end_matches('=')
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    BASE32_NOPAD.decode(cleaned.as_bytes()).ok()
}

/// The step a Unix time falls in.
pub fn step_at(unix_secs: u64) -> u64 {
    unix_secs / STEP_SECS
}

/// The code of one step (RFC 4226 HOTP with the step as counter).
pub fn code_for_step(key: &[u8], step: u64) -> String {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key) else {
        return String::new(); // HMAC takes keys of any length
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest.get(19).copied().unwrap_or(0) & 0x0f);
    let mut word = [0u8; 4];
    if let Some(bytes) = digest.get(offset..offset + 4) {
        word.copy_from_slice(bytes);
    }
    let binary = u32::from_be_bytes(word) & 0x7fff_ffff;
    format!("{:06}", binary % 10u32.pow(DIGITS))
}

/// The step among now-1, now, now+1 whose code is `code`, if any.
pub fn matching_step(key: &[u8], code: &str, unix_secs: u64) -> Option<u64> {
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_secs);
    [now, now.saturating_sub(1), now + 1]
        .into_iter()
        .find(|&step| constant_time_eq(code_for_step(key, step).as_bytes(), code.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// RFC 6238 appendix B, SHA-1 column, last six digits.
    #[test]
    fn matches_the_rfc_6238_test_vectors() {
        let key = b"12345678901234567890";
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(code_for_step(key, step_at(time)), code, "t={time}");
        }
    }

    #[test]
    fn accepts_one_step_either_side_and_no_further() {
        let key = b"12345678901234567890";
        let t = 1_111_111_109;
        let now = step_at(t);
        for step in [now - 1, now, now + 1] {
            assert_eq!(matching_step(key, &code_for_step(key, step), t), Some(step));
        }
        for step in [now - 2, now + 2] {
            let code = code_for_step(key, step);
            // (unless that code happens to equal a code inside the window)
            let inside = [now - 1, now, now + 1].map(|s| code_for_step(key, s));
            if !inside.contains(&code) {
                assert_eq!(matching_step(key, &code, t), None);
            }
        }
        assert_eq!(matching_step(key, "12345", t), None);
        assert_eq!(matching_step(key, "12345a", t), None);
    }

    #[test]
    fn base32_secrets_round_trip_in_any_case() {
        let secret = generate_secret().unwrap();
        assert_eq!(secret.len(), 32);
        let key = decode_secret(&secret).unwrap();
        assert_eq!(key.len(), 20);
        assert_eq!(decode_secret(&secret.to_lowercase()).unwrap(), key);
        assert_eq!(decode_secret("GEZDGNBV").unwrap(), b"12345");
        assert!(decode_secret("not base32!").is_none());
    }
}

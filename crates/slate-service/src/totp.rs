//! Staff second factor: RFC 6238 TOTP as authenticator apps use it (SHA-1,
//! 6 digits, 30-second steps, base32 seeds), the codes of the previous,
//! current and next step accepted. The arithmetic is `totp-rs`'s; this module
//! only adds which step matched, so a code can be refused a second time.

use totp_rs::{Algorithm, Secret, TOTP};

use crate::{Error, ids};

/// Seconds per step.
pub const STEP_SECS: u64 = 30;
const DIGITS: usize = 6;
const SKEW: u8 = 1;

/// A user's authenticator, from its base32 seed.
pub struct Authenticator(TOTP);

impl Authenticator {
    /// The authenticator of a base32 seed (upper case, no padding, as stored).
    pub fn from_base32(seed: &str) -> Result<Self, Error> {
        let key = Secret::Encoded(seed.to_owned())
            .to_bytes()
            .map_err(|_| Error::Crypto("stored TOTP seed is not base32"))?;
        TOTP::new(Algorithm::SHA1, DIGITS, SKEW, STEP_SECS, key)
            .map(Self)
            .map_err(|_| Error::Crypto("stored TOTP seed is too short"))
    }

    /// The code of one step.
    pub fn code_for_step(&self, step: u64) -> String {
        self.0.generate(step * STEP_SECS)
    }

    /// The step (now-1, now or now+1) whose code is `code`, if any.
    pub fn matching_step(&self, code: &str, unix_secs: u64) -> Option<u64> {
        if !self.0.check(code, unix_secs) {
            return None;
        }
        let now = step_at(unix_secs);
        [now.saturating_sub(1), now, now + 1]
            .into_iter()
            .find(|&step| {
                ids::constant_time_eq(self.code_for_step(step).as_bytes(), code.as_bytes())
            })
    }
}

/// The step a Unix time falls in.
pub fn step_at(unix_secs: u64) -> u64 {
    unix_secs / STEP_SECS
}

/// A new seed: 20 random bytes (RFC 4226's recommended 160 bits), base32 without padding.
pub fn generate_seed() -> Result<String, Error> {
    match Secret::Raw(ids::random_bytes(20)?).to_encoded() {
        Secret::Encoded(seed) => Ok(seed),
        Secret::Raw(_) => Err(Error::Crypto("could not encode a TOTP seed")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// RFC 6238 appendix B, SHA-1 column, last six digits; seed "12345678901234567890".
    #[test]
    fn matches_the_rfc_6238_test_vectors() {
        let auth = Authenticator::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(auth.code_for_step(step_at(time)), code, "t={time}");
        }
    }

    #[test]
    fn accepts_one_step_either_side_and_says_which() {
        let auth = Authenticator::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        let t = 1_111_111_109;
        let now = step_at(t);
        for step in [now - 1, now, now + 1] {
            assert_eq!(auth.matching_step(&auth.code_for_step(step), t), Some(step));
        }
        let far = auth.code_for_step(now + 2);
        let inside = [now - 1, now, now + 1].map(|s| auth.code_for_step(s));
        if !inside.contains(&far) {
            assert_eq!(auth.matching_step(&far, t), None);
        }
        assert_eq!(auth.matching_step("12345", t), None);
        assert_eq!(auth.matching_step("abcdef", t), None);
    }

    #[test]
    fn new_seeds_are_160_bit_base32() {
        let seed = generate_seed().unwrap();
        assert_eq!(seed.len(), 32);
        assert!(Authenticator::from_base32(&seed).is_ok());
        assert_ne!(generate_seed().unwrap(), seed);
    }
}

//! Token generation and the at-rest envelope for tokens.
//!
//! The envelope mirrors the real server's `wse1` format
//! (`wse1.<keyId>.<nonce>.<ciphertext>.<tag>`, base64url, AES-256-GCM with
//! `wse1.<keyId>` as additional data) so a state file reads like its rows.

use std::fmt;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::Error;

const VERSION: &str = "wse1";
const NONCE_BYTES: usize = 12;
const TAG_BYTES: usize = 16;
/// Same 16-character fingerprint length as the real server.
const KEY_ID_CHARS: usize = 16;

/// `wsk_` + base64url (no padding) of 24 bytes from the OS RNG: 36 characters.
pub fn generate_token() -> Result<String, Error> {
    let mut bytes = [0u8; 24];
    getrandom::getrandom(&mut bytes).map_err(|_| Error::Crypto("OS random source failed"))?;
    Ok(format!("wsk_{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// A 32-byte AES-256 key. `Debug` never shows the bytes.
#[derive(Clone)]
pub struct EncryptionKey([u8; 32]);

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EncryptionKey(..)")
    }
}

impl EncryptionKey {
    /// Wraps raw key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Reads a key file: exactly 32 raw bytes, or 64 hex characters
    /// (surrounding whitespace such as a trailing newline is ignored).
    pub fn load(path: &Path) -> Result<Self, Error> {
        let bytes = std::fs::read(path).map_err(|e| {
            Error::Config(format!(
                "cannot read encryption key file {}: {e}",
                path.display()
            ))
        })?;
        Self::parse(&bytes).ok_or_else(|| {
            Error::Config(format!(
                "encryption key file {} must hold exactly 32 raw bytes or 64 hex characters",
                path.display()
            ))
        })
    }

    fn parse(bytes: &[u8]) -> Option<Self> {
        if let Ok(raw) = <[u8; 32]>::try_from(bytes) {
            return Some(Self(raw));
        }
        let text = std::str::from_utf8(bytes).ok()?.trim();
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut key = [0u8; 32];
        for (slot, pair) in key.iter_mut().zip(text.as_bytes().chunks(2)) {
            let pair = std::str::from_utf8(pair).ok()?;
            *slot = u8::from_str_radix(pair, 16).ok()?;
        }
        Some(Self(key))
    }
}

/// Seals and opens token envelopes with one key.
pub struct Sealer {
    cipher: Aes256Gcm,
    key_id: String,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("key_id", &self.key_id)
            .finish()
    }
}

impl Sealer {
    /// A sealer for `key`; its id is a truncated SHA-256 fingerprint.
    pub fn new(key: &EncryptionKey) -> Self {
        let key_id = URL_SAFE_NO_PAD.encode(Sha256::digest(key.0))[..KEY_ID_CHARS].to_owned();
        Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key.0)),
            key_id,
        }
    }

    fn aad(key_id: &str) -> String {
        format!("{VERSION}.{key_id}")
    }

    /// Encrypts `token` into a `wse1` envelope under a fresh random nonce.
    pub fn seal(&self, token: &str) -> Result<String, Error> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::getrandom(&mut nonce).map_err(|_| Error::Crypto("OS random source failed"))?;
        let aad = Self::aad(&self.key_id);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: token.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| Error::Crypto("encryption failed"))?;
        // aes-gcm appends the tag; the envelope keeps it as its own field.
        let (ciphertext, tag) = sealed.split_at(sealed.len().saturating_sub(TAG_BYTES));
        Ok([
            VERSION,
            &self.key_id,
            &URL_SAFE_NO_PAD.encode(nonce),
            &URL_SAFE_NO_PAD.encode(ciphertext),
            &URL_SAFE_NO_PAD.encode(tag),
        ]
        .join("."))
    }

    /// Decrypts an envelope made by [`Sealer::seal`] with the same key.
    pub fn open(&self, envelope: &str) -> Result<String, Error> {
        let bad = || Error::Crypto("stored token envelope does not open with this key");
        let parts: Vec<&str> = envelope.split('.').collect();
        let [version, key_id, nonce, ciphertext, tag] = parts.as_slice() else {
            return Err(bad());
        };
        if *version != VERSION || *key_id != self.key_id {
            return Err(bad());
        }
        let nonce = URL_SAFE_NO_PAD.decode(nonce).map_err(|_| bad())?;
        let mut sealed = URL_SAFE_NO_PAD.decode(ciphertext).map_err(|_| bad())?;
        sealed.extend(URL_SAFE_NO_PAD.decode(tag).map_err(|_| bad())?);
        if nonce.len() != NONCE_BYTES {
            return Err(bad());
        }
        let aad = Self::aad(key_id);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &sealed,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| bad())?;
        String::from_utf8(plain).map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(byte: u8) -> Sealer {
        Sealer::new(&EncryptionKey::from_bytes([byte; 32]))
    }

    #[test]
    fn generated_tokens_have_the_wisp_shape() {
        let token = generate_token().unwrap();
        assert_eq!(token.len(), 36);
        assert!(token.starts_with("wsk_"));
        assert!(
            token[4..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(token, generate_token().unwrap());
    }

    #[test]
    fn sealed_tokens_open_with_the_same_key_only() {
        let envelope = sealer(7).seal("wsk_secret").unwrap();
        assert!(envelope.starts_with("wse1."));
        assert!(!envelope.contains("wsk_secret"));
        assert_eq!(sealer(7).open(&envelope).unwrap(), "wsk_secret");
        assert!(sealer(8).open(&envelope).is_err());
    }

    #[test]
    fn a_tampered_envelope_does_not_open() {
        let envelope = sealer(1).seal("wsk_secret").unwrap();
        let mut parts: Vec<String> = envelope.split('.').map(str::to_owned).collect();
        parts[3] = URL_SAFE_NO_PAD.encode(b"wsk_sec");
        assert!(sealer(1).open(&parts.join(".")).is_err());
    }

    #[test]
    fn key_files_hold_32_raw_bytes_or_64_hex_characters() {
        assert!(EncryptionKey::parse(&[0xAB; 32]).is_some());
        let hex = format!("{}\n", "0f".repeat(32));
        let parsed = EncryptionKey::parse(hex.as_bytes()).unwrap();
        assert_eq!(parsed.0, [0x0f; 32]);
        assert!(EncryptionKey::parse(b"short").is_none());
        assert!(EncryptionKey::parse("zz".repeat(32).as_bytes()).is_none());
        assert!(EncryptionKey::parse(&[0u8; 33]).is_none());
    }
}

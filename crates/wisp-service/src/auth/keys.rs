//! The two key types atproto signs service JWTs with, and ES256K/ES256
//! verification over them.

use k256::ecdsa::signature::Verifier as _;

/// A DID's atproto signing key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    /// secp256k1, JWT `alg` ES256K.
    K256(k256::ecdsa::VerifyingKey),
    /// NIST P-256, JWT `alg` ES256.
    P256(p256::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// The JWT `alg` this key verifies.
    pub fn jwt_alg(&self) -> &'static str {
        match self {
            Self::K256(_) => "ES256K",
            Self::P256(_) => "ES256",
        }
    }

    /// A secp256k1 key from SEC1 bytes (compressed or not).
    pub fn k256_from_sec1(bytes: &[u8]) -> Option<Self> {
        k256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
            .ok()
            .map(Self::K256)
    }

    /// A P-256 key from SEC1 bytes (compressed or not).
    pub fn p256_from_sec1(bytes: &[u8]) -> Option<Self> {
        p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
            .ok()
            .map(Self::P256)
    }

    /// The 33-byte compressed SEC1 encoding.
    pub fn to_compressed(&self) -> Vec<u8> {
        match self {
            Self::K256(key) => key.to_encoded_point(true).as_bytes().to_vec(),
            Self::P256(key) => key.to_encoded_point(true).as_bytes().to_vec(),
        }
    }

    /// Checks a JWS signature (64 bytes, `r || s`) over `message` with
    /// SHA-256. atproto requires low-S signatures, so a high-S one fails even
    /// though it is mathematically valid.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            Self::K256(key) => k256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|sig| sig.normalize_s().is_none() && key.verify(message, &sig).is_ok()),
            Self::P256(key) => p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|sig| sig.normalize_s().is_none() && key.verify(message, &sig).is_ok()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k256::ecdsa::signature::Signer as _;

    fn high_s_k256(sig: k256::ecdsa::Signature) -> Vec<u8> {
        let (r, s) = sig.split_scalars();
        k256::ecdsa::Signature::from_scalars(r, -s)
            .unwrap()
            .to_bytes()
            .to_vec()
    }

    #[test]
    fn verifies_a_low_s_es256k_signature() {
        let signing = k256::ecdsa::SigningKey::from_slice(&[3u8; 32]).unwrap();
        let key = PublicKey::K256(*signing.verifying_key());
        let sig: k256::ecdsa::Signature = signing.sign(b"msg");
        assert!(key.verify(b"msg", &sig.to_bytes()));
        assert!(!key.verify(b"other", &sig.to_bytes()));
    }

    #[test]
    fn rejects_the_high_s_twin_of_a_valid_es256k_signature() {
        let signing = k256::ecdsa::SigningKey::from_slice(&[3u8; 32]).unwrap();
        let key = PublicKey::K256(*signing.verifying_key());
        let sig: k256::ecdsa::Signature = signing.sign(b"msg");
        assert!(!key.verify(b"msg", &high_s_k256(sig)));
    }

    #[test]
    fn rejects_a_high_s_es256_signature_and_accepts_its_low_s_form() {
        let signing = p256::ecdsa::SigningKey::from_slice(&[5u8; 32]).unwrap();
        let key = PublicKey::P256(*signing.verifying_key());
        let sig: p256::ecdsa::Signature = signing.sign(b"msg");
        let low = sig.normalize_s().unwrap_or(sig);
        let (r, s) = low.split_scalars();
        let high = p256::ecdsa::Signature::from_scalars(r, -s).unwrap();
        assert!(key.verify(b"msg", &low.to_bytes()));
        assert!(!key.verify(b"msg", &high.to_bytes()));
    }

    #[test]
    fn garbage_signatures_do_not_verify() {
        let signing = p256::ecdsa::SigningKey::from_slice(&[5u8; 32]).unwrap();
        let key = PublicKey::P256(*signing.verifying_key());
        assert!(!key.verify(b"msg", &[0u8; 64]));
        assert!(!key.verify(b"msg", &[1u8; 10]));
    }
}

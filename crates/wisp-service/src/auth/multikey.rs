//! `publicKeyMultibase` decoding: 'z' + base58btc of a multicodec-prefixed
//! compressed key (`Multikey`), or of the bare key (legacy 2019 types).

use super::keys::PublicKey;

const SECP256K1_PREFIX: [u8; 2] = [0xe7, 0x01];
const P256_PREFIX: [u8; 2] = [0x80, 0x24];

/// Decodes a `Multikey` value such as `zQ3sh...` (secp256k1) or `zDn...` (P-256).
pub fn decode(multibase: &str) -> Option<PublicKey> {
    let bytes = base58(multibase)?;
    if let Some(key) = bytes.strip_prefix(&SECP256K1_PREFIX) {
        PublicKey::k256_from_sec1(key)
    } else if let Some(key) = bytes.strip_prefix(&P256_PREFIX) {
        PublicKey::p256_from_sec1(key)
    } else {
        None
    }
}

/// Decodes a legacy verification method (`EcdsaSecp256k1VerificationKey2019`
/// or `EcdsaSecp256r1VerificationKey2019`), whose multibase has no prefix.
pub fn decode_legacy(method_type: &str, multibase: &str) -> Option<PublicKey> {
    let bytes = base58(multibase)?;
    match method_type {
        "EcdsaSecp256k1VerificationKey2019" => PublicKey::k256_from_sec1(&bytes),
        "EcdsaSecp256r1VerificationKey2019" => PublicKey::p256_from_sec1(&bytes),
        _ => None,
    }
}

/// Encodes a key as a `Multikey` `publicKeyMultibase` value.
pub fn encode(key: &PublicKey) -> String {
    let prefix = match key {
        PublicKey::K256(_) => SECP256K1_PREFIX,
        PublicKey::P256(_) => P256_PREFIX,
    };
    let mut bytes = prefix.to_vec();
    bytes.extend(key.to_compressed());
    format!("z{}", bs58::encode(bytes).into_string())
}

fn base58(multibase: &str) -> Option<Vec<u8>> {
    bs58::decode(multibase.strip_prefix('z')?).into_vec().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_both_key_types() {
        let k = PublicKey::K256(
            *k256::ecdsa::SigningKey::from_slice(&[9u8; 32])
                .unwrap()
                .verifying_key(),
        );
        let p = PublicKey::P256(
            *p256::ecdsa::SigningKey::from_slice(&[9u8; 32])
                .unwrap()
                .verifying_key(),
        );
        assert!(encode(&k).starts_with("zQ3s"));
        assert!(encode(&p).starts_with("zDn"));
        assert_eq!(decode(&encode(&k)), Some(k));
        assert_eq!(decode(&encode(&p)), Some(p));
    }

    #[test]
    fn decodes_the_atproto_spec_example_keys() {
        // From the atproto cryptography spec.
        let k = decode("zQ3shqwJEJyMBsBXCWyCBpUBMqxcon9oHB7mCvx4sSpMdLJwc").unwrap();
        assert_eq!(k.jwt_alg(), "ES256K");
        let p = decode("zDnaembgSGUhZULN2Caob4HLJPaxBh92N7rtH21TErzqf8HQo").unwrap();
        assert_eq!(p.jwt_alg(), "ES256");
    }

    #[test]
    fn rejects_unknown_prefixes_and_non_base58btc() {
        assert!(decode("z1111").is_none());
        assert!(decode("fabc").is_none());
        assert!(decode("").is_none());
    }

    #[test]
    fn decodes_legacy_unprefixed_keys() {
        let signing = k256::ecdsa::SigningKey::from_slice(&[4u8; 32]).unwrap();
        let raw = signing.verifying_key().to_encoded_point(false);
        let value = format!("z{}", bs58::encode(raw.as_bytes()).into_string());
        let key = decode_legacy("EcdsaSecp256k1VerificationKey2019", &value).unwrap();
        assert_eq!(key, PublicKey::K256(*signing.verifying_key()));
        assert!(decode_legacy("Ed25519VerificationKey2020", &value).is_none());
    }
}

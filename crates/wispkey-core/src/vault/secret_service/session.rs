//! The Secret Service's encrypted session, `dh-ietf1024-sha256-aes128-cbc-pkcs7`: a
//! Diffie-Hellman exchange in the 1024-bit MODP group of RFC 2409 (Oakley group 2), HKDF-SHA256
//! of the shared secret (no salt, no info) to a 128-bit key, then AES-128-CBC with PKCS#7 padding
//! and a fresh IV per secret.
//!
//! Our own, not `dbus-secret-service`'s: that crate draws the private key from `fastrand` (a
//! fast, predictable generator, not a cryptographic one) and raises to a 1024-bit power with
//! plain multiply-and-reduce, twice per session: about 5 ms of a CLI command at our
//! size-optimised build. Here the private key and every IV come from the OS (`getrandom`), and
//! the powers are constant-time Montgomery exponentiations with a 256-bit exponent.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use crypto_bigint::modular::constant_mod::{Residue, ResidueParams};
use crypto_bigint::{Encoding, U1024, impl_modulus};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The algorithm name `OpenSession` is asked for.
pub const ALGORITHM: &str = "dh-ietf1024-sha256-aes128-cbc-pkcs7";

impl_modulus!(
    Oakley2,
    U1024,
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF"
);

const BYTES: usize = 128;

/// Bits of the private exponent. The group gives about 80 bits of security, and NIST SP
/// 800-56A asks for an exponent of at least twice the strength; 256 bits is well over that
/// (the prime is safe, so a short exponent leaks nothing) and makes each power a quarter of a
/// full-length one.
const EXPONENT_BITS: usize = 256;

fn in_group(value: &U1024) -> Residue<Oakley2, { U1024::LIMBS }> {
    Residue::new(value)
}

/// Why a session could not be set up or a secret not be read or sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoFault {
    NoRandomness,
    /// The service's public key is not a valid group element (empty, too long, 0, 1 or p-1 and up).
    BadPeerKey,
    /// The secret does not decrypt: wrong key, damaged data, or a bad IV.
    Undecryptable,
}

impl std::fmt::Display for CryptoFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CryptoFault::NoRandomness => "the system's random number source did not answer",
            CryptoFault::BadPeerKey => "the Secret Service sent an invalid session key",
            CryptoFault::Undecryptable => "a secret from the Secret Service does not decrypt",
        })
    }
}

/// Our half of the exchange: a private exponent (wiped on drop) and the public value to send.
pub struct Offer {
    private: Zeroizing<U1024>,
    public: U1024,
}

impl Offer {
    pub fn new() -> Result<Offer, CryptoFault> {
        let mut bytes = Zeroizing::new([0u8; BYTES]);
        getrandom::getrandom(&mut bytes[BYTES - EXPONENT_BITS / 8..])
            .map_err(|_| CryptoFault::NoRandomness)?;
        Ok(Offer::from_private(Zeroizing::new(U1024::from_be_slice(
            bytes.as_ref(),
        ))))
    }

    fn from_private(private: Zeroizing<U1024>) -> Offer {
        let public = in_group(&U1024::from_u8(2))
            .pow_bounded_exp(&*private, EXPONENT_BITS)
            .retrieve();
        Offer { private, public }
    }

    /// The public value as `OpenSession` takes it: big-endian, without leading zero bytes.
    pub fn public_bytes(&self) -> Vec<u8> {
        let bytes = self.public.to_be_bytes();
        let first = bytes
            .iter()
            .position(|byte| *byte != 0)
            .unwrap_or(BYTES - 1);
        bytes[first..].to_vec()
    }

    /// Completes the exchange with the service's public value.
    pub fn accept(self, peer: &[u8]) -> Result<SessionKey, CryptoFault> {
        if peer.is_empty() || peer.len() > BYTES {
            return Err(CryptoFault::BadPeerKey);
        }
        let mut padded = [0u8; BYTES];
        padded[BYTES - peer.len()..].copy_from_slice(peer);
        let peer = U1024::from_be_slice(&padded);
        // 2 ≤ y ≤ p − 2: 0, 1 and p − 1 would force the shared secret (small-subgroup values).
        let highest = Oakley2::MODULUS.wrapping_sub(&U1024::from_u8(2));
        if peer < U1024::from_u8(2) || peer > highest {
            return Err(CryptoFault::BadPeerKey);
        }
        let shared = Zeroizing::new(
            in_group(&peer)
                .pow_bounded_exp(&*self.private, EXPONENT_BITS)
                .retrieve()
                .to_be_bytes(),
        );
        let mut key = SessionKey([0u8; 16]);
        hkdf::Hkdf::<sha2::Sha256>::new(None, shared.as_ref())
            .expand(&[], &mut key.0)
            .map_err(|_| CryptoFault::BadPeerKey)?;
        Ok(key)
    }
}

/// The AES key both sides derived; wiped on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct SessionKey([u8; 16]);

type Encryptor = cbc::Encryptor<aes::Aes128>;
type Decryptor = cbc::Decryptor<aes::Aes128>;

/// A secret as it crosses the bus: the IV (the spec's "parameters") and the ciphertext.
pub struct Sealed {
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

impl SessionKey {
    pub fn seal(&self, plain: &[u8]) -> Result<Sealed, CryptoFault> {
        let mut iv = [0u8; 16];
        getrandom::getrandom(&mut iv).map_err(|_| CryptoFault::NoRandomness)?;
        let ciphertext =
            Encryptor::new(&self.0.into(), &iv.into()).encrypt_padded_vec_mut::<Pkcs7>(plain);
        Ok(Sealed {
            iv: iv.to_vec(),
            ciphertext,
        })
    }

    pub fn open(&self, iv: &[u8], ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoFault> {
        let iv: [u8; 16] = iv.try_into().map_err(|_| CryptoFault::Undecryptable)?;
        Decryptor::new(&self.0.into(), &iv.into())
            .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
            .map(Zeroizing::new)
            .map_err(|_| CryptoFault::Undecryptable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_private(value: u64) -> Offer {
        Offer::from_private(Zeroizing::new(U1024::from_u64(value)))
    }

    fn public_number(offer: &Offer) -> Vec<u8> {
        offer.public_bytes()
    }

    #[test]
    fn the_public_value_is_two_to_the_private_exponent_in_the_oakley_group() {
        assert_eq!(public_number(&with_private(1)), [2]);
        assert_eq!(public_number(&with_private(10)), [0x04, 0x00]);
        // 2^255 needs no reduction: 0x80 and 31 zero bytes.
        let big = Offer::from_private(Zeroizing::new(U1024::from_u16(255)));
        let bytes = big.public_bytes();
        assert_eq!(bytes.len(), 32);
        assert_eq!(bytes[0], 0x80);
        assert!(bytes[1..].iter().all(|byte| *byte == 0));
    }

    #[test]
    fn both_sides_of_an_exchange_derive_the_same_key() {
        let (ours, theirs) = (Offer::new().unwrap(), Offer::new().unwrap());
        let (our_public, their_public) = (ours.public_bytes(), theirs.public_bytes());
        let our_key = ours.accept(&their_public).unwrap();
        let their_key = theirs.accept(&our_public).unwrap();
        let sealed = our_key.seal(b"wsk_live_secret").unwrap();
        let opened = their_key.open(&sealed.iv, &sealed.ciphertext).unwrap();
        assert_eq!(opened.as_slice(), b"wsk_live_secret");
    }

    #[test]
    fn fresh_offers_and_ivs_differ() {
        assert_ne!(
            Offer::new().unwrap().public_bytes(),
            Offer::new().unwrap().public_bytes()
        );
        let key = with_private(5).accept(&[7]).unwrap();
        assert_ne!(key.seal(b"x").unwrap().iv, key.seal(b"x").unwrap().iv);
    }

    #[test]
    fn a_peer_key_outside_the_group_is_refused() {
        let p_minus_one = Oakley2::MODULUS
            .wrapping_sub(&U1024::ONE)
            .to_be_bytes()
            .to_vec();
        for peer in [vec![], vec![0], vec![1], p_minus_one, vec![1; 129]] {
            assert_eq!(
                with_private(3).accept(&peer).err(),
                Some(CryptoFault::BadPeerKey),
                "{peer:?}"
            );
        }
        assert!(with_private(3).accept(&[2]).is_ok());
    }

    #[test]
    fn a_secret_sealed_under_another_key_or_damaged_does_not_open() {
        let key = with_private(5).accept(&[7]).unwrap();
        let other = with_private(6).accept(&[7]).unwrap();
        let sealed = key.seal(b"a secret of some length").unwrap();
        // A wrong key gives garbage whose padding almost never checks out; when it does, the
        // text still differs.
        if let Ok(opened) = other.open(&sealed.iv, &sealed.ciphertext) {
            assert_ne!(opened.as_slice(), b"a secret of some length");
        }
        assert_eq!(
            key.open(&sealed.iv[..8], &sealed.ciphertext).err(),
            Some(CryptoFault::Undecryptable)
        );
        assert_eq!(
            key.open(&sealed.iv, &sealed.ciphertext[..5]).err(),
            Some(CryptoFault::Undecryptable)
        );
    }
}

//! The largest value one keychain item may hold on every platform Wispkey ships for.
//!
//! Windows Credential Manager stores a password as UTF-16 and refuses a credential blob over
//! `CRED_MAX_CREDENTIAL_BLOB_SIZE` = 5 × 512 = 2,560 bytes, i.e. 1,280 UTF-16 code units (the
//! keyring crate checks `encode_utf16().count() * 2 > 2560`). The Secret Service and the macOS
//! Keychain take far more, so a value that fits there could still fail on Windows; the vault
//! applies the strictest rule everywhere, so a Linux test catches what Windows would refuse.

use crate::error::{Error, Result};

/// `CRED_MAX_CREDENTIAL_BLOB_SIZE` (wincred.h): bytes of UTF-16 one item may hold.
pub const MAX_ITEM_BYTES: usize = 5 * 512;

/// UTF-16 code units per item: what [`MAX_ITEM_BYTES`] allows.
pub const MAX_ITEM_UNITS: usize = MAX_ITEM_BYTES / 2;

/// The size Windows would count for `value`: its UTF-16 encoding, in bytes.
pub fn item_bytes(value: &str) -> usize {
    value.encode_utf16().count() * 2
}

pub fn fits(value: &str) -> bool {
    item_bytes(value) <= MAX_ITEM_BYTES
}

/// Every write goes through this: a value over the limit is an error on every platform, never
/// written (a Linux run must fail where Windows would).
pub fn check(item: &str, value: &str) -> Result<()> {
    let bytes = item_bytes(value);
    if bytes > MAX_ITEM_BYTES {
        return Err(Error::KeychainItemTooLarge {
            item: item.to_owned(),
            bytes,
            limit: MAX_ITEM_BYTES,
        });
    }
    Ok(())
}

/// Splits `value` into pieces of at most [`MAX_ITEM_UNITS`] UTF-16 units each, never inside a
/// character (a surrogate pair stays whole).
pub fn split(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut units) = (0, 0);
    for (index, character) in value.char_indices() {
        let width = character.len_utf16();
        if units + width > MAX_ITEM_UNITS {
            parts.push(&value[start..index]);
            (start, units) = (index, 0);
        }
        units += width;
    }
    if start < value.len() || parts.is_empty() {
        parts.push(&value[start..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_windows_credential_blob_size_in_utf16_bytes() {
        assert_eq!(MAX_ITEM_BYTES, 2560);
        assert!(fits(&"a".repeat(1280)));
        assert!(!fits(&"a".repeat(1281)));
        // Two bytes of UTF-8 are still one UTF-16 unit; an emoji is two units.
        assert!(fits(&"é".repeat(1280)));
        assert!(!fits(&"😀".repeat(641)));
    }

    #[test]
    fn a_value_over_the_limit_is_refused_with_its_size() {
        let error = check("item", &"x".repeat(1281)).unwrap_err();
        assert!(
            matches!(
                error,
                Error::KeychainItemTooLarge {
                    bytes: 2562,
                    limit: 2560,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(check("item", &"x".repeat(1280)).is_ok());
    }

    #[test]
    fn pieces_fit_and_join_back_without_splitting_a_character() {
        let value = format!("{}😀{}", "a".repeat(1279), "b".repeat(3000));
        let parts = split(&value);
        assert!(parts.iter().all(|part| fits(part)), "a piece is too large");
        assert_eq!(parts.concat(), value);
        // The emoji did not fit in the first piece's last unit, so it starts the second.
        assert_eq!(parts[0].len(), 1279);
        assert!(parts[1].starts_with('😀'));
        assert_eq!(split(""), [""]);
    }
}

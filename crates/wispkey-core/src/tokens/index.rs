//! The per-account index: which secret ids have a token stored on this machine.
//!
//! One keychain item per account, so the list's badges cost one keychain read however many
//! secrets there are (10,000 names are about 0.7 MB of JSON; one read, versus 10,000 D-Bus round
//! trips). Names are not secret, but keeping the index in the keychain means Wispkey writes no
//! token-related file at all, and it disappears with the keychain it describes.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::item::index_item;
use crate::account::AccountRef;
use crate::error::{Error, Result};
use crate::secret::SecretString;
use crate::vault::Vault;

const INDEX_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct IndexRecord {
    version: u32,
    /// Sorted and unique (a `BTreeSet`), so the encoding is stable and lookups are cheap.
    names: BTreeSet<String>,
}

pub(crate) fn encode(names: &BTreeSet<String>) -> Result<SecretString> {
    let record = IndexRecord {
        version: INDEX_VERSION,
        names: names.clone(),
    };
    serde_json::to_string(&record)
        .map(SecretString::new)
        .map_err(|e| Error::KeychainFailed {
            detail: format!("could not encode the stored-token index: {e}"),
        })
}

pub(crate) fn decode(text: &str) -> Result<BTreeSet<String>> {
    let record: IndexRecord = serde_json::from_str(text).map_err(|e| Error::KeychainFailed {
        detail: format!(
            "the stored-token index is unreadable ({:?} error)",
            e.classify()
        ),
    })?;
    if record.version != INDEX_VERSION {
        return Err(Error::KeychainFailed {
            detail: format!("stored-token index has format version {}", record.version),
        });
    }
    Ok(record.names)
}

/// The ids with a stored token for `account`: one keychain read. No index yet = nothing stored.
pub(crate) async fn read(vault: &Vault, account: &AccountRef) -> Result<BTreeSet<String>> {
    match vault.read_async(&index_item(account)).await {
        Ok(text) => decode(text.expose()),
        Err(Error::KeychainNotFound) => Ok(BTreeSet::new()),
        Err(other) => Err(other),
    }
}

/// Replaces the index (the vault reads it back and compares). An empty index is deleted.
pub(crate) async fn write(
    vault: &Vault,
    account: &AccountRef,
    names: &BTreeSet<String>,
) -> Result<()> {
    if names.is_empty() {
        return match vault.delete_async(&index_item(account)).await {
            Ok(()) | Err(Error::KeychainNotFound) => Ok(()),
            Err(other) => Err(other),
        };
    }
    vault
        .store_async(&index_item(account), &encode(names)?)
        .await
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_round_trips_sorted_and_unique() {
        let names: BTreeSet<String> = ["b", "a", "c.d_e-f"].map(String::from).into();
        let encoded = encode(&names).unwrap();
        assert_eq!(
            encoded.expose(),
            r#"{"version":1,"names":["a","b","c.d_e-f"]}"#
        );
        assert_eq!(decode(encoded.expose()).unwrap(), names);
    }

    #[test]
    fn ten_thousand_names_fit_one_item_and_round_trip() {
        let names: BTreeSet<String> = (0..10_000).map(|i| format!("secret-{i:05}")).collect();
        let encoded = encode(&names).unwrap();
        assert!(encoded.len() < 200_000, "{} bytes", encoded.len());
        let back = decode(encoded.expose()).unwrap();
        assert_eq!(back.len(), 10_000);
        assert!(back.contains("secret-09999"));
    }

    #[test]
    fn an_unreadable_or_future_index_is_a_keychain_error_not_an_empty_set() {
        assert!(matches!(
            decode("{not json"),
            Err(Error::KeychainFailed { .. })
        ));
        assert!(matches!(
            decode(r#"{"version":2,"names":[]}"#),
            Err(Error::KeychainFailed { .. })
        ));
    }
}

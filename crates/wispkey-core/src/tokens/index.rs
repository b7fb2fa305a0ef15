//! The per-account index: which secret ids have a token stored on this machine, when each
//! copy's token was issued (so a list showing a later rotation can say the copy may be out of
//! date), and which copies are known to be possibly out of date (a rotate whose outcome is
//! unknown). The two newer fields are optional, so earlier versions read the index unchanged.
//!
//! One keychain item per account, so the list's badges cost one keychain read however many
//! secrets there are (10,000 names are about 0.7 MB of JSON; one read, versus 10,000 D-Bus round
//! trips). Names are not secret, but keeping the index in the keychain means Wispkey writes no
//! token-related file at all, and it disappears with the keychain it describes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use serde::{Deserialize, Serialize};

use super::item::index_item;
use crate::account::AccountRef;
use crate::error::{Error, Result};
use crate::secret::SecretString;
use crate::vault::Vault;

const INDEX_VERSION: u32 = 1;

/// The index of one account, as read and written.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Index {
    /// Sorted and unique (a `BTreeSet`), so the encoding is stable and lookups are cheap.
    pub names: BTreeSet<String>,
    /// When each copy's token was issued (the server's time when it said) or stored. Copies
    /// written before this field existed have none.
    #[serde(
        default,
        rename = "storedAt",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub stored_at: BTreeMap<String, DateTime<Utc>>,
    /// Copies that may be out of date whatever the list says (a rotate got no answer).
    #[serde(
        default,
        rename = "outOfDate",
        skip_serializing_if = "BTreeSet::is_empty"
    )]
    pub out_of_date: BTreeSet<String>,
}

impl Index {
    /// A token for `id` was just stored: listed, with its time, no longer suspect.
    pub fn stored(&mut self, id: &str, at: Option<DateTime<Utc>>) {
        self.names.insert(id.to_owned());
        match at {
            Some(at) => self.stored_at.insert(id.to_owned(), at),
            None => self.stored_at.remove(id),
        };
        self.out_of_date.remove(id);
    }

    /// The copy of `id` is gone. Whether anything changed.
    pub fn removed(&mut self, id: &str) -> bool {
        let listed = self.names.remove(id);
        self.stored_at.remove(id);
        self.out_of_date.remove(id);
        listed
    }
}

#[derive(Serialize, Deserialize)]
struct IndexRecord {
    version: u32,
    #[serde(flatten)]
    index: Index,
}

pub(crate) fn encode(index: &Index) -> Result<SecretString> {
    let record = IndexRecord {
        version: INDEX_VERSION,
        index: index.clone(),
    };
    serde_json::to_string(&record)
        .map(SecretString::new)
        .map_err(|e| Error::KeychainFailed {
            detail: format!("could not encode the stored-token index: {e}"),
        })
}

pub(crate) fn decode(text: &str) -> Result<Index> {
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
    Ok(record.index)
}

/// The index of `account`: one keychain read. No index yet = nothing stored.
pub(crate) async fn read(vault: &Vault, account: &AccountRef) -> Result<Index> {
    match vault.read_async(&index_item(account)).await {
        Ok(text) => decode(text.expose()),
        Err(Error::KeychainNotFound) => Ok(Index::default()),
        Err(other) => Err(other),
    }
}

/// Replaces the index (the vault reads it back and compares). An empty index is deleted.
pub(crate) async fn write(vault: &Vault, account: &AccountRef, index: &Index) -> Result<()> {
    if index.names.is_empty() {
        return match vault.delete_async(&index_item(account)).await {
            Ok(()) | Err(Error::KeychainNotFound) => Ok(()),
            Err(other) => Err(other),
        };
    }
    vault
        .store_async(&index_item(account), &encode(index)?)
        .await
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    fn names(names: &[&str]) -> Index {
        Index {
            names: names.iter().map(|name| (*name).to_owned()).collect(),
            ..Index::default()
        }
    }

    #[test]
    fn the_index_round_trips_sorted_and_unique() {
        let index = names(&["b", "a", "c.d_e-f"]);
        let encoded = encode(&index).unwrap();
        assert_eq!(
            encoded.expose(),
            r#"{"version":1,"names":["a","b","c.d_e-f"]}"#
        );
        assert_eq!(decode(encoded.expose()).unwrap(), index);
    }

    #[test]
    fn stored_times_and_out_of_date_marks_round_trip_and_old_indexes_read() {
        let mut index = names(&["a"]);
        let at = DateTime::parse_from_rfc3339("2024-03-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        index.stored("b", Some(at));
        index.out_of_date.insert("a".into());
        let encoded = encode(&index).unwrap();
        assert_eq!(
            encoded.expose(),
            r#"{"version":1,"names":["a","b"],"storedAt":{"b":"2024-03-01T00:00:00Z"},"outOfDate":["a"]}"#
        );
        assert_eq!(decode(encoded.expose()).unwrap(), index);
        // Storing again clears the mark; removing forgets everything about the copy.
        index.stored("a", None);
        assert!(index.out_of_date.is_empty());
        assert!(index.removed("b"));
        assert!(index.stored_at.is_empty());
        // An index written before these fields existed.
        assert_eq!(
            decode(r#"{"version":1,"names":["x"]}"#).unwrap(),
            names(&["x"])
        );
    }

    #[test]
    fn ten_thousand_names_round_trip() {
        let mut index = Index::default();
        for i in 0..10_000 {
            index.stored(&format!("secret-{i:05}"), Some(Utc::now()));
        }
        let encoded = encode(&index).unwrap();
        let back = decode(encoded.expose()).unwrap();
        assert_eq!(back.names.len(), 10_000);
        assert!(back.names.contains("secret-09999"));
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

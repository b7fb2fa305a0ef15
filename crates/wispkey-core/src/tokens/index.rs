//! The per-account index: which secret ids have a token stored on this machine, when each
//! copy's token was issued (so a list showing a later rotation can say the copy may be out of
//! date), and which copies are known to be possibly out of date (a rotate whose outcome is
//! unknown). The two newer fields are optional, so earlier versions read the index unchanged.
//!
//! One record per account, so the list's badges cost one vault read however many secrets there
//! are (10,000 names are about 0.7 MB of JSON; one read, versus 10,000 D-Bus round trips). A
//! record too large for a few keychain items is kept as buckets ([`buckets`]), so storing one
//! token rewrites one bucket, not the whole index. Names are not secret, but keeping the index in the keychain means Wispkey writes no
//! token-related file at all, and it disappears with the keychain it describes.

use std::collections::{BTreeMap, BTreeSet};

use buckets::{Root, Stored};
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

    /// Adds what `other` says (about other ids: a bucket of the same index).
    pub fn merge(&mut self, other: Index) {
        self.names.extend(other.names);
        self.stored_at.extend(other.stored_at);
        self.out_of_date.extend(other.out_of_date);
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

/// The index of `account`, whole: one keychain read, or one per bucket when it is kept as
/// buckets ([`buckets`]). No index yet = nothing stored.
pub(crate) async fn read(vault: &Vault, account: &AccountRef) -> Result<Index> {
    let item = index_item(account);
    match stored(vault, &item).await? {
        Stored::Single(index) => Ok(index),
        Stored::Buckets(root) => {
            let mut index = Index::default();
            for bucket in 0..root.buckets {
                index.merge(read_bucket(vault, &item, &root, bucket).await?);
            }
            Ok(index)
        }
    }
}

/// Applies `change`, which touches only the entries of `ids`, and writes what changed (the
/// vault reads every write back and compares). Kept as buckets, only the buckets of `ids` are
/// read and written: one token stored is one bucket rewritten, however large the index.
pub(crate) async fn update(
    vault: &Vault,
    account: &AccountRef,
    ids: &[&str],
    change: impl FnOnce(&mut Index),
) -> Result<()> {
    let item = index_item(account);
    let root = match stored(vault, &item).await? {
        Stored::Single(mut index) => {
            let before = index.clone();
            change(&mut index);
            if index != before {
                write_whole(vault, &item, &index, None).await?;
            }
            return Ok(());
        }
        Stored::Buckets(root) => root,
    };
    let numbers: BTreeSet<usize> = ids.iter().map(|id| root.bucket_of(id)).collect();
    let mut before = BTreeMap::new();
    let mut part = Index::default();
    for &number in &numbers {
        let bucket = read_bucket(vault, &item, &root, number).await?;
        part.merge(bucket.clone());
        before.insert(number, bucket);
    }
    change(&mut part);
    let mut after = root.split(&part);
    let mut outgrown = false;
    for number in numbers {
        let bucket = after.remove(&number).unwrap_or_default();
        if before.get(&number) == Some(&bucket) {
            continue;
        }
        outgrown |= buckets::too_large(&bucket)?;
        write_bucket(vault, &item, &root, number, &bucket).await?;
    }
    if outgrown {
        // Written and safe as parts; from now on in more, smaller buckets.
        let whole = read(vault, account).await?;
        write_whole(vault, &item, &whole, Some(&root)).await?;
    }
    Ok(())
}

/// What the index item holds. None yet: an empty index.
async fn stored(vault: &Vault, item: &str) -> Result<Stored> {
    match vault.read_async(item).await {
        Ok(text) => buckets::parse(text.expose()),
        Err(Error::KeychainNotFound) => Ok(Stored::Single(Index::default())),
        Err(other) => Err(other),
    }
}

async fn read_bucket(vault: &Vault, item: &str, root: &Root, bucket: usize) -> Result<Index> {
    match vault.read_async(&root.bucket_item(item, bucket)).await {
        Ok(text) => decode(text.expose()),
        // A bucket no id has reached yet, or emptied.
        Err(Error::KeychainNotFound) => Ok(Index::default()),
        Err(other) => Err(other),
    }
}

async fn write_bucket(
    vault: &Vault,
    item: &str,
    root: &Root,
    bucket: usize,
    index: &Index,
) -> Result<()> {
    write_record(vault, &root.bucket_item(item, bucket), index).await
}

/// One record under `item`; an empty one is deleted.
async fn write_record(vault: &Vault, item: &str, index: &Index) -> Result<()> {
    if index.names.is_empty() {
        return match vault.delete_async(item).await {
            Ok(()) | Err(Error::KeychainNotFound) => Ok(()),
            Err(other) => Err(other),
        };
    }
    vault.store_async(item, &encode(index)?).await
}

/// Replaces the whole index: one record while it is small, else the buckets of a new set and
/// then the root naming them. The `previous` set's buckets go last (best effort: a bucket left
/// behind is never read, no root names it).
async fn write_whole(
    vault: &Vault,
    item: &str,
    index: &Index,
    previous: Option<&Root>,
) -> Result<()> {
    if buckets::too_large(index)? {
        let root = Root::new(buckets::buckets_for(index)?, buckets::new_set());
        for (number, bucket) in root.split(index) {
            write_bucket(vault, item, &root, number, &bucket).await?;
        }
        vault
            .store_async(item, &SecretString::new(root.encode()?))
            .await?;
    } else {
        write_record(vault, item, index).await?;
    }
    if let Some(previous) = previous {
        for bucket in 0..previous.buckets {
            let _ = vault
                .delete_async(&previous.bucket_item(item, bucket))
                .await;
        }
    }
    Ok(())
}

mod buckets;

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

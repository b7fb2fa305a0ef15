//! The layout of a large index: a small root item under the index's own name saying how many
//! buckets there are and which set they belong to, and one item per bucket (an ordinary index
//! record of the ids that hash into it). Storing one token then rewrites one bucket (about one
//! keychain item), not the whole index (about 120 items for 10,000 names).
//!
//! An index stays one record (the layout every earlier version wrote and still reads) until its
//! encoding outgrows [`SPLIT_OVER`]; it is then written as buckets, and split again into twice as
//! many when one bucket outgrows that limit. A split writes every bucket of a new set first and
//! the root last, then removes the previous set's buckets: a split cut short leaves the previous
//! root pointing at the previous buckets (or the previous single record), never a mix.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Index, decode, encode};
use crate::error::{Error, Result};
use crate::vault::limit::{MAX_ITEM_BYTES, item_bytes};

/// The version a root record carries (a single record carries 1).
pub(super) const ROOT_VERSION: u32 = 2;

/// An index whose encoding is larger than this (four keychain items) is kept as buckets, and a
/// bucket that grows past it makes the index split into twice as many.
pub(super) const SPLIT_OVER: usize = 4 * MAX_ITEM_BYTES;

/// What one bucket holds after a split, so that it fits one item and still has room to grow.
const BUCKET_TARGET: usize = MAX_ITEM_BYTES * 3 / 4;

/// The root item of an index kept as buckets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Root {
    version: u32,
    pub buckets: usize,
    /// Names this split's bucket items, so a new split never overwrites the one the root names.
    pub set: String,
}

impl Root {
    pub fn new(buckets: usize, set: String) -> Root {
        Root {
            version: ROOT_VERSION,
            buckets,
            set,
        }
    }

    /// The bucket `id` belongs to: the first eight bytes of its SHA-256, so every platform and
    /// every version agrees.
    pub fn bucket_of(&self, id: &str) -> usize {
        let digest = Sha256::digest(id.as_bytes());
        let mut first = [0_u8; 8];
        first.copy_from_slice(&digest[..8]);
        let buckets = u64::try_from(self.buckets.max(1)).unwrap_or(u64::MAX);
        usize::try_from(u64::from_be_bytes(first) % buckets).unwrap_or_default()
    }

    /// The keychain item of bucket `bucket`, beside the index item `index_item`.
    pub fn bucket_item(&self, index_item: &str, bucket: usize) -> String {
        format!("{index_item}#bucket-{}-{bucket}", self.set)
    }

    pub fn encode(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::KeychainFailed {
            detail: format!("could not encode the stored-token index: {e}"),
        })
    }

    /// Splits `index` into this root's buckets (empty buckets left out).
    pub fn split(&self, index: &Index) -> BTreeMap<usize, Index> {
        let mut buckets: BTreeMap<usize, Index> = BTreeMap::new();
        for id in &index.names {
            let bucket = buckets.entry(self.bucket_of(id)).or_default();
            bucket.names.insert(id.clone());
            if let Some(at) = index.stored_at.get(id) {
                bucket.stored_at.insert(id.clone(), *at);
            }
            if index.out_of_date.contains(id) {
                bucket.out_of_date.insert(id.clone());
            }
        }
        buckets
    }
}

/// What the index item holds: the whole index, or the root of its buckets.
pub(super) enum Stored {
    Single(Index),
    Buckets(Root),
}

pub(super) fn parse(text: &str) -> Result<Stored> {
    #[derive(Deserialize)]
    struct Version {
        version: u32,
    }
    let unreadable = |e: serde_json::Error| Error::KeychainFailed {
        detail: format!(
            "the stored-token index is unreadable ({:?} error)",
            e.classify()
        ),
    };
    let version: Version = serde_json::from_str(text).map_err(unreadable)?;
    if version.version != ROOT_VERSION {
        return decode(text).map(Stored::Single);
    }
    let root: Root = serde_json::from_str(text).map_err(unreadable)?;
    if root.buckets == 0 || root.set.is_empty() {
        return Err(Error::KeychainFailed {
            detail: "the stored-token index names no buckets".into(),
        });
    }
    Ok(Stored::Buckets(root))
}

/// A new set id: the time in nanoseconds and the process id, so the window and the CLI never
/// pick the same one.
pub(super) fn new_set() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    format!("{nanos:x}{:x}", std::process::id())
}

/// How many buckets `index` should be split into: a power of two, each bucket about
/// [`BUCKET_TARGET`] bytes.
pub(super) fn buckets_for(index: &Index) -> Result<usize> {
    let bytes = item_bytes(encode(index)?.expose());
    Ok(bytes.div_ceil(BUCKET_TARGET).next_power_of_two().max(2))
}

/// Whether `index` (a whole index, or one bucket) is too large for its layout.
pub(super) fn too_large(index: &Index) -> Result<bool> {
    Ok(item_bytes(encode(index)?.expose()) > SPLIT_OVER)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_of(count: usize) -> Index {
        let mut index = Index::default();
        for i in 0..count {
            index.stored(&format!("secret-{i:05}"), Some(chrono::Utc::now()));
        }
        index
    }

    #[test]
    fn every_id_has_one_bucket_and_the_buckets_hold_the_whole_index() {
        let index = index_of(10_000);
        let root = Root::new(buckets_for(&index).unwrap(), "s".into());
        let buckets = root.split(&index);
        let mut joined = Index::default();
        for (number, bucket) in &buckets {
            assert!(*number < root.buckets);
            assert!(bucket.names.iter().all(|id| root.bucket_of(id) == *number));
            // Each bucket is about one keychain item: a store rewrites little.
            assert!(!too_large(bucket).unwrap());
            joined.names.extend(bucket.names.iter().cloned());
            joined.stored_at.extend(bucket.stored_at.clone());
        }
        assert_eq!(joined, index);
    }

    #[test]
    fn the_bucket_of_an_id_never_changes() {
        // Pinned: another version (or platform) must find the same id in the same bucket.
        let root = Root::new(256, "s".into());
        assert_eq!(
            root.bucket_of("secret-00042"),
            root.bucket_of("secret-00042")
        );
        let spread: std::collections::BTreeSet<usize> = (0..1000)
            .map(|i| root.bucket_of(&format!("secret-{i:05}")))
            .collect();
        assert!(
            spread.len() > 200,
            "ids crowd into {} buckets",
            spread.len()
        );
    }

    #[test]
    fn a_root_round_trips_and_a_single_record_still_reads() {
        let root = Root::new(8, "abc".into());
        let text = root.encode().unwrap();
        assert!(item_bytes(&text) <= MAX_ITEM_BYTES);
        assert!(matches!(parse(&text).unwrap(), Stored::Buckets(back) if back == root));
        assert!(matches!(
            parse(r#"{"version":1,"names":["a"]}"#).unwrap(),
            Stored::Single(index) if index.names.len() == 1
        ));
        for damaged in [
            r#"{"version":2,"buckets":0,"set":"a"}"#,
            r#"{"version":2,"buckets":4,"set":""}"#,
            r#"{"version":2}"#,
            r#"{"version":3,"names":[]}"#,
            "{not json",
        ] {
            assert!(parse(damaged).is_err(), "{damaged}");
        }
    }

    #[test]
    fn a_small_index_stays_one_record() {
        assert!(!too_large(&index_of(20)).unwrap());
        assert!(too_large(&index_of(10_000)).unwrap());
    }
}

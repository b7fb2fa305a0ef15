//! Values larger than one keychain item may hold (see [`super::limit`]), kept as numbered parts
//! plus a small header item under the value's own name.
//!
//! The header names how many parts there are, a SHA-256 of the whole value, and the *set* the
//! parts belong to (a fresh id per write). A write puts every part of a new set first and the
//! header last, then removes the previous set's parts: a write cut short leaves the previous
//! header pointing at the previous parts, so a reader gets the old value or the new one, never a
//! mix. A reader checks the digest, so parts that went missing or were changed behind our back
//! read as a keychain error, never as a wrong value.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// What a header item's value starts with. A plain value that happens to start with it is
/// stored as parts too, so a plain value is never mistaken for a header.
pub const HEADER_PREFIX: &str = "wispkey-parts/1 ";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub parts: usize,
    pub digest: String,
    pub set: String,
}

impl Header {
    pub fn for_value(value: &str, parts: usize, set: String) -> Header {
        Header {
            parts,
            digest: digest(value),
            set,
        }
    }

    pub fn encode(&self) -> String {
        format!(
            "{HEADER_PREFIX}parts={} sha256={} set={}",
            self.parts, self.digest, self.set
        )
    }

    /// `None` for a plain value; an error for a header that does not parse.
    pub fn parse(value: &str) -> Result<Option<Header>> {
        let Some(rest) = value.strip_prefix(HEADER_PREFIX) else {
            return Ok(None);
        };
        let damaged = || Error::KeychainFailed {
            detail: "a keychain item's header is unreadable".into(),
        };
        let (mut parts, mut digest, mut set) = (None, None, None);
        for field in rest.split(' ') {
            match field.split_once('=') {
                Some(("parts", n)) => parts = n.parse::<usize>().ok(),
                Some(("sha256", hex)) => digest = Some(hex.to_owned()),
                Some(("set", id)) => set = Some(id.to_owned()),
                _ => return Err(damaged()),
            }
        }
        match (parts, digest, set) {
            (Some(parts), Some(digest), Some(set)) if parts > 0 && !set.is_empty() => {
                Ok(Some(Header { parts, digest, set }))
            }
            _ => Err(damaged()),
        }
    }

    /// The item holding part `index` of `item`'s value.
    pub fn part_item(&self, item: &str, index: usize) -> String {
        part_item(item, &self.set, index)
    }

    /// Joins the parts read back and checks them against the digest.
    pub fn join(&self, parts: &[String]) -> Result<String> {
        let value = parts.concat();
        if parts.len() == self.parts && digest(&value) == self.digest {
            Ok(value)
        } else {
            Err(Error::KeychainFailed {
                detail: "a keychain item's parts do not match their header".into(),
            })
        }
    }
}

pub fn part_item(item: &str, set: &str, index: usize) -> String {
    format!("{item}#part-{set}-{index}")
}

/// A new set id: the time in nanoseconds and the process id, unique enough that two writers
/// (the window and the CLI) never pick the same one.
pub fn new_set() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    format!("{nanos:x}{:x}", std::process::id())
}

fn digest(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_round_trips_and_fits_one_item() {
        let header = Header::for_value("hello", 3, "abc".into());
        let text = header.encode();
        assert!(super::super::limit::fits(&text));
        assert_eq!(Header::parse(&text).unwrap(), Some(header));
        assert_eq!(Header::parse("wsk_plain_token").unwrap(), None);
    }

    #[test]
    fn a_damaged_header_is_an_error_not_a_plain_value() {
        for text in [
            "wispkey-parts/1 parts=x sha256=00 set=a",
            "wispkey-parts/1 parts=0 sha256=00 set=a",
            "wispkey-parts/1 parts=2",
            "wispkey-parts/1 what=2 parts=1 sha256=00 set=a",
        ] {
            assert!(Header::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn parts_join_only_when_complete_and_unchanged() {
        let header = Header::for_value("abcdef", 2, "s".into());
        assert_eq!(
            header.join(&["abc".into(), "def".into()]).unwrap(),
            "abcdef"
        );
        assert!(header.join(&["abc".into()]).is_err());
        assert!(header.join(&["abc".into(), "deX".into()]).is_err());
    }

    #[test]
    fn parts_of_two_sets_have_different_items() {
        assert_ne!(part_item("index", "a", 0), part_item("index", "b", 0));
        assert_ne!(new_set(), "");
    }
}

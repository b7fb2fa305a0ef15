//! Tokens the server has just issued, kept in memory until the copy-once dialog closes.
//!
//! They are what `copy_issued_token` and `retry_store_token` use, so the webview never has to
//! send a token back to Rust. Each is a [`SecretString`]: zeroized when removed or replaced.
//! Kept whether or not the keychain write worked: the dialog is open and shows it anyway, and a
//! copy must work even if the keychain locks while the dialog is up. Each also says whether it is
//! in the keychain, because one that is not must not vanish when the window closes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::account::AccountRef;
use crate::secret::SecretString;

#[derive(Clone)]
pub(crate) struct PendingToken {
    /// The secret's name, for the dialog (the key is its id).
    pub name: String,
    pub token: SecretString,
    pub issued_at: DateTime<Utc>,
    /// In the keychain (written and read back). False while the write is still under way too.
    pub stored: bool,
}

type Key = (AccountRef, String);

#[derive(Clone, Default)]
pub(crate) struct PendingTokens {
    map: Arc<Mutex<HashMap<Key, PendingToken>>>,
}

fn key(account: &AccountRef, id: &str) -> Key {
    (account.clone(), id.to_owned())
}

impl PendingTokens {
    pub fn insert(&self, account: &AccountRef, id: &str, token: PendingToken) {
        // A poisoned lock only means another thread panicked mid-insert; the map is still usable.
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.insert(key(account, id), token);
    }

    pub fn get(&self, account: &AccountRef, id: &str) -> Option<PendingToken> {
        let map = self
            .map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.get(&key(account, id)).cloned()
    }

    /// Records whether `token` is in the keychain. Only if it is still the pending token of that
    /// name: a store that finishes after a newer token replaced it says nothing about the newer.
    pub fn set_stored(&self, account: &AccountRef, id: &str, token: &SecretString, stored: bool) {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(pending) = map.get_mut(&key(account, id))
            && pending.token == *token
        {
            pending.stored = stored;
        }
    }

    /// Whether any issued token exists only in memory (so closing the window would lose it).
    pub fn any_unstored(&self) -> bool {
        let map = self
            .map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.values().any(|pending| !pending.stored)
    }

    pub fn remove(&self, account: &AccountRef, id: &str) -> bool {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.remove(&key(account, id)).is_some()
    }

    /// Removes `id` and the second values of its answer (`{id}#…`).
    pub fn remove_with_also(&self, account: &AccountRef, id: &str) {
        let prefix = format!("{id}#");
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.retain(|(pending_account, pending_id), _| {
            pending_account != account || (pending_id != id && !pending_id.starts_with(&prefix))
        });
    }

    pub fn remove_account(&self, account: &AccountRef) {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.retain(|(pending_account, _), _| pending_account != account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a() -> AccountRef {
        AccountRef::new("wisp", "did:plc:a")
    }

    fn b() -> AccountRef {
        AccountRef::new("wisp", "did:plc:b")
    }

    fn token(value: &str) -> PendingToken {
        PendingToken {
            name: "hook".into(),
            token: SecretString::new(value),
            issued_at: Utc::now(),
            stored: false,
        }
    }

    #[test]
    fn pending_tokens_are_per_account_and_name() {
        let pending = PendingTokens::default();
        pending.insert(&a(), "hook", token("one"));
        pending.insert(&b(), "hook", token("two"));
        assert_eq!(pending.get(&a(), "hook").unwrap().token.expose(), "one");
        assert!(pending.remove(&a(), "hook"));
        assert!(pending.get(&a(), "hook").is_none());
        assert_eq!(pending.get(&b(), "hook").unwrap().token.expose(), "two");
        pending.remove_account(&b());
        assert!(pending.get(&b(), "hook").is_none());
    }

    #[test]
    fn only_tokens_missing_from_the_keychain_count_as_unstored() {
        let pending = PendingTokens::default();
        assert!(!pending.any_unstored(), "nothing pending");

        pending.insert(&a(), "hook", token("one"));
        assert!(
            pending.any_unstored(),
            "the keychain write has not finished yet"
        );
        pending.set_stored(&a(), "hook", &SecretString::new("one"), true);
        assert!(
            !pending.any_unstored(),
            "a stored token does not block closing"
        );

        pending.insert(&b(), "other", token("two"));
        assert!(
            pending.any_unstored(),
            "one unstored token among stored ones"
        );
        pending.remove_account(&b());
        assert!(!pending.any_unstored(), "signed out: nothing left to lose");
    }

    #[test]
    fn a_late_store_result_does_not_mark_a_newer_token_stored() {
        let pending = PendingTokens::default();
        pending.insert(&a(), "hook", token("old"));
        pending.insert(&a(), "hook", token("new"));
        pending.set_stored(&a(), "hook", &SecretString::new("old"), true);
        assert!(pending.any_unstored());
        pending.set_stored(&a(), "hook", &SecretString::new("new"), true);
        assert!(!pending.any_unstored());
        pending.set_stored(&a(), "hook", &SecretString::new("new"), false);
        assert!(
            pending.any_unstored(),
            "a failed retry makes it unstored again"
        );
        assert!(pending.remove(&a(), "hook"));
        assert!(!pending.any_unstored(), "the user finished the dialog");
    }
}

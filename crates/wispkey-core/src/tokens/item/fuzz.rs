//! Fuzz target for keychain item names: today's names parse back to exactly the provider,
//! account and secret id they were made from (ids are outside input: DIDs, provider ids with
//! colons and percent signs), and no string makes the parser panic. The first versions' names
//! (`token:<account>:<id>`) are checked for the same promise where it can hold.

use super::*;
use crate::tokens::legacy::{legacy_index_item, legacy_token_item};

#[test]
fn fuzz_item_names_never_panic_and_parse_back_to_their_parts() {
    wispkey_fuzz_kit::run("keychain-item-names", |bytes| {
        let text = String::from_utf8_lossy(bytes);
        let _ = parse_token_item(&text);

        // The input split into (provider, account, secret id) in several ways, so every part
        // sees every kind of character, colons and escapes included.
        let mut splits = vec![(
            "wisp".to_owned(),
            "did:plc:abc".to_owned(),
            text.to_string(),
        )];
        let parts: Vec<&str> = text.splitn(3, [':', '/']).collect();
        if let [provider, account, id] = parts.as_slice() {
            splits.push((provider.to_string(), account.to_string(), id.to_string()));
        }
        for (provider, account_id, id) in splits {
            let account = AccountRef::new(provider, account_id);
            let item = token_item(&account, &id);
            assert_eq!(
                parse_token_item(&item),
                Some((account.clone(), id.clone())),
                "{item}"
            );
            // An index item is never mistaken for a token item.
            assert_eq!(parse_token_item(&index_item(&account)), None);
            // Legacy names: the account and the id are still inside, in order.
            let legacy = legacy_token_item(&account.id, &id);
            assert!(legacy.starts_with("token:") && legacy.ends_with(id.as_str()));
            assert!(legacy_index_item(&account.id).starts_with("token-index:"));
        }
    });
}

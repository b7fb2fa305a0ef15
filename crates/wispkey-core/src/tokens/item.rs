//! Keychain item names for tokens. Every item lives under the app's vault service; the item key
//! carries the account DID and the secret name, so two accounts' `deploy-hook`s never collide.

/// Prefix of one token's item: `token:<did>:<name>`.
pub const TOKEN_ITEM_PREFIX: &str = "token:";
/// Prefix of an account's index item: `token-index:<did>`.
pub const INDEX_ITEM_PREFIX: &str = "token-index:";

/// The item holding the token of secret `name` for account `did`. A DID contains colons, a secret
/// name never does (`[A-Za-z0-9._-]`), so the last colon always separates the two.
pub fn token_item(did: &str, name: &str) -> String {
    format!("{TOKEN_ITEM_PREFIX}{did}:{name}")
}

/// The item listing which of `did`'s secrets have a token stored on this machine.
pub fn index_item(did: &str) -> String {
    format!("{INDEX_ITEM_PREFIX}{did}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_items_carry_did_and_name_and_split_back_at_the_last_colon() {
        let item = token_item("did:plc:abc123", "deploy-hook");
        assert_eq!(item, "token:did:plc:abc123:deploy-hook");
        let (did, name) = item
            .strip_prefix(TOKEN_ITEM_PREFIX)
            .and_then(|rest| rest.rsplit_once(':'))
            .unwrap();
        assert_eq!((did, name), ("did:plc:abc123", "deploy-hook"));
    }

    #[test]
    fn same_name_under_two_accounts_is_two_items() {
        assert_ne!(
            token_item("did:plc:one", "hook"),
            token_item("did:plc:two", "hook")
        );
    }

    #[test]
    fn the_index_item_cannot_collide_with_a_token_item() {
        // "token-index:" is not a prefix a token item can have ("token:" + a DID starting "did:").
        assert!(!index_item("did:plc:x").starts_with(TOKEN_ITEM_PREFIX));
        assert!(!token_item("did:plc:x", "n").starts_with(INDEX_ITEM_PREFIX));
    }
}

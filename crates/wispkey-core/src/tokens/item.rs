//! Keychain item names for tokens. Every item lives under the app's vault service; the item key
//! carries the provider, the account and the secret's id, so two accounts' (or two providers')
//! `deploy-hook`s never collide.
//!
//! Each part is escaped (`%` → `%25`, `:` → `%3A`) so the colons between parts are unambiguous
//! whatever the ids contain (DIDs have colons).

use crate::account::AccountRef;

/// Prefix of one token's item: `wispkey-token:<provider>:<account>:<secret id>`.
pub const TOKEN_ITEM_PREFIX: &str = "wispkey-token:";
/// Prefix of an account's index item: `wispkey-token-index:<provider>:<account>`.
pub const INDEX_ITEM_PREFIX: &str = "wispkey-token-index:";

fn escape(part: &str) -> String {
    part.replace('%', "%25").replace(':', "%3A")
}

fn unescape(part: &str) -> String {
    part.replace("%3A", ":").replace("%25", "%")
}

/// The item holding the token of secret `id` of `account`.
pub fn token_item(account: &AccountRef, id: &str) -> String {
    format!(
        "{TOKEN_ITEM_PREFIX}{}:{}:{}",
        escape(&account.provider),
        escape(&account.id),
        escape(id)
    )
}

/// The item listing which of `account`'s secrets have a token stored on this machine.
pub fn index_item(account: &AccountRef) -> String {
    format!(
        "{INDEX_ITEM_PREFIX}{}:{}",
        escape(&account.provider),
        escape(&account.id)
    )
}

/// The account and secret id a token item belongs to, if `item` is one.
pub fn parse_token_item(item: &str) -> Option<(AccountRef, String)> {
    let mut parts = item.strip_prefix(TOKEN_ITEM_PREFIX)?.split(':');
    let (provider, account, id) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some((
        AccountRef::new(unescape(provider), unescape(account)),
        unescape(id),
    ))
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    fn wisp(did: &str) -> AccountRef {
        AccountRef::new("wisp", did)
    }

    #[test]
    fn token_items_carry_provider_account_and_id_and_parse_back() {
        let item = token_item(&wisp("did:plc:abc123"), "deploy-hook");
        assert_eq!(item, "wispkey-token:wisp:did%3Aplc%3Aabc123:deploy-hook");
        assert_eq!(
            parse_token_item(&item),
            Some((wisp("did:plc:abc123"), "deploy-hook".to_owned()))
        );
    }

    #[test]
    fn ids_with_colons_and_percent_signs_stay_apart() {
        let odd = AccountRef::new("p:x", "a%3Ab:c");
        let item = token_item(&odd, "id:with%colon");
        assert_eq!(
            parse_token_item(&item),
            Some((odd, "id:with%colon".to_owned()))
        );
    }

    #[test]
    fn same_id_under_two_accounts_or_two_providers_is_two_items() {
        assert_ne!(
            token_item(&wisp("did:plc:one"), "hook"),
            token_item(&wisp("did:plc:two"), "hook")
        );
        assert_ne!(
            token_item(&AccountRef::new("slate", "1"), "7"),
            token_item(&AccountRef::new("phala", "1"), "7")
        );
    }

    #[test]
    fn the_index_item_cannot_collide_with_a_token_item() {
        let account = wisp("did:plc:x");
        assert!(!index_item(&account).starts_with(TOKEN_ITEM_PREFIX));
        assert!(!token_item(&account, "n").starts_with(INDEX_ITEM_PREFIX));
        assert_eq!(parse_token_item(&index_item(&account)), None);
    }
}

//! Accounts of any provider: a reference that names one ([`AccountRef`]) and what the window and
//! the CLI show about it ([`AccountView`]). The credentials behind an account (an OAuth session,
//! a credential session, an API key) are the provider's, kept in the keychain by it.

use serde::{Deserialize, Serialize};

use crate::operation::Operation;

/// Which provider, and which account there. Everything per-account (keychain items, pending
/// tokens, commands) is keyed by this, never by a provider-specific identifier alone: two
/// providers may well use the same account id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountRef {
    /// A provider's [`crate::provider::ProviderDescriptor::id`], e.g. `wisp`.
    pub provider: String,
    /// The provider's own account id (wisp.place: the DID).
    pub id: String,
}

impl AccountRef {
    pub fn new(provider: impl Into<String>, id: impl Into<String>) -> Self {
        AccountRef {
            provider: provider.into(),
            id: id.into(),
        }
    }
}

impl std::fmt::Display for AccountRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.provider, self.id)
    }
}

/// A signed-in account as the window's menu and `wispkey accounts` show it. No secret in here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    pub account: AccountRef,
    /// The provider's label (e.g. "wisp.place"), shown beside the account.
    pub provider_label: String,
    /// What the user knows the account by (a handle, an email), else its id.
    pub label: String,
    /// A second line: the id when the label is something else, a server address…
    pub detail: String,
    /// The operations this sign-in may perform (a narrower grant than the provider offers is
    /// possible: the UI then says what is missing).
    pub capabilities: Vec<Operation>,
    /// When set, signing in again with broader access would grant what is missing; the text
    /// explains what was granted and what re-authorizing asks for.
    pub reauthorize_note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_ref_crosses_ipc_as_provider_and_id() {
        let account = AccountRef::new("wisp", "did:plc:abc");
        assert_eq!(
            serde_json::to_value(&account).unwrap(),
            serde_json::json!({"provider": "wisp", "id": "did:plc:abc"})
        );
        assert_eq!(account.to_string(), "wisp:did:plc:abc");
    }
}

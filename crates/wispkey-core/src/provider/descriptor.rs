//! What a provider tells the window and the CLI about itself, so neither names a provider in its
//! code: how one signs in, which operations exist, what identifies a secret, the rule for new
//! names (with the sentences that explain a refusal), and the words its dialogs need.

use serde::Serialize;

use crate::operation::Operation;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ProviderDescriptor {
    /// Stable id, part of every [`crate::account::AccountRef`] and keychain item: never rename.
    pub id: String,
    /// What users call the service ("wisp.place").
    pub label: String,
    pub sign_in: SignInMethod,
    /// What this provider's API offers. An account may be granted less
    /// ([`crate::account::AccountView::capabilities`]).
    pub operations: Vec<Operation>,
    pub secret_id: SecretIdentity,
    /// `None` when the provider names new secrets itself (or cannot create them).
    pub name_rule: Option<NameRule>,
    /// How to ask for the second factor when the server refuses an operation without one
    /// (`second_factor_required`); `None` when the provider never asks.
    pub second_factor: Option<SecondFactor>,
    /// Whether the provider's webhooks name a secret that can be changed without rotating it,
    /// so a rotation can be staged (new secret beside the old, switch, then delete). The window
    /// and the CLI offer staged rotation only where this is true.
    pub staged_rotation: bool,
    /// Whether the provider's list says when each secret was last rotated. Where it does not,
    /// the list shows when the copy in this keychain was issued, and says where that came from.
    pub reports_rotation_time: bool,
    pub words: ProviderWords,
    /// How the provider signs its webhook deliveries: what the receiver test signs with and
    /// what the signature tester preselects. `None` when the provider does not document it
    /// (the receiver test then refuses with `signing_unknown`; the tester still works with a
    /// scheme the user picks).
    pub delivery_signature: Option<crate::signature::SignatureScheme>,
}

impl ProviderDescriptor {
    pub fn supports(&self, operation: Operation) -> bool {
        self.operations.contains(&operation)
    }
}

/// How an account of this provider is added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SignInMethod {
    /// The system browser opens the provider's consent page; the app catches the redirect.
    #[serde(rename = "oauth", rename_all = "camelCase")]
    OAuth {
        /// The field's label ("Handle or DID").
        identity_label: String,
        identity_placeholder: String,
        identity_help: String,
        /// Shown while the browser is open.
        waiting: String,
        /// Sign-in can ask for broader access when a narrow grant lacks an operation.
        offers_full_access: bool,
    },
    /// A server address, an email and a password (and a second factor when the server asks),
    /// or a token pasted instead of the password.
    #[serde(rename_all = "camelCase")]
    Credentials { fields: CredentialFields },
    /// A key the user pastes; checked by listing before it is kept.
    #[serde(rename_all = "camelCase")]
    ApiKey { key_label: String },
}

/// The fields of a [`SignInMethod::Credentials`] sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CredentialFields {
    /// "Server address".
    pub server_label: String,
    /// What the field starts with (a setting; may be empty).
    pub default_server: String,
    pub server_help: String,
    /// The label of the token pasted instead of email and password ("API token"), if any.
    pub token_label: Option<String>,
}

/// The field a second-factor code is typed or pasted into. The code is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SecondFactor {
    /// "Two-factor code".
    pub label: String,
    /// "The 6-digit code from your authenticator app."
    pub help: String,
    /// How many digits a code has (the field accepts pasted text with spaces around them).
    pub digits: u32,
}

/// What identifies one secret at the provider, and whether that is also what the user reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SecretIdentity {
    /// "Name", "Token id", "Webhook id".
    pub label: String,
    /// True when the id is the name (wisp.place): then names are unique and the dialogs show
    /// one of them; otherwise they show the name and the id.
    pub id_is_name: bool,
}

/// The provider's rule for a new secret's name, as data: the UI checks as the user types, the
/// provider checks again before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NameRule {
    pub max_length: u32,
    /// The allowed characters as the body of a regular-expression character class
    /// (`A-Za-z0-9._-`), the same in Rust and JavaScript.
    pub allowed_characters: String,
    /// Names refused although their characters are allowed (`.`, `..`).
    pub reserved: Vec<String>,
    /// The help line under the field.
    pub help: String,
    pub reasons: NameReasons,
}

/// The sentences that explain a refused name. `{name}`, `{length}` and `{max}` are filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NameReasons {
    pub empty: String,
    pub reserved: String,
    /// Follows the list of refused characters: "… is not allowed: use letters A–Z, …".
    pub characters_allowed: String,
    pub too_long: String,
}

/// The provider-specific sentences of the list and the dialogs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ProviderWords {
    /// Under the empty list: what a secret is for.
    pub list_intro: String,
    /// The create dialog's first line.
    pub create_intro: String,
    /// Completes "“name” …" in the delete dialog.
    pub delete_consequence: String,
    /// The forget dialog's explanation.
    pub forget_consequence: String,
    /// What the one-shot value a rotate gives is called ("token", "webhook secret").
    pub value_noun: String,
    /// The rotate dialog's warning: what stops working at once.
    pub rotate_warning: String,
    /// What the dependents check looks for ("webhooks"), or `None` when the provider cannot say.
    pub dependents_noun: Option<String>,
}

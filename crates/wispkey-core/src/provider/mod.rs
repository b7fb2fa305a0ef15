//! Providers: the services whose webhook signing secrets Wispkey manages, behind one seam.
//!
//! A [`ProviderKind`] is one service (wisp.place, Slate, Phala Cloud): it describes itself
//! ([`ProviderDescriptor`]), signs accounts in and out, and opens a [`SecretProvider`] for one
//! signed-in account. Nothing in this crate names a provider; the app layer keeps a registry of
//! kinds chosen at run time. A secret is identified by a provider-owned id (wisp.place: the name;
//! Slate: the API token's id; Phala: the webhook id).

mod descriptor;

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::account::AccountView;
use crate::browser::BrowserOpener;
use crate::error::Result;
use crate::secret::SecretString;

pub use descriptor::{
    CredentialFields, NameReasons, NameRule, ProviderDescriptor, ProviderWords, SecondFactor,
    SecretIdentity, SignInMethod,
};

/// Providers are chosen at run time, so their methods return boxed futures.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the list shows for one secret. Never contains a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSummary {
    /// The provider's id for it: what rotate, delete and the keychain items use.
    pub id: String,
    /// What the user reads and types to confirm (wisp.place: the same as the id).
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_rotated_at: Option<DateTime<Utc>>,
    /// What else the provider knows about it, already worded for reading ("Status": "active").
    /// The window and the CLI show these as they come, in order, without interpreting them.
    pub facts: Vec<Fact>,
}

/// One labelled fact about a secret (never a token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fact {
    pub label: String,
    pub value: String,
}

impl Fact {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Fact {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// A token the server has just shown for the only time.
#[derive(Debug)]
pub struct IssuedToken {
    pub id: String,
    pub name: String,
    pub token: SecretString,
    /// `createdAt` for a create, `rotatedAt` for a rotate.
    pub issued_at: DateTime<Utc>,
    /// Other one-shot values the same answer carried (a provider whose rotate also issues a
    /// new API token): kept and shown beside `token`, never dropped.
    pub also: Vec<AlsoIssued>,
}

/// A second one-shot value of an answer. Stored under the secret id `{id}#{key}`.
#[derive(Debug)]
pub struct AlsoIssued {
    /// Stable and short ("api-token"): part of the keychain item's name.
    pub key: String,
    /// What the dialog calls it ("New API token").
    pub label: String,
    /// Why it is shown (a sentence).
    pub note: String,
    pub token: SecretString,
}

/// Something that stops working when a secret is rotated or deleted (a webhook using it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Dependent {
    pub url: String,
    pub enabled: bool,
}

/// A webhook that signs its deliveries with one of the account's secrets by naming it (wisp.place:
/// a `place.wisp.v2.wh` record whose `secretId` is a secret's name). Never holds a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    /// The provider's id for the webhook (wisp.place: the record's at:// URI).
    pub id: String,
    pub url: String,
    pub enabled: bool,
    /// The secret it names; `None` when it carries its own inline secret.
    pub secret_id: Option<String>,
}

/// One signed-in account's secrets at one service.
///
/// Create, rotate and delete are sent once: an unanswered request returns
/// `Error::OutcomeUnknown`, and nothing here or above retries it.
pub trait SecretProvider: Send + Sync {
    fn list(&self) -> BoxFuture<'_, Result<Vec<SecretSummary>>>;

    /// `name` is what the user typed; the provider checks it against its [`NameRule`].
    fn create<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<IssuedToken>>;

    /// The old token stops working the moment this succeeds. `second_factor`: the code the
    /// user typed after the server refused with `SecondFactorRequired` (a refusal changes
    /// nothing, so sending again with the code is the user's act, not a retry).
    fn rotate<'a>(
        &'a self,
        id: &'a str,
        second_factor: Option<&'a SecretString>,
    ) -> BoxFuture<'a, Result<IssuedToken>>;

    fn delete<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<()>>;

    /// What uses the secret (shown in rotate and delete confirmations). Empty when unknown.
    fn dependents<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Vec<Dependent>>>;

    /// Every webhook of the account that names a secret, read fresh (staged rotation). Only
    /// providers whose descriptor says [`ProviderDescriptor::staged_rotation`] implement it.
    fn webhooks(&self) -> BoxFuture<'_, Result<Vec<Webhook>>> {
        Box::pin(async move {
            Err(crate::error::Error::StagedRotationUnsupported {
                provider: String::new(),
            })
        })
    }

    /// Makes webhook `id` name secret `to` instead of `from`, touching nothing else in it, and
    /// only if it still names `from` (else `Error::WebhookChanged`). Already naming `to` is
    /// success (a write that landed before a crash).
    fn switch_webhook<'a>(
        &'a self,
        id: &'a str,
        from: &'a str,
        to: &'a str,
    ) -> BoxFuture<'a, Result<()>> {
        let _ = (id, from, to);
        Box::pin(async move {
            Err(crate::error::Error::StagedRotationUnsupported {
                provider: String::new(),
            })
        })
    }

    /// Where deliveries signed with this secret go, as far as the provider knows: the receiver
    /// test's suggested URLs (the user still confirms one). By default the dependents' URLs,
    /// enabled ones first; a provider that records a webhook URL elsewhere overrides this.
    /// Empty when it knows none (the user then types the URL).
    fn receiver_urls<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Vec<String>>> {
        Box::pin(async move {
            let mut dependents = self.dependents(id).await?;
            dependents.sort_by_key(|dependent| !dependent.enabled);
            let mut urls: Vec<String> = Vec::new();
            for dependent in dependents {
                if !urls.contains(&dependent.url) {
                    urls.push(dependent.url);
                }
            }
            Ok(urls)
        })
    }
}

/// What the user gave to add an account, by [`SignInMethod`].
#[derive(Debug, Clone)]
pub enum SignInRequest {
    OAuth {
        /// A handle or DID, as typed.
        identity: String,
        /// Ask for broad access instead of the narrow default.
        full_access: bool,
        /// Also ask to edit the account's webhook records (staged rotation's switch step).
        edit_webhooks: bool,
    },
    /// A key pasted by the user; the provider checks it (by listing) before keeping it.
    ApiKey { key: SecretString },
    /// A server the user names, and how to sign in there ([`SignInMethod::Credentials`]).
    Credentials { server: String, login: Login },
}

/// How a [`SignInRequest::Credentials`] signs in.
#[derive(Debug, Clone)]
pub enum Login {
    /// `code`: the second factor, when the server asked for one (never stored).
    Password {
        email: String,
        password: SecretString,
        code: Option<SecretString>,
    },
    /// A token the user made at the server and pasted instead of a password.
    Token { token: SecretString },
}

/// Everything a sign-in may need besides the request: how to show a page, how to stop.
pub struct SignInContext<'a> {
    pub browser: &'a dyn BrowserOpener,
    pub cancel: CancellationToken,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SignOutOutcome {
    /// False when the server could not be told (offline): local material is gone either way,
    /// and the server-side session expires on its own.
    pub revoked_at_server: bool,
}

/// One service Wispkey can manage secrets at. Its accounts' credentials live in the keychain,
/// written and named by the kind itself.
pub trait ProviderKind: Send + Sync {
    fn descriptor(&self) -> &ProviderDescriptor;

    /// The accounts signed in on this machine, from the keychain. No browser, no prompt.
    fn restore(&self) -> BoxFuture<'_, Result<Vec<AccountView>>>;

    fn sign_in<'a>(
        &'a self,
        request: SignInRequest,
        context: SignInContext<'a>,
    ) -> BoxFuture<'a, Result<AccountView>>;

    /// Ends the session at the server where it can, then deletes the local credentials.
    fn sign_out<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<SignOutOutcome>>;

    /// The account's secrets API. Fails with `SessionExpired` when it is not signed in here.
    fn open<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<Box<dyn SecretProvider>>>;

    /// The keychain item listing this provider's accounts, which [`ProviderKind::restore`]
    /// reads first; the app reads every provider's at once ahead of their restores.
    fn account_list_item(&self) -> Option<&str> {
        None
    }

    /// Whether this provider's accounts may still have token items in the format used before
    /// there were several providers (see `tokens::legacy`). Only the first provider does.
    fn had_legacy_token_items(&self) -> bool {
        false
    }
}

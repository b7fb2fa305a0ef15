//! wisp.place as a provider the app can choose at run time: accounts are AT Protocol OAuth
//! sessions on the user's own PDS (`wispkey_atproto::oauth`), and a signed-in account's secrets
//! are reached through the PDS proxy.

use std::time::Duration;

use wispkey_atproto::http::HttpClient;
use wispkey_atproto::oauth::{Account, OAuthManager, ScopeRequest, SignInOptions};
use wispkey_core::error::{Error, Result};
use wispkey_core::provider::{
    BoxFuture, ProviderDescriptor, ProviderKind, SecretProvider, SignInContext, SignInRequest,
    SignOutOutcome,
};
use wispkey_core::{AccountRef, AccountView};

use crate::WispProvider;
use crate::descriptor::{PROVIDER_ID, descriptor};

/// Reading the account's webhook records is a public read of a few records: a short deadline
/// keeps the confirmation dialogs responsive.
const RECORDS_TIMEOUT: Duration = Duration::from_secs(10);

pub struct WispKind {
    descriptor: ProviderDescriptor,
    oauth: OAuthManager,
    service_did: String,
    records_http: HttpClient,
}

impl WispKind {
    /// `service_did`: the wisp service (production: `did:web:wisp.place`).
    pub fn new(oauth: OAuthManager, service_did: impl Into<String>) -> Result<Self> {
        Ok(WispKind {
            descriptor: descriptor(),
            oauth,
            service_did: service_did.into(),
            records_http: HttpClient::new(RECORDS_TIMEOUT)?,
        })
    }

    pub fn oauth(&self) -> &OAuthManager {
        &self.oauth
    }
}

/// What the window and the CLI show of an AT Protocol account.
pub fn account_view(account: &Account) -> AccountView {
    AccountView {
        account: AccountRef::new(PROVIDER_ID, &account.did),
        provider_label: descriptor().label,
        label: account
            .handle
            .clone()
            .unwrap_or_else(|| account.did.clone()),
        detail: if account.handle.is_some() {
            account.did.clone()
        } else {
            account.pds.clone()
        },
        capabilities: account.capabilities.clone(),
        reauthorize_note: Some(format!(
            "Granted: {}. Re-authorizing asks your PDS for full access to this account \
             (atproto transition:generic), which includes managing wisp.place secrets.",
            if account.scope.is_empty() {
                "(nothing)"
            } else {
                &account.scope
            }
        )),
    }
}

impl ProviderKind for WispKind {
    fn descriptor(&self) -> &ProviderDescriptor {
        &self.descriptor
    }

    fn account_list_item(&self) -> Option<&str> {
        Some(wispkey_atproto::oauth::ACCOUNT_INDEX_ITEM)
    }

    fn restore(&self) -> BoxFuture<'_, Result<Vec<AccountView>>> {
        Box::pin(async move {
            let accounts = self.oauth.restore().await?;
            Ok(accounts.iter().map(account_view).collect())
        })
    }

    fn sign_in<'a>(
        &'a self,
        request: SignInRequest,
        context: SignInContext<'a>,
    ) -> BoxFuture<'a, Result<AccountView>> {
        Box::pin(async move {
            let SignInRequest::OAuth {
                identity,
                full_access,
                edit_webhooks,
            } = request
            else {
                return Err(Error::InvalidRequest {
                    message: "wisp.place accounts sign in through your PDS's own page".into(),
                });
            };
            let options = SignInOptions {
                cancel: context.cancel,
                scope: if full_access {
                    ScopeRequest::FullAccess
                } else if edit_webhooks {
                    ScopeRequest::GranularWithWebhooks
                } else {
                    ScopeRequest::Granular
                },
                ..SignInOptions::default()
            };
            let account = self
                .oauth
                .sign_in(&identity, context.browser, options)
                .await?;
            Ok(account_view(&account))
        })
    }

    fn sign_out<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<SignOutOutcome>> {
        Box::pin(async move {
            let outcome = self.oauth.sign_out(account_id).await?;
            Ok(SignOutOutcome {
                revoked_at_server: outcome.revoked_at_server,
            })
        })
    }

    fn open<'a>(&'a self, account_id: &'a str) -> BoxFuture<'a, Result<Box<dyn SecretProvider>>> {
        Box::pin(async move {
            let transport = self.oauth.transport(account_id).await?;
            let account =
                self.oauth
                    .account_of(account_id)
                    .await?
                    .ok_or_else(|| Error::SessionExpired {
                        detail: format!("{account_id} is not signed in on this device"),
                    })?;
            let provider = WispProvider::new(transport, self.service_did.clone())
                .with_webhook_records(self.records_http.clone(), account.pds.clone());
            Ok(Box::new(provider) as Box<dyn SecretProvider>)
        })
    }

    /// The first versions stored wisp.place tokens as `token:<did>:<name>`.
    fn had_legacy_token_items(&self) -> bool {
        true
    }
}

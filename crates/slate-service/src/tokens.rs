//! The API-token endpoints: list, create, rotate the webhook secret.

use hyper::StatusCode;
use serde::Serialize;
use serde_json::{Value, json};

use crate::auth::{self, Principal};
use crate::body::Fields;
use crate::faults::Operation;
use crate::request_log::Trace;
use crate::routes::Answer;
use crate::state::AppState;
use crate::store::{ApiToken, Status};
use crate::time::iso_from_millis;
use crate::{Error, ids};

/// A token as `GET /api-tokens` lists it (never its value or secret).
#[derive(Debug, Clone, Serialize)]
pub struct TokenView {
    id: u64,
    name: String,
    token_prefix: String,
    token_last4: String,
    scopes: Vec<String>,
    ip_allowlist: Option<Vec<String>>,
    rate_limit: Option<i64>,
    expires_at: Option<String>,
    status: &'static str,
    created_by: String,
    created_at: String,
    last_used_at: Option<String>,
    webhook_url: Option<String>,
    webhook_enabled: bool,
}

impl TokenView {
    /// The view of `token` at `now_ms` (its status may read `expired`).
    pub fn of(token: &ApiToken, now_ms: u64) -> Self {
        Self {
            id: token.id,
            name: token.name.clone(),
            token_prefix: ids::token_prefix(&token.value),
            token_last4: ids::token_last4(&token.value),
            scopes: token.scopes.clone(),
            ip_allowlist: token.ip_allowlist.clone(),
            rate_limit: token.rate_limit,
            expires_at: token.expires_ms.map(iso_from_millis),
            status: token.status_at(now_ms).as_str(),
            created_by: token.created_by.clone(),
            created_at: iso_from_millis(token.created_ms),
            last_used_at: token.last_used_ms.map(iso_from_millis),
            webhook_url: token.webhook_url.clone(),
            webhook_enabled: token.webhook_enabled,
        }
    }
}

/// `TokenWithSecretResponse`: the view plus `token` and `webhook_secret`,
/// "returned only on creation and rotation".
#[derive(Debug, Clone, Serialize)]
pub struct TokenWithSecret {
    #[serde(flatten)]
    view: TokenView,
    token: String,
    webhook_secret: Option<String>,
}

impl TokenWithSecret {
    /// The answer for `token` as it is now.
    pub fn of(token: &ApiToken, now_ms: u64) -> Self {
        Self {
            view: TokenView::of(token, now_ms),
            token: token.value.clone(),
            webhook_secret: token.webhook_secret.clone(),
        }
    }
}

/// `GET /api-tokens`: the caller's tokens, oldest first, as a plain array.
pub async fn list(state: &AppState, who: &Principal) -> Result<Answer, Error> {
    let store = state.store.lock().await;
    let now_ms = crate::time::now_millis();
    let views: Vec<TokenView> = store
        .data()
        .tokens
        .iter()
        .filter(|t| t.owner_id == who.user_id)
        .map(|t| TokenView::of(t, now_ms))
        .collect();
    Ok(Answer::new(StatusCode::OK, json!(views)))
}

/// What `POST /api-tokens` (and test control's seeding) takes.
#[derive(Debug, Clone, Default)]
pub struct NewToken {
    /// Display name (not unique).
    pub name: String,
    /// Scope names.
    pub scopes: Vec<String>,
    /// Unix milliseconds.
    pub expires_ms: Option<u64>,
    /// Receiver URL; a webhook secret is made when set.
    pub webhook_url: Option<String>,
    /// Whether deliveries are sent (default false, as the schema says).
    pub webhook_enabled: bool,
    /// Shown, not enforced.
    pub ip_allowlist: Option<Vec<String>>,
    /// Shown, not enforced.
    pub rate_limit: Option<i64>,
}

impl NewToken {
    /// Reads the create body; 422 with every problem at once.
    pub fn from_body(body: &Option<Value>) -> Result<Self, Error> {
        let mut fields = Fields::new(body);
        let name = fields.string("name");
        let scopes = fields.optional_string_list("scopes");
        let expires_ms = fields.optional_datetime_ms("expires_at");
        let webhook_url = fields.optional_string("webhook_url");
        let webhook_enabled = fields.optional_bool("webhook_enabled");
        let ip_allowlist = fields.optional_string_list("ip_allowlist");
        let rate_limit = fields.optional_int("rate_limit");
        fields.finish()?;
        Ok(Self {
            name: name.unwrap_or_default(),
            scopes: scopes.flatten().unwrap_or_default(),
            expires_ms: expires_ms.flatten(),
            webhook_url,
            webhook_enabled: webhook_enabled.flatten().unwrap_or(false),
            ip_allowlist: ip_allowlist.flatten(),
            rate_limit: rate_limit.flatten(),
        })
    }

    /// The stored token: a fresh value, a webhook secret when a URL is set.
    pub fn build(
        self,
        id: u64,
        owner: &Principal,
        status: Status,
        now_ms: u64,
    ) -> Result<ApiToken, Error> {
        let webhook_secret = match self.webhook_url {
            Some(_) => Some(ids::webhook_secret()?),
            None => None,
        };
        Ok(ApiToken {
            id,
            owner_id: owner.user_id,
            name: self.name,
            value: ids::api_token()?,
            scopes: self.scopes,
            ip_allowlist: self.ip_allowlist,
            rate_limit: self.rate_limit,
            expires_ms: self.expires_ms,
            status,
            created_by: owner.email.clone(),
            created_ms: now_ms,
            last_used_ms: None,
            webhook_url: self.webhook_url,
            webhook_enabled: self.webhook_enabled,
            webhook_secret,
        })
    }
}

/// `POST /api-tokens`: 201 `TokenWithSecretResponse`.
pub async fn create(
    state: &AppState,
    who: &Principal,
    new: NewToken,
    trace: &mut Trace,
) -> Result<Answer, Error> {
    let mut store = state.store.lock().await;
    let now_ms = crate::time::now_millis();
    let mut next = store.data().clone();
    let id = next.take_token_id();
    let token = new.build(id, who, Status::Active, now_ms)?;
    next.tokens.push(token.clone());
    auth::commit(state, &mut store, next, Operation::Create, trace).await?;
    Ok(Answer::committed(
        StatusCode::CREATED,
        json!(TokenWithSecret::of(&token, now_ms)),
    ))
}

/// `POST /api-tokens/{token_id}/webhook/rotate-secret`: a new webhook secret
/// (the old one stops signing at once); `token` is the current API token
/// value, or a new one when the `reissueTokenOnRotate` setting is on.
pub async fn rotate(
    state: &AppState,
    who: &Principal,
    token_id: i64,
    trace: &mut Trace,
) -> Result<Answer, Error> {
    let mut store = state.store.lock().await;
    let now_ms = crate::time::now_millis();
    let id = u64::try_from(token_id).map_err(|_| Error::TokenNotFound)?;
    // Another account's token is "not found" too: ids are not secret, but
    // existence across accounts is not for others to learn.
    if store
        .data()
        .token(id)
        .is_none_or(|t| t.owner_id != who.user_id)
    {
        return Err(Error::TokenNotFound);
    }
    let reissue = state.switches.settings().reissue_token_on_rotate;
    let mut next = store.data().clone();
    let token = next.token_mut(id).ok_or(Error::TokenNotFound)?;
    token.webhook_secret = Some(ids::webhook_secret()?);
    if reissue {
        token.value = ids::api_token()?;
    }
    let rotated = token.clone();
    auth::commit(state, &mut store, next, Operation::Rotate, trace).await?;
    Ok(Answer::committed(
        StatusCode::OK,
        json!(TokenWithSecret::of(&rotated, now_ms)),
    ))
}

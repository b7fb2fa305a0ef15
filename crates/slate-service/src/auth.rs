//! Staff sign-in (`POST /api/admin/users/login`), single-use refresh tokens
//! (`POST /auth/refresh`) and the bearer check of the API-token endpoints.

use hyper::{HeaderMap, StatusCode, header};
use serde_json::{Value, json};

use crate::Error;
use crate::body::Fields;
use crate::faults::{Operation, Settings};
use crate::ids::{self, API_TOKEN_PREFIX};
use crate::request_log::{RefreshTrace, Trace};
use crate::routes::Answer;
use crate::state::AppState;
use crate::store::{AccessGrant, Data, RefreshGrant, Session, Status, Store};
use crate::time;
use crate::totp::Authenticator;

/// Who is calling an API-token endpoint.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The staff user (the owner of the API token used as bearer).
    pub user_id: u64,
    /// Their email (`created_by` of what they create).
    pub email: String,
}

/// The body of a successful sign-in or refresh.
fn token_pair(access: &str, refresh: &str, settings: &Settings) -> Value {
    json!({
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "bearer",
        "expires_in": settings.access_token_ttl_secs,
    })
}

/// Adds a fresh access + refresh pair to session `session_id` in `data`.
fn issue_pair(
    data: &mut Data,
    session_id: u64,
    settings: &Settings,
    now_ms: u64,
) -> Result<Value, Error> {
    let access = ids::session_token()?;
    let refresh = ids::session_token()?;
    let session = data
        .session_mut(session_id)
        .ok_or(Error::InvalidRefreshToken)?;
    session.access.push(AccessGrant {
        hash: ids::sha256_hex(access.as_bytes()),
        expires_ms: now_ms + settings.access_token_ttl_secs * 1000,
    });
    session.refresh.push(RefreshGrant {
        hash: ids::sha256_hex(refresh.as_bytes()),
        expires_ms: now_ms + settings.refresh_token_ttl_secs * 1000,
        used_ms: None,
    });
    Ok(token_pair(&access, &refresh, settings))
}

/// `POST /api/admin/users/login {email, password, totp_code?}`.
///
/// 200 a token pair; 202 `{"detail":"TOTP_REQUIRED"}` for a TOTP account
/// without a code; 401 for a wrong password, unknown email or wrong code.
pub async fn login(
    state: &AppState,
    body: &Option<Value>,
    trace: &mut Trace,
) -> Result<Answer, Error> {
    let mut fields = Fields::new(body);
    let email = fields.string("email");
    let password = fields.string("password");
    let code = fields.optional_string("totp_code");
    fields.finish()?;
    let (Some(email), Some(password)) = (email, password) else {
        return Err(Error::IncorrectLogin); // unreachable: finish() reported them
    };
    // An empty code is no code (a form field left blank).
    let code = code.filter(|c| !c.trim().is_empty());
    trace.email = Some(email.clone());
    trace.totp_code_sent = Some(code.is_some());

    let mut store = state.store.lock().await;
    let user = store
        .data()
        .user_by_email(&email)
        .filter(|u| ids::constant_time_eq(u.password.as_bytes(), password.as_bytes()))
        .ok_or(Error::IncorrectLogin)?
        .clone();
    let now_ms = time::now_millis();
    let mut next = store.data().clone();
    if let Some(seed) = &user.totp_seed {
        let Some(code) = code else {
            return Ok(Answer::new(
                StatusCode::ACCEPTED,
                json!({ "detail": "TOTP_REQUIRED" }),
            ));
        };
        let step = Authenticator::from_base32(seed)?
            .matching_step(code.trim(), now_ms / 1000)
            .ok_or(Error::InvalidTotp)?;
        if user.used_totp_steps.contains(&step) {
            return Err(Error::InvalidTotp); // RFC 6238 §5.2: a code works once
        }
        if let Some(u) = next.users.iter_mut().find(|u| u.id == user.id) {
            // Steps more than two away can never be inside a ±1 window again.
            u.used_totp_steps
                .retain(|&s| s + 2 >= step && s <= step + 2);
            u.used_totp_steps.push(step);
        }
    }
    let settings = state.switches.settings();
    let session_id = next.take_session_id();
    next.sessions.push(Session {
        id: session_id,
        user_id: user.id,
        created_ms: now_ms,
        revoked_ms: None,
        access: Vec::new(),
        refresh: Vec::new(),
    });
    let pair = issue_pair(&mut next, session_id, &settings, now_ms)?;
    commit(state, &mut store, next, Operation::Login, trace).await?;
    trace.session_id = Some(session_id);
    Ok(Answer::committed(StatusCode::OK, pair))
}

/// `POST /auth/refresh {refresh_token}`: a new pair for a refresh token never
/// used before. A used one is theft: the whole family is revoked.
pub async fn refresh(
    state: &AppState,
    body: &Option<Value>,
    trace: &mut Trace,
) -> Result<Answer, Error> {
    let mut fields = Fields::new(body);
    let presented = fields.string("refresh_token");
    fields.finish()?;
    let presented = presented.unwrap_or_default();
    let hash = ids::sha256_hex(presented.as_bytes());
    let mut refresh_trace = RefreshTrace {
        token_fingerprint: ids::fingerprint(&presented),
        session_id: None,
        reuse: false,
    };

    let mut store = state.store.lock().await;
    let now_ms = time::now_millis();
    let found = store
        .data()
        .session_by_refresh(&hash)
        .map(|(s, g)| (s.id, s.revoked_ms, g.used_ms, g.expires_ms));
    let Some((session_id, revoked_ms, used_ms, expires_ms)) = found else {
        trace.refresh = Some(refresh_trace);
        return Err(Error::InvalidRefreshToken);
    };
    refresh_trace.session_id = Some(session_id);
    trace.session_id = Some(session_id);

    if used_ms.is_some() {
        refresh_trace.reuse = true;
        trace.refresh = Some(refresh_trace);
        let mut next = store.data().clone();
        if let Some(session) = next.session_mut(session_id) {
            session.revoked_ms.get_or_insert(now_ms);
            // Every access token of the family dies with it.
            session.access.clear();
        }
        commit(state, &mut store, next, Operation::Refresh, trace).await?;
        return Err(Error::RefreshTokenReuse);
    }
    trace.refresh = Some(refresh_trace);
    if revoked_ms.is_some() || expires_ms <= now_ms {
        return Err(Error::InvalidRefreshToken);
    }

    let mut next = store.data().clone();
    if let Some(grant) = next
        .session_mut(session_id)
        .and_then(|s| s.refresh.iter_mut().find(|g| g.hash == hash))
    {
        grant.used_ms = Some(now_ms);
    }
    let pair = issue_pair(&mut next, session_id, &state.switches.settings(), now_ms)?;
    commit(state, &mut store, next, Operation::Refresh, trace).await?;
    Ok(Answer::committed(StatusCode::OK, pair))
}

/// Commits an API write, honouring the storage-failure fault.
pub async fn commit(
    state: &AppState,
    store: &mut Store,
    next: Data,
    op: Operation,
    trace: &mut Trace,
) -> Result<(), Error> {
    let inject = state.switches.take_storage_failure(op);
    if inject {
        trace.fault = Some("storageFailure");
    }
    store.commit(next, inject).await
}

/// The bearer of an API-token endpoint: a staff access token, or an API
/// token value (`slt_...`) used directly.
pub async fn authenticate(
    store: &mut Store,
    headers: &HeaderMap,
    trace: &mut Trace,
) -> Result<Principal, Error> {
    let credentials = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, credentials)| credentials.trim())
        .filter(|c| !c.is_empty())
        .ok_or(Error::NotAuthenticated)?
        .to_owned();
    let now_ms = time::now_millis();

    if credentials.starts_with(API_TOKEN_PREFIX) {
        let token = store
            .data()
            .token_by_value(&credentials)
            .ok_or(Error::InvalidCredentials)?
            .clone();
        trace.auth = Some("apiToken");
        trace.api_token_id = Some(token.id);
        let status = token.status_at(now_ms);
        if status != Status::Active {
            return Err(Error::ApiTokenInactive(status.as_str()));
        }
        let user = store
            .data()
            .user(token.owner_id)
            .ok_or(Error::InvalidCredentials)?
            .clone();
        let mut next = store.data().clone();
        if let Some(t) = next.token_mut(token.id) {
            t.last_used_ms = Some(now_ms);
        }
        // Bookkeeping only: a failed write must not fail the caller's request.
        if let Err(e) = store.commit(next, false).await {
            eprintln!("slate-service: could not record last_used_at: {e}");
        }
        return Ok(Principal {
            user_id: user.id,
            email: user.email,
        });
    }

    let hash = ids::sha256_hex(credentials.as_bytes());
    let (session, grant) = store
        .data()
        .session_by_access(&hash)
        .ok_or(Error::InvalidCredentials)?;
    if session.revoked_ms.is_some() || grant.expires_ms <= now_ms {
        return Err(Error::InvalidCredentials);
    }
    trace.auth = Some("session");
    trace.session_id = Some(session.id);
    let user = store
        .data()
        .user(session.user_id)
        .ok_or(Error::InvalidCredentials)?;
    Ok(Principal {
        user_id: user.id,
        email: user.email.clone(),
    })
}

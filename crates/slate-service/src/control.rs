//! `/_test/` endpoints (only with `--enable-test-control`, loopback peers
//! only): users and their codes, seeded tokens, signed test deliveries,
//! faults, settings and the request log. See the README's table.

use std::time::Duration;

use hyper::body::Incoming;
use hyper::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::auth::Principal;
use crate::body;
use crate::state::AppState;
use crate::store::Status;
use crate::tokens::{NewToken, TokenView, TokenWithSecret};
use crate::totp::{self, Authenticator};
use crate::{Error, http, ids, signing, time};

/// How long a delivery to a test's receiver may take.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// Answers one `/_test/...` request.
pub async fn handle(
    state: &AppState,
    path: &str,
    method: &Method,
    body: Incoming,
) -> Result<(StatusCode, Value), Error> {
    let segments: Vec<&str> = path.trim_start_matches("/_test/").split('/').collect();
    let ok = |value| Ok((StatusCode::OK, value));
    match (method.clone(), segments.as_slice()) {
        (Method::GET, ["log"]) => ok(json!(state.log.entries())),
        (Method::DELETE, ["log"]) => {
            state.log.clear();
            ok(json!({}))
        }
        (Method::GET, ["faults"]) => ok(json!({ "armed": state.switches.armed_json() })),
        (Method::POST, ["faults"]) => ok(state.switches.arm(&read_object(body).await?)?),
        (Method::GET, ["settings"]) => ok(json!(state.switches.settings())),
        (Method::POST, ["settings"]) => {
            ok(state.switches.update_settings(&read_object(body).await?)?)
        }
        (Method::POST, ["users"]) => Ok((
            StatusCode::CREATED,
            create_user(state, &read_object(body).await?).await?,
        )),
        (Method::GET, ["users", id, "totp"]) => ok(current_code(state, parse_id(id)?).await?),
        (Method::POST, ["users", id, "tokens"]) => {
            let id = parse_id(id)?;
            let bytes = http::read_body(body).await?;
            Ok((
                StatusCode::CREATED,
                add_token(state, id, &body::parse_json(&bytes)?).await?,
            ))
        }
        (Method::POST, ["sessions", "expire-access"]) => {
            let input = read_object(body).await?;
            ok(end_sessions(state, &input, SessionEnd::ExpireAccess).await?)
        }
        (Method::POST, ["sessions", "revoke"]) => {
            let input = read_object(body).await?;
            ok(end_sessions(state, &input, SessionEnd::Revoke).await?)
        }
        (Method::POST, ["tokens", id, "status"]) => {
            let input = read_object(body).await?;
            ok(set_status(state, parse_id(id)?, &input).await?)
        }
        (Method::POST, ["tokens", id, "deliver"]) => {
            let input = read_object(body).await?;
            ok(deliver(state, parse_id(id)?, &input).await?)
        }
        (_, ["log"]) => Err(Error::MethodNotAllowed("GET, DELETE")),
        (_, ["faults"] | ["settings"]) => Err(Error::MethodNotAllowed("GET, POST")),
        (_, ["users", _, "totp"]) => Err(Error::MethodNotAllowed("GET")),
        (_, ["users"] | ["users", _, "tokens"] | ["tokens", _, "status" | "deliver"])
        | (_, ["sessions", "expire-access" | "revoke"]) => Err(Error::MethodNotAllowed("POST")),
        _ => Err(Error::RouteNotFound),
    }
}

fn parse_id(text: &str) -> Result<u64, Error> {
    text.parse()
        .map_err(|_| Error::invalid(format!("not an id: {text}")))
}

async fn read_object(body: Incoming) -> Result<Map<String, Value>, Error> {
    let bytes = http::read_body(body).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    serde_json::from_slice(&bytes)
        .map_err(|_| Error::invalid("invalid request body (expected a JSON object)"))
}

fn optional_string<'a>(input: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, Error> {
    match input.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::invalid(format!("\"{key}\" must be a string"))),
    }
}

/// `POST /_test/users {email?, password?, totp?}` → `{userId, email, password, totpSecret}`.
async fn create_user(state: &AppState, input: &Map<String, Value>) -> Result<Value, Error> {
    let with_totp = match input.get("totp") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Error::invalid("\"totp\" must be a boolean")),
    };
    let password = match optional_string(input, "password")? {
        Some(p) => p.to_owned(),
        None => ids::password()?,
    };
    let mut store = state.store.lock().await;
    let mut next = store.data().clone();
    let email = match optional_string(input, "email")? {
        Some(e) => e.to_owned(),
        None => format!("staff-{}@slate.test", next.next_user_id.max(1)),
    };
    let user = next.add_user(&email, &password, with_totp, time::now_millis())?;
    store.commit(next, false).await?;
    Ok(user_json(&user))
}

/// The sign-in details of a user, as test control and the demo hand them out.
pub fn user_json(user: &crate::store::User) -> Value {
    json!({
        "userId": user.id,
        "email": user.email,
        "password": user.password,
        "totpSecret": user.totp_seed,
    })
}

/// `GET /_test/users/{id}/totp`: a code valid now that no sign-in used yet
/// (the current step's, else the next's, else the previous's).
async fn current_code(state: &AppState, user_id: u64) -> Result<Value, Error> {
    let store = state.store.lock().await;
    let user = store.data().user(user_id).ok_or(Error::UserNotFound)?;
    let seed = user
        .totp_seed
        .as_deref()
        .ok_or_else(|| Error::invalid("this user has no TOTP second factor"))?;
    let auth = Authenticator::from_base32(seed)?;
    let now = time::now_secs();
    let current = totp::step_at(now);
    let step = [current, current + 1, current.saturating_sub(1)]
        .into_iter()
        .find(|s| !user.used_totp_steps.contains(s))
        .ok_or_else(|| {
            Error::invalid("every code valid now has been used; wait for the next 30-second step")
        })?;
    Ok(json!({
        "code": auth.code_for_step(step),
        "step": step,
        "secondsLeftInStep": totp::STEP_SECS - now % totp::STEP_SECS,
    }))
}

/// `POST /_test/users/{id}/tokens {name, status?, ...create fields}`: a token
/// seeded directly (any status) → the create answer.
async fn add_token(state: &AppState, user_id: u64, json: &Option<Value>) -> Result<Value, Error> {
    let status = match json.as_ref().and_then(|j| j.get("status")) {
        None | Some(Value::Null) => Status::Active,
        Some(v) => v.as_str().and_then(Status::parse).ok_or_else(|| {
            Error::invalid("\"status\" must be active, disabled, revoked or expired")
        })?,
    };
    let last_used_ms = match json.as_ref().and_then(|j| j.get("last_used_at")) {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_str()
                .and_then(body::parse_datetime_ms)
                .ok_or_else(|| Error::invalid("\"last_used_at\" must be a datetime"))?,
        ),
    };
    let new = NewToken::from_body(json)?;
    let mut store = state.store.lock().await;
    let user = store.data().user(user_id).ok_or(Error::UserNotFound)?;
    let owner = Principal {
        user_id,
        email: user.email.clone(),
    };
    let now_ms = time::now_millis();
    let mut next = store.data().clone();
    let id = next.take_token_id();
    let mut token = new.build(id, &owner, status, now_ms)?;
    token.last_used_ms = last_used_ms;
    next.tokens.push(token.clone());
    store.commit(next, false).await?;
    Ok(json!(TokenWithSecret::of(&token, now_ms)))
}

/// What [`end_sessions`] does.
#[derive(Clone, Copy)]
enum SessionEnd {
    /// Every live access token expires now; refresh tokens keep working.
    ExpireAccess,
    /// Sessions are revoked (as after a reuse, but not logged as one).
    Revoke,
}

/// `POST /_test/sessions/expire-access|revoke {userId?}`: acts on every
/// session, or on one user's; answers how many sessions it touched.
async fn end_sessions(
    state: &AppState,
    input: &Map<String, Value>,
    how: SessionEnd,
) -> Result<Value, Error> {
    let user_id = match input.get("userId") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .ok_or_else(|| Error::invalid("\"userId\" must be an integer"))?,
        ),
    };
    let mut store = state.store.lock().await;
    if user_id.is_some_and(|id| store.data().user(id).is_none()) {
        return Err(Error::UserNotFound);
    }
    let now_ms = time::now_millis();
    let mut next = store.data().clone();
    let mut touched = 0;
    for session in next
        .sessions
        .iter_mut()
        .filter(|s| user_id.is_none_or(|id| s.user_id == id) && s.revoked_ms.is_none())
    {
        touched += 1;
        match how {
            // Expired grants are pruned on commit: "expired" and "gone" answer alike.
            SessionEnd::ExpireAccess => session.access.clear(),
            SessionEnd::Revoke => {
                session.revoked_ms = Some(now_ms);
                session.access.clear();
            }
        }
    }
    store.commit(next, false).await?;
    Ok(json!({ "sessions": touched }))
}

/// `POST /_test/tokens/{id}/status {status}` → the token as listed.
async fn set_status(state: &AppState, id: u64, input: &Map<String, Value>) -> Result<Value, Error> {
    let status = optional_string(input, "status")?
        .and_then(Status::parse)
        .ok_or_else(|| Error::invalid("\"status\" must be active, disabled, revoked or expired"))?;
    let mut store = state.store.lock().await;
    let mut next = store.data().clone();
    let token = next.token_mut(id).ok_or(Error::TokenNotFound)?;
    token.status = status;
    let view = TokenView::of(token, time::now_millis());
    store.commit(next, false).await?;
    Ok(json!(view))
}

/// `POST /_test/tokens/{id}/deliver {body?, url?, timestamp?, msgId?}`: a
/// delivery signed with the token's **current** webhook secret (see
/// [`crate::signing`]); sent to `url` when given.
async fn deliver(state: &AppState, id: u64, input: &Map<String, Value>) -> Result<Value, Error> {
    let payload = match input.get("body") {
        None | Some(Value::Null) => {
            json!({"type": "webhook.test", "data": {"token_id": id}}).to_string()
        }
        Some(Value::String(s)) => s.clone(),
        // A JSON value is sent as its compact text.
        Some(other) => other.to_string(),
    };
    let timestamp = match input.get("timestamp") {
        None | Some(Value::Null) => time::now_secs(),
        Some(t) => t
            .as_u64()
            .ok_or_else(|| Error::invalid("\"timestamp\" must be Unix seconds"))?,
    };
    let msg_id = match optional_string(input, "msgId")? {
        Some(m) => m.to_owned(),
        None => ids::message_id()?,
    };
    let url = optional_string(input, "url")?.map(str::to_owned);
    let secret = {
        let store = state.store.lock().await;
        let token = store.data().token(id).ok_or(Error::TokenNotFound)?;
        token
            .webhook_secret
            .clone()
            .ok_or_else(|| Error::Conflict(format!("API token {id} has no webhook secret")))?
    };
    let signature = signing::sign(&secret, &msg_id, timestamp, payload.as_bytes())?;
    let mut answer = json!({
        "headers": {
            (signing::ID_HEADER): msg_id,
            (signing::TIMESTAMP_HEADER): timestamp.to_string(),
            (signing::SIGNATURE_HEADER): signature,
            "content-type": "application/json",
        },
        "body": payload,
    });
    if let Some(url) = url {
        let status = send(&url, &answer).await?;
        answer["sentTo"] = json!(url);
        answer["receiverStatus"] = json!(status);
    }
    Ok(answer)
}

/// POSTs a signed delivery to a test's receiver; its HTTP status.
async fn send(url: &str, delivery: &Value) -> Result<u16, Error> {
    let client = reqwest::Client::builder()
        .timeout(DELIVERY_TIMEOUT)
        .build()
        .map_err(|e| Error::DeliveryFailed(e.to_string()))?;
    let mut request = client.post(url);
    if let Some(headers) = delivery["headers"].as_object() {
        for (name, value) in headers {
            if let Some(value) = value.as_str() {
                request = request.header(name.as_str(), value);
            }
        }
    }
    let body = delivery["body"].as_str().unwrap_or_default().to_owned();
    let response = request
        .body(body)
        .send()
        .await
        .map_err(|e| Error::DeliveryFailed(e.without_url().to_string()))?;
    Ok(response.status().as_u16())
}

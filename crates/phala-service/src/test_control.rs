//! `/_test/` endpoints (only with `--enable-test-control`, loopback peers
//! only): workspaces and webhooks, the current TOTP code, signed test
//! deliveries, one-shot faults and the request log.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use hyper::body::Incoming;
use hyper::{Method, StatusCode};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::state::AppState;
use crate::store::Delivery;
use crate::{Error, http, ids, signing, time, totp};

/// Faults armed by tests; each is consumed by the request it hits.
#[derive(Debug, Default)]
pub struct Faults {
    armed: Mutex<Armed>,
}

#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Armed {
    /// The next committed rotation closes the connection unanswered.
    drop_connection_after_commit: bool,
    /// The next committed rotation answers `{}` (no secret field).
    rotate_without_secret: bool,
    /// Hold the responses of the next `delay_count` API requests this long.
    delay_ms: u64,
    delay_count: u32,
    /// Answer the next `fail_count` API requests with this status, unprocessed.
    fail_status: Option<u16>,
    fail_count: u32,
}

impl Faults {
    fn armed(&self) -> MutexGuard<'_, Armed> {
        self.armed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Consumes one injected failure, if armed.
    pub fn take_fail(&self) -> Option<u16> {
        let mut armed = self.armed();
        let status = armed.fail_status.filter(|_| armed.fail_count > 0)?;
        armed.fail_count -= 1;
        if armed.fail_count == 0 {
            armed.fail_status = None;
        }
        Some(status)
    }

    /// Consumes one delay, if armed.
    pub fn take_delay(&self) -> Option<Duration> {
        let mut armed = self.armed();
        if armed.delay_count == 0 {
            return None;
        }
        armed.delay_count -= 1;
        Some(Duration::from_millis(armed.delay_ms))
    }

    /// Consumes the drop-after-commit fault, if armed.
    pub fn take_drop(&self) -> bool {
        std::mem::take(&mut self.armed().drop_connection_after_commit)
    }

    /// Consumes the no-secret fault, if armed.
    pub fn take_rotate_without_secret(&self) -> bool {
        std::mem::take(&mut self.armed().rotate_without_secret)
    }
}

/// One API request as the log shows it. The 2FA code itself is never kept.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Status answered; `null` when the connection was dropped on purpose.
    pub status: Option<u16>,
    /// Whether an `X-2FA-Code` header was sent.
    pub two_factor_code_sent: bool,
}

/// Every API request since start (or the last clear).
#[derive(Debug, Default)]
pub struct RequestLog(Mutex<Vec<LogEntry>>);

impl RequestLog {
    /// Appends one entry.
    pub fn push(&self, entry: LogEntry) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(entry);
    }

    fn entries(&self) -> Vec<LogEntry> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

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
        (Method::GET, ["totp", workspace_id]) => ok(current_code(state, workspace_id).await?),
        (Method::POST, ["workspaces"]) => {
            let input = read_object(body).await?;
            let name = optional_string(&input, "name")?.unwrap_or("workspace");
            let ws = state.store.lock().await.create_workspace(name).await?;
            Ok((
                StatusCode::CREATED,
                json!({ "apiKey": ws.api_key, "totpSecret": ws.totp_secret, "workspaceId": ws.id }),
            ))
        }
        (Method::POST, ["workspaces", workspace_id, "webhooks"]) => {
            let input = read_object(body).await?;
            Ok((
                StatusCode::CREATED,
                add_webhook(state, workspace_id, &input).await?,
            ))
        }
        (Method::POST, ["webhooks", webhook_id, "deliver"]) => {
            let input = read_object(body).await?;
            ok(deliver(state, webhook_id, &input).await?)
        }
        (Method::POST, ["faults"]) => {
            let input = read_object(body).await?;
            ok(arm_faults(state, &input)?)
        }
        (_, ["log"] | ["totp", _] | ["workspaces"] | ["faults"])
        | (_, ["workspaces", _, "webhooks"] | ["webhooks", _, "deliver"]) => Err(
            Error::MethodNotAllowed(if matches!(segments.as_slice(), ["log"] | ["totp", _]) {
                "GET"
            } else {
                "POST"
            }),
        ),
        _ => Err(Error::RouteNotFound),
    }
}

async fn read_object(body: Incoming) -> Result<Map<String, Value>, Error> {
    let bytes = http::read_body(body).await?;
    if bytes.is_empty() {
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

fn string<'a>(input: &'a Map<String, Value>, key: &str) -> Result<&'a str, Error> {
    optional_string(input, key)?.ok_or_else(|| Error::invalid(format!("\"{key}\" is required")))
}

async fn add_webhook(
    state: &AppState,
    workspace_id: &str,
    input: &Map<String, Value>,
) -> Result<Value, Error> {
    let url = string(input, "url")?;
    let events = match input.get("events") {
        None | Some(Value::Null) => vec!["cvm.created".to_owned()],
        Some(Value::Array(list)) => list
            .iter()
            .map(|e| e.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| Error::invalid("\"events\" must be a list of strings"))?,
        Some(_) => return Err(Error::invalid("\"events\" must be a list of strings")),
    };
    let enabled = match input.get("enabled") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Error::invalid("\"enabled\" must be a boolean")),
    };
    // Tests of age reminders add webhooks created long ago.
    let created_at =
        optional_string(input, "created_at")?.map_or_else(time::now_iso, str::to_owned);
    let hook = state
        .store
        .lock()
        .await
        .add_webhook(workspace_id, url, events, enabled, created_at)
        .await?;
    Ok(json!({
        "id": hook.id,
        "url": hook.url,
        "events": hook.events,
        "enabled": hook.enabled,
        "created_at": hook.created_at,
        "secret_rotated_at": hook.secret_rotated_at,
        "secret": hook.secret,
    }))
}

/// A code valid now that no rotation has used yet: the current step's, else
/// the next step's, else the previous step's (all three are accepted).
async fn current_code(state: &AppState, workspace_id: &str) -> Result<Value, Error> {
    let store = state.store.lock().await;
    let workspace = store
        .workspace(workspace_id)
        .ok_or(Error::WorkspaceNotFound)?;
    let key = totp::decode_secret(&workspace.totp_secret)
        .ok_or(Error::Crypto("stored TOTP secret is not base32"))?;
    let now = time::now_secs();
    let current = totp::step_at(now);
    let step = [current, current + 1, current.saturating_sub(1)]
        .into_iter()
        .find(|s| !workspace.used_totp_steps.contains(s))
        .ok_or_else(|| {
            Error::invalid("every code valid now has been used; wait for the next 30-second step")
        })?;
    Ok(json!({
        "code": totp::code_for_step(&key, step),
        "step": step,
        "secondsLeftInStep": totp::STEP_SECS - now % totp::STEP_SECS,
    }))
}

/// What Phala would send for a delivery of `body` now, signed with the
/// webhook's current secret; recorded in its deliveries.
async fn deliver(
    state: &AppState,
    webhook_id: &str,
    input: &Map<String, Value>,
) -> Result<Value, Error> {
    let body = match input.get("body") {
        None | Some(Value::Null) => r#"{"event":"webhook.test"}"#.to_owned(),
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
    let mut store = state.store.lock().await;
    let webhook = store
        .any_webhook(webhook_id)
        .ok_or(Error::WebhookNotFound)?;
    let event = match optional_string(input, "event")? {
        Some(e) => e.to_owned(),
        None => webhook
            .events
            .first()
            .cloned()
            .unwrap_or_else(|| "webhook.test".to_owned()),
    };
    let signature = signing::sign(&webhook.secret, timestamp, body.as_bytes());
    let delivery = Delivery {
        id: ids::event_id()?,
        event: event.clone(),
        status: "success".to_owned(),
        created_at: time::now_iso(),
    };
    let id = delivery.id.clone();
    store.record_delivery(webhook_id, delivery).await?;
    Ok(json!({
        "headers": {
            "X-Webhook-Id": id,
            "X-Webhook-Event": event,
            "X-Webhook-Timestamp": timestamp.to_string(),
            "X-Webhook-Signature": signature,
        },
        "body": body,
    }))
}

fn arm_faults(state: &AppState, input: &Map<String, Value>) -> Result<Value, Error> {
    let mut armed = state.faults.armed();
    let mut recognised = false;
    let flag = |key: &str| -> Result<Option<bool>, Error> {
        match input.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Error::invalid(format!("\"{key}\" must be a boolean"))),
        }
    };
    let count = |key: &str| -> Result<u32, Error> {
        match input.get(key) {
            None | Some(Value::Null) => Ok(1),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| Error::invalid(format!("\"{key}\" must be a positive integer"))),
        }
    };
    if flag("clear")? == Some(true) {
        *armed = Armed::default();
        recognised = true;
    }
    if let Some(on) = flag("dropConnectionAfterCommit")? {
        armed.drop_connection_after_commit = on;
        recognised = true;
    }
    if let Some(on) = flag("rotateWithoutSecret")? {
        armed.rotate_without_secret = on;
        recognised = true;
    }
    if let Some(ms) = input.get("delayMs") {
        armed.delay_ms = ms
            .as_u64()
            .ok_or_else(|| Error::invalid("\"delayMs\" must be a non-negative integer"))?;
        armed.delay_count = count("count")?;
        recognised = true;
    }
    if let Some(status) = input.get("failNext") {
        let status = status
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .filter(|s| matches!(s, 500 | 502 | 503))
            .ok_or_else(|| Error::invalid("\"failNext\" must be 500, 502 or 503"))?;
        armed.fail_status = Some(status);
        armed.fail_count = count("failCount")?;
        recognised = true;
    }
    if !recognised {
        return Err(Error::invalid(
            "expected dropConnectionAfterCommit, rotateWithoutSecret, delayMs (+count), failNext (+failCount) or clear",
        ));
    }
    Ok(json!({ "armed": armed.clone() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_faults_run_out() {
        let faults = Faults::default();
        {
            let mut armed = faults.armed();
            armed.fail_status = Some(503);
            armed.fail_count = 2;
            armed.delay_ms = 5;
            armed.delay_count = 1;
        }
        assert_eq!(faults.take_fail(), Some(503));
        assert_eq!(faults.take_fail(), Some(503));
        assert_eq!(faults.take_fail(), None);
        assert_eq!(faults.take_delay(), Some(Duration::from_millis(5)));
        assert_eq!(faults.take_delay(), None);
    }

    #[test]
    fn one_shot_flags_fire_once() {
        let faults = Faults::default();
        faults.armed().drop_connection_after_commit = true;
        assert!(faults.take_drop());
        assert!(!faults.take_drop());
        assert!(!faults.take_rotate_without_secret());
    }
}

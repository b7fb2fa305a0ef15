//! `/_test/` endpoints (only with `--enable-test-control`, loopback peers
//! only): delivery signatures, a real signed delivery for a webhook record, one-shot network
//! faults, storage failure.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use hyper::Method;
use hyper::body::Incoming;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::state::AppState;
use crate::{Error, http, signature};

/// One-shot faults armed by tests.
#[derive(Debug, Default)]
pub struct Faults {
    armed: Mutex<Armed>,
}

#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Armed {
    /// NSIDs whose next successful call closes the connection unanswered.
    drop_connection_after_commit: Vec<String>,
    /// Hold the next response (of `nsid`, or of any XRPC call).
    delay: Option<Delay>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Delay {
    delay_ms: u64,
    nsid: Option<String>,
}

impl Faults {
    fn armed(&self) -> std::sync::MutexGuard<'_, Armed> {
        self.armed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Consumes a drop fault for `nsid`, if one is armed.
    pub fn take_drop(&self, nsid: &str) -> bool {
        let mut armed = self.armed();
        let before = armed.drop_connection_after_commit.len();
        if let Some(i) = armed
            .drop_connection_after_commit
            .iter()
            .position(|n| n == nsid)
        {
            armed.drop_connection_after_commit.remove(i);
        }
        armed.drop_connection_after_commit.len() != before
    }

    /// Consumes the delay fault if it applies to `nsid`.
    pub fn take_delay(&self, nsid: &str) -> Option<Duration> {
        let mut armed = self.armed();
        let applies = armed
            .delay
            .as_ref()
            .is_some_and(|d| d.nsid.as_deref().is_none_or(|n| n == nsid));
        if !applies {
            return None;
        }
        armed
            .delay
            .take()
            .map(|d| Duration::from_millis(d.delay_ms))
    }
}

/// Answers one `/_test/...` request.
pub async fn handle(
    state: &AppState,
    path: &str,
    method: &Method,
    body: Incoming,
) -> Result<Value, Error> {
    if !matches!(
        path,
        "/_test/sign" | "/_test/deliver" | "/_test/faults" | "/_test/storage"
    ) {
        return Err(Error::RouteNotFound);
    }
    if *method != Method::POST {
        return Err(Error::MethodNotAllowed("POST"));
    }
    let bytes = http::read_body(body).await?;
    let input: Map<String, Value> = serde_json::from_slice(&bytes)
        .map_err(|_| Error::invalid("invalid request body (expected a JSON object)"))?;
    match path {
        "/_test/sign" => sign(state, &input).await,
        "/_test/deliver" => {
            crate::delivery::deliver(state, string(&input, "did")?, string(&input, "rkey")?).await
        }
        "/_test/faults" => arm_faults(state, &input),
        _ => storage(state, &input).await,
    }
}

fn string<'a>(input: &'a Map<String, Value>, key: &str) -> Result<&'a str, Error> {
    input
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| Error::invalid(format!("\"{key}\" must be a string")))
}

/// What a real delivery of `body` for secret `did`/`name` would carry.
async fn sign(state: &AppState, input: &Map<String, Value>) -> Result<Value, Error> {
    let (did, name, body) = (
        string(input, "did")?,
        string(input, "name")?,
        string(input, "body")?,
    );
    let envelope = state
        .store
        .lock()
        .await
        .get(did, name)
        .map(|s| s.token.clone())
        .ok_or(Error::SecretNotFound)?;
    let sealer = state.sealer.as_ref().ok_or(Error::EncryptionUnavailable)?;
    let token = sealer.open(&envelope)?;
    Ok(json!({ "signature": signature::sign(&token, body.as_bytes()) }))
}

fn arm_faults(state: &AppState, input: &Map<String, Value>) -> Result<Value, Error> {
    let mut armed = state.faults.armed();
    let mut recognised = false;
    if input.get("clear").and_then(Value::as_bool) == Some(true) {
        *armed = Armed::default();
        recognised = true;
    }
    if let Some(nsid) = input.get("dropConnectionAfterCommit") {
        let nsid = nsid.as_str().ok_or_else(|| {
            Error::invalid("\"dropConnectionAfterCommit\" must be an NSID string")
        })?;
        armed.drop_connection_after_commit.push(nsid.to_owned());
        recognised = true;
    }
    if let Some(ms) = input.get("delayMs") {
        let delay_ms = ms
            .as_u64()
            .ok_or_else(|| Error::invalid("\"delayMs\" must be a non-negative integer"))?;
        let nsid = match input.get("nsid") {
            None | Some(Value::Null) => None,
            Some(Value::String(nsid)) => Some(nsid.clone()),
            Some(_) => return Err(Error::invalid("\"nsid\" must be a string")),
        };
        armed.delay = Some(Delay { delay_ms, nsid });
        recognised = true;
    }
    if !recognised {
        return Err(Error::invalid(
            "expected dropConnectionAfterCommit, delayMs or clear",
        ));
    }
    Ok(json!({ "armed": armed.clone() }))
}

async fn storage(state: &AppState, input: &Map<String, Value>) -> Result<Value, Error> {
    let fail = input
        .get("failWrites")
        .and_then(Value::as_bool)
        .ok_or_else(|| Error::invalid("\"failWrites\" must be a boolean"))?;
    state.store.lock().await.set_fail_writes(fail);
    Ok(json!({ "failWrites": fail }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drop_fault_fires_once_for_its_nsid_only() {
        let faults = Faults::default();
        faults
            .armed()
            .drop_connection_after_commit
            .push("a.b.rotate".into());
        assert!(!faults.take_drop("a.b.create"));
        assert!(faults.take_drop("a.b.rotate"));
        assert!(!faults.take_drop("a.b.rotate"));
    }

    #[test]
    fn a_delay_without_nsid_applies_to_the_next_call_once() {
        let faults = Faults::default();
        faults.armed().delay = Some(Delay {
            delay_ms: 5,
            nsid: None,
        });
        assert_eq!(faults.take_delay("x"), Some(Duration::from_millis(5)));
        assert_eq!(faults.take_delay("x"), None);
    }

    #[test]
    fn a_delay_for_one_nsid_waits_for_that_nsid() {
        let faults = Faults::default();
        faults.armed().delay = Some(Delay {
            delay_ms: 5,
            nsid: Some("a.list".into()),
        });
        assert_eq!(faults.take_delay("a.create"), None);
        assert_eq!(faults.take_delay("a.list"), Some(Duration::from_millis(5)));
    }
}

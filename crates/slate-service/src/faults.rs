//! What tests can switch: faults (each for the next N matching requests or
//! until cleared) and settings (token lifetimes, re-issuing the API token on
//! rotate). Only ever changed through test control.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::Error;

/// The API operations faults can target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Operation {
    /// `POST /api/admin/users/login`.
    Login,
    /// `POST /auth/refresh`.
    Refresh,
    /// `GET /api-tokens`.
    List,
    /// `POST /api-tokens`.
    Create,
    /// `POST /api-tokens/{token_id}/webhook/rotate-secret`.
    Rotate,
}

impl Operation {
    const ALL: [Self; 5] = [
        Self::Login,
        Self::Refresh,
        Self::List,
        Self::Create,
        Self::Rotate,
    ];
    /// The operations that write state.
    const WRITING: [Self; 4] = [Self::Login, Self::Refresh, Self::Create, Self::Rotate];

    /// The wire name (`login`, `refresh`, `list`, `create`, `rotate`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Refresh => "refresh",
            Self::List => "list",
            Self::Create => "create",
            Self::Rotate => "rotate",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.as_str() == text)
    }
}

/// One armed fault: which operations it hits, how many more times.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Fault {
    operations: Vec<Operation>,
    /// `None`: until cleared.
    remaining: Option<u32>,
}

impl Fault {
    /// Consumes one use if `op` is targeted; true if it fired.
    fn fire(slot: &mut Option<Self>, op: Operation) -> bool {
        let Some(fault) = slot else { return false };
        if !fault.operations.contains(&op) {
            return false;
        }
        if let Some(remaining) = &mut fault.remaining {
            *remaining = remaining.saturating_sub(1);
            if *remaining == 0 {
                *slot = None;
            }
        }
        true
    }
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Armed {
    /// Close the socket unanswered after a committed, successful request.
    drop_connection_after_commit: Option<Fault>,
    /// Process, then hold the answer this long.
    delay: Option<Fault>,
    delay_ms: u64,
    /// Refuse the write with 500, committing nothing.
    storage_failure: Option<Fault>,
    /// Answer 429 before doing anything.
    rate_limit: Option<Fault>,
    retry_after_secs: u64,
}

/// Settings tests can change; see the README's test-control table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// `expires_in` of new access tokens (Slate documents 900).
    pub access_token_ttl_secs: u64,
    /// Lifetime of new refresh tokens (undocumented by Slate; ours).
    pub refresh_token_ttl_secs: u64,
    /// Rotating a webhook secret also replaces the API token value.
    pub reissue_token_on_rotate: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            access_token_ttl_secs: 900,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            reissue_token_on_rotate: false,
        }
    }
}

/// Faults and settings, shared by every connection.
#[derive(Debug, Default)]
pub struct Switches {
    armed: Mutex<Armed>,
    settings: Mutex<Settings>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Switches {
    /// A copy of the current settings.
    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    /// Consumes one rate-limit answer for `op`: `Some(retry_after_secs)`.
    pub fn take_rate_limit(&self, op: Operation) -> Option<u64> {
        let mut armed = lock(&self.armed);
        Fault::fire(&mut armed.rate_limit, op).then_some(armed.retry_after_secs)
    }

    /// Consumes one storage failure for a write of `op`.
    pub fn take_storage_failure(&self, op: Operation) -> bool {
        Fault::fire(&mut lock(&self.armed).storage_failure, op)
    }

    /// Consumes one dropped connection after a committed `op`.
    pub fn take_drop(&self, op: Operation) -> bool {
        Fault::fire(&mut lock(&self.armed).drop_connection_after_commit, op)
    }

    /// Consumes one delay for `op`.
    pub fn take_delay(&self, op: Operation) -> Option<Duration> {
        let mut armed = lock(&self.armed);
        Fault::fire(&mut armed.delay, op).then(|| Duration::from_millis(armed.delay_ms))
    }

    /// What is armed now, as `GET /_test/faults` shows it.
    pub fn armed_json(&self) -> Value {
        json!(lock(&self.armed).clone())
    }

    /// Applies a `POST /_test/faults` body; see the README.
    pub fn arm(&self, input: &Map<String, Value>) -> Result<Value, Error> {
        let mut armed = lock(&self.armed);
        let mut next = armed.clone();
        let mut recognised = false;
        if input.get("clear") == Some(&Value::Bool(true)) {
            next = Armed::default();
            recognised = true;
        }
        if let Some(spec) = input.get("dropConnectionAfterCommit") {
            next.drop_connection_after_commit = fault(
                spec,
                "dropConnectionAfterCommit",
                &[Operation::Rotate],
                &Operation::WRITING,
            )?;
            recognised = true;
        }
        if let Some(spec) = input.get("delay") {
            next.delay = fault(spec, "delay", &Operation::ALL, &Operation::ALL)?;
            next.delay_ms = number(spec, "ms", "delay")?.unwrap_or(1000);
            recognised = true;
        }
        if let Some(spec) = input.get("storageFailure") {
            next.storage_failure = fault(
                spec,
                "storageFailure",
                &Operation::WRITING,
                &Operation::WRITING,
            )?;
            recognised = true;
        }
        if let Some(spec) = input.get("rateLimit") {
            next.rate_limit = fault(spec, "rateLimit", &Operation::ALL, &Operation::ALL)?;
            next.retry_after_secs = number(spec, "retryAfter", "rateLimit")?.unwrap_or(1);
            recognised = true;
        }
        if !recognised {
            return Err(Error::invalid(
                "expected any of dropConnectionAfterCommit, delay, storageFailure, rateLimit (each an object, or false to disarm) or clear: true",
            ));
        }
        *armed = next;
        Ok(json!({ "armed": armed.clone() }))
    }

    /// Applies a `POST /_test/settings` body and answers the settings.
    pub fn update_settings(&self, input: &Map<String, Value>) -> Result<Value, Error> {
        let mut settings = lock(&self.settings);
        let mut next = settings.clone();
        for (key, value) in input {
            match key.as_str() {
                "accessTokenTtlSecs" => next.access_token_ttl_secs = positive(value, key)?,
                "refreshTokenTtlSecs" => next.refresh_token_ttl_secs = positive(value, key)?,
                "reissueTokenOnRotate" => {
                    next.reissue_token_on_rotate = value
                        .as_bool()
                        .ok_or_else(|| Error::invalid(format!("\"{key}\" must be a boolean")))?;
                }
                "reset" if value == &Value::Bool(true) => next = Settings::default(),
                _ => return Err(Error::invalid(format!("unknown setting \"{key}\""))),
            }
        }
        *settings = next;
        Ok(json!(settings.clone()))
    }
}

fn positive(value: &Value, key: &str) -> Result<u64, Error> {
    value
        .as_u64()
        .filter(|n| *n > 0)
        .ok_or_else(|| Error::invalid(format!("\"{key}\" must be a positive integer")))
}

fn number(spec: &Value, key: &str, fault: &str) -> Result<Option<u64>, Error> {
    match spec.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| Error::invalid(format!("{fault}.{key} must be a non-negative integer"))),
    }
}

/// `false` disarms; `true` or `{count?, untilCleared?, operations?}` arms
/// (count 1 and the default operations when omitted). Operations outside
/// `allowed` are refused: a fault that can never fire would make a test pass
/// for the wrong reason (`list` writes nothing, so it cannot fail to write).
fn fault(
    spec: &Value,
    name: &str,
    default_ops: &[Operation],
    allowed: &[Operation],
) -> Result<Option<Fault>, Error> {
    let object = match spec {
        Value::Bool(false) | Value::Null => return Ok(None),
        Value::Bool(true) => &Map::new(),
        Value::Object(object) => object,
        _ => {
            return Err(Error::invalid(format!(
                "{name} must be an object, true or false"
            )));
        }
    };
    let until_cleared = object.get("untilCleared") == Some(&Value::Bool(true));
    let remaining = if until_cleared {
        None
    } else {
        match object.get("count") {
            None | Some(Value::Null) => Some(1),
            Some(v) => Some(
                v.as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        Error::invalid(format!("{name}.count must be a positive integer"))
                    })?,
            ),
        }
    };
    let operations = match object.get("operations") {
        None | Some(Value::Null) => default_ops.to_vec(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| {
                v.as_str()
                    .and_then(Operation::parse)
                    .filter(|op| allowed.contains(op))
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                let names: Vec<_> = allowed.iter().map(|op| op.as_str()).collect();
                Error::invalid(format!(
                    "{name}.operations must list some of: {}",
                    names.join(", ")
                ))
            })?,
        Some(_) => {
            return Err(Error::invalid(format!("{name}.operations must be a list")));
        }
    };
    Ok(Some(Fault {
        operations,
        remaining,
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn arm(switches: &Switches, body: Value) -> Result<Value, Error> {
        switches.arm(body.as_object().unwrap())
    }

    #[test]
    fn a_counted_fault_fires_that_many_times_on_its_operations_only() {
        let switches = Switches::default();
        arm(
            &switches,
            json!({"storageFailure": {"count": 2, "operations": ["rotate"]}}),
        )
        .unwrap();
        assert!(!switches.take_storage_failure(Operation::Login));
        assert!(switches.take_storage_failure(Operation::Rotate));
        assert!(switches.take_storage_failure(Operation::Rotate));
        assert!(!switches.take_storage_failure(Operation::Rotate));
    }

    #[test]
    fn until_cleared_lasts_until_clear() {
        let switches = Switches::default();
        arm(
            &switches,
            json!({"rateLimit": {"untilCleared": true, "retryAfter": 9}}),
        )
        .unwrap();
        for _ in 0..5 {
            assert_eq!(switches.take_rate_limit(Operation::List), Some(9));
        }
        arm(&switches, json!({"clear": true})).unwrap();
        assert_eq!(switches.take_rate_limit(Operation::List), None);
    }

    #[test]
    fn defaults_drop_targets_rotate_and_delay_everything() {
        let switches = Switches::default();
        arm(
            &switches,
            json!({"dropConnectionAfterCommit": true, "delay": {"ms": 5}}),
        )
        .unwrap();
        assert!(!switches.take_drop(Operation::Refresh));
        assert!(switches.take_drop(Operation::Rotate));
        assert!(!switches.take_drop(Operation::Rotate));
        assert_eq!(
            switches.take_delay(Operation::Login),
            Some(Duration::from_millis(5))
        );
        assert_eq!(switches.take_delay(Operation::Login), None);
    }

    #[test]
    fn a_bad_request_arms_nothing() {
        let switches = Switches::default();
        assert!(arm(&switches, json!({"delay": {"count": 0}})).is_err());
        assert!(arm(&switches, json!({"rateLimit": {"operations": ["nope"]}})).is_err());
        assert!(
            arm(
                &switches,
                json!({"storageFailure": {"operations": ["list"]}})
            )
            .is_err()
        );
        assert!(
            arm(
                &switches,
                json!({"dropConnectionAfterCommit": {"operations": ["list"]}})
            )
            .is_err()
        );
        assert!(arm(&switches, json!({"what": 1})).is_err());
        assert_eq!(switches.take_delay(Operation::Login), None);
    }

    #[test]
    fn settings_change_and_reset() {
        let switches = Switches::default();
        let body = json!({"accessTokenTtlSecs": 2, "reissueTokenOnRotate": true});
        switches.update_settings(body.as_object().unwrap()).unwrap();
        let settings = switches.settings();
        assert_eq!(settings.access_token_ttl_secs, 2);
        assert!(settings.reissue_token_on_rotate);
        let body = json!({"accessTokenTtlSecs": 0});
        assert!(switches.update_settings(body.as_object().unwrap()).is_err());
        let body = json!({"reset": true});
        switches.update_settings(body.as_object().unwrap()).unwrap();
        assert_eq!(switches.settings(), Settings::default());
    }
}

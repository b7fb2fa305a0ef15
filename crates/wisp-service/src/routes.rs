//! The four `place.wisp.v2.secret.*` methods, checked in the same order as
//! the real server: service auth (if a header was sent), method lookup, HTTP
//! method, input encoding and shape, "authentication required", then the
//! handler's own rules.

use std::time::Instant;

use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE};
use hyper::{HeaderMap, Method};
use serde_json::{Map, Value, json};

use crate::crypto::generate_token;
use crate::state::AppState;
use crate::store::StoredSecret;
use crate::validate::{is_valid_caller_token, is_valid_secret_name};
use crate::{Error, http, time};

/// `place.wisp.v2.secret.create`
pub const CREATE: &str = "place.wisp.v2.secret.create";
/// `place.wisp.v2.secret.rotate`
pub const ROTATE: &str = "place.wisp.v2.secret.rotate";
/// `place.wisp.v2.secret.delete`
pub const DELETE: &str = "place.wisp.v2.secret.delete";
/// `place.wisp.v2.secret.list`
pub const LIST: &str = "place.wisp.v2.secret.list";

const INVALID_NAME: &str = "invalid secret name";

/// Validated procedure input.
struct Input {
    name: String,
    token: Option<String>,
}

/// Answers one `/xrpc/<nsid>` request with its success body.
pub async fn xrpc(
    state: &AppState,
    nsid: &str,
    method: &Method,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Value, Error> {
    let caller = state
        .verifier
        .authenticate(headers.get(AUTHORIZATION).map(|v| v.as_bytes()), nsid)
        .await?;

    let is_procedure = match nsid {
        CREATE | ROTATE | DELETE => true,
        LIST => false,
        _ => return Err(Error::RouteNotFound),
    };
    let expected = if is_procedure {
        Method::POST
    } else {
        Method::GET
    };
    if *method != expected {
        return Err(Error::MethodNotAllowed(if is_procedure {
            "POST"
        } else {
            "GET"
        }));
    }
    let input = if is_procedure {
        Some(read_input(headers, body).await?)
    } else {
        None
    };

    let did = caller.ok_or_else(|| Error::auth("authentication required"))?;
    if let Some(limiter) = &state.limiter {
        limiter.check(&did, Instant::now())?;
    }

    match (nsid, input) {
        (CREATE, Some(input)) => create(state, &did, input).await,
        (ROTATE, Some(input)) => rotate(state, &did, input).await,
        (DELETE, Some(input)) => delete(state, &did, &input.name).await,
        _ => Ok(json!({ "secrets": state.store.lock().await.list(&did) })),
    }
}

/// Body present, `application/json`, parses, and has the lexicon's shape.
async fn read_input(headers: &HeaderMap, body: Incoming) -> Result<Input, Error> {
    let bytes = http::read_body(body).await?;
    if bytes.is_empty() {
        return Err(Error::invalid(
            "request body is expected but none was provided",
        ));
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or_default());
    match content_type {
        None => {
            return Err(Error::invalid(
                "missing input content type (expected application/json)",
            ));
        }
        Some(ct) if !is_json_content_type(ct) => {
            return Err(Error::invalid(
                "invalid input content type (expected application/json)",
            ));
        }
        Some(_) => {}
    }
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|_| Error::invalid("invalid request body (failed to parse json)"))?;
    let Value::Object(object) = value else {
        return Err(Error::invalid("invalid input: expected an object"));
    };
    let name = match object.get("name") {
        None => {
            return Err(Error::invalid(
                "invalid input: missing required property \"name\"",
            ));
        }
        Some(Value::String(name)) => name.clone(),
        Some(_) => {
            return Err(Error::invalid(
                "invalid input: property \"name\" must be a string",
            ));
        }
    };
    Ok(Input {
        name,
        token: caller_token(&object)?,
    })
}

fn caller_token(object: &Map<String, Value>) -> Result<Option<String>, Error> {
    match object.get("token") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(token)) if is_valid_caller_token(token) => Ok(Some(token.clone())),
        Some(Value::String(_)) => Err(Error::invalid(
            "invalid input: property \"token\" must be 32-256 printable ASCII characters without whitespace",
        )),
        Some(_) => Err(Error::invalid(
            "invalid input: property \"token\" must be a string",
        )),
    }
}

/// `application/json`, optionally with parameters (`; charset=utf-8`).
fn is_json_content_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

fn check_name(name: &str) -> Result<(), Error> {
    if is_valid_secret_name(name) {
        Ok(())
    } else {
        Err(Error::invalid(INVALID_NAME))
    }
}

async fn create(state: &AppState, did: &str, input: Input) -> Result<Value, Error> {
    check_name(&input.name)?;
    let sealer = state.sealer.as_ref().ok_or(Error::EncryptionUnavailable)?;
    let token = match input.token {
        Some(token) => token,
        None => generate_token()?,
    };
    let created_at = time::now_iso();
    let secret = StoredSecret {
        did: did.to_owned(),
        name: input.name.clone(),
        token: sealer.seal(&token)?,
        created_at: created_at.clone(),
        last_rotated_at: None,
    };
    state.store.lock().await.create(secret).await?;
    Ok(json!({ "name": input.name, "token": token, "createdAt": created_at }))
}

async fn rotate(state: &AppState, did: &str, input: Input) -> Result<Value, Error> {
    check_name(&input.name)?;
    let sealer = state.sealer.as_ref().ok_or(Error::EncryptionUnavailable)?;
    let token = match input.token {
        Some(token) => token,
        None => generate_token()?,
    };
    let rotated_at = time::now_iso();
    state
        .store
        .lock()
        .await
        .rotate(did, &input.name, sealer.seal(&token)?, rotated_at.clone())
        .await?;
    Ok(json!({ "name": input.name, "token": token, "rotatedAt": rotated_at }))
}

async fn delete(state: &AppState, did: &str, name: &str) -> Result<Value, Error> {
    check_name(name)?;
    state.store.lock().await.delete(did, name).await?;
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_type_may_carry_parameters() {
        assert!(is_json_content_type("application/json"));
        assert!(is_json_content_type("application/json; charset=utf-8"));
        assert!(is_json_content_type("Application/JSON"));
        assert!(!is_json_content_type("text/plain"));
        assert!(!is_json_content_type("application/jsonx"));
    }

    #[test]
    fn a_null_token_means_generate_one() {
        let object = json!({"name": "a", "token": null});
        assert_eq!(caller_token(object.as_object().unwrap()).unwrap(), None);
    }

    #[test]
    fn a_non_string_or_malformed_token_is_invalid_input() {
        for token in [
            json!(5),
            json!("short"),
            json!(format!("{} x", "a".repeat(40))),
        ] {
            let object = json!({"name": "a", "token": token});
            assert!(matches!(
                caller_token(object.as_object().unwrap()),
                Err(Error::InvalidRequest(_))
            ));
        }
    }
}

//! The Phala Cloud API subset: list webhooks, rotate a webhook's secret (2FA),
//! list a webhook's deliveries.
//!
//! Check order (our assumption, modelled on FastAPI): route (404
//! `{"detail":"Not Found"}`) → HTTP method (405) → `X-API-Key` (401) → path and
//! query validation (422) → webhook exists in the caller's workspace (404) →
//! `X-2FA-Code` present (403 `ERR-2FA-REQUIRED`) → code valid and unused (403
//! `ERR-2FA-INVALID`) → rotate.

use hyper::{HeaderMap, Method, StatusCode};
use serde_json::{Value, json};

use crate::error::ValidationError;
use crate::state::AppState;
use crate::store::{Store, WebhookSummary, Workspace};
use crate::{Error, ids, time, totp};

/// Header carrying the API key.
pub const API_KEY_HEADER: &str = "x-api-key";
/// Header carrying the 6-digit TOTP code (per the model in providers.md).
pub const TWO_FACTOR_HEADER: &str = "x-2fa-code";

const WEBHOOKS: &str = "/api/v1/workspace/webhooks";
const WEBHOOK_ID_PATTERN: &str = "^wh_[A-Za-z0-9]{6,40}$";
/// Deliveries page size: default and maximum (our assumption).
const DEFAULT_LIMIT: u64 = 50;
const MAX_LIMIT: u64 = 100;

/// A successful answer, and whether it committed a rotation (for the faults).
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// JSON body.
    pub body: Value,
    /// True for a committed rotation.
    pub rotated: bool,
}

impl Answer {
    fn ok(body: Value) -> Self {
        Self {
            status: StatusCode::OK,
            body,
            rotated: false,
        }
    }
}

enum Route<'a> {
    List,
    Rotate(&'a str),
    Deliveries(&'a str),
}

fn route(path: &str) -> Option<Route<'_>> {
    let rest = path.strip_prefix(WEBHOOKS)?;
    if rest.is_empty() {
        return Some(Route::List);
    }
    let rest = rest.strip_prefix('/')?;
    let (id, action) = rest.split_once('/')?;
    if id.is_empty() {
        return None;
    }
    match action {
        "rotate-secret" => Some(Route::Rotate(id)),
        "deliveries" => Some(Route::Deliveries(id)),
        _ => None,
    }
}

/// Answers one API request.
pub async fn api(
    state: &AppState,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Result<Answer, Error> {
    let route = route(path).ok_or(Error::RouteNotFound)?;
    let expected = match route {
        Route::Rotate(_) => Method::POST,
        Route::List | Route::Deliveries(_) => Method::GET,
    };
    if *method != expected {
        return Err(Error::MethodNotAllowed(if expected == Method::POST {
            "POST"
        } else {
            "GET"
        }));
    }
    let api_key = header(headers, API_KEY_HEADER).ok_or(Error::MissingApiKey)?;
    let mut store = state.store.lock().await;
    let workspace = store
        .by_api_key(api_key)
        .ok_or(Error::InvalidApiKey)?
        .clone();

    match route {
        Route::List => {
            let list: Vec<WebhookSummary> = workspace
                .webhooks
                .iter()
                .map(WebhookSummary::from)
                .collect();
            Ok(Answer::ok(json!(list)))
        }
        Route::Deliveries(id) => {
            let (limit, offset) = page(id, query)?;
            let webhook = workspace
                .webhooks
                .iter()
                .find(|h| h.id == id)
                .ok_or(Error::WebhookNotFound)?;
            let page: Vec<_> = webhook
                .deliveries
                .iter()
                .rev()
                .skip(usize::try_from(offset).unwrap_or(usize::MAX))
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .collect();
            Ok(Answer::ok(json!(page)))
        }
        Route::Rotate(id) => {
            check_webhook_id(id).map_err(|e| Error::Validation(vec![e]))?;
            let code = header(headers, TWO_FACTOR_HEADER);
            rotate(&mut store, &workspace, id, code).await
        }
    }
}

/// A header's value, if present, valid text and not blank.
fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn check_webhook_id(id: &str) -> Result<(), ValidationError> {
    if ids::is_valid_webhook_id(id) {
        Ok(())
    } else {
        Err(ValidationError::new(
            ["path", "webhook_id"],
            format!("String should match pattern '{WEBHOOK_ID_PATTERN}'"),
            "string_pattern_mismatch",
        ))
    }
}

/// `limit` (1..=100, default 50) and `offset` (>= 0, default 0), with every
/// problem (the path id's too) reported at once, as FastAPI does.
fn page(id: &str, query: Option<&str>) -> Result<(u64, u64), Error> {
    let mut errors = Vec::new();
    if let Err(e) = check_webhook_id(id) {
        errors.push(e);
    }
    let mut limit = DEFAULT_LIMIT;
    let mut offset = 0;
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (target, min, max) = match key {
            "limit" => (&mut limit, 1, MAX_LIMIT),
            "offset" => (&mut offset, 0, u64::MAX),
            _ => continue,
        };
        let loc = ["query", key];
        match value.parse::<u64>() {
            Ok(n) if n < min => errors.push(ValidationError::new(
                loc,
                format!("Input should be greater than or equal to {min}"),
                "greater_than_equal",
            )),
            Ok(n) if n > max => errors.push(ValidationError::new(
                loc,
                format!("Input should be less than or equal to {max}"),
                "less_than_equal",
            )),
            Ok(n) => *target = n,
            Err(_)
                if value
                    .strip_prefix('-')
                    .is_some_and(|n| n.parse::<u64>().is_ok()) =>
            {
                errors.push(ValidationError::new(
                    loc,
                    format!("Input should be greater than or equal to {min}"),
                    "greater_than_equal",
                ));
            }
            Err(_) => errors.push(ValidationError::new(
                loc,
                "Input should be a valid integer, unable to parse string as an integer",
                "int_parsing",
            )),
        }
    }
    if errors.is_empty() {
        Ok((limit, offset))
    } else {
        Err(Error::Validation(errors))
    }
}

async fn rotate(
    store: &mut Store,
    workspace: &Workspace,
    id: &str,
    code: Option<&str>,
) -> Result<Answer, Error> {
    if !workspace.webhooks.iter().any(|h| h.id == id) {
        return Err(Error::WebhookNotFound);
    }
    let code = code.ok_or(Error::TwoFactorRequired)?;
    let key = totp::decode_secret(&workspace.totp_secret)
        .ok_or(Error::Crypto("stored TOTP secret is not base32"))?;
    let step = totp::matching_step(&key, code, time::now_secs()).ok_or(Error::TwoFactorInvalid)?;
    let secret = ids::webhook_secret()?;
    let rotated_at = time::now_iso();
    store
        .rotate(&workspace.id, id, step, secret.clone(), rotated_at.clone())
        .await?;
    Ok(Answer {
        status: StatusCode::OK,
        body: json!({ "id": id, "secret": secret, "rotated_at": rotated_at }),
        rotated: true,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn routes_match_only_the_three_paths() {
        assert!(matches!(route(WEBHOOKS), Some(Route::List)));
        assert!(matches!(
            route("/api/v1/workspace/webhooks/wh_abcdef/rotate-secret"),
            Some(Route::Rotate("wh_abcdef"))
        ));
        assert!(matches!(
            route("/api/v1/workspace/webhooks/x/deliveries"),
            Some(Route::Deliveries("x"))
        ));
        assert!(route("/api/v1/workspace/webhooks/x").is_none());
        assert!(route("/api/v1/workspace/webhooks//deliveries").is_none());
        assert!(route("/api/v1/workspace/webhooksX").is_none());
        assert!(route("/api/v1/other").is_none());
    }

    #[test]
    fn paging_defaults_bounds_and_errors() {
        assert_eq!(page("wh_abcdef", None).unwrap(), (50, 0));
        assert_eq!(
            page("wh_abcdef", Some("limit=5&offset=10&x=y")).unwrap(),
            (5, 10)
        );
        let Err(Error::Validation(errors)) = page("bad", Some("limit=0&offset=-1")) else {
            panic!("expected 422");
        };
        let kinds: Vec<_> = errors.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "string_pattern_mismatch",
                "greater_than_equal",
                "greater_than_equal"
            ]
        );
        let Err(Error::Validation(errors)) = page("wh_abcdef", Some("limit=abc")) else {
            panic!("expected 422");
        };
        assert_eq!(errors[0].loc, ["query", "limit"]);
        assert_eq!(errors[0].kind, "int_parsing");
        assert!(page("wh_abcdef", Some("limit=101")).is_err());
    }
}

//! The Slate API subset and the order FastAPI checks things in:
//! route (404) → method (405) → JSON syntax of the body (422 `json_invalid`)
//! → bearer (401/403) → path and body fields (422) → the token exists in the
//! caller's account (404) → the action.

use hyper::{HeaderMap, Method, StatusCode};
use serde_json::Value;

use crate::faults::Operation;
use crate::request_log::Trace;
use crate::state::AppState;
use crate::tokens::NewToken;
use crate::{Error, auth, body, tokens};

/// Staff sign-in (the auth pages' `/api/admin` prefix is part of the path).
pub const LOGIN_PATH: &str = "/api/admin/users/login";
/// Refresh-token exchange.
pub const REFRESH_PATH: &str = "/auth/refresh";
/// API tokens.
pub const TOKENS_PATH: &str = "/api-tokens";

/// A successful answer, and whether it committed a change (for the
/// drop-after-commit fault).
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// JSON body.
    pub body: Value,
    /// True when state was written.
    pub committed: bool,
}

impl Answer {
    /// An answer that changed nothing.
    pub fn new(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body,
            committed: false,
        }
    }

    /// An answer after a committed change.
    pub fn committed(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body,
            committed: true,
        }
    }
}

/// A matched path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// [`LOGIN_PATH`].
    Login,
    /// [`REFRESH_PATH`].
    Refresh,
    /// [`TOKENS_PATH`] (GET list, POST create).
    Tokens,
    /// `/api-tokens/{token_id}/webhook/rotate-secret`, the raw id.
    Rotate(String),
}

/// The route of `path`, if any.
pub fn route(path: &str) -> Option<Route> {
    match path {
        LOGIN_PATH => return Some(Route::Login),
        REFRESH_PATH => return Some(Route::Refresh),
        TOKENS_PATH => return Some(Route::Tokens),
        _ => {}
    }
    let id = path
        .strip_prefix(TOKENS_PATH)?
        .strip_prefix('/')?
        .strip_suffix("/webhook/rotate-secret")?;
    (!id.is_empty() && !id.contains('/')).then(|| Route::Rotate(id.to_owned()))
}

/// The operation `method` asks of `route`, or 405.
pub fn operation(route: &Route, method: &Method) -> Result<Operation, Error> {
    match (route, method) {
        (Route::Login, &Method::POST) => Ok(Operation::Login),
        (Route::Refresh, &Method::POST) => Ok(Operation::Refresh),
        (Route::Tokens, &Method::GET) => Ok(Operation::List),
        (Route::Tokens, &Method::POST) => Ok(Operation::Create),
        (Route::Rotate(_), &Method::POST) => Ok(Operation::Rotate),
        (Route::Tokens, _) => Err(Error::MethodNotAllowed("GET, POST")),
        _ => Err(Error::MethodNotAllowed("POST")),
    }
}

/// Answers one API request.
pub async fn api(
    state: &AppState,
    route: &Route,
    op: Operation,
    headers: &HeaderMap,
    raw_body: &[u8],
    trace: &mut Trace,
) -> Result<Answer, Error> {
    match op {
        Operation::Login => auth::login(state, &body::parse_json(raw_body)?, trace).await,
        Operation::Refresh => auth::refresh(state, &body::parse_json(raw_body)?, trace).await,
        Operation::List => {
            let who = {
                let mut store = state.store.lock().await;
                auth::authenticate(&mut store, headers, trace).await?
            };
            tokens::list(state, &who).await
        }
        Operation::Create => {
            let json = body::parse_json(raw_body)?;
            let who = {
                let mut store = state.store.lock().await;
                auth::authenticate(&mut store, headers, trace).await?
            };
            let new = NewToken::from_body(&json)?;
            tokens::create(state, &who, new, trace).await
        }
        Operation::Rotate => {
            let who = {
                let mut store = state.store.lock().await;
                auth::authenticate(&mut store, headers, trace).await?
            };
            let Route::Rotate(raw_id) = route else {
                return Err(Error::RouteNotFound);
            };
            let id = body::path_int("token_id", raw_id)?;
            tokens::rotate(state, &who, id, trace).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_only_the_documented_paths() {
        assert_eq!(route("/api/admin/users/login"), Some(Route::Login));
        assert_eq!(route("/auth/refresh"), Some(Route::Refresh));
        assert_eq!(route("/api-tokens"), Some(Route::Tokens));
        assert_eq!(
            route("/api-tokens/12/webhook/rotate-secret"),
            Some(Route::Rotate("12".into()))
        );
        assert_eq!(
            route("/api-tokens/abc/webhook/rotate-secret"),
            Some(Route::Rotate("abc".into()))
        );
        assert_eq!(route("/api-tokens//webhook/rotate-secret"), None);
        assert_eq!(route("/api-tokens/1/2/webhook/rotate-secret"), None);
        assert_eq!(route("/api-tokens/"), None);
        assert_eq!(route("/api/admin/api-tokens"), None);
    }

    #[test]
    fn wrong_methods_are_405_with_allow() {
        assert!(matches!(
            operation(&Route::Tokens, &Method::DELETE),
            Err(Error::MethodNotAllowed("GET, POST"))
        ));
        assert!(matches!(
            operation(&Route::Login, &Method::GET),
            Err(Error::MethodNotAllowed("POST"))
        ));
        assert_eq!(
            operation(&Route::Rotate("1".into()), &Method::POST).ok(),
            Some(Operation::Rotate)
        );
    }
}

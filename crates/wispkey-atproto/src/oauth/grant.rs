//! One sign-in's authorization-code grant (atproto OAuth profile): the pushed authorization
//! request with PKCE S256, a random `state` and a fresh ES256 DPoP key, then the code exchange.
//!
//! Both requests go through one atrium [`DpopClient`] (it builds every proof: `jti`, `htm`,
//! `htu`, the nonce and the one retry on `use_dpop_nonce`), so the token request carries the
//! nonce the PAR answer brought. atrium-oauth 0.2.0's `OAuthClient` builds a new DPoP client,
//! with an empty nonce store, for its PAR and again for its token request: the authorization
//! server refused every first token request (`400 use_dpop_nonce`), one round trip per sign-in
//! for nothing. Its DPoP client is public; its server agent and nonce store are not, so the two
//! form posts are made here, as the refresh and revoke ones are in [`super::session`].

use std::sync::Arc;

use atrium_oauth::DpopClient;
use atrium_oauth::store::session::Session;
use atrium_xrpc::HttpClient as _;
use atrium_xrpc::http::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::client_id::ClientParams;
use super::resolve::AuthServerMetadata;
use super::token_wire::{OAuthErrorBody, TokenResponse, form_post, now_secs};
use crate::http::{HttpClient, SendError, find_send_error};
use wispkey_core::error::{Error, Result};
use wispkey_core::secret::SecretString;

/// 9999-12-31T23:59:59Z in Unix seconds.
const LAST_FOUR_DIGIT_YEAR_SECOND: i64 = 253_402_300_799;

/// A pushed authorization request waiting for its redirect.
pub(crate) struct Grant {
    dpop: DpopClient<HttpClient>,
    key: jose_jwk::Key,
    verifier: SecretString,
    state: String,
    issuer: String,
    token_endpoint: String,
    client_id: String,
    redirect_uri: String,
}

#[derive(Deserialize)]
struct ParResponse {
    request_uri: String,
}

impl Grant {
    /// Sends the pushed authorization request to `server`; returns the grant and the URL of the
    /// consent page to open.
    pub async fn push(
        http: &HttpClient,
        server: &AuthServerMetadata,
        params: &ClientParams,
        login_hint: &str,
    ) -> Result<(Grant, String)> {
        let Some(par_endpoint) = &server.pushed_authorization_request_endpoint else {
            return Err(Error::SignInFailed {
                detail: "the authorization server takes no pushed authorization requests".into(),
            });
        };
        let key = new_dpop_key()?;
        let dpop =
            DpopClient::new(key.clone(), Arc::new(http.clone()), true, &None).map_err(|e| {
                Error::SignInFailed {
                    detail: format!("the DPoP key cannot sign: {e}"),
                }
            })?;
        let verifier = SecretString::new(random_text::<32>()?);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose().as_bytes()));
        let state = random_text::<16>()?;
        let client_id = params.client_id();
        let redirect_uri = params.redirect_uri();
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("state", &state)
            .append_pair("scope", params.scope())
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("login_hint", login_hint)
            .finish();
        let response = post_form(&dpop, par_endpoint, form.into_bytes())
            .await
            .map_err(|e| transport_error(e, "pushed authorization request"))?;
        if response.status().as_u16() != 201 {
            return Err(Error::SignInFailed {
                detail: format!(
                    "pushed authorization request failed: {}",
                    refusal(&response)
                ),
            });
        }
        let pushed: ParResponse =
            serde_json::from_slice(response.body()).map_err(|e| Error::SignInFailed {
                detail: format!(
                    "unreadable pushed authorization answer ({:?} error)",
                    e.classify()
                ),
            })?;
        let mut authorize_url =
            url::Url::parse(&server.authorization_endpoint).map_err(|e| Error::SignInFailed {
                detail: format!("the authorization endpoint is not a URL: {e}"),
            })?;
        authorize_url
            .query_pairs_mut()
            .append_pair("client_id", &client_id)
            .append_pair("request_uri", &pushed.request_uri);
        let grant = Grant {
            dpop,
            key,
            verifier,
            state,
            issuer: server.issuer.clone(),
            token_endpoint: server.token_endpoint.clone(),
            client_id,
            redirect_uri,
        };
        Ok((grant, authorize_url.into()))
    }

    /// The `state` the redirect must carry back.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// Exchanges the redirect's code (with the PKCE verifier, on the PAR's DPoP client) for the
    /// account's tokens, as atrium's session type for [`super::session_store`] to check and store.
    /// `pds` is the token set's audience: the PDS of the DID the sign-in resolved, whose
    /// authorization server is this grant's issuer; a `sub` naming another account is refused
    /// by the session store before anything is kept.
    pub async fn exchange(&self, code: &SecretString, pds: &str) -> Result<Session> {
        let form = SecretString::new(
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("client_id", &self.client_id)
                .append_pair("grant_type", "authorization_code")
                .append_pair("code", code.expose())
                .append_pair("redirect_uri", &self.redirect_uri)
                .append_pair("code_verifier", self.verifier.expose())
                .finish(),
        );
        let response = post_form(
            &self.dpop,
            &self.token_endpoint,
            form.expose().as_bytes().to_vec(),
        )
        .await
        .map_err(|e| transport_error(e, "code exchange"))?;
        if response.status().as_u16() != 200 {
            return Err(Error::SignInFailed {
                detail: format!(
                    "the authorization server refused the code exchange ({})",
                    refusal(&response)
                ),
            });
        }
        let tokens: TokenResponse =
            serde_json::from_slice(response.body()).map_err(|e| Error::SignInFailed {
                detail: format!(
                    "unreadable answer to the code exchange ({:?} error)",
                    e.classify()
                ),
            })?;
        let Some(sub) = tokens.sub else {
            return Err(Error::SignInFailed {
                detail: "the token response names no account (sub)".into(),
            });
        };
        if !tokens.token_type.eq_ignore_ascii_case("dpop") {
            return Err(Error::SignInFailed {
                detail: format!("unexpected token type {}", tokens.token_type),
            });
        }
        let expires_at = tokens
            .expires_in
            .map(|secs| wispkey_core::net::server_time::expires_at(now_secs(), secs))
            // atproto datetimes have four-digit years: a later expiry is no expiry to track.
            .filter(|at| *at <= LAST_FOUR_DIGIT_YEAR_SECOND)
            .and_then(|at| chrono::DateTime::from_timestamp(at, 0))
            .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        // atrium's token set has no public constructor (its token type is private): built
        // from its serialized form.
        let token_set = serde_json::from_value(serde_json::json!({
            "iss": self.issuer,
            "sub": sub,
            "aud": pds,
            "scope": tokens.scope,
            "refresh_token": tokens.refresh_token.as_ref().map(SecretString::expose),
            "access_token": tokens.access_token.expose(),
            "token_type": "DPoP",
            "expires_at": expires_at,
        }))
        .map_err(|e| Error::SignInFailed {
            detail: format!("the token response is unusable ({:?} error)", e.classify()),
        })?;
        Ok(Session {
            dpop_key: self.key.clone(),
            token_set,
        })
    }
}

async fn post_form(
    dpop: &DpopClient<HttpClient>,
    url: &str,
    body: Vec<u8>,
) -> std::result::Result<Response<Vec<u8>>, Box<dyn std::error::Error + Send + Sync + 'static>> {
    dpop.send_http(form_post(url, body)?).await
}

/// A failed request as the sign-in reports it: nothing sent is an unreachable server (safe to
/// try again); an answer lost after sending fails this sign-in (a code is single-use).
fn transport_error(error: Box<dyn std::error::Error + Send + Sync>, what: &str) -> Error {
    match find_send_error(&*error) {
        Some(SendError::NotSent(detail)) => Error::PdsUnreachable {
            detail: detail.clone(),
        },
        Some(settled @ (SendError::Refused { .. } | SendError::TooLarge { .. })) => settled
            .settled_error()
            .unwrap_or_else(|| Error::SignInFailed {
                detail: settled.to_string(),
            }),
        Some(SendError::Lost(detail)) => Error::SignInFailed {
            detail: format!("the {what} got no answer: {detail}"),
        },
        // Failed before sending (building the request or its DPoP proof).
        None => Error::SignInFailed {
            detail: format!("the {what} could not be made: {error}"),
        },
    }
}

/// HTTP status and the OAuth error of a refusal (never the body itself).
fn refusal(response: &Response<Vec<u8>>) -> String {
    let body: OAuthErrorBody = serde_json::from_slice(response.body()).unwrap_or_default();
    format!(
        "HTTP {} {} {}",
        response.status(),
        body.error,
        body.error_description
    )
}

/// A fresh ES256 (P-256) private key as a JWK, from the OS's random source.
fn new_dpop_key() -> Result<jose_jwk::Key> {
    // A random 32-byte string is a valid scalar unless it is zero or not below the curve
    // order (odds about 2^-32 per try).
    for _ in 0..8 {
        let bytes = zeroize::Zeroizing::new(random_bytes::<32>()?);
        if let Ok(secret) = p256::SecretKey::from_slice(bytes.as_slice()) {
            return Ok(jose_jwk::Key::from(&jose_jwk::crypto::Key::from(secret)));
        }
    }
    Err(Error::SignInFailed {
        detail: "could not make a DPoP key".into(),
    })
}

/// `N` random bytes, base64url without padding (PKCE verifier: 43 characters for 32 bytes).
fn random_text<const N: usize>() -> Result<String> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<N>()?))
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|e| Error::SignInFailed {
        detail: format!("the OS gave no randomness: {e}"),
    })?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_dpop_key_is_a_private_p256_key_that_atrium_can_sign_with() {
        let key = new_dpop_key().unwrap();
        let jwk = serde_json::to_value(&key).unwrap();
        assert_eq!(jwk["kty"], "EC");
        assert_eq!(jwk["crv"], "P-256");
        assert!(jwk["d"].as_str().is_some_and(|d| d.len() == 43), "{jwk}");
        let http = HttpClient::new(std::time::Duration::from_secs(5)).unwrap();
        let algs = Some(vec!["ES256".to_owned()]);
        assert!(DpopClient::new(key, Arc::new(http), true, &algs).is_ok());
    }

    #[test]
    fn each_grant_gets_its_own_key_verifier_and_state() {
        assert_ne!(
            serde_json::to_string(&new_dpop_key().unwrap()).unwrap(),
            serde_json::to_string(&new_dpop_key().unwrap()).unwrap()
        );
        let verifier = random_text::<32>().unwrap();
        // RFC 7636: 43 to 128 characters of the unreserved set.
        assert_eq!(verifier.len(), 43);
        assert!(
            verifier
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(random_text::<16>().unwrap(), random_text::<16>().unwrap());
    }
}

//! A PDS session from `com.atproto.server.createSession` (handle or DID + password).
//!
//! The desktop app signs in with OAuth; this transport exists for integration tests that need a
//! real session before the OAuth flow is under test, and for scripted use with an app password.
//! Access and refresh tokens live in [`SecretString`]s and nowhere else.

use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Mutex;

use super::{HttpMethod, XrpcRequest, XrpcResponse, XrpcTransport, wire};
use crate::http::HttpClient;
use wispkey_core::error::{Error, Result};
use wispkey_core::secret::SecretString;

pub struct PasswordSession {
    http: HttpClient,
    pds: String,
    did: String,
    tokens: Mutex<Tokens>,
}

struct Tokens {
    access: SecretString,
    refresh: SecretString,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionBody {
    did: String,
    access_jwt: SecretString,
    refresh_jwt: SecretString,
}

impl PasswordSession {
    pub async fn sign_in(
        pds_url: &str,
        identifier: &str,
        password: &SecretString,
        request_timeout: Duration,
    ) -> Result<PasswordSession> {
        let http = HttpClient::new(request_timeout)?;
        let body = serde_json::json!({ "identifier": identifier, "password": password.expose() });
        let request = XrpcRequest {
            method: HttpMethod::Post,
            nsid: "com.atproto.server.createSession".into(),
            query: Vec::new(),
            json_body: Some(body.to_string().into_bytes()),
            proxy: None,
        };
        let response = wire::send(&http, pds_url, &request, "").await?;
        let session = parse_session(&response)?;
        Ok(PasswordSession {
            http,
            pds: pds_url.trim_end_matches('/').to_owned(),
            did: session.did,
            tokens: Mutex::new(Tokens {
                access: session.access_jwt,
                refresh: session.refresh_jwt,
            }),
        })
    }

    pub fn pds_url(&self) -> &str {
        &self.pds
    }

    /// Trades the refresh token for a new pair (refresh tokens are single use).
    async fn refresh(&self, tokens: &mut Tokens) -> Result<()> {
        let request = XrpcRequest {
            method: HttpMethod::Post,
            nsid: "com.atproto.server.refreshSession".into(),
            query: Vec::new(),
            json_body: None,
            proxy: None,
        };
        let response = wire::send(&self.http, &self.pds, &request, tokens.refresh.expose()).await?;
        let session = parse_session(&response)?;
        tokens.access = session.access_jwt;
        tokens.refresh = session.refresh_jwt;
        Ok(())
    }
}

fn parse_session(response: &XrpcResponse) -> Result<SessionBody> {
    if response.status == 401 || response.status == 400 {
        return Err(Error::SignInFailed {
            detail: format!("HTTP {} {:?}", response.status, wire::error_name(response)),
        });
    }
    if !(200..300).contains(&response.status) {
        return Err(Error::UnexpectedResponse {
            status: response.status,
            detail: format!("session answer {:?}", wire::error_name(response)),
        });
    }
    serde_json::from_slice(&response.body).map_err(|error| Error::UnexpectedResponse {
        status: response.status,
        detail: format!("session answer could not be read: {error}"),
    })
}

impl XrpcTransport for PasswordSession {
    async fn send(&self, request: XrpcRequest) -> Result<XrpcResponse> {
        // Held across the call so a refresh never races another request's use of the old token.
        let mut tokens = self.tokens.lock().await;
        let response = wire::send(&self.http, &self.pds, &request, tokens.access.expose()).await?;
        // The PDS checks the access token before proxying anything, so an expired-token answer
        // means nothing was forwarded and one retry after refreshing is safe even for a rotate.
        if response.status == 400 && wire::error_name(&response).as_deref() == Some("ExpiredToken")
        {
            self.refresh(&mut tokens).await?;
            return wire::send(&self.http, &self.pds, &request, tokens.access.expose()).await;
        }
        Ok(response)
    }

    fn did(&self) -> &str {
        &self.did
    }
}

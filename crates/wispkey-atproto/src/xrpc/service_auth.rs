//! The second documented way to reach an AT Protocol service (wisp.place's, for one): ask the PDS for a service-auth JWT
//! (`com.atproto.server.getServiceAuth`, audience = the service DID, lexicon method = the NSID,
//! valid one minute), then call the service directly with it.
//!
//! Used for "check the connection" and when the PDS proxy itself is in question. Each request
//! gets its own single-use JWT; nothing is retried.

use std::time::Duration;

use serde::Deserialize;

use super::{HttpMethod, XrpcRequest, XrpcResponse, XrpcTransport, wire};
use crate::http::HttpClient;
use wispkey_core::error::{Error, Result};
use wispkey_core::secret::SecretString;

/// How long a minted service JWT may live: long enough for one request.
const TOKEN_LIFETIME: Duration = Duration::from_secs(60);

pub struct DirectToService<T> {
    session: T,
    http: HttpClient,
    service_did: String,
    endpoint: String,
}

impl<T: XrpcTransport> DirectToService<T> {
    /// Resolves the service's DID document to find the endpoint of its `#<service_id>` entry.
    pub async fn connect(
        session: T,
        service_did: &str,
        service_id: &str,
        request_timeout: Duration,
    ) -> Result<DirectToService<T>> {
        let http = HttpClient::new(request_timeout)?;
        let endpoint = resolve_endpoint(&http, service_did, service_id).await?;
        Ok(DirectToService {
            session,
            http,
            service_did: service_did.to_owned(),
            endpoint,
        })
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Asks the PDS for a JWT that lets this account call `nsid` on the service once.
    pub async fn service_token(&self, nsid: &str) -> Result<SecretString> {
        let expires = chrono::Utc::now().timestamp() + TOKEN_LIFETIME.as_secs() as i64;
        let response = self
            .session
            .send(XrpcRequest {
                method: HttpMethod::Get,
                nsid: "com.atproto.server.getServiceAuth".into(),
                query: vec![
                    ("aud".into(), self.service_did.clone()),
                    ("lxm".into(), nsid.to_owned()),
                    ("exp".into(), expires.to_string()),
                ],
                json_body: None,
                proxy: None,
            })
            .await?;
        #[derive(Deserialize)]
        struct Body {
            token: SecretString,
        }
        match response.status {
            200..=299 => serde_json::from_slice::<Body>(&response.body)
                .map(|body| body.token)
                .map_err(|error| Error::UnexpectedResponse {
                    status: response.status,
                    detail: format!("getServiceAuth answer: {error}"),
                }),
            401 | 400 => Err(Error::SessionExpired {
                detail: format!("getServiceAuth: {:?}", wire::error_name(&response)),
            }),
            403 => Err(Error::PermissionMissing {
                action: format!("call {nsid} on the service"),
            }),
            status => Err(Error::UnexpectedResponse {
                status,
                detail: format!("getServiceAuth: {:?}", wire::error_name(&response)),
            }),
        }
    }
}

impl<T: XrpcTransport> XrpcTransport for DirectToService<T> {
    async fn send(&self, request: XrpcRequest) -> Result<XrpcResponse> {
        let token = self.service_token(&request.nsid).await?;
        let direct = XrpcRequest {
            proxy: None,
            ..request
        };
        wire::send(&self.http, &self.endpoint, &direct, token.expose()).await
    }

    fn did(&self) -> &str {
        self.session.did()
    }
}

/// The HTTPS (or, for a loopback host, HTTP) URL of a did:web document.
pub fn did_web_document_url(did: &str) -> Result<String> {
    let rest = did
        .strip_prefix("did:web:")
        .ok_or_else(|| Error::InvalidRequest {
            message: format!("the service DID {did:?} is not a did:web"),
        })?;
    let mut parts = rest.split(':');
    let host = parts
        .next()
        .filter(|host| !host.is_empty())
        .map(|host| host.replace("%3A", ":").replace("%3a", ":"))
        .ok_or_else(|| Error::InvalidRequest {
            message: format!("the service DID {did:?} has no host"),
        })?;
    let path: Vec<&str> = parts.collect();
    let loopback = host.starts_with("localhost") || host.starts_with("127.0.0.1");
    let scheme = if loopback { "http" } else { "https" };
    Ok(if path.is_empty() {
        format!("{scheme}://{host}/.well-known/did.json")
    } else {
        format!("{scheme}://{host}/{}/did.json", path.join("/"))
    })
}

async fn resolve_endpoint(http: &HttpClient, did: &str, service_id: &str) -> Result<String> {
    use atrium_xrpc::HttpClient as _;
    let url = did_web_document_url(did)?;
    let request = atrium_xrpc::http::Request::builder()
        .uri(&url)
        .body(Vec::new())
        .map_err(|error| Error::InvalidRequest {
            message: format!("bad DID document address {url}: {error}"),
        })?;
    let response =
        http.send_http(request)
            .await
            .map_err(|error| match crate::http::classify(&*error) {
                Error::ResponseLost { detail } => Error::TimedOut { detail },
                Error::PdsUnreachable { detail } => Error::ServiceUnreachable { detail },
                other => other,
            })?;
    #[derive(Deserialize)]
    struct Document {
        #[serde(default)]
        service: Vec<Service>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Service {
        id: String,
        service_endpoint: serde_json::Value,
    }
    let status = response.status().as_u16();
    let document: Document =
        serde_json::from_slice(response.body()).map_err(|error| Error::UnexpectedResponse {
            status,
            detail: format!("DID document of {did}: {error}"),
        })?;
    let wanted = format!("#{service_id}");
    document
        .service
        .into_iter()
        .find(|service| service.id == wanted || service.id == format!("{did}{wanted}"))
        .and_then(|service| service.service_endpoint.as_str().map(str::to_owned))
        .ok_or_else(|| Error::UnexpectedResponse {
            status,
            detail: format!("DID document of {did} has no {wanted} service"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_did_web_resolves_over_https() {
        assert_eq!(
            did_web_document_url("did:web:wisp.place").unwrap(),
            "https://wisp.place/.well-known/did.json"
        );
    }

    #[test]
    fn a_local_did_web_with_a_port_resolves_over_http() {
        assert_eq!(
            did_web_document_url("did:web:localhost%3A2583").unwrap(),
            "http://localhost:2583/.well-known/did.json"
        );
    }

    #[test]
    fn a_did_web_with_a_path_uses_that_path() {
        assert_eq!(
            did_web_document_url("did:web:example.com:services:wisp").unwrap(),
            "https://example.com/services/wisp/did.json"
        );
    }

    #[test]
    fn a_non_web_did_is_refused() {
        assert!(did_web_document_url("did:plc:abc").is_err());
        assert!(did_web_document_url("did:web:").is_err());
    }
}

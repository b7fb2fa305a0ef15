//! wisp.place's signing-secret API: `place.wisp.v2.secret.{list,create,rotate,delete}`.
//!
//! Requests go where production sends them: to the user's PDS with
//! `atproto-proxy: <service DID>#wisp_xrpc`; the PDS mints the service JWT the wisp server
//! requires. [`crate::transport::service_auth`] offers the other documented path
//! (`getServiceAuth`, then straight to the service) for a connection check and as a fallback for
//! listing. Create, rotate and delete are never retried here or anywhere below.

mod answer;
pub mod webhooks;
mod wire;

use zeroize::Zeroize;

use crate::error::{Error, Result};
use crate::provider::{IssuedToken, Operation, SecretName, SecretProvider, SecretSummary};
use crate::transport::{HttpMethod, XrpcRequest, XrpcResponse, XrpcTransport};

pub use answer::interpret;

/// Production's service DID. Self-hosters and the local test stack configure their own.
pub const DEFAULT_SERVICE_DID: &str = "did:web:wisp.place";
/// The service entry in the wisp DID document that the PDS proxies to.
pub const SERVICE_ID: &str = "wisp_xrpc";

pub mod nsid {
    pub const LIST: &str = "place.wisp.v2.secret.list";
    pub const CREATE: &str = "place.wisp.v2.secret.create";
    pub const ROTATE: &str = "place.wisp.v2.secret.rotate";
    pub const DELETE: &str = "place.wisp.v2.secret.delete";
}

pub fn nsid_for(operation: Operation) -> &'static str {
    match operation {
        Operation::List => nsid::LIST,
        Operation::Create => nsid::CREATE,
        Operation::Rotate => nsid::ROTATE,
        Operation::Delete => nsid::DELETE,
    }
}

/// The `atproto-proxy` header value for a wisp service DID.
pub fn proxy_header(service_did: &str) -> String {
    format!("{service_did}#{SERVICE_ID}")
}

pub struct WispProvider<T> {
    transport: T,
    service_did: String,
}

impl<T: XrpcTransport> WispProvider<T> {
    pub fn new(transport: T, service_did: impl Into<String>) -> Self {
        WispProvider {
            transport,
            service_did: service_did.into(),
        }
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    pub fn service_did(&self) -> &str {
        &self.service_did
    }

    /// The request a given operation sends, exposed so tests can send deliberately invalid
    /// input through the real chain and check how the answer is read.
    pub fn request(&self, operation: Operation, name: Option<&str>) -> XrpcRequest {
        let json_body =
            name.map(|name| serde_json::json!({ "name": name }).to_string().into_bytes());
        XrpcRequest {
            method: if operation == Operation::List {
                HttpMethod::Get
            } else {
                HttpMethod::Post
            },
            nsid: nsid_for(operation).to_owned(),
            query: Vec::new(),
            json_body,
            proxy: Some(proxy_header(&self.service_did)),
        }
    }

    async fn call(&self, operation: Operation, name: Option<&SecretName>) -> Result<XrpcResponse> {
        let request = self.request(operation, name.map(SecretName::as_str));
        let outcome = self.transport.send(request).await;
        interpret(
            operation,
            name.map(SecretName::as_str).unwrap_or_default(),
            outcome,
        )
    }

    async fn issue(&self, operation: Operation, name: &SecretName) -> Result<IssuedToken> {
        let mut response = self.call(operation, Some(name)).await?;
        let issued = wire::parse_issued(operation, name.as_str(), &response.body);
        // The body held the one-shot token in the clear.
        response.body.zeroize();
        issued
    }
}

impl<T: XrpcTransport> SecretProvider for WispProvider<T> {
    fn supports(&self, _operation: Operation) -> bool {
        true
    }

    async fn list(&self) -> Result<Vec<SecretSummary>> {
        let response = self.call(Operation::List, None).await?;
        wire::parse_list(response.status, &response.body)
    }

    async fn create(&self, name: &SecretName) -> Result<IssuedToken> {
        self.issue(Operation::Create, name).await
    }

    async fn rotate(&self, name: &SecretName) -> Result<IssuedToken> {
        self.issue(Operation::Rotate, name).await
    }

    async fn delete(&self, name: &SecretName) -> Result<()> {
        // The lexicon declares no output: an empty body and `{}` are both success.
        self.call(Operation::Delete, Some(name)).await.map(|_| ())
    }
}

/// Turns a name the user typed into a [`SecretName`], or the error the UI shows.
pub fn checked_name(input: &str) -> Result<SecretName> {
    SecretName::parse(input).map_err(|problem| Error::InvalidSecretName {
        reason: problem.to_string(),
    })
}

//! The wisp.place provider: its signing-secret API
//! (`place.wisp.v2.secret.{list,create,rotate,delete}`), its name rule, which webhook records
//! use a secret, how its deliveries are signed, and how an account signs in ([`kind`]: AT
//! Protocol OAuth on the user's own PDS).
//!
//! Requests go where production sends them: to the user's PDS with
//! `atproto-proxy: <service DID>#wisp_xrpc`; the PDS mints the service JWT the wisp server
//! requires. `wispkey_atproto::xrpc::service_auth` offers the other documented path
//! (`getServiceAuth`, then straight to the service). Create, rotate and delete are never
//! retried here or anywhere below.

mod answer;
pub mod descriptor;
pub mod kind;
pub mod name;
pub mod signature;
pub mod switch;
pub mod webhooks;
mod wire;

use zeroize::Zeroize;

use wispkey_atproto::http::HttpClient;
use wispkey_atproto::xrpc::{HttpMethod, XrpcRequest, XrpcResponse, XrpcTransport};
use wispkey_core::error::{Error, Result};
use wispkey_core::provider::{
    BoxFuture, Dependent, IssuedToken, SecretProvider, SecretSummary, Webhook,
};
use wispkey_core::{Operation, SecretString};

pub use answer::interpret;
pub use descriptor::{PROVIDER_ID, descriptor};
pub use kind::WispKind;
pub use name::{NameProblem, SecretName};

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

/// Where the account's webhook records are read from (its PDS), for [`SecretProvider::dependents`].
#[derive(Clone)]
struct Records {
    http: HttpClient,
    pds: String,
}

pub struct WispProvider<T> {
    transport: T,
    service_did: String,
    records: Option<Records>,
}

impl<T: XrpcTransport> WispProvider<T> {
    pub fn new(transport: T, service_did: impl Into<String>) -> Self {
        WispProvider {
            transport,
            service_did: service_did.into(),
            records: None,
        }
    }

    /// Lets [`SecretProvider::dependents`] read the account's `place.wisp.v2.wh` records from
    /// its PDS (a public read).
    pub fn with_webhook_records(mut self, http: HttpClient, pds: impl Into<String>) -> Self {
        self.records = Some(Records {
            http,
            pds: pds.into(),
        });
        self
    }

    fn records(&self) -> Result<&Records> {
        self.records
            .as_ref()
            .ok_or_else(|| Error::StagedRotationUnsupported {
                provider: descriptor::descriptor().label,
            })
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
    fn list(&self) -> BoxFuture<'_, Result<Vec<SecretSummary>>> {
        Box::pin(async move {
            let response = self.call(Operation::List, None).await?;
            wire::parse_list(response.status, &response.body)
        })
    }

    fn create<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<IssuedToken>> {
        Box::pin(async move { self.issue(Operation::Create, &checked_name(name)?).await })
    }

    /// A wisp.place secret's id is its name. wisp.place never asks for a second factor.
    fn rotate<'a>(
        &'a self,
        id: &'a str,
        _second_factor: Option<&'a SecretString>,
    ) -> BoxFuture<'a, Result<IssuedToken>> {
        Box::pin(async move { self.issue(Operation::Rotate, &checked_name(id)?).await })
    }

    fn delete<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            // The lexicon declares no output: an empty body and `{}` are both success.
            let name = checked_name(id)?;
            self.call(Operation::Delete, Some(&name)).await.map(|_| ())
        })
    }

    fn dependents<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Vec<Dependent>>> {
        Box::pin(async move {
            let Some(records) = &self.records else {
                return Ok(Vec::new());
            };
            let uses =
                webhooks::webhooks_using(&records.http, &records.pds, self.transport.did(), id)
                    .await?;
            Ok(uses
                .into_iter()
                .map(|found| Dependent {
                    url: found.url,
                    enabled: found.enabled,
                })
                .collect())
        })
    }

    fn webhooks(&self) -> BoxFuture<'_, Result<Vec<Webhook>>> {
        Box::pin(async move {
            let records = self.records()?;
            webhooks::all_webhooks(&records.http, &records.pds, self.transport.did()).await
        })
    }

    fn switch_webhook<'a>(
        &'a self,
        id: &'a str,
        from: &'a str,
        to: &'a str,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let records = self.records()?;
            switch::switch_webhook(&self.transport, &records.http, &records.pds, id, from, to).await
        })
    }
}

/// Turns a name the user typed into a [`SecretName`], or the error the UI shows.
pub fn checked_name(input: &str) -> Result<SecretName> {
    SecretName::parse(input).map_err(|problem| Error::InvalidSecretName {
        reason: problem.to_string(),
    })
}

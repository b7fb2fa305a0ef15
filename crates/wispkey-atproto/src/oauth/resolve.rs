//! Identity resolution: what the user typed → DID → DID document → PDS → authorization server.
//!
//! Wispkey resolves everything itself rather than through atrium's resolvers, for two reasons:
//! errors need to be precise ("handle not found" vs "PDS unreachable"), and atrium's own resolvers
//! cannot reach a local PDS (`http://localhost:<port>`) or `.test` handles.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use atrium_api::did_doc::DidDocument;
use atrium_api::types::string::{Did, Handle};
use atrium_xrpc::HttpClient as _;
use atrium_xrpc::http::{Request, StatusCode};
use serde::Deserialize;

use crate::http::{HttpClient, SendError, find_send_error};
use wispkey_core::error::{Error, Result};

pub const DEFAULT_PLC_DIRECTORY: &str = "https://plc.directory";

/// How a handle becomes a DID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandleResolverConfig {
    /// The atproto methods: DNS TXT `_atproto.<handle>` (`did=…`), then
    /// `https://<handle>/.well-known/atproto-did`.
    Standard,
    /// `com.atproto.identity.resolveHandle` on this PDS (`http://localhost:2583`, say). For tests
    /// and the offline demo, whose `.test` handles exist on no DNS server.
    ViaPds { pds_url: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityConfig {
    /// PLC directory for `did:plc` (no trailing slash needed).
    pub plc_directory_url: String,
    pub handle_resolver: HandleResolverConfig,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        IdentityConfig {
            plc_directory_url: DEFAULT_PLC_DIRECTORY.to_owned(),
            handle_resolver: HandleResolverConfig::Standard,
        }
    }
}

/// Who the user is and where their data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedIdentity {
    pub did: String,
    /// Verified in both directions, or `None` (the UI then shows the DID).
    pub handle: Option<String>,
    /// The `#atproto_pds` service endpoint, e.g. `https://morel.us-east.host.bsky.network`.
    pub pds: String,
}

/// The authorization server fields Wispkey relies on (RFC 8414 + atproto profile).
#[derive(Debug, Clone, Deserialize)]
pub struct AuthServerMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub revocation_endpoint: Option<String>,
    pub pushed_authorization_request_endpoint: Option<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    #[serde(default)]
    pub dpop_signing_alg_values_supported: Vec<String>,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    pub authorization_response_iss_parameter_supported: Option<bool>,
}

impl AuthServerMetadata {
    /// The atproto OAuth profile: PAR, PKCE S256, DPoP ES256, public clients, `iss` on redirects.
    fn check_profile(&self) -> Result<()> {
        let mut problems = Vec::new();
        if self.pushed_authorization_request_endpoint.is_none() {
            problems.push("no pushed authorization request endpoint");
        }
        if !self
            .code_challenge_methods_supported
            .iter()
            .any(|m| m == "S256")
        {
            problems.push("PKCE S256 not supported");
        }
        if !self
            .dpop_signing_alg_values_supported
            .iter()
            .any(|a| a == "ES256")
        {
            problems.push("DPoP ES256 not supported");
        }
        if !self
            .token_endpoint_auth_methods_supported
            .iter()
            .any(|m| m == "none")
        {
            problems.push("public clients not supported");
        }
        if self.authorization_response_iss_parameter_supported != Some(true) {
            problems.push("no iss parameter on redirects");
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::SignInFailed {
                detail: format!(
                    "authorization server {} does not follow the atproto OAuth profile: {}",
                    self.issuer,
                    problems.join(", ")
                ),
            })
        }
    }
}

#[derive(Deserialize)]
struct ProtectedResourceMetadata {
    resource: String,
    #[serde(default)]
    authorization_servers: Vec<String>,
}

const CACHE_TTL: Duration = Duration::from_secs(60);

struct Cached<T> {
    at: Instant,
    value: T,
}

/// Resolves identities and OAuth metadata. Shared (`Arc`) by a manager and its sign-ins.
pub struct IdentityResolver {
    config: IdentityConfig,
    http: HttpClient,
    // A short cache so atrium's second pass over the same identity costs nothing, and a refresh
    // right after sign-in does not re-fetch the same documents.
    handles: Mutex<HashMap<String, Cached<String>>>,
    documents: Mutex<HashMap<String, Cached<DidDocument>>>,
    auth_servers: Mutex<HashMap<String, Cached<AuthServerMetadata>>>,
}

impl std::fmt::Debug for IdentityResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityResolver")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// What went wrong while resolving, before it becomes a user-facing [`Error`].
#[derive(Debug)]
enum Failure {
    NotFound(String),
    Unreachable(String),
    Invalid(String),
    /// Refused by our own rules (an insecure address, an oversized answer): said as it is.
    Settled(SendError),
}

impl Failure {
    fn into_error(self) -> Error {
        match self {
            Failure::NotFound(detail) => Error::HandleNotFound { detail },
            Failure::Unreachable(detail) => Error::PdsUnreachable { detail },
            Failure::Invalid(detail) => Error::HandleNotFound { detail },
            Failure::Settled(refusal) => settled(&refusal),
        }
    }
}

fn settled(refusal: &SendError) -> Error {
    refusal
        .settled_error()
        .unwrap_or_else(|| Error::PdsUnreachable {
            detail: refusal.to_string(),
        })
}

fn get<T: Clone>(cache: &Mutex<HashMap<String, Cached<T>>>, key: &str) -> Option<T> {
    let cache = cache.lock().ok()?;
    cache
        .get(key)
        .filter(|entry| entry.at.elapsed() < CACHE_TTL)
        .map(|entry| entry.value.clone())
}

fn put<T>(cache: &Mutex<HashMap<String, Cached<T>>>, key: &str, value: T) {
    if let Ok(mut cache) = cache.lock() {
        cache.retain(|_, entry| entry.at.elapsed() < CACHE_TTL);
        cache.insert(
            key.to_owned(),
            Cached {
                at: Instant::now(),
                value,
            },
        );
    }
}

impl IdentityResolver {
    pub fn new(config: IdentityConfig, http: HttpClient) -> Self {
        IdentityResolver {
            config,
            http,
            handles: Mutex::default(),
            documents: Mutex::default(),
            auth_servers: Mutex::default(),
        }
    }

    /// Resolves what the user typed (a handle, `@handle`, or a DID) to a verified identity.
    pub async fn resolve_input(&self, input: &str) -> Result<ResolvedIdentity> {
        let input = normalize_input(input)?;
        if input.starts_with("did:") {
            let document = self
                .did_document(&input)
                .await
                .map_err(Failure::into_error)?;
            let pds = pds_of(&document).map_err(Failure::into_error)?;
            // The handle is only for display; show it only if it points back to this DID.
            let handle = match claimed_handle(&document) {
                Some(handle) => match self.handle_to_did(&handle).await {
                    Ok(did) if did == document.id => Some(handle),
                    _ => None,
                },
                None => None,
            };
            Ok(ResolvedIdentity {
                did: document.id,
                handle,
                pds,
            })
        } else {
            let did = self
                .handle_to_did(&input)
                .await
                .map_err(Failure::into_error)?;
            let document = self.did_document(&did).await.map_err(Failure::into_error)?;
            check_also_known_as(&document, &input).map_err(Failure::into_error)?;
            let pds = pds_of(&document).map_err(Failure::into_error)?;
            Ok(ResolvedIdentity {
                did,
                handle: Some(input),
                pds,
            })
        }
    }

    /// The PDS's authorization server, checked against the atproto profile.
    pub async fn authorization_server_for(&self, pds: &str) -> Result<AuthServerMetadata> {
        let url = format!("{}/.well-known/oauth-protected-resource", trim_slash(pds));
        let metadata: ProtectedResourceMetadata =
            self.fetch_json(&url).await.map_err(|f| match f {
                Failure::Unreachable(detail) => Error::PdsUnreachable { detail },
                Failure::NotFound(detail) | Failure::Invalid(detail) => Error::SignInFailed {
                    detail: format!("the PDS does not offer OAuth sign-in: {detail}"),
                },
                Failure::Settled(refusal) => settled(&refusal),
            })?;
        if trim_slash(&metadata.resource) != trim_slash(pds) {
            return Err(Error::SignInFailed {
                detail: format!(
                    "protected resource metadata names {} instead of {pds}",
                    metadata.resource
                ),
            });
        }
        let [issuer] = metadata.authorization_servers.as_slice() else {
            return Err(Error::SignInFailed {
                detail: "the PDS must name exactly one authorization server".into(),
            });
        };
        let metadata = self.authorization_server(issuer).await?;
        metadata.check_profile()?;
        Ok(metadata)
    }

    /// `<issuer>/.well-known/oauth-authorization-server`, whose `issuer` must be `issuer` itself.
    pub async fn authorization_server(&self, issuer: &str) -> Result<AuthServerMetadata> {
        if let Some(found) = get(&self.auth_servers, issuer) {
            return Ok(found);
        }
        let url = format!(
            "{}/.well-known/oauth-authorization-server",
            trim_slash(issuer)
        );
        let metadata: AuthServerMetadata = self.fetch_json(&url).await.map_err(|f| match f {
            Failure::Unreachable(detail) => Error::PdsUnreachable { detail },
            Failure::NotFound(detail) | Failure::Invalid(detail) => Error::SignInFailed {
                detail: format!("authorization server metadata unavailable: {detail}"),
            },
            Failure::Settled(refusal) => settled(&refusal),
        })?;
        if metadata.issuer != issuer {
            return Err(Error::SignInFailed {
                detail: format!(
                    "authorization server metadata names issuer {} instead of {issuer}",
                    metadata.issuer
                ),
            });
        }
        put(&self.auth_servers, issuer, metadata.clone());
        Ok(metadata)
    }

    /// For a DID that a token response names: the PDS it uses now and that PDS's issuer. Used to
    /// check, before trusting a refresh, that the account still belongs to this server.
    pub async fn issuer_for_did(&self, did: &str) -> Result<(String, String)> {
        let document = self.did_document(did).await.map_err(Failure::into_error)?;
        let pds = pds_of(&document).map_err(Failure::into_error)?;
        let metadata = self.authorization_server_for(&pds).await?;
        Ok((pds, metadata.issuer))
    }

    async fn handle_to_did(&self, handle: &str) -> std::result::Result<String, Failure> {
        if let Some(did) = get(&self.handles, handle) {
            return Ok(did);
        }
        let did = match &self.config.handle_resolver {
            HandleResolverConfig::ViaPds { pds_url } => {
                self.handle_via_pds(pds_url, handle).await?
            }
            HandleResolverConfig::Standard => self.handle_standard(handle).await?,
        };
        if !did.starts_with("did:") || did.parse::<Did>().is_err() {
            return Err(Failure::Invalid(format!(
                "{handle} resolved to an invalid DID"
            )));
        }
        put(&self.handles, handle, did.clone());
        Ok(did)
    }

    async fn handle_via_pds(
        &self,
        pds_url: &str,
        handle: &str,
    ) -> std::result::Result<String, Failure> {
        #[derive(Deserialize)]
        struct Output {
            did: String,
        }
        let mut url = url::Url::parse(&format!(
            "{}/xrpc/com.atproto.identity.resolveHandle",
            trim_slash(pds_url)
        ))
        .map_err(|e| Failure::Invalid(format!("bad PDS URL for handle resolution: {e}")))?;
        url.query_pairs_mut().append_pair("handle", handle);
        match self.fetch_json::<Output>(url.as_str()).await {
            Ok(output) => Ok(output.did),
            // resolveHandle answers 400 InvalidRequest / HandleNotFound for unknown handles.
            Err(Failure::Invalid(detail)) => Err(Failure::NotFound(detail)),
            Err(other) => Err(other),
        }
    }

    async fn handle_standard(&self, handle: &str) -> std::result::Result<String, Failure> {
        // Both methods run at once; DNS wins when it answers (as in the reference resolver).
        let (dns, https) = tokio::join!(
            self.handle_via_dns(handle),
            self.handle_via_well_known(handle)
        );
        match (dns, https) {
            (Ok(Some(did)), _) => Ok(did),
            (_, Ok(did)) => Ok(did),
            (Err(dns), Err(Failure::Unreachable(https))) => {
                Err(Failure::Unreachable(format!("DNS: {dns}; HTTPS: {https}")))
            }
            (_, Err(https)) => Err(Failure::NotFound(format!(
                "no _atproto TXT record and no well-known DID for {handle} ({https:?})"
            ))),
        }
    }

    async fn handle_via_dns(&self, handle: &str) -> std::result::Result<Option<String>, String> {
        super::dns::atproto_did(&super::dns::DnsConfig::system().await, handle).await
    }

    async fn handle_via_well_known(&self, handle: &str) -> std::result::Result<String, Failure> {
        let url = format!("https://{handle}/.well-known/atproto-did");
        let body = self.fetch(&url).await?;
        let text = String::from_utf8_lossy(&body);
        Ok(text.trim().to_owned())
    }

    async fn did_document(&self, did: &str) -> std::result::Result<DidDocument, Failure> {
        if let Some(document) = get(&self.documents, did) {
            return Ok(document);
        }
        let url = did_document_url(did, &self.config.plc_directory_url)?;
        let document: DidDocument = match self.fetch_json(&url).await {
            Err(Failure::Invalid(detail)) if detail.contains("HTTP 4") => {
                return Err(Failure::NotFound(format!("{did}: {detail}")));
            }
            other => other?,
        };
        if document.id != did {
            return Err(Failure::Invalid(format!(
                "the DID document for {did} describes {}",
                document.id
            )));
        }
        put(&self.documents, did, document.clone());
        Ok(document)
    }

    async fn fetch(&self, url: &str) -> std::result::Result<Vec<u8>, Failure> {
        let request = Request::builder()
            .uri(url)
            .header(
                "accept",
                "application/json, application/did+ld+json, text/plain",
            )
            .body(Vec::new())
            .map_err(|e| Failure::Invalid(format!("bad URL {url}: {e}")))?;
        let response = self.http.send_http(request).await.map_err(|e| {
            match find_send_error(&*e) {
                // A lookup that dies half way has no side effect: both read as unreachable.
                Some(SendError::NotSent(d) | SendError::Lost(d)) => Failure::Unreachable(d.clone()),
                Some(refusal) => Failure::Settled(refusal.clone()),
                None => Failure::Unreachable(e.to_string()),
            }
        })?;
        match response.status() {
            StatusCode::OK => Ok(response.into_body()),
            status if status.is_server_error() => {
                Err(Failure::Unreachable(format!("{url}: HTTP {status}")))
            }
            status if status == StatusCode::NOT_FOUND => {
                Err(Failure::NotFound(format!("{url}: HTTP {status}")))
            }
            status => Err(Failure::Invalid(format!("{url}: HTTP {status}"))),
        }
    }

    async fn fetch_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
    ) -> std::result::Result<T, Failure> {
        let body = self.fetch(url).await?;
        serde_json::from_slice(&body).map_err(|e| Failure::Invalid(format!("{url}: {e}")))
    }
}

/// Trims, drops a leading `@`, lower-cases handles; rejects what is neither a handle nor a DID.
pub fn normalize_input(input: &str) -> Result<String> {
    let trimmed = input.trim();
    let trimmed = trimmed.strip_prefix('@').unwrap_or(trimmed);
    if trimmed.starts_with("did:") {
        return trimmed
            .parse::<Did>()
            .map(|did| did.as_str().to_owned())
            .map_err(|e| Error::HandleNotFound {
                detail: format!("not a valid DID: {e}"),
            });
    }
    let lowered = trimmed.to_ascii_lowercase();
    lowered
        .parse::<Handle>()
        .map(|handle| handle.as_str().to_owned())
        .map_err(|e| Error::HandleNotFound {
            detail: format!("not a valid handle: {e}"),
        })
}

/// `did=<did>` TXT records; several different DIDs mean the handle is ambiguous: none.
pub(super) fn did_from_txt_records(records: &[String]) -> Option<String> {
    let mut dids: Vec<&str> = records
        .iter()
        .filter_map(|record| record.strip_prefix("did="))
        .map(str::trim)
        .collect();
    dids.dedup();
    match dids.as_slice() {
        [did] => Some((*did).to_owned()),
        _ => None,
    }
}

fn did_document_url(did: &str, plc_directory: &str) -> std::result::Result<String, Failure> {
    if did.starts_with("did:plc:") {
        return Ok(format!("{}/{did}", trim_slash(plc_directory)));
    }
    if let Some(rest) = did.strip_prefix("did:web:") {
        let mut parts = rest.split(':');
        let host = parts
            .next()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| Failure::Invalid(format!("{did} names no host")))?
            .replace("%3A", ":")
            .replace("%3a", ":");
        let path: Vec<&str> = parts.collect();
        // did:web is https by definition; a `localhost` DID is only ever a developer's machine,
        // which the reference PDS also resolves over http in dev mode.
        let bare_host = host.split(':').next().unwrap_or_default();
        let scheme = if bare_host == "localhost" || bare_host == "127.0.0.1" {
            "http"
        } else {
            "https"
        };
        return Ok(if path.is_empty() {
            format!("{scheme}://{host}/.well-known/did.json")
        } else {
            format!("{scheme}://{host}/{}/did.json", path.join("/"))
        });
    }
    Err(Failure::Invalid(format!(
        "{did}: only did:plc and did:web are supported"
    )))
}

fn check_also_known_as(document: &DidDocument, handle: &str) -> std::result::Result<(), Failure> {
    let expected = format!("at://{handle}");
    let confirmed = document
        .also_known_as
        .iter()
        .flatten()
        .any(|aka| aka.eq_ignore_ascii_case(&expected));
    if confirmed {
        Ok(())
    } else {
        Err(Failure::Invalid(format!(
            "the DID document of {} does not confirm the handle {handle}",
            document.id
        )))
    }
}

fn claimed_handle(document: &DidDocument) -> Option<String> {
    document
        .also_known_as
        .iter()
        .flatten()
        .find_map(|aka| aka.strip_prefix("at://"))
        .map(str::to_ascii_lowercase)
}

fn pds_of(document: &DidDocument) -> std::result::Result<String, Failure> {
    document
        .get_pds_endpoint()
        .map(|pds| trim_slash(&pds).to_owned())
        .ok_or_else(|| {
            Failure::Invalid(format!("the DID document of {} names no PDS", document.id))
        })
}

fn trim_slash(url: &str) -> &str {
    url.strip_suffix('/').unwrap_or(url)
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_trimmed_unprefixed_and_lowercased() {
        assert_eq!(normalize_input("  @Alice.Test ").unwrap(), "alice.test");
        assert_eq!(
            normalize_input("did:plc:abcdefghijklmnopqrstuvwx").unwrap(),
            "did:plc:abcdefghijklmnopqrstuvwx"
        );
    }

    #[test]
    fn input_that_is_neither_handle_nor_did_is_handle_not_found() {
        for bad in ["", "not a handle", "alice", "did:"] {
            let error = normalize_input(bad).unwrap_err();
            assert!(
                matches!(error, Error::HandleNotFound { .. }),
                "{bad}: {error:?}"
            );
        }
    }

    #[test]
    fn a_single_did_txt_record_resolves_and_conflicting_ones_do_not() {
        let one = vec!["did=did:plc:abc".to_owned(), "v=spf1".to_owned()];
        assert_eq!(did_from_txt_records(&one).as_deref(), Some("did:plc:abc"));
        let two = vec!["did=did:plc:abc".to_owned(), "did=did:plc:xyz".to_owned()];
        assert_eq!(did_from_txt_records(&two), None);
    }

    #[test]
    fn did_document_urls_follow_the_method() {
        assert_eq!(
            did_document_url("did:plc:abc", "https://plc.directory/").unwrap(),
            "https://plc.directory/did:plc:abc"
        );
        assert_eq!(
            did_document_url("did:web:example.com", DEFAULT_PLC_DIRECTORY).unwrap(),
            "https://example.com/.well-known/did.json"
        );
        assert_eq!(
            did_document_url("did:web:example.com:user:alice", DEFAULT_PLC_DIRECTORY).unwrap(),
            "https://example.com/user/alice/did.json"
        );
        assert_eq!(
            did_document_url("did:web:localhost%3A2583", DEFAULT_PLC_DIRECTORY).unwrap(),
            "http://localhost:2583/.well-known/did.json"
        );
        assert!(did_document_url("did:key:z6Mk", DEFAULT_PLC_DIRECTORY).is_err());
    }

    fn document(aka: Option<Vec<&str>>) -> DidDocument {
        serde_json::from_value(serde_json::json!({
            "id": "did:plc:abc",
            "alsoKnownAs": aka,
            "service": [{
                "id": "#atproto_pds",
                "type": "AtprotoPersonalDataServer",
                "serviceEndpoint": "http://localhost:2583/"
            }]
        }))
        .unwrap()
    }

    #[test]
    fn a_handle_must_be_confirmed_by_the_did_document() {
        assert!(
            check_also_known_as(&document(Some(vec!["at://alice.test"])), "alice.test").is_ok()
        );
        assert!(check_also_known_as(&document(Some(vec!["at://bob.test"])), "alice.test").is_err());
        // atrium accepts a document with no alsoKnownAs at all; we do not.
        assert!(check_also_known_as(&document(None), "alice.test").is_err());
    }

    #[test]
    fn the_pds_is_the_atproto_pds_service_without_trailing_slash() {
        assert_eq!(pds_of(&document(None)).unwrap(), "http://localhost:2583");
    }
}

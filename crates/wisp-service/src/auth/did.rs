//! Finding a caller's atproto signing key: DID document from the PLC
//! directory (`did:plc`) or the host (`did:web`), with a short cache.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::keys::PublicKey;
use super::multikey;
use crate::Error;

/// Long enough to spare the PLC a fetch per request, short enough that a key
/// rotation is picked up soon; a failed signature re-fetches anyway.
const CACHE_TTL: Duration = Duration::from_secs(60);
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_DOC_BYTES: usize = 256 * 1024;

/// Resolves DIDs to their `#atproto` key.
#[derive(Debug)]
pub struct DidResolver {
    plc_url: String,
    http: reqwest::Client,
    cache: Mutex<HashMap<String, (Instant, PublicKey)>>,
}

impl DidResolver {
    /// A resolver that asks `plc_url` (e.g. `http://127.0.0.1:2582`) for `did:plc`.
    pub fn new(plc_url: &str) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            // The PLC of a test stack is on loopback; an ambient proxy would break it.
            .no_proxy()
            .timeout(FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("cannot build HTTP client: {e}")))?;
        Ok(Self {
            plc_url: plc_url.trim_end_matches('/').to_owned(),
            http,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The DID's atproto key; `fresh` bypasses (and refreshes) the cache.
    pub async fn signing_key(&self, did: &str, fresh: bool) -> Result<PublicKey, Error> {
        if !fresh {
            let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((at, key)) = cache.get(did)
                && at.elapsed() < CACHE_TTL
            {
                return Ok(key.clone());
            }
        }
        let doc = self
            .fetch_document(did)
            .await
            .ok_or_else(|| Error::auth(format!("failed to retrieve did document for {did}")))?;
        let key = atproto_key(did, &doc)?;
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(did.to_owned(), (Instant::now(), key.clone()));
        Ok(key)
    }

    /// The DID's PDS (`#atproto_pds` service endpoint), for reading its records.
    pub async fn pds_endpoint(&self, did: &str) -> Option<String> {
        let doc = self.fetch_document(did).await?;
        doc.get("service")?
            .as_array()?
            .iter()
            .find(|service| {
                service
                    .get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|id| id == "#atproto_pds" || id.ends_with("#atproto_pds"))
            })?
            .get("serviceEndpoint")?
            .as_str()
            .map(|endpoint| endpoint.trim_end_matches('/').to_owned())
    }

    /// The HTTP client (no proxy, short timeout) other reads of the service reuse.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    fn document_url(&self, did: &str) -> Option<String> {
        if did.starts_with("did:plc:") {
            return Some(format!("{}/{did}", self.plc_url));
        }
        // atproto allows only host-level did:web; a port is written %3A.
        let id = did.strip_prefix("did:web:")?;
        if id.is_empty() || id.contains([':', '/', '?', '#', '@']) {
            return None;
        }
        let host = id.replace("%3A", ":").replace("%3a", ":");
        let hostname = host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h);
        let scheme = if matches!(hostname, "localhost" | "127.0.0.1" | "[::1]") {
            "http"
        } else {
            "https"
        };
        Some(format!("{scheme}://{host}/.well-known/did.json"))
    }

    async fn fetch_document(&self, did: &str) -> Option<Value> {
        let url = self.document_url(did)?;
        let response = self
            .http
            .get(url)
            .send()
            .await
            .ok()?
            .error_for_status()
            .ok()?;
        if response
            .content_length()
            .is_some_and(|n| n > MAX_DOC_BYTES as u64)
        {
            return None;
        }
        let bytes = response.bytes().await.ok()?;
        if bytes.len() > MAX_DOC_BYTES {
            return None;
        }
        let doc: Value = serde_json::from_slice(&bytes).ok()?;
        // A document for another DID is as good as none.
        (doc.get("id").and_then(Value::as_str) == Some(did)).then_some(doc)
    }
}

/// The `#atproto` verification method of `doc`, as a key.
pub fn atproto_key(did: &str, doc: &Value) -> Result<PublicKey, Error> {
    let full_id = format!("{did}#atproto");
    let method = doc
        .get("verificationMethod")
        .and_then(Value::as_array)
        .and_then(|methods| {
            methods.iter().find(|m| {
                m.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|id| id == "#atproto" || id == full_id)
            })
        })
        .ok_or_else(|| {
            Error::auth(format!(
                "{did} does not have an atproto verification material"
            ))
        })?;
    let invalid = || Error::auth(format!("{did} has invalid atproto verification material"));
    let multibase = method
        .get("publicKeyMultibase")
        .and_then(Value::as_str)
        .ok_or_else(invalid)?;
    let key = match method.get("type").and_then(Value::as_str) {
        Some("Multikey") => multikey::decode(multibase),
        Some(legacy) => multikey::decode_legacy(legacy, multibase),
        None => None,
    };
    key.ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key() -> PublicKey {
        PublicKey::K256(
            *k256::ecdsa::SigningKey::from_slice(&[2u8; 32])
                .unwrap()
                .verifying_key(),
        )
    }

    #[test]
    fn finds_the_atproto_multikey_by_relative_or_full_id() {
        for id in ["#atproto", "did:plc:abc#atproto"] {
            let doc = json!({"id": "did:plc:abc", "verificationMethod": [
                {"id": "#other", "type": "Multikey", "publicKeyMultibase": "zbad"},
                {"id": id, "type": "Multikey", "controller": "did:plc:abc",
                 "publicKeyMultibase": multikey::encode(&key())}
            ]});
            assert_eq!(atproto_key("did:plc:abc", &doc).unwrap(), key());
        }
    }

    #[test]
    fn a_document_without_an_atproto_key_is_reported() {
        let doc = json!({"id": "did:plc:abc", "verificationMethod": []});
        let err = atproto_key("did:plc:abc", &doc).unwrap_err();
        assert_eq!(
            err.to_string(),
            "did:plc:abc does not have an atproto verification material"
        );
        let doc = json!({"id": "did:plc:abc", "verificationMethod": [
            {"id": "#atproto", "type": "Multikey", "publicKeyMultibase": "z111"}]});
        let err = atproto_key("did:plc:abc", &doc).unwrap_err();
        assert_eq!(
            err.to_string(),
            "did:plc:abc has invalid atproto verification material"
        );
    }

    #[test]
    fn plc_dids_go_to_the_configured_directory_and_web_dids_to_their_host() {
        let resolver = DidResolver::new("http://127.0.0.1:2582/").unwrap();
        assert_eq!(
            resolver.document_url("did:plc:abc").unwrap(),
            "http://127.0.0.1:2582/did:plc:abc"
        );
        assert_eq!(
            resolver.document_url("did:web:localhost%3A5000").unwrap(),
            "http://localhost:5000/.well-known/did.json"
        );
        assert_eq!(
            resolver.document_url("did:web:example.com").unwrap(),
            "https://example.com/.well-known/did.json"
        );
        assert!(resolver.document_url("did:web:example.com:path").is_none());
        assert!(resolver.document_url("did:key:z123").is_none());
    }
}

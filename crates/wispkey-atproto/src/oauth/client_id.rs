//! Who Wispkey is to the authorization server: a loopback client (no hosting) or a hosted
//! client-metadata document.
//!
//! # Loopback (default)
//! `client_id = http://localhost?redirect_uri=<enc>&scope=<enc>` with the redirect
//! `http://127.0.0.1:<port>/callback`. The port and scope are *inside* the client id, so they are
//! stored with each account ([`ClientParams`]) and every refresh, revoke and restore rebuilds the
//! identical string. The server shows "an application on your device" and asks for consent every
//! time.
//!
//! # Hosted (for a published build)
//! `ClientConfig::Hosted { client_id }` where `client_id` is the https URL of a JSON document
//! served verbatim from that URL. [`hosted_client_metadata`] writes it (atrium 0.2.0's metadata
//! types have no `application_type`, so the document is written here by hand):
//!
//! ```json
//! {
//!   "client_id": "https://wispkey.example/oauth/client-metadata.json",
//!   "client_name": "Wispkey",
//!   "application_type": "native",
//!   "grant_types": ["authorization_code", "refresh_token"],
//!   "response_types": ["code"],
//!   "redirect_uris": ["http://127.0.0.1/callback"],
//!   "scope": "atproto transition:generic rpc:place.wisp.v2.secret.create?aud=* …",
//!   "token_endpoint_auth_method": "none",
//!   "dpop_bound_access_tokens": true
//! }
//! ```
//!
//! The loopback redirect is registered without a port, which lets the server accept any port
//! (RFC 8252 §7.3), so the listener still binds a free one. `scope` lists every scope Wispkey may
//! request (granular and full access). Publish the document with
//! `content-type: application/json`; the server fetches it during PAR.

use serde::{Deserialize, Serialize};

use super::loopback::{CALLBACK_PATH, redirect_uri};
use super::scopes::{FULL_ACCESS_SCOPE, GRANULAR_SCOPE, GRANULAR_WITH_WEBHOOKS_SCOPE};
use wispkey_core::error::{Error, Result};

/// Configured once per app build.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ClientConfig {
    #[default]
    Loopback,
    Hosted {
        /// https URL of the client-metadata document; it is also the client id.
        client_id: String,
    },
}

impl ClientConfig {
    pub(crate) fn params(&self, port: u16, scope: String) -> ClientParams {
        match self {
            ClientConfig::Loopback => ClientParams::Loopback { port, scope },
            ClientConfig::Hosted { client_id } => ClientParams::Hosted {
                client_id: client_id.clone(),
                port,
                scope,
            },
        }
    }
}

/// What one account's session was issued to. Persisted with the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum ClientParams {
    Loopback {
        port: u16,
        scope: String,
    },
    Hosted {
        client_id: String,
        port: u16,
        scope: String,
    },
}

impl ClientParams {
    pub fn port(&self) -> u16 {
        match self {
            ClientParams::Loopback { port, .. } | ClientParams::Hosted { port, .. } => *port,
        }
    }

    pub fn scope(&self) -> &str {
        match self {
            ClientParams::Loopback { scope, .. } | ClientParams::Hosted { scope, .. } => scope,
        }
    }

    pub fn redirect_uri(&self) -> String {
        redirect_uri(self.port())
    }

    /// The client id, rebuilt from the stored parameters (the sign-in sends this same string, so
    /// a refresh's is identical).
    pub fn client_id(&self) -> String {
        match self {
            ClientParams::Loopback { scope, .. } => {
                let query = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("redirect_uri", &self.redirect_uri())
                    .append_pair("scope", scope)
                    .finish();
                format!("http://localhost?{query}")
            }
            ClientParams::Hosted { client_id, .. } => client_id.clone(),
        }
    }

    pub fn validate(&self) -> Result<()> {
        if let ClientParams::Hosted { client_id, .. } = self {
            let url = url::Url::parse(client_id).map_err(|e| Error::SignInFailed {
                detail: format!("hosted client id is not a URL: {e}"),
            })?;
            if url.scheme() != "https" {
                return Err(Error::SignInFailed {
                    detail: "a hosted client id must be an https URL".into(),
                });
            }
        }
        if !self.scope().split_whitespace().any(|s| s == "atproto") {
            return Err(Error::SignInFailed {
                detail: "the requested scope must include atproto".into(),
            });
        }
        Ok(())
    }
}

/// The loopback client id for a redirect on `port` and a space-separated `scope`: what a stored
/// session's `client.port` and `client.scope` rebuild on every refresh.
pub fn loopback_client_id(port: u16, scope: &str) -> String {
    ClientParams::Loopback {
        port,
        scope: scope.to_owned(),
    }
    .client_id()
}

/// The client-metadata document to publish at `client_id` for [`ClientConfig::Hosted`].
pub fn hosted_client_metadata(client_id: &str, client_name: &str) -> serde_json::Value {
    // Every scope Wispkey may ask for: a server refuses a request for one the client's
    // metadata does not list (the webhook records' scope is asked for by a staged rotation).
    let mut scopes: Vec<&str> = FULL_ACCESS_SCOPE.split(' ').collect();
    for scope in GRANULAR_SCOPE
        .split(' ')
        .chain(GRANULAR_WITH_WEBHOOKS_SCOPE.split(' '))
    {
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    serde_json::json!({
        "client_id": client_id,
        "client_name": client_name,
        "application_type": "native",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "redirect_uris": [format!("http://127.0.0.1{CALLBACK_PATH}")],
        "scope": scopes.join(" "),
        "token_endpoint_auth_method": "none",
        "dpop_bound_access_tokens": true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loopback_client_id_is_rebuilt_identically_from_port_and_scope() {
        let params = ClientConfig::Loopback.params(41234, GRANULAR_SCOPE.to_owned());
        let stored = serde_json::to_string(&params).unwrap();
        let restored: ClientParams = serde_json::from_str(&stored).unwrap();
        assert_eq!(restored.client_id(), params.client_id());
        assert!(params.client_id().starts_with(
            "http://localhost?redirect_uri=http%3A%2F%2F127.0.0.1%3A41234%2Fcallback&scope=atproto+rpc%3A"
        ));
    }

    #[test]
    fn the_hosted_document_is_a_native_public_dpop_client() {
        let doc = hosted_client_metadata("https://wispkey.example/client-metadata.json", "Wispkey");
        assert_eq!(
            doc["client_id"],
            "https://wispkey.example/client-metadata.json"
        );
        assert_eq!(doc["application_type"], "native");
        assert_eq!(doc["token_endpoint_auth_method"], "none");
        assert_eq!(doc["dpop_bound_access_tokens"], true);
        assert_eq!(doc["redirect_uris"][0], "http://127.0.0.1/callback");
        let scope = doc["scope"].as_str().unwrap();
        for needed in [
            "atproto",
            "transition:generic",
            "rpc:place.wisp.v2.secret.rotate?aud=*",
            "repo:place.wisp.v2.wh",
        ] {
            assert!(
                scope.split(' ').any(|s| s == needed),
                "{needed} missing from {scope}"
            );
        }
    }

    #[test]
    fn a_hosted_client_id_must_be_https() {
        let params = ClientConfig::Hosted {
            client_id: "http://wispkey.example/client-metadata.json".into(),
        }
        .params(1234, GRANULAR_SCOPE.into());
        assert!(params.validate().is_err());
    }
}

//! Shared by the `oauth_*` integration tests: the real local stack (`WISPKEY_STACK_JSON`, set by
//! `scripts/desktop-session.sh`), a real Secret Service, and the consent page driven by
//! `stack/consent.mjs` through `WISPKEY_BROWSER`.
//!
//! Without the stack these tests fail with a message saying how to run them: a green run must
//! mean the OAuth flow really worked against a real authorization server.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use atrium_xrpc::HttpClient as _;
use atrium_xrpc::http::{Method, Request};
use serde::Deserialize;
use wispkey_core::oauth::{
    CommandBrowser, HandleResolverConfig, IdentityConfig, OAuthConfig, OAuthManager, session_item,
};
use wispkey_core::transport::http::HttpClient;
use wispkey_core::transport::{HttpMethod, XrpcRequest, XrpcResponse, XrpcTransport};
use wispkey_core::vault::Vault;

pub const STACK_ENV: &str = "WISPKEY_STACK_JSON";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stack {
    pub dir: Option<String>,
    pub plc_url: String,
    pub pds_url: String,
    pub wisp_service_did: String,
    pub accounts: Vec<StackAccount>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StackAccount {
    pub handle: String,
    pub did: String,
    pub password: String,
}

impl Stack {
    pub fn load() -> Stack {
        let Some(path) = std::env::var_os(STACK_ENV) else {
            panic!(
                "{STACK_ENV} is not set. These tests sign in against the real local PDS: run them \
                 through scripts/desktop-session.sh (it starts gnome-keyring and the stack), e.g.\n  \
                 scripts/desktop-session.sh cargo nextest run -p wispkey-core --test 'oauth_*'\n\
                 or start the stack yourself (scripts/stack.sh start --dir DIR) and set \
                 {STACK_ENV}=DIR/stack.json inside a D-Bus session with an unlocked gnome-keyring."
            )
        };
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {STACK_ENV}={}: {e}", path.to_string_lossy()));
        serde_json::from_str(&text).expect("stack.json has the documented shape")
    }

    pub fn account(&self, handle: &str) -> StackAccount {
        self.accounts
            .iter()
            .find(|a| a.handle == handle)
            .cloned()
            .unwrap_or_else(|| panic!("stack.json has no account {handle}"))
    }

    pub fn wisp_proxy(&self) -> String {
        format!("{}#wisp_xrpc", self.wisp_service_did)
    }

    pub fn config(&self) -> OAuthConfig {
        OAuthConfig {
            identity: IdentityConfig {
                plc_directory_url: self.plc_url.clone(),
                handle_resolver: HandleResolverConfig::ViaPds {
                    pds_url: self.pds_url.clone(),
                },
            },
            wisp_service: self.wisp_proxy(),
            sign_in_timeout: Duration::from_secs(60),
            ..OAuthConfig::default()
        }
    }
}

/// A keychain service name of its own per test, so parallel tests never see each other's items.
pub fn test_vault(label: &str) -> Vault {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run through scripts/desktop-session.sh"
    );
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    Vault::new(format!(
        "place.wisp.wispkey.oauth-test.{label}.{}.{nanos}",
        std::process::id()
    ))
}

pub fn manager(stack: &Stack, vault: &Vault) -> OAuthManager {
    OAuthManager::new(stack.config(), vault.clone()).unwrap()
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

#[derive(Debug, Clone, Copy)]
pub enum Consent {
    Authorize,
    Deny,
}

/// The consent automation: `WISPKEY_BROWSER` when set, else the repository's
/// `stack/consent-browser.sh` (playwright-core driving Debian's chromium). The account's
/// credentials go to that process only.
pub fn consent_browser(account: &StackAccount, consent: Consent, log: &Path) -> CommandBrowser {
    let browser = CommandBrowser::from_env()
        .unwrap_or_else(|| CommandBrowser::new(repo_root().join("stack/consent-browser.sh")));
    browser
        .env("WISPKEY_CONSENT_HANDLE", &account.handle)
        .env("WISPKEY_CONSENT_PASSWORD", &account.password)
        .env(
            "WISPKEY_CONSENT_ACTION",
            match consent {
                Consent::Authorize => "authorize",
                Consent::Deny => "deny",
            },
        )
        .env("WISPKEY_CONSENT_LOG", log)
}

/// A per-test scratch folder (consent logs): inside the private desktop session's folder when
/// there is one (deleted when the session ends), else the temp dir.
pub fn scratch(label: &str) -> PathBuf {
    let base = std::env::var_os("WISPKEY_SESSION_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!(
        "wispkey-oauth-{label}-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn list_request(stack: &Stack) -> XrpcRequest {
    XrpcRequest {
        method: HttpMethod::Get,
        nsid: "place.wisp.v2.secret.list".into(),
        query: Vec::new(),
        json_body: None,
        proxy: Some(stack.wisp_proxy()),
    }
}

pub async fn list_secrets(manager: &OAuthManager, stack: &Stack, did: &str) -> XrpcResponse {
    let transport = manager.transport(did).await.unwrap();
    assert_eq!(transport.did(), did);
    transport.send(list_request(stack)).await.unwrap()
}

/// The stored session of `did` as JSON (the test reads the keychain to get at old tokens; it
/// never puts a token into the flow).
pub async fn stored_session(vault: &Vault, did: &str) -> serde_json::Value {
    let secret = vault.read_async(&session_item(did)).await.unwrap();
    serde_json::from_str(secret.expose()).unwrap()
}

pub fn field(record: &serde_json::Value, name: &str) -> String {
    record[name]
        .as_str()
        .unwrap_or_else(|| panic!("stored session has no {name}"))
        .to_owned()
}

fn dpop_client(
    record: &serde_json::Value,
    auth_server: bool,
) -> atrium_oauth::DpopClient<HttpClient> {
    let key: jose_jwk::Key = serde_json::from_str(&field(record, "dpop_key")).unwrap();
    let http = std::sync::Arc::new(HttpClient::new(Duration::from_secs(20)).unwrap());
    atrium_oauth::DpopClient::new(key, http, auth_server, &None).unwrap()
}

/// `com.atproto.server.getSession` on the PDS with a given access token, DPoP-signed with the
/// session's key. Returns the HTTP status.
pub async fn pds_status_with(record: &serde_json::Value, access_token: &str) -> u16 {
    let client = dpop_client(record, false);
    let request = Request::builder()
        .method(Method::GET)
        .uri(format!(
            "{}/xrpc/com.atproto.server.getSession",
            field(record, "pds")
        ))
        .header("authorization", format!("DPoP {access_token}"))
        .body(Vec::new())
        .unwrap();
    client.send_http(request).await.unwrap().status().as_u16()
}

/// A refresh-token grant sent directly to the token endpoint. Returns status and JSON body.
pub async fn raw_refresh(
    record: &serde_json::Value,
    refresh_token: &str,
) -> (u16, serde_json::Value) {
    let client = dpop_client(record, true);
    let client_id = wispkey_core::oauth::loopback_client_id(
        u16::try_from(record["client"]["port"].as_u64().unwrap()).unwrap(),
        record["client"]["scope"].as_str().unwrap(),
    );
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "refresh_token")
        .append_pair("refresh_token", refresh_token)
        .append_pair("client_id", &client_id)
        .finish();
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("{}/oauth/token", field(record, "issuer")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.into_bytes())
        .unwrap();
    let response = client.send_http(request).await.unwrap();
    let body = serde_json::from_slice(response.body()).unwrap_or(serde_json::Value::Null);
    (response.status().as_u16(), body)
}

/// Signs out every account a test signed in, so sessions do not pile up in the keychain.
pub async fn sign_out_all(manager: &OAuthManager) {
    for account in manager.accounts().await.unwrap_or_default() {
        let _ = manager.sign_out(&account.did).await;
    }
}

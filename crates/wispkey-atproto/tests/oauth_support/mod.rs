//! Shared by the `oauth_*` integration tests: the real local stack (`wispkey-test-support`'s
//! [`Stack`], from `scripts/desktop-session.sh`), a real Secret Service, and the consent page driven by
//! `stack/consent.mjs` through `WISPKEY_BROWSER`.
//!
//! Without the stack these tests fail with a message saying how to run them: a green run must
//! mean the OAuth flow really worked against a real authorization server.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use atrium_xrpc::HttpClient as _;
use atrium_xrpc::http::{Method, Request};
use wispkey_atproto::http::HttpClient;
use wispkey_atproto::oauth::{
    Account, HandleResolverConfig, IdentityConfig, OAuthConfig, OAuthManager, SignInOptions,
    session_item,
};
use wispkey_atproto::xrpc::{HttpMethod, XrpcRequest, XrpcResponse, XrpcTransport};
use wispkey_core::browser::CommandBrowser;
use wispkey_core::vault::Vault;
use wispkey_test_support::{scratch_dir, unique_name};

pub use wispkey_test_support::{Stack, TestAccount};

/// The wisp service as the PDS proxies to it (`atproto-proxy`).
pub fn wisp_proxy(stack: &Stack) -> String {
    format!("{}#wisp_xrpc", stack.wisp_did().unwrap())
}

/// Sign-in settings for the local stack: its PLC, handles resolved by its PDS.
pub fn oauth_config(stack: &Stack) -> OAuthConfig {
    OAuthConfig {
        identity: IdentityConfig {
            plc_directory_url: stack.plc_url().unwrap(),
            handle_resolver: HandleResolverConfig::ViaPds {
                pds_url: stack.pds_url().unwrap(),
            },
        },
        wisp_service: wisp_proxy(stack),
        sign_in_timeout: Duration::from_secs(60),
        ..OAuthConfig::default()
    }
}

/// A keychain service name of its own per test, so parallel tests never see each other's items.
pub fn test_vault(label: &str) -> Vault {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run through scripts/desktop-session.sh"
    );
    Vault::new(unique_name(&format!(
        "place.wisp.wispkey.oauth-test.{label}"
    )))
}

pub fn manager(stack: &Stack, vault: &Vault) -> OAuthManager {
    OAuthManager::new(oauth_config(stack), vault.clone()).unwrap()
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
pub fn consent_browser(account: &TestAccount, consent: Consent, log: &Path) -> CommandBrowser {
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

/// Signs `handle` in through `browser` (a [`consent_browser`] writing to `log`) and expects it
/// to work; a failure shows the consent page's log.
pub async fn sign_in_expecting_success(
    manager: &OAuthManager,
    handle: &str,
    browser: &CommandBrowser,
    log: &Path,
) -> Account {
    manager
        .sign_in(
            handle,
            browser,
            SignInOptions {
                timeout: Some(Duration::from_secs(60)),
                ..SignInOptions::default()
            },
        )
        .await
        .unwrap_or_else(|e| {
            panic!(
                "{e:?}; consent log:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            )
        })
}

/// A per-test scratch folder (consent logs): inside the private desktop session's folder when
/// there is one (deleted when the session ends), else the temp dir.
pub fn scratch(label: &str) -> PathBuf {
    scratch_dir(&format!("wispkey-oauth-{label}")).unwrap()
}

pub fn list_request(stack: &Stack) -> XrpcRequest {
    XrpcRequest {
        method: HttpMethod::Get,
        nsid: "place.wisp.v2.secret.list".into(),
        query: Vec::new(),
        json_body: None,
        proxy: Some(wisp_proxy(stack)),
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
    let client_id = wispkey_atproto::oauth::loopback_client_id(
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

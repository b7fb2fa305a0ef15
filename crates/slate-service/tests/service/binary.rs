//! The `slate-service` binary: ready line, demo seed, state across restarts.

use std::process::{Command, Stdio};

use serde_json::{Value, json};
use service_kit::ready::Spawned;

async fn start(state: &std::path::Path, demo: &std::path::Path) -> (Spawned, Value) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_slate-service"));
    command
        .args(["--bind", "127.0.0.1:0", "--state"])
        .arg(state)
        .arg("--seed-demo")
        .arg(demo)
        .stderr(Stdio::inherit());
    let (child, line) = Spawned::start(command).await.unwrap();
    (child, serde_json::from_str(&line).unwrap())
}

async fn sign_in_without_totp(url: &str, who: &Value) -> String {
    let pair: Value = reqwest::Client::new()
        .post(format!("{url}/api/admin/users/login"))
        .json(&json!({"email": who["email"], "password": who["password"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    pair["access_token"].as_str().unwrap().to_owned()
}

async fn list(url: &str, bearer: &str) -> Value {
    reqwest::Client::new()
        .get(format!("{url}/api-tokens"))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_binary_seeds_the_demo_once_and_keeps_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let (state, demo_file) = (dir.path().join("state.json"), dir.path().join("demo.json"));
    let (child, ready) = start(&state, &demo_file).await;
    let url = ready["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("http://127.0.0.1:{}", ready["port"]));
    assert_eq!(ready["testControl"], format!("{url}/_test"));
    // The ready line names the demo users; their secrets are only in the file.
    assert_eq!(ready["demo"]["email"], "demo@slate.test");
    assert_eq!(ready["demo"]["withoutTotp"]["email"], "ops@slate.test");
    assert!(ready["demo"].get("password").is_none() && ready["demo"].get("totpSecret").is_none());
    assert!(ready["demo"]["withoutTotp"].get("password").is_none());
    let written: Value = serde_json::from_slice(&std::fs::read(&demo_file).unwrap()).unwrap();
    let demo = &written;
    assert_eq!(demo["userId"], ready["demo"]["userId"]);
    assert_eq!(demo["totpSecret"].as_str().unwrap().len(), 32);
    assert_eq!(demo["withoutTotp"]["email"], "ops@slate.test");
    assert!(demo["withoutTotp"]["totpSecret"].is_null());

    // The TOTP user is asked for a code.
    let response = reqwest::Client::new()
        .post(format!("{url}/api/admin/users/login"))
        .json(&json!({"email": demo["email"], "password": demo["password"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    // ...and with one from its seed sees the six demo tokens.
    let seed = demo["totpSecret"].as_str().unwrap();
    let now = slate_service::time::now_secs();
    let code = slate_service::totp::Authenticator::from_base32(seed)
        .unwrap()
        .code_for_step(slate_service::totp::step_at(now));
    let pair: Value = reqwest::Client::new()
        .post(format!("{url}/api/admin/users/login"))
        .json(&json!({"email": demo["email"], "password": demo["password"], "totp_code": code}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tokens = list(&url, pair["access_token"].as_str().unwrap()).await;
    let tokens = tokens.as_array().unwrap();
    assert_eq!(tokens.len(), 6);
    let statuses: Vec<_> = tokens
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "active", "active", "disabled", "revoked", "expired", "active"
        ]
    );
    assert_eq!(tokens[1]["name"], tokens[2]["name"]);
    assert_eq!(tokens[1]["webhook_enabled"], false);
    assert!(tokens[5]["webhook_url"].is_null());

    // The demo's tokens are reachable through one of them used as a bearer.
    let ops = sign_in_without_totp(&url, &demo["withoutTotp"]).await;
    let ops_tokens = list(&url, &ops).await;
    assert_eq!(ops_tokens.as_array().unwrap().len(), 1);
    drop(child);

    // A restart finds the same users and tokens, and seeds nothing new.
    let (_child, ready) = start(&state, &demo_file).await;
    let rewritten: Value = serde_json::from_slice(&std::fs::read(&demo_file).unwrap()).unwrap();
    assert_eq!(&rewritten, demo);
    let url = ready["url"].as_str().unwrap();
    let ops = sign_in_without_totp(url, &demo["withoutTotp"]).await;
    assert_eq!(list(url, &ops).await, ops_tokens);
}

#[test]
fn a_non_loopback_bind_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_slate-service"))
        .args(["--bind", "0.0.0.0:0", "--state"])
        .arg(dir.path().join("s.json"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("non-loopback"));
}

//! The `wisp-service` binary's command-line interface.

use std::process::{Command, Stdio};

use serde_json::{Value, json};
use service_kit::ready::Spawned;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wisp-service"))
}

#[tokio::test]
async fn the_binary_prints_one_ready_line_and_serves_its_did_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = binary();
    command
        .args(["--bind", "127.0.0.1:0", "--plc-url", "http://127.0.0.1:9"])
        .arg("--state")
        .arg(dir.path().join("state.json"))
        .stderr(Stdio::inherit());
    let (_child, line) = Spawned::start(command).await.unwrap();

    let ready: Value = serde_json::from_str(&line).unwrap();
    let port = ready["port"].as_u64().unwrap();
    assert_ne!(port, 0);
    assert_eq!(
        line.trim_end(),
        format!(
            r#"{{"url":"http://127.0.0.1:{port}","did":"did:web:localhost%3A{port}","port":{port}}}"#
        )
    );

    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let doc: Value = serde_json::from_str(
        &http
            .get(format!("http://127.0.0.1:{port}/.well-known/did.json"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(doc["id"], ready["did"]);
    assert_eq!(
        doc["service"],
        json!([{"id": "#wisp_xrpc", "type": "AtprotoService", "serviceEndpoint": format!("http://localhost:{port}")}])
    );
}

#[test]
fn the_binary_refuses_a_non_loopback_bind() {
    let dir = tempfile::tempdir().unwrap();
    let output = binary()
        .args(["--bind", "0.0.0.0:0", "--plc-url", "http://127.0.0.1:9"])
        .arg("--state")
        .arg(dir.path().join("state.json"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("non-loopback"));
}

#[test]
fn the_binary_refuses_a_bad_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, "not a key").unwrap();
    let output = binary()
        .args(["--plc-url", "http://127.0.0.1:9"])
        .arg("--state")
        .arg(dir.path().join("state.json"))
        .arg("--encryption-key-file")
        .arg(&key)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("32 raw bytes or 64 hex characters"));
}

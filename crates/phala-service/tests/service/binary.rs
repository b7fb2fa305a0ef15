//! The `phala-service` binary: ready line, demo seed, state across restarts.

use std::process::{Command, Stdio};

use serde_json::Value;
use service_kit::ready::Spawned;

async fn start(state: &std::path::Path, demo: &std::path::Path) -> (Spawned, Value) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_phala-service"));
    command
        .args(["--bind", "127.0.0.1:0", "--state"])
        .arg(state)
        .arg("--seed-demo")
        .arg(demo)
        .stderr(Stdio::inherit());
    let (child, line) = Spawned::start(command).await.unwrap();
    (child, serde_json::from_str(&line).unwrap())
}

#[tokio::test]
async fn the_binary_seeds_a_demo_workspace_once_and_keeps_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let (state, demo_file) = (dir.path().join("state.json"), dir.path().join("demo.json"));
    let (child, ready) = start(&state, &demo_file).await;
    let url = ready["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("http://127.0.0.1:{}", ready["port"]));
    let demo = &ready["demo"];
    let api_key = demo["apiKey"].as_str().unwrap().to_owned();
    assert!(api_key.starts_with("phak_"));
    assert_eq!(demo["totpSecret"].as_str().unwrap().len(), 32);
    let written: Value = serde_json::from_slice(&std::fs::read(&demo_file).unwrap()).unwrap();
    assert_eq!(&written, demo);

    let list = |url: String, key: String| async move {
        reqwest::Client::new()
            .get(format!("{url}/api/v1/workspace/webhooks"))
            .header("X-API-Key", key)
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    let before = list(url, api_key.clone()).await;
    assert_eq!(before.as_array().unwrap().len(), 3);
    assert_eq!(before[2]["enabled"], false);
    drop(child);

    // A restart finds the same workspace and webhooks, and seeds nothing new.
    let (_child, ready) = start(&state, &demo_file).await;
    assert_eq!(ready["demo"]["apiKey"], api_key.as_str());
    let after = list(ready["url"].as_str().unwrap().to_owned(), api_key).await;
    assert_eq!(after, before);
}

#[test]
fn a_non_loopback_bind_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_phala-service"))
        .args(["--bind", "0.0.0.0:0", "--state"])
        .arg(dir.path().join("s.json"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("non-loopback"));
}

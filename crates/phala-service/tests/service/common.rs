//! A private service with test control, and request helpers.

use hmac::{Hmac, Mac};
use phala_service::{Config, Running};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;

pub struct Service {
    _running: Running,
    pub url: String,
    _dir: tempfile::TempDir,
    pub client: Client,
}

pub struct Workspace {
    pub id: String,
    pub api_key: String,
    pub totp_secret: String,
}

impl Service {
    pub async fn start() -> Self {
        Self::start_with(true).await
    }

    pub async fn start_with(test_control: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path().join("state.json"));
        config.enable_test_control = test_control;
        let running = phala_service::start(config).await.unwrap();
        Self {
            url: running.url().to_owned(),
            _running: running,
            _dir: dir,
            client: Client::new(),
        }
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(format!("{}{path}", self.url))
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.client.post(format!("{}{path}", self.url))
    }

    pub async fn workspace(&self) -> Workspace {
        let created = ok(self
            .post("/_test/workspaces")
            .json(&json!({"name": "t"}))
            .send()
            .await
            .unwrap())
        .await;
        Workspace {
            id: created["workspaceId"].as_str().unwrap().to_owned(),
            api_key: created["apiKey"].as_str().unwrap().to_owned(),
            totp_secret: created["totpSecret"].as_str().unwrap().to_owned(),
        }
    }

    /// Adds a webhook; answers it with its initial `secret`.
    pub async fn add_webhook(&self, ws: &Workspace, url: &str) -> Value {
        ok(self
            .post(&format!("/_test/workspaces/{}/webhooks", ws.id))
            .json(&json!({"url": url, "events": ["cvm.created", "cvm.stopped"]}))
            .send()
            .await
            .unwrap())
        .await
    }

    pub async fn code(&self, ws: &Workspace) -> String {
        let answer = ok(self
            .get(&format!("/_test/totp/{}", ws.id))
            .send()
            .await
            .unwrap())
        .await;
        answer["code"].as_str().unwrap().to_owned()
    }

    pub async fn deliver(&self, webhook_id: &str, body: &str) -> Value {
        ok(self
            .post(&format!("/_test/webhooks/{webhook_id}/deliver"))
            .json(&json!({"body": body}))
            .send()
            .await
            .unwrap())
        .await
    }

    pub async fn faults(&self, faults: Value) {
        ok(self
            .post("/_test/faults")
            .json(&faults)
            .send()
            .await
            .unwrap())
        .await;
    }

    pub async fn log(&self) -> Vec<Value> {
        ok(self.get("/_test/log").send().await.unwrap())
            .await
            .as_array()
            .unwrap()
            .clone()
    }

    pub fn rotate(&self, ws: &Workspace, webhook_id: &str) -> RequestBuilder {
        self.post(&format!(
            "/api/v1/workspace/webhooks/{webhook_id}/rotate-secret"
        ))
        .header("X-API-Key", &ws.api_key)
    }

    pub async fn webhooks(&self, ws: &Workspace) -> Vec<Value> {
        ok(self
            .get("/api/v1/workspace/webhooks")
            .header("X-API-Key", &ws.api_key)
            .send()
            .await
            .unwrap())
        .await
        .as_array()
        .unwrap()
        .clone()
    }
}

/// The body of a 2xx answer (panics with the body otherwise).
pub async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

/// Status and JSON body.
pub async fn answer(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// Checks a delivery the way a receiver following Phala's docs would:
/// HMAC-SHA256 keyed with the whole `whsec_...` string over
/// `"{X-Webhook-Timestamp}.{body}"`, compared with `X-Webhook-Signature`.
pub fn verifies(secret: &str, delivery: &Value) -> bool {
    let headers = &delivery["headers"];
    let timestamp = headers["X-Webhook-Timestamp"].as_str().unwrap();
    let body = delivery["body"].as_str().unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let expected = format!(
        "sha256={}",
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    headers["X-Webhook-Signature"] == expected.as_str()
}

/// Phala's error body with `error_code`.
pub fn assert_phala_error(body: &Value, error_code: &str) {
    assert_eq!(body["error_code"], error_code, "{body}");
    assert!(
        body["message"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    for key in ["details", "suggestions", "links"] {
        assert_eq!(body[key], json!([]), "{body}");
    }
}

/// A code that is not the given one.
pub fn other_code(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

//! The local Phala-Cloud-compatible service (crates/phala-service): a private instance a test
//! may break (faults, stop), and helpers over any instance's test control, the stack's included.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::Result;

/// `PHALA_SERVICE_BIN`, else `debug/phala-service` in Cargo's target folder.
fn phala_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PHALA_SERVICE_BIN") {
        return path.into();
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("debug/phala-service")
}

/// A workspace (= account) on a Phala service: its API key and its authenticator's secret.
#[derive(Debug, Clone)]
pub struct PhalaWorkspace {
    pub workspace_id: String,
    pub api_key: String,
    /// Base32 TOTP secret (SHA-1, 6 digits, 30 s).
    pub totp_secret: String,
}

impl PhalaWorkspace {
    pub(crate) fn from_json(value: &Value, whose: &str) -> Result<PhalaWorkspace> {
        Ok(PhalaWorkspace {
            workspace_id: crate::text_field(value, "workspaceId", whose)?,
            api_key: crate::text_field(value, "apiKey", whose)?,
            totp_secret: crate::text_field(value, "totpSecret", whose)?,
        })
    }
}

/// A Phala service's test control (`…/_test`), see crates/phala-service/README.md.
#[derive(Debug, Clone)]
pub struct PhalaControl {
    pub url: String,
}

impl PhalaControl {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let mut request = reqwest::Client::new().request(method, format!("{}/{path}", self.url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            return Err(format!("phala test control {path}: {status} {text}").into());
        }
        Ok(serde_json::from_str(&text)?)
    }

    /// A new workspace with its own API key and TOTP secret.
    pub async fn create_workspace(&self, name: &str) -> Result<PhalaWorkspace> {
        let created = self
            .call(
                reqwest::Method::POST,
                "workspaces",
                Some(json!({ "name": name })),
            )
            .await?;
        PhalaWorkspace::from_json(&created, "the created workspace")
    }

    /// A new webhook; the answer carries its `id` and initial `secret`.
    pub async fn add_webhook(
        &self,
        workspace: &PhalaWorkspace,
        url: &str,
        events: &[&str],
    ) -> Result<Value> {
        self.call(
            reqwest::Method::POST,
            &format!("workspaces/{}/webhooks", workspace.workspace_id),
            Some(json!({ "url": url, "events": events })),
        )
        .await
    }

    /// A new webhook created at `created_at` (RFC 3339), long ago for age-reminder tests.
    pub async fn add_webhook_created_at(
        &self,
        workspace: &PhalaWorkspace,
        url: &str,
        created_at: &str,
    ) -> Result<Value> {
        self.call(
            reqwest::Method::POST,
            &format!("workspaces/{}/webhooks", workspace.workspace_id),
            Some(json!({ "url": url, "created_at": created_at })),
        )
        .await
    }

    /// A TOTP code the service accepts now and no rotation has used yet.
    pub async fn current_code(&self, workspace: &PhalaWorkspace) -> Result<String> {
        let answer = self
            .call(
                reqwest::Method::GET,
                &format!("totp/{}", workspace.workspace_id),
                None,
            )
            .await?;
        crate::text_field(&answer, "code", "the totp control")
    }

    /// A delivery of `body` signed with the webhook's current secret, as Phala sends it:
    /// `{headers: {X-Webhook-Id, X-Webhook-Event, X-Webhook-Timestamp, X-Webhook-Signature}, body}`.
    pub async fn deliver(&self, webhook_id: &str, body: &str) -> Result<Value> {
        self.call(
            reqwest::Method::POST,
            &format!("webhooks/{webhook_id}/deliver"),
            Some(json!({ "body": body })),
        )
        .await
    }

    /// Arms faults, e.g. `{"dropConnectionAfterCommit": true}`, `{"failNext": 503}`,
    /// `{"delayMs": 2000, "count": 1}`, `{"rotateWithoutSecret": true}`, `{"clear": true}`.
    pub async fn faults(&self, faults: Value) -> Result {
        self.call(reqwest::Method::POST, "faults", Some(faults))
            .await
            .map(drop)
    }

    /// Every API request so far: `[{method, path, status, twoFactorCodeSent}]`.
    pub async fn log(&self) -> Result<Vec<Value>> {
        match self.call(reqwest::Method::GET, "log", None).await? {
            Value::Array(entries) => Ok(entries),
            other => Err(format!("phala test control log: not a list: {other}").into()),
        }
    }
}

/// A phala-service of one test's own, with test control.
pub struct PrivatePhala {
    child: Child,
    pub url: String,
    dir: PathBuf,
}

impl PrivatePhala {
    /// `extra` are more command-line flags (see crates/phala-service/README.md).
    pub fn start(extra: &[&str]) -> Result<PrivatePhala> {
        let dir = crate::scratch_dir("wispkey-private-phala")?;
        let mut child = Command::new(phala_binary())
            .args(["--bind", "127.0.0.1:0", "--enable-test-control"])
            .arg("--state")
            .arg(dir.join("state.json"))
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| {
                format!(
                    "could not start phala-service ({error}); build it with cargo build -p phala-service"
                )
            })?;
        let stdout = child
            .stdout
            .take()
            .ok_or("phala-service's stdout was not captured")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let ready: Value = serde_json::from_str(&line)
            .map_err(|error| format!("phala-service's ready line {line:?}: {error}"))?;
        Ok(PrivatePhala {
            url: crate::text_field(&ready, "url", "phala-service's ready line")?,
            child,
            dir,
        })
    }

    /// The test control of this instance.
    pub fn control(&self) -> PhalaControl {
        PhalaControl {
            url: format!("{}/_test", self.url),
        }
    }

    pub async fn create_workspace(&self, name: &str) -> Result<PhalaWorkspace> {
        self.control().create_workspace(name).await
    }

    pub async fn add_webhook(
        &self,
        workspace: &PhalaWorkspace,
        url: &str,
        events: &[&str],
    ) -> Result<Value> {
        self.control().add_webhook(workspace, url, events).await
    }

    pub async fn current_code(&self, workspace: &PhalaWorkspace) -> Result<String> {
        self.control().current_code(workspace).await
    }

    pub async fn deliver(&self, webhook_id: &str, body: &str) -> Result<Value> {
        self.control().deliver(webhook_id, body).await
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for PrivatePhala {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

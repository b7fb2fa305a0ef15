//! The local Slate-compatible service (crates/slate-service): a private instance a test may
//! break (faults, settings, stop), and helpers over any instance's test control, the stack's
//! included. The wire contract is in crates/slate-service/README.md.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::Result;

/// `SLATE_SERVICE_BIN`, else `debug/slate-service` in Cargo's target folder.
fn slate_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("SLATE_SERVICE_BIN") {
        return path.into();
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("debug/slate-service")
}

/// A staff user on a Slate service: how to sign in.
#[derive(Debug, Clone)]
pub struct SlateUser {
    pub user_id: u64,
    pub email: String,
    pub password: String,
    /// Base32 TOTP seed (SHA-1, 6 digits, 30 s) when the second factor is on.
    pub totp_secret: Option<String>,
}

impl SlateUser {
    pub(crate) fn from_json(value: &Value, whose: &str) -> Result<SlateUser> {
        Ok(SlateUser {
            user_id: value["userId"]
                .as_u64()
                .ok_or_else(|| format!("{whose} has no userId"))?,
            email: crate::text_field(value, "email", whose)?,
            password: crate::text_field(value, "password", whose)?,
            totp_secret: value["totpSecret"].as_str().map(str::to_owned),
        })
    }
}

/// The demo account a stack or `--seed-demo` made: a staff user with TOTP on (six API
/// tokens) and one without (one token).
#[derive(Debug, Clone)]
pub struct SlateDemo {
    pub with_totp: SlateUser,
    pub without_totp: SlateUser,
}

impl SlateDemo {
    pub(crate) fn from_json(value: &Value, whose: &str) -> Result<SlateDemo> {
        Ok(SlateDemo {
            with_totp: SlateUser::from_json(value, whose)?,
            without_totp: SlateUser::from_json(&value["withoutTotp"], whose)?,
        })
    }
}

/// A Slate service's test control (`…/_test`), see crates/slate-service/README.md.
#[derive(Debug, Clone)]
pub struct SlateControl {
    pub url: String,
}

impl SlateControl {
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
            return Err(format!("slate test control {path}: {status} {text}").into());
        }
        Ok(serde_json::from_str(&text)?)
    }

    /// A new staff user (own account: sees only its own tokens); `totp` turns the second
    /// factor on. Email and password are generated.
    pub async fn create_user(&self, totp: bool) -> Result<SlateUser> {
        let created = self
            .call(
                reqwest::Method::POST,
                "users",
                Some(json!({ "totp": totp })),
            )
            .await?;
        SlateUser::from_json(&created, "the created user")
    }

    /// A TOTP code the service accepts now and no sign-in has used yet.
    pub async fn current_code(&self, user: &SlateUser) -> Result<String> {
        let answer = self
            .call(
                reqwest::Method::GET,
                &format!("users/{}/totp", user.user_id),
                None,
            )
            .await?;
        crate::text_field(&answer, "code", "the totp control")
    }

    /// Seeds an API token for `user`. `fields` takes the create body's fields (`name`,
    /// `scopes`, `expires_at`, `webhook_url`, `webhook_enabled`, `ip_allowlist`,
    /// `rate_limit`) plus `status` and `last_used_at`. The answer is a
    /// TokenWithSecretResponse (`id`, `token`, `webhook_secret`, ...).
    pub async fn add_token(&self, user: &SlateUser, fields: Value) -> Result<Value> {
        self.call(
            reqwest::Method::POST,
            &format!("users/{}/tokens", user.user_id),
            Some(fields),
        )
        .await
    }

    /// Sets a token's status (`active`, `disabled`, `revoked`, `expired`).
    pub async fn set_status(&self, token_id: u64, status: &str) -> Result<Value> {
        self.call(
            reqwest::Method::POST,
            &format!("tokens/{token_id}/status"),
            Some(json!({ "status": status })),
        )
        .await
    }

    /// A delivery of `body` signed with the token's current webhook secret (Standard
    /// Webhooks): `{headers: {webhook-id, webhook-timestamp, webhook-signature,
    /// content-type}, body}`.
    pub async fn deliver(&self, token_id: u64, body: &str) -> Result<Value> {
        self.call(
            reqwest::Method::POST,
            &format!("tokens/{token_id}/deliver"),
            Some(json!({ "body": body })),
        )
        .await
    }

    /// The same delivery, also POSTed to `url`; the answer adds `receiverStatus`.
    pub async fn deliver_to(&self, token_id: u64, url: &str, body: &str) -> Result<Value> {
        self.call(
            reqwest::Method::POST,
            &format!("tokens/{token_id}/deliver"),
            Some(json!({ "body": body, "url": url })),
        )
        .await
    }

    /// Arms faults, e.g. `{"dropConnectionAfterCommit": true}`,
    /// `{"storageFailure": {"operations": ["rotate"]}}`, `{"delay": {"ms": 2000}}`,
    /// `{"rateLimit": {"count": 2, "retryAfter": 5}}`, `{"clear": true}`.
    pub async fn faults(&self, faults: Value) -> Result {
        self.call(reqwest::Method::POST, "faults", Some(faults))
            .await
            .map(drop)
    }

    /// Changes settings, e.g. `{"accessTokenTtlSecs": 2}`, `{"reissueTokenOnRotate": true}`,
    /// `{"reset": true}`; answers all settings.
    pub async fn settings(&self, settings: Value) -> Result<Value> {
        self.call(reqwest::Method::POST, "settings", Some(settings))
            .await
    }

    /// Every API request so far: `[{method, path, operation, status, auth, refresh, fault, ...}]`.
    pub async fn log(&self) -> Result<Vec<Value>> {
        match self.call(reqwest::Method::GET, "log", None).await? {
            Value::Array(entries) => Ok(entries),
            other => Err(format!("slate test control log: not a list: {other}").into()),
        }
    }

    /// How many refresh-token reuses the service detected (each revoked a session).
    pub async fn refresh_reuses(&self) -> Result<usize> {
        Ok(self
            .log()
            .await?
            .iter()
            .filter(|entry| entry["refresh"]["reuse"] == true)
            .count())
    }

    /// Makes every live access token (of `user`, or of everyone) expire now; refresh tokens
    /// keep working. Answers how many sessions it touched.
    pub async fn expire_access_tokens(&self, user: Option<&SlateUser>) -> Result<u64> {
        self.end_sessions("expire-access", user).await
    }

    /// Revokes every session (of `user`, or of everyone): their access and refresh tokens are
    /// refused from now on (not logged as a refresh-token reuse).
    pub async fn revoke_sessions(&self, user: Option<&SlateUser>) -> Result<u64> {
        self.end_sessions("revoke", user).await
    }

    async fn end_sessions(&self, how: &str, user: Option<&SlateUser>) -> Result<u64> {
        let answer = self
            .call(
                reqwest::Method::POST,
                &format!("sessions/{how}"),
                Some(json!({ "userId": user.map(|u| u.user_id) })),
            )
            .await?;
        answer["sessions"]
            .as_u64()
            .ok_or_else(|| format!("slate test control sessions/{how}: {answer}").into())
    }

    /// Empties the request log.
    pub async fn clear_log(&self) -> Result {
        self.call(reqwest::Method::DELETE, "log", None)
            .await
            .map(drop)
    }
}

/// A slate-service of one test's own, with test control.
pub struct PrivateSlate {
    child: Child,
    /// The API's base URL (with the path prefix, if one was asked for).
    pub url: String,
    /// The test control's base URL (`…/_test`, always at the root).
    pub control_url: String,
    dir: PathBuf,
}

impl PrivateSlate {
    /// `extra` are more command-line flags (see crates/slate-service/README.md), e.g.
    /// `["--path-prefix", "/broker"]`.
    pub fn start(extra: &[&str]) -> Result<PrivateSlate> {
        let dir = crate::scratch_dir("wispkey-private-slate")?;
        let mut child = Command::new(slate_binary())
            .args(["--bind", "127.0.0.1:0", "--enable-test-control"])
            .arg("--state")
            .arg(dir.join("state.json"))
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| {
                format!(
                    "could not start slate-service ({error}); build it with cargo build -p slate-service"
                )
            })?;
        let stdout = child
            .stdout
            .take()
            .ok_or("slate-service's stdout was not captured")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let ready: Value = serde_json::from_str(&line)
            .map_err(|error| format!("slate-service's ready line {line:?}: {error}"))?;
        Ok(PrivateSlate {
            url: crate::text_field(&ready, "url", "slate-service's ready line")?,
            control_url: crate::text_field(&ready, "testControl", "slate-service's ready line")?,
            child,
            dir,
        })
    }

    /// A private instance seeded with the demo staff users (`--seed-demo`), as the offline
    /// demo's stack has them, and how to sign in as them. The seed file (passwords and TOTP
    /// seeds) is read and removed at once.
    pub fn start_demo() -> Result<(PrivateSlate, SlateDemo)> {
        let dir = crate::scratch_dir("wispkey-private-slate-demo")?;
        let file = dir.join("demo.json");
        let started = PrivateSlate::start(&["--seed-demo", &file.display().to_string()]);
        let text = std::fs::read_to_string(&file);
        let _ = std::fs::remove_dir_all(&dir);
        let slate = started?;
        let demo = SlateDemo::from_json(&serde_json::from_str(&text?)?, "the demo seed file")?;
        Ok((slate, demo))
    }

    /// The test control of this instance.
    pub fn control(&self) -> SlateControl {
        SlateControl {
            url: self.control_url.clone(),
        }
    }

    pub async fn create_user(&self, totp: bool) -> Result<SlateUser> {
        self.control().create_user(totp).await
    }

    pub async fn current_code(&self, user: &SlateUser) -> Result<String> {
        self.control().current_code(user).await
    }

    pub async fn add_token(&self, user: &SlateUser, fields: Value) -> Result<Value> {
        self.control().add_token(user, fields).await
    }

    pub async fn deliver(&self, token_id: u64, body: &str) -> Result<Value> {
        self.control().deliver(token_id, body).await
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for PrivateSlate {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

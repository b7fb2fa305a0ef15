//! A wisp-service of one test's own, resolvable by the real PDS like the shared one, so a test
//! can break it (stop it, fail its storage, drop its connections) without disturbing others.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::{Result, Stack};

/// `WISP_SERVICE_BIN`, else `debug/wisp-service` in Cargo's target folder.
fn wisp_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("WISP_SERVICE_BIN") {
        return path.into();
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("debug/wisp-service")
}

pub struct PrivateWisp {
    child: Child,
    pub url: String,
    pub did: String,
    dir: PathBuf,
}

impl PrivateWisp {
    /// `with_key: false` starts it without an encryption key (every secret call answers 503);
    /// `extra` are more command-line flags (see crates/wisp-service/README.md).
    pub fn start(stack: &Stack, with_key: bool, extra: &[&str]) -> Result<PrivateWisp> {
        let dir = crate::scratch_dir("wispkey-private-wisp")?;
        let mut command = Command::new(wisp_binary());
        command
            .args(["--bind", "127.0.0.1:0", "--plc-url", &stack.plc_url()?])
            .arg("--state")
            .arg(dir.join("state.json"))
            .arg("--enable-test-control")
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if with_key {
            let key = dir.join("key");
            std::fs::write(&key, [7u8; 32])?;
            command.arg("--encryption-key-file").arg(key);
        }
        let mut child = command.spawn().map_err(|error| {
            format!(
                "could not start wisp-service ({error}); build it with cargo build -p wisp-service"
            )
        })?;
        let stdout = child
            .stdout
            .take()
            .ok_or("wisp-service's stdout was not captured")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let ready: Value = serde_json::from_str(&line)
            .map_err(|error| format!("wisp-service's ready line {line:?}: {error}"))?;
        let whose = "wisp-service's ready line";
        Ok(PrivateWisp {
            url: crate::text_field(&ready, "url", whose)?,
            did: crate::text_field(&ready, "did", whose)?,
            child,
            dir,
        })
    }

    /// The test-control base URL (`…/_test`).
    pub fn control(&self) -> String {
        format!("{}/_test", self.url)
    }

    /// Arms a one-shot fault or setting, e.g. `arm("faults", {"dropConnectionAfterCommit": …})`.
    pub async fn arm(&self, path: &str, body: Value) -> Result {
        let response = reqwest::Client::new()
            .post(format!("{}/{path}", self.control()))
            .json(&body)
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(format!("arming {path} failed: {}", response.status()).into());
        }
        Ok(())
    }

    /// The next successful call of `nsid` commits, then the service closes the connection
    /// without answering (what a dropped network looks like after the server acted).
    pub async fn drop_connection_after_commit(&self, nsid: &str) -> Result {
        self.arm(
            "faults",
            serde_json::json!({ "dropConnectionAfterCommit": nsid }),
        )
        .await
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for PrivateWisp {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

//! Shared by the integration tests: the local stack started by `scripts/desktop-session.sh`
//! (PLC + reference PDS + wisp-compatible service), fresh accounts on it, and private
//! wisp-service instances for tests that break the service on purpose.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use serde_json::Value;
use wispkey_core::SecretString;
use wispkey_core::transport::password::PasswordSession;

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Stack {
    pub json: Value,
}

impl Stack {
    /// The running stack. Fails loudly (never skips) when the tests run outside the harness.
    pub fn get() -> Stack {
        let path = std::env::var("WISPKEY_STACK_JSON").expect(
            "WISPKEY_STACK_JSON is not set: run the tests through scripts/test.sh, which starts \
             the local PDS stack",
        );
        let text = std::fs::read_to_string(&path).expect("stack.json unreadable");
        Stack {
            json: serde_json::from_str(&text).expect("stack.json is not JSON"),
        }
    }

    pub fn str(&self, key: &str) -> String {
        self.json[key].as_str().expect(key).to_owned()
    }

    pub fn pds_url(&self) -> String {
        self.str("pdsUrl")
    }

    pub fn plc_url(&self) -> String {
        self.str("plcUrl")
    }

    pub fn wisp_did(&self) -> String {
        self.str("wispServiceDid")
    }

    pub fn wisp_control(&self) -> String {
        self.str("wispTestControl")
    }

    /// A brand-new account, so tests never see each other's secrets.
    pub async fn fresh_account(&self) -> (String, SecretString) {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let handle = format!(
            "t{}x{}x{}.test",
            std::process::id(),
            nanos % 100_000,
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let password = SecretString::new(format!("pw-{handle}-long-enough"));
        let response = reqwest::Client::new()
            .post(format!(
                "{}/xrpc/com.atproto.server.createAccount",
                self.pds_url()
            ))
            .json(&serde_json::json!({
                "handle": handle,
                "email": format!("{handle}@example.test"),
                "password": password.expose(),
            }))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "createAccount: {}",
            response.text().await.unwrap_or_default()
        );
        (handle, password)
    }

    pub async fn fresh_session(&self) -> PasswordSession {
        let (handle, password) = self.fresh_account().await;
        PasswordSession::sign_in(&self.pds_url(), &handle, &password, TIMEOUT)
            .await
            .unwrap()
    }

    /// What a real delivery signed with the secret's *current* token would carry.
    pub async fn delivery_signature(
        &self,
        control: &str,
        did: &str,
        name: &str,
        body: &str,
    ) -> String {
        let response: Value = reqwest::Client::new()
            .post(format!("{control}/sign"))
            .json(&serde_json::json!({ "did": did, "name": name, "body": body }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        response["signature"].as_str().unwrap().to_owned()
    }
}

fn wisp_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("WISP_SERVICE_BIN") {
        return path.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("debug/wisp-service")
}

/// A wisp-service of this test's own, resolvable by the real PDS like the shared one, so a test
/// can break it (stop it, fail its storage, drop its connections) without disturbing others.
pub struct PrivateWisp {
    child: Child,
    pub url: String,
    pub did: String,
    dir: PathBuf,
}

impl PrivateWisp {
    pub fn start(stack: &Stack, with_key: bool, extra: &[&str]) -> PrivateWisp {
        let dir = std::env::temp_dir().join(format!(
            "wispkey-private-wisp-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut command = Command::new(wisp_binary());
        command
            .args(["--bind", "127.0.0.1:0", "--plc-url", &stack.plc_url()])
            .arg("--state")
            .arg(dir.join("state.json"))
            .arg("--enable-test-control")
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if with_key {
            let key = dir.join("key");
            std::fs::write(&key, [7u8; 32]).unwrap();
            command.arg("--encryption-key-file").arg(key);
        }
        let mut child = command
            .spawn()
            .expect("wisp-service binary (cargo build -p wisp-service)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let ready: Value = serde_json::from_str(&line).expect("wisp-service ready line");
        PrivateWisp {
            child,
            url: ready["url"].as_str().unwrap().to_owned(),
            did: ready["did"].as_str().unwrap().to_owned(),
            dir,
        }
    }

    pub fn control(&self) -> String {
        format!("{}/_test", self.url)
    }

    pub async fn arm(&self, path: &str, body: Value) {
        let response = reqwest::Client::new()
            .post(format!("{}/{path}", self.control()))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "arming {path} failed");
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

//! `wispkey` with a Phala Cloud account: the API key read from standard input, a rotate that
//! needs a two-factor code, against a private Phala-compatible service (`crates/phala-service`)
//! and the real Secret Service of `scripts/desktop-session.sh` (read back with `secret-tool`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use wispkey_core::tokens::item::token_item;
use wispkey_core::{AccountRef, SecretString};
use wispkey_phala::kind::{account_id, key_item};
use wispkey_test_support::{PhalaWorkspace, PrivatePhala, scratch_dir, unique_name};

const BODY: &str = r#"{"event":"cvm.started"}"#;

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

struct PhalaUser {
    phala: PrivatePhala,
    workspace: PhalaWorkspace,
    keychain: String,
    config_home: PathBuf,
    stderrs: Vec<String>,
}

impl PhalaUser {
    async fn new(label: &str) -> PhalaUser {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "no D-Bus session: run through scripts/desktop-session.sh"
        );
        let phala = PrivatePhala::start(&[]).unwrap();
        let workspace = phala.create_workspace(label).await.unwrap();
        PhalaUser {
            phala,
            workspace,
            keychain: unique_name(&format!("place.wisp.wispkey.cli-phala.{label}")),
            config_home: scratch_dir(&format!("wispkey-cli-phala-{label}")).unwrap(),
            stderrs: Vec::new(),
        }
    }

    /// Runs `wispkey ARGS` with `stdin` as its standard input (not a terminal).
    fn run(&mut self, args: &[&str], stdin: &str) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wispkey"))
            .args(args)
            .env("WISPKEY_PHALA_URL", &self.phala.url)
            .env("WISPKEY_KEYCHAIN_SERVICE", &self.keychain)
            .env("XDG_CONFIG_HOME", &self.config_home)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        self.stderrs.push(run.stderr.clone());
        run
    }

    fn account(&self) -> AccountRef {
        AccountRef::new(
            "phala",
            account_id(&SecretString::new(self.workspace.api_key.as_str())),
        )
    }

    fn keychain_item(&self, item: &str) -> Option<String> {
        let output = Command::new("secret-tool")
            .args(["lookup", "service", &self.keychain, "username", item])
            .output()
            .expect("secret-tool (libsecret-tools)");
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        (output.status.success() && !text.is_empty()).then_some(text)
    }

    async fn signs_with(&self, webhook_id: &str, secret: &str) -> bool {
        let delivery = self.phala.deliver(webhook_id, BODY).await.unwrap();
        verifies(secret, &delivery)
    }
}

impl Drop for PhalaUser {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.config_home);
    }
}

/// `sha256=hex(HMAC-SHA256(whole secret, "{timestamp}.{body}"))`, computed here.
fn verifies(secret: &str, delivery: &Value) -> bool {
    let headers = &delivery["headers"];
    let timestamp = headers["X-Webhook-Timestamp"].as_str().unwrap();
    let body = delivery["body"].as_str().unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    headers["X-Webhook-Signature"].as_str() == Some(expected.as_str())
}

#[tokio::test]
async fn login_with_a_key_on_stdin_then_rotate_with_a_code() {
    let mut user = PhalaUser::new("rotate").await;
    let url = "https://hooks.cli.example/phala";
    let hook = user
        .phala
        .add_webhook(&user.workspace, url, &["cvm.started"])
        .await
        .unwrap();
    let id = hook["id"].as_str().unwrap().to_owned();
    let first = hook["secret"].as_str().unwrap().to_owned();
    let key = user.workspace.api_key.clone();

    // A key the service refuses: nothing stored.
    let refused = user.run(
        &["login", "--provider", "phala"],
        "phak_not_a_known_key_000\n",
    );
    assert_ne!(refused.code, 0, "{refused:#?}");
    assert!(refused.stderr.contains("API key"), "{refused:#?}");

    let login = user.run(&["login", "--provider", "phala"], &format!("{key}\n"));
    assert_eq!(login.code, 0, "{login:#?}");
    assert!(login.stderr.contains("Phala Cloud key …"), "{login:#?}");
    assert_eq!(
        user.keychain_item(&key_item(&user.account().id)).as_deref(),
        Some(key.as_str())
    );

    let list = user.run(&["list"], "");
    assert_eq!(list.code, 0, "{list:#?}");
    assert!(
        list.stdout.contains(url) && list.stdout.contains(&id),
        "{list:#?}"
    );

    // A wrong code: exit 12, nothing rotated.
    let right = user.phala.current_code(&user.workspace).await.unwrap();
    let wrong: String = right
        .chars()
        .map(|c| char::from(b'0' + (c.to_digit(10).unwrap() as u8 + 5) % 10))
        .collect();
    let refused = user.run(&["rotate", &id, "--confirm", url, "--code", &wrong], "");
    assert_eq!(refused.code, 12, "{refused:#?}");
    assert!(user.signs_with(&id, &first).await);

    // Without a code and no terminal: exit 12 too, nothing rotated.
    let refused = user.run(&["rotate", &id, "--confirm", url], "");
    assert_eq!(refused.code, 12, "{refused:#?}");
    assert!(user.signs_with(&id, &first).await);

    // The right code: stored, not printed.
    let rotated = user.run(&["rotate", &id, "--confirm", url, "--code", &right], "");
    assert_eq!(rotated.code, 0, "{rotated:#?}");
    assert!(rotated.stdout.trim().is_empty(), "{rotated:#?}");
    let stored = user
        .keychain_item(&token_item(&user.account(), &id))
        .expect("the new secret is in the keychain");
    assert!(stored.starts_with("whsec_"));
    assert!(user.signs_with(&id, &stored).await);
    assert!(!user.signs_with(&id, &first).await);

    // With --show the new token is printed (stdout only).
    let code = user.phala.current_code(&user.workspace).await.unwrap();
    let shown = user.run(
        &["rotate", &id, "--confirm", url, "--code", &code, "--show"],
        "",
    );
    assert_eq!(shown.code, 0, "{shown:#?}");
    let printed = shown.stdout.trim().to_owned();
    assert!(printed.starts_with("whsec_"), "{shown:#?}");
    assert_eq!(
        user.keychain_item(&token_item(&user.account(), &id))
            .as_deref(),
        Some(printed.as_str())
    );
    assert!(user.signs_with(&id, &printed).await);

    let logout = user.run(&["logout"], "");
    assert_eq!(logout.code, 0, "{logout:#?}");
    assert!(logout.stderr.contains("revoke it"), "{logout:#?}");
    assert_eq!(user.keychain_item(&key_item(&user.account().id)), None);

    for stderr in &user.stderrs {
        for secret in [
            key.as_str(),
            first.as_str(),
            stored.as_str(),
            printed.as_str(),
        ] {
            assert!(
                !stderr.contains(secret),
                "a secret went to stderr: {stderr}"
            );
        }
    }
    let item = token_item(&user.account(), &id);
    let _ = Command::new("secret-tool")
        .args(["clear", "service", &user.keychain, "username", &item])
        .status();
}

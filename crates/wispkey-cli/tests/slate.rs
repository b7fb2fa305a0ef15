//! `wispkey` with a Slate account: email and password with the TOTP code given on the command
//! line, list, rotate (the new webhook secret verified by the service's signed delivery), copy
//! (the X clipboard read with `xclip`, cleared by the countdown), a later run still signed in
//! after the access token expired, and two `wispkey list` processes started together just after
//! the access token expired — the service's log shows that no refresh token was presented twice. Against a private slate-service and the
//! real Secret Service of `scripts/desktop-session.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use wispkey_core::SecretString;
use wispkey_test_support::{PrivateDisplay, PrivateSlate, SlateUser, scratch_dir, unique_name};

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

struct SlateCli {
    slate: PrivateSlate,
    user: SlateUser,
    keychain: String,
    config_home: PathBuf,
}

impl SlateCli {
    async fn new(label: &str) -> SlateCli {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "no D-Bus session: run through scripts/desktop-session.sh"
        );
        let slate = PrivateSlate::start(&[]).unwrap();
        let user = slate.create_user(true).await.unwrap();
        SlateCli {
            slate,
            user,
            keychain: unique_name(&format!("place.wisp.wispkey.cli-slate.{label}")),
            config_home: scratch_dir(&format!("wispkey-cli-slate-{label}")).unwrap(),
        }
    }

    fn spawn(&self, args: &[&str], stdin: &str) -> Child {
        self.spawn_in(&self.config_home, args, stdin)
    }

    /// Runs with another config folder than the login's (same keychain).
    fn spawn_in(&self, config_home: &std::path::Path, args: &[&str], stdin: &str) -> Child {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wispkey"))
            .args(args)
            .env("WISPKEY_SLATE_URL", &self.slate.url)
            .env("WISPKEY_KEYCHAIN_SERVICE", &self.keychain)
            .env("XDG_CONFIG_HOME", config_home)
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
        child
    }

    fn finish(child: Child) -> Run {
        let output = child.wait_with_output().unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    fn run(&self, args: &[&str], stdin: &str) -> Run {
        SlateCli::finish(self.spawn(args, stdin))
    }

    /// `wispkey copy <id>` on an X display of its own with a 3-second countdown: waits until
    /// `expected` is on that display's clipboard (read with `xclip`), then for the run to clear
    /// it and exit, and checks the clipboard no longer holds it.
    async fn copy_to_a_private_clipboard(&self, id: &str, expected: &str) -> Run {
        let preferences = self.config_home.join("place.wisp.wispkey");
        std::fs::create_dir_all(&preferences).unwrap();
        std::fs::write(
            preferences.join("preferences.json"),
            r#"{"clipboardClearSeconds": 3}"#,
        )
        .unwrap();
        let display = PrivateDisplay::start("640x480x24").unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_wispkey"))
            .args(["copy", id])
            .env("WISPKEY_SLATE_URL", &self.slate.url)
            .env("WISPKEY_KEYCHAIN_SERVICE", &self.keychain)
            .env("XDG_CONFIG_HOME", &self.config_home)
            .env("DISPLAY", display.name())
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let mut seen = false;
        while started.elapsed() < Duration::from_secs(30) {
            if display.clipboard_text().unwrap().as_deref() == Some(expected) {
                seen = true;
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if !seen {
            let _ = child.kill();
            panic!(
                "the secret never reached the clipboard: {:?}",
                SlateCli::finish(child)
            );
        }
        let run = SlateCli::finish(child);
        assert_eq!(run.code, 0, "{run:?}");
        assert!(started.elapsed() >= Duration::from_secs(3));
        let after = display.clipboard_text().unwrap().unwrap_or_default();
        assert!(
            !after.contains(expected),
            "the clipboard still holds the secret"
        );
        run
    }

    async fn login(&self) -> Run {
        let code = self.slate.current_code(&self.user).await.unwrap();
        self.run(
            &[
                "login",
                "--provider",
                "slate",
                "--email",
                &self.user.email,
                "--password-stdin",
                "--code",
                &code,
            ],
            &format!("{}\n", self.user.password),
        )
    }
}

impl Drop for SlateCli {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.config_home);
    }
}

fn verifies(secret: &str, delivery: &Value) -> bool {
    let headers = &delivery["headers"];
    wispkey_slate::signature::verify(
        &SecretString::new(secret),
        headers["webhook-id"].as_str().unwrap(),
        headers["webhook-timestamp"].as_str().unwrap(),
        delivery["body"].as_str().unwrap().as_bytes(),
        headers["webhook-signature"].as_str().unwrap(),
    )
}

#[tokio::test]
async fn login_with_a_code_then_list_rotate_copy_and_a_later_run_is_still_signed_in() {
    let cli = SlateCli::new("rotate").await;
    let token = cli
        .slate
        .add_token(
            &cli.user,
            json!({"name": "Order router", "webhook_url": "https://hooks.example/slate", "webhook_enabled": true}),
        )
        .await
        .unwrap();
    let id = token["id"].as_u64().unwrap().to_string();

    let login = cli.login().await;
    assert_eq!(login.code, 0, "{login:?}");
    assert!(login.stderr.contains(&cli.user.email));
    assert!(!login.stderr.contains(&cli.user.password));

    let list = cli.run(&["list"], "");
    assert_eq!(list.code, 0, "{list:?}");
    assert!(list.stdout.contains("Order router") && list.stdout.contains(&id));
    assert!(list.stdout.contains("Status: active"), "{}", list.stdout);
    assert!(list.stdout.contains("Webhooks: on"));
    // Slate's list never says when a secret was rotated, so the list does not claim "never".
    assert!(list.stdout.contains("not reported"), "{}", list.stdout);

    let rotate = cli.run(&["rotate", &id, "--confirm", "Order router", "--json"], "");
    assert_eq!(rotate.code, 0, "{rotate:?}");
    let issued: Value = serde_json::from_str(&rotate.stdout).unwrap();
    assert_eq!(issued["stored"], true);
    let secret = issued["token"].as_str().unwrap();
    let delivery = cli
        .slate
        .deliver(id.parse().unwrap(), r#"{"type":"order.filled"}"#)
        .await
        .unwrap();
    assert!(verifies(secret, &delivery));
    assert!(!verifies(
        token["webhook_secret"].as_str().unwrap(),
        &delivery
    ));
    assert!(
        !rotate.stderr.contains(secret),
        "the secret stays off stderr"
    );

    // Copy: the stored secret on the X clipboard (read with xclip), cleared by the countdown.
    let copy = cli.copy_to_a_private_clipboard(&id, secret).await;
    assert!(copy.stderr.contains("clears in 3 s"), "{copy:?}");
    assert!(copy.stderr.contains("cleared"), "{copy:?}");
    assert_eq!(copy.stdout, "");

    // A later run, after the access token expired: still signed in (the refresh token from the
    // keychain, spent once), the rotated token's secret still stored.
    cli.slate
        .control()
        .expire_access_tokens(Some(&cli.user))
        .await
        .unwrap();
    let later = cli.run(&["list", "--json"], "");
    assert_eq!(later.code, 0, "{later:?}");
    let rows: Value = serde_json::from_str(&later.stdout).unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["id"] == id.as_str())
        .unwrap();
    assert_eq!(row["storedLocally"], true, "{row}");
    // The rotation done here is what the list shows as the last one, saying where it came from.
    assert_eq!(row["lastRotatedAt"], issued["issuedAt"], "{row}");
    assert!(
        row["lastRotatedNote"]
            .as_str()
            .is_some_and(|note| note.contains("copy in this keychain")),
        "{row}"
    );
    let log = cli.slate.control().log().await.unwrap();
    assert!(
        log.iter()
            .any(|entry| entry["operation"] == "refresh" && entry["status"] == 200),
        "the later run did not renew the session"
    );
    assert_eq!(cli.slate.control().refresh_reuses().await.unwrap(), 0);

    // No Slate value is in the clear in the CLI's folders (settings, preferences, locks) or
    // on stderr: the password, the TOTP seed, the session's tokens, both webhook secrets, the
    // API token.
    let session =
        keychain_item(&cli.keychain, "slate-session:").expect("the session is in the keychain");
    let session: Value = serde_json::from_str(&session).unwrap();
    let values = [
        cli.user.password.clone(),
        cli.user.totp_secret.clone().unwrap(),
        session["access_token"].as_str().unwrap().to_owned(),
        session["refresh_token"].as_str().unwrap().to_owned(),
        token["webhook_secret"].as_str().unwrap().to_owned(),
        secret.to_owned(),
        token["token"].as_str().unwrap().to_owned(),
    ];
    let mut leaks = Vec::new();
    scan(&cli.config_home, &values, &mut leaks);
    assert!(leaks.is_empty(), "Slate values in the clear in {leaks:?}");
    for run in [&login, &list, &rotate, &copy, &later] {
        for value in &values {
            assert!(
                !run.stderr.contains(value.as_str()),
                "a Slate value on stderr"
            );
        }
    }
}

/// The first keychain item of `service` whose name starts with `prefix`, via `secret-tool`.
fn keychain_item(service: &str, prefix: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["search", "--all", "--unlock", "service", service])
        .output()
        .expect("secret-tool (libsecret-tools)");
    let listing = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let name = listing
        .lines()
        .filter_map(|line| line.trim().strip_prefix("attribute.username = "))
        .find(|name| name.starts_with(prefix))?
        .to_owned();
    let output = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", &name])
        .output()
        .expect("secret-tool (libsecret-tools)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.success() && !text.is_empty()).then_some(text)
}

fn scan(dir: &std::path::Path, values: &[String], found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            scan(&path, values, found);
        } else if let Ok(bytes) = std::fs::read(&path) {
            let text = String::from_utf8_lossy(&bytes);
            if values.iter().any(|value| text.contains(value.as_str())) {
                found.push(path);
            }
        }
    }
}

#[tokio::test]
async fn a_wrong_code_on_the_command_line_is_its_own_failure() {
    let cli = SlateCli::new("wrong-code").await;
    let run = cli.run(
        &[
            "login",
            "--provider",
            "slate",
            "--email",
            &cli.user.email,
            "--password-stdin",
            "--code",
            "000000",
        ],
        &format!("{}\n", cli.user.password),
    );
    assert_eq!(run.code, 12, "{run:?}");
    assert!(run.stderr.contains("two-factor code"), "{}", run.stderr);
    let accounts = cli.run(&["accounts"], "");
    assert!(!accounts.stdout.contains(&cli.user.email));
}

#[tokio::test]
async fn two_processes_listing_just_after_expiry_never_present_a_refresh_token_twice() {
    let cli = SlateCli::new("race").await;
    cli.slate
        .add_token(&cli.user, json!({"name": "CI deploy"}))
        .await
        .unwrap();
    assert_eq!(cli.login().await.code, 0);
    for round in 0..3 {
        cli.slate
            .control()
            .expire_access_tokens(Some(&cli.user))
            .await
            .unwrap();
        let first = cli.spawn(&["list"], "");
        let second = cli.spawn(&["list"], "");
        for run in [SlateCli::finish(first), SlateCli::finish(second)] {
            assert_eq!(run.code, 0, "round {round}: {run:?}");
            assert!(run.stdout.contains("CI deploy"));
        }
    }
    let log = cli.slate.control().log().await.unwrap();
    let presented: Vec<&Value> = log
        .iter()
        .filter(|entry| entry["operation"] == "refresh")
        .map(|entry| &entry["refresh"]["tokenFingerprint"])
        .collect();
    let mut distinct = presented.clone();
    distinct.sort_by_key(|value| value.to_string());
    distinct.dedup();
    assert_eq!(
        presented.len(),
        distinct.len(),
        "a refresh token was presented twice"
    );
    assert_eq!(presented.len(), 3, "one renewal per expiry");
    assert_eq!(cli.slate.control().refresh_reuses().await.unwrap(), 0);
}

/// The lock guards a keychain item, so two processes on one keychain meet at it whatever config
/// folder each was started with (a second profile, a CLI run with another `XDG_CONFIG_HOME`).
#[tokio::test]
async fn processes_with_different_config_folders_on_one_keychain_renew_once() {
    let cli = SlateCli::new("two-configs").await;
    let other_config = scratch_dir("wispkey-cli-slate-two-configs-other").unwrap();
    cli.slate
        .add_token(&cli.user, json!({"name": "CI deploy"}))
        .await
        .unwrap();
    assert_eq!(cli.login().await.code, 0);
    for round in 0..3 {
        cli.slate
            .control()
            .expire_access_tokens(Some(&cli.user))
            .await
            .unwrap();
        let first = cli.spawn(&["list"], "");
        let second = cli.spawn_in(&other_config, &["list"], "");
        for run in [SlateCli::finish(first), SlateCli::finish(second)] {
            assert_eq!(run.code, 0, "round {round}: {run:?}");
            assert!(run.stdout.contains("CI deploy"));
        }
    }
    let _ = std::fs::remove_dir_all(&other_config);
    let log = cli.slate.control().log().await.unwrap();
    let renewals = log
        .iter()
        .filter(|entry| entry["operation"] == "refresh")
        .count();
    assert_eq!(renewals, 3, "one renewal per expiry");
    assert_eq!(cli.slate.control().refresh_reuses().await.unwrap(), 0);
}

//! Runs the real `wispkey` binary against the local stack (`scripts/desktop-session.sh`): signed
//! in through the real consent page, tokens in the real Secret Service (read back here with
//! `secret-tool`, not through Wispkey), deliveries signed by the real wisp service.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use wispkey_core::tokens::item::token_item;
use wispkey_core::{AccountRef, SecretString};
use wispkey_test_support::{Stack, TestAccount, scratch_dir, unique_name};
use wispkey_wisp::signature;

pub type TestResult<T = ()> = wispkey_test_support::Result<T>;

pub const BODY: &str = r#"{"event":"cli-delivery"}"#;

/// What one run of `wispkey` left behind.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            // A signal (no code) is a failure no test expects.
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("stdout is not JSON ({error}): {self:?}"))
    }

    /// Fails with the whole run shown unless it exited with `code`.
    pub fn expect_code(self, code: i32) -> Run {
        assert_eq!(self.code, code, "{self:#?}");
        self
    }
}

/// One user of the CLI: an account on the stack, a keychain namespace and config folder of its
/// own, and every stderr it has seen (to check no token ever went there).
pub struct User {
    pub stack: Stack,
    pub account: TestAccount,
    pub keychain: String,
    /// `XDG_CONFIG_HOME`: Wispkey's folder is `place.wisp.wispkey` inside.
    pub config_home: PathBuf,
    env: Vec<(String, String)>,
    stderrs: RefCell<Vec<String>>,
}

impl User {
    pub async fn new(label: &str) -> TestResult<User> {
        let stack = Stack::get()?;
        let wisp_did = stack.wisp_did()?;
        User::with_service(stack, label, &wisp_did).await
    }

    /// A user whose Wispkey talks to the wisp service `wisp_did` (a private one a test breaks).
    pub async fn with_service(stack: Stack, label: &str, wisp_did: &str) -> TestResult<User> {
        let account = stack.fresh_account(label).await?;
        let keychain = unique_name(&format!("place.wisp.wispkey.cli-test.{label}"));
        let config_home = scratch_dir(&format!("wispkey-cli-{label}"))?;
        let consent = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../stack/consent-browser.sh");
        let env = vec![
            ("WISPKEY_PLC_URL".into(), stack.plc_url()?),
            ("WISPKEY_HANDLE_RESOLVER_PDS".into(), stack.pds_url()?),
            ("WISPKEY_WISP_SERVICE_DID".into(), wisp_did.to_owned()),
            ("WISPKEY_KEYCHAIN_SERVICE".into(), keychain.clone()),
            ("WISPKEY_BROWSER".into(), consent.display().to_string()),
            ("WISPKEY_CONSENT_HANDLE".into(), account.handle.clone()),
            ("WISPKEY_CONSENT_PASSWORD".into(), account.password.clone()),
            (
                "WISPKEY_CONSENT_LOG".into(),
                config_home.join("consent.log").display().to_string(),
            ),
            ("XDG_CONFIG_HOME".into(), config_home.display().to_string()),
        ];
        Ok(User {
            stack,
            account,
            keychain,
            config_home,
            env,
            stderrs: RefCell::new(Vec::new()),
        })
    }

    pub fn account_ref(&self) -> AccountRef {
        AccountRef::new("wisp", &self.account.did)
    }

    /// Wispkey's config folder, shared by the window and the CLI.
    pub fn config_dir(&self) -> PathBuf {
        self.config_home.join("place.wisp.wispkey")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_wispkey"));
        command
            .args(args)
            .envs(self.env.iter().map(|(key, value)| (key, value)))
            // Not a terminal: scripts' conditions (the terminal case needs a pty).
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs `wispkey ARGS` to the end.
    pub fn run(&self, args: &[&str]) -> Run {
        let run = Run::from(self.command(args).output().expect("run wispkey"));
        self.stderrs.borrow_mut().push(run.stderr.clone());
        run
    }

    /// Runs a started `wispkey` to the end (e.g. `copy`, spawned to watch the clipboard).
    pub fn finish(&self, child: Child) -> Run {
        let run = Run::from(child.wait_with_output().expect("wait for wispkey"));
        self.stderrs.borrow_mut().push(run.stderr.clone());
        run
    }

    pub fn login(&self) {
        let run = self.run(&["login", &self.account.handle]).expect_code(0);
        assert!(run.stderr.contains("Signed in as"), "{run:#?}");
    }

    /// `create NAME --show`: the token it printed.
    pub fn create(&self, name: &str) -> String {
        let run = self.run(&["create", name, "--show"]).expect_code(0);
        let token = run.stdout.trim().to_owned();
        assert!(!token.is_empty(), "{run:#?}");
        token
    }

    /// The keychain's copy of secret `id`'s token, read with `secret-tool` (not Wispkey).
    pub fn keychain_token(&self, id: &str) -> Option<String> {
        let item = token_item(&self.account_ref(), id);
        let output = Command::new("secret-tool")
            .args(["lookup", "service", &self.keychain, "username", &item])
            .output()
            .expect("secret-tool (libsecret-tools)");
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        (output.status.success() && !text.is_empty()).then_some(text)
    }

    /// Whether deliveries of secret `name` at the service behind `control` are signed with
    /// `token` now.
    pub async fn service_signs_with(&self, control: &str, name: &str, token: &str) -> bool {
        let header = self
            .stack
            .delivery_signature(control, &self.account.did, name, BODY)
            .await
            .unwrap();
        signature::verify(&SecretString::new(token), BODY.as_bytes(), &header)
    }

    /// Fails if any run's stderr contained one of `tokens`.
    pub fn assert_no_token_on_stderr(&self, tokens: &[&str]) {
        for stderr in self.stderrs.borrow().iter() {
            for token in tokens {
                assert!(!stderr.contains(token), "a token went to stderr: {stderr}");
            }
        }
    }
}

impl Drop for User {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.config_home);
    }
}

//! The desktop flows on the real built app: signed in through the reference PDS's consent page,
//! secrets created, rotated and deleted through the real PDS proxy, tokens in the real keychain
//! (read back here with `secret-tool`, independently of the app), the X clipboard read with
//! `xclip`. Each test saves a screenshot of the dialogs it checks under artifacts/e2e/ and ends by
//! scanning the app's folders and log for every token it saw.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use wispkey_core::tokens::item::token_item;
use wispkey_core::{AccountRef, SecretString};
use wispkey_e2e::{
    App, PrivateKeyring, PrivateWisp, Profile, Stack, TestAccount, TestResult, app_env, with_env,
};
use wispkey_wisp::signature;

const BODY: &str = r#"{"event":"e2e-delivery"}"#;

/// One signed-in app: its profile, environment and account, and the keychain namespace it uses.
struct Session {
    stack: Stack,
    account: TestAccount,
    profile: Profile,
    env: Vec<(String, String)>,
    keychain: String,
    /// The private Secret Service's bus, when the test uses one.
    bus: Option<String>,
}

impl Session {
    async fn new(label: &str, extra: &[(&str, &str)]) -> TestResult<Session> {
        let stack = Stack::get()?;
        let account = stack.fresh_account(label).await?;
        let profile = Profile::new(label)?;
        let mut env = app_env(&stack, &account, label)?;
        for (key, value) in extra {
            env = with_env(env, key, value);
        }
        let keychain = env
            .iter()
            .find(|(key, _)| key == "WISPKEY_KEYCHAIN_SERVICE")
            .map(|(_, value)| value.clone())
            .unwrap();
        let bus = extra
            .iter()
            .find(|(key, _)| *key == "DBUS_SESSION_BUS_ADDRESS")
            .map(|(_, value)| value.to_string());
        Ok(Session {
            stack,
            account,
            profile,
            env,
            keychain,
            bus,
        })
    }

    /// Launches the app and signs in through the consent page.
    async fn sign_in(&self) -> TestResult<App> {
        let app = App::launch_in(&self.profile, &self.env).await?;
        app.wait_for("#handle")
            .await?
            .send_keys(&self.account.handle)
            .await?;
        app.click("#signin-button").await?;
        app.wait_longer_for("#secrets-empty", Duration::from_secs(60))
            .await?;
        Ok(app)
    }

    /// Starts the app again in the same profile; the session must come from the keychain.
    async fn restart(&self) -> TestResult<App> {
        let env = with_env(self.env.clone(), "WISPKEY_BROWSER", "/bin/false");
        App::launch_in(&self.profile, &env).await
    }

    /// The keychain's copy of `name`'s token, read with `secret-tool` (not through the app).
    fn keychain_token(&self, name: &str) -> Option<String> {
        let account = AccountRef::new(wispkey_wisp::PROVIDER_ID, &self.account.did);
        let item = token_item(&account, name);
        let mut command = Command::new("secret-tool");
        command.args(["lookup", "service", &self.keychain, "username", &item]);
        if let Some(bus) = &self.bus {
            command.env("DBUS_SESSION_BUS_ADDRESS", bus);
        }
        let output = command.output().expect("secret-tool (libsecret-tools)");
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        (output.status.success() && !text.is_empty()).then_some(text)
    }

    /// The signature a delivery carries now, computed by the wisp service at `control`.
    async fn service_signature(&self, control: &str, name: &str) -> TestResult<String> {
        self.stack
            .delivery_signature(control, &self.account.did, name, BODY)
            .await
    }

    /// Fails unless `token` is both the keychain's copy of `name` and the token the service
    /// signs deliveries with now.
    async fn assert_current_token(&self, control: &str, name: &str, token: &str) -> TestResult {
        assert_eq!(self.keychain_token(name).as_deref(), Some(token));
        assert!(
            signs(token, &self.service_signature(control, name).await?),
            "{name}'s deliveries are not signed with this token"
        );
        Ok(())
    }

    /// The OAuth session's secret values as the keychain holds them now (access and refresh
    /// tokens, the DPoP private key), read with `secret-tool`, not through the app. Every item
    /// of this test's keychain namespace is read and their values joined, so a session record
    /// stored in one item or several is found either way.
    fn session_secrets(&self) -> Vec<String> {
        let mut command = Command::new("secret-tool");
        command.args(["search", "--all", "service", &self.keychain]);
        if let Some(bus) = &self.bus {
            command.env("DBUS_SESSION_BUS_ADDRESS", bus);
        }
        let output = command.output().expect("secret-tool (libsecret-tools)");
        // secret-tool prints each item's secret on stdout (its attributes go to stderr).
        let record: String = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| line.strip_prefix("secret = "))
            .collect();
        let mut secrets = Vec::new();
        for key in [r#""access_token":""#, r#""refresh_token":""#, r#"\"d\":\""#] {
            if let Some(start) = record.find(key).map(|at| at + key.len()) {
                let value: String = record[start..]
                    .chars()
                    .take_while(|c| *c != '"' && *c != '\\')
                    .collect();
                assert!(value.len() >= 16, "a short session value under {key}");
                secrets.push(value);
            }
        }
        assert_eq!(
            secrets.len(),
            3,
            "the session's access token, refresh token and DPoP key were not all found in the keychain"
        );
        secrets
    }

    /// The app's log (the platform's log folder in this profile) has a line for each request
    /// that matters, with method, host, path and status, and none with a query string.
    fn assert_requests_logged(&self, expected: &[(&str, &str)]) {
        let log = self.profile.app_log_text().expect("the app's log folder");
        let requests: Vec<&str> = log
            .lines()
            .filter(|line| line.contains("wispkey::http"))
            .collect();
        for (method, path) in expected {
            assert!(
                requests.iter().any(|line| line.contains(method)
                    && line.contains(path)
                    && line.contains("host=")
                    && line.contains("status=")
                    && line.contains("ms=")),
                "no {method} {path} request in the log:\n{log}"
            );
        }
        assert!(
            requests.iter().all(|line| !line.contains('?')),
            "a request line carries a query:\n{log}"
        );
    }

    /// Fails if any file of the app's profile (config, data with WebKit's storage, cache, and
    /// the log of the app and its drivers) contains one of `tokens`.
    fn assert_no_token_in_files(&self, tokens: &[String]) {
        let leaks = self.profile.files_containing(tokens).unwrap();
        assert!(leaks.is_empty(), "a token was written to {leaks:?}");
    }
}

/// Checks `condition` every 100 ms for up to 10 s; whether it came true.
async fn eventually(mut condition: impl AsyncFnMut() -> TestResult<bool>) -> TestResult<bool> {
    for _ in 0..100 {
        if condition().await? {
            return Ok(true);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(false)
}

/// The account the app shows as current.
async fn shown_account(app: &App) -> TestResult<String> {
    Ok(app.wait_for("#account-name").await?.text().await?)
}

fn signs(token: &str, header: &str) -> bool {
    signature::verify(&SecretString::new(token), BODY.as_bytes(), header)
}

/// The value of the copy-once dialog's token field (a property: never in the markup).
async fn dialog_token(app: &App) -> TestResult<String> {
    let field = app.wait_for("#token-dialog[open] #token-value").await?;
    Ok(field.prop("value").await?.unwrap_or_default())
}

async fn open_create_dialog(app: &App) -> TestResult {
    if app.is_present("#create-first").await {
        app.click("#create-first").await
    } else {
        app.click("#create-button").await
    }?;
    app.wait_for("#create-dialog[open] #create-name").await?;
    Ok(())
}

/// Types `name` into the create dialog (pressing Create when `submit`), returns the reason the
/// dialog gives for refusing it after saving a screenshot as `shot`, and cancels the dialog.
async fn refused_name(app: &App, name: &str, submit: bool, shot: &str) -> TestResult<String> {
    open_create_dialog(app).await?;
    app.wait_for("#create-name").await?.send_keys(name).await?;
    if submit {
        app.click("#create-submit").await?;
    }
    let problem = app
        .wait_for_text("#create-name-problem, #create-error", |text| {
            !text.is_empty()
        })
        .await?;
    app.screenshot(shot).await?;
    app.click("#create-cancel").await?;
    app.wait_until_gone("#create-dialog[open]").await?;
    Ok(problem)
}

async fn create(app: &App, name: &str) -> TestResult<String> {
    open_create_dialog(app).await?;
    app.wait_for("#create-name").await?.send_keys(name).await?;
    app.click("#create-submit").await?;
    dialog_token(app).await
}

async fn close_token_dialog(app: &App) -> TestResult {
    app.click("#token-done").await?;
    app.wait_until_gone("#token-dialog[open]").await
}

async fn start_rotate(app: &App, name: &str) -> TestResult {
    app.click(&format!(
        "[data-secret=\"{name}\"] [data-action=\"rotate\"]"
    ))
    .await?;
    app.wait_for("#rotate-dialog[open] #rotate-confirm-name")
        .await?
        .send_keys(name)
        .await?;
    Ok(())
}

#[tokio::test]
async fn create_copy_rotate_restart_and_delete() -> TestResult {
    let session = Session::new("flows", &[]).await?;
    let control = session.stack.wisp_control()?;
    let app = session.sign_in().await?;
    app.screenshot("flows-empty-state").await?;

    // A short clipboard countdown, set the way a user would.
    app.click("#settings-button").await?;
    let seconds = app
        .wait_for("#settings-dialog[open] #settings-clear-seconds")
        .await?;
    seconds.clear().await?;
    seconds.send_keys("3").await?;
    app.click("#settings-save").await?;
    app.wait_until_gone("#settings-dialog[open]").await?;

    // A name the server would refuse is explained before anything is sent.
    let problem = refused_name(&app, "deploy hook", false, "flows-create-invalid-name").await?;
    assert!(problem.contains("space"), "{problem}");

    // Create: the dialog's token is already in the keychain, and it is the one that signs.
    let first = create(&app, "deploy-hook").await?;
    assert!(!first.is_empty());
    assert!(
        !app.wait_for("#token-not-stored")
            .await?
            .is_displayed()
            .await?,
        "a stored token shows no warning"
    );
    session
        .assert_current_token(&control, "deploy-hook", &first)
        .await?;
    assert_eq!(
        app.wait_for("#token-value")
            .await?
            .attr("type")
            .await?
            .as_deref(),
        Some("password"),
        "the token starts masked"
    );
    app.screenshot("flows-copy-once-dialog").await?;

    // Copy puts it on this app's X clipboard, hidden from clipboard history, and the countdown
    // takes it away again.
    app.click("#token-copy").await?;
    let display = app.display();
    assert!(
        eventually(async || Ok(display.clipboard_text()?.as_deref() == Some(first.as_str())))
            .await?,
        "the token never reached the clipboard"
    );
    assert!(
        display
            .clipboard_targets()?
            .iter()
            .any(|target| target == "x-kde-passwordManagerHint"),
        "{:?}",
        display.clipboard_targets()?
    );
    app.wait_for_text("#clipboard-countdown", |text| !text.is_empty())
        .await?;
    app.screenshot("flows-clipboard-countdown").await?;
    assert!(
        eventually(async || Ok(display.clipboard_text()?.as_deref() != Some(first.as_str())))
            .await?,
        "the clipboard still holds the token after the countdown"
    );
    close_token_dialog(&app).await?;
    app.wait_for("[data-secret=\"deploy-hook\"] .badge-stored")
        .await?;

    // A name already in the list is refused as it is typed, before anything is sent.
    let problem = refused_name(&app, "deploy-hook", false, "flows-create-duplicate").await?;
    assert!(problem.to_lowercase().contains("already"), "{problem}");

    // A name created elsewhere since the list loaded: the server's AlreadyExists, shown inline.
    let elsewhere = session
        .stack
        .create_secret_elsewhere(&session.account, "made-elsewhere")
        .await?;
    let problem = refused_name(
        &app,
        "made-elsewhere",
        true,
        "flows-create-already-exists-at-server",
    )
    .await?;
    assert!(problem.to_lowercase().contains("already"), "{problem}");

    // A cancelled rotate changes nothing, here or at the service. Its confirmation names the
    // webhook (a record in the user's repo) that the secret signs.
    session
        .stack
        .create_record(
            &session.account,
            "place.wisp.v2.wh",
            serde_json::json!({
                "$type": "place.wisp.v2.wh",
                "url": "https://ci.example/deploy",
                "secretId": "deploy-hook",
                "events": ["create"],
                "enabled": true,
                "createdAt": "2026-11-23T12:00:00.000Z",
            }),
        )
        .await?;
    start_rotate(&app, "deploy-hook").await?;
    let dependents = app
        .wait_for_text("#rotate-dependents", |text| !text.starts_with("Checking"))
        .await?;
    assert!(
        dependents.contains("https://ci.example/deploy"),
        "{dependents}"
    );
    app.screenshot("flows-rotate-confirmation").await?;
    app.click("#rotate-cancel").await?;
    app.wait_until_gone("#rotate-dialog[open]").await?;
    session
        .assert_current_token(&control, "deploy-hook", &first)
        .await?;

    // A confirmed rotate: a new token, stored; the old one no longer signs.
    start_rotate(&app, "deploy-hook").await?;
    app.click("#rotate-submit").await?;
    let second = dialog_token(&app).await?;
    assert_ne!(second, first);
    assert_eq!(
        session.keychain_token("deploy-hook").as_deref(),
        Some(second.as_str())
    );
    let now = session.service_signature(&control, "deploy-hook").await?;
    assert!(signs(&second, &now));
    assert!(!signs(&first, &now), "the old token still signs");
    app.screenshot("flows-rotated-token").await?;
    close_token_dialog(&app).await?;
    app.close().await?;

    // A restart: still signed in, the badge still right.
    let app = session.restart().await?;
    app.wait_longer_for(
        "[data-secret=\"deploy-hook\"] .badge-stored",
        Duration::from_secs(30),
    )
    .await?;
    assert_eq!(shown_account(&app).await?, session.account.handle);
    assert!(
        !app.is_present("[data-secret=\"made-elsewhere\"] .badge-stored")
            .await,
        "no badge for a secret whose token this machine never had"
    );
    app.screenshot("flows-list-after-restart").await?;

    // Later, deliberately: copy the stored token from the keychain.
    app.click("[data-secret=\"deploy-hook\"] [data-action=\"copy-stored\"]")
        .await?;
    assert!(
        eventually(async || {
            Ok(app.display().clipboard_text()?.as_deref() == Some(second.as_str()))
        })
        .await?,
        "the stored token never reached the clipboard"
    );

    // Delete, with the local copy.
    app.row_action("[data-secret=\"deploy-hook\"]", "delete")
        .await?;
    app.wait_for("#delete-dialog[open] #delete-confirm-name")
        .await?
        .send_keys("deploy-hook")
        .await?;
    assert!(
        app.wait_for("#delete-local-copy")
            .await?
            .is_selected()
            .await?
    );
    app.screenshot("flows-delete-confirmation").await?;
    app.click("#delete-submit").await?;
    app.wait_until_gone("[data-secret=\"deploy-hook\"]").await?;
    assert_eq!(session.keychain_token("deploy-hook"), None);
    let mut secrets = session.session_secrets();
    app.close().await?;

    // The log says what was asked, of whom, and how it went; never a secret.
    session.assert_requests_logged(&[
        ("POST", "/oauth/par"),
        ("POST", "/oauth/token"),
        ("GET", "/xrpc/place.wisp.v2.secret.list"),
        ("POST", "/xrpc/place.wisp.v2.secret.create"),
        ("POST", "/xrpc/place.wisp.v2.secret.rotate"),
        ("POST", "/xrpc/place.wisp.v2.secret.delete"),
    ]);
    secrets.extend([first, second, elsewhere, session.account.password.clone()]);
    session.assert_no_token_in_files(&secrets);
    Ok(())
}

#[tokio::test]
async fn rotate_with_the_keychain_gone_shows_the_token_and_says_it_is_not_stored() -> TestResult {
    let mut keyring = PrivateKeyring::start()?;
    let bus = keyring.address().to_owned();
    let session = Session::new("nokc", &[("DBUS_SESSION_BUS_ADDRESS", &bus)]).await?;
    let app = session.sign_in().await?;
    let first = create(&app, "hook").await?;
    close_token_dialog(&app).await?;

    keyring.stop_keyring()?;
    start_rotate(&app, "hook").await?;
    app.click("#rotate-submit").await?;
    let second = dialog_token(&app).await?;
    assert!(!second.is_empty() && second != first);
    let warning = app
        .wait_for_text("#token-not-stored", |text| !text.is_empty())
        .await?;
    assert!(
        app.wait_for("#token-not-stored")
            .await?
            .is_displayed()
            .await?
    );
    assert!(warning.to_lowercase().contains("not saved"), "{warning}");
    app.screenshot("keychain-gone-token-not-stored").await?;

    // Closing asks first: the token exists nowhere else yet. Done asks...
    app.click("#token-done").await?;
    app.wait_for("#token-close-ask:not([hidden])").await?;
    app.click("#token-close-back").await?;
    app.wait_for("#token-close-ask[hidden]").await?;
    // ...and so does the window's close button; the window stays.
    assert!(app.display().ask_windows_to_close()? >= 1);
    app.wait_for("#token-close-ask:not([hidden])").await?;
    app.screenshot("keychain-gone-window-close-asks").await?;
    app.click("#token-close-back").await?;
    assert_eq!(dialog_token(&app).await?, second);

    // With the keychain back, Retry stores the token the dialog shows.
    keyring.start_keyring()?;
    app.click("#token-retry").await?;
    app.wait_for_text("#token-stored", |text| !text.is_empty())
        .await?;
    assert_eq!(
        session.keychain_token("hook").as_deref(),
        Some(second.as_str())
    );
    app.screenshot("keychain-back-token-stored").await?;
    close_token_dialog(&app).await?;

    // Nothing unstored is left, so the close button now closes the app.
    assert!(app.display().ask_windows_to_close()? >= 1);
    assert!(
        eventually(async || Ok(app.client.title().await.is_err())).await?,
        "the window refused to close with nothing left to lose"
    );
    drop(app);

    session.assert_no_token_in_files(&[first, second]);
    Ok(())
}

#[tokio::test]
async fn a_rotate_whose_answer_is_lost_opens_the_outcome_unknown_dialog() -> TestResult {
    let stack = Stack::get()?;
    let wisp = PrivateWisp::start(&stack, true, &[])?;
    let session = Session::new("lost", &[("WISPKEY_WISP_SERVICE_DID", &wisp.did)]).await?;
    let app = session.sign_in().await?;
    let first = create(&app, "hook").await?;
    close_token_dialog(&app).await?;

    // The service commits the rotate, then drops the connection without answering.
    wisp.drop_connection_after_commit("place.wisp.v2.secret.rotate")
        .await?;
    start_rotate(&app, "hook").await?;
    app.click("#rotate-submit").await?;
    let explanation = app
        .wait_for_text("#unknown-dialog[open]", |text| !text.is_empty())
        .await?;
    assert!(
        explanation.to_lowercase().contains("no answer") || explanation.contains("unknown"),
        "{explanation}"
    );
    assert!(
        !app.is_present("#token-dialog[open]").await,
        "no token can be shown: none came back"
    );
    app.screenshot("outcome-unknown-dialog").await?;

    // The old token is dead at the service; checking the list shows the rotation happened.
    let now = session.service_signature(&wisp.control(), "hook").await?;
    assert!(!signs(&first, &now));
    app.click("#unknown-check").await?;
    let result = app
        .wait_for_text("#unknown-result", |text| {
            !text.is_empty() && !text.starts_with("Loading")
        })
        .await?;
    assert!(result.to_lowercase().contains("rotated"), "{result}");
    app.screenshot("outcome-unknown-checked").await?;

    // Rotating again goes through the confirmation again, never on its own.
    app.click("#unknown-rotate-again").await?;
    app.wait_for("#rotate-dialog[open]").await?;
    app.close().await?;

    session.assert_no_token_in_files(&[first]);
    Ok(())
}

/// Tells the consent automation which account to sign in as next.
fn consent_plays(file: &std::path::Path, account: &TestAccount) -> TestResult {
    let who = serde_json::json!({ "handle": account.handle, "password": account.password });
    std::fs::write(file, who.to_string())?;
    Ok(())
}

#[tokio::test]
async fn two_accounts_side_by_side_with_a_switcher() -> TestResult {
    let probe = Profile::new("consent")?;
    let consent_file = probe.config_dir().join("consent.json");
    let consent_path = consent_file.display().to_string();
    let session = Session::new("two", &[("WISPKEY_CONSENT_FILE", &consent_path)]).await?;
    let other = session.stack.fresh_account("other").await?;

    consent_plays(&consent_file, &session.account)?;
    let app = session.sign_in().await?;
    let alpha = create(&app, "alpha-hook").await?;
    close_token_dialog(&app).await?;

    // Add the second account from the account menu.
    consent_plays(&consent_file, &other)?;
    app.click("#account-menu-button").await?;
    app.click("#add-account").await?;
    app.wait_for("#handle")
        .await?
        .send_keys(&other.handle)
        .await?;
    app.click("#signin-button").await?;
    app.wait_longer_for("#secrets-empty", Duration::from_secs(60))
        .await?;
    assert_eq!(shown_account(&app).await?, other.handle);
    let beta = create(&app, "beta-hook").await?;
    close_token_dialog(&app).await?;

    // Switch back: the first account's secrets, with their badge, and none of the second's.
    app.click("#account-menu-button").await?;
    app.wait_for(&format!("[data-account-did=\"{}\"]", other.did))
        .await?;
    app.screenshot("accounts-menu").await?;
    app.click(&format!("[data-account-did=\"{}\"]", session.account.did))
        .await?;
    app.wait_for("[data-secret=\"alpha-hook\"] .badge-stored")
        .await?;
    assert_eq!(shown_account(&app).await?, session.account.handle);
    assert!(!app.is_present("[data-secret=\"beta-hook\"]").await);
    app.close().await?;

    // Both sessions come back after a restart.
    let app = session.restart().await?;
    app.wait_longer_for("[data-secret]", Duration::from_secs(30))
        .await?;
    app.click("#account-menu-button").await?;
    for did in [&session.account.did, &other.did] {
        app.wait_for(&format!("[data-account-did=\"{did}\"]"))
            .await?;
    }
    app.close().await?;

    session.assert_no_token_in_files(&[alpha, beta]);
    Ok(())
}

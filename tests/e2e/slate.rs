//! Slate in the real window, against a private Slate-compatible service seeded with the demo
//! staff users (as the offline demo's stack has them): "Add account → Slate" with email and
//! password, the authenticator code asked for inline (typed as an authenticator app computes it
//! from the account's TOTP seed), the list with each token's facts, a webhook secret rotated
//! through the type-the-name confirmation (names repeat, so the dialog shows the id), the new
//! secret in the keychain before the copy-once dialog shows it, copied to the X clipboard (read
//! with `xclip`) and cleared by the countdown, the service's signed delivery verifying with the
//! new secret and not the old one, and a restart that is still signed in: the single-use refresh
//! token comes from the keychain and is spent once. Ends by scanning the app's folders and log
//! for every Slate value it saw.
//! Also: a wisp.place and a Slate account side by side in one window (the README's picture).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use fantoccini::Locator;
use serde_json::{Value, json};
use totp_rs::{Algorithm, Secret, TOTP};

use wispkey_core::tokens::item::token_item;
use wispkey_core::{AccountRef, SecretString};
use wispkey_e2e::{App, Profile, Stack, TestResult, app_env, with_env};
use wispkey_test_support::{PrivateSlate, SlateControl, unique_name};

const HOOK_URL: &str = "https://hooks.example/slate-e2e";
/// A name the demo account already uses twice: only the id tells the three apart.
const NAME: &str = "Reporting";
/// WebDriver's Enter key.
const ENTER: &str = "\u{E007}";
const BODY: &str = r#"{"type":"order.filled","data":{"order":"e2e"}}"#;

/// The code an authenticator app shows now for a base32 TOTP seed (RFC 6238: SHA-1, 6 digits,
/// 30-second steps).
fn authenticator_code(seed: &str) -> String {
    let key = Secret::Encoded(seed.to_owned()).to_bytes().unwrap();
    TOTP::new(Algorithm::SHA1, 6, 1, 30, key)
        .unwrap()
        .generate_current()
        .unwrap()
}

/// Every item of a keychain namespace, by name, read with `secret-tool` (not through the app).
fn keychain_items(service: &str) -> Vec<(String, String)> {
    let output = Command::new("secret-tool")
        .args(["search", "--all", "service", service])
        .output()
        .expect("secret-tool (libsecret-tools)");
    // The secrets go to stdout and the attributes to stderr, so names are read first and each
    // item looked up by name.
    let listing = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let mut names: Vec<String> = listing
        .lines()
        .filter_map(|line| line.trim().strip_prefix("attribute.username = "))
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| keychain(service, &name).map(|value| (name, value)))
        .collect()
}

/// What another keychain client (secret-tool) sees under `item`; `None` when there is none.
fn keychain(service: &str, item: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", item])
        .output()
        .expect("secret-tool (libsecret-tools)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.success() && !text.is_empty()).then_some(text)
}

/// The Slate session the keychain holds: the account's id (from the item's name) and the
/// session's access and refresh tokens.
struct StoredSession {
    account_id: String,
    access_token: String,
    refresh_token: String,
}

fn stored_session(service: &str) -> StoredSession {
    let (name, record) = keychain_items(service)
        .into_iter()
        .find(|(name, _)| name.starts_with("slate-session:"))
        .expect("the Slate session is in the keychain");
    let record: Value = serde_json::from_str(&record).expect("the session record is JSON");
    let value = |key: &str| {
        let text = record[key].as_str().unwrap_or_default().to_owned();
        assert!(text.len() >= 16, "a short {key} in the session record");
        text
    };
    StoredSession {
        account_id: name["slate-session:".len()..].to_owned(),
        access_token: value("access_token"),
        refresh_token: value("refresh_token"),
    }
}

/// Whether the service's delivery, signed now with the token's current webhook secret,
/// verifies under `secret`.
async fn delivery_verifies(
    control: &SlateControl,
    token_id: u64,
    secret: &str,
) -> TestResult<bool> {
    let delivery = control.deliver(token_id, BODY).await?;
    let headers = &delivery["headers"];
    let header = |name: &str| headers[name].as_str().ok_or(format!("no {name}"));
    Ok(wispkey_slate::signature::verify(
        &SecretString::new(secret),
        header("webhook-id")?,
        header("webhook-timestamp")?,
        delivery["body"].as_str().ok_or("no body")?.as_bytes(),
        header("webhook-signature")?,
    ))
}

/// The service's log entries for one operation, as (status, extra field) pairs.
async fn logged(control: &SlateControl, operation: &str, field: &str) -> TestResult<Vec<Value>> {
    Ok(control
        .log()
        .await?
        .into_iter()
        .filter(|entry| entry["operation"] == operation)
        .map(|entry| json!([entry["status"], entry[field]]))
        .collect())
}

/// Clicks `css`; when the click fails, saves what the window showed as `shot` and names `css`.
async fn click(app: &App, css: &str, shot: &str) -> TestResult {
    if let Err(error) = app.click(css).await {
        app.screenshot(shot).await?;
        return Err(format!("clicking {css} failed ({error}); see {shot}.png").into());
    }
    Ok(())
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

/// Chooses Slate on the sign-in screen and signs in with email and password; the service asks
/// for the authenticator code, which is typed into the same form (a screenshot `shot` of it).
async fn sign_in_with_code(
    shot: &str,
    app: &App,
    server: &str,
    email: &str,
    password: &str,
    seed: &str,
) -> TestResult<String> {
    click(
        app,
        "label[for=\"provider-slate\"]",
        &format!("{shot}-failed"),
    )
    .await?;
    let address = app.wait_for("#server").await?.prop("value").await?;
    assert_eq!(
        address.as_deref(),
        Some(server),
        "the address field starts with the slateApiUrl setting"
    );
    app.wait_for("#email").await?.send_keys(email).await?;
    // Enter submits, as from the keyboard. (With the custom-network line showing, WebKit's
    // WebDriver reports the Sign in button's click as intercepted by that line.)
    app.wait_for("#password")
        .await?
        .send_keys(&format!("{password}{ENTER}"))
        .await?;
    let field = app
        .wait_longer_for(
            "#signin-code-field:not([hidden]) #signin-code:enabled",
            Duration::from_secs(30),
        )
        .await?;
    app.screenshot(shot).await?;
    let code = authenticator_code(seed);
    // Typed as an authenticator app shows it ("123 456"): the form keeps the digits.
    field
        .send_keys(&format!("{} {}{ENTER}", &code[..3], &code[3..]))
        .await?;
    Ok(code)
}

#[tokio::test]
async fn add_a_slate_account_with_totp_rotate_copy_and_restart_still_signed_in() -> TestResult {
    let (slate, demo) = PrivateSlate::start_demo()?;
    let control = slate.control();
    let user = demo.with_totp;
    let seed = user
        .totp_secret
        .clone()
        .ok_or("the demo account has no TOTP")?;
    let token = control
        .add_token(
            &user,
            json!({"name": NAME, "webhook_url": HOOK_URL, "webhook_enabled": true}),
        )
        .await?;
    let token_id = token["id"].as_u64().ok_or("no token id")?;
    let id = token_id.to_string();
    let api_token = token["token"].as_str().ok_or("no token")?.to_owned();
    let first = token["webhook_secret"]
        .as_str()
        .ok_or("no secret")?
        .to_owned();
    let masked = format!(
        "{}…{}",
        token["token_prefix"].as_str().ok_or("no prefix")?,
        token["token_last4"].as_str().ok_or("no last4")?
    );

    let keychain_service = unique_name("place.wisp.wispkey.e2e.slate");
    let profile = Profile::new("slate")?;
    let env = vec![
        ("WISPKEY_SLATE_URL".to_owned(), slate.url.clone()),
        (
            "WISPKEY_KEYCHAIN_SERVICE".to_owned(),
            keychain_service.clone(),
        ),
        // No sign-in page is opened in this test; a stray one would fail loudly.
        ("WISPKEY_BROWSER".to_owned(), "/bin/false".to_owned()),
    ];
    let app = App::launch_in(&profile, &env).await?;

    // Add the account: email and password, then the code the server asked for, inline.
    let code = sign_in_with_code(
        "slate-sign-in-code-asked",
        &app,
        &slate.url,
        &user.email,
        &user.password,
        &seed,
    )
    .await?;
    let row = format!("[data-secret-id=\"{id}\"]");
    app.wait_longer_for(&row, Duration::from_secs(30)).await?;
    app.screenshot("slate-list").await?;
    assert_eq!(
        logged(&control, "login", "totpCodeSent").await?,
        [json!([202, false]), json!([200, true])],
        "one sign-in without the code (asked for it), one with it"
    );

    // The list: each token with its id and facts; the three "Reporting" tokens told apart.
    // The whole line (the window shows its start, and all of it on hover); WebKit's WebDriver
    // reads no text from an ellipsised flex child, so it is read from the page.
    let facts = app
        .wait_for(&format!("{row} .secret-id"))
        .await?
        .prop("textContent")
        .await?
        .unwrap_or_default();
    for expected in [
        format!("Token id {id}"),
        masked.clone(),
        "Status: active".to_owned(),
        HOOK_URL.to_owned(),
        "Webhooks: on".to_owned(),
    ] {
        assert!(
            facts.contains(&expected),
            "{expected} missing from {facts:?}"
        );
    }
    let same_name = app
        .client
        .find_all(Locator::Css(&format!("[data-secret=\"{NAME}\"]")))
        .await?;
    assert_eq!(
        same_name.len(),
        3,
        "the demo's two “{NAME}” tokens and this one"
    );
    assert!(
        !app.is_present(&format!("{row} [data-action=\"delete\"]"))
            .await,
        "Slate tokens are revoked in Slate's dashboard: no Delete"
    );

    // A short clipboard countdown, set the way a user would.
    app.click("#settings-button").await?;
    let seconds = app
        .wait_for("#settings-dialog[open] #settings-clear-seconds")
        .await?;
    seconds.clear().await?;
    seconds.send_keys("3").await?;
    app.click("#settings-save").await?;
    app.wait_until_gone("#settings-dialog[open]").await?;

    // Rotate: the dialog names the token by name and id, and asks for the name.
    app.click(&format!("{row} [data-action=\"rotate\"]"))
        .await?;
    let dialog = app
        .wait_for_text("#rotate-dialog[open]", |text| !text.is_empty())
        .await?;
    assert!(
        dialog.contains(&format!("“{NAME}” (token id {id})")),
        "the confirmation does not say which {NAME}: {dialog}"
    );
    let submit_enabled = app.wait_for("#rotate-submit").await?.is_enabled().await?;
    assert!(
        !submit_enabled,
        "Rotate is offered before the name is typed"
    );
    app.wait_for("#rotate-confirm-name")
        .await?
        .send_keys(NAME)
        .await?;
    app.screenshot("slate-rotate-confirmation").await?;
    assert!(delivery_verifies(&control, token_id, &first).await?);
    app.click("#rotate-submit").await?;

    // The copy-once dialog: the new secret, already in the keychain.
    let shown = app
        .wait_longer_for("#token-dialog[open] #token-value", Duration::from_secs(30))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    app.wait_for_text("#token-stored", |text| !text.is_empty())
        .await?;
    assert!(shown.starts_with("whsec_"), "not a webhook secret");
    assert_ne!(shown, first);
    let session = stored_session(&keychain_service);
    let account = AccountRef::new(wispkey_slate::PROVIDER_ID, &session.account_id);
    assert_eq!(
        keychain(&keychain_service, &token_item(&account, &id)).as_deref(),
        Some(shown.as_str()),
        "the keychain holds exactly what the dialog shows"
    );
    app.screenshot("slate-copy-once-dialog").await?;

    // The service signs with the new secret now; the old one no longer verifies.
    assert!(delivery_verifies(&control, token_id, &shown).await?);
    assert!(
        !delivery_verifies(&control, token_id, &first).await?,
        "the old secret still verifies"
    );
    assert_eq!(
        logged(&control, "rotate", "path").await?,
        [json!([
            200,
            format!("/api-tokens/{id}/webhook/rotate-secret")
        ])],
        "one rotate request for one confirmed rotate"
    );

    // Copy: on this app's X clipboard, then cleared by the countdown.
    app.click("#token-copy").await?;
    let display = app.display();
    assert!(
        eventually(async || Ok(display.clipboard_text()?.as_deref() == Some(shown.as_str())))
            .await?,
        "the secret never reached the clipboard"
    );
    app.wait_for_text("#clipboard-countdown", |text| !text.is_empty())
        .await?;
    app.screenshot("slate-clipboard-countdown").await?;
    assert!(
        eventually(async || Ok(display.clipboard_text()?.as_deref() != Some(shown.as_str())))
            .await?,
        "the clipboard still holds the secret after the countdown"
    );
    app.click("#token-done").await?;
    app.wait_until_gone("#token-dialog[open]").await?;
    app.wait_for(&format!("{row} .badge-stored")).await?;
    app.close().await?;

    // Restart with every access token expired at the service: the app must renew the session
    // with the refresh token from the keychain, without asking, and spend it once.
    assert!(control.expire_access_tokens(Some(&user)).await? >= 1);
    let app = App::launch_in(&profile, &env).await?;
    app.wait_longer_for(&format!("{row} .badge-stored"), Duration::from_secs(30))
        .await?;
    assert!(
        !app.is_present("#signin-form").await,
        "the restarted app asked to sign in again"
    );
    app.screenshot("slate-after-restart").await?;
    let renewed = stored_session(&keychain_service);
    app.close().await?;
    let refreshes = logged(&control, "refresh", "status").await?;
    assert!(
        !refreshes.is_empty() && refreshes.iter().all(|entry| entry[0] == 200),
        "the session was not renewed with the stored refresh token: {refreshes:?}"
    );
    assert_eq!(
        control.refresh_reuses().await?,
        0,
        "a refresh token was sent twice"
    );
    assert_ne!(
        renewed.refresh_token, session.refresh_token,
        "the refresh token was not replaced"
    );
    assert_eq!(renewed.account_id, session.account_id);

    // The log has the requests and no value; no file of the profile has a Slate value.
    let log = profile.app_log_text()?;
    for expected in [
        "path=/api/admin/users/login status=202",
        "path=/api/admin/users/login status=200",
        "path=/api-tokens status=200",
        &format!("path=/api-tokens/{id}/webhook/rotate-secret status=200"),
        "path=/auth/refresh status=200",
    ] {
        assert!(
            log.contains(expected),
            "{expected} missing from the log:\n{log}"
        );
    }
    let leaks = profile.files_containing(&[
        user.password.clone(),
        seed,
        code,
        api_token,
        first,
        shown,
        session.access_token,
        session.refresh_token,
        renewed.access_token,
        renewed.refresh_token,
    ])?;
    assert!(leaks.is_empty(), "a Slate value was written to {leaks:?}");
    Ok(())
}

#[tokio::test]
async fn a_wisp_and_a_slate_account_side_by_side_in_one_window() -> TestResult {
    let stack = Stack::get()?;
    let person = stack.fresh_account("wisp-slate").await?;
    let (slate, demo) = PrivateSlate::start_demo()?;
    let user = demo.with_totp;
    let seed = user
        .totp_secret
        .clone()
        .ok_or("the demo account has no TOTP")?;
    let profile = Profile::new("wisp-slate")?;
    let env = with_env(
        app_env(&stack, &person, "wisp-slate")?,
        "WISPKEY_SLATE_URL",
        &slate.url,
    );

    // wisp.place first, through its consent page (the first provider is preselected).
    let app = App::launch_in(&profile, &env).await?;
    app.wait_for("#handle")
        .await?
        .send_keys(&person.handle)
        .await?;
    app.click("#signin-button").await?;
    app.wait_longer_for("#secrets-empty", Duration::from_secs(60))
        .await?;

    // Then Slate, from the account menu: the demo staff user with its authenticator code.
    click(&app, "#account-menu-button", "accounts-menu-failed").await?;
    click(&app, "#add-account", "accounts-add-failed").await?;
    let code = sign_in_with_code(
        "accounts-add-slate-code-asked",
        &app,
        &slate.url,
        &user.email,
        &user.password,
        &seed,
    )
    .await?;
    app.wait_longer_for("[data-secret=\"Order router\"]", Duration::from_secs(30))
        .await?;
    let rows = app
        .client
        .find_all(Locator::Css("[data-secret-id]"))
        .await?;
    assert_eq!(rows.len(), 6, "the demo account's six API tokens");

    // One menu with both accounts, each with its provider; switching shows each one's list.
    app.click("#account-menu-button").await?;
    let wisp_item = format!(
        "[data-account-provider=\"wisp\"][data-account-did=\"{}\"]",
        person.did
    );
    app.wait_for(&wisp_item).await?;
    app.wait_for("[data-account-provider=\"slate\"]").await?;
    app.screenshot("accounts-wisp-and-slate").await?;
    app.click(&wisp_item).await?;
    app.wait_for("#secrets-empty").await?;
    assert!(!app.is_present("[data-secret=\"Order router\"]").await);
    app.close().await?;

    // Both come back after a restart, from the keychain alone.
    let app = App::launch_in(&profile, &with_env(env, "WISPKEY_BROWSER", "/bin/false")).await?;
    app.wait_longer_for("#account-menu-button", Duration::from_secs(30))
        .await?;
    app.click("#account-menu-button").await?;
    app.wait_for(&wisp_item).await?;
    app.wait_for("[data-account-provider=\"slate\"]").await?;
    app.close().await?;
    let leaks = profile.files_containing(&[user.password.clone(), seed, code])?;
    assert!(leaks.is_empty(), "a Slate value was written to {leaks:?}");
    Ok(())
}

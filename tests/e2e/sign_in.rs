//! Signing in for real: the app opens the reference PDS's consent page (played by headless
//! Chromium through stack/consent-browser.sh), catches the loopback redirect, keeps the session
//! in the real keychain, and lists the account's secrets through the PDS proxy.

use std::time::Duration;

use wispkey_e2e::{App, Stack, TestResult, app_env, with_env};

/// Types the handle and presses Sign in, as a user would.
async fn start_sign_in(app: &App, handle: &str) -> TestResult {
    app.wait_for("#handle").await?.send_keys(handle).await?;
    app.click("#signin-button").await
}

#[tokio::test]
async fn sign_in_through_the_consent_page_restart_and_sign_out() -> TestResult {
    let stack = Stack::get()?;
    let account = stack.fresh_account("e2e").await?;
    let env = app_env(&stack, &account, "sign-in")?;

    let app = App::launch_with_env(&env).await?;
    start_sign_in(&app, &account.handle).await?;
    // The consent automation needs a few seconds to drive the page in Chromium.
    app.wait_longer_for("#secrets-empty", Duration::from_secs(60))
        .await?;
    let shown = app.wait_for("#account-name").await?.text().await?;
    assert_eq!(shown, account.handle);
    app.screenshot("secrets-empty-after-sign-in").await?;
    app.close().await?;

    // A new process restores the session from the keychain; the "browser" must not be needed.
    let restart_env = with_env(env.clone(), "WISPKEY_BROWSER", "/bin/false");
    let app = App::launch_with_env(&restart_env).await?;
    app.wait_longer_for("#secrets-empty", Duration::from_secs(20))
        .await?;
    assert_eq!(
        app.wait_for("#account-name").await?.text().await?,
        account.handle
    );

    app.wait_for("#signout-button").await?.click().await?;
    let notice = app
        .wait_for_text("#signin-status", |text| !text.is_empty())
        .await?;
    assert_eq!(notice, "Signed out.");
    app.screenshot("signed-out").await?;
    app.close().await?;

    // Signed out means gone from the keychain: the next start shows the sign-in screen.
    let app = App::launch_with_env(&restart_env).await?;
    app.wait_for("#signin-form").await?;
    app.close().await
}

#[tokio::test]
async fn cancel_stops_waiting_for_the_browser() -> TestResult {
    let stack = Stack::get()?;
    let account = stack.fresh_account("cancel").await?;
    // A "browser" that opens nothing: the app waits for a redirect that never comes.
    let env = with_env(
        app_env(&stack, &account, "cancel")?,
        "WISPKEY_BROWSER",
        "/bin/true",
    );
    let app = App::launch_with_env(&env).await?;
    start_sign_in(&app, &account.handle).await?;
    app.wait_for("#signin-cancel:not([hidden])").await?;
    app.screenshot("sign-in-waiting").await?;
    app.click("#signin-cancel").await?;
    let status = app
        .wait_for_text("#signin-status", |text| !text.contains("browser…"))
        .await?;
    assert!(status.to_lowercase().contains("cancel"), "{status}");
    app.close().await
}

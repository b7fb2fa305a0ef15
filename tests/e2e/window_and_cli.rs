//! The window and the `wispkey` CLI are one tool: the same accounts, the same keychain. The real
//! built app signs in through the consent page; the real CLI binary, started with the same
//! keychain namespace and config folder, finds that account without signing in, and a secret
//! created on either side shows as stored ("In keychain") on the other.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use wispkey_e2e::{App, Profile, Stack, TestResult, app_env, cli_binary};

/// Runs the CLI with the app's environment (keychain namespace, network settings, folders);
/// returns stdout, after checking that it succeeded and that no token went to stderr.
fn cli(env: &[(String, String)], args: &[&str]) -> TestResult<String> {
    let output = Command::new(cli_binary()?)
        .args(args)
        .envs(env.iter().cloned())
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "wispkey {args:?} failed ({}): {stderr}",
        output.status
    );
    assert!(!stderr.contains("wsk_"), "a token went to stderr: {stderr}");
    Ok(stdout)
}

/// `wispkey list --json`: each secret's name and whether its token is in the keychain.
fn cli_badges(env: &[(String, String)]) -> TestResult<Vec<(String, bool)>> {
    let rows: serde_json::Value = serde_json::from_str(&cli(env, &["list", "--json"])?)?;
    Ok(rows
        .as_array()
        .ok_or("list --json is not an array")?
        .iter()
        .map(|row| {
            (
                row["name"].as_str().unwrap_or_default().to_owned(),
                row["storedLocally"] == true,
            )
        })
        .collect())
}

#[tokio::test]
async fn a_secret_created_in_either_shows_in_keychain_in_the_other() -> TestResult {
    let stack = Stack::get()?;
    let account = stack.fresh_account("both").await?;
    let profile = Profile::new("both")?;
    let env = app_env(&stack, &account, "both")?;
    let cli_env = [profile.env(), env.clone()].concat();

    // The window signs in; the CLI finds the same account in the keychain, no sign-in of its own.
    let app = App::launch_in(&profile, &env).await?;
    app.wait_for("#handle")
        .await?
        .send_keys(&account.handle)
        .await?;
    app.click("#signin-button").await?;
    app.wait_longer_for("#secrets-empty", Duration::from_secs(60))
        .await?;
    let accounts: serde_json::Value =
        serde_json::from_str(&cli(&cli_env, &["accounts", "--json"])?)?;
    assert_eq!(
        accounts[0]["account"]["id"],
        account.did.as_str(),
        "{accounts}"
    );

    // Made in the window → "In keychain" for the CLI.
    app.click("#create-first").await?;
    app.wait_for("#create-dialog[open] #create-name")
        .await?
        .send_keys("made-in-window")
        .await?;
    app.click("#create-submit").await?;
    app.wait_for_text("#token-stored", |text| !text.is_empty())
        .await?;
    app.click("#token-done").await?;
    app.wait_until_gone("#token-dialog[open]").await?;
    assert_eq!(cli_badges(&cli_env)?, [("made-in-window".to_owned(), true)]);

    // Made by the CLI → "In keychain" in the window after a refresh.
    cli(&cli_env, &["create", "made-by-cli"])?;
    app.click("#secrets-refresh").await?;
    app.wait_longer_for(
        "[data-secret=\"made-by-cli\"] .badge-stored",
        Duration::from_secs(20),
    )
    .await?;
    app.screenshot("window-and-cli-shared-keychain").await?;
    assert_eq!(
        cli_badges(&cli_env)?,
        [
            ("made-by-cli".to_owned(), true),
            ("made-in-window".to_owned(), true)
        ]
    );
    app.close().await?;
    Ok(())
}

//! OAuth refresh tokens are single-use: the reference PDS revokes the whole session when one is
//! sent twice, which signs the user out everywhere. Several Wispkey processes (CLI runs, the
//! window) on one keychain must therefore spend each refresh token once between them: whoever
//! refreshes holds a lock across processes, and the others take its successor from the keychain.
//! Checked against the real local PDS and the real Secret Service.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::{Run, TestResult, User};
use wispkey_app::settings::NetworkSettings;
use wispkey_app::{App, Registry};
use wispkey_atproto::oauth::{OAuthConfig, OAuthManager, session_item};
use wispkey_core::SecretString;
use wispkey_core::vault::Vault;
use wispkey_wisp::{WispKind, proxy_header};

/// The stored session's JSON, as the keychain holds it.
async fn stored_session(user: &User) -> TestResult<serde_json::Value> {
    let vault = Vault::new(user.keychain.clone());
    let stored = vault.read_async(&session_item(&user.account.did)).await?;
    Ok(serde_json::from_str(stored.expose())?)
}

/// Marks the stored access token as long expired, so every process that starts now refreshes
/// before its first request: the moment two of them could spend the same refresh token.
async fn make_access_token_stale(user: &User) -> TestResult<String> {
    let mut session = stored_session(user).await?;
    session["expires_at"] = serde_json::json!(0);
    let refresh_token = session["refresh_token"].as_str().unwrap().to_owned();
    Vault::new(user.keychain.clone())
        .store_async(
            &session_item(&user.account.did),
            &SecretString::new(session.to_string()),
        )
        .await?;
    Ok(refresh_token)
}

fn listed_names(run: &Run) -> Vec<String> {
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["name"].as_str().unwrap().to_owned())
        .collect()
}

/// What `App::load` builds for the window, on the user's keychain namespace and settings.
fn window_app(user: &User) -> TestResult<App> {
    std::fs::create_dir_all(user.config_dir())?;
    let settings = serde_json::json!({
        "plcDirectoryUrl": user.stack.plc_url()?,
        "handleResolverPds": user.stack.pds_url()?,
        "wispServiceDid": user.stack.wisp_did()?,
    });
    std::fs::write(
        user.config_dir().join("settings.json"),
        settings.to_string(),
    )?;
    let config_dir = user.config_dir();
    let settings = NetworkSettings::load(Some(&config_dir))?;
    let vault = Vault::new(user.keychain.clone());
    let oauth = OAuthManager::new(
        OAuthConfig {
            identity: settings.identity(),
            wisp_service: proxy_header(&settings.wisp_service_did),
            ..OAuthConfig::default()
        },
        vault.clone(),
    )?;
    let kind = WispKind::new(oauth, settings.wisp_service_did.clone())?;
    Ok(App::new(
        vault,
        Registry::default().with(kind),
        Some(&config_dir),
    ))
}

#[tokio::test]
async fn cli_runs_started_together_with_a_stale_access_token_spend_the_refresh_token_once()
-> TestResult {
    let user = User::new("refresh-race").await?;
    user.login();
    user.create("hook");

    // Several rounds: each one a fresh race for a fresh refresh token.
    for round in 0..3 {
        let spent = make_access_token_stale(&user).await?;
        let children: Vec<_> = (0..4)
            .map(|_| user.command(&["list", "--json"]).spawn().unwrap())
            .collect();
        for child in children {
            let run = user.finish(child);
            assert_eq!(run.code, 0, "round {round}: {run:#?}");
            assert_eq!(listed_names(&run), ["hook"], "round {round}");
        }
        // Renewed, and the successor is what the keychain holds.
        let session = stored_session(&user).await?;
        assert_ne!(session["refresh_token"].as_str(), Some(spent.as_str()));
        assert_ne!(session["expires_at"], serde_json::json!(0));
    }

    // Still signed in: had any refresh token gone twice, the PDS would have ended the session.
    let run = user.run(&["list", "--json"]).expect_code(0);
    assert_eq!(listed_names(&run), ["hook"]);
    user.run(&["accounts"]).expect_code(0);
    Ok(())
}

#[tokio::test]
async fn the_window_and_the_cli_refreshing_at_once_share_one_renewal() -> TestResult {
    let user = User::new("refresh-window").await?;
    user.login();
    user.create("hook");
    let account = user.account_ref();

    for round in 0..3 {
        make_access_token_stale(&user).await?;
        // Two windows' worth of app layer in this process (each with its own sessions, so only
        // the lock across processes keeps them apart) and two CLI runs, all at once.
        let (first, second) = (window_app(&user)?, window_app(&user)?);
        first.restore_accounts().await?;
        second.restore_accounts().await?;
        let children: Vec<_> = (0..2)
            .map(|_| user.command(&["list", "--json"]).spawn().unwrap())
            .collect();
        let (a, b) = tokio::join!(first.list_secrets(&account), second.list_secrets(&account));
        for rows in [a?, b?] {
            let names: Vec<&str> = rows.iter().map(|row| row.name.as_str()).collect();
            assert_eq!(names, ["hook"], "round {round}");
        }
        for child in children {
            let run = user.finish(child);
            assert_eq!(run.code, 0, "round {round}: {run:#?}");
        }
    }

    let run = user.run(&["list", "--json"]).expect_code(0);
    assert_eq!(listed_names(&run), ["hook"]);
    Ok(())
}

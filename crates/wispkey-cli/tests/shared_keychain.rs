//! The window and the CLI share one keychain: a secret the CLI creates shows "In keychain" in
//! the window. Checked at the app layer the window's commands call (`App::list_secrets`),
//! opened in this process on the same keychain namespace and settings as the CLI.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::{TestResult, User};
use wispkey_app::settings::NetworkSettings;
use wispkey_app::{App, Registry};
use wispkey_atproto::oauth::{OAuthConfig, OAuthManager};
use wispkey_core::vault::Vault;
use wispkey_wisp::{WispKind, proxy_header};

/// What `App::load` builds, with the keychain namespace given instead of read from the
/// environment (this process's environment is not the CLI's).
fn window_app(user: &User) -> App {
    let config_dir = user.config_dir();
    let settings = NetworkSettings::load(Some(&config_dir)).unwrap();
    let vault = Vault::new(user.keychain.clone());
    let oauth = OAuthManager::new(
        OAuthConfig {
            identity: settings.identity(),
            wisp_service: proxy_header(&settings.wisp_service_did),
            ..OAuthConfig::default()
        },
        vault.clone(),
    )
    .unwrap();
    let kind = WispKind::new(oauth, settings.wisp_service_did.clone()).unwrap();
    App::new(vault, Registry::default().with(kind), Some(&config_dir))
}

#[tokio::test]
async fn a_secret_created_by_the_cli_shows_as_stored_in_the_window() -> TestResult {
    let user = User::new("shared").await?;
    user.login();
    let token = user.create("from-cli");

    // The window reads its network settings from the same config folder.
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

    let app = window_app(&user);
    let accounts = app.restore_accounts().await?;
    assert_eq!(accounts.len(), 1, "the CLI's sign-in is the window's too");
    assert_eq!(accounts[0].account, user.account_ref());
    let rows = app.list_secrets(&user.account_ref()).await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, "from-cli");
    assert!(rows[0].stored_locally, "no In keychain badge in the window");
    let stored = app
        .tokens()
        .stored_token(&user.account_ref(), "from-cli")
        .await?;
    assert_eq!(stored.expose(), token);
    user.assert_no_token_on_stderr(&[&token]);
    Ok(())
}

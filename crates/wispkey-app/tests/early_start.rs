//! Start-up work done before the window asks (`App::early_start`): the window's first restore
//! and first list take its results, once, and later calls ask again. Against a private
//! phala-service and the real Secret Service of `scripts/desktop-session.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use chrono::Utc;

use wispkey_app::{App, Registry};
use wispkey_core::provider::SignInRequest;
use wispkey_core::vault::Vault;
use wispkey_core::{AccountRef, SecretString};
use wispkey_phala::PhalaKind;
use wispkey_test_support::{PhalaControl, PhalaWorkspace, PrivatePhala, scratch_dir, unique_name};

fn app(vault: &Vault, phala: &PrivatePhala, config: &Path) -> App {
    let registry = Registry::default().with(PhalaKind::new(vault.clone(), &phala.url).unwrap());
    App::new(vault.clone(), registry, Some(config))
}

/// A Phala workspace with one webhook, signed in by an app that has since quit: what the next
/// start restores and lists.
struct SignedIn {
    phala: PrivatePhala,
    workspace: PhalaWorkspace,
    control: PhalaControl,
    vault: Vault,
    config: PathBuf,
    account: AccountRef,
}

impl SignedIn {
    async fn with_one_webhook(name: &str) -> SignedIn {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "no D-Bus session: run through scripts/desktop-session.sh"
        );
        let phala = PrivatePhala::start(&[]).unwrap();
        let workspace = phala.create_workspace(name).await.unwrap();
        let control = phala.control();
        let vault = Vault::new(unique_name("place.wisp.wispkey.early-test"));
        let config = scratch_dir("wispkey-early").unwrap();
        control
            .add_webhook_created_at(
                &workspace,
                "https://one.example/hook",
                &Utc::now().to_rfc3339(),
            )
            .await
            .unwrap();
        let no_browser = |_: &str| Err::<(), String>("no browser in this test".into());
        let account = app(&vault, &phala, &config)
            .sign_in(
                "phala",
                SignInRequest::ApiKey {
                    key: SecretString::new(workspace.api_key.clone()),
                },
                &no_browser,
            )
            .await
            .unwrap()
            .account;
        SignedIn {
            phala,
            workspace,
            control,
            vault,
            config,
            account,
        }
    }

    /// The next start of the app, over the same keychain, service and settings.
    fn app(&self) -> App {
        app(&self.vault, &self.phala, &self.config)
    }

    async fn add_webhook(&self, url: &str) {
        self.control
            .add_webhook_created_at(&self.workspace, url, &Utc::now().to_rfc3339())
            .await
            .unwrap();
    }

    /// How many requests the service has answered so far.
    async fn requests(&self) -> usize {
        self.control.log().await.unwrap().len()
    }
}

#[tokio::test]
async fn the_windows_first_restore_and_list_take_what_start_up_fetched() {
    let before = SignedIn::with_one_webhook("early").await;

    // The next start: setup claims the start-up work (once), and the window's first call
    // arrives while it runs.
    let restarted = before.app();
    let start = restarted.begin_early_start().unwrap();
    assert!(restarted.begin_early_start().is_none(), "claimed twice");
    let ((), restored) = tokio::join!(restarted.early_start(start), restarted.restore_accounts());
    let restored = restored.unwrap();
    assert_eq!(restored.len(), 1);
    assert_eq!(restored[0].account, before.account);

    // A secret added after start-up listed: the first list is start-up's (without it), the
    // next one asks the server again (with it).
    before.add_webhook("https://two.example/hook").await;
    let first = restarted.list_secrets(&before.account).await.unwrap();
    let second = restarted.list_secrets(&before.account).await.unwrap();
    assert_eq!(second.len(), first.len() + 1);
    // Restoring again asks the keychain again.
    assert_eq!(restarted.restore_accounts().await.unwrap().len(), 1);
}

#[tokio::test]
async fn without_start_up_work_every_call_asks_for_itself() {
    // The CLI never claims start-up work: its calls are answered as before.
    let phala = PrivatePhala::start(&[]).unwrap();
    let vault = Vault::new(unique_name("place.wisp.wispkey.early-test"));
    let config = scratch_dir("wispkey-early").unwrap();
    let cli = app(&vault, &phala, &config);
    assert!(cli.restore_accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_overdue_summary_and_the_window_share_the_start_up_list_without_asking_again() {
    let before = SignedIn::with_one_webhook("early-overdue").await;
    let restarted = before.app();
    let start = restarted.begin_early_start().unwrap();
    restarted.early_start(start).await;
    assert_eq!(restarted.restore_accounts().await.unwrap().len(), 1);
    before.add_webhook("https://two.example/hook").await;

    // However the window's first list and its reminder summary are ordered, neither asks the
    // server: both get start-up's list (without the webhook added since).
    let requests_before = before.requests().await;
    let summary = restarted.overdue_summary().await.unwrap();
    assert_eq!(summary.unchecked_accounts, 0);
    let first = restarted.list_secrets(&before.account).await.unwrap();
    assert_eq!(before.requests().await, requests_before);
    // The next list asks the server.
    let second = restarted.list_secrets(&before.account).await.unwrap();
    assert_eq!(second.len(), first.len() + 1);
}

#[tokio::test]
async fn the_window_takes_the_start_up_list_before_it_knows_the_account() {
    let before = SignedIn::with_one_webhook("early-first").await;
    let restarted = before.app();
    let start = restarted.begin_early_start().unwrap();
    // Asked beside the accounts, while start-up still runs: it waits for start-up's list.
    let ((), first) = tokio::join!(restarted.early_start(start), restarted.start_up_list());
    let first = first.unwrap();
    assert_eq!(first.account, before.account);
    assert_eq!(first.rows.len(), 1);
    // Once: the next call has nothing, and a list of that account asks the server.
    assert!(restarted.start_up_list().await.is_none());
    let requests_before = before.requests().await;
    restarted.list_secrets(&before.account).await.unwrap();
    assert!(before.requests().await > requests_before);
}

#[tokio::test]
async fn without_an_account_start_up_has_no_list_to_give() {
    let phala = PrivatePhala::start(&[]).unwrap();
    let vault = Vault::new(unique_name("place.wisp.wispkey.early-test"));
    let config = scratch_dir("wispkey-early").unwrap();
    let fresh = app(&vault, &phala, &config);
    let start = fresh.begin_early_start().unwrap();
    fresh.early_start(start).await;
    assert!(fresh.start_up_list().await.is_none());
    assert!(fresh.restore_accounts().await.unwrap().is_empty());
}

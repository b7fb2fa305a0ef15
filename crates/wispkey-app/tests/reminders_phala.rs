//! Rotation reminders through the app layer, with secrets aged by the service itself: a private
//! phala-service whose test control backdates a webhook's `created_at`, the real Secret Service
//! of `scripts/desktop-session.sh`, and a config folder of the test's own.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};

use wispkey_app::{App, Registry};
use wispkey_core::SecretString;
use wispkey_core::history::HistoryFilter;
use wispkey_core::provider::SignInRequest;
use wispkey_core::vault::Vault;
use wispkey_phala::PhalaKind;
use wispkey_test_support::{PrivatePhala, scratch_dir, unique_name};

#[tokio::test]
async fn secrets_past_their_maximum_age_are_overdue_and_the_start_reminder_counts_them() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run through scripts/desktop-session.sh"
    );
    let phala = PrivatePhala::start(&[]).unwrap();
    let workspace = phala.create_workspace("reminders").await.unwrap();
    let control = phala.control();
    let days_ago = |days: i64| (Utc::now() - Duration::days(days)).to_rfc3339();
    let old = control
        .add_webhook_created_at(&workspace, "https://old.example/hook", &days_ago(200))
        .await
        .unwrap();
    let older_than_default = control
        .add_webhook_created_at(&workspace, "https://mid.example/hook", &days_ago(120))
        .await
        .unwrap();
    let young = control
        .add_webhook_created_at(&workspace, "https://young.example/hook", &days_ago(30))
        .await
        .unwrap();
    let id = |hook: &serde_json::Value| hook["id"].as_str().unwrap().to_owned();
    let (old, mid, young) = (id(&old), id(&older_than_default), id(&young));

    let vault = Vault::new(unique_name("place.wisp.wispkey.reminders-test"));
    let config = scratch_dir("wispkey-reminders").unwrap();
    let registry = Registry::default().with(PhalaKind::new(vault.clone(), &phala.url).unwrap());
    let app = App::new(vault, registry, Some(&config));
    let no_browser = |_: &str| Err::<(), String>("no browser in this test".into());
    let account = app
        .sign_in(
            "phala",
            SignInRequest::ApiKey {
                key: SecretString::new(workspace.api_key.clone()),
            },
            &no_browser,
        )
        .await
        .unwrap();

    // The Settings default (90 days) applies: 200 and 120 days old are overdue, 30 is not.
    let rows = app.list_secrets(&account.account).await.unwrap();
    let overdue = |rows: &[wispkey_app::views::SecretRow], id: &str| {
        rows.iter()
            .find(|row| row.id == id)
            .map(|row| (row.overdue, row.max_age_days))
    };
    assert_eq!(overdue(&rows, &old), Some((true, 90)));
    assert_eq!(overdue(&rows, &mid), Some((true, 90)));
    assert_eq!(overdue(&rows, &young), Some((false, 90)));
    let counted = rows.iter().filter(|row| row.overdue).count();
    let summary = app.overdue_summary().await.unwrap();
    assert_eq!(summary.overdue as usize, counted);
    assert_eq!(summary.unchecked_accounts, 0);
    assert_eq!(
        summary.notification,
        Some(format!(
            "{counted} signing secrets are overdue for rotation."
        ))
    );

    // One secret's own maximum age overrides the default, both ways.
    app.set_max_age(&account.account, &mid, Some(365)).unwrap();
    app.set_max_age(&account.account, &young, Some(7)).unwrap();
    let rows = app.list_secrets(&account.account).await.unwrap();
    assert_eq!(overdue(&rows, &mid), Some((false, 365)));
    assert_eq!(overdue(&rows, &young), Some((true, 7)));
    assert_eq!(rows.iter().filter(|row| row.overdue).count(), counted);

    // Snoozed: still counted, but no reminder to show.
    app.snooze_reminders(1).unwrap();
    let snoozed = app.overdue_summary().await.unwrap();
    assert_eq!(snoozed.overdue as usize, counted);
    assert_eq!(snoozed.notification, None);

    // The sign-in is in the history; nothing else was done.
    let history = app.history_entries(&HistoryFilter::default()).unwrap();
    assert_eq!(history.len(), 1);
    app.sign_out(&account.account).await.unwrap();
    let _ = std::fs::remove_dir_all(config);
}

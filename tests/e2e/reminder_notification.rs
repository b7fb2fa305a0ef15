//! The start-up rotation reminder as a desktop notification, in the real window against a
//! private Phala-compatible service whose webhooks were backdated, received by a notification
//! server of the test's own on the session bus: the notification names how many secrets are
//! overdue and nothing else, comes again at the next start, offers the snooze, and once snoozed
//! from the notification it stays away at the next start (the in-window banner too).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use wispkey_e2e::{App, NotificationServer, PrivatePhala, Profile, TestResult};
use wispkey_test_support::{PhalaControl, unique_name};

/// How long a notification may take from the list showing to arriving.
const ARRIVES_WITHIN: Duration = Duration::from_secs(20);

#[tokio::test]
async fn the_start_up_notification_names_the_overdue_count_and_snoozing_it_stops_it_next_start()
-> TestResult {
    let notifications = NotificationServer::start()?;
    let phala = PrivatePhala::start(&[])?;
    let workspace = phala.create_workspace("notify").await?;
    let control = phala.control();
    let long_ago = (chrono::Utc::now() - chrono::Duration::days(200)).to_rfc3339();
    let mut overdue_ids = Vec::new();
    for url in ["https://first.example/hook", "https://second.example/hook"] {
        let hook = control
            .add_webhook_created_at(&workspace, url, &long_ago)
            .await?;
        overdue_ids.push(hook["id"].as_str().ok_or("no webhook id")?.to_owned());
    }
    let fresh = phala
        .add_webhook(&workspace, "https://fresh.example/hook", &["cvm.created"])
        .await?;
    let fresh_id = fresh["id"].as_str().ok_or("no webhook id")?.to_owned();

    let profile = Profile::new("reminder-notification")?;
    let env = vec![
        ("WISPKEY_PHALA_URL".to_owned(), phala.url.clone()),
        (
            "WISPKEY_KEYCHAIN_SERVICE".to_owned(),
            unique_name("place.wisp.wispkey.e2e.notify"),
        ),
        ("WISPKEY_BROWSER".to_owned(), "/bin/false".to_owned()),
    ];
    let row = format!("[data-secret-id=\"{fresh_id}\"]");

    // First start: sign in; the list shows, and so does the reminder, twice over.
    let app = App::launch_in(&profile, &env).await?;
    app.click("label[for=\"provider-phala\"]").await?;
    app.wait_for("#api-key")
        .await?
        .send_keys(&workspace.api_key)
        .await?;
    app.click("#signin-button").await?;
    app.wait_longer_for(&row, Duration::from_secs(30)).await?;
    let notified = notifications
        .wait_from_process(app.pid()?, ARRIVES_WITHIN)
        .await?;
    assert_eq!(
        notified.body, "2 signing secrets are overdue for rotation.",
        "{notified:?}"
    );
    assert!(
        notified.summary.contains("rotation reminder"),
        "{notified:?}"
    );
    // The count only: no secret id, receiver URL or key goes to the desktop.
    let whole = format!(
        "{} {} {:?}",
        notified.summary, notified.body, notified.actions
    );
    for private in overdue_ids
        .iter()
        .chain([&fresh_id, &workspace.api_key])
        .map(String::as_str)
        .chain(["first.example", "second.example", "fresh.example"])
    {
        assert!(!whole.contains(private), "{private} in {whole}");
    }
    let offered: Vec<&str> = notified.actions.iter().map(String::as_str).collect();
    for action in ["snooze-day", "Snooze 1 day", "snooze-week", "Snooze 1 week"] {
        assert!(offered.contains(&action), "{action} not in {offered:?}");
    }
    // The banner says the same in the window (a notification can be missed).
    app.wait_for_text("#reminder-text", |text| {
        text.starts_with("2 signing secrets are overdue for rotation.")
    })
    .await?;
    app.screenshot("reminder-notification-first-start").await?;
    app.close().await?;

    // Second start: the account is restored and the reminder comes again, once.
    let app = App::launch_in(&profile, &env).await?;
    app.wait_longer_for(&row, Duration::from_secs(30)).await?;
    let pid = app.pid()?;
    let again = notifications.wait_from_process(pid, ARRIVES_WITHIN).await?;
    assert_eq!(again.body, "2 signing secrets are overdue for rotation.");
    app.wait_for_text("#reminder-text", |text| {
        text.contains("overdue for rotation")
    })
    .await?;
    // The user presses "Snooze 1 week" on the notification: saved, and the banner goes too.
    notifications.invoke_action(again.id, "snooze-week")?;
    let reminders = profile
        .config_dir()
        .join("place.wisp.wispkey/reminders.json");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let text = std::fs::read_to_string(&reminders).unwrap_or_default();
        if text.contains("snoozedUntil") && !text.contains("\"snoozedUntil\": null") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the snooze was not saved: {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.wait_for("#reminder-banner[hidden]").await?;
    assert_eq!(
        notifications.from_process(pid).len(),
        1,
        "one notification per start"
    );
    app.close().await?;

    // Third start, within the week: no notification and no banner.
    let lists_before = webhook_lists(&control).await?;
    let app = App::launch_in(&profile, &env).await?;
    app.wait_longer_for(&row, Duration::from_secs(30)).await?;
    let overdue_row = format!("[data-secret-id=\"{}\"] .badge-old", overdue_ids[0]);
    app.wait_for_text(&overdue_row, |text| text.starts_with("Overdue"))
        .await?;
    let pid = app.pid()?;
    // Once the window has the summary, the decision is made; a notification would follow at
    // once, so a short grace covers its trip over the bus.
    app.wait_longer_for("#reminder-banner[data-checked]", Duration::from_secs(15))
        .await?;
    // The window and the summary both counted from the one list start-up fetched.
    assert_eq!(webhook_lists(&control).await?, lists_before + 1);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        notifications.from_process(pid).is_empty(),
        "snoozed, yet notified: {:?}",
        notifications.from_process(pid)
    );
    let banner = app.wait_for("#reminder-banner").await?;
    assert_eq!(banner.attr("hidden").await?.as_deref(), Some("true"));
    app.screenshot("reminder-notification-snoozed").await?;
    app.close().await?;

    let leaks = profile.files_containing(std::slice::from_ref(&workspace.api_key))?;
    assert!(leaks.is_empty(), "the API key was written to {leaks:?}");
    Ok(())
}

/// How many times the service was asked for the webhook list so far.
async fn webhook_lists(control: &PhalaControl) -> TestResult<usize> {
    Ok(control
        .log()
        .await?
        .iter()
        .filter(|entry| entry["method"] == "GET" && entry["path"] == "/api/v1/workspace/webhooks")
        .count())
}

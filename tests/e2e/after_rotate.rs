//! After the rotate, in the real window against a private Phala-compatible service and a local
//! receiver that checks signatures: a stored secret tests the receiver (URL prefilled from the
//! webhook), the signature tester says a delivery the service signed is valid with the stored
//! secret, the history lists what was done and checks intact, and a webhook the service
//! backdated is marked overdue with the start reminder shown. Ends by scanning the app's files
//! for every secret.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use wispkey_e2e::{App, PrivatePhala, Profile, TestResult};
use wispkey_test_support::{Receiver, ReceiverScheme, unique_name};

const BODY: &str = r#"{"event":"cvm.created","id":"after-rotate"}"#;

#[tokio::test]
async fn test_the_receiver_check_a_signature_and_read_the_history_in_the_window() -> TestResult {
    let phala = PrivatePhala::start(&[])?;
    let workspace = phala.create_workspace("after").await?;
    let control = phala.control();
    let old_created = (chrono::Utc::now() - chrono::Duration::days(200)).to_rfc3339();
    let old = control
        .add_webhook_created_at(&workspace, "https://old.example/hook", &old_created)
        .await?;
    let old_id = old["id"].as_str().ok_or("no webhook id")?.to_owned();
    // The receiver holds the webhook's current secret, as a deployed receiver would.
    let receiver = Receiver::start(ReceiverScheme::Phala, "not yet known")?;
    let hook = phala
        .add_webhook(&workspace, &receiver.url(), &["cvm.created"])
        .await?;
    let hook_id = hook["id"].as_str().ok_or("no webhook id")?.to_owned();
    let hook_secret = hook["secret"].as_str().ok_or("no secret")?.to_owned();
    receiver.set_secret(&hook_secret);

    let profile = Profile::new("after-rotate")?;
    let env = vec![
        ("WISPKEY_PHALA_URL".to_owned(), phala.url.clone()),
        (
            "WISPKEY_KEYCHAIN_SERVICE".to_owned(),
            unique_name("place.wisp.wispkey.e2e.after"),
        ),
        ("WISPKEY_BROWSER".to_owned(), "/bin/false".to_owned()),
    ];
    let app = App::launch_in(&profile, &env).await?;
    app.click("label[for=\"provider-phala\"]").await?;
    app.wait_for("#api-key")
        .await?
        .send_keys(&workspace.api_key)
        .await?;
    app.click("#signin-button").await?;
    let row = format!("[data-secret-id=\"{hook_id}\"]");
    app.wait_longer_for(&row, Duration::from_secs(30)).await?;

    // The backdated webhook is overdue (default 90 days) and the reminder says so.
    let badge = app
        .wait_for_text(
            &format!("[data-secret-id=\"{old_id}\"] .badge-old"),
            |text| !text.is_empty(),
        )
        .await?;
    assert!(badge.starts_with("Overdue 200 d"), "{badge}");
    app.wait_for_text("#reminder-text", |text| {
        text.contains("overdue for rotation")
    })
    .await?;
    app.screenshot("after-rotate-overdue").await?;

    // Keep the webhook's current secret (as after rotating it in Phala's dashboard).
    app.row_action(&row, "store").await?;
    app.wait_for("#store-dialog[open] #store-secret")
        .await?
        .send_keys(&hook_secret)
        .await?;
    app.click("#store-submit").await?;
    app.wait_for(&format!("{row} .badge-stored")).await?;

    // Test the receiver: the webhook's own URL is offered; one click, one delivery.
    app.row_action(&row, "test-receiver").await?;
    app.wait_for("#receiver-dialog[open] #receiver-send:enabled")
        .await?;
    let url = app
        .wait_for("#receiver-url")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    assert_eq!(url, receiver.url());
    app.click("#receiver-send").await?;
    let said = app
        .wait_for_text("#receiver-result", |text| !text.is_empty())
        .await?;
    assert!(said.starts_with("HTTP 204 in "), "{said}");
    app.screenshot("after-rotate-receiver-test").await?;
    let received = receiver.received();
    assert_eq!(received.len(), 1, "one request per click");
    assert!(received[0].verified, "the receiver checked the signature");
    app.click("#receiver-close").await?;
    app.wait_until_gone("#receiver-dialog[open]").await?;

    // The signature tester: a delivery the service signed, checked with the stored secret.
    let delivery = phala.deliver(&hook_id, BODY).await?;
    let headers = &delivery["headers"];
    let raw = format!(
        "POST /hook HTTP/1.1\nX-Webhook-Id: {}\nX-Webhook-Timestamp: {}\nX-Webhook-Signature: {}\n\n{BODY}",
        headers["X-Webhook-Id"].as_str().unwrap_or_default(),
        headers["X-Webhook-Timestamp"].as_str().unwrap_or_default(),
        headers["X-Webhook-Signature"].as_str().unwrap_or_default(),
    );
    app.click("#tester-button").await?;
    app.wait_for("#tester-dialog[open] #tester-raw").await?;
    // Pasted, as a user does (WebDriver cannot type the line breaks of a raw request).
    app.client
        .execute(
            "const field = document.getElementById('tester-raw'); field.value = arguments[0]; \
             field.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::Value::String(raw.clone())],
        )
        .await?;
    app.wait_for("#tester-scheme:not([aria-busy])").await?;
    app.click("#tester-check").await?;
    // The whole form's text, so a failure shows the error line too.
    let verdict = app
        .wait_for_text("#tester-dialog form", |text| {
            text.contains("Valid: this delivery")
        })
        .await?;
    assert!(!verdict.contains("Not valid"), "{verdict}");
    app.screenshot("after-rotate-signature-tester").await?;
    app.click("#tester-close").await?;
    app.wait_until_gone("#tester-dialog[open]").await?;

    // The history: sign-in, store, receiver test — and intact.
    app.click("#history-button").await?;
    app.wait_for_text("#history-count", |text| text == "3 entries")
        .await?;
    app.click("#history-verify").await?;
    let intact = app
        .wait_for_text("#history-integrity", |text| !text.is_empty())
        .await?;
    assert!(intact.starts_with("Intact: 3 entries"), "{intact}");
    app.screenshot("after-rotate-history").await?;
    app.click("#history-close").await?;
    app.close().await?;

    let leaks = profile.files_containing(&[workspace.api_key.clone(), hook_secret])?;
    assert!(leaks.is_empty(), "a secret was written to {leaks:?}");
    Ok(())
}

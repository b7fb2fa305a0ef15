//! Phala Cloud in the real window, against the local Phala-compatible service: an API key
//! pasted to add the account, a webhook's secret rotated through the type-the-URL confirmation
//! and the two-factor step (a wrong code refused, then the right one), the new `whsec_` secret in
//! the keychain before the copy-once dialog shows it, and the service's Phala-signed delivery
//! verifying with it and not with the old one. Ends by scanning the app's files for every secret.
//! Also: a wisp.place and a Phala Cloud account side by side in one window.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use wispkey_core::tokens::item::token_item;
use wispkey_core::{AccountRef, SecretString};
use wispkey_e2e::{App, PrivatePhala, Profile, Stack, TestResult, app_env, with_env};
use wispkey_phala::kind::account_id;
use wispkey_phala::signature;
use wispkey_test_support::unique_name;

const URL: &str = "https://hooks.example/phala-e2e";
const BODY: &str = r#"{"event":"cvm.created","id":"e2e"}"#;

/// What another keychain client (secret-tool) sees under `item`; `None` when there is none.
fn keychain(service: &str, item: &str) -> Option<String> {
    let output = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", item])
        .output()
        .expect("secret-tool (libsecret-tools)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.success() && !text.is_empty()).then_some(text)
}

/// Whether the service's delivery, signed now with the webhook's current secret, verifies
/// under `secret`.
async fn delivery_verifies(phala: &PrivatePhala, webhook: &str, secret: &str) -> TestResult<bool> {
    let delivery = phala.deliver(webhook, BODY).await?;
    let headers = &delivery["headers"];
    Ok(signature::verify(
        &SecretString::new(secret),
        headers["X-Webhook-Timestamp"]
            .as_str()
            .ok_or("no timestamp")?,
        BODY.as_bytes(),
        headers["X-Webhook-Signature"]
            .as_str()
            .ok_or("no signature")?,
    ))
}

/// A six-digit code the service does not accept now (the current one, shifted).
fn wrong(code: &str) -> String {
    let number: u32 = code.parse().unwrap_or(0);
    format!("{:06}", (number + 500_000) % 1_000_000)
}

#[tokio::test]
async fn rotate_a_webhook_secret_with_the_two_factor_step() -> TestResult {
    let phala = PrivatePhala::start(&[])?;
    let workspace = phala.create_workspace("e2e").await?;
    let webhook = phala.add_webhook(&workspace, URL, &["cvm.created"]).await?;
    let id = webhook["id"].as_str().ok_or("no webhook id")?.to_owned();
    let first = webhook["secret"].as_str().ok_or("no secret")?.to_owned();
    let keychain_service = unique_name("place.wisp.wispkey.e2e.phala");
    let profile = Profile::new("phala")?;
    let env = vec![
        ("WISPKEY_PHALA_URL".to_owned(), phala.url.clone()),
        (
            "WISPKEY_KEYCHAIN_SERVICE".to_owned(),
            keychain_service.clone(),
        ),
        // No sign-in page is opened in this test; a stray one would fail loudly.
        ("WISPKEY_BROWSER".to_owned(), "/bin/false".to_owned()),
    ];
    let app = App::launch_in(&profile, &env).await?;

    // Add the account: choose the provider, paste the key.
    app.click("label[for=\"provider-phala\"]").await?;
    app.wait_for("#api-key")
        .await?
        .send_keys(&workspace.api_key)
        .await?;
    app.screenshot("phala-sign-in-api-key").await?;
    app.click("#signin-button").await?;
    let row = format!("[data-secret-id=\"{id}\"]");
    app.wait_longer_for(&row, Duration::from_secs(30)).await?;
    let account = AccountRef::new(
        "phala",
        account_id(&SecretString::new(workspace.api_key.as_str())),
    );
    let actions = app.row_actions(&row).await?;
    assert!(
        actions.iter().any(|action| action == "rotate")
            && !actions.iter().any(|action| action == "delete"),
        "Phala cannot delete a webhook's secret: no Delete ({actions:?})"
    );

    // Rotate: type the URL to confirm; the service asks for the second factor.
    app.click(&format!("{row} [data-action=\"rotate\"]"))
        .await?;
    app.wait_for("#rotate-dialog[open] #rotate-confirm-name")
        .await?
        .send_keys(URL)
        .await?;
    app.click("#rotate-submit").await?;
    // The field is in the dialog from the start, hidden and disabled until the service asks.
    const CODE_FIELD: &str =
        "#rotate-second-factor-field:not([hidden]) #rotate-second-factor:enabled";
    let code_field = app.wait_for(CODE_FIELD).await?;
    app.screenshot("phala-two-factor-step").await?;

    // A wrong code: said so, nothing rotated, the old secret still signs.
    let right = phala.current_code(&workspace).await?;
    code_field.send_keys(&wrong(&right)).await?;
    app.click("#rotate-submit").await?;
    let said = app
        .wait_for_text("#rotate-error", |text| text.contains("not accepted"))
        .await?;
    assert!(said.contains("nothing was rotated"), "{said}");
    assert!(delivery_verifies(&phala, &id, &first).await?);

    // The right code, pasted with a space: rotated, stored, then shown once.
    let field = app.wait_for(CODE_FIELD).await?;
    field.clear().await?;
    let code = phala.current_code(&workspace).await?;
    field
        .send_keys(&format!("{} {}", &code[..3], &code[3..]))
        .await?;
    app.click("#rotate-submit").await?;
    let shown = app
        .wait_for("#token-dialog[open] #token-value")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    app.wait_for_text("#token-stored", |text| !text.is_empty())
        .await?;
    app.screenshot("phala-copy-once-dialog").await?;
    assert!(shown.starts_with("whsec_"), "not a Phala secret");
    assert_ne!(shown, first);
    assert_eq!(
        keychain(&keychain_service, &token_item(&account, &id)).as_deref(),
        Some(shown.as_str()),
        "the keychain holds exactly what the dialog shows"
    );
    assert!(delivery_verifies(&phala, &id, &shown).await?);
    assert!(
        !delivery_verifies(&phala, &id, &first).await?,
        "the old secret still signs"
    );
    let rotations: Vec<_> = phala
        .control()
        .log()
        .await?
        .into_iter()
        .filter(|entry| {
            entry["path"]
                .as_str()
                .is_some_and(|path| path.ends_with("/rotate-secret"))
        })
        .map(|entry| (entry["status"].clone(), entry["twoFactorCodeSent"].clone()))
        .collect();
    assert_eq!(
        rotations,
        [
            (403.into(), false.into()),
            (403.into(), true.into()),
            (200.into(), true.into())
        ],
        "one request per user action, never an automatic retry"
    );
    app.click("#token-done").await?;
    app.wait_until_gone("#token-dialog[open]").await?;
    app.wait_for(&format!("{row} .badge-stored")).await?;
    app.close().await?;

    // The log (in the profile's data folder, so the scan below covers it) has the requests,
    // the refusals' codes, and no secret.
    let log = profile.app_log_text()?;
    for expected in [
        "method=GET host=127.0.0.1",
        "method=POST host=127.0.0.1",
        "/rotate-secret status=403",
        "/rotate-secret status=200",
        "code=second_factor_required",
    ] {
        assert!(
            log.contains(expected),
            "{expected} missing from the log:\n{log}"
        );
    }
    let leaks = profile.files_containing(&[workspace.api_key.clone(), first, shown, code])?;
    assert!(leaks.is_empty(), "a secret was written to {leaks:?}");
    Ok(())
}

#[tokio::test]
async fn a_wisp_and_a_phala_account_side_by_side_in_one_window() -> TestResult {
    let stack = Stack::get()?;
    let person = stack.fresh_account("mixed").await?;
    let phala = PrivatePhala::start(&[])?;
    let workspace = phala.create_workspace("mixed").await?;
    let webhook = phala.add_webhook(&workspace, URL, &["cvm.created"]).await?;
    let id = webhook["id"].as_str().ok_or("no webhook id")?.to_owned();
    let profile = Profile::new("mixed")?;
    let env = with_env(
        app_env(&stack, &person, "mixed")?,
        "WISPKEY_PHALA_URL",
        &phala.url,
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

    // Then Phala Cloud: adding an account starts by choosing the provider.
    app.click("#account-menu-button").await?;
    app.click("#add-account").await?;
    app.click("label[for=\"provider-phala\"]").await?;
    app.wait_for("#api-key")
        .await?
        .send_keys(&workspace.api_key)
        .await?;
    app.click("#signin-button").await?;
    app.wait_longer_for(
        &format!("[data-secret-id=\"{id}\"]"),
        Duration::from_secs(30),
    )
    .await?;

    // One menu, each account with its provider beside it; switching shows each one's secrets.
    app.click("#account-menu-button").await?;
    let wisp_item = format!(
        "[data-account-provider=\"wisp\"][data-account-did=\"{}\"]",
        person.did
    );
    app.wait_for(&wisp_item).await?;
    app.wait_for("[data-account-provider=\"phala\"]").await?;
    app.screenshot("accounts-wisp-and-phala").await?;
    app.click(&wisp_item).await?;
    app.wait_for("#secrets-empty").await?;
    assert!(!app.is_present(&format!("[data-secret-id=\"{id}\"]")).await);
    app.close().await?;

    // Both come back after a restart, from the keychain alone.
    let app = App::launch_in(&profile, &with_env(env, "WISPKEY_BROWSER", "/bin/false")).await?;
    app.wait_longer_for("#account-menu-button", Duration::from_secs(30))
        .await?;
    app.click("#account-menu-button").await?;
    app.wait_for(&wisp_item).await?;
    app.wait_for("[data-account-provider=\"phala\"]").await?;
    app.close().await?;
    let leaks = profile.files_containing(std::slice::from_ref(&workspace.api_key))?;
    assert!(leaks.is_empty(), "the API key was written to {leaks:?}");
    Ok(())
}

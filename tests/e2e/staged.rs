//! A staged rotation in the real window: signed in through the consent page, webhooks as real
//! `place.wisp.v2.wh` records on the reference PDS, each step its own button in the staged
//! dialog; the secrets-only sign-in is refused the switch (the PDS's own refusal) and the
//! existing "re-authorize" path fixes it. Screenshots of each step land in artifacts/e2e/.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use serde_json::json;
use wispkey_e2e::{App, Profile, Stack, TestResult, app_env};

const COLLECTION: &str = "place.wisp.v2.wh";
const LONG: Duration = Duration::from_secs(60);

#[tokio::test]
async fn the_window_walks_a_staged_rotation_step_by_step() -> TestResult {
    let stack = Stack::get()?;
    let account = stack.fresh_account("stwin").await?;
    let profile = Profile::new("stwin")?;
    let env = app_env(&stack, &account, "stwin")?;
    stack.create_secret_elsewhere(&account, "hook").await?;
    for rkey in ["one", "two"] {
        stack
            .put_record(
                &account,
                COLLECTION,
                rkey,
                json!({
                    "$type": COLLECTION,
                    "scope": { "aturi": format!("at://{}", account.did) },
                    "url": format!("https://receiver.example/{rkey}"),
                    "secretId": "hook",
                    "createdAt": "2026-01-01T00:00:00.000Z",
                }),
            )
            .await?;
    }

    let app = App::launch_in(&profile, &env).await?;
    app.wait_for("#handle")
        .await?
        .send_keys(&account.handle)
        .await?;
    app.click("#signin-button").await?;
    app.wait_longer_for("[data-secret=\"hook\"] [data-action=\"more\"]", LONG)
        .await?;

    // 1. The new secret, with a derived name; the copy-once dialog shows its token.
    app.row_action("[data-secret=\"hook\"]", "staged").await?;
    app.wait_for_text("#staged-new-name", |_| true).await?;
    app.screenshot("staged-1-start").await?;
    app.click("#staged-start").await?;
    app.wait_for_text("#token-stored", |text| !text.is_empty())
        .await?;
    app.screenshot("staged-1-token-once").await?;
    app.click("#token-done").await?;
    app.wait_until_gone("#token-dialog[open]").await?;

    // 2. Deploy: instructions and the webhooks on the old secret.
    app.wait_for_text("#staged-on-old", |text| {
        text.contains("receiver.example/one")
    })
    .await?;
    app.screenshot("staged-2-deploy").await?;
    app.click("#staged-deployed").await?;
    // 3. Test (here the user vouches: the receiver is not on this machine).
    app.wait_for("#staged-tested").await?;
    app.screenshot("staged-3-test").await?;
    app.click("#staged-tested").await?;
    // 4. Choose and switch: the secrets-only sign-in may not edit records.
    app.wait_for("#staged-choose").await?;
    app.screenshot("staged-4-choose").await?;
    app.click("#staged-switch").await?;
    app.wait_for_text("#staged-error", |text| text.contains("webhook records"))
        .await?;
    app.screenshot("staged-4-scope-refused").await?;
    app.click("#staged-close").await?;
    app.wait_until_gone("#staged-dialog[open]").await?;

    // The existing path: re-authorize, then continue where it stopped (the saved step).
    app.click("#reauthorize-full-access").await?;
    app.wait_longer_for("#capability-notice[hidden]", LONG)
        .await?;
    app.row_action("[data-secret=\"hook\"]", "staged").await?;
    app.wait_for("#staged-progress").await?;
    app.click("#staged-switch").await?;
    app.wait_longer_for("#staged-confirm-old", LONG).await?;
    app.screenshot("staged-5-switched").await?;

    // 5. Delete the old secret, its name typed.
    app.wait_for("#staged-confirm-old")
        .await?
        .send_keys("hook")
        .await?;
    app.click("#staged-delete-old").await?;
    app.wait_until_gone("#staged-dialog[open]").await?;
    // The list reloads after the delete: the old secret's row goes, the new one stays.
    app.wait_until_gone("[data-secret=\"hook\"]").await?;
    assert!(app.is_present("[data-secret=\"hook-2\"]").await);
    app.screenshot("staged-6-done").await?;
    app.close().await?;
    Ok(())
}

//! A request cut short by the app's death: the real app, killed with SIGKILL while the wisp
//! service's slow-answer fault holds a rotate it has already committed. Closing first asks;
//! after the kill, the next start opens the outcome-unknown dialog for that secret, and its
//! stored copy is badged "may be out of date".

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wispkey_e2e::{App, PrivateWisp, Profile, Stack, TestResult, app_env, with_env};

/// The in-flight notes in the app's config folder.
fn notes(profile: &Profile) -> Vec<PathBuf> {
    let dir = profile.config_dir().join("place.wisp.wispkey/in-flight");
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
                .collect()
        })
        .unwrap_or_default()
}

async fn create(app: &App, name: &str) -> TestResult<String> {
    app.click("#create-first").await?;
    app.wait_for("#create-dialog[open] #create-name")
        .await?
        .send_keys(name)
        .await?;
    app.click("#create-submit").await?;
    let field = app.wait_for("#token-dialog[open] #token-value").await?;
    let token = field.prop("value").await?.unwrap_or_default();
    app.click("#token-done").await?;
    app.wait_until_gone("#token-dialog[open]").await?;
    Ok(token)
}

fn wait_for_note(profile: &Profile) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while notes(profile).is_empty() {
        assert!(Instant::now() < deadline, "no note while the rotate is out");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn exists(path: &Path) -> bool {
    path.exists()
}

#[tokio::test]
async fn a_rotate_cut_short_by_sigkill_opens_the_outcome_unknown_dialog_on_restart() -> TestResult {
    let stack = Stack::get()?;
    let wisp = PrivateWisp::start(&stack, true, &[])?;
    let account = stack.fresh_account("killed").await?;
    let profile = Profile::new("killed")?;
    let env = with_env(
        app_env(&stack, &account, "killed")?,
        "WISPKEY_WISP_SERVICE_DID",
        &wisp.did,
    );

    let app = App::launch_in(&profile, &env).await?;
    app.wait_for("#handle")
        .await?
        .send_keys(&account.handle)
        .await?;
    app.click("#signin-button").await?;
    app.wait_longer_for("#secrets-empty", Duration::from_secs(60))
        .await?;
    let first = create(&app, "hook").await?;
    assert!(notes(&profile).is_empty(), "an answered create left a note");

    // The service commits the rotate, then holds its answer for two minutes.
    wisp.arm(
        "faults",
        serde_json::json!({ "delayMs": 120_000, "nsid": "place.wisp.v2.secret.rotate" }),
    )
    .await?;
    app.click("[data-secret=\"hook\"] [data-action=\"rotate\"]")
        .await?;
    app.wait_for("#rotate-dialog[open] #rotate-confirm-name")
        .await?
        .send_keys("hook")
        .await?;
    app.click("#rotate-submit").await?;
    wait_for_note(&profile);
    let note = std::fs::read_to_string(&notes(&profile)[0])?;
    assert!(!note.contains(&first), "a token in the note");

    // Closing the window while it is out asks first; waiting keeps the window.
    assert!(app.display().ask_windows_to_close()? >= 1);
    let question = app
        .wait_for_text("#in-flight-dialog[open]", |text| !text.is_empty())
        .await?;
    assert!(
        question.contains("A rotate of “hook” is still waiting for the server."),
        "{question}"
    );
    assert!(question.contains("Quit anyway?"), "{question}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let asked = app.screenshot("in-flight-close-asks").await?;
    app.click("#in-flight-wait").await?;
    app.wait_until_gone("#in-flight-dialog[open]").await?;

    // Then the process dies without a word (a crash, a killed session).
    assert_eq!(app.kill_app()?, 1, "the app process was not found");
    drop(app);
    assert_eq!(notes(&profile).len(), 1, "the note outlives the process");

    // The next start says what happened to that secret, before anything else.
    let app = App::launch_in(
        &profile,
        &with_env(env.clone(), "WISPKEY_BROWSER", "/bin/false"),
    )
    .await?;
    let told = app
        .wait_longer_for("#unknown-dialog[open]", Duration::from_secs(30))
        .await?
        .text()
        .await?;
    assert!(told.contains("Did “hook” rotate?"), "{told}");
    assert!(told.contains("Wispkey stopped"), "{told}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let restarted = app.screenshot("interrupted-rotate-told-on-restart").await?;
    app.click("#unknown-check").await?;
    let result = app
        .wait_for_text("#unknown-result", |text| {
            !text.is_empty() && !text.starts_with("Loading")
        })
        .await?;
    assert!(result.contains("It was rotated"), "{result}");
    app.screenshot("interrupted-rotate-checked").await?;
    app.click("#unknown-close").await?;
    app.wait_until_gone("#unknown-dialog[open]").await?;

    // The stored copy is the token that died: badged, and not copied without saying so.
    let badge = app
        .wait_for("[data-secret=\"hook\"] .badge-stale")
        .await?
        .text()
        .await?;
    assert_eq!(badge, "May be out of date");
    app.click("[data-secret=\"hook\"] [data-action=\"copy-stored\"]")
        .await?;
    let why = app
        .wait_for_text("#stale-copy-dialog[open]", |text| !text.is_empty())
        .await?;
    assert!(why.contains("no answer"), "{why}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.screenshot("stale-copy-asks").await?;
    app.click("#stale-copy-cancel").await?;
    assert!(
        notes(&profile).is_empty(),
        "the notice was seen: the note goes"
    );
    app.close().await?;

    println!("screenshots: {} {}", asked.display(), restarted.display());
    assert!(exists(&asked));
    let leaks = profile.files_containing(&[first])?;
    assert!(leaks.is_empty(), "a token was written to {leaks:?}");
    Ok(())
}

//! The `wispkey` binary end to end: signed in through the real consent page, secrets created,
//! rotated and deleted through the real PDS proxy, tokens checked in the real keychain with
//! `secret-tool` and against the signatures the real wisp service makes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::{Duration, Instant};

use support::{TestResult, User};
use wispkey_test_support::{PrivateDisplay, PrivateWisp, Stack};

#[tokio::test]
async fn login_through_the_consent_page_then_accounts_json_lists_the_account() -> TestResult {
    let user = User::new("login").await?;
    user.login();
    let accounts = user.run(&["accounts", "--json"]).expect_code(0).json();
    let accounts = accounts.as_array().unwrap();
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    assert_eq!(accounts[0]["account"]["provider"], "wisp");
    assert_eq!(accounts[0]["account"]["id"], user.account.did.as_str());
    assert_eq!(accounts[0]["label"], user.account.handle.as_str());
    assert_eq!(accounts[0]["providerLabel"], "wisp.place");

    // The table names the account too, and `--account` finds it by handle or DID.
    let table = user.run(&["accounts"]).expect_code(0);
    assert!(table.stdout.contains(&user.account.handle), "{table:#?}");
    for chosen in [&user.account.handle, &user.account.did] {
        user.run(&["list", "--account", chosen]).expect_code(0);
    }
    let unknown = user
        .run(&["list", "--account", "nobody.test"])
        .expect_code(4);
    assert!(unknown.stderr.contains("nobody.test"), "{unknown:#?}");
    Ok(())
}

#[tokio::test]
async fn create_stores_the_token_and_shows_it_only_when_asked() -> TestResult {
    let user = User::new("create").await?;
    user.login();
    let control = user.stack.wisp_control()?;

    // Without --show: stored, and nothing secret on stdout.
    let quiet = user.run(&["create", "quiet"]).expect_code(0);
    assert_eq!(quiet.stdout, "", "{quiet:#?}");
    assert!(
        quiet.stderr.contains("Stored in the keychain."),
        "{quiet:#?}"
    );
    assert!(quiet.stderr.contains("wispkey copy quiet"), "{quiet:#?}");
    let quiet_token = user
        .keychain_token("quiet")
        .expect("quiet's token is stored");
    assert!(
        user.service_signs_with(&control, "quiet", &quiet_token)
            .await
    );

    // With --show: the token on stdout is the keychain's copy and the one the service signs with.
    let shown = user.create("hook");
    assert_eq!(user.keychain_token("hook").as_deref(), Some(shown.as_str()));
    assert!(user.service_signs_with(&control, "hook", &shown).await);

    // --json carries the issued secret, token included, marked stored.
    let json = user
        .run(&["create", "scripted", "--json"])
        .expect_code(0)
        .json();
    assert_eq!(json["id"], "scripted");
    assert_eq!(json["stored"], true);
    assert_eq!(json["storeError"], serde_json::Value::Null);
    let scripted = json["token"].as_str().unwrap().to_owned();
    assert_eq!(
        user.keychain_token("scripted").as_deref(),
        Some(scripted.as_str())
    );

    // A second secret with a taken name is invalid input.
    let taken = user.run(&["create", "hook"]).expect_code(3);
    assert!(taken.stderr.contains("already exists"), "{taken:#?}");

    user.assert_no_token_on_stderr(&[&quiet_token, &shown, &scripted]);
    Ok(())
}

#[tokio::test]
async fn list_json_is_the_row_array_with_the_in_keychain_flag() -> TestResult {
    let user = User::new("list").await?;
    user.login();
    let token = user.create("kept");
    user.create("forgotten");
    user.run(&["forget", "forgotten"]).expect_code(0);
    assert_eq!(user.keychain_token("forgotten"), None);

    let rows = user.run(&["list", "--json"]).expect_code(0).json();
    let rows = rows.as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|row| row["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["forgotten", "kept"]);
    for row in rows {
        let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "createdAt",
                "facts",
                "id",
                "lastRotatedAt",
                "lastRotatedNote",
                "maxAgeDays",
                "maxAgeOverrideDays",
                "name",
                "overdue",
                "storedCopyWarning",
                "storedLocally"
            ],
            "{row}"
        );
        assert_eq!(row["id"], row["name"]);
        assert!(row["createdAt"].as_str().unwrap().contains('T'));
        assert_eq!(row["lastRotatedAt"], serde_json::Value::Null);
    }
    assert_eq!(rows[0]["storedLocally"], false);
    assert_eq!(rows[1]["storedLocally"], true);

    // The table shows the same, with the badge on the stored one only.
    let table = user.run(&["list"]).expect_code(0);
    let kept = table.stdout.lines().find(|line| line.starts_with("kept"));
    assert!(kept.unwrap().contains("in keychain"), "{table:#?}");
    let forgotten = table
        .stdout
        .lines()
        .find(|line| line.starts_with("forgotten"));
    assert!(!forgotten.unwrap().contains("in keychain"), "{table:#?}");

    user.assert_no_token_on_stderr(&[&token]);
    Ok(())
}

#[tokio::test]
async fn rotate_and_delete_without_a_terminal_or_confirm_are_refused_and_change_nothing()
-> TestResult {
    let user = User::new("refuse").await?;
    user.login();
    let control = user.stack.wisp_control()?;
    let token = user.create("hook");

    for args in [&["rotate", "hook"][..], &["delete", "hook"]] {
        let refused = user.run(args).expect_code(3);
        assert!(refused.stderr.contains("--confirm"), "{refused:#?}");
        assert_eq!(refused.stdout, "");
        let json = user
            .run(&[args, &["--json"]].concat())
            .expect_code(3)
            .json();
        assert_eq!(json["error"]["code"], "invalid_request");
    }
    // A confirmation that is not the name exactly is refused before anything is sent.
    for typed in ["Hook", "hook ", "other"] {
        let wrong = user
            .run(&["rotate", "hook", "--confirm", typed])
            .expect_code(3);
        assert!(wrong.stderr.contains("does not match"), "{wrong:#?}");
        user.run(&["delete", "hook", "--confirm", typed])
            .expect_code(3);
    }

    assert_eq!(user.keychain_token("hook").as_deref(), Some(token.as_str()));
    assert!(user.service_signs_with(&control, "hook", &token).await);
    let rows = user.run(&["list", "--json"]).expect_code(0).json();
    assert_eq!(rows[0]["lastRotatedAt"], serde_json::Value::Null);
    user.assert_no_token_on_stderr(&[&token]);
    Ok(())
}

#[tokio::test]
async fn rotate_with_confirm_stores_a_new_token_and_delete_with_confirm_removes_it() -> TestResult {
    let user = User::new("rotate").await?;
    user.login();
    let control = user.stack.wisp_control()?;
    let first = user.create("hook");

    let rotated = user
        .run(&["rotate", "hook", "--confirm", "hook", "--show"])
        .expect_code(0);
    let second = rotated.stdout.trim().to_owned();
    assert!(
        rotated.stderr.contains("Stored in the keychain."),
        "{rotated:#?}"
    );
    assert_ne!(second, first);
    assert_eq!(
        user.keychain_token("hook").as_deref(),
        Some(second.as_str())
    );
    assert!(user.service_signs_with(&control, "hook", &second).await);
    assert!(!user.service_signs_with(&control, "hook", &first).await);
    let rows = user.run(&["list", "--json"]).expect_code(0).json();
    assert!(rows[0]["lastRotatedAt"].is_string(), "{rows}");

    // Without --show the new token stays in the keychain only.
    let quiet = user
        .run(&["rotate", "hook", "--confirm", "hook"])
        .expect_code(0);
    assert_eq!(quiet.stdout, "");
    let third = user.keychain_token("hook").unwrap();
    assert_ne!(third, second);

    let deleted = user
        .run(&["delete", "hook", "--confirm", "hook", "--json"])
        .expect_code(0);
    assert_eq!(deleted.json()["localCopyRemoved"], true);
    assert_eq!(user.keychain_token("hook"), None);
    let rows = user.run(&["list", "--json"]).expect_code(0).json();
    assert_eq!(rows, serde_json::json!([]));
    let gone = user
        .run(&["rotate", "hook", "--confirm", "hook"])
        .expect_code(8);
    assert!(gone.stderr.contains("hook"), "{gone:#?}");

    user.assert_no_token_on_stderr(&[&first, &second, &third]);
    Ok(())
}

#[tokio::test]
async fn copy_puts_the_stored_token_on_the_clipboard_and_clears_it_after() -> TestResult {
    let user = User::new("copy").await?;
    user.login();
    let token = user.create("hook");
    std::fs::create_dir_all(user.config_dir())?;
    std::fs::write(
        user.config_dir().join("preferences.json"),
        r#"{"clipboardClearSeconds": 5}"#,
    )?;

    let display = PrivateDisplay::start("640x480x24")?;
    let mut command = user.command(&["copy", "hook"]);
    command
        .env("DISPLAY", display.name())
        .env_remove("WAYLAND_DISPLAY");
    let started = Instant::now();
    let mut child = command.spawn()?;
    let mut seen = false;
    while started.elapsed() < Duration::from_secs(30) {
        if display.clipboard_text()?.as_deref() == Some(token.as_str()) {
            seen = true;
            break;
        }
        if child.try_wait()?.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !seen {
        let _ = child.kill();
        let run = user.finish(child);
        panic!("the token never reached the clipboard: {run:#?}");
    }

    // The command stays until the countdown ends, then clears and exits.
    let run = user.finish(child).expect_code(0);
    assert!(started.elapsed() >= Duration::from_secs(5));
    assert!(run.stderr.contains("clears in 5 s"), "{run:#?}");
    assert!(run.stderr.contains("cleared"), "{run:#?}");
    assert_eq!(run.stdout, "");
    let after = display.clipboard_text()?.unwrap_or_default();
    assert!(
        !after.contains(&token),
        "the clipboard still holds the token"
    );

    // Nothing stored: keychain_not_found, nothing copied.
    user.run(&["forget", "hook"]).expect_code(0);
    let mut command = user.command(&["copy", "hook"]);
    command
        .env("DISPLAY", display.name())
        .env_remove("WAYLAND_DISPLAY");
    let missing = user.finish(command.spawn()?).expect_code(5);
    assert!(missing.stderr.contains("keychain"), "{missing:#?}");

    user.assert_no_token_on_stderr(&[&token]);
    Ok(())
}

#[tokio::test]
async fn a_rotate_whose_answer_is_lost_exits_7_says_outcome_unknown_and_prints_no_token()
-> TestResult {
    let stack = Stack::get()?;
    let wisp = PrivateWisp::start(&stack, true, &[])?;
    let did = wisp.did.clone();
    let user = User::with_service(stack, "lost", &did).await?;
    user.login();
    let first = user.create("hook");

    // The service commits the rotate, then drops the connection without answering.
    wisp.drop_connection_after_commit("place.wisp.v2.secret.rotate")
        .await?;
    let started = Instant::now();
    let lost = user
        .run(&["rotate", "hook", "--confirm", "hook", "--show"])
        .expect_code(7);
    assert!(lost.stderr.contains("Outcome unknown"), "{lost:#?}");
    assert_eq!(
        lost.stdout, "",
        "no token came back, so none can be printed"
    );
    // It happened at the service, and was sent once: not retried (a retry would have rotated
    // again and succeeded, exiting 0).
    assert!(
        !user
            .service_signs_with(&wisp.control(), "hook", &first)
            .await
    );
    assert!(started.elapsed() < Duration::from_secs(60));

    let json = user.run(&["list", "--json"]).expect_code(0).json();
    assert!(json[0]["lastRotatedAt"].is_string(), "{json}");
    user.assert_no_token_on_stderr(&[&first]);
    Ok(())
}

#[tokio::test]
async fn without_a_signed_in_account_every_verb_exits_not_signed_in() -> TestResult {
    let user = User::new("nobody").await?;
    for args in [
        &["list"][..],
        &["create", "hook"],
        &["rotate", "hook", "--confirm", "hook"],
        &["delete", "hook", "--confirm", "hook"],
        &["copy", "hook"],
        &["forget", "hook"],
        &["logout"],
    ] {
        let run = user.run(args).expect_code(4);
        assert!(run.stderr.contains("wispkey login"), "{run:#?}");
        assert_eq!(run.stdout, "");
    }
    let json = user.run(&["list", "--json"]).expect_code(4).json();
    assert_eq!(json["error"]["code"], "authentication_required");
    assert!(json["error"]["message"].is_string());
    // An empty account list is not an error.
    let accounts = user.run(&["accounts", "--json"]).expect_code(0).json();
    assert_eq!(accounts, serde_json::json!([]));
    // A wrong command line is a usage error.
    user.run(&["rotate"]).expect_code(2);
    Ok(())
}

#[tokio::test]
async fn logout_ends_the_session_and_keeps_the_stored_token() -> TestResult {
    let user = User::new("logout").await?;
    user.login();
    let token = user.create("hook");
    user.run(&["logout"]).expect_code(0);
    let accounts = user.run(&["accounts", "--json"]).expect_code(0).json();
    assert_eq!(accounts, serde_json::json!([]));
    assert_eq!(user.keychain_token("hook").as_deref(), Some(token.as_str()));
    user.run(&["list"]).expect_code(4);
    user.assert_no_token_on_stderr(&[&token]);
    Ok(())
}

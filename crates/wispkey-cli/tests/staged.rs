//! A staged rotation with the real `wispkey` binary on the local stack: webhooks are real
//! `place.wisp.v2.wh` records in the account's repo on the reference PDS, deliveries are signed
//! by the real wisp service with whatever secret a record names at that moment, and a receiver
//! on 127.0.0.1 checks each signature with its own HMAC against the secrets deployed to it.
//! Every command is a new process, so each step is also a restart from the saved progress.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use serde_json::json;
use support::{TestResult, User};
use wispkey_test_support::RotatingReceiver as Receiver;

const COLLECTION: &str = "place.wisp.v2.wh";
const HOOKS: [&str; 3] = ["alpha", "bravo", "charlie"];

/// Delivers one event for every webhook now and returns which deployed secret verified each
/// (panics if the receiver refused one: that would be downtime).
async fn deliver_all(user: &User, receiver: &Receiver) -> Vec<String> {
    let control = user.stack.wisp_control().unwrap();
    let before = receiver.deliveries().len();
    for rkey in HOOKS {
        let outcome = user
            .stack
            .deliver(&control, &user.account.did, rkey)
            .await
            .unwrap();
        assert_eq!(outcome["delivered"], true, "{rkey}: {outcome}");
    }
    let judged = receiver.deliveries()[before..].to_vec();
    assert_eq!(judged.len(), HOOKS.len(), "{judged:?}");
    judged
        .into_iter()
        .map(|delivery| {
            delivery
                .matched
                .unwrap_or_else(|| panic!("the receiver refused a delivery to {}", delivery.path))
        })
        .collect()
}

/// How many deliveries verified with the new secret.
fn on_new(matched: &[String]) -> usize {
    matched.iter().filter(|label| *label == "new").count()
}

/// The account's secrets' names, as listed now.
fn names(user: &User) -> Vec<String> {
    let list = user.run(&["list", "--json"]).expect_code(0).json();
    list.as_array()
        .unwrap()
        .iter()
        .filter_map(|row| row["name"].as_str().map(str::to_owned))
        .collect()
}

fn saved_progress(user: &User) -> String {
    std::fs::read_to_string(user.config_dir().join("staged-rotations.json")).unwrap_or_default()
}

#[tokio::test]
async fn a_staged_rotation_keeps_every_delivery_verifying_through_a_refused_and_a_killed_switch()
-> TestResult {
    let user = User::new("stage").await?;
    // Signed in with the default (secrets-only) permissions, as an older session would be.
    user.login();
    let old = user.create("hook");
    let receiver = Receiver::start()?;
    receiver.accept("old", &old);
    for rkey in HOOKS {
        user.stack
            .put_record(
                &user.account,
                COLLECTION,
                rkey,
                json!({
                    "$type": COLLECTION,
                    "scope": { "aturi": format!("at://{}", user.account.did) },
                    "url": receiver.url(rkey),
                    "events": ["create", "update"],
                    "secretId": "hook",
                    "enabled": true,
                    "createdAt": "2026-01-01T00:00:00.000Z",
                }),
            )
            .await?;
    }
    assert_eq!(deliver_all(&user, &receiver).await, ["old", "old", "old"]);

    // 1. The new secret: stored in the keychain (read back) before the token is printed.
    let start = user
        .run(&["stage", "start", "hook", "--show"])
        .expect_code(0);
    let new = start.stdout.trim().to_owned();
    assert_eq!(user.keychain_token("hook-2").as_deref(), Some(new.as_str()));
    assert_ne!(new, old);
    // The old secret still signs everything; the saved progress holds no token.
    assert_eq!(deliver_all(&user, &receiver).await, ["old", "old", "old"]);
    let progress = saved_progress(&user);
    assert!(progress.contains("\"created\""), "{progress}");
    assert!(!progress.contains(&new) && !progress.contains(&old));

    // Steps are refused out of order: no switch before deploy and test.
    user.run(&["stage", "switch", "hook", "--yes"])
        .expect_code(3);

    // 2. "Deployed" — but the receiver does not have the new secret yet: the receiver test
    // (one delivery signed with the NEW secret) is refused, and no switch is allowed.
    user.run(&["stage", "deployed", "hook"]).expect_code(0);
    let test_url = receiver.url("test");
    let refused_test = user
        .run(&["stage", "test", "hook", "--url", &test_url])
        .expect_code(0);
    assert!(
        refused_test.stderr.contains("HTTP 401"),
        "{refused_test:#?}"
    );
    assert_eq!(
        receiver.deliveries().last().map(|d| d.matched.clone()),
        Some(None)
    );
    user.run(&["stage", "switch", "hook", "--yes"])
        .expect_code(3);

    // Really deployed now (from the keychain's copy): the receiver accepts both.
    receiver.accept("new", &user.keychain_token("hook-2").unwrap());
    // 3. Tested: the test delivery, signed with the new secret, verifies.
    let accepted_test = user
        .run(&["stage", "test", "hook", "--url", &test_url])
        .expect_code(0);
    assert!(
        accepted_test.stderr.contains("accepted"),
        "{accepted_test:#?}"
    );
    assert_eq!(
        receiver
            .deliveries()
            .last()
            .and_then(|d| d.matched.clone())
            .as_deref(),
        Some("new")
    );

    // 4a. The session lacks permission to edit records: the PDS refuses the first write, the
    // CLI says to sign in again, nothing was switched.
    let refused = user
        .run(&["stage", "switch", "hook", "--yes"])
        .expect_code(4);
    assert!(refused.stderr.contains("Sign in"), "{refused:#?}");
    assert_eq!(deliver_all(&user, &receiver).await, ["old", "old", "old"]);
    let status = user
        .run(&["stage", "status", "hook", "--json"])
        .expect_code(0)
        .json();
    assert_eq!(status["rotation"]["step"], "switching", "{status}");
    assert_eq!(status["onOld"].as_array().unwrap().len(), 3);
    assert!(
        status["rotation"]["lastFailure"]
            .as_str()
            .is_some_and(|failure| failure.contains("webhook records")),
        "{status}"
    );

    // Sign in again asking for the webhook records too; switch one.
    let login = user
        .run(&["login", &user.account.handle, "--webhooks"])
        .expect_code(0);
    assert!(login.stderr.contains("Signed in as"), "{login:#?}");
    user.run(&["stage", "switch", "hook", "--yes", "--one"])
        .expect_code(0);
    let after_one = deliver_all(&user, &receiver).await;
    assert_eq!(on_new(&after_one), 1, "{after_one:?}");

    // 4b. Killed mid-switch, right after it reports a webhook switched.
    let mut child = user
        .command(&["stage", "switch", "hook", "--yes"])
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().unwrap();
    for line in BufReader::new(stderr).lines() {
        if line?.starts_with("Switched ") {
            break;
        }
    }
    child.kill()?;
    child.wait()?;
    // Wherever it stopped, every webhook signs with a secret the receiver accepts.
    let after_kill = deliver_all(&user, &receiver).await;
    assert!(on_new(&after_kill) >= 2, "{after_kill:?}");
    // The old secret cannot be deleted yet (unverified switch or a webhook still on it).
    user.run(&[
        "stage",
        "finish",
        "hook",
        "--delete-old",
        "--confirm",
        "hook",
    ])
    .expect_code(3);
    assert_eq!(names(&user), ["hook", "hook-2"]);

    // Resumed by a new process: it re-reads the records and finishes the switch.
    user.run(&["stage", "switch", "hook", "--yes"])
        .expect_code(0);
    let status = user
        .run(&["stage", "status", "hook", "--json"])
        .expect_code(0)
        .json();
    assert_eq!(status["rotation"]["step"], "switched", "{status}");
    assert_eq!(status["onOld"].as_array().unwrap().len(), 0);
    assert_eq!(status["onNew"].as_array().unwrap().len(), 3);
    assert_eq!(status["canDeleteOld"], true);
    assert_eq!(deliver_all(&user, &receiver).await, ["new", "new", "new"]);

    // 5. Delete the old secret (typed name), then retire it at the receiver.
    user.run(&[
        "stage",
        "finish",
        "hook",
        "--delete-old",
        "--confirm",
        "hook",
    ])
    .expect_code(0);
    receiver.retire("old");
    assert_eq!(deliver_all(&user, &receiver).await, ["new", "new", "new"]);
    assert!(user.keychain_token("hook").is_none());
    assert_eq!(names(&user), ["hook-2"]);
    user.run(&["stage", "status", "hook"]).expect_code(8);

    // The history has a line per switched webhook (and the refused first attempt), no value.
    let log = user
        .run(&["log", "--csv", "--operation", "webhook_switch"])
        .expect_code(0);
    assert!(log.stdout.contains("from hook to hook-2"), "{log:#?}");
    assert!(log.stdout.contains("failed"), "{log:#?}");
    assert!(!log.stdout.contains(&new) && !log.stdout.contains(&old));

    user.assert_no_token_on_stderr(&[&old, &new]);
    assert!(!saved_progress(&user).contains(&new));
    Ok(())
}

#[tokio::test]
async fn a_webhook_the_user_did_not_choose_keeps_the_old_secret_from_being_deleted() -> TestResult {
    let user = User::new("stkeep").await?;
    let _ = user
        .run(&["login", &user.account.handle, "--webhooks"])
        .expect_code(0);
    let old = user.create("deploy");
    let receiver = Receiver::start()?;
    receiver.accept("old", &old);
    for rkey in ["one", "two"] {
        user.stack
            .put_record(
                &user.account,
                COLLECTION,
                rkey,
                json!({
                    "$type": COLLECTION,
                    "scope": { "aturi": format!("at://{}", user.account.did) },
                    "url": receiver.url(rkey),
                    "secretId": "deploy",
                    "createdAt": "2026-01-01T00:00:00.000Z",
                }),
            )
            .await?;
    }
    user.run(&["stage", "start", "deploy"]).expect_code(0);
    let status = user
        .run(&["stage", "status", "deploy", "--json"])
        .expect_code(0)
        .json();
    assert_eq!(status["rotation"]["newName"], "deploy-2");
    user.run(&["stage", "deployed", "deploy"]).expect_code(0);
    user.run(&["stage", "test", "deploy", "--vouch"])
        .expect_code(0);
    let one = format!("at://{}/{COLLECTION}/one", user.account.did);
    user.run(&["stage", "switch", "deploy", "--yes", "--webhook", &one])
        .expect_code(0);
    let refused = user
        .run(&[
            "stage",
            "finish",
            "deploy",
            "--delete-old",
            "--confirm",
            "deploy",
        ])
        .expect_code(3);
    assert!(
        refused.stderr.contains(&receiver.url("two")),
        "{refused:#?}"
    );
    // Keeping the old secret is always possible.
    user.run(&["stage", "finish", "deploy", "--keep-old"])
        .expect_code(0);
    assert_eq!(names(&user), ["deploy", "deploy-2"]);
    Ok(())
}

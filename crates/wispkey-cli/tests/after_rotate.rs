//! After the rotate, through the real `wispkey` binary and the local stack: `verify` on a
//! delivery the real wisp service signed, `test-receiver` against a receiver that checks
//! signatures, and `log`: every operation leaves one chained entry, never a value, and an
//! edited line is reported.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::Write as _;
use std::process::Stdio;

use support::{BODY, TestResult, User};
use wispkey_test_support::{Receiver, ReceiverScheme};

/// Runs `wispkey ARGS` with `input` on standard input.
fn run_with_stdin(user: &User, args: &[&str], input: &str) -> support::Run {
    let mut child = user.command(args).stdin(Stdio::piped()).spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    user.finish(child)
}

#[tokio::test]
async fn verify_says_valid_for_a_delivery_the_service_signed_and_names_a_trailing_newline()
-> TestResult {
    let user = User::new("verify").await?;
    user.login();
    let token = user.create("hook");
    let header = user
        .stack
        .delivery_signature(&user.stack.wisp_control()?, &user.account.did, "hook", BODY)
        .await?;
    let dir = user.config_home.clone();
    let request = dir.join("request.http");
    std::fs::write(
        &request,
        format!("POST /hook HTTP/1.1\r\nX-Webhook-Signature: {header}\r\n\r\n{BODY}"),
    )?;
    let request = request.display().to_string();

    // The stored token, by id: valid, and the token is never printed.
    let stored = user
        .run(&[
            "verify",
            "--scheme",
            "wisp",
            "--request",
            &request,
            "--stored",
            "hook",
        ])
        .expect_code(0);
    assert!(stored.stderr.contains("Valid"), "{stored:#?}");

    // A pasted secret on standard input, headers and body in separate files.
    let body = dir.join("body.json");
    std::fs::write(&body, format!("{BODY}\n"))?;
    let body = body.display().to_string();
    let with_newline = run_with_stdin(
        &user,
        &[
            "verify",
            "--scheme",
            "wisp",
            "-H",
            &format!("X-Webhook-Signature: {header}"),
            "--body",
            &body,
            "--json",
        ],
        &token,
    )
    .expect_code(14);
    let report = with_newline.json();
    assert_eq!(report["valid"], false);
    assert_eq!(report["failures"][0]["kind"], "signatureMismatch");
    assert_eq!(report["hints"][0]["kind"], "trailingNewlineAdded");
    assert!(
        with_newline.stderr.contains("trailing newline"),
        "{with_newline:#?}"
    );

    // The wrong scheme: the header it needs is missing, and the right scheme is named.
    let wrong = run_with_stdin(
        &user,
        &["verify", "--scheme", "standard", "--request", &request],
        &token,
    )
    .expect_code(14);
    assert!(wrong.stderr.contains("no webhook-id header"), "{wrong:#?}");
    assert!(
        wrong
            .stderr
            .contains("verifies under the wisp.place scheme"),
        "{wrong:#?}"
    );
    user.assert_no_token_on_stderr(&[&token]);
    Ok(())
}

#[tokio::test]
async fn test_receiver_sends_one_signed_marked_delivery_and_refuses_plain_http_elsewhere()
-> TestResult {
    let user = User::new("receiver").await?;
    user.login();
    let token = user.create("hook");
    let receiver = Receiver::start(ReceiverScheme::Wisp, &token)?;

    let sent = user
        .run(&["test-receiver", "hook", "--url", &receiver.url(), "--json"])
        .expect_code(0);
    let result = sent.json();
    assert_eq!(result["status"], 204);
    assert_eq!(result["accepted"], true);
    assert!(sent.stderr.contains("HTTP 204"), "{sent:#?}");
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert!(received[0].verified, "the receiver checked the signature");
    assert_eq!(received[0].header("X-Wispkey-Test"), Some("1"));

    // After a rotate the receiver still holds the old token: the test says so (401).
    user.run(&["rotate", "hook", "--confirm", "hook"])
        .expect_code(0);
    let stale = user
        .run(&["test-receiver", "hook", "--url", &receiver.url(), "--json"])
        .expect_code(0);
    assert_eq!(stale.json()["accepted"], false);
    assert!(stale.stderr.contains("HTTP 401"), "{stale:#?}");

    // Plain http to another machine is refused before anything is sent; no URL and no
    // terminal to confirm one on sends nothing either.
    let refused = user
        .run(&["test-receiver", "hook", "--url", "http://example.com/hook"])
        .expect_code(15);
    assert!(refused.stderr.contains("https"), "{refused:#?}");
    user.run(&["test-receiver", "hook"]).expect_code(3);
    assert_eq!(
        receiver.received().len(),
        2,
        "one request per command, nothing else"
    );
    user.assert_no_token_on_stderr(&[&token]);
    Ok(())
}

#[tokio::test]
async fn every_operation_writes_one_chained_entry_without_any_value_and_edits_are_found()
-> TestResult {
    let user = User::new("history").await?;
    user.login();
    let created = user.create("hook");
    let rotated = user
        .run(&["rotate", "hook", "--confirm", "hook", "--show"])
        .expect_code(0);
    let rotated = rotated.stdout.trim().to_owned();
    let pasted = "wsk_pasted_value_that_must_never_be_logged";
    run_with_stdin(&user, &["store", "hook"], pasted).expect_code(0);
    user.run(&["forget", "hook"]).expect_code(0);
    user.run(&["rotate", "hook", "--confirm", "wrong-name"])
        .expect_code(3);
    user.run(&["delete", "hook", "--confirm", "hook"])
        .expect_code(0);
    user.run(&["logout"]).expect_code(0);

    let log = user.run(&["log", "--json"]).expect_code(0).json();
    let operations: Vec<(&str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|entry| {
            (
                entry["operation"].as_str().unwrap(),
                entry["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        operations,
        [
            ("sign_in", "succeeded"),
            ("create", "succeeded"),
            ("rotate", "succeeded"),
            ("store_pasted", "succeeded"),
            ("forget", "succeeded"),
            ("rotate", "failed"),
            ("delete", "succeeded"),
            ("sign_out", "succeeded"),
        ]
    );
    let entries = log.as_array().unwrap();
    assert!(
        entries
            .iter()
            .all(|e| e["account"] == user.account.did.as_str())
    );
    assert_eq!(entries[2]["code"], "invalid_request");

    // No value anywhere: the file, its head, the CSV, the table.
    let file = std::fs::read_to_string(user.config_dir().join("history.jsonl"))?;
    let head = std::fs::read_to_string(user.config_dir().join("history.head"))?;
    let csv = user.run(&["log", "--csv"]).expect_code(0).stdout;
    let table = user.run(&["log"]).expect_code(0).stdout;
    assert!(csv.starts_with("seq,time,provider,account,secret_id,operation,outcome"));
    for text in [&file, &head, &csv, &table] {
        for value in [created.as_str(), rotated.as_str(), pasted] {
            assert!(
                !text.contains(value),
                "a secret value is in the history output"
            );
        }
    }
    let filtered = user
        .run(&["log", "--operation", "rotate", "--json"])
        .expect_code(0)
        .json();
    assert_eq!(filtered.as_array().unwrap().len(), 2);

    // Intact, then one edited line is the first broken link.
    let intact = user.run(&["log", "--verify"]).expect_code(0);
    assert!(intact.stderr.contains("intact: 8 entries"), "{intact:#?}");
    let edited = file.replacen("\"failed\"", "\"succeeded\"", 1);
    std::fs::write(user.config_dir().join("history.jsonl"), edited)?;
    let broken = user.run(&["log", "--verify", "--json"]).expect_code(14);
    assert_eq!(broken.json()["firstBroken"]["line"], 6);
    assert!(broken.stderr.contains("line 6"), "{broken:#?}");
    Ok(())
}

//! Requests cut short and stored copies that may be out of date, with the real `wispkey`
//! binary: a rotate held by the wisp service's slow-answer fault and the process killed with
//! SIGKILL; a rotate whose answer is lost; a secret rotated elsewhere after its copy was stored.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::{TestResult, User};
use wispkey_test_support::{PrivateWisp, Stack};

const ROTATE: &str = "place.wisp.v2.secret.rotate";

/// The in-flight notes in Wispkey's config folder.
fn notes(config_dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(config_dir.join("in-flight"))
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_rotate_killed_while_waiting_is_told_on_the_next_run_until_listed() -> TestResult {
    let stack = Stack::get()?;
    let wisp = PrivateWisp::start(&stack, true, &[])?;
    let did = wisp.did.clone();
    let user = User::with_service(stack, "killed", &did).await?;
    user.login();
    let first = user.create("hook");
    assert!(
        notes(&user.config_dir()).is_empty(),
        "an answered request leaves no note"
    );

    // The service commits the rotate, then holds its answer for a minute.
    wisp.arm(
        "faults",
        serde_json::json!({ "delayMs": 60_000, "nsid": ROTATE }),
    )
    .await?;
    let mut rotating = user
        .command(&["rotate", "hook", "--confirm", "hook", "--show"])
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while notes(&user.config_dir()).is_empty() {
        assert!(Instant::now() < deadline, "no note while the rotate is out");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let note = std::fs::read_to_string(&notes(&user.config_dir())[0])?;
    assert!(
        note.contains("\"rotate\"") && note.contains("\"hook\""),
        "{note}"
    );
    assert!(!note.contains(&first), "a token in the note");
    // Give the request time to reach the service (it commits, then waits).
    tokio::time::sleep(Duration::from_secs(2)).await;
    rotating.kill()?; // SIGKILL: no chance to clean up.
    rotating.wait()?;
    assert_eq!(
        notes(&user.config_dir()).len(),
        1,
        "the note outlives the process"
    );

    // Any later run says so, on stderr, before doing its own work.
    let next = user.run(&["accounts"]).expect_code(0);
    assert!(
        next.stderr.contains("stopped while a rotate of \"hook\""),
        "{next:#?}"
    );
    // The stored copy is the token that died: it is not copied without saying so.
    let copy = user.run(&["copy", "hook"]).expect_code(14);
    assert!(copy.stderr.contains("may be out of date"), "{copy:#?}");
    assert!(copy.stderr.contains("no answer"), "{copy:#?}");
    assert_eq!(copy.stdout, "");

    // `list` is the check: it shows the state, says what to look at, and the notice ends.
    let listed = user.run(&["list"]).expect_code(0);
    assert!(
        listed.stderr.contains("Check \"hook\" above"),
        "{listed:#?}"
    );
    assert!(listed.stdout.contains("may be out of date"), "{listed:#?}");
    let after = user.run(&["accounts"]).expect_code(0);
    assert!(!after.stderr.contains("stopped while"), "{after:#?}");
    assert!(notes(&user.config_dir()).is_empty());
    user.assert_no_token_on_stderr(&[&first]);
    Ok(())
}

#[tokio::test]
async fn a_copy_rotated_elsewhere_after_it_was_stored_is_not_copied_without_saying_so() -> TestResult
{
    let user = User::new("elsewhere").await?;
    user.login();
    let first = user.create("hook");
    let fresh = user.run(&["list", "--json"]).expect_code(0).json();
    assert_eq!(fresh[0]["storedCopyWarning"], serde_json::Value::Null);

    let newer = user
        .stack
        .rotate_secret_elsewhere(&user.account, "hook")
        .await?;
    let rows = user.run(&["list", "--json"]).expect_code(0).json();
    let warning = rows[0]["storedCopyWarning"].as_str().unwrap_or_default();
    assert!(warning.contains("after this copy"), "{rows}");

    // Refused before the clipboard is touched (there is no display here: a copy attempt would
    // have failed with the clipboard's code 11 instead).
    let copy = user.run(&["copy", "hook"]).expect_code(14);
    assert!(copy.stderr.contains("may be out of date"), "{copy:#?}");
    assert!(copy.stderr.contains("--even-if-out-of-date") || copy.stderr.contains("rotate"));

    // Keeping the new token makes the copy current again.
    let mut store = user
        .command(&["store", "hook"])
        .stdin(std::process::Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = store.stdin.take() {
        use std::io::Write;
        writeln!(stdin, "{newer}")?;
    }
    user.finish(store).expect_code(0);
    let rows = user.run(&["list", "--json"]).expect_code(0).json();
    assert_eq!(
        rows[0]["storedCopyWarning"],
        serde_json::Value::Null,
        "{rows}"
    );
    user.assert_no_token_on_stderr(&[&first, &newer]);
    Ok(())
}

#[tokio::test]
async fn a_rotate_whose_answer_is_lost_marks_the_stored_copy_out_of_date() -> TestResult {
    let stack = Stack::get()?;
    let wisp = PrivateWisp::start(&stack, true, &[])?;
    let did = wisp.did.clone();
    let user = User::with_service(stack, "lostcopy", &did).await?;
    user.login();
    let first = user.create("hook");
    wisp.drop_connection_after_commit(ROTATE).await?;
    user.run(&["rotate", "hook", "--confirm", "hook"])
        .expect_code(7);
    // The answer (a lost one) cleared the note: the run itself said "outcome unknown".
    assert!(notes(&user.config_dir()).is_empty());
    let copy = user.run(&["copy", "hook"]).expect_code(14);
    assert!(copy.stderr.contains("no answer"), "{copy:#?}");
    user.assert_no_token_on_stderr(&[&first]);
    Ok(())
}

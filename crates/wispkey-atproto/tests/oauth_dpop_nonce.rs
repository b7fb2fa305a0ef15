//! What one sign-in asks of the real reference PDS, read from the PDS's own request log: every
//! request of a sign-in is signed with that sign-in's DPoP key, so its proofs pick its lines out
//! of the log however many tests sign in at the same time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod oauth_support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth_support::*;
use wispkey_atproto::oauth::{OAuthConfig, OAuthManager};
use wispkey_core::vault::Vault;

/// A request the PDS logged: path, status, the nonce its DPoP proof carried, and the one the
/// answer handed out.
#[derive(Debug)]
struct Logged {
    path: String,
    status: u64,
    nonce: Option<String>,
    given: Option<String>,
}

fn pds_log() -> PathBuf {
    // The stack keeps its PDS's log beside its description (scripts/stack.sh).
    let stack_json = std::env::var("WISPKEY_STACK_JSON").unwrap();
    PathBuf::from(stack_json).parent().unwrap().join("pds.log")
}

/// The JSON of one part of a compact JWT (header = 0, claims = 1).
fn jwt_part(jwt: &str, index: usize) -> serde_json::Value {
    let part = jwt.split('.').nth(index).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// The requests in the PDS log whose DPoP proof was made with the public key `x`.
fn signed_with(x: &str) -> Vec<Logged> {
    let text = std::fs::read_to_string(pds_log()).unwrap();
    text.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|entry| {
            let proof = entry["req"]["headers"]["dpop"].as_str()?.to_owned();
            if jwt_part(&proof, 0)["jwk"]["x"] != x {
                return None;
            }
            Some(Logged {
                path: entry["req"]["url"].as_str()?.split('?').next()?.to_owned(),
                status: entry["res"]["statusCode"].as_u64()?,
                nonce: jwt_part(&proof, 1)["nonce"].as_str().map(str::to_owned),
                given: entry["res"]["headers"]["dpop-nonce"]
                    .as_str()
                    .map(str::to_owned),
            })
        })
        .collect()
}

#[tokio::test]
async fn the_code_exchange_is_sent_once_carrying_the_nonce_the_pushed_request_was_given() {
    let stack = Stack::get().unwrap();
    let vault = test_vault("dpop-nonce");
    let manager = manager(&stack, &vault);
    let alice = stack.account("alice.test").unwrap();
    let log = scratch("dpop-nonce").join("consent.log");
    let browser =
        consent_browser(&alice, Consent::Authorize, &log).env("WISPKEY_CONSENT_MODE", "api");

    let account = sign_in_expecting_success(&manager, "alice.test", &browser, &log).await;
    let record = stored_session(&vault, &account.did).await;
    let key: serde_json::Value = serde_json::from_str(&field(&record, "dpop_key")).unwrap();
    let x = key["x"].as_str().unwrap().to_owned();

    // The PDS writes a line when it has answered; give its logger a moment to flush.
    let mut seen = signed_with(&x);
    for _ in 0..50 {
        if seen.iter().any(|r| r.path == "/oauth/token") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        seen = signed_with(&x);
    }

    // The first pushed request cannot know a nonce yet: the server hands one out with its
    // refusal, and the retry carries it.
    let pushed: Vec<_> = seen.iter().filter(|r| r.path == "/oauth/par").collect();
    assert_eq!(
        pushed.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![400, 201],
        "{seen:?}"
    );
    // The code exchange reuses it: one request, accepted, no use_dpop_nonce round trip. (The
    // server may rotate its nonce between the two answers: either one it handed out will do.)
    let given: Vec<_> = pushed.iter().filter_map(|r| r.given.clone()).collect();
    let exchanged: Vec<_> = seen.iter().filter(|r| r.path == "/oauth/token").collect();
    assert_eq!(exchanged.len(), 1, "{seen:?}");
    assert_eq!(exchanged[0].status, 200, "{seen:?}");
    assert!(
        exchanged[0]
            .nonce
            .as_ref()
            .is_some_and(|nonce| given.contains(nonce)),
        "{seen:?}"
    );

    sign_out_all(&manager).await;
}

/// The lists of secrets the PDS logged for proofs made with the key `x`, once it has logged at
/// least `count` (its logger writes after answering).
async fn lists_signed_with(x: &str, count: usize) -> Vec<Logged> {
    let lists = || {
        signed_with(x)
            .into_iter()
            .filter(|r| r.path == "/xrpc/place.wisp.v2.secret.list")
            .collect::<Vec<_>>()
    };
    let mut seen = lists();
    for _ in 0..50 {
        if seen.len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        seen = lists();
    }
    seen
}

/// Managers sharing one folder for what processes share (locks, remembered nonces), as the
/// window and the CLI do; a folder of this test's own, so other tests' nonces stay out.
fn manager_sharing(stack: &Stack, vault: &Vault, shared: &Path) -> OAuthManager {
    let config = OAuthConfig {
        lock_dir: shared.to_path_buf(),
        ..oauth_config(stack)
    };
    OAuthManager::new(config, vault.clone()).unwrap()
}

/// Signs alice in with a manager that then quits; the public `x` of her session's DPoP key.
async fn signed_in_then_quit(
    stack: &Stack,
    vault: &Vault,
    shared: &Path,
    label: &str,
) -> (String, String) {
    let first = manager_sharing(stack, vault, shared);
    let alice = stack.account("alice.test").unwrap();
    let log = scratch(label).join("consent.log");
    let browser =
        consent_browser(&alice, Consent::Authorize, &log).env("WISPKEY_CONSENT_MODE", "api");
    let account = sign_in_expecting_success(&first, "alice.test", &browser, &log).await;
    assert_eq!(list_secrets(&first, stack, &account.did).await.status, 200);
    let record = stored_session(vault, &account.did).await;
    let key: serde_json::Value = serde_json::from_str(&field(&record, "dpop_key")).unwrap();
    (account.did, key["x"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_second_process_sends_its_first_request_with_the_nonce_the_first_one_was_given() {
    let stack = Stack::get().unwrap();
    let vault = test_vault("nonce-across");
    let shared = scratch("nonce-across").join("shared");
    let (did, x) = signed_in_then_quit(&stack, &vault, &shared, "nonce-across").await;

    // A new process: nothing in memory, the same keychain and shared folder.
    let second = manager_sharing(&stack, &vault, &shared);
    second.restore().await.unwrap();
    assert_eq!(list_secrets(&second, &stack, &did).await.status, 200);

    let lists = lists_signed_with(&x, 3).await;
    // The first process had no nonce for the PDS yet: refused once, then answered. The second
    // one's list is answered at once, carrying a nonce the first one was given.
    assert_eq!(
        lists.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![401, 200, 200],
        "{lists:?}"
    );
    let given: Vec<_> = lists[..2].iter().filter_map(|r| r.given.clone()).collect();
    assert!(
        lists[2].nonce.as_ref().is_some_and(|n| given.contains(n)),
        "{lists:?}"
    );

    sign_out_all(&second).await;
}

#[tokio::test]
async fn a_stale_remembered_nonce_costs_one_refused_request_as_having_none_does() {
    let stack = Stack::get().unwrap();
    let vault = test_vault("nonce-stale");
    let shared = scratch("nonce-stale").join("shared");
    let (did, x) = signed_in_then_quit(&stack, &vault, &shared, "nonce-stale").await;

    // The remembered nonce has gone stale (the server rotated it long ago).
    let pds = url::Url::parse(&stack.pds_url().unwrap()).unwrap();
    let authority = format!(
        "{}:{}",
        pds.host_str().unwrap(),
        pds.port_or_known_default().unwrap()
    );
    let stale = "c3RhbGUtbm9uY2UtZnJvbS1sYXN0LXdlZWs";
    std::fs::write(
        shared.join("dpop-nonces.json"),
        serde_json::json!({ authority: stale }).to_string(),
    )
    .unwrap();

    let second = manager_sharing(&stack, &vault, &shared);
    second.restore().await.unwrap();
    assert_eq!(list_secrets(&second, &stack, &did).await.status, 200);

    let lists = lists_signed_with(&x, 4).await;
    let second_lists = &lists[2..];
    assert_eq!(
        second_lists.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![401, 200],
        "{lists:?}"
    );
    assert_eq!(second_lists[0].nonce.as_deref(), Some(stale), "{lists:?}");
    assert!(
        second_lists[1].nonce.is_some() && second_lists[1].nonce == second_lists[0].given,
        "{lists:?}"
    );

    sign_out_all(&second).await;
}

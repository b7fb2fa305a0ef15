//! Living with a session after sign-in: restore, refresh, sign-out, several accounts, and what
//! reaches the disk. Real PDS, real consent page, real Secret Service.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod oauth_support;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use oauth_support::*;
use wispkey_atproto::oauth::{Account, OAuthManager, session_item};
use wispkey_atproto::xrpc::XrpcTransport;
use wispkey_core::Error;
use wispkey_core::vault::Vault;

async fn sign_in(manager: &OAuthManager, stack: &Stack, handle: &str, label: &str) -> Account {
    let account = stack.account(handle).unwrap();
    let log = scratch(label).join("consent.log");
    let browser = consent_browser(&account, Consent::Authorize, &log);
    sign_in_expecting_success(manager, handle, &browser, &log).await
}

#[tokio::test]
async fn a_restarted_app_restores_the_session_from_the_keychain_without_a_browser() {
    let stack = Stack::get().unwrap();
    let vault = test_vault("restore");
    let first = manager(&stack, &vault);
    let account = sign_in(&first, &stack, "alice.test", "restore").await;
    drop(first); // the app quits

    let second = manager(&stack, &vault); // the app starts again: same keychain, nothing else
    let restored = second.restore().await.unwrap();

    assert_eq!(restored, vec![account.clone()]);
    let response = list_secrets(&second, &stack, &account.did).await;
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    // A refresh after restore rebuilds the identical loopback client id, or the server refuses.
    second.refresh(&account.did).await.unwrap();
    assert_eq!(
        list_secrets(&second, &stack, &account.did).await.status,
        200
    );

    sign_out_all(&second).await;
}

#[tokio::test]
async fn an_account_whose_keychain_item_was_removed_is_dropped_on_restore() {
    let stack = Stack::get().unwrap();
    let vault = test_vault("removed-item");
    let first = manager(&stack, &vault);
    let account = sign_in(&first, &stack, "alice.test", "removed-item").await;
    let record = stored_session(&vault, &account.did).await;
    drop(first);
    // Someone deletes Wispkey's item in the keychain manager while the app is closed.
    vault
        .delete_async(&session_item(&account.did))
        .await
        .unwrap();

    let second = manager(&stack, &vault);

    assert!(second.restore().await.unwrap().is_empty());
    assert!(second.accounts().await.unwrap().is_empty());
    let error = second.transport(&account.did).await.unwrap_err();
    assert!(matches!(error, Error::SessionExpired { .. }), "{error:?}");
    // The server-side session was untouched; this is also the positive control for
    // `raw_refresh`, whose 400s the refresh and sign-out tests rely on.
    let (status, body) = raw_refresh(&record, &field(&record, "refresh_token")).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_forced_refresh_rotates_the_tokens_and_the_old_ones_stop_working() {
    let stack = Stack::get().unwrap();
    let vault = test_vault("refresh");
    let manager = manager(&stack, &vault);
    let account = sign_in(&manager, &stack, "alice.test", "refresh").await;
    let before = stored_session(&vault, &account.did).await;
    let old_access = field(&before, "access_token");
    let old_refresh = field(&before, "refresh_token");
    assert_eq!(pds_status_with(&before, &old_access).await, 200);

    manager.refresh(&account.did).await.unwrap();

    let after = stored_session(&vault, &account.did).await;
    let new_access = field(&after, "access_token");
    assert_ne!(new_access, old_access);
    assert_ne!(field(&after, "refresh_token"), old_refresh);
    assert_eq!(
        after["dpop_key"], before["dpop_key"],
        "the DPoP key stays with the session"
    );
    // The server revokes the previous access token on refresh, and refresh tokens are single use.
    assert_eq!(pds_status_with(&after, &old_access).await, 401);
    assert_eq!(pds_status_with(&after, &new_access).await, 200);
    // And the app keeps working with what it stored.
    assert_eq!(
        list_secrets(&manager, &stack, &account.did).await.status,
        200
    );

    // Replaying the used refresh token fails, and the server treats the replay as theft: it
    // ends the whole session, which the app then reports as expired rather than failing oddly.
    let (status, body) = raw_refresh(&after, &old_refresh).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant", "{body}");
    let transport = manager.transport(&account.did).await.unwrap();
    let error = transport.send(list_request(&stack)).await.unwrap_err();
    assert!(matches!(error, Error::SessionExpired { .. }), "{error:?}");

    sign_out_all(&manager).await;
}

#[tokio::test]
async fn concurrent_requests_after_expiry_share_a_single_refresh() {
    let stack = Stack::get().unwrap();
    let vault = test_vault("one-refresh");
    let first = manager(&stack, &vault);
    let account = sign_in(&first, &stack, "alice.test", "one-refresh").await;
    drop(first);
    // Pretend an hour has passed: mark the stored access token as expired (nothing else changes).
    let mut record = stored_session(&vault, &account.did).await;
    let old_refresh = field(&record, "refresh_token");
    record["expires_at"] = serde_json::json!(1);
    vault
        .store_async(
            &session_item(&account.did),
            &wispkey_core::SecretString::new(record.to_string()),
        )
        .await
        .unwrap();

    let manager = manager(&stack, &vault);
    manager.restore().await.unwrap();
    let transport = manager.transport(&account.did).await.unwrap();
    let requests = (0..6).map(|_| {
        let transport = transport.clone();
        let request = list_request(&stack);
        async move { transport.send(request).await }
    });
    let responses = futures::future::join_all(requests).await;

    // Refresh tokens are single use: had two refreshes raced, the loser would have failed.
    for response in responses {
        assert_eq!(response.unwrap().status, 200);
    }
    let after = stored_session(&vault, &account.did).await;
    assert_ne!(field(&after, "refresh_token"), old_refresh);
    assert!(after["expires_at"].as_i64().unwrap() > 1);

    sign_out_all(&manager).await;
}

#[tokio::test]
async fn signing_out_revokes_at_the_server_then_deletes_local_material() {
    let stack = Stack::get().unwrap();
    let vault = test_vault("sign-out");
    let manager = manager(&stack, &vault);
    let account = sign_in(&manager, &stack, "alice.test", "sign-out").await;
    let record = stored_session(&vault, &account.did).await;
    assert_eq!(
        pds_status_with(&record, &field(&record, "access_token")).await,
        200
    );

    let outcome = manager.sign_out(&account.did).await.unwrap();

    assert!(outcome.revoked_at_server);
    let (status, body) = raw_refresh(&record, &field(&record, "refresh_token")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant", "{body}");
    assert_eq!(
        pds_status_with(&record, &field(&record, "access_token")).await,
        401
    );
    assert!(
        !vault
            .contains_async(&session_item(&account.did))
            .await
            .unwrap()
    );
    assert!(manager.accounts().await.unwrap().is_empty());
    let error = manager.transport(&account.did).await.unwrap_err();
    assert!(matches!(error, Error::SessionExpired { .. }), "{error:?}");
}

#[tokio::test]
async fn two_accounts_are_signed_in_side_by_side() {
    let stack = Stack::get().unwrap();
    let vault = test_vault("two-accounts");
    let manager = manager(&stack, &vault);

    let (alice, bob) = tokio::join!(
        sign_in(&manager, &stack, "alice.test", "two-alice"),
        sign_in(&manager, &stack, "bob.test", "two-bob"),
    );

    assert_ne!(alice.did, bob.did);
    let mut listed: Vec<String> = manager
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.did)
        .collect();
    listed.sort();
    let mut expected = vec![alice.did.clone(), bob.did.clone()];
    expected.sort();
    assert_eq!(listed, expected);
    for did in [&alice.did, &bob.did] {
        let transport = manager.transport(did).await.unwrap();
        assert_eq!(transport.did(), did.as_str());
        assert_eq!(
            transport.send(list_request(&stack)).await.unwrap().status,
            200
        );
    }

    // Signing one out leaves the other untouched.
    manager.sign_out(&alice.did).await.unwrap();
    assert_eq!(list_secrets(&manager, &stack, &bob.did).await.status, 200);
    let restarted = manager_restart(&stack, &vault).await;
    assert_eq!(
        restarted
            .accounts()
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.did)
            .collect::<Vec<_>>(),
        vec![bob.did.clone()]
    );

    sign_out_all(&manager).await;
}

async fn manager_restart(stack: &Stack, vault: &Vault) -> OAuthManager {
    let manager = manager(stack, vault);
    manager.restore().await.unwrap();
    manager
}

/// Every regular file under `root` modified since `since`, skipping `skip` folders.
fn modified_files(root: &Path, since: SystemTime, skip: &[PathBuf], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if skip.iter().any(|s| path.starts_with(s)) {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            modified_files(&path, since, skip, out);
        } else if meta.is_file()
            && meta.len() < 64 * 1024 * 1024
            && meta.modified().is_ok_and(|m| m >= since)
        {
            out.push(path);
        }
    }
}

#[tokio::test]
async fn no_token_or_key_reaches_any_file_in_the_clear() {
    let stack = Stack::get().unwrap();
    let started = SystemTime::now() - Duration::from_secs(1);
    let vault = test_vault("no-plaintext");
    let manager = manager(&stack, &vault);
    let account = sign_in(&manager, &stack, "alice.test", "no-plaintext").await;
    let first = stored_session(&vault, &account.did).await;
    manager.refresh(&account.did).await.unwrap();
    assert_eq!(
        list_secrets(&manager, &stack, &account.did).await.status,
        200
    );
    let second = stored_session(&vault, &account.did).await;
    let key: serde_json::Value = serde_json::from_str(&field(&second, "dpop_key")).unwrap();
    let needles: Vec<String> = vec![
        field(&first, "access_token"),
        field(&first, "refresh_token"),
        field(&second, "access_token"),
        field(&second, "refresh_token"),
        key["d"].as_str().unwrap().to_owned(),
    ];
    // Let gnome-keyring flush its (encrypted) keyring file.
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Where anything written during this test could be: the desktop session (keyring files,
    // XDG dirs), the temp dir (consent browser profiles, logs), home, and this crate. The PDS's
    // own database (the stack folder) and the build output are not ours.
    let mut roots: Vec<PathBuf> = vec![
        std::env::temp_dir(),
        Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
    ];
    for var in [
        "WISPKEY_SESSION_DIR",
        "HOME",
        "XDG_DATA_HOME",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
    ] {
        if let Some(dir) = std::env::var_os(var) {
            roots.push(PathBuf::from(dir));
        }
    }
    let mut skip: Vec<PathBuf> = Vec::new();
    if let Ok(dir) = stack.field("dir") {
        skip.push(PathBuf::from(dir));
    }
    for var in ["CARGO_TARGET_DIR", "CARGO_HOME", "RUSTUP_HOME"] {
        if let Some(dir) = std::env::var_os(var) {
            skip.push(PathBuf::from(dir));
        }
    }
    if let Some(home) = std::env::var_os("HOME") {
        for tool in [".cargo", ".rustup", ".npm", ".cache/wispkey/target"] {
            skip.push(PathBuf::from(&home).join(tool));
        }
    }
    skip.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));

    let mut files = Vec::new();
    for root in &roots {
        modified_files(root, started, &skip, &mut files);
    }
    files.sort();
    files.dedup();
    let keyring_files = files
        .iter()
        .filter(|f| f.to_string_lossy().contains("keyrings"))
        .count();
    for file in &files {
        let Ok(content) = std::fs::read(file) else {
            continue;
        };
        for needle in &needles {
            assert!(
                !content
                    .windows(needle.len())
                    .any(|w| w == needle.as_bytes()),
                "a token or key is in the clear in {}",
                file.display()
            );
        }
    }
    eprintln!(
        "scanned {} files modified during the test ({keyring_files} keyring files)",
        files.len()
    );
    assert!(
        !files.is_empty(),
        "the scan found no file at all: the scan itself is broken"
    );

    sign_out_all(&manager).await;
}

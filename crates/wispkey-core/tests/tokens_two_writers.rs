//! The window and the CLI keep tokens for the same account at the same time: every stored token
//! stays listed in the account's index, against a real gnome-keyring. Two keepers stand for the
//! two processes: each has its own in-process lock, so only what works across processes can
//! keep them from overwriting each other's index writes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use wispkey_core::tokens::TokenKeeper;
use wispkey_core::vault::Vault;
use wispkey_core::{AccountRef, SecretString};
use wispkey_test_support::unique_name;

fn account() -> AccountRef {
    AccountRef::new("wisp", "did:plc:twowriters00000000000000")
}

async fn store_all(keeper: &TokenKeeper, ids: &[String]) {
    for id in ids {
        keeper
            .store_pasted(&account(), id, &SecretString::new(format!("whsec_{id}")))
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_storing_at_once_lose_no_index_entry() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run through scripts/desktop-session.sh"
    );
    let namespace = unique_name("place.wisp.wispkey.two-writers-test");
    let window = TokenKeeper::new(Vault::new(namespace.clone()));
    let cli = TokenKeeper::new(Vault::new(namespace.clone()));
    // More than a handful, so the index is in buckets for part of the run as well.
    let window_ids: Vec<String> = (0..8).map(|n| format!("window-{n}")).collect();
    let cli_ids: Vec<String> = (0..8).map(|n| format!("cli-{n}")).collect();

    tokio::join!(store_all(&window, &window_ids), store_all(&cli, &cli_ids));

    let listed = TokenKeeper::new(Vault::new(namespace))
        .stored_ids(&account())
        .await
        .unwrap();
    let expected: BTreeSet<String> = window_ids.into_iter().chain(cli_ids).collect();
    let missing: Vec<&String> = expected.difference(&listed).collect();
    assert!(missing.is_empty(), "stored but not listed: {missing:?}");
}

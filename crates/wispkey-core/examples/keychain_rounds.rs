//! Prints what the vault's keychain calls cost against the running Secret Service: the keychain
//! half of a rotate (store the token, read it back, list it in the account's index), one read,
//! and storing one more token with a 10,000-name index. Figures only, nothing asserted (issue
//! #14's "rotate over HTTP rotate + 1 keychain write" and "10,000-name index" rows).
//!
//!     scripts/desktop-session.sh cargo run --release -p wispkey-core --example keychain_rounds
//!
//! Uses a throw-away keychain namespace and deletes what it wrote.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use wispkey_core::AccountRef;
use wispkey_core::secret::SecretString;
use wispkey_core::tokens::TokenKeeper;
use wispkey_core::tokens::item::index_item;
use wispkey_core::vault::Vault;

const ROUNDS: usize = 25;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let vault = Vault::new(format!("place.wisp.wispkey.bench.rounds-{nanos}"));
    let keeper = TokenKeeper::new(vault.clone());
    let account = AccountRef::new("wisp", "did:plc:benchrounds");
    let token = |round: usize| SecretString::new(format!("wsk_{round:04}_{}", "x".repeat(40)));

    let first = Instant::now();
    vault.store("warm-up", &token(0)).unwrap();
    println!(
        "first vault call (opens the connection): {}",
        ms(first.elapsed())
    );

    let mut stores = Vec::new();
    let mut reads = Vec::new();
    let mut kept = Vec::new();
    for round in 0..ROUNDS {
        let started = Instant::now();
        vault.store("one-token", &token(round)).unwrap();
        stores.push(started.elapsed());
        let started = Instant::now();
        vault.read("one-token").unwrap();
        reads.push(started.elapsed());
        // What a rotate does after the answer: the token item, its read-back, the index.
        let started = Instant::now();
        keeper
            .store_pasted(&account, &format!("hook-{}", round % 3), &token(round))
            .await
            .unwrap();
        kept.push(started.elapsed());
    }
    println!("median of {ROUNDS}:");
    println!(
        "  vault store (write + read back):           {}",
        ms(median(stores))
    );
    println!(
        "  vault read:                                {}",
        ms(median(reads))
    );
    println!(
        "  token kept (item + read back + index):     {}",
        ms(median(kept))
    );

    // 10,000 stored copies, as an earlier Wispkey wrote the index: one v1 record.
    let big = AccountRef::new("wisp", "did:plc:benchrounds10k");
    let names: Vec<String> = (0..10_000).map(|i| format!("secret-{i:05}")).collect();
    let index = serde_json::json!({ "version": 1, "names": names }).to_string();
    vault
        .store(&index_item(&big), &SecretString::new(index))
        .unwrap();
    for (what, id) in [("first (may migrate)", "one-more"), ("next", "two-more")] {
        let started = Instant::now();
        keeper.store_pasted(&big, id, &token(1)).await.unwrap();
        println!(
            "  10,000-name index, one more token, {what}: {}",
            ms(started.elapsed())
        );
    }
    let started = Instant::now();
    let listed = keeper.stored_ids(&big).await.unwrap();
    println!(
        "  10,000-name index, badges read ({} names): {}",
        listed.len(),
        ms(started.elapsed())
    );

    // Clean up: every item in the namespace.
    for id in ["one-more", "two-more"] {
        keeper.forget(&big, id).await.unwrap();
    }
    for round in 0..3 {
        keeper
            .forget(&account, &format!("hook-{round}"))
            .await
            .unwrap();
    }
    vault.delete("one-token").unwrap();
    vault.delete("warm-up").unwrap();
    let _ = vault.delete(&index_item(&big));
}

//! How long a full sign-in takes with no human: resolve the handle, PAR, consent, loopback
//! redirect, code exchange, keychain write. Prints each run and the median; asserts nothing.
//!
//! Needs the local stack and a Secret Service, like the tests:
//!
//! ```sh
//! scripts/desktop-session.sh cargo run -p wispkey-atproto --example login_bench -- [RUNS] [--consent api|playwright]
//! ```
//!
//! `api` (default) drives the consent page's own JSON API (stack/consent.mjs --mode api, one Node
//! process per login); `playwright` drives the real page in headless chromium.

use std::time::{Duration, Instant};

use wispkey_atproto::oauth::{
    HandleResolverConfig, IdentityConfig, OAuthConfig, OAuthManager, SignInOptions,
};
use wispkey_core::browser::CommandBrowser;
use wispkey_core::vault::Vault;

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stack {
    plc_url: String,
    pds_url: String,
    wisp_service_did: String,
    accounts: Vec<StackAccount>,
}

#[derive(serde::Deserialize)]
struct StackAccount {
    handle: String,
    password: String,
}

fn fail(message: impl std::fmt::Display) -> ! {
    eprintln!("login_bench: {message}");
    std::process::exit(1)
}

#[tokio::main]
async fn main() {
    let mut runs = 7usize;
    let mut mode = "api".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--consent" => {
                mode = args
                    .next()
                    .unwrap_or_else(|| fail("--consent needs api|playwright"))
            }
            n => {
                runs = n
                    .parse()
                    .unwrap_or_else(|_| fail(format!("not a run count: {n}")))
            }
        }
    }
    if runs == 0 {
        fail("the run count must be at least 1");
    }
    let stack_path = std::env::var("WISPKEY_STACK_JSON").unwrap_or_else(|_| {
        fail("WISPKEY_STACK_JSON is not set: run inside scripts/desktop-session.sh")
    });
    let stack: Stack = std::fs::read_to_string(&stack_path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
        .unwrap_or_else(|e| fail(format!("{stack_path}: {e}")));
    let Some(alice) = stack.accounts.first() else {
        fail("stack.json lists no account")
    };

    let config = OAuthConfig {
        identity: IdentityConfig {
            plc_directory_url: stack.plc_url.clone(),
            handle_resolver: HandleResolverConfig::ViaPds {
                pds_url: stack.pds_url.clone(),
            },
        },
        wisp_service: format!("{}#wisp_xrpc", stack.wisp_service_did),
        ..OAuthConfig::default()
    };
    let vault = Vault::new(format!(
        "place.wisp.wispkey.login-bench.{}",
        std::process::id()
    ));
    let manager = OAuthManager::new(config, vault).unwrap_or_else(|e| fail(e));
    let consent =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../stack/consent-browser.sh");
    let browser = CommandBrowser::from_env()
        .unwrap_or_else(|| CommandBrowser::new(consent))
        .env("WISPKEY_CONSENT_HANDLE", &alice.handle)
        .env("WISPKEY_CONSENT_PASSWORD", &alice.password)
        .env("WISPKEY_CONSENT_MODE", &mode);

    let mut times = Vec::with_capacity(runs);
    for run in 1..=runs {
        let started = Instant::now();
        let account = manager
            .sign_in(
                &alice.handle,
                &browser,
                SignInOptions {
                    timeout: Some(Duration::from_secs(60)),
                    ..SignInOptions::default()
                },
            )
            .await
            .unwrap_or_else(|e| fail(format!("run {run}: {e} ({e:?})")));
        let elapsed = started.elapsed();
        println!("run {run}: {} ms", elapsed.as_millis());
        times.push(elapsed);
        if let Err(e) = manager.sign_out(&account.did).await {
            fail(format!("sign-out after run {run}: {e}"));
        }
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "login_bench: {runs} sign-ins ({mode} consent, {} build): median {} ms, min {} ms, max {} ms",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        median.as_millis(),
        times[0].as_millis(),
        times[times.len() - 1].as_millis()
    );
}

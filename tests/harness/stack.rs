//! What an app under test needs to sign in to the local stack through the real consent page.
//! The stack itself and its accounts come from `wispkey-test-support`.

use std::path::PathBuf;

use wispkey_test_support::{Stack, TestAccount};

use crate::TestResult;

/// Environment for an app that signs in to `stack`: network settings, a keychain namespace of
/// its own, and the consent automation as its "browser", playing `account`.
pub fn app_env(
    stack: &Stack,
    account: &TestAccount,
    keychain: &str,
) -> TestResult<Vec<(String, String)>> {
    let consent = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../stack/consent-browser.sh");
    // The folder must exist before the first sign-in: the automation's output is appended there
    // by the shell, which cannot create it (on a fresh clone nothing has made it yet).
    let logs = crate::artifacts_dir()?.join("e2e");
    std::fs::create_dir_all(&logs)?;
    let log = logs.join(format!("{keychain}-consent.log"));
    Ok(vec![
        ("WISPKEY_PLC_URL".into(), stack.plc_url()?),
        ("WISPKEY_HANDLE_RESOLVER_PDS".into(), stack.pds_url()?),
        ("WISPKEY_WISP_SERVICE_DID".into(), stack.wisp_did()?),
        (
            "WISPKEY_KEYCHAIN_SERVICE".into(),
            format!("place.wisp.wispkey.e2e.{keychain}"),
        ),
        ("WISPKEY_BROWSER".into(), consent.display().to_string()),
        ("WISPKEY_CONSENT_HANDLE".into(), account.handle.clone()),
        ("WISPKEY_CONSENT_PASSWORD".into(), account.password.clone()),
        ("WISPKEY_CONSENT_LOG".into(), log.display().to_string()),
    ])
}

/// Replaces (or adds) one variable in an app environment.
pub fn with_env(mut env: Vec<(String, String)>, key: &str, value: &str) -> Vec<(String, String)> {
    env.retain(|(existing, _)| existing != key);
    env.push((key.to_owned(), value.to_owned()));
    env
}

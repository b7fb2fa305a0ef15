//! The local stack (PLC + reference PDS + wisp service) that `scripts/desktop-session.sh`
//! starts, and what an app under test needs to sign in to it through the real consent page.

use std::path::PathBuf;

use crate::TestResult;

pub struct Stack {
    pub json: serde_json::Value,
}

/// A throw-away account on the local PDS.
pub struct TestAccount {
    pub handle: String,
    pub password: String,
    pub did: String,
}

impl Stack {
    pub fn get() -> TestResult<Stack> {
        let path = std::env::var("WISPKEY_STACK_JSON")
            .map_err(|_| "WISPKEY_STACK_JSON is not set: run the tests through scripts/test.sh")?;
        Ok(Stack {
            json: serde_json::from_str(&std::fs::read_to_string(path)?)?,
        })
    }

    fn field(&self, key: &str) -> TestResult<String> {
        Ok(self.json[key]
            .as_str()
            .ok_or_else(|| format!("stack.json has no {key}"))?
            .to_owned())
    }

    pub async fn fresh_account(&self, label: &str) -> TestResult<TestAccount> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .subsec_nanos();
        let handle = format!("{label}{}x{}.test", std::process::id(), nanos % 1_000_000);
        let password = format!("pw-{handle}");
        let response: serde_json::Value = reqwest::Client::new()
            .post(format!(
                "{}/xrpc/com.atproto.server.createAccount",
                self.field("pdsUrl")?
            ))
            .json(&serde_json::json!({
                "handle": handle,
                "email": format!("{handle}@example.test"),
                "password": password,
            }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let did = response["did"].as_str().ok_or("no did")?.to_owned();
        Ok(TestAccount {
            handle,
            password,
            did,
        })
    }

    /// Environment for an app that signs in to this stack: network settings, a keychain
    /// namespace of its own, and the consent automation as its "browser", playing `account`.
    pub fn app_env(
        &self,
        account: &TestAccount,
        keychain: &str,
    ) -> TestResult<Vec<(String, String)>> {
        let consent = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../stack/consent-browser.sh");
        let log = crate::artifacts_dir()?
            .join("e2e")
            .join(format!("{keychain}-consent.log"));
        Ok(vec![
            ("WISPKEY_PLC_URL".into(), self.field("plcUrl")?),
            ("WISPKEY_HANDLE_RESOLVER_PDS".into(), self.field("pdsUrl")?),
            (
                "WISPKEY_WISP_SERVICE_DID".into(),
                self.field("wispServiceDid")?,
            ),
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
}

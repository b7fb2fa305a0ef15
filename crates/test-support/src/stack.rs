//! The local stack that `scripts/desktop-session.sh` starts, described by the JSON file named in
//! `WISPKEY_STACK_JSON`, and fresh accounts on its PDS.

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

use crate::Result;

pub const STACK_ENV: &str = "WISPKEY_STACK_JSON";

pub struct Stack {
    pub json: Value,
}

/// A throw-away account on the local PDS, so tests never see each other's secrets.
#[derive(Debug, Clone)]
pub struct TestAccount {
    pub handle: String,
    pub password: String,
    pub did: String,
}

impl Stack {
    /// The running stack. An error (never a skip) when the tests run outside the harness.
    pub fn get() -> Result<Stack> {
        let path = std::env::var(STACK_ENV).map_err(|_| {
            format!(
                "{STACK_ENV} is not set. These tests use the real local PDS: run them through \
                 scripts/test.sh or scripts/desktop-session.sh (which start the stack, a D-Bus \
                 session and an unlocked gnome-keyring), e.g.\n  \
                 scripts/desktop-session.sh cargo nextest run -p wispkey-atproto\n\
                 or start the stack yourself (scripts/stack.sh start --dir DIR) and set \
                 {STACK_ENV}=DIR/stack.json inside a D-Bus session with an unlocked gnome-keyring."
            )
        })?;
        let text = std::fs::read_to_string(&path)
            .map_err(|error| format!("cannot read {STACK_ENV}={path}: {error}"))?;
        Ok(Stack {
            json: serde_json::from_str(&text)
                .map_err(|error| format!("{STACK_ENV}={path} is not JSON: {error}"))?,
        })
    }

    pub fn field(&self, key: &str) -> Result<String> {
        crate::text_field(&self.json, key, "stack.json")
    }

    pub fn pds_url(&self) -> Result<String> {
        self.field("pdsUrl")
    }

    pub fn plc_url(&self) -> Result<String> {
        self.field("plcUrl")
    }

    pub fn wisp_did(&self) -> Result<String> {
        self.field("wispServiceDid")
    }

    /// The shared wisp-service's test-control base URL (`…/_test`).
    pub fn wisp_control(&self) -> Result<String> {
        self.field("wispTestControl")
    }

    /// The stack's local Phala Cloud service (`phalaUrl`).
    pub fn phala_url(&self) -> Result<String> {
        self.field("phalaUrl")
    }

    /// The shared phala-service's test control (`phalaTestControl`, `…/_test`).
    pub fn phala_control(&self) -> Result<crate::PhalaControl> {
        Ok(crate::PhalaControl {
            url: self.field("phalaTestControl")?,
        })
    }

    /// The demo workspace the stack seeded (`phalaDemo`).
    pub fn phala_demo(&self) -> Result<crate::PhalaWorkspace> {
        crate::PhalaWorkspace::from_json(&self.json["phalaDemo"], "stack.json's phalaDemo")
    }

    /// The stack's local Slate service (`slateUrl`).
    pub fn slate_url(&self) -> Result<String> {
        self.field("slateUrl")
    }

    /// The shared slate-service's test control (`slateTestControl`, `…/_test`).
    pub fn slate_control(&self) -> Result<crate::SlateControl> {
        Ok(crate::SlateControl {
            url: self.field("slateTestControl")?,
        })
    }

    /// The demo staff users the stack seeded (`slateDemo`).
    pub fn slate_demo(&self) -> Result<crate::SlateDemo> {
        crate::SlateDemo::from_json(&self.json["slateDemo"], "stack.json's slateDemo")
    }

    /// One of the accounts the stack made at start (`accounts` in stack.json), by handle.
    pub fn account(&self, handle: &str) -> Result<TestAccount> {
        let accounts = self.json["accounts"]
            .as_array()
            .ok_or("stack.json has no accounts")?;
        let account = accounts
            .iter()
            .find(|account| account["handle"] == handle)
            .ok_or_else(|| format!("stack.json has no account {handle}"))?;
        let whose = format!("stack.json's account {handle}");
        Ok(TestAccount {
            handle: crate::text_field(account, "handle", &whose)?,
            password: crate::text_field(account, "password", &whose)?,
            did: crate::text_field(account, "did", &whose)?,
        })
    }

    /// A brand-new account whose handle starts with `label` (letters and digits; only its first
    /// five are kept, because the PDS refuses a first handle segment longer than 18 characters).
    pub async fn fresh_account(&self, label: &str) -> Result<TestAccount> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .subsec_nanos();
        let label: String = label.chars().take(5).collect();
        let handle = format!(
            "{label}{}x{}x{}.test",
            std::process::id() % 100_000,
            nanos % 10_000,
            COUNTER.fetch_add(1, Ordering::Relaxed) % 100
        );
        let password = format!("pw-{handle}-long-enough");
        let response = reqwest::Client::new()
            .post(format!(
                "{}/xrpc/com.atproto.server.createAccount",
                self.pds_url()?
            ))
            .json(&serde_json::json!({
                "handle": handle,
                "email": format!("{handle}@example.test"),
                "password": password,
            }))
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(format!("createAccount: {}", response.text().await?).into());
        }
        let answer: Value = response.json().await?;
        let did = answer["did"].as_str().ok_or("createAccount gave no did")?;
        Ok(TestAccount {
            did: did.to_owned(),
            handle,
            password,
        })
    }

    /// What a real delivery of `body`, signed with the secret's *current* token, would carry
    /// (asks the service through its test control at `control`).
    pub async fn delivery_signature(
        &self,
        control: &str,
        did: &str,
        name: &str,
        body: &str,
    ) -> Result<String> {
        let response: Value = reqwest::Client::new()
            .post(format!("{control}/sign"))
            .json(&serde_json::json!({ "did": did, "name": name, "body": body }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(response["signature"]
            .as_str()
            .ok_or("the sign control gave no signature")?
            .to_owned())
    }

    /// An app-password-style access token for `account` (`createSession`), for acting as the
    /// user from another client: writing records, calling the wisp service through the proxy.
    pub async fn access_token(&self, account: &TestAccount) -> Result<String> {
        let session: Value = reqwest::Client::new()
            .post(format!(
                "{}/xrpc/com.atproto.server.createSession",
                self.pds_url()?
            ))
            .json(&serde_json::json!({
                "identifier": account.handle,
                "password": account.password,
            }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(session["accessJwt"]
            .as_str()
            .ok_or("createSession gave no accessJwt")?
            .to_owned())
    }

    /// Writes `record` into `account`'s repo, as another client of the same user would.
    pub async fn create_record(
        &self,
        account: &TestAccount,
        collection: &str,
        record: Value,
    ) -> Result {
        let response = reqwest::Client::new()
            .post(format!(
                "{}/xrpc/com.atproto.repo.createRecord",
                self.pds_url()?
            ))
            .bearer_auth(self.access_token(account).await?)
            .json(&serde_json::json!({
                "repo": account.did,
                "collection": collection,
                "record": record,
            }))
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(format!("createRecord: {}", response.text().await?).into());
        }
        Ok(())
    }

    /// Writes `record` at `collection`/`rkey` in `account`'s repo (create or replace), as
    /// another client of the same user would.
    pub async fn put_record(
        &self,
        account: &TestAccount,
        collection: &str,
        rkey: &str,
        record: Value,
    ) -> Result {
        let response = reqwest::Client::new()
            .post(format!(
                "{}/xrpc/com.atproto.repo.putRecord",
                self.pds_url()?
            ))
            .bearer_auth(self.access_token(account).await?)
            .json(&serde_json::json!({
                "repo": account.did,
                "collection": collection,
                "rkey": rkey,
                "record": record,
            }))
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(format!("putRecord: {}", response.text().await?).into());
        }
        Ok(())
    }

    /// Asks the wisp service behind `control` to deliver one event for webhook record `rkey`
    /// of `did` now, signed with the secret the record names (`{delivered, status, secretId}`).
    pub async fn deliver(&self, control: &str, did: &str, rkey: &str) -> Result<Value> {
        Ok(reqwest::Client::new()
            .post(format!("{control}/deliver"))
            .json(&serde_json::json!({ "did": did, "rkey": rkey }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }

    /// Creates secret `name` through the PDS proxy as `account`, behind any app's back, and
    /// returns the token the service issued.
    pub async fn create_secret_elsewhere(
        &self,
        account: &TestAccount,
        name: &str,
    ) -> Result<String> {
        let created: Value = reqwest::Client::new()
            .post(format!(
                "{}/xrpc/place.wisp.v2.secret.create",
                self.pds_url()?
            ))
            .bearer_auth(self.access_token(account).await?)
            .header("atproto-proxy", format!("{}#wisp_xrpc", self.wisp_did()?))
            .json(&serde_json::json!({ "name": name }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(created["token"]
            .as_str()
            .ok_or("create gave no token")?
            .to_owned())
    }

    /// Rotates `name` through the PDS proxy as another client would (the provider's own
    /// dashboard, another machine); returns the new token.
    pub async fn rotate_secret_elsewhere(
        &self,
        account: &TestAccount,
        name: &str,
    ) -> Result<String> {
        let rotated: Value = reqwest::Client::new()
            .post(format!(
                "{}/xrpc/place.wisp.v2.secret.rotate",
                self.pds_url()?
            ))
            .bearer_auth(self.access_token(account).await?)
            .header("atproto-proxy", format!("{}#wisp_xrpc", self.wisp_did()?))
            .json(&serde_json::json!({ "name": name }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(rotated["token"]
            .as_str()
            .ok_or("rotate gave no token")?
            .to_owned())
    }
}

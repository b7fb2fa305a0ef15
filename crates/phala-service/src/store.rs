//! Workspaces, their webhooks and past deliveries, kept in memory and in a
//! JSON state file.
//!
//! Every change is written to disk first (temp file + fsync + rename) and only
//! then applied in memory, so a failed write leaves both exactly as they were.
//! The state file holds API keys, TOTP secrets and webhook secrets in the
//! clear: it is a test fixture, written owner-only (0600).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use service_kit::state_file;

use crate::{Error, ids, totp};

const STATE_VERSION: u32 = 1;
/// Deliveries kept per webhook (oldest dropped first).
const MAX_DELIVERIES: usize = 200;

/// One past (test) delivery, as the deliveries list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// `evt_...` (also the `X-Webhook-Id` header).
    pub id: String,
    /// The event name (`X-Webhook-Event`).
    pub event: String,
    /// Always `"success"` here: the service signs, it does not send.
    pub status: String,
    /// RFC 3339.
    pub created_at: String,
}

/// One webhook as stored (`secret` never appears in a list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    /// `wh_...`
    pub id: String,
    /// Receiver URL.
    pub url: String,
    /// Subscribed events.
    pub events: Vec<String>,
    /// Whether deliveries are sent.
    pub enabled: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339 of the last rotation, if any.
    pub secret_rotated_at: Option<String>,
    /// The current `whsec_...` secret.
    pub secret: String,
    /// Newest last.
    #[serde(default)]
    pub deliveries: Vec<Delivery>,
}

/// What `GET /api/v1/workspace/webhooks` shows for one webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WebhookSummary {
    /// `wh_...`
    pub id: String,
    /// Receiver URL.
    pub url: String,
    /// Subscribed events.
    pub events: Vec<String>,
    /// Whether deliveries are sent.
    pub enabled: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339 or `null`.
    pub secret_rotated_at: Option<String>,
}

impl From<&Webhook> for WebhookSummary {
    fn from(w: &Webhook) -> Self {
        Self {
            id: w.id.clone(),
            url: w.url.clone(),
            events: w.events.clone(),
            enabled: w.enabled,
            created_at: w.created_at.clone(),
            secret_rotated_at: w.secret_rotated_at.clone(),
        }
    }
}

/// One workspace (= one demo account): its API key, TOTP secret and webhooks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    /// `ws_...`
    pub id: String,
    /// Display name.
    pub name: String,
    /// `phak_...`
    pub api_key: String,
    /// Base32 TOTP secret of the account's authenticator.
    pub totp_secret: String,
    /// TOTP steps whose code was already accepted (replay protection); only
    /// steps that can still be inside the ±1 window are kept.
    #[serde(default)]
    pub used_totp_steps: Vec<u64>,
    /// Oldest first.
    #[serde(default)]
    pub webhooks: Vec<Webhook>,
}

#[derive(Serialize, Deserialize)]
struct StateFile {
    version: u32,
    workspaces: Vec<Workspace>,
}

/// Every workspace, in creation order.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    workspaces: Vec<Workspace>,
}

impl Store {
    /// Loads `path`, or starts empty when it does not exist yet.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let workspaces = match state_file::read::<StateFile>(path).map_err(Error::Config)? {
            Some(state) if state.version != STATE_VERSION => {
                return Err(Error::Config(format!(
                    "state file {} has unsupported version {}",
                    path.display(),
                    state.version
                )));
            }
            Some(state) => state.workspaces,
            None => Vec::new(),
        };
        Ok(Self {
            path: path.to_owned(),
            workspaces,
        })
    }

    /// The workspace an API key belongs to.
    pub fn by_api_key(&self, api_key: &str) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| w.api_key == api_key)
    }

    /// A workspace by id.
    pub fn workspace(&self, id: &str) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| w.id == id)
    }

    /// The first workspace named `name`.
    pub fn by_name(&self, name: &str) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| w.name == name)
    }

    /// A webhook of one workspace.
    pub fn webhook(&self, workspace_id: &str, webhook_id: &str) -> Option<&Webhook> {
        self.workspace(workspace_id)?
            .webhooks
            .iter()
            .find(|h| h.id == webhook_id)
    }

    /// A webhook of any workspace (test control).
    pub fn any_webhook(&self, webhook_id: &str) -> Option<&Webhook> {
        self.workspaces
            .iter()
            .flat_map(|w| &w.webhooks)
            .find(|h| h.id == webhook_id)
    }

    /// A new workspace with a fresh API key and TOTP secret.
    pub async fn create_workspace(&mut self, name: &str) -> Result<Workspace, Error> {
        let workspace = Workspace {
            id: ids::workspace_id()?,
            name: name.to_owned(),
            api_key: ids::api_key()?,
            totp_secret: totp::generate_secret()?,
            used_totp_steps: Vec::new(),
            webhooks: Vec::new(),
        };
        let mut next = self.workspaces.clone();
        next.push(workspace.clone());
        self.commit(next).await?;
        Ok(workspace)
    }

    /// A new webhook with a fresh id and secret.
    pub async fn add_webhook(
        &mut self,
        workspace_id: &str,
        url: &str,
        events: Vec<String>,
        enabled: bool,
        created_at: String,
    ) -> Result<Webhook, Error> {
        let webhook = Webhook {
            id: ids::webhook_id()?,
            url: url.to_owned(),
            events,
            enabled,
            created_at,
            secret_rotated_at: None,
            secret: ids::webhook_secret()?,
            deliveries: Vec::new(),
        };
        let mut next = self.workspaces.clone();
        let workspace = next
            .iter_mut()
            .find(|w| w.id == workspace_id)
            .ok_or(Error::WorkspaceNotFound)?;
        workspace.webhooks.push(webhook.clone());
        self.commit(next).await?;
        Ok(webhook)
    }

    /// Replaces a webhook's secret (the old one stops working at once) and
    /// marks TOTP step `step` used, in one write. A step already used is
    /// refused (`TwoFactorInvalid`) and nothing changes.
    pub async fn rotate(
        &mut self,
        workspace_id: &str,
        webhook_id: &str,
        step: u64,
        secret: String,
        rotated_at: String,
    ) -> Result<(), Error> {
        let mut next = self.workspaces.clone();
        let workspace = next
            .iter_mut()
            .find(|w| w.id == workspace_id)
            .ok_or(Error::WorkspaceNotFound)?;
        if workspace.used_totp_steps.contains(&step) {
            return Err(Error::TwoFactorInvalid);
        }
        // Steps older than step-2 can never be inside a ±1 window again.
        workspace
            .used_totp_steps
            .retain(|&s| s + 2 >= step && s <= step + 2);
        workspace.used_totp_steps.push(step);
        let webhook = workspace
            .webhooks
            .iter_mut()
            .find(|h| h.id == webhook_id)
            .ok_or(Error::WebhookNotFound)?;
        webhook.secret = secret;
        webhook.secret_rotated_at = Some(rotated_at);
        self.commit(next).await
    }

    /// Appends a delivery to a webhook's history.
    pub async fn record_delivery(
        &mut self,
        webhook_id: &str,
        delivery: Delivery,
    ) -> Result<(), Error> {
        let mut next = self.workspaces.clone();
        let webhook = next
            .iter_mut()
            .flat_map(|w| w.webhooks.iter_mut())
            .find(|h| h.id == webhook_id)
            .ok_or(Error::WebhookNotFound)?;
        webhook.deliveries.push(delivery);
        if webhook.deliveries.len() > MAX_DELIVERIES {
            let excess = webhook.deliveries.len() - MAX_DELIVERIES;
            webhook.deliveries.drain(..excess);
        }
        self.commit(next).await
    }

    async fn commit(&mut self, next: Vec<Workspace>) -> Result<(), Error> {
        let state = StateFile {
            version: STATE_VERSION,
            workspaces: next,
        };
        let target = self.path.clone();
        state_file::write_json(target, &state)
            .await
            .map_err(Error::Storage)?;
        // Disk has the new state; only now does memory follow.
        self.workspaces = state.workspaces;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::fs;

    use super::*;

    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("state.json")).unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn everything_survives_a_reopen() {
        let (dir, mut store) = temp_store();
        let ws = store.create_workspace("a").await.unwrap();
        let hook = store
            .add_webhook(
                &ws.id,
                "https://x.test/h",
                vec!["cvm.created".into()],
                true,
                "t".into(),
            )
            .await
            .unwrap();
        let reopened = Store::open(&dir.path().join("state.json")).unwrap();
        assert_eq!(reopened.by_api_key(&ws.api_key).unwrap().id, ws.id);
        assert_eq!(reopened.webhook(&ws.id, &hook.id).unwrap(), &hook);
    }

    #[tokio::test]
    async fn a_rotation_replaces_the_secret_and_burns_the_step() {
        let (_dir, mut store) = temp_store();
        let ws = store.create_workspace("a").await.unwrap();
        let hook = store
            .add_webhook(&ws.id, "https://x.test/h", vec![], true, "t".into())
            .await
            .unwrap();
        store
            .rotate(&ws.id, &hook.id, 100, "whsec_new".into(), "r".into())
            .await
            .unwrap();
        let now = store.webhook(&ws.id, &hook.id).unwrap();
        assert_eq!(now.secret, "whsec_new");
        assert_eq!(now.secret_rotated_at.as_deref(), Some("r"));
        assert!(matches!(
            store
                .rotate(&ws.id, &hook.id, 100, "whsec_other".into(), "r2".into())
                .await,
            Err(Error::TwoFactorInvalid)
        ));
        assert_eq!(store.webhook(&ws.id, &hook.id).unwrap().secret, "whsec_new");
        store
            .rotate(&ws.id, &hook.id, 101, "whsec_3".into(), "r3".into())
            .await
            .unwrap();
        // Far-away steps are forgotten, so the list stays short.
        store
            .rotate(&ws.id, &hook.id, 200, "whsec_4".into(), "r4".into())
            .await
            .unwrap();
        assert_eq!(store.workspace(&ws.id).unwrap().used_totp_steps, [200]);
    }

    #[tokio::test]
    async fn an_unknown_webhook_changes_nothing() {
        let (_dir, mut store) = temp_store();
        let ws = store.create_workspace("a").await.unwrap();
        assert!(matches!(
            store
                .rotate(&ws.id, "wh_missing", 1, "s".into(), "r".into())
                .await,
            Err(Error::WebhookNotFound)
        ));
        assert!(store.workspace(&ws.id).unwrap().used_totp_steps.is_empty());
    }

    #[test]
    fn a_corrupt_state_file_is_a_start_up_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, b"{not json").unwrap();
        assert!(matches!(Store::open(&path), Err(Error::Config(_))));
    }

    #[test]
    fn summaries_show_null_until_the_first_rotation_and_never_the_secret() {
        let hook = Webhook {
            id: "wh_abcdef".into(),
            url: "u".into(),
            events: vec!["e".into()],
            enabled: true,
            created_at: "c".into(),
            secret_rotated_at: None,
            secret: "whsec_x".into(),
            deliveries: vec![],
        };
        let text = serde_json::to_string(&WebhookSummary::from(&hook)).unwrap();
        assert_eq!(
            text,
            r#"{"id":"wh_abcdef","url":"u","events":["e"],"enabled":true,"created_at":"c","secret_rotated_at":null}"#
        );
    }
}

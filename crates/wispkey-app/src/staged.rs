//! Staged rotation, driven for the window and the CLI alike (the state machine and its file are
//! `wispkey_core::staged`). Every function here is one confirmed act of the user; each saves the
//! state before and after it talks to the provider, so a crash or a failure leaves a state the
//! next start resumes from, with every webhook on the old or the new secret. Each step that
//! reads and saves the progress holds the store's lock throughout (the window and the CLI may
//! both be open), so two processes never advance the same rotation from the same state.

use chrono::Utc;
use serde::Serialize;

use wispkey_core::error::{Error, Result};
use wispkey_core::history::{HistoryOperation, NewEntry};
use wispkey_core::provider::{SecretProvider, Webhook};
use wispkey_core::staged::{
    ReceiverCheck, ReceiverOutcome, StagedRotation, StagedStep, StagedWebhook, derived_name,
};
use wispkey_core::tokens::Issued;
use wispkey_core::{AccountRef, Operation};

use crate::app::App;
use crate::receiver::ReceiverTestResult;

/// A staged rotation with what was just read about it: what the window's panel and
/// `wispkey stage status` show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StagedStatus {
    pub rotation: StagedRotation,
    /// The next act, in words.
    pub next_step: String,
    /// Every webhook that names the old secret now (chosen or not).
    pub on_old: Vec<Webhook>,
    /// Every webhook that names the new secret now.
    pub on_new: Vec<Webhook>,
    /// This machine's keychain holds the new secret's token (to paste into the receiver).
    pub new_token_stored: bool,
    /// The switch is verified and no webhook names the old secret: delete may be offered.
    pub can_delete_old: bool,
}

/// How a staged rotation ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StagedFinish {
    pub old_deleted: bool,
    /// The old secret's stored copy was removed from this machine's keychain too.
    pub old_local_copy_removed: bool,
}

impl App {
    /// The staged rotation's secrets API: only for providers whose descriptor offers it.
    async fn staged_provider(
        &self,
        account: &AccountRef,
    ) -> Result<std::sync::Arc<dyn SecretProvider>> {
        let descriptor = self.descriptor_of(account)?;
        if !descriptor.staged_rotation {
            return Err(Error::StagedRotationUnsupported {
                provider: descriptor.label,
            });
        }
        self.opened_provider(account, Operation::Create).await
    }

    fn staged_get(&self, account: &AccountRef, old_id: &str) -> Result<StagedRotation> {
        self.staged_store()
            .get(account, old_id)?
            .ok_or_else(|| Error::StagedRotationMissing {
                name: old_id.to_owned(),
            })
    }

    /// The account's staged rotations in progress (from the file; no network).
    pub fn staged_rotations(&self, account: &AccountRef) -> Result<Vec<StagedRotation>> {
        self.staged_store().for_account(account)
    }

    /// A name for the new secret, derived from the old one and free in the last list.
    pub async fn staged_suggested_name(
        &self,
        account: &AccountRef,
        old_id: &str,
    ) -> Result<String> {
        let descriptor = self.descriptor_of(account)?;
        let old_name = self.secret_name(account, old_id).await?;
        let taken: Vec<String> = self
            .list_secrets(account)
            .await?
            .into_iter()
            .map(|row| row.name)
            .collect();
        let max = descriptor
            .name_rule
            .map_or(64, |rule| rule.max_length as usize);
        Ok(derived_name(&old_name, max, &taken))
    }

    /// Step 1: creates the new secret through the ordinary create path (stored and read back
    /// before the copy-once dialog shows it). The intent is saved first, so a crash or a lost
    /// answer is found again by [`App::staged_status`].
    pub async fn staged_start(
        &self,
        account: &AccountRef,
        old_id: &str,
        new_name: &str,
    ) -> Result<(Issued, StagedRotation)> {
        self.staged_provider(account).await?;
        let _step = self.staged_store().lock().await?;
        let old_name = self.secret_name(account, old_id).await?;
        if let Some(existing) = self.staged_store().get(account, old_id)? {
            // A start that never got its answer may be started again if nothing was created.
            let unanswered = existing.step == StagedStep::Creating
                && !self.secret_exists(account, &existing.new_name).await?;
            if !unanswered {
                return Err(Error::StagedStepNotReady {
                    reason: format!(
                        "A staged rotation of \"{old_name}\" is already in progress (to \
                         \"{}\"). Continue it or cancel it first.",
                        existing.new_name
                    ),
                });
            }
        }
        let mut rotation =
            StagedRotation::begin(account.clone(), old_id, &old_name, new_name, Utc::now());
        self.staged_store().put(&rotation)?;
        match self.create_secret(account, new_name).await {
            Ok(issued) => {
                rotation.created(&issued.id, Utc::now())?;
                self.staged_store().put(&rotation)?;
                Ok((issued, rotation))
            }
            Err(error @ Error::OutcomeUnknown { .. }) => {
                rotation.failed(error.to_string(), Utc::now());
                self.staged_store().put(&rotation)?;
                Err(error)
            }
            Err(error) => {
                // A definite refusal created nothing: nothing to resume.
                self.staged_store().remove(account, old_id)?;
                Err(error)
            }
        }
    }

    async fn secret_exists(&self, account: &AccountRef, name: &str) -> Result<bool> {
        Ok(self
            .list_secrets(account)
            .await?
            .iter()
            .any(|row| row.name == name))
    }

    /// Where the rotation stands, with the webhooks read fresh. A rotation left at "creating"
    /// (crash, lost answer) is settled here from the list.
    pub async fn staged_status(&self, account: &AccountRef, old_id: &str) -> Result<StagedStatus> {
        let provider = self.staged_provider(account).await?;
        let _step = self.staged_store().lock().await?;
        let mut rotation = self.staged_get(account, old_id)?;
        if rotation.step == StagedStep::Creating {
            let rows = self.list_secrets(account).await?;
            if let Some(row) = rows.iter().find(|row| row.name == rotation.new_name) {
                rotation.created(&row.id, Utc::now())?;
                self.staged_store().put(&rotation)?;
            }
        }
        let webhooks = provider.webhooks().await?;
        let stored = self.tokens().stored_ids(account).await.unwrap_or_default();
        let named = |id: &str| -> Vec<Webhook> {
            webhooks
                .iter()
                .filter(|webhook| webhook.secret_id.as_deref() == Some(id))
                .cloned()
                .collect()
        };
        Ok(StagedStatus {
            next_step: rotation.next_step().to_owned(),
            on_old: named(&rotation.old_id),
            on_new: named(&rotation.new_id),
            new_token_stored: stored.contains(&rotation.new_id),
            can_delete_old: rotation.ready_to_delete_old(&webhooks).is_ok(),
            rotation,
        })
    }

    /// Step 2: the user confirms the receiver accepts the new secret beside the old one.
    pub async fn staged_deployed(
        &self,
        account: &AccountRef,
        old_id: &str,
    ) -> Result<StagedRotation> {
        let _step = self.staged_store().lock().await?;
        let mut rotation = self.staged_get(account, old_id)?;
        rotation.deployed(Utc::now())?;
        self.staged_store().put(&rotation)?;
        Ok(rotation)
    }

    /// Step 3: records how the receiver answered a test delivery signed with the new secret
    /// (or that the user vouches for it).
    pub async fn staged_tested(
        &self,
        account: &AccountRef,
        old_id: &str,
        check: ReceiverCheck,
    ) -> Result<StagedRotation> {
        let _step = self.staged_store().lock().await?;
        self.record_tested(account, old_id, check)
    }

    /// Saves the receiver's answer; the caller holds the step's lock.
    fn record_tested(
        &self,
        account: &AccountRef,
        old_id: &str,
        check: ReceiverCheck,
    ) -> Result<StagedRotation> {
        let mut rotation = self.staged_get(account, old_id)?;
        rotation.tested(check, Utc::now())?;
        self.staged_store().put(&rotation)?;
        Ok(rotation)
    }

    /// Step 3 by test delivery: ONE marked test delivery signed with the NEW secret's stored
    /// token to `url` (the receiver test, recorded in the history); a 2xx answer moves the
    /// rotation on, any other status sends it back to "deploy".
    pub async fn staged_test_receiver(
        &self,
        account: &AccountRef,
        old_id: &str,
        url: &str,
    ) -> Result<(ReceiverTestResult, StagedRotation)> {
        let _step = self.staged_store().lock().await?;
        let rotation = self.staged_get(account, old_id)?;
        if matches!(rotation.step, StagedStep::Creating | StagedStep::Created) {
            return Err(Error::StagedStepNotReady {
                reason: "Deploy the new secret to your receiver first, then test it.".into(),
            });
        }
        let result = self.test_receiver(account, &rotation.new_id, url).await?;
        let check = ReceiverCheck {
            outcome: if result.accepted {
                ReceiverOutcome::Accepted
            } else {
                ReceiverOutcome::Refused
            },
            url: Some(result.origin.clone()),
            status: Some(result.status),
            at: Utc::now(),
        };
        let rotation = self.record_tested(account, old_id, check)?;
        Ok((result, rotation))
    }

    /// Step 4: switches webhooks to the new secret, one at a time, saving after each. The first
    /// call fixes the choice (`chosen` ids; `None`: every webhook on the old secret); later
    /// calls continue it. `at_most` stops after that many writes (one click per webhook).
    /// A failure stops the switch where it is: the ones done name the new secret, the rest
    /// the old, and both secrets still exist.
    pub async fn staged_switch(
        &self,
        account: &AccountRef,
        old_id: &str,
        chosen: Option<&[String]>,
        at_most: Option<usize>,
        mut on_switched: impl FnMut(&StagedWebhook),
    ) -> Result<StagedRotation> {
        let provider = self.staged_provider(account).await?;
        let _step = self.staged_store().lock().await?;
        let mut rotation = self.staged_get(account, old_id)?;
        let current = provider.webhooks().await?;
        if rotation.step == StagedStep::Tested {
            let on_old = rotation.still_on_old(&current);
            let picked: Vec<Webhook> = match chosen {
                None => on_old.into_iter().cloned().collect(),
                Some(ids) => {
                    let mut picked = Vec::new();
                    for id in ids {
                        let webhook =
                            on_old
                                .iter()
                                .find(|webhook| &webhook.id == id)
                                .ok_or_else(|| Error::StagedStepNotReady {
                                    reason: format!(
                                        "{id} is not a webhook that uses \"{}\" now. Check the \
                                     status and choose again.",
                                        rotation.old_name
                                    ),
                                })?;
                        picked.push((*webhook).clone());
                    }
                    picked
                }
            };
            rotation.choose(&picked, Utc::now())?;
            self.staged_store().put(&rotation)?;
        } else if !matches!(rotation.step, StagedStep::Switching | StagedStep::Switched) {
            // Deployed-but-untested and the rest: the state machine says what comes first.
            rotation.choose(&[], Utc::now())?;
        }
        rotation.reconcile(&current);
        self.staged_store().put(&rotation)?;

        let pending: Vec<StagedWebhook> = rotation.pending().into_iter().cloned().collect();
        let limit = at_most.unwrap_or(usize::MAX);
        for webhook in pending.iter().take(limit) {
            let switched = provider
                .switch_webhook(&webhook.id, &rotation.old_id, &rotation.new_id)
                .await;
            match switched {
                Ok(()) => {
                    rotation.switched(&webhook.id, Utc::now())?;
                    self.staged_store().put(&rotation)?;
                    self.record_switch(&rotation, webhook, &Ok(()));
                    on_switched(webhook);
                }
                Err(error) => {
                    rotation.failed(error.to_string(), Utc::now());
                    self.staged_store().put(&rotation)?;
                    let failed: Result<()> = Err(error);
                    self.record_switch(&rotation, webhook, &failed);
                    return failed.map(|()| rotation);
                }
            }
        }
        if !rotation.pending().is_empty() {
            return Ok(rotation);
        }
        // Verified by reading the webhooks again, not by trusting the writes.
        let current = provider.webhooks().await?;
        let verified = rotation.verify(&current, Utc::now());
        self.staged_store().put(&rotation)?;
        verified.map(|()| rotation)
    }

    /// Step 5: ends the rotation. With `delete_old_confirmed` (the old secret's name, typed),
    /// deletes the old secret through the ordinary delete path — only after the switch was
    /// verified and a fresh read shows no webhook naming it. Without, keeps it.
    pub async fn staged_finish(
        &self,
        account: &AccountRef,
        old_id: &str,
        delete_old_confirmed: Option<&str>,
    ) -> Result<StagedFinish> {
        let provider = self.staged_provider(account).await?;
        let _step = self.staged_store().lock().await?;
        let mut rotation = self.staged_get(account, old_id)?;
        let Some(confirm_name) = delete_old_confirmed else {
            if rotation.step != StagedStep::Switched {
                return Err(Error::StagedStepNotReady {
                    reason: "The switch is not finished yet. Continue it, or cancel the staged \
                             rotation."
                        .into(),
                });
            }
            self.staged_store().remove(account, old_id)?;
            return Ok(StagedFinish {
                old_deleted: false,
                old_local_copy_removed: false,
            });
        };
        let current = provider.webhooks().await?;
        rotation.ready_to_delete_old(&current)?;
        match self
            .delete_secret(account, old_id, confirm_name, true)
            .await
        {
            Ok(removed) => {
                self.staged_store().remove(account, old_id)?;
                Ok(StagedFinish {
                    old_deleted: true,
                    old_local_copy_removed: removed,
                })
            }
            Err(error) => {
                if !matches!(error, Error::NameNotConfirmed { .. }) {
                    rotation.failed(error.to_string(), Utc::now());
                    self.staged_store().put(&rotation)?;
                }
                Err(error)
            }
        }
    }

    /// One history line per webhook switch (its address and the secrets, never a value). The
    /// history never stands in the way: the switch happened whether or not the line was written.
    fn record_switch(
        &self,
        rotation: &StagedRotation,
        webhook: &StagedWebhook,
        result: &Result<()>,
    ) {
        let entry = NewEntry::new(
            &rotation.account,
            Some(&rotation.old_id),
            HistoryOperation::WebhookSwitch,
        )
        .outcome_of(result)
        .note(format!(
            "{} from {} to {}",
            webhook.url, rotation.old_name, rotation.new_name
        ));
        let _ = self.record(entry);
    }

    /// Stops tracking the rotation. Nothing is deleted or written: both secrets stay, and each
    /// webhook keeps the secret it names now (the returned state says which).
    pub async fn staged_cancel(
        &self,
        account: &AccountRef,
        old_id: &str,
    ) -> Result<StagedRotation> {
        let _step = self.staged_store().lock().await?;
        let rotation = self.staged_get(account, old_id)?;
        self.staged_store().remove(account, old_id)?;
        Ok(rotation)
    }
}

//! The staged rotation's state and its transitions. Pure: no I/O, so every step, every refusal
//! and every restart point is checked by the unit tests below.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::account::AccountRef;
use crate::error::{Error, Result};
use crate::provider::Webhook;

/// Where a staged rotation stands. Each step is reached by one confirmed act of the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum StagedStep {
    /// The new secret was asked for; no answer recorded yet (a restart here checks the list).
    Creating,
    /// The new secret exists and its token was stored and shown once.
    Created,
    /// The user says the receiver now accepts the new secret beside the old one.
    Deployed,
    /// The receiver accepted a test delivery signed with the new secret (or the user vouched).
    Tested,
    /// Webhooks are being moved to the new secret, one at a time.
    Switching,
    /// Every chosen webhook was re-read and names the new secret.
    Switched,
}

/// How the receiver answered a test delivery signed with the new secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ReceiverOutcome {
    Accepted,
    Refused,
    /// The user confirmed they tested the receiver some other way.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ReceiverCheck {
    pub outcome: ReceiverOutcome,
    /// Where the test delivery went (none when skipped).
    pub url: Option<String>,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: DateTime<Utc>,
}

impl ReceiverCheck {
    /// The user confirms they tested the receiver with the new secret themselves.
    pub fn vouched() -> ReceiverCheck {
        ReceiverCheck {
            outcome: ReceiverOutcome::Skipped,
            url: None,
            status: None,
            at: Utc::now(),
        }
    }
}

/// One webhook the user chose to move to the new secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StagedWebhook {
    /// The provider's id for it (wisp.place: the record's at:// URI).
    pub id: String,
    pub url: String,
    /// True once it was written and re-read naming the new secret.
    pub switched: bool,
}

/// One staged rotation: which secret is replaced by which, and how far it got. Holds ids and
/// addresses only, never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StagedRotation {
    pub account: AccountRef,
    pub old_id: String,
    pub old_name: String,
    /// The new secret's id (set from the provider's answer; until then the name asked for).
    pub new_id: String,
    pub new_name: String,
    pub step: StagedStep,
    pub receiver_check: Option<ReceiverCheck>,
    /// The chosen webhooks (empty until the switch is confirmed).
    pub webhooks: Vec<StagedWebhook>,
    /// Webhooks dropped from the switch because they were deleted or pointed at a third secret
    /// elsewhere (their addresses, to tell the user).
    pub set_aside: Vec<String>,
    /// The last step's failure, as shown to the user, until a step succeeds.
    pub last_failure: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub started_at: DateTime<Utc>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub updated_at: DateTime<Utc>,
}

/// A name for the new secret derived from the old one: `<old>-2`, or the next free number when
/// the old name already ends in one (`hook-2` → `hook-3`), kept within `max_length` and avoiding
/// `taken` names. The user may edit it; the provider checks its rule before anything is sent.
pub fn derived_name(old: &str, max_length: usize, taken: &[String]) -> String {
    let (stem, start) = match old.rsplit_once('-') {
        Some((stem, number)) if !stem.is_empty() && !number.is_empty() && number.len() <= 6 => {
            match number.parse::<u32>() {
                Ok(n) => (stem, n.saturating_add(1)),
                Err(_) => (old, 2),
            }
        }
        _ => (old, 2),
    };
    let mut n = start;
    loop {
        let suffix = format!("-{n}");
        let keep = max_length.saturating_sub(suffix.len());
        let stem: String = stem.chars().take(keep).collect();
        let candidate = format!("{stem}{suffix}");
        if !taken.iter().any(|name| name == &candidate) || n > start.saturating_add(1000) {
            return candidate;
        }
        n = n.saturating_add(1);
    }
}

fn not_ready(reason: impl Into<String>) -> Error {
    Error::StagedStepNotReady {
        reason: reason.into(),
    }
}

impl StagedRotation {
    /// Records the intent before the new secret is asked for, so a crash between asking and
    /// storing is found again at the next start.
    pub fn begin(
        account: AccountRef,
        old_id: &str,
        old_name: &str,
        new_name: &str,
        now: DateTime<Utc>,
    ) -> StagedRotation {
        StagedRotation {
            account,
            old_id: old_id.to_owned(),
            old_name: old_name.to_owned(),
            new_id: new_name.to_owned(),
            new_name: new_name.to_owned(),
            step: StagedStep::Creating,
            receiver_check: None,
            webhooks: Vec::new(),
            set_aside: Vec::new(),
            last_failure: None,
            started_at: now,
            updated_at: now,
        }
    }

    fn touch(&mut self, now: DateTime<Utc>) {
        self.updated_at = now;
        self.last_failure = None;
    }

    /// The new secret exists and its token went through the create path (stored, shown once).
    pub fn created(&mut self, new_id: &str, now: DateTime<Utc>) -> Result<()> {
        if self.step != StagedStep::Creating {
            return Err(not_ready(format!(
                "The new secret \"{}\" was already created.",
                self.new_name
            )));
        }
        self.new_id = new_id.to_owned();
        self.step = StagedStep::Created;
        self.touch(now);
        Ok(())
    }

    /// The user confirms the receiver now accepts the new secret beside the old one.
    pub fn deployed(&mut self, now: DateTime<Utc>) -> Result<()> {
        match self.step {
            StagedStep::Created | StagedStep::Deployed => {
                self.step = StagedStep::Deployed;
                self.touch(now);
                Ok(())
            }
            StagedStep::Creating => Err(not_ready(
                "The new secret has not been created yet, so there is nothing to deploy.",
            )),
            _ => Err(not_ready(
                "The new secret was already deployed and tested; continue with the switch.",
            )),
        }
    }

    /// Records a receiver test with the new secret. Accepted (or vouched for) moves a deployed
    /// rotation on; a refusal before the switch sends it back to "deploy", because switching
    /// now would break deliveries. After webhooks were switched a refusal is recorded only.
    pub fn tested(&mut self, check: ReceiverCheck, now: DateTime<Utc>) -> Result<()> {
        let passed = check.outcome != ReceiverOutcome::Refused;
        match self.step {
            StagedStep::Creating | StagedStep::Created => {
                return Err(not_ready(
                    "Deploy the new secret to your receiver first, then test it.",
                ));
            }
            StagedStep::Deployed | StagedStep::Tested => {
                self.step = if passed {
                    StagedStep::Tested
                } else {
                    StagedStep::Deployed
                };
            }
            StagedStep::Switching | StagedStep::Switched => {}
        }
        self.receiver_check = Some(check);
        self.touch(now);
        Ok(())
    }

    /// The user confirms which webhooks to move. Each must name the old secret now.
    pub fn choose(&mut self, chosen: &[Webhook], now: DateTime<Utc>) -> Result<()> {
        if self.step != StagedStep::Tested {
            return Err(match self.step {
                StagedStep::Switching | StagedStep::Switched => {
                    not_ready("The webhooks were already chosen; continue the switch.")
                }
                _ => not_ready(
                    "Test your receiver with the new secret before switching webhooks to it.",
                ),
            });
        }
        if let Some(other) = chosen
            .iter()
            .find(|webhook| webhook.secret_id.as_deref() != Some(self.old_id.as_str()))
        {
            return Err(not_ready(format!(
                "The webhook to {} does not use \"{}\", so it is not part of this rotation.",
                other.url, self.old_name
            )));
        }
        self.webhooks = chosen
            .iter()
            .map(|webhook| StagedWebhook {
                id: webhook.id.clone(),
                url: webhook.url.clone(),
                switched: false,
            })
            .collect();
        self.step = StagedStep::Switching;
        self.touch(now);
        Ok(())
    }

    /// Brings the chosen webhooks in line with what was just read: one already naming the new
    /// secret counts as switched (a write that succeeded before a crash), one naming the old
    /// secret does not; one deleted or pointed at a third secret elsewhere is set aside (nothing
    /// of this rotation signs with it any more).
    pub fn reconcile(&mut self, current: &[Webhook]) {
        let (old, new) = (self.old_id.clone(), self.new_id.clone());
        let mut set_aside = Vec::new();
        self.webhooks.retain_mut(|chosen| {
            match current.iter().find(|webhook| webhook.id == chosen.id) {
                Some(webhook) if webhook.secret_id.as_deref() == Some(new.as_str()) => {
                    chosen.switched = true;
                    true
                }
                Some(webhook) if webhook.secret_id.as_deref() == Some(old.as_str()) => {
                    chosen.switched = false;
                    true
                }
                _ => {
                    set_aside.push(chosen.url.clone());
                    false
                }
            }
        });
        self.set_aside.extend(set_aside);
    }

    /// The chosen webhooks still to move, in the order chosen.
    pub fn pending(&self) -> Vec<&StagedWebhook> {
        self.webhooks
            .iter()
            .filter(|webhook| !webhook.switched)
            .collect()
    }

    /// One webhook was written naming the new secret.
    pub fn switched(&mut self, id: &str, now: DateTime<Utc>) -> Result<()> {
        if self.step != StagedStep::Switching {
            return Err(not_ready("No switch is in progress."));
        }
        let webhook = self
            .webhooks
            .iter_mut()
            .find(|webhook| webhook.id == id)
            .ok_or_else(|| not_ready("That webhook is not one of the chosen ones."))?;
        webhook.switched = true;
        self.touch(now);
        Ok(())
    }

    /// A step failed: remembered (and saved) so the status says what happened.
    pub fn failed(&mut self, sentence: impl Into<String>, now: DateTime<Utc>) {
        self.updated_at = now;
        self.last_failure = Some(sentence.into());
    }

    /// After re-reading: every chosen webhook names the new secret → switched.
    pub fn verify(&mut self, current: &[Webhook], now: DateTime<Utc>) -> Result<()> {
        if !matches!(self.step, StagedStep::Switching | StagedStep::Switched) {
            return Err(not_ready("No switch has been started."));
        }
        self.reconcile(current);
        let left = self.pending().len();
        if left > 0 {
            self.step = StagedStep::Switching;
            return Err(not_ready(format!(
                "{left} of the chosen webhooks still use \"{}\". Continue the switch.",
                self.old_name
            )));
        }
        self.step = StagedStep::Switched;
        self.touch(now);
        Ok(())
    }

    /// The webhooks (all of them, chosen or not) that still name the old secret.
    pub fn still_on_old<'a>(&self, current: &'a [Webhook]) -> Vec<&'a Webhook> {
        current
            .iter()
            .filter(|webhook| webhook.secret_id.as_deref() == Some(self.old_id.as_str()))
            .collect()
    }

    /// Whether the old secret may be deleted now, judged on webhooks just re-read: only after
    /// the switch, and never while any webhook still names it.
    pub fn ready_to_delete_old(&self, current: &[Webhook]) -> Result<()> {
        if self.step != StagedStep::Switched {
            return Err(not_ready(
                "Switch the webhooks to the new secret before deleting the old one.",
            ));
        }
        let still = self.still_on_old(current);
        if !still.is_empty() {
            return Err(Error::SecretStillInUse {
                name: self.old_name.clone(),
                webhooks: still.iter().map(|webhook| webhook.url.clone()).collect(),
            });
        }
        Ok(())
    }

    /// The next act the user can confirm, in words (status lines, the CLI's hint).
    pub fn next_step(&self) -> &'static str {
        match self.step {
            StagedStep::Creating => "check whether the new secret was created",
            StagedStep::Created => "deploy the new secret to your receiver, beside the old one",
            StagedStep::Deployed => "test your receiver with the new secret",
            StagedStep::Tested => "choose the webhooks to switch to the new secret",
            StagedStep::Switching => "continue switching the chosen webhooks",
            StagedStep::Switched => "delete the old secret (or keep it and finish)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn now() -> DateTime<Utc> {
        Utc::now()
    }

    fn webhook(id: &str, secret: Option<&str>) -> Webhook {
        Webhook {
            id: id.to_owned(),
            url: format!("https://example.com/{id}"),
            enabled: true,
            secret_id: secret.map(str::to_owned),
        }
    }

    fn begun() -> StagedRotation {
        StagedRotation::begin(
            AccountRef::new("p", "acct"),
            "hook",
            "hook",
            "hook-2",
            now(),
        )
    }

    fn accepted() -> ReceiverCheck {
        ReceiverCheck {
            outcome: ReceiverOutcome::Accepted,
            url: Some("https://example.com/a".into()),
            status: Some(200),
            at: now(),
        }
    }

    fn refused() -> ReceiverCheck {
        ReceiverCheck {
            outcome: ReceiverOutcome::Refused,
            status: Some(401),
            ..accepted()
        }
    }

    /// A rotation at `step`, reached through the real transitions, with webhooks a and b
    /// chosen from the switch on.
    fn at(step: StagedStep) -> StagedRotation {
        let mut rotation = begun();
        let order = [
            StagedStep::Created,
            StagedStep::Deployed,
            StagedStep::Tested,
            StagedStep::Switching,
            StagedStep::Switched,
        ];
        for next in order {
            if rotation.step == step {
                break;
            }
            match next {
                StagedStep::Created => rotation.created("hook-2", now()).unwrap(),
                StagedStep::Deployed => rotation.deployed(now()).unwrap(),
                StagedStep::Tested => rotation.tested(accepted(), now()).unwrap(),
                StagedStep::Switching => rotation
                    .choose(
                        &[webhook("a", Some("hook")), webhook("b", Some("hook"))],
                        now(),
                    )
                    .unwrap(),
                _ => {
                    rotation.switched("a", now()).unwrap();
                    rotation.switched("b", now()).unwrap();
                    rotation
                        .verify(
                            &[webhook("a", Some("hook-2")), webhook("b", Some("hook-2"))],
                            now(),
                        )
                        .unwrap();
                }
            }
        }
        assert_eq!(rotation.step, step);
        rotation
    }

    const ALL_STEPS: [StagedStep; 6] = [
        StagedStep::Creating,
        StagedStep::Created,
        StagedStep::Deployed,
        StagedStep::Tested,
        StagedStep::Switching,
        StagedStep::Switched,
    ];

    #[test]
    fn the_steps_run_in_order_from_create_to_switched() {
        let rotation = at(StagedStep::Switched);
        assert!(rotation.webhooks.iter().all(|webhook| webhook.switched));
        assert_eq!(rotation.new_id, "hook-2");
        assert!(rotation.last_failure.is_none());
    }

    #[test]
    fn no_step_can_be_skipped() {
        let mut creating = at(StagedStep::Creating);
        assert!(creating.deployed(now()).is_err());
        assert!(creating.tested(accepted(), now()).is_err());
        let mut created = at(StagedStep::Created);
        assert!(created.tested(accepted(), now()).is_err());
        assert!(
            created
                .choose(&[webhook("a", Some("hook"))], now())
                .is_err()
        );
        let mut deployed = at(StagedStep::Deployed);
        assert!(
            deployed
                .choose(&[webhook("a", Some("hook"))], now())
                .is_err()
        );
        assert!(deployed.verify(&[], now()).is_err());
        for step in ALL_STEPS {
            let rotation = at(step);
            let error = rotation.ready_to_delete_old(&[]);
            assert_eq!(error.is_ok(), step == StagedStep::Switched, "{step:?}");
        }
    }

    #[test]
    fn a_refused_receiver_test_sends_a_tested_rotation_back_to_deploy() {
        let mut rotation = at(StagedStep::Deployed);
        rotation.tested(refused(), now()).unwrap();
        assert_eq!(rotation.step, StagedStep::Deployed);
        rotation.tested(accepted(), now()).unwrap();
        assert_eq!(rotation.step, StagedStep::Tested);
        rotation.tested(refused(), now()).unwrap();
        assert_eq!(rotation.step, StagedStep::Deployed);
        assert!(rotation.choose(&[], now()).is_err());
    }

    #[test]
    fn a_vouched_test_counts_but_is_recorded_as_skipped() {
        let mut rotation = at(StagedStep::Deployed);
        let check = ReceiverCheck {
            outcome: ReceiverOutcome::Skipped,
            url: None,
            status: None,
            at: now(),
        };
        rotation.tested(check, now()).unwrap();
        assert_eq!(rotation.step, StagedStep::Tested);
        assert_eq!(
            rotation.receiver_check.map(|check| check.outcome),
            Some(ReceiverOutcome::Skipped)
        );
    }

    #[test]
    fn a_test_after_the_switch_began_is_recorded_without_moving_back() {
        let mut rotation = at(StagedStep::Switching);
        rotation.tested(refused(), now()).unwrap();
        assert_eq!(rotation.step, StagedStep::Switching);
    }

    #[test]
    fn only_webhooks_on_the_old_secret_can_be_chosen() {
        let mut rotation = at(StagedStep::Tested);
        let error = rotation
            .choose(
                &[webhook("a", Some("hook")), webhook("c", Some("other"))],
                now(),
            )
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::StagedStepNotReady);
        assert!(error.to_string().contains("example.com/c"), "{error}");
        assert_eq!(rotation.step, StagedStep::Tested);
    }

    #[test]
    fn choosing_no_webhooks_still_needs_a_verify_before_delete() {
        let mut rotation = at(StagedStep::Tested);
        rotation.choose(&[], now()).unwrap();
        assert!(rotation.ready_to_delete_old(&[]).is_err());
        rotation.verify(&[], now()).unwrap();
        assert!(rotation.ready_to_delete_old(&[]).is_ok());
    }

    #[test]
    fn a_failure_mid_switch_leaves_the_rest_pending_and_says_so() {
        let mut rotation = at(StagedStep::Switching);
        rotation.switched("a", now()).unwrap();
        rotation.failed("The PDS refused the write.", now());
        assert_eq!(rotation.step, StagedStep::Switching);
        let pending: Vec<&str> = rotation.pending().iter().map(|w| w.id.as_str()).collect();
        assert_eq!(pending, ["b"]);
        assert_eq!(
            rotation.last_failure.as_deref(),
            Some("The PDS refused the write.")
        );
        // Re-reading shows b still on the old secret: verify refuses, delete refuses.
        let current = [webhook("a", Some("hook-2")), webhook("b", Some("hook"))];
        let error = rotation.verify(&current, now()).unwrap_err();
        assert!(error.to_string().contains("1 of the chosen"), "{error}");
        assert!(rotation.ready_to_delete_old(&current).is_err());
        // The next successful step clears the failure.
        rotation.switched("b", now()).unwrap();
        assert!(rotation.last_failure.is_none());
    }

    #[test]
    fn a_write_that_landed_before_a_crash_counts_as_switched_when_re_read() {
        let mut rotation = at(StagedStep::Switching);
        // The app died after the PDS took b's write but before it was saved as switched.
        rotation.reconcile(&[webhook("a", Some("hook")), webhook("b", Some("hook-2"))]);
        let pending: Vec<&str> = rotation.pending().iter().map(|w| w.id.as_str()).collect();
        assert_eq!(pending, ["a"]);
    }

    #[test]
    fn a_webhook_switched_back_elsewhere_is_pending_again() {
        let mut rotation = at(StagedStep::Switching);
        rotation.switched("a", now()).unwrap();
        rotation.reconcile(&[webhook("a", Some("hook")), webhook("b", Some("hook"))]);
        assert_eq!(rotation.pending().len(), 2);
    }

    #[test]
    fn a_deleted_or_repointed_webhook_is_set_aside() {
        let mut rotation = at(StagedStep::Switching);
        rotation.reconcile(&[webhook("b", Some("third"))]);
        assert!(rotation.webhooks.is_empty());
        assert_eq!(
            rotation.set_aside,
            ["https://example.com/a", "https://example.com/b"]
        );
        rotation.verify(&[], now()).unwrap();
        assert_eq!(rotation.step, StagedStep::Switched);
    }

    #[test]
    fn the_old_secret_is_never_deleted_while_any_webhook_names_it() {
        let rotation = at(StagedStep::Switched);
        // A webhook the user did not choose (or made since) still names the old secret.
        let current = [webhook("a", Some("hook-2")), webhook("z", Some("hook"))];
        let error = rotation.ready_to_delete_old(&current).unwrap_err();
        assert_eq!(error.code(), ErrorCode::SecretStillInUse);
        assert!(error.to_string().contains("example.com/z"), "{error}");
        assert!(rotation.ready_to_delete_old(&current[..1]).is_ok());
    }

    #[test]
    fn a_restart_at_every_step_resumes_with_the_same_state_and_next_step() {
        for step in ALL_STEPS {
            let mut rotation = at(step);
            if step == StagedStep::Switching {
                rotation.switched("a", now()).unwrap();
                rotation.failed("The PDS refused the write.", now());
            }
            let saved = serde_json::to_string(&rotation).unwrap();
            let restored: StagedRotation = serde_json::from_str(&saved).unwrap();
            assert_eq!(restored, rotation, "{step:?}");
            assert_eq!(restored.next_step(), rotation.next_step());
        }
    }

    #[test]
    fn the_saved_state_holds_ids_and_addresses_only() {
        let saved = serde_json::to_value(at(StagedStep::Switched)).unwrap();
        let keys: Vec<&String> = saved.as_object().unwrap().keys().collect();
        for key in keys {
            assert!(
                !key.to_lowercase().contains("token") && !key.to_lowercase().contains("value"),
                "{key}"
            );
        }
    }

    #[test]
    fn derived_names_add_or_bump_a_number_and_fit_the_limit() {
        assert_eq!(derived_name("deploy-hook", 64, &[]), "deploy-hook-2");
        assert_eq!(derived_name("hook-2", 64, &[]), "hook-3");
        assert_eq!(
            derived_name("hook", 64, &["hook-2".into(), "hook-3".into()]),
            "hook-4"
        );
        assert_eq!(derived_name("2024-01", 64, &[]), "2024-2");
        let long = "a".repeat(64);
        let derived = derived_name(&long, 64, &[]);
        assert_eq!(derived.len(), 64);
        assert!(derived.ends_with("-2"));
    }
}

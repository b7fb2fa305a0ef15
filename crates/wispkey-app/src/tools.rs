//! After the rotate: the signature tester, the receiver test and the history, as [`App`]
//! methods the window's commands and the CLI's verbs call. Provider-neutral: what a provider
//! supports comes from its descriptor (`delivery_signature`) and its `receiver_urls`.

use chrono::Utc;
use serde::Serialize;

use wispkey_core::error::{Error, Result};
use wispkey_core::history::{
    ChainCheck, HistoryEntry, HistoryFilter, HistoryOperation, NewEntry, to_csv,
};
use wispkey_core::signature::{self, Delivery, SignatureReport, SignatureScheme};
use wispkey_core::{AccountRef, Operation, SecretString};

use crate::app::App;
use crate::receiver::{self, ReceiverTestResult};

/// Which secret the tester checks with.
#[derive(Debug)]
pub enum TesterSecret<'a> {
    /// The stored copy of `id` in the keychain; never shown.
    Stored {
        account: &'a AccountRef,
        id: &'a str,
    },
    /// A secret the user pasted (kept only for this check).
    Pasted(&'a SecretString),
}

/// What the receiver test's dialog needs before the user confirms: the scheme it will sign
/// with (`None`: the provider does not document one, so no test can be sent) and the URLs the
/// provider knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ReceiverTestPlan {
    pub scheme: Option<SignatureScheme>,
    pub suggested_urls: Vec<String>,
    /// A token for the secret is in this machine's keychain (the test signs with it).
    pub stored_locally: bool,
}

/// The start-up reminder's decision: how many secrets are overdue across the signed-in
/// accounts, and the notification to show (`None`: nothing overdue, or snoozed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OverdueSummary {
    pub overdue: u32,
    /// Accounts whose list could not be read (offline, signed out elsewhere): not counted.
    pub unchecked_accounts: u32,
    pub notification: Option<String>,
}

impl App {
    /// Lists every signed-in account's secrets and counts the overdue ones, for the start-up
    /// reminder. Reads only; an account that cannot be listed is reported, not guessed at.
    pub async fn overdue_summary(&self) -> Result<OverdueSummary> {
        let mut overdue = 0u32;
        let mut unchecked = 0u32;
        for account in self.restore_accounts().await? {
            match self.list_secrets_to_count(&account.account).await {
                Ok(rows) => {
                    overdue += u32::try_from(rows.iter().filter(|row| row.overdue).count())
                        .unwrap_or(u32::MAX);
                }
                Err(_) => unchecked += 1,
            }
        }
        let notification = self.reminders().notification(overdue as usize, Utc::now());
        Ok(OverdueSummary {
            overdue,
            unchecked_accounts: unchecked,
            notification,
        })
    }

    /// The signature tester: checks `delivery` under `secret` in `scheme`, against the clock.
    pub async fn verify_delivery(
        &self,
        scheme: SignatureScheme,
        secret: TesterSecret<'_>,
        delivery: &Delivery,
    ) -> Result<SignatureReport> {
        let now = Utc::now().timestamp();
        Ok(match secret {
            TesterSecret::Pasted(secret) => signature::check(scheme, secret, delivery, now),
            TesterSecret::Stored { account, id } => {
                let secret = self.tokens().stored_token(account, id).await?;
                signature::check(scheme, &secret, delivery, now)
            }
        })
    }

    /// The scheme a provider's deliveries use, from its descriptor.
    pub fn delivery_signature(&self, account: &AccountRef) -> Result<Option<SignatureScheme>> {
        Ok(self.kind(account)?.descriptor().delivery_signature)
    }

    /// What the receiver test would do for `id`, and where the provider says deliveries go.
    /// A provider that cannot say (or a failed lookup) suggests nothing: the user types a URL.
    pub async fn receiver_test_plan(
        &self,
        account: &AccountRef,
        id: &str,
    ) -> Result<ReceiverTestPlan> {
        let scheme = self.delivery_signature(account)?;
        let provider = self.provider(account, Operation::List).await?;
        let (urls, stored) = tokio::join!(
            provider.receiver_urls(id),
            self.tokens().stored_ids(account)
        );
        Ok(ReceiverTestPlan {
            scheme,
            suggested_urls: urls.unwrap_or_default(),
            stored_locally: stored.is_ok_and(|ids| ids.contains(id)),
        })
    }

    /// Sends ONE test delivery for `id`, signed with its stored token in the provider's scheme,
    /// to `url` (https, or http on this machine), and records it in the history. Refuses
    /// before sending when the provider's signing is unknown or no token is stored.
    pub async fn test_receiver(
        &self,
        account: &AccountRef,
        id: &str,
        url: &str,
    ) -> Result<ReceiverTestResult> {
        let result = self.send_receiver_test(account, id, url).await;
        let mut entry =
            NewEntry::new(account, Some(id), HistoryOperation::ReceiverTest).outcome_of(&result);
        entry.note = Some(match &result {
            Ok(test) => format!(
                "{}: HTTP {} in {} ms",
                test.origin, test.status, test.elapsed_ms
            ),
            Err(_) => receiver::receiver_url(url)
                .map(|url| url.origin().ascii_serialization())
                .unwrap_or_else(|_| "an unusable URL".to_owned()),
        });
        let _ = self.record(entry);
        result
    }

    async fn send_receiver_test(
        &self,
        account: &AccountRef,
        id: &str,
        url: &str,
    ) -> Result<ReceiverTestResult> {
        let url = receiver::receiver_url(url)?;
        let kind = self.kind(account)?;
        let scheme = kind
            .descriptor()
            .delivery_signature
            .ok_or_else(|| Error::SigningUnknown {
                provider: kind.descriptor().label.clone(),
            })?;
        let secret = self.tokens().stored_token(account, id).await?;
        receiver::send_test_delivery(scheme, &secret, id, &url).await
    }

    /// The history's entries that match `filter`, newest first.
    pub fn history_entries(&self, filter: &HistoryFilter) -> Result<Vec<HistoryEntry>> {
        let Some(history) = self.history() else {
            return Ok(Vec::new());
        };
        let mut entries = filter.apply(history.entries()?);
        entries.reverse();
        Ok(entries)
    }

    /// The matching entries as CSV, oldest first.
    pub fn history_csv(&self, filter: &HistoryFilter) -> Result<String> {
        let mut entries = self.history_entries(filter)?;
        entries.reverse();
        Ok(to_csv(&entries))
    }

    /// Writes the matching entries as CSV into the downloads folder (else the config folder)
    /// as `wispkey-history-<time>.csv`; returns the file's path.
    pub fn export_history_csv(&self, filter: &HistoryFilter) -> Result<String> {
        let csv = self.history_csv(filter)?;
        let dir = dirs::download_dir()
            .or_else(|| self.history().map(|h| h.path().with_file_name("")))
            .ok_or_else(|| Error::HistoryFailed {
                detail: "there is no folder to export to".into(),
            })?;
        let path = dir.join(format!(
            "wispkey-history-{}.csv",
            Utc::now().format("%Y%m%d-%H%M%S")
        ));
        std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&path, csv))
            .map_err(|error| Error::HistoryFailed {
                detail: format!("{}: {error}", path.display()),
            })?;
        Ok(path.display().to_string())
    }

    /// Checks the history's chain; see [`wispkey_core::history::verify`].
    pub fn verify_history(&self) -> Result<ChainCheck> {
        match self.history() {
            Some(history) => history.verify(),
            None => Ok(ChainCheck {
                intact_entries: 0,
                first_broken: None,
            }),
        }
    }
}

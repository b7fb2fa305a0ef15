//! One history line and its link in the chain.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::account::AccountRef;
use crate::error::{Error, ErrorCode};

/// The hash the first entry links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum HistoryOperation {
    SignIn,
    SignOut,
    Create,
    Rotate,
    Delete,
    /// A secret rotated elsewhere, pasted and stored.
    StorePasted,
    /// The stored token copied to the clipboard (a deliberate read of a stored secret).
    CopyStored,
    /// The stored token removed from this machine's keychain.
    Forget,
    /// One signed test delivery sent to a receiver.
    ReceiverTest,
    /// Webhook records switched to another secret (a staged rotation's step).
    WebhookSwitch,
}

impl HistoryOperation {
    pub const ALL: [HistoryOperation; 10] = [
        HistoryOperation::SignIn,
        HistoryOperation::SignOut,
        HistoryOperation::Create,
        HistoryOperation::Rotate,
        HistoryOperation::Delete,
        HistoryOperation::StorePasted,
        HistoryOperation::CopyStored,
        HistoryOperation::Forget,
        HistoryOperation::ReceiverTest,
        HistoryOperation::WebhookSwitch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HistoryOperation::SignIn => "sign_in",
            HistoryOperation::SignOut => "sign_out",
            HistoryOperation::Create => "create",
            HistoryOperation::Rotate => "rotate",
            HistoryOperation::Delete => "delete",
            HistoryOperation::StorePasted => "store_pasted",
            HistoryOperation::CopyStored => "copy_stored",
            HistoryOperation::Forget => "forget",
            HistoryOperation::ReceiverTest => "receiver_test",
            HistoryOperation::WebhookSwitch => "webhook_switch",
        }
    }

    pub fn parse(text: &str) -> Option<HistoryOperation> {
        let text = text.trim().replace('-', "_");
        HistoryOperation::ALL
            .into_iter()
            .find(|operation| operation.as_str() == text)
    }
}

/// How it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum HistoryOutcome {
    Succeeded,
    Failed,
    /// Sent, no answer: it may have happened.
    Unknown,
}

impl HistoryOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryOutcome::Succeeded => "succeeded",
            HistoryOutcome::Failed => "failed",
            HistoryOutcome::Unknown => "unknown",
        }
    }

    pub fn parse(text: &str) -> Option<HistoryOutcome> {
        [
            HistoryOutcome::Succeeded,
            HistoryOutcome::Failed,
            HistoryOutcome::Unknown,
        ]
        .into_iter()
        .find(|outcome| outcome.as_str() == text.trim())
    }
}

/// What a caller records; [`crate::history::History::append`] adds the time and the links.
/// `note` is written by Wispkey's code (e.g. "HTTP 204 in 87 ms"), never user-supplied
/// material that could hold a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub account: AccountRef,
    pub secret_id: Option<String>,
    pub operation: HistoryOperation,
    pub outcome: HistoryOutcome,
    /// The error's stable code when it failed.
    pub code: Option<ErrorCode>,
    pub note: Option<String>,
}

impl NewEntry {
    pub fn new(account: &AccountRef, secret_id: Option<&str>, operation: HistoryOperation) -> Self {
        NewEntry {
            account: account.clone(),
            secret_id: secret_id.map(str::to_owned),
            operation,
            outcome: HistoryOutcome::Succeeded,
            code: None,
            note: None,
        }
    }

    /// The entry for a result: succeeded, failed with its code, or unknown when the request
    /// was sent and no answer came back.
    pub fn outcome_of<T>(mut self, result: &Result<T, Error>) -> Self {
        if let Err(error) = result {
            let code = error.code();
            self.outcome = match code {
                ErrorCode::OutcomeUnknown | ErrorCode::ResponseLost => HistoryOutcome::Unknown,
                _ => HistoryOutcome::Failed,
            };
            self.code = Some(code);
        }
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// One line of the history file. Field order is the canonical order hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// 1 for the first entry, then +1.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: u64,
    /// RFC 3339, UTC, milliseconds.
    pub time: String,
    pub provider: String,
    pub account: String,
    pub secret_id: Option<String>,
    pub operation: HistoryOperation,
    pub outcome: HistoryOutcome,
    pub code: Option<ErrorCode>,
    pub note: Option<String>,
    /// The previous entry's `hash` ([`GENESIS`] for the first).
    pub prev: String,
    /// SHA-256 (hex) over `prev`, a newline, and this entry's canonical JSON without `hash`.
    pub hash: String,
}

/// The hashed part: every field but `hash`, in a fixed order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Canonical<'a> {
    seq: u64,
    time: &'a str,
    provider: &'a str,
    account: &'a str,
    secret_id: &'a Option<String>,
    operation: HistoryOperation,
    outcome: HistoryOutcome,
    code: Option<ErrorCode>,
    note: &'a Option<String>,
    prev: &'a str,
}

impl HistoryEntry {
    pub(crate) fn link(new: NewEntry, seq: u64, prev: &str, at: DateTime<Utc>) -> HistoryEntry {
        let mut entry = HistoryEntry {
            seq,
            time: at.to_rfc3339_opts(SecondsFormat::Millis, true),
            provider: new.account.provider,
            account: new.account.id,
            secret_id: new.secret_id,
            operation: new.operation,
            outcome: new.outcome,
            code: new.code,
            note: new.note,
            prev: prev.to_owned(),
            hash: String::new(),
        };
        entry.hash = entry.expected_hash();
        entry
    }

    /// What `hash` must be for this entry's fields.
    pub fn expected_hash(&self) -> String {
        let canonical = Canonical {
            seq: self.seq,
            time: &self.time,
            provider: &self.provider,
            account: &self.account,
            secret_id: &self.secret_id,
            operation: self.operation,
            outcome: self.outcome,
            code: self.code,
            note: &self.note,
            prev: &self.prev,
        };
        // Serialising plain strings and enums cannot fail; an empty body would simply never match.
        let json = serde_json::to_string(&canonical).unwrap_or_default();
        let mut hasher = Sha256::new();
        hasher.update(self.prev.as_bytes());
        hasher.update(b"\n");
        hasher.update(json.as_bytes());
        hex::encode(hasher.finalize())
    }

    pub fn account_ref(&self) -> AccountRef {
        AccountRef::new(&self.provider, &self.account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unanswered_request_is_recorded_as_unknown_and_a_refusal_as_failed_with_its_code() {
        let account = AccountRef::new("wisp", "did:plc:a");
        let lost: Result<(), Error> = Err(Error::OutcomeUnknown {
            operation: crate::Operation::Rotate,
            name: "n".into(),
            detail: String::new(),
        });
        let entry = NewEntry::new(&account, Some("n"), HistoryOperation::Rotate).outcome_of(&lost);
        assert_eq!(entry.outcome, HistoryOutcome::Unknown);
        let refused: Result<(), Error> = Err(Error::ServiceFailed);
        let entry =
            NewEntry::new(&account, Some("n"), HistoryOperation::Rotate).outcome_of(&refused);
        assert_eq!(
            (entry.outcome, entry.code),
            (HistoryOutcome::Failed, Some(ErrorCode::ServiceFailed))
        );
    }

    #[test]
    fn operation_names_parse_back_with_dashes_or_underscores() {
        for operation in HistoryOperation::ALL {
            assert_eq!(HistoryOperation::parse(operation.as_str()), Some(operation));
            let json = serde_json::to_string(&operation).unwrap();
            assert_eq!(json, format!("\"{}\"", operation.as_str()));
        }
        assert_eq!(
            HistoryOperation::parse("sign-in"),
            Some(HistoryOperation::SignIn)
        );
    }

    #[test]
    fn any_changed_field_changes_the_hash() {
        let account = AccountRef::new("wisp", "did:plc:a");
        let at = DateTime::parse_from_rfc3339("2026-11-27T10:00:00Z")
            .unwrap()
            .to_utc();
        let entry = HistoryEntry::link(
            NewEntry::new(&account, Some("n"), HistoryOperation::Create),
            1,
            GENESIS,
            at,
        );
        assert_eq!(entry.hash, entry.expected_hash());
        let mut edited = entry.clone();
        edited.outcome = HistoryOutcome::Failed;
        assert_ne!(edited.expected_hash(), entry.hash);
        let mut relinked = entry.clone();
        relinked.prev = "1".repeat(64);
        assert_ne!(relinked.expected_hash(), entry.hash);
    }
}

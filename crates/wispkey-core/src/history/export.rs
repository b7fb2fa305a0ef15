//! Choosing entries (by account, provider, secret, operation, outcome, time) and writing them
//! as CSV for a spreadsheet.

use serde::Deserialize;

use super::entry::{HistoryEntry, HistoryOperation, HistoryOutcome};

/// Every field optional; an entry must match all that are set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct HistoryFilter {
    pub provider: Option<String>,
    /// The account's id (a DID, an email…).
    pub account: Option<String>,
    pub secret_id: Option<String>,
    pub operation: Option<HistoryOperation>,
    pub outcome: Option<HistoryOutcome>,
    /// RFC 3339 or a date (`2026-11-01`): entries at or after it.
    pub since: Option<String>,
    /// Free text matched case-insensitively against every field.
    pub text: Option<String>,
}

impl HistoryFilter {
    pub fn matches(&self, entry: &HistoryEntry) -> bool {
        let same = |wanted: &Option<String>, actual: &str| {
            wanted
                .as_deref()
                .is_none_or(|wanted| wanted.is_empty() || wanted == actual)
        };
        same(&self.provider, &entry.provider)
            && same(&self.account, &entry.account)
            && same(&self.secret_id, entry.secret_id.as_deref().unwrap_or_default())
            && self.operation.is_none_or(|operation| operation == entry.operation)
            && self.outcome.is_none_or(|outcome| outcome == entry.outcome)
            // RFC 3339 UTC strings of one format order like the times they name.
            && self.since.as_deref().is_none_or(|since| entry.time.as_str() >= since)
            && self.text.as_deref().is_none_or(|text| {
                let text = text.to_lowercase();
                csv_fields(entry).iter().any(|field| field.to_lowercase().contains(&text))
            })
    }

    pub fn apply(&self, entries: Vec<HistoryEntry>) -> Vec<HistoryEntry> {
        entries
            .into_iter()
            .filter(|entry| self.matches(entry))
            .collect()
    }
}

const HEADER: &str = "seq,time,provider,account,secret_id,operation,outcome,code,note,hash";

fn csv_fields(entry: &HistoryEntry) -> [String; 10] {
    [
        entry.seq.to_string(),
        entry.time.clone(),
        entry.provider.clone(),
        entry.account.clone(),
        entry.secret_id.clone().unwrap_or_default(),
        entry.operation.as_str().to_owned(),
        entry.outcome.as_str().to_owned(),
        entry
            .code
            .map(|code| code.as_str().to_owned())
            .unwrap_or_default(),
        entry.note.clone().unwrap_or_default(),
        entry.hash.clone(),
    ]
}

/// RFC 4180 quoting, and a leading `'` on cells a spreadsheet would run as a formula.
fn cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The entries as CSV with a header row, lines ending in CRLF.
pub fn to_csv(entries: &[HistoryEntry]) -> String {
    let mut out = format!("{HEADER}\r\n");
    for entry in entries {
        let row: Vec<String> = csv_fields(entry).iter().map(|field| cell(field)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

//! What crosses to the window (as IPC) and to scripts (as `wispkey … --json`): rows, issued
//! tokens, outcomes, and errors as `{code, message}`. Shapes are pinned by tests.

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use wispkey_core::provider::{Fact, Login, SecretSummary, SignInRequest};
use wispkey_core::tokens::{Issued, IssuedAlso};
use wispkey_core::{ErrorCode, SecretString};

/// An error as the window and `--json` see it: a stable code the UI branches on and a sentence
/// for the user. Nothing else — no platform detail, no parameters — so a secret passed in can
/// never come back in an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<wispkey_core::Error> for IpcError {
    fn from(error: wispkey_core::Error) -> Self {
        // Every error that reaches the window is logged by its code only: details can quote a
        // server's words, and the sentence a name.
        tracing::warn!(target: "wispkey::error", code = %error.code().as_str(), "error");
        IpcError {
            code: error.code(),
            message: error.to_string(),
        }
    }
}

/// The list start-up fetched for the first account, for the window's first screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StartUpList {
    pub account: wispkey_core::AccountRef,
    pub rows: Vec<SecretRow>,
}

/// One row of the list. Times are RFC 3339 strings; the UI formats them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SecretRow {
    /// The provider's id: what rotate, delete and the keychain use.
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub last_rotated_at: Option<String>,
    /// Set when the provider does not report rotations: where `last_rotated_at` comes from (or
    /// that nothing is known), as a sentence.
    pub last_rotated_note: Option<String>,
    /// A token for this secret is in this machine's keychain.
    pub stored_locally: bool,
    /// What else the provider says about it, worded for reading, in its order.
    pub facts: Vec<Fact>,
    /// Set when that stored copy may be out of date: why, as the end of a sentence.
    pub stored_copy_warning: Option<String>,
    /// Its own maximum age in days; `None`: the Settings default applies.
    pub max_age_override_days: Option<u32>,
    /// Its maximum age in effect when listed (the override, else the Settings default).
    pub max_age_days: u32,
    /// Not rotated (or created) within its maximum age.
    pub overdue: bool,
}

impl SecretRow {
    /// Its maximum age (`max_age_override_days`, else `default_max_age_days`) and `now` decide
    /// whether it is overdue (see `wispkey_core::reminders`).
    pub fn new(
        summary: SecretSummary,
        stored_locally: bool,
        max_age_override_days: Option<u32>,
        default_max_age_days: u32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        let since = summary.last_rotated_at.unwrap_or(summary.created_at);
        let max_age_days = max_age_override_days.unwrap_or(default_max_age_days);
        SecretRow {
            overdue: wispkey_core::reminders::is_overdue(since, max_age_days, now),
            max_age_override_days,
            max_age_days,
            id: summary.id,
            name: summary.name,
            created_at: summary.created_at.to_rfc3339(),
            last_rotated_at: summary.last_rotated_at.map(|at| at.to_rfc3339()),
            stored_locally,
            facts: summary.facts,
            stored_copy_warning: None,
            last_rotated_note: None,
        }
    }

    pub fn with_copy_warning(mut self, warning: Option<String>) -> Self {
        self.stored_copy_warning = warning;
        self
    }

    pub fn with_last_rotated_note(mut self, note: Option<String>) -> Self {
        self.last_rotated_note = note;
        self
    }
}

/// The list's order: by lower-cased name, ties by name, then id (names need not be unique).
/// The UI checks this order in one pass and only sorts itself when it is broken, so 10,000
/// rows render without a sort.
pub fn sort_for_list(rows: &mut [SecretRow]) {
    rows.sort_by_cached_key(|row| (row.name.to_lowercase(), row.name.clone(), row.id.clone()));
}

/// A just-issued token for the copy-once dialog (or `wispkey … --show`). The token crosses only
/// here, for display; `Debug` never shows it and the string is zeroized when dropped.
#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct IssuedSecret {
    pub id: String,
    pub name: String,
    /// RFC 3339.
    pub issued_at: String,
    pub token: String,
    /// Written to the keychain and read back equal before this was returned.
    pub stored: bool,
    /// Why it is not stored (when `stored` is false).
    pub store_error: Option<IpcError>,
    /// Other one-shot values of the same answer (a new API token), shown in the same dialog.
    pub also: Vec<IssuedExtra>,
}

/// A second one-shot value of an answer. Copied and retried by its own `id`.
#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct IssuedExtra {
    pub id: String,
    pub label: String,
    pub note: String,
    pub token: String,
    pub stored: bool,
    pub store_error: Option<IpcError>,
}

impl From<IssuedAlso> for IssuedExtra {
    fn from(also: IssuedAlso) -> Self {
        IssuedExtra {
            stored: also.store_error.is_none(),
            id: also.id,
            label: also.label,
            note: also.note,
            token: also.token.expose().to_owned(),
            store_error: also.store_error.map(IpcError::from),
        }
    }
}

impl Drop for IssuedExtra {
    fn drop(&mut self) {
        self.token.zeroize();
    }
}

impl From<Issued> for IssuedSecret {
    fn from(issued: Issued) -> Self {
        IssuedSecret {
            stored: issued.stored(),
            id: issued.id,
            name: issued.name,
            issued_at: issued.issued_at.to_rfc3339(),
            token: issued.token.expose().to_owned(),
            store_error: issued.store_error.map(IpcError::from),
            also: issued.also.into_iter().map(IssuedExtra::from).collect(),
        }
    }
}

impl std::fmt::Debug for IssuedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedSecret")
            .field("id", &self.id)
            .field("stored", &self.stored)
            .finish_non_exhaustive()
    }
}

impl Drop for IssuedSecret {
    fn drop(&mut self) {
        self.token.zeroize();
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DeleteOutcome {
    pub local_copy_removed: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClipboardCopy {
    /// 0 = auto-clear is off.
    pub clears_in_seconds: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    /// Where tokens are kept, for the UI to name it ("Secret Service", "macOS Keychain"…).
    pub store: String,
}

/// What the window sends to add an account, by the provider's sign-in kind. A pasted key
/// becomes a [`SecretString`] at once; `Debug` never shows it.
#[derive(Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SignInInput {
    #[serde(rename = "oauth", rename_all = "camelCase")]
    OAuth {
        identity: String,
        full_access: bool,
        /// Also ask to edit webhook records (a staged rotation's switch step). Absent: false.
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional = nullable))]
        edit_webhooks: Option<bool>,
    },
    #[serde(rename_all = "camelCase")]
    ApiKey { key: String },
    /// A server with an email and password (and the code when the server asked for one).
    #[serde(rename_all = "camelCase")]
    Credentials {
        server: String,
        email: String,
        password: String,
        code: Option<String>,
    },
    /// A server with a token pasted instead of a password.
    #[serde(rename_all = "camelCase")]
    ServerToken { server: String, token: String },
}

impl std::fmt::Debug for SignInInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignInInput::OAuth { identity, .. } => f
                .debug_struct("OAuth")
                .field("identity", identity)
                .finish_non_exhaustive(),
            SignInInput::ApiKey { .. } => f.write_str("ApiKey { .. }"),
            SignInInput::Credentials { server, email, .. } => f
                .debug_struct("Credentials")
                .field("server", server)
                .field("email", email)
                .finish_non_exhaustive(),
            SignInInput::ServerToken { server, .. } => f
                .debug_struct("ServerToken")
                .field("server", server)
                .finish_non_exhaustive(),
        }
    }
}

impl From<SignInInput> for SignInRequest {
    fn from(input: SignInInput) -> Self {
        match input {
            SignInInput::OAuth {
                identity,
                full_access,
                edit_webhooks,
            } => SignInRequest::OAuth {
                identity,
                full_access,
                edit_webhooks: edit_webhooks.unwrap_or(false),
            },
            SignInInput::ApiKey { mut key } => {
                let secret = SecretString::new(key.trim());
                key.zeroize();
                SignInRequest::ApiKey { key: secret }
            }
            SignInInput::Credentials {
                server,
                email,
                password,
                code,
            } => SignInRequest::Credentials {
                server,
                login: Login::Password {
                    email,
                    // A password is taken as typed (spaces may be part of it).
                    password: take_exact(password),
                    code: code.map(take_secret).filter(|code| !code.is_empty()),
                },
            },
            SignInInput::ServerToken { server, token } => SignInRequest::Credentials {
                server,
                login: Login::Token {
                    token: take_secret(token),
                },
            },
        }
    }
}

/// A secret or code typed into the window, taken out of the plain `String` IPC delivered it in.
pub fn take_secret(mut text: String) -> SecretString {
    let secret = SecretString::new(text.trim());
    text.zeroize();
    secret
}

/// Like [`take_secret`], without trimming (a password's spaces are part of it).
fn take_exact(mut text: String) -> SecretString {
    let secret = SecretString::new(text.as_str());
    text.zeroize();
    secret
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use wispkey_core::{Error, SecretString};

    fn issued(store_error: Option<Error>) -> IssuedSecret {
        Issued {
            id: "deploy-hook".into(),
            name: "deploy-hook".into(),
            issued_at: Utc.with_ymd_and_hms(2024, 1, 15, 10, 30, 0).unwrap(),
            token: SecretString::new("wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX"),
            store_error,
            also: Vec::new(),
        }
        .into()
    }

    #[test]
    fn an_issued_secret_crosses_in_the_contract_shape() {
        let not_stored = issued(Some(Error::KeychainMissing {
            detail: "platform detail".into(),
        }));
        let json = serde_json::to_value(&not_stored).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "deploy-hook",
                "name": "deploy-hook",
                "issuedAt": "2024-01-15T10:30:00+00:00",
                "token": "wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX",
                "stored": false,
                "storeError": {
                    "code": "keychain_missing",
                    "message": Error::KeychainMissing { detail: String::new() }.to_string(),
                },
                "also": [],
            })
        );
        let stored = serde_json::to_value(issued(None)).unwrap();
        assert_eq!(stored["stored"], true);
        assert_eq!(stored["storeError"], serde_json::Value::Null);
    }

    #[test]
    fn debug_of_an_issued_secret_never_shows_the_token() {
        let printed = format!("{:?}", issued(None));
        assert!(!printed.contains("wsk_"), "{printed}");
    }

    fn row(name: &str) -> SecretRow {
        SecretRow {
            id: name.into(),
            name: name.into(),
            created_at: "2024-01-15T10:30:00+00:00".into(),
            last_rotated_at: None,
            last_rotated_note: None,
            stored_locally: false,
            facts: Vec::new(),
            stored_copy_warning: None,
            max_age_override_days: None,
            max_age_days: 90,
            overdue: false,
        }
    }

    fn names(rows: &[SecretRow]) -> Vec<&str> {
        rows.iter().map(|row| row.name.as_str()).collect()
    }

    #[test]
    fn the_list_is_sorted_by_lower_cased_name_then_by_name() {
        let mut rows: Vec<SecretRow> = [
            "beta", "Alpha", "alpha", "_x", "ALPHA", "a.b", "a-b", "9", "Zulu",
        ]
        .into_iter()
        .map(row)
        .collect();
        sort_for_list(&mut rows);
        // Byte order of the lower-cased names ('_' sorts before letters), then case breaks ties.
        assert_eq!(
            names(&rows),
            [
                "9", "_x", "a-b", "a.b", "ALPHA", "Alpha", "alpha", "beta", "Zulu"
            ]
        );
    }

    #[test]
    fn equal_names_are_ordered_by_id() {
        let mut rows = vec![row("hook"), row("hook")];
        rows[0].id = "9".into();
        rows[1].id = "10".into();
        sort_for_list(&mut rows);
        assert_eq!(rows[0].id, "10");
    }

    #[test]
    fn ten_thousand_rows_come_out_in_the_order_the_ui_checks() {
        let mut rows: Vec<SecretRow> = (0..10_000)
            .rev()
            .map(|i| {
                row(&if i % 2 == 0 {
                    format!("Hook-{i:05}")
                } else {
                    format!("hook-{i:05}")
                })
            })
            .collect();
        sort_for_list(&mut rows);
        let lower: Vec<String> = rows.iter().map(|row| row.name.to_lowercase()).collect();
        assert!(lower.windows(2).all(|pair| pair[0] <= pair[1]));
        assert_eq!(rows[0].name, "Hook-00000");
        assert_eq!(rows[9_999].name, "hook-09999");
    }

    #[test]
    fn errors_cross_as_code_and_message_only() {
        let error = IpcError::from(Error::KeychainFailed {
            detail: "internal detail 1234".into(),
        });
        let json = serde_json::to_string(&error).unwrap();
        assert!(!json.contains("1234"), "{json}");
        let error = IpcError::from(Error::KeychainMissing {
            detail: "DBus error: org.freedesktop.secrets was not provided".into(),
        });
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({
                "code": "keychain_missing",
                "message": "No keychain is available. Install and start a Secret Service provider \
                            (GNOME Keyring or KWallet), then try again."
            })
        );
    }

    #[test]
    fn a_pasted_key_becomes_a_secret_and_never_shows_in_debug() {
        let input: SignInInput =
            serde_json::from_value(serde_json::json!({"kind": "apiKey", "key": " phak_123 "}))
                .unwrap();
        assert!(!format!("{input:?}").contains("phak_123"));
        let SignInRequest::ApiKey { key } = SignInRequest::from(input) else {
            panic!("not an API key request");
        };
        assert_eq!(key.expose(), "phak_123");
        let oauth: SignInInput = serde_json::from_value(
            serde_json::json!({"kind": "oauth", "identity": "alice.test", "fullAccess": true}),
        )
        .unwrap();
        assert!(matches!(
            SignInRequest::from(oauth),
            SignInRequest::OAuth {
                full_access: true,
                ..
            }
        ));
    }

    #[test]
    fn a_credentials_sign_in_keeps_the_password_exact_and_never_shows_it() {
        let input: SignInInput = serde_json::from_value(serde_json::json!({
            "kind": "credentials", "server": "http://127.0.0.1:1", "email": "ops@example.com",
            "password": " pass word ", "code": " 123 456 "
        }))
        .unwrap();
        let printed = format!("{input:?}");
        assert!(
            !printed.contains("pass word") && !printed.contains("123"),
            "{printed}"
        );
        let SignInRequest::Credentials {
            server,
            login:
                Login::Password {
                    email,
                    password,
                    code,
                },
        } = SignInRequest::from(input)
        else {
            panic!("not a password sign-in");
        };
        assert_eq!(server, "http://127.0.0.1:1");
        assert_eq!(email, "ops@example.com");
        assert_eq!(password.expose(), " pass word ");
        assert_eq!(code.map(|c| c.expose().to_owned()), Some("123 456".into()));
        let token: SignInInput = serde_json::from_value(serde_json::json!({
            "kind": "serverToken", "server": "https://a.example", "token": " slt_x\n"
        }))
        .unwrap();
        assert!(!format!("{token:?}").contains("slt_x"));
        assert!(matches!(
            SignInRequest::from(token),
            SignInRequest::Credentials { login: Login::Token { token }, .. } if token.expose() == "slt_x"
        ));
    }

    #[test]
    fn a_second_value_of_an_answer_crosses_beside_the_token() {
        let mut issued = Issued {
            id: "7".into(),
            name: "orders".into(),
            issued_at: Utc.with_ymd_and_hms(2024, 1, 15, 10, 30, 0).unwrap(),
            token: SecretString::new("whsec_x"),
            store_error: None,
            also: Vec::new(),
        };
        issued.also.push(IssuedAlso {
            id: "7#api-token".into(),
            label: "New API token".into(),
            note: "Update it.".into(),
            token: SecretString::new("slt_new"),
            store_error: None,
        });
        let json = serde_json::to_value(IssuedSecret::from(issued)).unwrap();
        assert_eq!(
            json["also"],
            serde_json::json!([{
                "id": "7#api-token", "label": "New API token", "note": "Update it.",
                "token": "slt_new", "stored": true, "storeError": null
            }])
        );
    }

    #[test]
    fn a_mistyped_confirmation_crosses_as_invalid_request() {
        let error = IpcError::from(Error::NameNotConfirmed {
            name: "prod".into(),
        });
        assert_eq!(
            serde_json::to_value(&error).unwrap()["code"],
            "invalid_request"
        );
    }
}

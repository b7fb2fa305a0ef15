//! The core's one error type. Every variant has a stable [`ErrorCode`] (it crosses IPC and is
//! pinned by tests) and a `Display` sentence a user can act on. Platform details are kept for
//! diagnostics but never contain secret values.

use serde::{Deserialize, Serialize};

/// Stable, machine-readable identifiers. Renaming one is a breaking change for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    KeychainMissing,
    KeychainLocked,
    KeychainDenied,
    KeychainNotFound,
    KeychainVerifyFailed,
    KeychainFailed,
    PdsUnreachable,
    ResponseLost,
    Internal,
    InvalidSecretName,
    InvalidRequest,
    SecretAlreadyExists,
    SecretNotFound,
    AuthenticationRequired,
    EncryptionUnavailable,
    ServiceFailed,
    ServiceUnreachable,
    PermissionMissing,
    RateLimited,
    TimedOut,
    UnexpectedResponse,
    OutcomeUnknown,
    InvalidSettings,
    HandleNotFound,
    ConsentDenied,
    SignInTimedOut,
    SignInCancelled,
    StateMismatch,
    ScopeNotGranted,
    AccountMismatch,
    SignInFailed,
    SessionExpired,
    BrowserUnavailable,
    IssuedTokenGone,
    ClipboardUnavailable,
    Unsupported,
    UnknownProvider,
    SecondFactorRequired,
    SecondFactorInvalid,
    RotatedWithoutSecret,
    AccountBusy,
    StagedStepNotReady,
    StagedRotationMissing,
    StagedStateUnavailable,
    SecretStillInUse,
    WebhookChanged,
    InvalidDelivery,
    ReceiverUrlRefused,
    ReceiverUnreachable,
    HistoryFailed,
    SigningUnknown,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 51] = [
        ErrorCode::KeychainMissing,
        ErrorCode::KeychainLocked,
        ErrorCode::KeychainDenied,
        ErrorCode::KeychainNotFound,
        ErrorCode::KeychainVerifyFailed,
        ErrorCode::KeychainFailed,
        ErrorCode::PdsUnreachable,
        ErrorCode::ResponseLost,
        ErrorCode::Internal,
        ErrorCode::InvalidSecretName,
        ErrorCode::InvalidRequest,
        ErrorCode::SecretAlreadyExists,
        ErrorCode::SecretNotFound,
        ErrorCode::AuthenticationRequired,
        ErrorCode::EncryptionUnavailable,
        ErrorCode::ServiceFailed,
        ErrorCode::ServiceUnreachable,
        ErrorCode::PermissionMissing,
        ErrorCode::RateLimited,
        ErrorCode::TimedOut,
        ErrorCode::UnexpectedResponse,
        ErrorCode::OutcomeUnknown,
        ErrorCode::InvalidSettings,
        ErrorCode::HandleNotFound,
        ErrorCode::ConsentDenied,
        ErrorCode::SignInTimedOut,
        ErrorCode::SignInCancelled,
        ErrorCode::StateMismatch,
        ErrorCode::ScopeNotGranted,
        ErrorCode::AccountMismatch,
        ErrorCode::SignInFailed,
        ErrorCode::SessionExpired,
        ErrorCode::BrowserUnavailable,
        ErrorCode::IssuedTokenGone,
        ErrorCode::ClipboardUnavailable,
        ErrorCode::Unsupported,
        ErrorCode::UnknownProvider,
        ErrorCode::SecondFactorRequired,
        ErrorCode::SecondFactorInvalid,
        ErrorCode::RotatedWithoutSecret,
        ErrorCode::AccountBusy,
        ErrorCode::StagedStepNotReady,
        ErrorCode::StagedRotationMissing,
        ErrorCode::StagedStateUnavailable,
        ErrorCode::SecretStillInUse,
        ErrorCode::WebhookChanged,
        ErrorCode::InvalidDelivery,
        ErrorCode::ReceiverUrlRefused,
        ErrorCode::ReceiverUnreachable,
        ErrorCode::HistoryFailed,
        ErrorCode::SigningUnknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::KeychainMissing => "keychain_missing",
            ErrorCode::KeychainLocked => "keychain_locked",
            ErrorCode::KeychainDenied => "keychain_denied",
            ErrorCode::KeychainNotFound => "keychain_not_found",
            ErrorCode::KeychainVerifyFailed => "keychain_verify_failed",
            ErrorCode::KeychainFailed => "keychain_failed",
            ErrorCode::PdsUnreachable => "pds_unreachable",
            ErrorCode::ResponseLost => "response_lost",
            ErrorCode::Internal => "internal",
            ErrorCode::InvalidSecretName => "invalid_secret_name",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::SecretAlreadyExists => "secret_already_exists",
            ErrorCode::SecretNotFound => "secret_not_found",
            ErrorCode::AuthenticationRequired => "authentication_required",
            ErrorCode::EncryptionUnavailable => "encryption_unavailable",
            ErrorCode::ServiceFailed => "service_failed",
            ErrorCode::ServiceUnreachable => "service_unreachable",
            ErrorCode::PermissionMissing => "permission_missing",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::TimedOut => "timed_out",
            ErrorCode::UnexpectedResponse => "unexpected_response",
            ErrorCode::OutcomeUnknown => "outcome_unknown",
            ErrorCode::InvalidSettings => "invalid_settings",
            ErrorCode::HandleNotFound => "handle_not_found",
            ErrorCode::ConsentDenied => "consent_denied",
            ErrorCode::SignInTimedOut => "sign_in_timed_out",
            ErrorCode::SignInCancelled => "sign_in_cancelled",
            ErrorCode::StateMismatch => "state_mismatch",
            ErrorCode::ScopeNotGranted => "scope_not_granted",
            ErrorCode::AccountMismatch => "account_mismatch",
            ErrorCode::SignInFailed => "sign_in_failed",
            ErrorCode::SessionExpired => "session_expired",
            ErrorCode::BrowserUnavailable => "browser_unavailable",
            ErrorCode::IssuedTokenGone => "issued_token_gone",
            ErrorCode::ClipboardUnavailable => "clipboard_unavailable",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::UnknownProvider => "unknown_provider",
            ErrorCode::SecondFactorRequired => "second_factor_required",
            ErrorCode::SecondFactorInvalid => "second_factor_invalid",
            ErrorCode::RotatedWithoutSecret => "rotated_without_secret",
            ErrorCode::AccountBusy => "account_busy",
            ErrorCode::StagedStepNotReady => "staged_step_not_ready",
            ErrorCode::StagedRotationMissing => "staged_rotation_missing",
            ErrorCode::StagedStateUnavailable => "staged_state_unavailable",
            ErrorCode::SecretStillInUse => "secret_still_in_use",
            ErrorCode::WebhookChanged => "webhook_changed",
            ErrorCode::InvalidDelivery => "invalid_delivery",
            ErrorCode::ReceiverUrlRefused => "receiver_url_refused",
            ErrorCode::ReceiverUnreachable => "receiver_unreachable",
            ErrorCode::HistoryFailed => "history_failed",
            ErrorCode::SigningUnknown => "signing_unknown",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "No keychain is available. Install and start a Secret Service provider \
         (GNOME Keyring or KWallet), then try again."
    )]
    KeychainMissing { detail: String },

    #[error(
        "The keychain is locked or not answering. Unlock your keychain (it may be waiting \
         for your password in another window), then try again."
    )]
    KeychainLocked { detail: String },

    #[error(
        "The keychain refused access to Wispkey. Allow Wispkey in your keychain's settings, then try again."
    )]
    KeychainDenied { detail: String },

    #[error("Nothing is stored in the keychain under that name on this machine.")]
    KeychainNotFound,

    #[error(
        "The keychain accepted the value but gave back something different when read. \
         Nothing was lost: try storing it again."
    )]
    KeychainVerifyFailed,

    #[error(
        "The keychain reported an error. Try again; if it keeps happening, restart your keychain service."
    )]
    KeychainFailed { detail: String },

    #[error("Your PDS could not be reached. Check your network connection, then try again.")]
    PdsUnreachable { detail: String },

    #[error(
        "The request was sent but no complete answer came back, so its outcome is unknown. \
         Check the current state before trying again."
    )]
    ResponseLost { detail: String },

    /// A bug on our side (for example a contained panic). The detail is for diagnostics only.
    #[error("Something unexpected went wrong inside Wispkey. Please try again.")]
    Internal { detail: String },

    /// The name breaks the server's rule; the reason is a sentence from `provider::name`.
    #[error("{reason}")]
    InvalidSecretName { reason: String },

    #[error("The service refused the request: {message}. Check the input and try again.")]
    InvalidRequest { message: String },

    #[error(
        "A secret named \"{name}\" already exists. Choose another name, or rotate the existing secret."
    )]
    SecretAlreadyExists { name: String },

    #[error(
        "There is no secret named \"{name}\" (it may have been deleted elsewhere). Refresh the list."
    )]
    SecretNotFound { name: String },

    #[error(
        "The service did not accept your sign-in ({message}). Sign in again; if this keeps \
         happening, check the service's address in the settings."
    )]
    AuthenticationRequired { message: String },

    #[error(
        "The service cannot store secrets right now (its encryption is unavailable). \
         Nothing was changed; try again later."
    )]
    EncryptionUnavailable,

    #[error("The service failed to complete the request and nothing was changed. Try again later.")]
    ServiceFailed,

    #[error("The service could not be reached. Check the service's status, then try again.")]
    ServiceUnreachable { detail: String },

    #[error(
        "Wispkey was not granted permission to {action}. Sign in again and approve access to \
         your signing secrets."
    )]
    PermissionMissing { action: String },

    #[error("{}", rate_limited_sentence(*retry_after_seconds))]
    RateLimited { retry_after_seconds: Option<u64> },

    #[error("No answer came back in time. Check your connection, then try again.")]
    TimedOut { detail: String },

    #[error(
        "The service sent an answer Wispkey could not understand (HTTP {status}). Try again \
         later; if it keeps happening, the service may be misconfigured."
    )]
    UnexpectedResponse { status: u16, detail: String },

    /// Sent, but no usable answer: never retried automatically (design invariant 2).
    #[error("{}", outcome_unknown_sentence(operation, name))]
    OutcomeUnknown {
        operation: crate::operation::Operation,
        name: String,
        detail: String,
    },

    #[error(
        "Wispkey's settings file could not be read. Fix or delete settings.json in its config folder, then restart."
    )]
    InvalidSettings { detail: String },

    #[error(
        "No account was found for that handle or DID. Check the spelling (for example \
         alice.bsky.social) and your network connection, then try again."
    )]
    HandleNotFound { detail: String },

    #[error(
        "Access was denied on the sign-in page. Sign in again and choose Authorize to let \
         Wispkey manage your secrets."
    )]
    ConsentDenied { detail: String },

    #[error(
        "Sign-in did not finish in time. Start it again and complete it in the browser window \
         that opens."
    )]
    SignInTimedOut { seconds: u64 },

    #[error("Sign-in was cancelled. Start it again when you are ready.")]
    SignInCancelled,

    #[error(
        "The sign-in answer did not belong to the sign-in Wispkey started, so it was rejected. \
         Start sign-in again from Wispkey."
    )]
    StateMismatch,

    #[error(
        "Your account did not grant Wispkey permission to {} secrets. Sign in again and approve \
         every requested permission, or choose full access.",
        crate::operation::Operation::verbs_for_sentence(missing)
    )]
    ScopeNotGranted {
        missing: Vec<crate::operation::Operation>,
    },

    #[error(
        "You approved access for a different account than the one you typed. Sign in again \
         and choose the same account on the sign-in page."
    )]
    AccountMismatch { expected: String, actual: String },

    #[error(
        "Sign-in could not be completed. Try again; if it keeps failing, your PDS may not \
         support this kind of sign-in."
    )]
    SignInFailed { detail: String },

    #[error("Your session for this account has expired or was revoked. Sign in again.")]
    SessionExpired { detail: String },

    #[error(
        "Wispkey could not open your web browser for sign-in. Set a default browser, then try again."
    )]
    BrowserUnavailable { detail: String },

    /// Rotate/delete confirmation typed wrong; checked in Rust before anything is sent.
    #[error(
        "The name you typed does not match \"{name}\", so nothing was sent. Type the secret's \
         name exactly to confirm."
    )]
    NameNotConfirmed { name: String },

    #[error(
        "The token issued for \"{name}\" is no longer held by Wispkey (its dialog was closed). \
         If it was stored, use Copy stored token; otherwise rotate the secret to get a new one."
    )]
    IssuedTokenGone { name: String },

    #[error(
        "Wispkey could not use the clipboard. Nothing was copied; select the token and copy it \
         yourself, or try again."
    )]
    ClipboardUnavailable { detail: String },

    #[error("{provider} does not let Wispkey {} its secrets.", operation.verb())]
    Unsupported {
        provider: String,
        operation: crate::operation::Operation,
    },

    #[error(
        "This Wispkey does not know the provider \"{provider}\". Update Wispkey, or sign the \
         account out."
    )]
    UnknownProvider { provider: String },

    /// A definite refusal: nothing happened. The user may send again with a code.
    #[error(
        "{provider} asks for your two-factor code before it will {}. Nothing was changed; type \
         the code from your authenticator app.",
        operation.verb()
    )]
    SecondFactorRequired {
        provider: String,
        operation: crate::operation::Operation,
    },

    #[error(
        "{provider} did not accept that two-factor code, so nothing was changed. Type the \
         current code from your authenticator app and try again."
    )]
    SecondFactorInvalid { provider: String },

    /// The server rotated (the old secret is dead) but its answer carried no secret we can
    /// recognise: say so, never guess.
    #[error(
        "\"{name}\" was rotated, but the answer carried no secret Wispkey recognises: the old \
         secret no longer works. Copy the new secret from the provider's dashboard and use \
         \"Store a secret rotated elsewhere\" to keep it in your keychain."
    )]
    RotatedWithoutSecret { name: String },

    /// Another Wispkey process holds this account's single-use session credential right now.
    #[error(
        "Another Wispkey window or command is renewing this account's session right now. Try \
         again in a moment."
    )]
    AccountBusy,

    /// A preference outside its allowed range; the sentence names the field and the range.
    #[error("{reason}")]
    InvalidPreferences { reason: String },

    /// A staged-rotation step asked for out of order; the reason is a sentence saying what to
    /// do first.
    #[error("{reason}")]
    StagedStepNotReady { reason: String },

    #[error(
        "No staged rotation of \"{name}\" is in progress. Start one first (it may have been \
         finished or cancelled in another Wispkey window or command)."
    )]
    StagedRotationMissing { name: String },

    #[error(
        "Wispkey could not read or save the staged rotation's progress file. Check that its \
         config folder is writable, then try again."
    )]
    StagedStateUnavailable { detail: String },

    /// Never delete a secret a webhook still signs with.
    #[error(
        "\"{name}\" was not deleted: {} still use it ({}). Switch them to the new secret first.",
        webhooks_noun(webhooks.len()),
        webhooks.join(", ")
    )]
    SecretStillInUse { name: String, webhooks: Vec<String> },

    #[error(
        "The webhook to {url} was changed elsewhere while Wispkey was switching it, so it was \
         left as it is. Check the staged rotation's status, then switch again."
    )]
    WebhookChanged { url: String },

    #[error(
        "{provider} does not offer a staged rotation (its webhooks cannot be switched from one secret to another)."
    )]
    StagedRotationUnsupported { provider: String },

    /// The session may manage secrets but not edit the webhook records that name them.
    #[error(
        "Your account did not grant Wispkey permission to edit your webhook records. Sign in \
         again and approve editing webhooks, then continue the switch."
    )]
    WebhookScopeNotGranted { detail: String },

    /// A pasted delivery the signature tester cannot read; the reason says what to fix.
    #[error("The delivery could not be read: {reason}.")]
    InvalidDelivery { reason: String },

    /// Test deliveries go over https, or plain http only to this machine (loopback).
    #[error(
        "Wispkey sends test deliveries only to https addresses (or http on this machine): \
         {reason}. Check the receiver's URL."
    )]
    ReceiverUrlRefused { reason: String },

    /// The test delivery got no HTTP answer (refused, timed out, TLS failure).
    #[error(
        "The receiver did not answer the test delivery ({detail}). Check that it is running \
         and reachable from this machine, then try again."
    )]
    ReceiverUnreachable { detail: String },

    /// The local history file could not be read or written.
    #[error(
        "Wispkey could not use its history file ({detail}). Check the config folder's \
         permissions and free space."
    )]
    HistoryFailed { detail: String },

    /// The provider does not say how it signs deliveries, so no test delivery can be signed.
    #[error(
        "{provider} does not document how it signs webhook deliveries, so Wispkey cannot sign \
         a test delivery for it. Use the signature tester with a delivery you received instead."
    )]
    SigningUnknown { provider: String },
}

fn webhooks_noun(count: usize) -> String {
    if count == 1 {
        "1 webhook".to_owned()
    } else {
        format!("{count} webhooks")
    }
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::KeychainMissing { .. } => ErrorCode::KeychainMissing,
            Error::KeychainLocked { .. } => ErrorCode::KeychainLocked,
            Error::KeychainDenied { .. } => ErrorCode::KeychainDenied,
            Error::KeychainNotFound => ErrorCode::KeychainNotFound,
            Error::KeychainVerifyFailed => ErrorCode::KeychainVerifyFailed,
            Error::KeychainFailed { .. } => ErrorCode::KeychainFailed,
            Error::PdsUnreachable { .. } => ErrorCode::PdsUnreachable,
            Error::ResponseLost { .. } => ErrorCode::ResponseLost,
            Error::Internal { .. } => ErrorCode::Internal,
            Error::InvalidSecretName { .. } => ErrorCode::InvalidSecretName,
            Error::InvalidRequest { .. } => ErrorCode::InvalidRequest,
            Error::SecretAlreadyExists { .. } => ErrorCode::SecretAlreadyExists,
            Error::SecretNotFound { .. } => ErrorCode::SecretNotFound,
            Error::AuthenticationRequired { .. } => ErrorCode::AuthenticationRequired,
            Error::EncryptionUnavailable => ErrorCode::EncryptionUnavailable,
            Error::ServiceFailed => ErrorCode::ServiceFailed,
            Error::ServiceUnreachable { .. } => ErrorCode::ServiceUnreachable,
            Error::PermissionMissing { .. } => ErrorCode::PermissionMissing,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::TimedOut { .. } => ErrorCode::TimedOut,
            Error::UnexpectedResponse { .. } => ErrorCode::UnexpectedResponse,
            Error::OutcomeUnknown { .. } => ErrorCode::OutcomeUnknown,
            Error::InvalidSettings { .. } => ErrorCode::InvalidSettings,
            Error::HandleNotFound { .. } => ErrorCode::HandleNotFound,
            Error::ConsentDenied { .. } => ErrorCode::ConsentDenied,
            Error::SignInTimedOut { .. } => ErrorCode::SignInTimedOut,
            Error::SignInCancelled => ErrorCode::SignInCancelled,
            Error::StateMismatch => ErrorCode::StateMismatch,
            Error::ScopeNotGranted { .. } => ErrorCode::ScopeNotGranted,
            Error::AccountMismatch { .. } => ErrorCode::AccountMismatch,
            Error::SignInFailed { .. } => ErrorCode::SignInFailed,
            Error::SessionExpired { .. } => ErrorCode::SessionExpired,
            Error::BrowserUnavailable { .. } => ErrorCode::BrowserUnavailable,
            Error::NameNotConfirmed { .. } => ErrorCode::InvalidRequest,
            Error::IssuedTokenGone { .. } => ErrorCode::IssuedTokenGone,
            Error::ClipboardUnavailable { .. } => ErrorCode::ClipboardUnavailable,
            Error::InvalidPreferences { .. } => ErrorCode::InvalidSettings,
            Error::Unsupported { .. } => ErrorCode::Unsupported,
            Error::UnknownProvider { .. } => ErrorCode::UnknownProvider,
            Error::SecondFactorRequired { .. } => ErrorCode::SecondFactorRequired,
            Error::SecondFactorInvalid { .. } => ErrorCode::SecondFactorInvalid,
            Error::RotatedWithoutSecret { .. } => ErrorCode::RotatedWithoutSecret,
            Error::AccountBusy => ErrorCode::AccountBusy,
            Error::StagedStepNotReady { .. } => ErrorCode::StagedStepNotReady,
            Error::StagedRotationMissing { .. } => ErrorCode::StagedRotationMissing,
            Error::StagedStateUnavailable { .. } => ErrorCode::StagedStateUnavailable,
            Error::SecretStillInUse { .. } => ErrorCode::SecretStillInUse,
            Error::WebhookChanged { .. } => ErrorCode::WebhookChanged,
            Error::StagedRotationUnsupported { .. } => ErrorCode::Unsupported,
            Error::WebhookScopeNotGranted { .. } => ErrorCode::ScopeNotGranted,
            Error::InvalidDelivery { .. } => ErrorCode::InvalidDelivery,
            Error::ReceiverUrlRefused { .. } => ErrorCode::ReceiverUrlRefused,
            Error::ReceiverUnreachable { .. } => ErrorCode::ReceiverUnreachable,
            Error::HistoryFailed { .. } => ErrorCode::HistoryFailed,
            Error::SigningUnknown { .. } => ErrorCode::SigningUnknown,
        }
    }
}

fn rate_limited_sentence(retry_after_seconds: Option<u64>) -> String {
    match retry_after_seconds {
        Some(seconds) => format!("Too many requests. Wait {seconds} seconds, then try again."),
        None => "Too many requests. Wait a minute, then try again.".to_owned(),
    }
}

fn outcome_unknown_sentence(operation: &crate::operation::Operation, name: &str) -> String {
    use crate::operation::Operation;
    match operation {
        Operation::Rotate => format!(
            "The rotation of \"{name}\" was sent but no answer came back, so it may have \
             happened: the old token may already have stopped working. Refresh the list and \
             check its last-rotated time, then rotate again to get a token you can see."
        ),
        Operation::Create => format!(
            "Creating \"{name}\" was sent but no answer came back, so it may exist without its \
             token having been shown. Refresh the list: if it is there, rotate it to get a token \
             you can see."
        ),
        Operation::Delete => format!(
            "Deleting \"{name}\" was sent but no answer came back, so it may already be gone. \
             Refresh the list to see."
        ),
        Operation::List => "The list request got no answer. Refresh to try again.".to_owned(),
    }
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_serialize_to_their_stable_strings() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn every_error_message_ends_as_a_sentence() {
        let errors = [
            Error::KeychainMissing {
                detail: String::new(),
            },
            Error::KeychainLocked {
                detail: String::new(),
            },
            Error::KeychainDenied {
                detail: String::new(),
            },
            Error::KeychainNotFound,
            Error::KeychainVerifyFailed,
            Error::KeychainFailed {
                detail: String::new(),
            },
            Error::PdsUnreachable {
                detail: String::new(),
            },
            Error::ResponseLost {
                detail: String::new(),
            },
            Error::InvalidSettings {
                detail: String::new(),
            },
            Error::Internal {
                detail: String::new(),
            },
            Error::InvalidSecretName {
                reason: "Give the secret a name.".into(),
            },
            Error::InvalidRequest {
                message: "invalid secret name".into(),
            },
            Error::SecretAlreadyExists { name: "n".into() },
            Error::SecretNotFound { name: "n".into() },
            Error::AuthenticationRequired {
                message: "jwt is expired".into(),
            },
            Error::EncryptionUnavailable,
            Error::ServiceFailed,
            Error::ServiceUnreachable {
                detail: String::new(),
            },
            Error::PermissionMissing {
                action: "rotate secrets".into(),
            },
            Error::RateLimited {
                retry_after_seconds: Some(30),
            },
            Error::RateLimited {
                retry_after_seconds: None,
            },
            Error::TimedOut {
                detail: String::new(),
            },
            Error::UnexpectedResponse {
                status: 502,
                detail: String::new(),
            },
            Error::OutcomeUnknown {
                operation: crate::operation::Operation::Rotate,
                name: "n".into(),
                detail: String::new(),
            },
            Error::OutcomeUnknown {
                operation: crate::operation::Operation::Create,
                name: "n".into(),
                detail: String::new(),
            },
            Error::OutcomeUnknown {
                operation: crate::operation::Operation::Delete,
                name: "n".into(),
                detail: String::new(),
            },
            Error::HandleNotFound {
                detail: String::new(),
            },
            Error::ConsentDenied {
                detail: String::new(),
            },
            Error::SignInTimedOut { seconds: 300 },
            Error::SignInCancelled,
            Error::StateMismatch,
            Error::ScopeNotGranted {
                missing: vec![crate::operation::Operation::Rotate],
            },
            Error::AccountMismatch {
                expected: String::new(),
                actual: String::new(),
            },
            Error::SignInFailed {
                detail: String::new(),
            },
            Error::SessionExpired {
                detail: String::new(),
            },
            Error::BrowserUnavailable {
                detail: String::new(),
            },
            Error::NameNotConfirmed { name: "n".into() },
            Error::IssuedTokenGone { name: "n".into() },
            Error::ClipboardUnavailable {
                detail: String::new(),
            },
            Error::InvalidPreferences {
                reason: "Clear the clipboard after 0 to 600 seconds.".into(),
            },
            Error::Unsupported {
                provider: "Phala Cloud".into(),
                operation: crate::operation::Operation::Create,
            },
            Error::UnknownProvider {
                provider: "x".into(),
            },
            Error::SecondFactorRequired {
                provider: "Phala Cloud".into(),
                operation: crate::operation::Operation::Rotate,
            },
            Error::SecondFactorInvalid {
                provider: "Phala Cloud".into(),
            },
            Error::RotatedWithoutSecret { name: "n".into() },
            Error::AccountBusy,
            Error::StagedStepNotReady {
                reason: "Deploy the new secret first.".into(),
            },
            Error::StagedRotationMissing { name: "n".into() },
            Error::StagedStateUnavailable {
                detail: String::new(),
            },
            Error::SecretStillInUse {
                name: "n".into(),
                webhooks: vec!["https://a.example".into()],
            },
            Error::WebhookChanged {
                url: "https://a.example".into(),
            },
            Error::StagedRotationUnsupported {
                provider: "Phala Cloud".into(),
            },
            Error::WebhookScopeNotGranted {
                detail: String::new(),
            },
            Error::InvalidDelivery {
                reason: "it has no blank line between headers and body".into(),
            },
            Error::ReceiverUrlRefused {
                reason: "http://example.com is not on this machine".into(),
            },
            Error::ReceiverUnreachable {
                detail: "connection refused".into(),
            },
            Error::HistoryFailed {
                detail: "permission denied".into(),
            },
            Error::SigningUnknown {
                provider: "Slate".into(),
            },
        ];
        for error in errors {
            let message = error.to_string();
            assert!(message.ends_with('.'), "{message}");
            assert!(message.len() > 20, "{message}");
        }
    }
}

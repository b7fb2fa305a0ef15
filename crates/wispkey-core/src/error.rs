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
    ServerAddressInvalid,
    OperationNotRecorded,
    StoredCopyMayBeStale,
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
    SessionNotSaved,
    InsecureEndpoint,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 56] = [
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
        ErrorCode::ServerAddressInvalid,
        ErrorCode::OperationNotRecorded,
        ErrorCode::StoredCopyMayBeStale,
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
        ErrorCode::SessionNotSaved,
        ErrorCode::InsecureEndpoint,
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
            ErrorCode::ServerAddressInvalid => "server_address_invalid",
            ErrorCode::OperationNotRecorded => "operation_not_recorded",
            ErrorCode::StoredCopyMayBeStale => "stored_copy_may_be_stale",
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
            ErrorCode::SessionNotSaved => "session_not_saved",
            ErrorCode::InsecureEndpoint => "insecure_endpoint",
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

    /// Sent, but no usable answer: never retried automatically (design invariant 2). `reply`
    /// says whether nothing came back or something came back that could not be used.
    #[error("{}", outcome_unknown_sentence(operation, name, *reply))]
    OutcomeUnknown {
        operation: crate::operation::Operation,
        name: String,
        reply: Reply,
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

    /// A session was renewed (the old refresh token is spent) but the keychain did not take its
    /// successor. The new tokens are kept in memory and not used until they are saved.
    /// `reason` is the keychain error's own sentence.
    #[error(
        "Your session was renewed but could not be saved to the keychain: {reason} Until it is \
         saved Wispkey keeps it in memory only; if Wispkey closes first, you will have to sign \
         in again."
    )]
    SessionNotSaved { reason: String },

    /// A preference outside its allowed range; the sentence names the field and the range.
    #[error("{reason}")]
    InvalidPreferences { reason: String },

    /// Sign-in by email and password was refused: nothing is stored.
    #[error(
        "{provider} did not accept that email and password. Check both (and the server \
         address), then sign in again."
    )]
    CredentialsRefused { provider: String },

    /// The password was right and the account has a second factor: ask for the code.
    #[error(
        "{provider} asks for the code from your authenticator app to finish signing in. Type \
         or paste it, then sign in again."
    )]
    SignInCodeRequired { provider: String },

    /// The server ended the session (a refresh token presented twice, or revoked by an
    /// administrator): the stored session is gone.
    #[error(
        "{provider} ended this account's session (it was revoked, or its sign-in was used \
         elsewhere), so Wispkey signed it out here. Sign in again."
    )]
    SessionRevoked { provider: String },

    /// A pasted API token the server no longer accepts for what it is (`state`: "revoked",
    /// "disabled", "expired").
    #[error(
        "{provider} refused the API token: it is {state}. Sign in with an active token, or \
         with your email and password."
    )]
    ApiTokenRefused { provider: String, state: String },

    /// A server address that cannot be used; `reason` is a whole sentence.
    #[error("{reason}")]
    ServerAddressInvalid { reason: String },

    /// The keychain said it is locked when asked, before anything was written (no prompt, no
    /// waiting). Same code as a keychain that does not answer: the same remedy, unlock it.
    #[error(
        "Your keychain is locked, so Wispkey could not use it. Unlock it (choose Unlock, or \
         unlock the login keychain in your desktop's keychain app), then try again."
    )]
    KeychainIsLocked,

    /// A value larger than one keychain item may hold on every platform (a bug: large values
    /// are kept as parts). Never written.
    #[error(
        "The keychain cannot hold a value this large in one item, so nothing was written. \
         Please report this; nothing that was stored before was changed."
    )]
    KeychainItemTooLarge {
        item: String,
        bytes: usize,
        limit: usize,
    },

    /// The in-flight note could not be written before a create, rotate or delete, so the
    /// request was not sent (an unanswered request must never be forgotten).
    #[error(
        "Wispkey could not note the request on disk before sending it, so nothing was sent. \
         Check that its config folder is writable and has space, then try again."
    )]
    NotRecorded { detail: String },

    /// The stored copy may be older than the secret's current token: copied only when the user
    /// says so after reading why.
    #[error(
        "The stored token for \"{name}\" may be out of date: {reason} It may no longer work. \
         Copy it anyway only if you know it is current; otherwise rotate the secret to get a \
         token you can use."
    )]
    StoredCopyMayBeStale { name: String, reason: String },

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

    /// An address that is not https (plain http is allowed to this machine only); see
    /// `net::endpoint`. `why` is a clause, not a sentence.
    #[error(
        "Wispkey refused to contact {host}: {why}. Check the address in Wispkey's settings or \
         the account's server."
    )]
    InsecureEndpoint { host: String, why: String },

    /// An answer over `net::MAX_ANSWER_BYTES`: reading stopped there (see `net::body`).
    #[error(
        "{host} sent an answer larger than {} MB, so Wispkey stopped reading it. Try again \
         later; if it keeps happening, the service may be misconfigured.",
        limit_bytes / (1024 * 1024)
    )]
    AnswerTooLarge { host: String, limit_bytes: usize },
}

/// What came back for a request whose outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// Nothing (a timeout, a dropped connection, a gateway saying the service did not answer).
    Nothing,
    /// An answer that could not be read (malformed, too large, an unexplained server error).
    Unreadable,
    /// A readable answer without the token it should have carried.
    WithoutToken,
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
            Error::CredentialsRefused { .. } => ErrorCode::SignInFailed,
            Error::SignInCodeRequired { .. } => ErrorCode::SecondFactorRequired,
            Error::SessionRevoked { .. } => ErrorCode::SessionExpired,
            Error::ApiTokenRefused { .. } => ErrorCode::AuthenticationRequired,
            Error::ServerAddressInvalid { .. } => ErrorCode::ServerAddressInvalid,
            Error::KeychainIsLocked => ErrorCode::KeychainLocked,
            Error::KeychainItemTooLarge { .. } => ErrorCode::KeychainFailed,
            Error::NotRecorded { .. } => ErrorCode::OperationNotRecorded,
            Error::StoredCopyMayBeStale { .. } => ErrorCode::StoredCopyMayBeStale,
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
            Error::SessionNotSaved { .. } => ErrorCode::SessionNotSaved,
            Error::InsecureEndpoint { .. } => ErrorCode::InsecureEndpoint,
            Error::AnswerTooLarge { .. } => ErrorCode::UnexpectedResponse,
        }
    }
}

fn rate_limited_sentence(retry_after_seconds: Option<u64>) -> String {
    match retry_after_seconds {
        Some(seconds) => format!("Too many requests. Wait {seconds} seconds, then try again."),
        None => "Too many requests. Wait a minute, then try again.".to_owned(),
    }
}

fn outcome_unknown_sentence(
    operation: &crate::operation::Operation,
    name: &str,
    reply: Reply,
) -> String {
    use crate::operation::Operation;
    let came_back = match reply {
        Reply::Nothing => "but no answer came back",
        Reply::Unreadable => "and an answer came back, but Wispkey could not read it",
        Reply::WithoutToken => "and an answer came back, but it carried no token Wispkey could use",
    };
    match operation {
        Operation::Rotate => format!(
            "The rotation of \"{name}\" was sent {came_back}, so it may have happened: the old \
             token may already have stopped working. Refresh the list and check its last-rotated \
             time, then rotate again to get a token you can see."
        ),
        Operation::Create => format!(
            "Creating \"{name}\" was sent {came_back}, so it may exist without its token having \
             been shown. Refresh the list: if it is there, rotate it to get a token you can see."
        ),
        Operation::Delete => format!(
            "Deleting \"{name}\" was sent {came_back}, so it may already be gone. Refresh the \
             list to see."
        ),
        Operation::List => {
            "The list request got no usable answer. Refresh to try again.".to_owned()
        }
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
                reply: Reply::Nothing,
                detail: String::new(),
            },
            Error::OutcomeUnknown {
                operation: crate::operation::Operation::Create,
                name: "n".into(),
                reply: Reply::WithoutToken,
                detail: String::new(),
            },
            Error::OutcomeUnknown {
                operation: crate::operation::Operation::Delete,
                name: "n".into(),
                reply: Reply::Unreadable,
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
            Error::CredentialsRefused {
                provider: "Slate".into(),
            },
            Error::SignInCodeRequired {
                provider: "Slate".into(),
            },
            Error::SessionRevoked {
                provider: "Slate".into(),
            },
            Error::ApiTokenRefused {
                provider: "Slate".into(),
                state: "revoked".into(),
            },
            Error::ServerAddressInvalid {
                reason: "Use an https:// address.".into(),
            },
            Error::KeychainIsLocked,
            Error::KeychainItemTooLarge {
                item: String::new(),
                bytes: 2562,
                limit: 2560,
            },
            Error::NotRecorded {
                detail: String::new(),
            },
            Error::StoredCopyMayBeStale {
                name: "n".into(),
                reason: "it was rotated after this copy was saved.".into(),
            },
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
            Error::SessionNotSaved {
                reason: "The keychain is locked.".into(),
            },
            Error::InsecureEndpoint {
                host: "pds.example".into(),
                why: "only https addresses are allowed".into(),
            },
            Error::AnswerTooLarge {
                host: "pds.example".into(),
                limit_bytes: 4 * 1024 * 1024,
            },
        ];
        for error in errors {
            let message = error.to_string();
            assert!(message.ends_with('.'), "{message}");
            assert!(message.len() > 20, "{message}");
        }
    }

    #[test]
    fn an_unknown_outcome_says_whether_an_answer_came_back() {
        use crate::operation::Operation;
        for operation in [Operation::Create, Operation::Rotate, Operation::Delete] {
            let said = |reply| {
                Error::OutcomeUnknown {
                    operation,
                    name: "hook".into(),
                    reply,
                    detail: String::new(),
                }
                .to_string()
            };
            let nothing = said(Reply::Nothing);
            assert!(nothing.contains("no answer came back"), "{nothing}");
            for reply in [Reply::Unreadable, Reply::WithoutToken] {
                let answered = said(reply);
                assert!(answered.contains("an answer came back"), "{answered}");
                assert!(!answered.contains("no answer came back"), "{answered}");
            }
            assert_ne!(said(Reply::Unreadable), said(Reply::WithoutToken));
            let code = |reply| {
                Error::OutcomeUnknown {
                    operation,
                    name: "hook".into(),
                    reply,
                    detail: String::new(),
                }
                .code()
            };
            assert_eq!(code(Reply::Nothing), ErrorCode::OutcomeUnknown);
            assert_eq!(code(Reply::Unreadable), ErrorCode::OutcomeUnknown);
        }
    }
}

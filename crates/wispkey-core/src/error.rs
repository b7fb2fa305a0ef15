//! The core's one error type. Every variant has a stable [`ErrorCode`] (it crosses IPC and is
//! pinned by tests) and a `Display` sentence a user can act on. Platform details are kept for
//! diagnostics but never contain secret values.

use serde::Serialize;

/// Stable, machine-readable identifiers. Renaming one is a breaking change for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 8] = [
        ErrorCode::KeychainMissing,
        ErrorCode::KeychainLocked,
        ErrorCode::KeychainDenied,
        ErrorCode::KeychainNotFound,
        ErrorCode::KeychainVerifyFailed,
        ErrorCode::KeychainFailed,
        ErrorCode::PdsUnreachable,
        ErrorCode::ResponseLost,
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
        ];
        for error in errors {
            let message = error.to_string();
            assert!(message.ends_with('.'), "{message}");
            assert!(message.len() > 20, "{message}");
        }
    }
}

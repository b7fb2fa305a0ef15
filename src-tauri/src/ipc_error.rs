//! How errors cross IPC: always `{code, message}`. The code is stable (the UI branches on it);
//! the message is a sentence for the user. Nothing else — no platform detail, no parameters —
//! so a secret passed to a command can never come back in an error.

use serde::Serialize;
use wispkey_core::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<wispkey_core::Error> for IpcError {
    fn from(error: wispkey_core::Error) -> Self {
        IpcError {
            code: error.code(),
            message: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_ipc_as_code_and_message_only() {
        let error = IpcError::from(wispkey_core::Error::KeychainMissing {
            detail: "DBus error: org.freedesktop.secrets was not provided".into(),
        });
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "keychain_missing",
                "message": "No keychain is available. Install and start a Secret Service provider \
                            (GNOME Keyring or KWallet), then try again."
            })
        );
    }

    #[test]
    fn platform_detail_never_reaches_the_front_end() {
        let error = IpcError::from(wispkey_core::Error::KeychainFailed {
            detail: "internal detail 1234".into(),
        });
        let json = serde_json::to_string(&error).unwrap();
        assert!(!json.contains("1234"), "{json}");
    }
}

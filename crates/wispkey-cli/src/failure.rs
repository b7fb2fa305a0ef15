//! A failed command: a stable code and a sentence, as the window shows errors. The CLI's own
//! refusals (no account, a confirmation it cannot ask for) reuse the core's codes.

use wispkey_app::IpcError;
use wispkey_core::{Error, ErrorCode};

use crate::exit;

#[derive(Debug)]
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
}

impl Failure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }

    pub fn exit_code(&self) -> u8 {
        exit::code_for(self.code)
    }

    /// To stderr always (an outcome-unknown one says so first); to stdout too with `--json`.
    pub fn report(&self, json: bool) {
        tracing::info!(
            target: "wispkey::cli",
            code = %self.code.as_str(),
            exit = self.exit_code(),
            "command failed"
        );
        if self.exit_code() == exit::OUTCOME_UNKNOWN {
            eprintln!("Outcome unknown: {}", self.message);
        } else {
            eprintln!("Error: {}", self.message);
        }
        if json {
            let error = serde_json::json!({
                "error": { "code": self.code, "message": self.message }
            });
            println!("{error}");
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        IpcError::from(error).into()
    }
}

impl From<IpcError> for Failure {
    fn from(error: IpcError) -> Self {
        Failure {
            code: error.code,
            message: error.message,
        }
    }
}

pub type Outcome<T = ()> = std::result::Result<T, Failure>;

//! Exit codes: one number per kind of failure, decided for every [`ErrorCode`] (no wildcard, so
//! a new code does not compile until it has one). Scripts branch on these; they are stable and
//! listed in `wispkey --help` ([`HELP`]).

use wispkey_core::ErrorCode;

pub const OK: u8 = 0;
/// A bug in Wispkey (a contained panic, an impossible state).
pub const INTERNAL: u8 = 1;
/// The command line itself is wrong (clap's own exit code; a test pins that they agree).
#[cfg_attr(not(test), expect(dead_code))]
pub const USAGE: u8 = 2;
pub const INVALID_INPUT: u8 = 3;
pub const NOT_SIGNED_IN: u8 = 4;
pub const KEYCHAIN: u8 = 5;
pub const NETWORK: u8 = 6;
/// Sent, no answer: it may have happened. Never retried; check with `wispkey list`.
pub const OUTCOME_UNKNOWN: u8 = 7;
pub const NOT_FOUND: u8 = 8;
pub const UNSUPPORTED: u8 = 9;
pub const SIGN_IN: u8 = 10;
pub const CLIPBOARD: u8 = 11;
/// The provider wants a (valid) second-factor code; nothing was changed.
pub const SECOND_FACTOR: u8 = 12;
/// Rotated, but the answer carried no secret: store it with `wispkey store`.
pub const ROTATED_WITHOUT_SECRET: u8 = 13;
/// `copy` refused a stored copy that may be out of date (pass --even-if-out-of-date).
pub const OUT_OF_DATE: u8 = 14;
/// The in-flight note could not be written, so nothing was sent.
pub const NOT_RECORDED: u8 = 15;
/// `wispkey verify`: the delivery does not verify. `wispkey log --verify`: the chain is broken.
pub const NOT_VERIFIED: u8 = 16;
/// The test delivery could not be sent (a refused URL or no answer).
pub const RECEIVER: u8 = 17;
/// The local history file could not be used.
pub const HISTORY: u8 = 18;

/// The exit code for an error's stable code.
pub fn code_for(code: ErrorCode) -> u8 {
    match code {
        ErrorCode::Internal => INTERNAL,
        ErrorCode::InvalidSecretName
        | ErrorCode::InvalidRequest
        | ErrorCode::SecretAlreadyExists
        | ErrorCode::InvalidSettings
        | ErrorCode::ServerAddressInvalid
        | ErrorCode::StagedStepNotReady
        | ErrorCode::StagedStateUnavailable
        | ErrorCode::SecretStillInUse
        | ErrorCode::WebhookChanged => INVALID_INPUT,
        ErrorCode::AuthenticationRequired
        | ErrorCode::SessionExpired
        | ErrorCode::PermissionMissing
        | ErrorCode::ScopeNotGranted => NOT_SIGNED_IN,
        ErrorCode::KeychainMissing
        | ErrorCode::KeychainLocked
        | ErrorCode::KeychainDenied
        | ErrorCode::KeychainNotFound
        | ErrorCode::KeychainVerifyFailed
        | ErrorCode::KeychainFailed
        | ErrorCode::SessionNotSaved => KEYCHAIN,
        ErrorCode::PdsUnreachable
        | ErrorCode::EncryptionUnavailable
        | ErrorCode::ServiceFailed
        | ErrorCode::ServiceUnreachable
        | ErrorCode::RateLimited
        | ErrorCode::TimedOut
        | ErrorCode::AccountBusy
        | ErrorCode::UnexpectedResponse
        | ErrorCode::InsecureEndpoint => NETWORK,
        ErrorCode::OutcomeUnknown | ErrorCode::ResponseLost => OUTCOME_UNKNOWN,
        ErrorCode::SecretNotFound
        | ErrorCode::IssuedTokenGone
        | ErrorCode::StagedRotationMissing => NOT_FOUND,
        ErrorCode::Unsupported | ErrorCode::UnknownProvider | ErrorCode::SigningUnknown => {
            UNSUPPORTED
        }
        ErrorCode::HandleNotFound
        | ErrorCode::ConsentDenied
        | ErrorCode::SignInTimedOut
        | ErrorCode::SignInCancelled
        | ErrorCode::StateMismatch
        | ErrorCode::AccountMismatch
        | ErrorCode::SignInFailed
        | ErrorCode::BrowserUnavailable => SIGN_IN,
        ErrorCode::ClipboardUnavailable => CLIPBOARD,
        ErrorCode::SecondFactorRequired | ErrorCode::SecondFactorInvalid => SECOND_FACTOR,
        ErrorCode::RotatedWithoutSecret => ROTATED_WITHOUT_SECRET,
        ErrorCode::StoredCopyMayBeStale => OUT_OF_DATE,
        ErrorCode::OperationNotRecorded => NOT_RECORDED,
        ErrorCode::InvalidDelivery => INVALID_INPUT,
        ErrorCode::ReceiverUrlRefused | ErrorCode::ReceiverUnreachable => RECEIVER,
        ErrorCode::HistoryFailed => HISTORY,
    }
}

/// The table as `--help` shows it. A unit test checks it against [`code_for`].
pub const HELP: &str = "\
Exit codes (stable; with --json the error's code is in {\"error\": {\"code\", \"message\"}}):
   0  success
   1  internal: a bug in Wispkey (internal)
   2  usage: the command line is wrong
   3  invalid input: invalid_secret_name, invalid_request (also a mistyped or missing
      confirmation), secret_already_exists, invalid_settings, server_address_invalid,
      invalid_delivery; staged rotation, nothing done: staged_step_not_ready (a step out
      of order), staged_state_unavailable (its progress file), secret_still_in_use (a
      webhook still names the old secret), webhook_changed (edited elsewhere mid-switch)
   4  not signed in: authentication_required (also no account / unknown --account),
      session_expired, permission_missing, scope_not_granted
   5  keychain: keychain_missing, keychain_locked, keychain_denied, keychain_not_found,
      keychain_verify_failed, keychain_failed (create/rotate: the token was NOT stored and
      was printed to stdout, the only copy), session_not_saved (the session was renewed
      but the keychain refused it: unlock it and run the command again)
   6  network or service: pds_unreachable, encryption_unavailable, service_failed,
      service_unreachable, rate_limited, timed_out, unexpected_response, account_busy,
      insecure_endpoint (an address that is not https was refused; nothing was sent)
   7  OUTCOME UNKNOWN: outcome_unknown, response_lost. The request was sent and no usable
      answer came back (none, or one that could not be read); it may have happened. Never retried: check with `wispkey list`.
   8  not found: secret_not_found, issued_token_gone, staged_rotation_missing
   9  unsupported: unsupported, unknown_provider, signing_unknown
  10  sign-in failed: handle_not_found, consent_denied, sign_in_timed_out,
      sign_in_cancelled, state_mismatch, account_mismatch, sign_in_failed,
      browser_unavailable
  11  clipboard: clipboard_unavailable
  12  second factor: second_factor_required, second_factor_invalid (nothing was changed;
      pass --code, or type the code when asked on a terminal)
  13  rotated without a secret: rotated_without_secret (the old secret is dead; copy the
      new one from the provider's dashboard and keep it with `wispkey store ID`)
  14  stored copy may be out of date: stored_copy_may_be_stale (`copy` copied nothing: a
      rotate of the secret got no answer, or the list shows it rotated after the copy was
      stored; `copy ID --even-if-out-of-date` copies it anyway)
  15  not recorded: operation_not_recorded (the note Wispkey writes before sending a
      create, rotate or delete could not be written, so nothing was sent)
  16  not verified: `wispkey verify` found the delivery does not verify, or
      `wispkey log --verify` found a broken link in the history
  17  receiver: receiver_url_refused, receiver_unreachable (the test delivery was not
      answered; an answer with any HTTP status exits 0 and prints it)
  18  history: history_failed

Requests cut short: before a create, rotate or delete is sent, Wispkey notes it in
in-flight/ under its config folder (no secret in it) and removes the note when the answer
comes. If a run ends while waiting (killed, crashed), every later command says so on
stderr until `wispkey list` for that account has shown the state to check.

Output: tokens go to stdout only, and only when asked (--show or --json), or when the
keychain refused them (the printed token is then the only copy). Progress, questions
and errors go to stderr. With --json, stdout carries one JSON value (the result, or
{\"error\": {\"code\", \"message\"}}) and the error sentence is also on stderr.

Environment: WISPKEY_PLC_URL, WISPKEY_HANDLE_RESOLVER_PDS, WISPKEY_WISP_SERVICE_DID,
WISPKEY_PHALA_URL, WISPKEY_SLATE_URL (network settings, as for the desktop app).
Settings and preferences (clipboardClearSeconds) are shared with the desktop app, in
place.wisp.wispkey under the config folder ($XDG_CONFIG_HOME or ~/.config).";

#[cfg(test)]
mod tests {
    use super::*;

    /// The help's table as (exit code, the text listed under it).
    fn help_table() -> Vec<(u8, String)> {
        let mut rows: Vec<(u8, String)> = Vec::new();
        for line in HELP.lines().skip(1).take_while(|line| !line.is_empty()) {
            let trimmed = line.trim_start();
            let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
            match (digits.parse::<u8>(), rows.last_mut()) {
                (Ok(number), _) => rows.push((number, trimmed[digits.len()..].to_owned())),
                (Err(_), Some((_, text))) => text.push_str(line),
                (Err(_), None) => {}
            }
        }
        rows
    }

    #[test]
    fn the_help_lists_every_error_code_under_its_exit_code() {
        let table = help_table();
        for code in ErrorCode::ALL {
            let number = code_for(code);
            let listed = table
                .iter()
                .find(|(n, _)| *n == number)
                .map(|(_, text)| text.as_str())
                .unwrap_or_default();
            let words: Vec<&str> = listed
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .collect();
            assert!(
                words.contains(&code.as_str()),
                "{} (exit {number}) is not listed under it: {listed:?}",
                code.as_str()
            );
        }
    }

    #[test]
    fn outcome_unknown_has_a_code_of_its_own() {
        for code in ErrorCode::ALL {
            let unknown = matches!(code, ErrorCode::OutcomeUnknown | ErrorCode::ResponseLost);
            assert_eq!(
                code_for(code) == OUTCOME_UNKNOWN,
                unknown,
                "{}",
                code.as_str()
            );
        }
    }
}

// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit by hand.

export type ErrorCode = "keychain_missing" | "keychain_locked" | "keychain_denied" | "keychain_not_found" | "keychain_verify_failed" | "keychain_failed" | "pds_unreachable" | "response_lost" | "internal" | "handle_not_found" | "consent_denied" | "sign_in_timed_out" | "sign_in_cancelled" | "state_mismatch" | "scope_not_granted" | "account_mismatch" | "sign_in_failed" | "session_expired" | "browser_unavailable";

export type IpcError = { code: ErrorCode, message: string, };

export type KeychainStatus = { 
/**
 * Where tokens are kept, for the UI to name it ("Secret Service", "macOS Keychain"…).
 */
store: string, };

/** Every command: its arguments and what it returns on success. */
export type Commands = {
  keychain_status: { args: Record<string, never>; returns: KeychainStatus };
};

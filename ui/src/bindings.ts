// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit by hand.

export type ErrorCode = "keychain_missing" | "keychain_locked" | "keychain_denied" | "keychain_not_found" | "keychain_verify_failed" | "keychain_failed" | "pds_unreachable" | "response_lost" | "internal" | "invalid_secret_name" | "invalid_request" | "secret_already_exists" | "secret_not_found" | "authentication_required" | "encryption_unavailable" | "service_failed" | "service_unreachable" | "permission_missing" | "rate_limited" | "timed_out" | "unexpected_response" | "outcome_unknown" | "invalid_settings" | "handle_not_found" | "consent_denied" | "sign_in_timed_out" | "sign_in_cancelled" | "state_mismatch" | "scope_not_granted" | "account_mismatch" | "sign_in_failed" | "session_expired" | "browser_unavailable" | "issued_token_gone" | "clipboard_unavailable";

export type IpcError = { code: ErrorCode, message: string, };

export type KeychainStatus = { 
/**
 * Where tokens are kept, for the UI to name it ("Secret Service", "macOS Keychain"…).
 */
store: string, };

export type Capability = "list" | "create" | "rotate" | "delete";

export type Account = { did: string, handle: string | null, pds: string, 
/**
 * The granted scope, verbatim.
 */
scope: string, 
/**
 * What the granted scope allows with secrets.
 */
capabilities: Array<Capability>, };

export type SignOutOutcome = { 
/**
 * False when the server could not be told (offline): local material is gone either way,
 * and the server-side session expires on its own.
 */
revokedAtServer: boolean, };

export type SecretRow = { name: string, createdAt: string, lastRotatedAt: string | null, 
/**
 * A token for this secret is in this machine's keychain.
 */
storedLocally: boolean, };

export type SignInFinished = { account: Account | null, error: IpcError | null, };

export type IssuedSecret = { name: string, 
/**
 * RFC 3339.
 */
issuedAt: string, token: string, 
/**
 * Written to the keychain and read back equal before this was returned.
 */
stored: boolean, 
/**
 * Why it is not stored (when `stored` is false).
 */
storeError: IpcError | null, };

export type ClipboardCopy = { 
/**
 * 0 = auto-clear is off.
 */
clearsInSeconds: number, };

export type ClipboardCleared = { cleared: boolean, };

export type Preferences = { 
/**
 * Seconds until a copied token is cleared from the clipboard; 0 = never (0..=600).
 */
clipboardClearSeconds: number, 
/**
 * A secret not rotated for this many days gets an age warning (1..=3650).
 */
ageWarningDays: number, };

export type DeleteOutcome = { localCopyRemoved: boolean, };

export type WebhookRow = { url: string, enabled: boolean, };

/** Every command: its arguments and what it returns on success. */
export type Commands = {
  keychain_status: { args: Record<string, never>; returns: KeychainStatus };
  restore_accounts: { args: Record<string, never>; returns: Account[] };
  sign_in: { args: { identity: string; fullAccess: boolean }; returns: null };
  cancel_sign_in: { args: Record<string, never>; returns: null };
  sign_out: { args: { did: string }; returns: SignOutOutcome };
  list_secrets: { args: { did: string }; returns: SecretRow[] };
  create_secret: { args: { did: string; name: string }; returns: IssuedSecret };
  rotate_secret: { args: { did: string; name: string; confirmName: string }; returns: IssuedSecret };
  delete_secret: { args: { did: string; name: string; confirmName: string; removeLocalCopy: boolean }; returns: DeleteOutcome };
  retry_store_token: { args: { did: string; name: string }; returns: IssuedSecret };
  copy_issued_token: { args: { did: string; name: string }; returns: ClipboardCopy };
  copy_stored_token: { args: { did: string; name: string }; returns: ClipboardCopy };
  forget_stored_token: { args: { did: string; name: string }; returns: null };
  clear_clipboard: { args: Record<string, never>; returns: null };
  finish_issued_token: { args: { did: string; name: string }; returns: null };
  get_preferences: { args: Record<string, never>; returns: Preferences };
  save_preferences: { args: { preferences: Preferences }; returns: Preferences };
  close_window: { args: Record<string, never>; returns: null };
  webhooks_using: { args: { did: string; name: string }; returns: WebhookRow[] };
};

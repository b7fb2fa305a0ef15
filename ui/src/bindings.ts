// Generated from the Rust types and command signatures by src-tauri/src/bindings.rs.
// Do not edit by hand.

export type ErrorCode = "keychain_missing" | "keychain_locked" | "keychain_denied" | "keychain_not_found" | "keychain_verify_failed" | "keychain_failed" | "pds_unreachable" | "response_lost" | "internal" | "invalid_secret_name" | "invalid_request" | "secret_already_exists" | "secret_not_found" | "authentication_required" | "encryption_unavailable" | "service_failed" | "service_unreachable" | "permission_missing" | "rate_limited" | "timed_out" | "unexpected_response" | "outcome_unknown" | "invalid_settings" | "handle_not_found" | "consent_denied" | "sign_in_timed_out" | "sign_in_cancelled" | "state_mismatch" | "scope_not_granted" | "account_mismatch" | "sign_in_failed" | "session_expired" | "browser_unavailable" | "issued_token_gone" | "clipboard_unavailable" | "unsupported" | "unknown_provider" | "second_factor_required" | "second_factor_invalid" | "rotated_without_secret" | "account_busy" | "server_address_invalid" | "operation_not_recorded" | "stored_copy_may_be_stale" | "staged_step_not_ready" | "staged_rotation_missing" | "staged_state_unavailable" | "secret_still_in_use" | "webhook_changed" | "invalid_delivery" | "receiver_url_refused" | "receiver_unreachable" | "history_failed" | "signing_unknown" | "session_not_saved" | "insecure_endpoint";

export type IpcError = { code: ErrorCode, message: string, };

export type Operation = "list" | "create" | "rotate" | "delete";

export type AccountRef = { 
/**
 * A provider's [`crate::provider::ProviderDescriptor::id`], e.g. `wisp`.
 */
provider: string, 
/**
 * The provider's own account id (wisp.place: the DID).
 */
id: string, };

export type AccountView = { account: AccountRef, 
/**
 * The provider's label (e.g. "wisp.place"), shown beside the account.
 */
providerLabel: string, 
/**
 * What the user knows the account by (a handle, an email), else its id.
 */
label: string, 
/**
 * A second line: the id when the label is something else, a server address…
 */
detail: string, 
/**
 * The operations this sign-in may perform (a narrower grant than the provider offers is
 * possible: the UI then says what is missing).
 */
capabilities: Array<Operation>, 
/**
 * When set, signing in again with broader access would grant what is missing; the text
 * explains what was granted and what re-authorizing asks for.
 */
reauthorizeNote: string | null, };

export type CredentialFields = { 
/**
 * "Server address".
 */
serverLabel: string, 
/**
 * What the field starts with (a setting; may be empty).
 */
defaultServer: string, serverHelp: string, 
/**
 * The label of the token pasted instead of email and password ("API token"), if any.
 */
tokenLabel: string | null, };

export type SignInMethod = { "kind": "oauth", 
/**
 * The field's label ("Handle or DID").
 */
identityLabel: string, identityPlaceholder: string, identityHelp: string, 
/**
 * Shown while the browser is open.
 */
waiting: string, 
/**
 * Sign-in can ask for broader access when a narrow grant lacks an operation.
 */
offersFullAccess: boolean, } | { "kind": "credentials", fields: CredentialFields, } | { "kind": "apiKey", keyLabel: string, };

export type SecretIdentity = { 
/**
 * "Name", "Token id", "Webhook id".
 */
label: string, 
/**
 * True when the id is the name (wisp.place): then names are unique and the dialogs show
 * one of them; otherwise they show the name and the id.
 */
idIsName: boolean, };

export type SecondFactor = { 
/**
 * "Two-factor code".
 */
label: string, 
/**
 * "The 6-digit code from your authenticator app."
 */
help: string, 
/**
 * How many digits a code has (the field accepts pasted text with spaces around them).
 */
digits: number, };

export type NameReasons = { empty: string, reserved: string, 
/**
 * Follows the list of refused characters: "… is not allowed: use letters A–Z, …".
 */
charactersAllowed: string, tooLong: string, };

export type NameRule = { maxLength: number, 
/**
 * The allowed characters as the body of a regular-expression character class
 * (`A-Za-z0-9._-`), the same in Rust and JavaScript.
 */
allowedCharacters: string, 
/**
 * Names refused although their characters are allowed (`.`, `..`).
 */
reserved: Array<string>, 
/**
 * The help line under the field.
 */
help: string, reasons: NameReasons, };

export type ProviderWords = { 
/**
 * Under the empty list: what a secret is for.
 */
listIntro: string, 
/**
 * The create dialog's first line.
 */
createIntro: string, 
/**
 * Completes "“name” …" in the delete dialog.
 */
deleteConsequence: string, 
/**
 * The forget dialog's explanation.
 */
forgetConsequence: string, 
/**
 * What the one-shot value a rotate gives is called ("token", "webhook secret").
 */
valueNoun: string, 
/**
 * The rotate dialog's warning: what stops working at once.
 */
rotateWarning: string, 
/**
 * What the dependents check looks for ("webhooks"), or `None` when the provider cannot say.
 */
dependentsNoun: string | null, };

export type ProviderDescriptor = { 
/**
 * Stable id, part of every [`crate::account::AccountRef`] and keychain item: never rename.
 */
id: string, 
/**
 * What users call the service ("wisp.place").
 */
label: string, signIn: SignInMethod, 
/**
 * What this provider's API offers. An account may be granted less
 * ([`crate::account::AccountView::capabilities`]).
 */
operations: Array<Operation>, secretId: SecretIdentity, 
/**
 * `None` when the provider names new secrets itself (or cannot create them).
 */
nameRule: NameRule | null, 
/**
 * How to ask for the second factor when the server refuses an operation without one
 * (`second_factor_required`); `None` when the provider never asks.
 */
secondFactor: SecondFactor | null, 
/**
 * Whether the provider's webhooks name a secret that can be changed without rotating it,
 * so a rotation can be staged (new secret beside the old, switch, then delete). The window
 * and the CLI offer staged rotation only where this is true.
 */
stagedRotation: boolean, 
/**
 * Whether the provider's list says when each secret was last rotated. Where it does not,
 * the list shows when the copy in this keychain was issued, and says where that came from.
 */
reportsRotationTime: boolean, words: ProviderWords, 
/**
 * How the provider signs its webhook deliveries: what the receiver test signs with and
 * what the signature tester preselects. `None` when the provider does not document it
 * (the receiver test then refuses with `signing_unknown`; the tester still works with a
 * scheme the user picks).
 */
deliverySignature: SignatureScheme | null, };

export type KeychainStatus = { 
/**
 * Where tokens are kept, for the UI to name it ("Secret Service", "macOS Keychain"…).
 */
store: string, };

export type SignInInput = { "kind": "oauth", identity: string, fullAccess: boolean, 
/**
 * Also ask to edit webhook records (a staged rotation's switch step). Absent: false.
 */
editWebhooks?: boolean | null, } | { "kind": "apiKey", key: string, } | { "kind": "credentials", server: string, email: string, password: string, code: string | null, } | { "kind": "serverToken", server: string, token: string, };

export type SignOutOutcome = { 
/**
 * False when the server could not be told (offline): local material is gone either way,
 * and the server-side session expires on its own.
 */
revokedAtServer: boolean, };

export type Fact = { label: string, value: string, };

export type SecretRow = { 
/**
 * The provider's id: what rotate, delete and the keychain use.
 */
id: string, name: string, createdAt: string, lastRotatedAt: string | null, 
/**
 * Set when the provider does not report rotations: where `last_rotated_at` comes from (or
 * that nothing is known), as a sentence.
 */
lastRotatedNote: string | null, 
/**
 * A token for this secret is in this machine's keychain.
 */
storedLocally: boolean, 
/**
 * What else the provider says about it, worded for reading, in its order.
 */
facts: Array<Fact>, 
/**
 * Set when that stored copy may be out of date: why, as the end of a sentence.
 */
storedCopyWarning: string | null, 
/**
 * Its own maximum age in days; `None`: the Settings default applies.
 */
maxAgeOverrideDays: number | null, 
/**
 * Its maximum age in effect when listed (the override, else the Settings default).
 */
maxAgeDays: number, 
/**
 * Not rotated (or created) within its maximum age.
 */
overdue: boolean, };

export type StartUpList = { account: AccountRef, rows: Array<SecretRow>, };

export type SignInFinished = { account: AccountView | null, error: IpcError | null, };

export type IssuedExtra = { id: string, label: string, note: string, token: string, stored: boolean, storeError: IpcError | null, };

export type IssuedSecret = { id: string, name: string, 
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
storeError: IpcError | null, 
/**
 * Other one-shot values of the same answer (a new API token), shown in the same dialog.
 */
also: Array<IssuedExtra>, };

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

export type Dependent = { url: string, enabled: boolean, };

export type InFlight = { 
/**
 * The note's own id (its file name).
 */
entry: string, account: AccountRef, operation: Operation, 
/**
 * The provider's id for the secret; `None` for a create (the server has not named it).
 */
secretId: string | null, name: string, 
/**
 * RFC 3339, when the request was about to be sent.
 */
startedAt: string, 
/**
 * RFC 3339: the secret's last-rotated time as listed before the request (rotate).
 */
lastRotatedBefore: string | null, };

export type Webhook = { 
/**
 * The provider's id for the webhook (wisp.place: the record's at:// URI).
 */
id: string, url: string, enabled: boolean, 
/**
 * The secret it names; `None` when it carries its own inline secret.
 */
secretId: string | null, };

export type StagedStep = "creating" | "created" | "deployed" | "tested" | "switching" | "switched";

export type ReceiverOutcome = "accepted" | "refused" | "skipped";

export type ReceiverCheck = { outcome: ReceiverOutcome, 
/**
 * Where the test delivery went (none when skipped).
 */
url: string | null, 
/**
 * The receiver's HTTP status, when it answered.
 */
status: number | null, at: string, };

export type StagedWebhook = { 
/**
 * The provider's id for it (wisp.place: the record's at:// URI).
 */
id: string, url: string, 
/**
 * True once it was written and re-read naming the new secret.
 */
switched: boolean, };

export type StagedRotation = { account: AccountRef, oldId: string, oldName: string, 
/**
 * The new secret's id (set from the provider's answer; until then the name asked for).
 */
newId: string, newName: string, step: StagedStep, receiverCheck: ReceiverCheck | null, 
/**
 * The chosen webhooks (empty until the switch is confirmed).
 */
webhooks: Array<StagedWebhook>, 
/**
 * Webhooks dropped from the switch because they were deleted or pointed at a third secret
 * elsewhere (their addresses, to tell the user).
 */
setAside: Array<string>, 
/**
 * The last step's failure, as shown to the user, until a step succeeds.
 */
lastFailure: string | null, startedAt: string, updatedAt: string, };

export type StagedStatus = { rotation: StagedRotation, 
/**
 * The next act, in words.
 */
nextStep: string, 
/**
 * Every webhook that names the old secret now (chosen or not).
 */
onOld: Array<Webhook>, 
/**
 * Every webhook that names the new secret now.
 */
onNew: Array<Webhook>, 
/**
 * This machine's keychain holds the new secret's token (to paste into the receiver).
 */
newTokenStored: boolean, 
/**
 * The switch is verified and no webhook names the old secret: delete may be offered.
 */
canDeleteOld: boolean, };

export type StagedFinish = { oldDeleted: boolean, 
/**
 * The old secret's stored copy was removed from this machine's keychain too.
 */
oldLocalCopyRemoved: boolean, };

export type SignatureScheme = "wispPlace" | "phalaCloud" | "standardWebhooks";

export type SchemeChoice = { scheme: SignatureScheme, label: string, };

export type SignatureFailure = { "kind": "missingHeader", header: string, } | { "kind": "malformedHeader", header: string, expected: string, } | { "kind": "timestampOutsideTolerance", secondsOff: number, toleranceSeconds: number, } | { "kind": "signatureMismatch" };

export type SignatureHint = { "kind": "trailingNewlineAdded" } | { "kind": "trailingNewlineMissing" } | { "kind": "reencodedJson" } | { "kind": "whsecKeptInKey" } | { "kind": "whsecDecoded" } | { "kind": "prefixDropped", prefix: string, } | { "kind": "prefixMissing", prefix: string, } | { "kind": "secretNotBase64" } | { "kind": "base64InsteadOfHex", wouldMatch: boolean, } | { "kind": "hexInsteadOfBase64", wouldMatch: boolean, } | { "kind": "otherScheme", scheme: SignatureScheme, };

export type SignatureReport = { scheme: SignatureScheme, valid: boolean, 
/**
 * The signature matches the secret and body, whatever the timestamp says (an old delivery
 * pasted for testing is correctly signed but outside the tolerance).
 */
signatureMatches: boolean, failures: Array<SignatureFailure>, 
/**
 * Likely causes, found by trying the usual mistakes; empty when none explains it.
 */
hints: Array<SignatureHint>, 
/**
 * One sentence per failure, then per hint, for the window and the CLI.
 */
sentences: Array<string>, };

export type ReceiverTestPlan = { scheme: SignatureScheme | null, suggestedUrls: Array<string>, 
/**
 * A token for the secret is in this machine's keychain (the test signs with it).
 */
storedLocally: boolean, };

export type ReceiverTestResult = { 
/**
 * The URL's origin (scheme, host, port): what the history records.
 */
origin: string, scheme: SignatureScheme, status: number, 
/**
 * 2xx: the receiver accepted the delivery (and so, presumably, its signature).
 */
accepted: boolean, elapsedMs: number, 
/**
 * The test delivery's id (also in its body), to find it in the receiver's logs.
 */
deliveryId: string, };

export type HistoryOperation = "sign_in" | "sign_out" | "create" | "rotate" | "delete" | "store_pasted" | "copy_stored" | "forget" | "receiver_test" | "webhook_switch";

export type HistoryOutcome = "succeeded" | "failed" | "unknown";

export type HistoryEntry = { 
/**
 * 1 for the first entry, then +1.
 */
seq: number, 
/**
 * RFC 3339, UTC, milliseconds.
 */
time: string, provider: string, account: string, secretId: string | null, operation: HistoryOperation, outcome: HistoryOutcome, code: ErrorCode | null, note: string | null, 
/**
 * The previous entry's `hash` ([`GENESIS`] for the first).
 */
prev: string, 
/**
 * SHA-256 (hex) over `prev`, a newline, and this entry's canonical JSON without `hash`.
 */
hash: string, };

export type HistoryFilter = { provider: string | null, 
/**
 * The account's id (a DID, an email…).
 */
account: string | null, secretId: string | null, operation: HistoryOperation | null, outcome: HistoryOutcome | null, 
/**
 * RFC 3339 or a date (`2026-11-01`): entries at or after it.
 */
since: string | null, 
/**
 * Free text matched case-insensitively against every field.
 */
text: string | null, };

export type BrokenLink = { 
/**
 * 1-based line in the file (one past the last line when the end was cut off).
 */
line: number, 
/**
 * A sentence saying what does not hold.
 */
reason: string, };

export type ChainCheck = { 
/**
 * Lines that are intact, counted up to the first broken one.
 */
intactEntries: number, firstBroken: BrokenLink | null, };

export type OverdueSummary = { overdue: number, 
/**
 * Accounts whose list could not be read (offline, signed out elsewhere): not counted.
 */
uncheckedAccounts: number, notification: string | null, };

export type CustomSetting = { 
/**
 * What it is, in a few words ("PLC directory").
 */
label: string, 
/**
 * Where it points now (an address or a DID; settings never hold a secret).
 */
value: string, };

/** Every command: its arguments and what it returns on success. */
export type Commands = {
  cancel_sign_in: { args: Record<string, never>; returns: null };
  clear_clipboard: { args: Record<string, never>; returns: null };
  close_leaving_requests: { args: Record<string, never>; returns: null };
  close_window: { args: Record<string, never>; returns: null };
  copy_issued_token: { args: { account: AccountRef; secretId: string }; returns: ClipboardCopy };
  copy_stored_token: { args: { account: AccountRef; secretId: string; evenIfOutOfDate: boolean }; returns: ClipboardCopy };
  create_secret: { args: { account: AccountRef; name: string }; returns: IssuedSecret };
  custom_network: { args: Record<string, never>; returns: Array<CustomSetting> };
  delete_secret: { args: { account: AccountRef; secretId: string; confirmName: string; removeLocalCopy: boolean }; returns: DeleteOutcome };
  dismiss_interrupted_request: { args: { entry: string }; returns: null };
  export_history_csv: { args: { filter: HistoryFilter }; returns: string };
  finish_issued_token: { args: { account: AccountRef; secretId: string }; returns: null };
  forget_stored_token: { args: { account: AccountRef; secretId: string }; returns: null };
  get_preferences: { args: Record<string, never>; returns: Preferences };
  history_entries: { args: { filter: HistoryFilter }; returns: Array<HistoryEntry> };
  in_flight_requests: { args: Record<string, never>; returns: Array<InFlight> };
  interrupted_requests: { args: Record<string, never>; returns: Array<InFlight> };
  keychain_status: { args: Record<string, never>; returns: KeychainStatus };
  list_secrets: { args: { account: AccountRef }; returns: Array<SecretRow> };
  overdue_summary: { args: Record<string, never>; returns: OverdueSummary };
  providers: { args: Record<string, never>; returns: Array<ProviderDescriptor> };
  receiver_test_plan: { args: { account: AccountRef; secretId: string }; returns: ReceiverTestPlan };
  restore_accounts: { args: Record<string, never>; returns: Array<AccountView> };
  retry_store_token: { args: { account: AccountRef; secretId: string }; returns: IssuedSecret };
  rotate_secret: { args: { account: AccountRef; secretId: string; confirmName: string; secondFactor: string | null }; returns: IssuedSecret };
  save_preferences: { args: { preferences: Preferences }; returns: Preferences };
  secret_dependents: { args: { account: AccountRef; secretId: string }; returns: Array<Dependent> };
  set_max_age: { args: { account: AccountRef; secretId: string; days: number | null }; returns: null };
  sign_in: { args: { provider: string; request: SignInInput }; returns: null };
  sign_out: { args: { account: AccountRef }; returns: SignOutOutcome };
  signature_schemes: { args: Record<string, never>; returns: Array<SchemeChoice> };
  snooze_reminders: { args: { days: number }; returns: null };
  staged_cancel: { args: { account: AccountRef; oldId: string }; returns: StagedRotation };
  staged_deployed: { args: { account: AccountRef; oldId: string }; returns: StagedRotation };
  staged_finish: { args: { account: AccountRef; oldId: string; deleteOldConfirmName: string | null }; returns: StagedFinish };
  staged_rotations: { args: { account: AccountRef }; returns: Array<StagedRotation> };
  staged_start: { args: { account: AccountRef; oldId: string; newName: string }; returns: IssuedSecret };
  staged_status: { args: { account: AccountRef; oldId: string }; returns: StagedStatus };
  staged_suggested_name: { args: { account: AccountRef; oldId: string }; returns: string };
  staged_switch: { args: { account: AccountRef; oldId: string; chosen: Array<string> | null; one: boolean }; returns: StagedRotation };
  staged_test_receiver: { args: { account: AccountRef; oldId: string; url: string }; returns: ReceiverTestResult };
  staged_vouch_tested: { args: { account: AccountRef; oldId: string }; returns: StagedRotation };
  start_up_list: { args: Record<string, never>; returns: StartUpList | null };
  store_pasted_secret: { args: { account: AccountRef; secretId: string; secret: string }; returns: null };
  test_receiver: { args: { account: AccountRef; secretId: string; url: string }; returns: ReceiverTestResult };
  unlock_keychain: { args: Record<string, never>; returns: null };
  verify_delivery: { args: { scheme: SignatureScheme; rawRequest: string | null; headers: string; body: string; account: AccountRef | null; secretId: string | null; pastedSecret: string | null }; returns: SignatureReport };
  verify_history: { args: Record<string, never>; returns: ChainCheck };
};

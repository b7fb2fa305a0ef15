//! [`App`]: what the window's commands and the CLI's verbs call. Each does the whole job —
//! choose the provider for the account, talk to it, keep the token lifecycle's invariants, merge
//! the list with the keychain's badges — so a Tauri command or a CLI verb is a few lines.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use wispkey_atproto::oauth::{OAuthConfig, OAuthManager};
use wispkey_core::browser::BrowserOpener;
use wispkey_core::clipboard::SecretClipboard;
use wispkey_core::error::{Error, Result};
use wispkey_core::history::{History, HistoryOperation, NewEntry};
use wispkey_core::journal::{InFlight, Journal};
use wispkey_core::preferences::Preferences;
use wispkey_core::provider::{
    Dependent, ProviderDescriptor, ProviderKind, SecretProvider, SignInContext, SignInRequest,
    SignOutOutcome,
};
use wispkey_core::reminders::Reminders;
use wispkey_core::staged::StagedStore;
use wispkey_core::test_hooks::TestHook;
use wispkey_core::tokens::{Issued, TokenKeeper};
use wispkey_core::vault::{self, Vault};
use wispkey_core::{AccountRef, AccountView, Operation, SecretString};
use wispkey_phala::PhalaKind;
use wispkey_slate::SlateKind;
use wispkey_wisp::{WispKind, proxy_header};

pub use tokio_util::sync::CancellationToken;

use crate::early::{Early, EarlyStart};
use crate::registry::Registry;
use crate::settings::{CustomSetting, NetworkSettings};
use crate::views::{ClipboardCopy, KeychainStatus, SecretRow, StartUpList, sort_for_list};

/// The folder the desktop app and the CLI share for `settings.json` and `preferences.json`
/// (the app's identifier under the platform's config folder, as Tauri resolves it).
pub fn default_config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("place.wisp.wispkey"))
}

type SecretKey = (AccountRef, String);

/// What the last list said about one secret.
#[derive(Debug, Clone)]
struct Listed {
    name: String,
    /// Its last rotation, else its creation: what a stored copy's time is compared with.
    changed_at: Option<DateTime<Utc>>,
    last_rotated_at: Option<DateTime<Utc>>,
}

pub struct App {
    vault: Vault,
    registry: Registry,
    tokens: TokenKeeper,
    /// One for the process's lifetime: on X11 the clipboard's owner must stay alive to serve it.
    clipboard: SecretClipboard,
    preferences: Mutex<Preferences>,
    config_dir: Option<PathBuf>,
    /// The sign-in in progress, so Cancel can stop it.
    sign_in_cancel: Mutex<Option<CancellationToken>>,
    /// Opened secrets APIs, one per account: opening one can cost keychain reads.
    open: Mutex<HashMap<AccountRef, Arc<dyn SecretProvider>>>,
    /// Each secret's name and times from the last list, for the type-the-name confirmations
    /// and the "may be out of date" check of stored copies.
    names: Mutex<HashMap<SecretKey, Listed>>,
    /// Notes of requests in flight, written before each create/rotate/delete is sent.
    journal: Journal,
    /// The same requests, for the question closing the window asks.
    in_flight: Mutex<Vec<InFlight>>,
    /// The user chose to close the window while requests were still out.
    leave_in_flight: AtomicBool,
    /// Staged rotations in progress (a file in the config folder, shared with the CLI).
    staged: StagedStore,
    /// The local history (`history.jsonl` in the config folder); none without a config folder.
    history: Option<History>,
    /// The network settings that differ from production (shown in the window).
    custom_network: Vec<CustomSetting>,
    /// What the window's first calls will ask for, fetched while its page loads.
    early: Early,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("vault", &self.vault.service())
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock only means another thread panicked while holding it; the data is usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl App {
    /// Settings come from `config_dir/settings.json` and the environment (see [`crate::settings`]);
    /// an unreadable file stops start-up with a sentence saying so.
    pub fn load(config_dir: Option<&Path>) -> Result<App> {
        // Tests give each app its own keychain namespace, so parallel tests never restore each
        // other's sessions; what ships always uses the default one.
        let vault = match TestHook::KeychainService
            .value()
            .and_then(|service| service.into_string().ok())
        {
            Some(service) => Vault::new(service),
            None => Vault::default(),
        };
        let settings = NetworkSettings::load(config_dir)?;
        let oauth = OAuthManager::new(
            OAuthConfig {
                identity: settings.identity(),
                wisp_service: proxy_header(&settings.wisp_service_did),
                ..OAuthConfig::default()
            },
            vault.clone(),
        )?;
        let registry = Registry::default()
            .with(WispKind::new(oauth, settings.wisp_service_did.clone())?)
            .with(PhalaKind::new(vault.clone(), &settings.phala_api_url)?)
            .with(SlateKind::new(
                vault.clone(),
                &settings.slate_api_url,
                // The one lock folder every provider and process uses (see there why).
                &wispkey_core::process_lock::default_dir(),
            ));
        let mut app = App::new(vault, registry, config_dir);
        app.custom_network = settings.custom();
        Ok(app)
    }

    /// An app over the given providers (tests build one with private keychains and services).
    pub fn new(vault: Vault, registry: Registry, config_dir: Option<&Path>) -> App {
        App {
            tokens: TokenKeeper::new(vault.clone()),
            vault,
            registry,
            clipboard: SecretClipboard::new(),
            preferences: Mutex::new(Preferences::load(config_dir)),
            config_dir: config_dir.map(Path::to_path_buf),
            sign_in_cancel: Mutex::new(None),
            open: Mutex::default(),
            names: Mutex::default(),
            journal: Journal::new(config_dir),
            in_flight: Mutex::default(),
            leave_in_flight: AtomicBool::new(false),
            staged: StagedStore::new(config_dir),
            history: config_dir.map(History::new),
            custom_network: Vec::new(),
            early: Early::default(),
        }
    }

    /// Claims the start-up work ([`App::early_start`]) for the caller: `None` if it was claimed
    /// before. Synchronous, so the window's first calls come after it and wait for its results.
    pub fn begin_early_start(&self) -> Option<EarlyStart> {
        self.early.begin()
    }

    /// Opens the keychain, restores the sessions and lists the first account, for the window's
    /// first `restore_accounts` and list to take. Requests cut short in an earlier run are
    /// marked first, so the list says which stored copies may be out of date.
    pub async fn early_start(&self, mut start: EarlyStart) {
        let began = std::time::Instant::now();
        let _ = self.interrupted_operations().await;
        let accounts = self.restore_accounts_now().await;
        let restored_ms = began.elapsed().as_millis();
        let first = accounts
            .as_ref()
            .ok()
            .and_then(|accounts| accounts.first())
            .map(|view| view.account.clone());
        start.accounts(accounts);
        if let Some(account) = first {
            let rows = self.list_now(&account).await;
            start.list(account, rows);
        }
        // What a slow start spent its time on, in the log a bug report carries.
        tracing::info!(
            target: "wispkey::start",
            restored_ms,
            listed_ms = began.elapsed().as_millis(),
            "start-up work done"
        );
    }

    /// The network settings this app runs with that differ from production; empty in
    /// production.
    pub fn custom_network(&self) -> Vec<CustomSetting> {
        self.custom_network.clone()
    }

    /// The local history, when there is a config folder to keep it in.
    pub fn history(&self) -> Option<&History> {
        self.history.as_ref()
    }

    /// Appends one entry to the history. The history never stands in an operation's way: the
    /// operation has happened (and its token is safe) whether or not the line could be
    /// written, so a write failure is returned for callers that want to say so, and the
    /// operations below ignore it.
    pub fn record(&self, entry: NewEntry) -> Result<()> {
        match &self.history {
            Some(history) => history.append(entry).map(|_| ()),
            None => Ok(()),
        }
    }

    /// Records the outcome of `result` for `operation` on `id` (or the account), then hands
    /// `result` back. `note` adds what the entry should say beside the outcome (never a value).
    fn recorded<T>(
        &self,
        account: &AccountRef,
        id: Option<&str>,
        operation: HistoryOperation,
        result: Result<T>,
        note: impl FnOnce(&T) -> Option<String>,
    ) -> Result<T> {
        let mut entry = NewEntry::new(account, id, operation).outcome_of(&result);
        if let Ok(value) = &result {
            entry.note = note(value);
        }
        let _ = self.record(entry);
        result
    }

    pub fn providers(&self) -> Vec<ProviderDescriptor> {
        self.registry.descriptors()
    }

    pub fn tokens(&self) -> &TokenKeeper {
        &self.tokens
    }

    pub fn clipboard(&self) -> &SecretClipboard {
        &self.clipboard
    }

    /// Checks that the OS keychain answers, so the UI can warn before the user creates a token
    /// it could not keep. Reads an item that normally does not exist: no write, no prompt.
    pub async fn keychain_status(&self) -> Result<KeychainStatus> {
        self.vault.contains_async("keychain-probe").await?;
        Ok(KeychainStatus {
            store: vault::STORE_NAME.to_owned(),
        })
    }

    /// Raises the system's unlock prompt (the keychain's own; Wispkey never sees the password)
    /// and waits until it is answered. `KeychainLocked` if the keychain stays locked.
    pub async fn unlock_keychain(&self) -> Result<()> {
        self.vault.unlock_async().await
    }

    /// Every account signed in on this machine, across providers, from the keychain (no
    /// browser). Tokens stored by earlier versions are moved to today's item names first.
    pub async fn restore_accounts(&self) -> Result<Vec<AccountView>> {
        match self.early.take_accounts().await {
            Some(restored) => restored,
            None => self.restore_accounts_now().await,
        }
    }

    /// Every provider restores at once: their keychain reads then queue back to back on the
    /// keychain thread instead of each waiting for the previous provider's. Accounts come in
    /// the registry's order; the first provider's error, in that order, is the answer.
    async fn restore_accounts_now(&self) -> Result<Vec<AccountView>> {
        let lists: Vec<&str> = self
            .registry
            .kinds()
            .filter_map(|kind| kind.account_list_item())
            .collect();
        // Each restore reads its list first: read them all in one go, ahead of the restores.
        self.vault.read_ahead(&lists);
        let restores = self.registry.kinds().map(|kind| async move {
            let accounts = kind.restore().await?;
            if kind.had_legacy_token_items() {
                for account in &accounts {
                    // A move cut short leaves the old items in place (nothing is lost) and is
                    // finished on the next start; until then the badges may be missing.
                    let _ = self.tokens.migrate_legacy(&account.account).await;
                }
            }
            Ok::<_, wispkey_core::Error>(accounts)
        });
        let mut all = Vec::new();
        for accounts in futures::future::join_all(restores).await {
            all.extend(accounts?);
        }
        Ok(all)
    }

    /// Adds an account; returns once the provider is done (for OAuth: the browser came back).
    /// [`App::cancel_sign_in`] stops it. A new sign-in replaces one still waiting.
    pub async fn sign_in(
        &self,
        provider: &str,
        request: SignInRequest,
        browser: &dyn BrowserOpener,
    ) -> Result<AccountView> {
        let kind = self.registry.get(provider)?;
        let cancel = CancellationToken::new();
        if let Some(previous) = lock(&self.sign_in_cancel).replace(cancel.clone()) {
            previous.cancel();
        }
        let context = SignInContext { browser, cancel };
        let account = kind.sign_in(request, context).await?;
        // A session signed in again replaces the one an opened API was built on.
        lock(&self.open).remove(&account.account);
        // Only a finished sign-in has an account to file it under.
        let _ = self.record(NewEntry::new(
            &account.account,
            None,
            HistoryOperation::SignIn,
        ));
        Ok(account)
    }

    pub fn cancel_sign_in(&self) {
        if let Some(cancel) = lock(&self.sign_in_cancel).take() {
            cancel.cancel();
        }
    }

    /// Signs out: drops the account's in-memory tokens, clears the clipboard if it still holds
    /// a token we put there, ends the session. Stored copies stay in the keychain (they are the
    /// user's). Returns whether the clipboard was cleared, too.
    pub async fn sign_out(&self, account: &AccountRef) -> Result<(SignOutOutcome, bool)> {
        let kind = self.registry.get(&account.provider)?;
        self.tokens.forget_account_in_memory(account);
        let cleared = self.clipboard.clear_if_ours();
        lock(&self.open).remove(account);
        lock(&self.names).retain(|(owner, _), _| owner != account);
        let outcome = kind.sign_out(&account.id).await;
        let outcome = self.recorded(account, None, HistoryOperation::SignOut, outcome, |o| {
            (!o.revoked_at_server).then(|| "the server could not be told".to_owned())
        })?;
        Ok((outcome, cleared))
    }

    pub(crate) fn kind(&self, account: &AccountRef) -> Result<&Arc<dyn ProviderKind>> {
        self.registry.get(&account.provider)
    }

    /// The descriptor of the account's provider.
    pub fn descriptor_of(&self, account: &AccountRef) -> Result<ProviderDescriptor> {
        Ok(self.kind(account)?.descriptor().clone())
    }

    pub(crate) fn staged_store(&self) -> &StagedStore {
        &self.staged
    }

    pub(crate) async fn opened_provider(
        &self,
        account: &AccountRef,
        operation: Operation,
    ) -> Result<Arc<dyn SecretProvider>> {
        self.provider(account, operation).await
    }

    /// The account's secrets API, opened once per process.
    pub(crate) async fn provider(
        &self,
        account: &AccountRef,
        operation: Operation,
    ) -> Result<Arc<dyn SecretProvider>> {
        let kind = self.kind(account)?;
        let descriptor = kind.descriptor();
        if !descriptor.supports(operation) {
            return Err(Error::Unsupported {
                provider: descriptor.label.clone(),
                operation,
            });
        }
        if let Some(open) = lock(&self.open).get(account) {
            return Ok(Arc::clone(open));
        }
        let opened: Arc<dyn SecretProvider> = Arc::from(kind.open(&account.id).await?);
        lock(&self.open)
            .entry(account.clone())
            .or_insert_with(|| Arc::clone(&opened));
        Ok(opened)
    }

    /// The list, sorted for the UI, with badges from one keychain read. A keychain that does
    /// not answer leaves the badges off rather than hiding the list.
    pub async fn list_secrets(&self, account: &AccountRef) -> Result<Vec<SecretRow>> {
        match self.early.take_list(account).await {
            Some(listed) => listed,
            None => self.list_now(account).await,
        }
    }

    /// The first account's list as start-up fetched it (see [`App::early_start`]), once; `None`
    /// when start-up has none to give (no account, it failed, or it is stale): the window then
    /// asks for the list itself.
    pub async fn start_up_list(&self) -> Option<StartUpList> {
        self.early
            .take_first_list()
            .await
            .map(|(account, rows)| StartUpList { account, rows })
    }

    /// [`App::list_secrets`] for a reader that only counts: it gets its own copy of the list
    /// start-up fetched, so neither it nor the window's first list asks the server again.
    pub(crate) async fn list_secrets_to_count(
        &self,
        account: &AccountRef,
    ) -> Result<Vec<SecretRow>> {
        match self.early.take_list_to_count(account).await {
            Some(rows) => Ok(rows),
            None => self.list_now(account).await,
        }
    }

    async fn list_now(&self, account: &AccountRef) -> Result<Vec<SecretRow>> {
        let provider = self.provider(account, Operation::List).await?;
        let (listed, stored) = tokio::join!(provider.list(), self.tokens.stored_copies(account));
        let listed = listed?;
        let stored = stored.unwrap_or_default();
        {
            let mut names = lock(&self.names);
            names.retain(|(owner, _), _| owner != account);
            for summary in &listed {
                names.insert(
                    (account.clone(), summary.id.clone()),
                    Listed {
                        name: summary.name.clone(),
                        changed_at: Some(summary.last_rotated_at.unwrap_or(summary.created_at)),
                        last_rotated_at: summary.last_rotated_at,
                    },
                );
            }
        }
        let default_age = lock(&self.preferences).age_warning_days;
        let reminders = self.reminders();
        let now = chrono::Utc::now();
        let descriptor = self.descriptor_of(account)?;
        let mut rows: Vec<SecretRow> = listed
            .into_iter()
            .map(|mut summary| {
                let changed_at = summary.last_rotated_at.unwrap_or(summary.created_at);
                let copy = stored.get(&summary.id);
                let warning = copy.and_then(|copy| copy.out_of_date_reason(Some(changed_at)));
                let rotation_note = (!descriptor.reports_rotation_time).then(|| {
                    let (known, note) = crate::rotation_time::from_this_device(
                        &descriptor.label,
                        summary.created_at,
                        copy.and_then(|copy| copy.issued_at),
                    );
                    summary.last_rotated_at = known;
                    note
                });
                let own = reminders.max_age_override(account, &summary.id);
                SecretRow::new(summary, copy.is_some(), own, default_age, now)
                    .with_copy_warning(warning)
                    .with_last_rotated_note(rotation_note)
            })
            .collect();
        sort_for_list(&mut rows);
        Ok(rows)
    }

    /// The secret's name, as the confirmation must be typed: from the last list, else listed
    /// now. `SecretNotFound` if the provider has no such secret.
    pub async fn secret_name(&self, account: &AccountRef, id: &str) -> Result<String> {
        let key = (account.clone(), id.to_owned());
        if let Some(listed) = lock(&self.names).get(&key) {
            return Ok(listed.name.clone());
        }
        self.list_secrets(account).await?;
        lock(&self.names)
            .get(&key)
            .map(|listed| listed.name.clone())
            .ok_or_else(|| Error::SecretNotFound {
                name: id.to_owned(),
            })
    }

    pub async fn create_secret(&self, account: &AccountRef, name: &str) -> Result<Issued> {
        let provider = self.provider(account, Operation::Create).await?;
        let create = self.tokens.create(provider.as_ref(), account, name);
        let issued = self
            .journaled(account, Operation::Create, None, name, None, create)
            .await;
        let id = issued
            .as_ref()
            .map_or(name, |issued| issued.id.as_str())
            .to_owned();
        let issued = self.recorded(
            account,
            Some(&id),
            HistoryOperation::Create,
            issued,
            store_note,
        )?;
        lock(&self.names).insert(
            (account.clone(), issued.id.clone()),
            Listed {
                name: issued.name.clone(),
                changed_at: Some(issued.issued_at),
                last_rotated_at: None,
            },
        );
        Ok(issued)
    }

    /// Runs a request that changes state at the server with a note on disk while it is out
    /// (see `wispkey_core::journal`): written before anything is sent (if it cannot be, nothing
    /// is sent), removed once an answer came back, whatever it was. If this process ends first,
    /// the note stays, and the next start says the outcome is unknown.
    async fn journaled<T>(
        &self,
        account: &AccountRef,
        operation: Operation,
        secret_id: Option<&str>,
        name: &str,
        last_rotated_before: Option<String>,
        request: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        let written =
            self.journal
                .begin(account, operation, secret_id, name, last_rotated_before)?;
        let entry = written.record.entry.clone();
        lock(&self.in_flight).push(written.record.clone());
        let outcome = request.await;
        lock(&self.in_flight).retain(|record| record.entry != entry);
        written.finish();
        outcome
    }

    /// Requests of this process still waiting for the server (what closing would cut short).
    pub fn in_flight(&self) -> Vec<InFlight> {
        lock(&self.in_flight).clone()
    }

    /// The user chose to close while requests are out: the close guard lets the window go.
    /// Their notes stay until the answers come (or the next start reports them).
    pub fn leave_in_flight(&self) {
        self.leave_in_flight.store(true, Ordering::SeqCst);
    }

    /// Whether closing now would cut a request short without the user having agreed.
    pub fn closing_would_cut_requests(&self) -> bool {
        !lock(&self.in_flight).is_empty() && !self.leave_in_flight.load(Ordering::SeqCst)
    }

    /// Requests an earlier process sent and never heard back about (it ended while waiting),
    /// oldest first. The stored copy of a secret whose rotate was cut short is marked "may be
    /// out of date" (the rotation may have happened).
    pub async fn interrupted_operations(&self) -> Vec<InFlight> {
        let interrupted = self.journal.interrupted();
        for record in &interrupted {
            if record.operation == Operation::Rotate
                && let Some(id) = &record.secret_id
            {
                // Best effort: a locked keychain is reported where the copy is used.
                let _ = self.tokens.mark_out_of_date(&record.account, id).await;
            }
        }
        interrupted
    }

    /// The user has been told about an interrupted request (and offered to check): forget it.
    pub fn dismiss_interrupted(&self, entry: &str) -> Result<()> {
        self.journal.dismiss(entry)
    }

    /// `confirm_name` must equal the secret's name exactly; checked before anything is sent.
    /// `second_factor`: the code the user typed after the provider asked for one.
    pub async fn rotate_secret(
        &self,
        account: &AccountRef,
        id: &str,
        confirm_name: &str,
        second_factor: Option<&SecretString>,
    ) -> Result<Issued> {
        let provider = self.provider(account, Operation::Rotate).await?;
        let name = self.secret_name(account, id).await?;
        let before = self.last_rotated(account, id);
        let rotate = self.tokens.rotate(
            provider.as_ref(),
            account,
            id,
            &name,
            confirm_name,
            second_factor,
        );
        let issued = self
            .journaled(account, Operation::Rotate, Some(id), &name, before, rotate)
            .await;
        self.recorded(
            account,
            Some(id),
            HistoryOperation::Rotate,
            issued,
            store_note,
        )
    }

    /// The secret's last rotation as last listed (RFC 3339), for the outcome-unknown check.
    fn last_rotated(&self, account: &AccountRef, id: &str) -> Option<String> {
        lock(&self.names)
            .get(&(account.clone(), id.to_owned()))
            .and_then(|listed| listed.last_rotated_at)
            .map(|at| at.to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    /// "Store a secret rotated elsewhere" (any provider): keeps a secret the user pasted as the
    /// stored copy of `id`, written and read back. `id` must be one of the account's secrets.
    pub async fn store_pasted_secret(
        &self,
        account: &AccountRef,
        id: &str,
        secret: &SecretString,
    ) -> Result<()> {
        self.secret_name(account, id).await?;
        let stored = self.tokens.store_pasted(account, id, secret).await;
        self.recorded(
            account,
            Some(id),
            HistoryOperation::StorePasted,
            stored,
            |_| None,
        )
    }

    /// Stores the open dialog's token again (after the keychain refused it), from memory.
    pub async fn retry_store(&self, account: &AccountRef, id: &str) -> Result<Issued> {
        let issued = self.tokens.retry_store(account, id).await;
        self.recorded(
            account,
            Some(id),
            HistoryOperation::StorePasted,
            issued,
            |issued| Some(store_note(issued).unwrap_or_else(|| "stored after a retry".to_owned())),
        )
    }

    /// Removes the stored copy from this machine's keychain (the secret itself is untouched).
    pub async fn forget_stored_token(&self, account: &AccountRef, id: &str) -> Result<()> {
        let forgotten = self.tokens.forget(account, id).await;
        self.recorded(
            account,
            Some(id),
            HistoryOperation::Forget,
            forgotten,
            |_| None,
        )
    }

    /// Returns whether a local copy was removed.
    pub async fn delete_secret(
        &self,
        account: &AccountRef,
        id: &str,
        confirm_name: &str,
        remove_local_copy: bool,
    ) -> Result<bool> {
        let provider = self.provider(account, Operation::Delete).await?;
        let name = self.secret_name(account, id).await?;
        let delete = self.tokens.delete(
            provider.as_ref(),
            account,
            id,
            &name,
            confirm_name,
            remove_local_copy,
        );
        let removed = self
            .journaled(account, Operation::Delete, Some(id), &name, None, delete)
            .await;
        let removed = self.recorded(account, Some(id), HistoryOperation::Delete, removed, |r| {
            r.then(|| "local copy removed".to_owned())
        })?;
        lock(&self.names).remove(&(account.clone(), id.to_owned()));
        Ok(removed)
    }

    /// What the rotate and delete confirmations list as depending on the secret.
    pub async fn dependents(&self, account: &AccountRef, id: &str) -> Result<Vec<Dependent>> {
        let provider = self.provider(account, Operation::List).await?;
        provider.dependents(id).await
    }

    /// Copies `token` with the clipboard rules (history exclusion, countdown clear of only our
    /// value); `on_cleared` hears the countdown's end.
    pub fn copy(
        &self,
        token: &SecretString,
        on_cleared: impl FnOnce(bool) + Send + 'static,
    ) -> Result<ClipboardCopy> {
        let seconds = lock(&self.preferences).clipboard_clear_seconds;
        self.clipboard
            .copy(token, Duration::from_secs(u64::from(seconds)), on_cleared)?;
        Ok(ClipboardCopy {
            clears_in_seconds: seconds,
        })
    }

    /// Copies the token of the open copy-once dialog (from memory, else the keychain).
    pub async fn copy_issued_token(
        &self,
        account: &AccountRef,
        id: &str,
        on_cleared: impl FnOnce(bool) + Send + 'static,
    ) -> Result<ClipboardCopy> {
        let token = self.tokens.issued_token(account, id).await?;
        self.copy(&token, on_cleared)
    }

    /// The deliberate later action: copies the stored copy from the keychain. A copy that may
    /// be out of date ([`App::stored_copy_warning`]) is refused with `StoredCopyMayBeStale`
    /// unless `even_if_out_of_date` says the user read the warning and wants it anyway.
    pub async fn copy_stored_token(
        &self,
        account: &AccountRef,
        id: &str,
        even_if_out_of_date: bool,
        on_cleared: impl FnOnce(bool) + Send + 'static,
    ) -> Result<ClipboardCopy> {
        if !even_if_out_of_date && let Some(reason) = self.stored_copy_warning(account, id).await {
            let name = lock(&self.names)
                .get(&(account.clone(), id.to_owned()))
                .map_or_else(|| id.to_owned(), |listed| listed.name.clone());
            return Err(Error::StoredCopyMayBeStale { name, reason });
        }
        let token = self.tokens.stored_token(account, id).await?;
        let copied = self.copy(&token, on_cleared);
        self.recorded(
            account,
            Some(id),
            HistoryOperation::CopyStored,
            copied,
            |_| None,
        )
    }

    /// The reminders (per-secret maximum ages, snooze), read fresh so the window and the CLI
    /// see each other's changes.
    pub fn reminders(&self) -> Reminders {
        Reminders::load(self.config_dir.as_deref())
    }

    /// Sets (or with `None` removes) one secret's own maximum age.
    pub fn set_max_age(&self, account: &AccountRef, id: &str, days: Option<u32>) -> Result<()> {
        let dir = self.config_dir()?;
        let mut reminders = self.reminders();
        reminders.set_max_age(account, id, days)?;
        reminders.save(dir)
    }

    /// No start-up reminder for `days` days.
    pub fn snooze_reminders(&self, days: u32) -> Result<()> {
        let dir = self.config_dir()?;
        let mut reminders = self.reminders();
        reminders.snooze(chrono::Utc::now(), days);
        reminders.save(dir)
    }

    fn config_dir(&self) -> Result<&Path> {
        self.config_dir
            .as_deref()
            .ok_or_else(|| Error::InvalidSettings {
                detail: "the platform reported no config folder".into(),
            })
    }

    /// Why the stored copy of `id` may be out of date, if anything says so: the index's mark,
    /// or the list showing a later rotation. Lists first if this process has not (the CLI); a
    /// list that fails leaves only the mark to go by.
    pub async fn stored_copy_warning(&self, account: &AccountRef, id: &str) -> Option<String> {
        let key = (account.clone(), id.to_owned());
        if !lock(&self.names).contains_key(&key) {
            let _ = self.list_secrets(account).await;
        }
        let changed_at = lock(&self.names)
            .get(&key)
            .and_then(|listed| listed.changed_at);
        let copies = self.tokens.stored_copies(account).await.ok()?;
        copies.get(id)?.out_of_date_reason(changed_at)
    }

    pub fn preferences(&self) -> Preferences {
        *lock(&self.preferences)
    }

    /// Validates and saves to `preferences.json`; the new values apply to the next copy.
    pub fn save_preferences(&self, preferences: Preferences) -> Result<Preferences> {
        let Some(dir) = self.config_dir.as_deref() else {
            return Err(Error::InvalidSettings {
                detail: "the platform reported no config folder".into(),
            });
        };
        preferences.save(dir)?;
        *lock(&self.preferences) = preferences;
        Ok(preferences)
    }
}

/// What a create or rotate entry notes: only that the token is not in the keychain, when so.
fn store_note(issued: &Issued) -> Option<String> {
    (!issued.stored()).then(|| "the token was NOT stored in the keychain".to_owned())
}

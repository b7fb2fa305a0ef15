//! [`App`]: what the window's commands and the CLI's verbs call. Each does the whole job —
//! choose the provider for the account, talk to it, keep the token lifecycle's invariants, merge
//! the list with the keychain's badges — so a Tauri command or a CLI verb is a few lines.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wispkey_atproto::oauth::{OAuthConfig, OAuthManager};
use wispkey_core::browser::BrowserOpener;
use wispkey_core::clipboard::SecretClipboard;
use wispkey_core::error::{Error, Result};
use wispkey_core::history::{History, HistoryOperation, NewEntry};
use wispkey_core::preferences::Preferences;
use wispkey_core::provider::{
    Dependent, ProviderDescriptor, ProviderKind, SecretProvider, SignInContext, SignInRequest,
    SignOutOutcome,
};
use wispkey_core::reminders::Reminders;
use wispkey_core::staged::StagedStore;
use wispkey_core::tokens::{Issued, TokenKeeper};
use wispkey_core::vault::{self, Vault};
use wispkey_core::{AccountRef, AccountView, Operation, SecretString};
use wispkey_phala::PhalaKind;
use wispkey_wisp::{WispKind, proxy_header};

pub use tokio_util::sync::CancellationToken;

use crate::registry::Registry;
use crate::settings::NetworkSettings;
use crate::views::{ClipboardCopy, KeychainStatus, SecretRow, sort_for_list};

/// Names the keychain service Wispkey's items are stored under (default `place.wisp.wispkey`).
pub const KEYCHAIN_SERVICE_ENV: &str = "WISPKEY_KEYCHAIN_SERVICE";

/// The folder the desktop app and the CLI share for `settings.json` and `preferences.json`
/// (the app's identifier under the platform's config folder, as Tauri resolves it).
pub fn default_config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("place.wisp.wispkey"))
}

type SecretKey = (AccountRef, String);

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
    /// Each secret's name from the last list, for the type-the-name confirmations.
    names: Mutex<HashMap<SecretKey, String>>,
    /// Staged rotations in progress (a file in the config folder, shared with the CLI).
    staged: StagedStore,
    /// The local history (`history.jsonl` in the config folder); none without a config folder.
    history: Option<History>,
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
        // A separate keychain namespace per profile (and per end-to-end test, so parallel
        // tests never restore each other's sessions).
        let vault = match std::env::var(KEYCHAIN_SERVICE_ENV) {
            Ok(service) if !service.trim().is_empty() => Vault::new(service),
            _ => Vault::default(),
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
            .with(PhalaKind::new(vault.clone(), &settings.phala_api_url)?);
        Ok(App::new(vault, registry, config_dir))
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
            staged: StagedStore::new(config_dir),
            history: config_dir.map(History::new),
        }
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

    /// Every account signed in on this machine, across providers, from the keychain (no
    /// browser). Tokens stored by earlier versions are moved to today's item names first.
    pub async fn restore_accounts(&self) -> Result<Vec<AccountView>> {
        let mut all = Vec::new();
        for kind in self.registry.kinds() {
            let accounts = kind.restore().await?;
            if kind.had_legacy_token_items() {
                for account in &accounts {
                    // A move cut short leaves the old items in place (nothing is lost) and is
                    // finished on the next start; until then the badges may be missing.
                    let _ = self.tokens.migrate_legacy(&account.account).await;
                }
            }
            all.extend(accounts);
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
        let provider = self.provider(account, Operation::List).await?;
        let (listed, stored) = tokio::join!(provider.list(), self.tokens.stored_ids(account));
        let listed = listed?;
        let stored = stored.unwrap_or_default();
        {
            let mut names = lock(&self.names);
            names.retain(|(owner, _), _| owner != account);
            for summary in &listed {
                names.insert((account.clone(), summary.id.clone()), summary.name.clone());
            }
        }
        let default_age = lock(&self.preferences).age_warning_days;
        let reminders = self.reminders();
        let now = chrono::Utc::now();
        let mut rows: Vec<SecretRow> = listed
            .into_iter()
            .map(|summary| {
                let badge = stored.contains(&summary.id);
                let own = reminders.max_age_override(account, &summary.id);
                SecretRow::new(summary, badge, own, default_age, now)
            })
            .collect();
        sort_for_list(&mut rows);
        Ok(rows)
    }

    /// The secret's name, as the confirmation must be typed: from the last list, else listed
    /// now. `SecretNotFound` if the provider has no such secret.
    pub async fn secret_name(&self, account: &AccountRef, id: &str) -> Result<String> {
        let key = (account.clone(), id.to_owned());
        if let Some(name) = lock(&self.names).get(&key) {
            return Ok(name.clone());
        }
        self.list_secrets(account).await?;
        lock(&self.names)
            .get(&key)
            .cloned()
            .ok_or_else(|| Error::SecretNotFound {
                name: id.to_owned(),
            })
    }

    pub async fn create_secret(&self, account: &AccountRef, name: &str) -> Result<Issued> {
        let provider = self.provider(account, Operation::Create).await?;
        let issued = self.tokens.create(provider.as_ref(), account, name).await;
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
        lock(&self.names).insert((account.clone(), issued.id.clone()), issued.name.clone());
        Ok(issued)
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
        let issued = self
            .tokens
            .rotate(
                provider.as_ref(),
                account,
                id,
                &name,
                confirm_name,
                second_factor,
            )
            .await;
        self.recorded(
            account,
            Some(id),
            HistoryOperation::Rotate,
            issued,
            store_note,
        )
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
        let removed = self
            .tokens
            .delete(
                provider.as_ref(),
                account,
                id,
                &name,
                confirm_name,
                remove_local_copy,
            )
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

    /// The deliberate later action: copies the stored copy from the keychain.
    pub async fn copy_stored_token(
        &self,
        account: &AccountRef,
        id: &str,
        on_cleared: impl FnOnce(bool) + Send + 'static,
    ) -> Result<ClipboardCopy> {
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

//! The start-up work the window will ask for first, begun before it asks: while the webview
//! loads, the keychain connection opens, the sessions are restored and the first account's list
//! is fetched. The window's first `restore_accounts` and its first list of that account take
//! these results (waiting for them if they are not ready yet), so nothing is done twice and an
//! error reaches the window exactly as it would have from its own call.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, OwnedMutexGuard};
use wispkey_core::error::Result;
use wispkey_core::{AccountRef, AccountView};

use crate::views::SecretRow;

/// A list fetched at start-up and not asked for within this long is not handed out: by then it
/// may no longer be what the server says.
const LIST_FRESH_FOR: Duration = Duration::from_secs(30);

/// What start-up fetched, each taken once.
#[derive(Default)]
pub(crate) struct Fetched {
    begun: bool,
    accounts: Option<Result<Vec<AccountView>>>,
    list: Option<(AccountRef, Instant, Result<Vec<SecretRow>>)>,
    /// The same list for the overdue summary, which only counts (taken apart from the
    /// window's, so neither has to ask the server again).
    to_count: Option<(AccountRef, Instant, Vec<SecretRow>)>,
}

/// Held by the start-up work while it runs: a call that comes meanwhile waits for it.
#[derive(Default)]
pub(crate) struct Early {
    fetched: Arc<Mutex<Fetched>>,
}

/// The start-up work's hold on [`Early`]; what it fetched goes in here.
pub struct EarlyStart {
    guard: OwnedMutexGuard<Fetched>,
}

impl EarlyStart {
    pub(crate) fn accounts(&mut self, accounts: Result<Vec<AccountView>>) {
        self.guard.accounts = Some(accounts);
    }

    pub(crate) fn list(&mut self, account: AccountRef, rows: Result<Vec<SecretRow>>) {
        let now = Instant::now();
        if let Ok(rows) = &rows {
            self.guard.to_count = Some((account.clone(), now, rows.clone()));
        }
        self.guard.list = Some((account, now, rows));
    }
}

impl Early {
    /// Taken synchronously, before the window can call: `None` if start-up work already ran.
    pub(crate) fn begin(&self) -> Option<EarlyStart> {
        let mut guard = Arc::clone(&self.fetched).try_lock_owned().ok()?;
        if guard.begun {
            return None;
        }
        guard.begun = true;
        Some(EarlyStart { guard })
    }

    /// The accounts start-up restored, once; waits while start-up is still at it.
    pub(crate) async fn take_accounts(&self) -> Option<Result<Vec<AccountView>>> {
        self.fetched.lock().await.accounts.take()
    }

    /// The list start-up fetched (for its first account), once, if it succeeded and is fresh:
    /// for the window, which asks for it beside the accounts, before it knows the account.
    /// Taken this way, a later list of that account asks the server.
    pub(crate) async fn take_first_list(&self) -> Option<(AccountRef, Vec<SecretRow>)> {
        let mut fetched = self.fetched.lock().await;
        match fetched.list.take() {
            Some((account, at, Ok(rows))) if at.elapsed() < LIST_FRESH_FOR => Some((account, rows)),
            // A failed one stays for the list call that follows, which then reports it.
            Some(failed @ (_, _, Err(_))) => {
                fetched.list = Some(failed);
                None
            }
            _ => None,
        }
    }

    /// `account`'s list as start-up fetched it, once, for a reader that only counts (the
    /// overdue summary, asked for as the window opens): the window's own first list is taken
    /// apart. `None` if there is none, it failed, or it is stale.
    pub(crate) async fn take_list_to_count(&self, account: &AccountRef) -> Option<Vec<SecretRow>> {
        let mut fetched = self.fetched.lock().await;
        match fetched.to_count.take() {
            Some((listed, at, rows)) if listed == *account && at.elapsed() < LIST_FRESH_FOR => {
                Some(rows)
            }
            _ => None,
        }
    }

    /// `account`'s list as start-up fetched it, once; waits while start-up is still at it. A
    /// list of another account is dropped: the window went elsewhere first.
    pub(crate) async fn take_list(&self, account: &AccountRef) -> Option<Result<Vec<SecretRow>>> {
        let mut fetched = self.fetched.lock().await;
        match fetched.list.take() {
            Some((listed, at, rows)) if listed == *account && at.elapsed() < LIST_FRESH_FOR => {
                Some(rows)
            }
            _ => None,
        }
    }
}

//! Create, rotate and retry: the persist-before-show half of the lifecycle.

use super::confirm::confirmed;
use super::pending::PendingToken;
use super::{Issued, IssuedAlso, TokenKeeper, also_id};
use crate::account::AccountRef;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::provider::{AlsoIssued, IssuedToken, SecretProvider};
use crate::secret::SecretString;

impl TokenKeeper {
    /// The provider checks `name` against its rule before anything is sent.
    pub async fn create(
        &self,
        provider: &dyn SecretProvider,
        account: &AccountRef,
        name: &str,
    ) -> Result<Issued> {
        let outcome = provider.create(name).await;
        self.keep(account, name, Operation::Create, outcome).await
    }

    /// Checks `confirm_name == name` (the secret's name as listed) before anything is sent;
    /// never retries. `second_factor`: the code the user typed when the provider asked.
    pub async fn rotate(
        &self,
        provider: &dyn SecretProvider,
        account: &AccountRef,
        id: &str,
        name: &str,
        confirm_name: &str,
        second_factor: Option<&SecretString>,
    ) -> Result<Issued> {
        confirmed(name, confirm_name)?;
        let outcome = provider.rotate(id, second_factor).await;
        if let Err(Error::RotatedWithoutSecret { .. }) = &outcome {
            // The rotation happened: whatever is stored for it is dead now.
            self.pending.remove(account, id);
            self.persistence.drop_dead_copy(account, id).await;
        }
        self.keep(account, id, Operation::Rotate, outcome).await
    }

    /// "Store a secret rotated elsewhere": keeps a secret the user pasted (rotated in the
    /// provider's own dashboard) as the stored copy of `id`, written and read back like an
    /// issued token. It replaces any stored copy.
    pub async fn store_pasted(
        &self,
        account: &AccountRef,
        id: &str,
        secret: &SecretString,
    ) -> Result<()> {
        if secret.expose().trim().is_empty() {
            return Err(Error::InvalidRequest {
                message: "the pasted secret is empty".into(),
            });
        }
        self.pending.remove(account, id);
        // Pasted now: the best time we know for it.
        self.persistence
            .store(account, id, secret, Some(chrono::Utc::now()))
            .await
    }

    /// Stores the in-memory token of the open dialog again; the webview sends no token.
    pub async fn retry_store(&self, account: &AccountRef, id: &str) -> Result<Issued> {
        let Some(pending) = self.pending.get(account, id) else {
            return Err(Error::IssuedTokenGone {
                name: id.to_owned(),
            });
        };
        let store_error = self
            .persistence
            .store(account, id, &pending.token, Some(pending.issued_at))
            .await
            .err();
        self.pending
            .set_stored(account, id, &pending.token, store_error.is_none());
        Ok(Issued {
            id: id.to_owned(),
            name: pending.name,
            issued_at: pending.issued_at,
            token: pending.token,
            store_error,
            also: Vec::new(),
        })
    }

    /// `key` is the secret's id for a rotate; for a create, the name asked for (the id is only
    /// known from the answer, and an unanswered create has none).
    async fn keep(
        &self,
        account: &AccountRef,
        key: &str,
        operation: Operation,
        outcome: Result<IssuedToken>,
    ) -> Result<Issued> {
        let mut issued = match outcome {
            Ok(issued) => issued,
            Err(error @ Error::OutcomeUnknown { .. }) => {
                // Whatever was pending for this secret may be dead now, and nothing new is
                // known: leave nothing behind that a copy or retry could present as current.
                self.pending.remove(account, key);
                if operation == Operation::Rotate {
                    // The stored copy may be the token that just died. A keychain that cannot
                    // take the mark cannot hand out the copy either.
                    let _ = self.persistence.mark_out_of_date(account, key).await;
                }
                return Err(error);
            }
            Err(error) => return Err(error),
        };
        let id = issued.id.as_str();
        // Memory first, so the token survives whatever the keychain does next.
        self.pending.insert(
            account,
            id,
            PendingToken {
                name: issued.name.clone(),
                token: issued.token.clone(),
                issued_at: issued.issued_at,
                stored: false,
            },
        );
        let store_error = self
            .persistence
            .store(account, id, &issued.token, Some(issued.issued_at))
            .await
            .err();
        self.pending
            .set_stored(account, id, &issued.token, store_error.is_none());
        if store_error.is_some() && operation == Operation::Rotate {
            self.persistence.drop_dead_copy(account, id).await;
        }
        let extras = std::mem::take(&mut issued.also);
        let mut also = Vec::with_capacity(extras.len());
        for extra in extras {
            also.push(self.keep_also(account, &issued, extra).await);
        }
        Ok(Issued {
            id: issued.id.clone(),
            name: issued.name,
            issued_at: issued.issued_at,
            token: issued.token,
            store_error,
            also,
        })
    }

    /// A second value of the same answer: in memory first, then written and read back, like the
    /// token itself. An old stored copy it replaces is dead, so a failed write removes it.
    async fn keep_also(
        &self,
        account: &AccountRef,
        issued: &IssuedToken,
        extra: AlsoIssued,
    ) -> IssuedAlso {
        let id = also_id(&issued.id, &extra.key);
        self.pending.insert(
            account,
            &id,
            PendingToken {
                name: format!("{} ({})", issued.name, extra.label),
                token: extra.token.clone(),
                issued_at: issued.issued_at,
                stored: false,
            },
        );
        let store_error = self
            .persistence
            .store(account, &id, &extra.token, Some(issued.issued_at))
            .await
            .err();
        self.pending
            .set_stored(account, &id, &extra.token, store_error.is_none());
        if store_error.is_some() {
            self.persistence.drop_dead_copy(account, &id).await;
        }
        IssuedAlso {
            id,
            label: extra.label,
            note: extra.note,
            token: extra.token,
            store_error,
        }
    }
}

//! Create, rotate and retry: the persist-before-show half of the lifecycle.

use super::confirm::confirmed;
use super::pending::PendingToken;
use super::{Issued, TokenKeeper};
use crate::error::{Error, Result};
use crate::provider::wisp::checked_name;
use crate::provider::{IssuedToken, Operation, SecretProvider};

impl TokenKeeper {
    pub async fn create<P: SecretProvider>(
        &self,
        provider: &P,
        did: &str,
        name: &str,
    ) -> Result<Issued> {
        let name = checked_name(name)?;
        let outcome = provider.create(&name).await;
        self.keep(did, name.as_str(), Operation::Create, outcome)
            .await
    }

    /// Checks `confirm_name == name` before anything is sent; never retries.
    pub async fn rotate<P: SecretProvider>(
        &self,
        provider: &P,
        did: &str,
        name: &str,
        confirm_name: &str,
    ) -> Result<Issued> {
        confirmed(name, confirm_name)?;
        let name = checked_name(name)?;
        let outcome = provider.rotate(&name).await;
        self.keep(did, name.as_str(), Operation::Rotate, outcome)
            .await
    }

    /// Stores the in-memory token of the open dialog again; the webview sends no token.
    pub async fn retry_store(&self, did: &str, name: &str) -> Result<Issued> {
        let Some(pending) = self.pending.get(did, name) else {
            return Err(Error::IssuedTokenGone {
                name: name.to_owned(),
            });
        };
        let store_error = self
            .persistence
            .store(did, name, &pending.token)
            .await
            .err();
        self.pending
            .set_stored(did, name, &pending.token, store_error.is_none());
        Ok(Issued {
            name: name.to_owned(),
            issued_at: pending.issued_at,
            token: pending.token,
            store_error,
        })
    }

    async fn keep(
        &self,
        did: &str,
        name: &str,
        operation: Operation,
        outcome: Result<IssuedToken>,
    ) -> Result<Issued> {
        let issued = match outcome {
            Ok(issued) => issued,
            Err(error @ Error::OutcomeUnknown { .. }) => {
                // Whatever was pending for this name may be dead now, and nothing new is known:
                // leave nothing behind that a copy or retry could present as the current token.
                self.pending.remove(did, name);
                return Err(error);
            }
            Err(error) => return Err(error),
        };
        // Memory first, so the token survives whatever the keychain does next.
        self.pending.insert(
            did,
            name,
            PendingToken {
                token: issued.token.clone(),
                issued_at: issued.issued_at,
                stored: false,
            },
        );
        let store_error = self.persistence.store(did, name, &issued.token).await.err();
        self.pending
            .set_stored(did, name, &issued.token, store_error.is_none());
        if store_error.is_some() && operation == Operation::Rotate {
            self.persistence.drop_dead_copy(did, name).await;
        }
        Ok(Issued {
            name: issued.name.clone(),
            issued_at: issued.issued_at,
            token: issued.token,
            store_error,
        })
    }
}

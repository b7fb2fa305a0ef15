//! Delete at the server (optionally the local copy too), and forgetting a local copy.

use super::TokenKeeper;
use super::confirm::confirmed;
use crate::account::AccountRef;
use crate::error::{Error, Result};
use crate::provider::SecretProvider;

impl TokenKeeper {
    /// Deletes the secret at the server after checking `confirm_name == name` (its listed
    /// name). Returns whether a local copy was removed. The server's answer decides success: a
    /// keychain that fails while removing the local copy leaves it there (`false`) rather than
    /// reporting the delete failed.
    pub async fn delete(
        &self,
        provider: &dyn SecretProvider,
        account: &AccountRef,
        id: &str,
        name: &str,
        confirm_name: &str,
        remove_local_copy: bool,
    ) -> Result<bool> {
        confirmed(name, confirm_name)?;
        match provider.delete(id).await {
            Ok(()) => {}
            Err(error @ Error::OutcomeUnknown { .. }) => {
                self.pending.remove(account, id);
                return Err(error);
            }
            Err(error) => return Err(error),
        }
        self.pending.remove(account, id);
        if !remove_local_copy {
            return Ok(false);
        }
        Ok(self.persistence.remove(account, id).await.unwrap_or(false))
    }

    /// Removes the local copy (the row's "Forget" action). Nothing stored is not an error.
    pub async fn forget(&self, account: &AccountRef, id: &str) -> Result<()> {
        self.persistence.remove(account, id).await.map(|_| ())
    }
}

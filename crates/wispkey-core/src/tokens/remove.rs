//! Delete at the server (optionally the local copy too), and forgetting a local copy.

use super::TokenKeeper;
use super::confirm::confirmed;
use crate::error::{Error, Result};
use crate::provider::SecretProvider;
use crate::provider::wisp::checked_name;

impl TokenKeeper {
    /// Deletes the secret at the server after checking `confirm_name == name`. Returns whether a
    /// local copy was removed. The server's answer decides success: a keychain that fails while
    /// removing the local copy leaves it there (`false`) rather than reporting the delete failed.
    pub async fn delete<P: SecretProvider>(
        &self,
        provider: &P,
        did: &str,
        name: &str,
        confirm_name: &str,
        remove_local_copy: bool,
    ) -> Result<bool> {
        confirmed(name, confirm_name)?;
        let checked = checked_name(name)?;
        match provider.delete(&checked).await {
            Ok(()) => {}
            Err(error @ Error::OutcomeUnknown { .. }) => {
                self.pending.remove(did, name);
                return Err(error);
            }
            Err(error) => return Err(error),
        }
        self.pending.remove(did, name);
        if !remove_local_copy {
            return Ok(false);
        }
        Ok(self.persistence.remove(did, name).await.unwrap_or(false))
    }

    /// Removes the local copy (the row's "Forget" action). Nothing stored is not an error.
    pub async fn forget(&self, did: &str, name: &str) -> Result<()> {
        self.persistence.remove(did, name).await.map(|_| ())
    }
}

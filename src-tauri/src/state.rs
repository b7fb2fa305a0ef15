//! What the commands share: the vault, and later the signed-in sessions.

use wispkey_core::vault::Vault;

pub struct AppState {
    pub vault: Vault,
}

impl AppState {
    pub fn from_environment() -> Self {
        AppState {
            vault: Vault::default(),
        }
    }
}

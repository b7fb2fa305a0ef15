//! What the commands share: the vault, the network settings, and later the signed-in sessions.

use wispkey_core::settings::NetworkSettings;
use wispkey_core::vault::Vault;

pub struct AppState {
    pub vault: Vault,
    pub settings: NetworkSettings,
}

impl AppState {
    /// Settings come from `config_dir/settings.json` and the environment (see the core's
    /// `settings` module); an unreadable file stops start-up with a sentence saying so.
    pub fn load(config_dir: Option<&std::path::Path>) -> wispkey_core::error::Result<Self> {
        Ok(AppState {
            vault: Vault::default(),
            settings: NetworkSettings::load(config_dir)?,
        })
    }
}

//! What the commands share: the vault, the network settings, the OAuth sessions, issued and
//! stored tokens, the clipboard and the user's preferences.

use std::path::PathBuf;
use std::sync::Mutex;

use wispkey_core::clipboard::SecretClipboard;
use wispkey_core::oauth::{CancellationToken, OAuthConfig, OAuthManager};
use wispkey_core::preferences::Preferences;
use wispkey_core::provider::wisp::proxy_header;
use wispkey_core::settings::NetworkSettings;
use wispkey_core::tokens::TokenKeeper;
use wispkey_core::vault::Vault;

/// Names the keychain service Wispkey's items are stored under (default `place.wisp.wispkey`).
pub const KEYCHAIN_SERVICE_ENV: &str = "WISPKEY_KEYCHAIN_SERVICE";

pub struct AppState {
    pub vault: Vault,
    pub settings: NetworkSettings,
    pub oauth: OAuthManager,
    /// The sign-in in progress, so the UI's Cancel button can stop it.
    pub sign_in_cancel: Mutex<Option<CancellationToken>>,
    pub tokens: TokenKeeper,
    /// One for the app's lifetime: on X11 the clipboard's owner must stay alive to serve it.
    pub clipboard: SecretClipboard,
    pub preferences: Mutex<Preferences>,
    /// Where `preferences.json` is saved; `None` if the platform reported no config folder.
    pub config_dir: Option<PathBuf>,
}

impl AppState {
    /// Settings come from `config_dir/settings.json` and the environment (see the core's
    /// `settings` module); an unreadable file stops start-up with a sentence saying so.
    pub fn load(config_dir: Option<&std::path::Path>) -> wispkey_core::error::Result<Self> {
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
        Ok(AppState {
            tokens: TokenKeeper::new(vault.clone()),
            vault,
            settings,
            oauth,
            sign_in_cancel: Mutex::new(None),
            clipboard: SecretClipboard::new(),
            preferences: Mutex::new(Preferences::load(config_dir)),
            config_dir: config_dir.map(std::path::Path::to_path_buf),
        })
    }
}

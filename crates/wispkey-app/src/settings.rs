//! Where Wispkey looks for things on the network. The defaults are production; the local test
//! stack and self-hosters override them with environment variables (which win) or the settings
//! file `settings.json` in the app's config folder. No secret is ever stored here.

use std::path::Path;

use serde::{Deserialize, Serialize};

use wispkey_atproto::oauth::{DEFAULT_PLC_DIRECTORY, HandleResolverConfig, IdentityConfig};
use wispkey_core::error::{Error, Result};
use wispkey_phala::DEFAULT_BASE_URL as DEFAULT_PHALA_URL;
use wispkey_wisp::DEFAULT_SERVICE_DID;

pub const ENV_PLC_URL: &str = "WISPKEY_PLC_URL";
pub const ENV_HANDLE_RESOLVER_PDS: &str = "WISPKEY_HANDLE_RESOLVER_PDS";
pub const ENV_WISP_SERVICE_DID: &str = "WISPKEY_WISP_SERVICE_DID";
/// Phala Cloud's API address (https, or http to this machine for the local service).
pub const ENV_PHALA_URL: &str = "WISPKEY_PHALA_URL";
/// The Slate server the sign-in form offers (each broker has its own; the user may type another).
pub const ENV_SLATE_URL: &str = "WISPKEY_SLATE_URL";
pub const FILE_NAME: &str = "settings.json";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkSettings {
    pub plc_directory_url: String,
    /// `None`: resolve handles the standard way (DNS TXT, then HTTPS well-known).
    pub handle_resolver_pds: Option<String>,
    pub wisp_service_did: String,
    pub phala_api_url: String,
    /// Empty: the form starts empty (there is no one Slate server).
    pub slate_api_url: String,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            plc_directory_url: DEFAULT_PLC_DIRECTORY.to_owned(),
            handle_resolver_pds: None,
            wisp_service_did: DEFAULT_SERVICE_DID.to_owned(),
            phala_api_url: DEFAULT_PHALA_URL.to_owned(),
            slate_api_url: String::new(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SettingsFile {
    plc_directory_url: Option<String>,
    handle_resolver_pds: Option<String>,
    wisp_service_did: Option<String>,
    phala_api_url: Option<String>,
    slate_api_url: Option<String>,
}

/// One setting that points Wispkey away from production, as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CustomSetting {
    /// What it is, in a few words ("PLC directory").
    pub label: String,
    /// Where it points now (an address or a DID; settings never hold a secret).
    pub value: String,
}

impl NetworkSettings {
    /// Every setting that differs from production, in a fixed order; empty in production. The
    /// window shows them on a "Custom network" line, so nobody signs in to a test or
    /// self-hosted network without seeing it.
    pub fn custom(&self) -> Vec<CustomSetting> {
        let production = NetworkSettings::default();
        let mut custom = Vec::new();
        let mut differs = |label: &str, value: &str, default: &str| {
            if value.trim_end_matches('/') != default.trim_end_matches('/') {
                custom.push(CustomSetting {
                    label: label.to_owned(),
                    value: value.to_owned(),
                });
            }
        };
        differs(
            "PLC directory",
            &self.plc_directory_url,
            &production.plc_directory_url,
        );
        if let Some(pds) = &self.handle_resolver_pds {
            differs("handle resolver", pds, "");
        }
        differs(
            "wisp service",
            &self.wisp_service_did,
            &production.wisp_service_did,
        );
        differs("Phala API", &self.phala_api_url, &production.phala_api_url);
        custom
    }

    /// Defaults, then `config_dir/settings.json` if it exists, then the environment.
    pub fn load(config_dir: Option<&Path>) -> Result<NetworkSettings> {
        let file = match config_dir.map(|dir| dir.join(FILE_NAME)) {
            Some(path) if path.is_file() => {
                let text =
                    std::fs::read_to_string(&path).map_err(|error| Error::InvalidSettings {
                        detail: format!("{}: {error}", path.display()),
                    })?;
                serde_json::from_str(&text).map_err(|error| Error::InvalidSettings {
                    detail: format!("{}: {error}", path.display()),
                })?
            }
            _ => SettingsFile::default(),
        };
        Ok(NetworkSettings::merge(file, |key| std::env::var(key).ok()))
    }

    fn merge(file: SettingsFile, env: impl Fn(&str) -> Option<String>) -> NetworkSettings {
        let defaults = NetworkSettings::default();
        let pick = |key: &str, from_file: Option<String>| {
            env(key)
                .filter(|value| !value.trim().is_empty())
                .or(from_file)
        };
        NetworkSettings {
            plc_directory_url: pick(ENV_PLC_URL, file.plc_directory_url)
                .unwrap_or(defaults.plc_directory_url),
            handle_resolver_pds: pick(ENV_HANDLE_RESOLVER_PDS, file.handle_resolver_pds),
            wisp_service_did: pick(ENV_WISP_SERVICE_DID, file.wisp_service_did)
                .unwrap_or(defaults.wisp_service_did),
            phala_api_url: pick(ENV_PHALA_URL, file.phala_api_url)
                .unwrap_or(defaults.phala_api_url),
            slate_api_url: pick(ENV_SLATE_URL, file.slate_api_url)
                .unwrap_or(defaults.slate_api_url),
        }
    }

    pub fn identity(&self) -> IdentityConfig {
        IdentityConfig {
            plc_directory_url: self.plc_directory_url.clone(),
            handle_resolver: match &self.handle_resolver_pds {
                Some(pds_url) => HandleResolverConfig::ViaPds {
                    pds_url: pds_url.clone(),
                },
                None => HandleResolverConfig::Standard,
            },
        }
    }
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_production() {
        let settings = NetworkSettings::merge(SettingsFile::default(), |_| None);
        assert_eq!(settings.plc_directory_url, "https://plc.directory");
        assert_eq!(settings.wisp_service_did, "did:web:wisp.place");
        assert_eq!(settings.phala_api_url, "https://cloud-api.phala.com");
        assert_eq!(
            settings.identity().handle_resolver,
            HandleResolverConfig::Standard
        );
    }

    #[test]
    fn production_defaults_show_no_custom_network() {
        let settings = NetworkSettings::merge(SettingsFile::default(), |_| None);
        assert_eq!(settings.custom(), vec![]);
        // Written with a trailing slash, production is still production.
        let file: SettingsFile = serde_json::from_str(
            r#"{"plcDirectoryUrl":"https://plc.directory/","phalaApiUrl":"https://cloud-api.phala.com/"}"#,
        )
        .unwrap();
        assert_eq!(NetworkSettings::merge(file, |_| None).custom(), vec![]);
    }

    #[test]
    fn every_setting_away_from_production_is_named_with_its_value() {
        let settings = NetworkSettings::merge(SettingsFile::default(), |key| match key {
            ENV_PLC_URL => Some("http://127.0.0.1:2582".into()),
            ENV_HANDLE_RESOLVER_PDS => Some("http://localhost:2583".into()),
            ENV_WISP_SERVICE_DID => Some("did:web:localhost%3A9".into()),
            ENV_PHALA_URL => Some("http://127.0.0.1:4000".into()),
            _ => None,
        });
        let shown: Vec<(String, String)> = settings
            .custom()
            .into_iter()
            .map(|setting| (setting.label, setting.value))
            .collect();
        assert_eq!(
            shown,
            [
                ("PLC directory", "http://127.0.0.1:2582"),
                ("handle resolver", "http://localhost:2583"),
                ("wisp service", "did:web:localhost%3A9"),
                ("Phala API", "http://127.0.0.1:4000"),
            ]
            .map(|(label, value)| (label.to_owned(), value.to_owned()))
        );
        let only_phala = NetworkSettings::merge(SettingsFile::default(), |key| {
            (key == ENV_PHALA_URL).then(|| "https://phala.example".to_owned())
        });
        assert_eq!(only_phala.custom().len(), 1);
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let file = SettingsFile {
            wisp_service_did: Some("did:web:from-file.example".into()),
            plc_directory_url: Some("http://localhost:1".into()),
            handle_resolver_pds: None,
            phala_api_url: None,
            slate_api_url: None,
        };
        let settings = NetworkSettings::merge(file, |key| {
            (key == ENV_WISP_SERVICE_DID).then(|| "did:web:localhost%3A9".to_owned())
        });
        assert_eq!(settings.wisp_service_did, "did:web:localhost%3A9");
        assert_eq!(settings.plc_directory_url, "http://localhost:1");
    }

    #[test]
    fn the_phala_api_url_comes_from_the_file_and_the_environment_wins() {
        let file: SettingsFile =
            serde_json::from_str(r#"{"phalaApiUrl":"http://127.0.0.1:4000"}"#).unwrap();
        let settings = NetworkSettings::merge(file, |_| None);
        assert_eq!(settings.phala_api_url, "http://127.0.0.1:4000");
        let file: SettingsFile =
            serde_json::from_str(r#"{"phalaApiUrl":"http://127.0.0.1:4000"}"#).unwrap();
        let settings = NetworkSettings::merge(file, |key| {
            (key == ENV_PHALA_URL).then(|| "http://127.0.0.1:5000".to_owned())
        });
        assert_eq!(settings.phala_api_url, "http://127.0.0.1:5000");
    }

    #[test]
    fn the_slate_server_offered_comes_from_the_file_and_the_environment_wins() {
        assert_eq!(
            NetworkSettings::merge(SettingsFile::default(), |_| None).slate_api_url,
            "",
            "no one Slate server: the form starts empty"
        );
        let file: SettingsFile =
            serde_json::from_str(r#"{"slateApiUrl":"http://127.0.0.1:4100"}"#).unwrap();
        assert_eq!(
            NetworkSettings::merge(file, |_| None).slate_api_url,
            "http://127.0.0.1:4100"
        );
        let file: SettingsFile =
            serde_json::from_str(r#"{"slateApiUrl":"http://127.0.0.1:4100"}"#).unwrap();
        let settings = NetworkSettings::merge(file, |key| {
            (key == ENV_SLATE_URL).then(|| "https://api.broker.slate-labs.com".to_owned())
        });
        assert_eq!(settings.slate_api_url, "https://api.broker.slate-labs.com");
    }

    #[test]
    fn a_handle_resolver_pds_switches_resolution_to_that_pds() {
        let settings = NetworkSettings::merge(SettingsFile::default(), |key| {
            (key == ENV_HANDLE_RESOLVER_PDS).then(|| "http://localhost:2583".to_owned())
        });
        assert_eq!(
            settings.identity().handle_resolver,
            HandleResolverConfig::ViaPds {
                pds_url: "http://localhost:2583".into()
            }
        );
    }

    #[test]
    fn an_unreadable_settings_file_is_a_clear_error() {
        let dir = std::env::temp_dir().join(format!("wispkey-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(FILE_NAME), "{ not json").unwrap();
        let error = NetworkSettings::load(Some(&dir)).unwrap_err();
        assert_eq!(error.code().as_str(), "invalid_settings");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

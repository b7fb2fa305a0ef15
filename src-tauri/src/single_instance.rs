//! One window per profile: a second launch hands over to the running app, which shows and
//! focuses its window, and the second process exits before it opens anything.
//!
//! Two windows on one keychain would each hold the same single-use OAuth refresh token in
//! memory; one instance (plus the lock across processes the CLI also takes) keeps that simple.
//!
//! The identity is per profile, not per app: it covers the config folder and the keychain
//! namespace, the two things that tell profiles apart. So two launches with the same profile
//! meet, while a second profile — and each parallel end-to-end test, which runs in its own XDG
//! folders and keychain namespace on one shared D-Bus session — is an instance of its own. On
//! Linux the identity is the D-Bus name the app claims (src/session_bus/single_instance.rs); on
//! Windows and macOS Tauri's single-instance plugin keys by the bundle identifier alone (a user
//! there has one profile).

use std::path::Path;

use tauri::{AppHandle, Manager, Runtime, plugin::TauriPlugin};

/// The label of the window the second launch brings forward (tauri.conf.json).
const MAIN_WINDOW: &str = "main";

pub fn plugin<R: Runtime>(identifier: &str) -> TauriPlugin<R> {
    let config_dir = wispkey_app::default_config_dir();
    // The keychain namespace exists only in a build with the test hooks (end-to-end tests run
    // parallel profiles); the shipped build has one namespace, so only the folder matters.
    let keychain = wispkey_core::test_hooks::TestHook::KeychainService
        .value()
        .map(|value| value.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dbus_id = dbus_id(identifier, config_dir.as_deref(), &keychain);
    #[cfg(target_os = "linux")]
    return crate::session_bus::single_instance::plugin(dbus_id, bring_forward);
    #[cfg(not(target_os = "linux"))]
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(dbus_id)
        .callback(|app, _args, _cwd| bring_forward(app))
        .build()
}

/// `<identifier>.p<hash of the profile>`: every element of a D-Bus name must start with a letter
/// and hold only `[A-Za-z0-9_-]`, so the profile enters as a hash.
fn dbus_id(identifier: &str, config_dir: Option<&Path>, keychain: &str) -> String {
    let mut profile = config_dir
        .map(|dir| dir.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A separator neither part can hold (paths and environment values carry no NUL).
    profile.push('\0');
    profile.push_str(keychain);
    format!(
        "{identifier}.p{:016x}",
        wispkey_core::process_lock::stable_hash(profile.as_bytes())
    )
}

pub(crate) fn bring_forward<R: Runtime>(app: &AppHandle<R>) {
    // Best effort: a window that cannot be raised is still the running instance, and the
    // second launch must exit either way.
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "place.wisp.wispkey";

    fn is_valid_dbus_name(name: &str) -> bool {
        name.len() <= 255
            && name.split('.').count() >= 2
            && name.split('.').all(|element| {
                element
                    .chars()
                    .next()
                    .is_some_and(|first| !first.is_ascii_digit())
                    && element
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
    }

    #[test]
    fn the_same_profile_gives_the_same_identity() {
        let dir = Path::new("/home/a/.config/place.wisp.wispkey");
        assert_eq!(dbus_id(ID, Some(dir), ""), dbus_id(ID, Some(dir), ""));
    }

    #[test]
    fn another_config_folder_or_keychain_namespace_is_another_instance() {
        let home = Path::new("/home/a/.config/place.wisp.wispkey");
        let test = Path::new("/tmp/profile-1/config/place.wisp.wispkey");
        let base = dbus_id(ID, Some(home), "");
        assert_ne!(base, dbus_id(ID, Some(test), ""));
        assert_ne!(base, dbus_id(ID, Some(home), "place.wisp.wispkey.e2e.1"));
        assert_ne!(base, dbus_id(ID, None, ""));
    }

    #[test]
    fn the_identity_is_a_valid_dbus_name_for_any_profile() {
        for (dir, keychain) in [
            (
                Some(Path::new("/home/ünïcode dir/.config/x")),
                "service with spaces",
            ),
            (None, ""),
            (Some(Path::new("/")), "0starts-with-a-digit"),
        ] {
            let name = format!("{}.SingleInstance", dbus_id(ID, dir, keychain));
            assert!(is_valid_dbus_name(&name), "{name}");
        }
    }
}

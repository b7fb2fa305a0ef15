//! Test hooks: the few environment variables through which tests steer the real app and CLI
//! (which keychain namespace to use, which program plays the browser). They exist only in a
//! build made with the `test-hooks` cargo feature, which the end-to-end tests run. The shipped
//! build has no such feature: [`TestHook::value`] answers `None` without reading the
//! environment, and the variables' names are not even compiled in, so nobody can point an
//! installed Wispkey at another keychain or another "browser" by setting a variable
//! (`tests/e2e/shipped.rs` checks that on the built packages).
//!
//! Settings a user may change (the network endpoints in wispkey-app's `settings.rs`) are not
//! hooks and stay in every build.
//!
//! Adding a hook, the one pattern: a variant below, its variable's name in [`TestHook::name`],
//! and `TestHook::YourHook.value()` where the product reads it (no `cfg` at the call site). The
//! feature is defined here and forwarded by wispkey-app, wispkey-desktop and wispkey-cli; the
//! shipped-build test finds the new name through [`TestHook::ALL`].

use std::ffi::OsString;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestHook {
    /// `WISPKEY_BROWSER`: a program that receives the sign-in URL instead of the system
    /// browser (tests point it at the automation that plays the user on the consent page).
    Browser,
    /// `WISPKEY_KEYCHAIN_SERVICE`: the keychain service name items are stored under, so
    /// parallel tests never restore each other's sessions.
    KeychainService,
}

impl TestHook {
    pub const ALL: [TestHook; 2] = [TestHook::Browser, TestHook::KeychainService];

    /// The environment variable this hook reads.
    #[cfg(feature = "test-hooks")]
    pub const fn name(self) -> &'static str {
        match self {
            TestHook::Browser => "WISPKEY_BROWSER",
            TestHook::KeychainService => "WISPKEY_KEYCHAIN_SERVICE",
        }
    }

    /// The hook's value when this build has hooks and the variable is set and not blank;
    /// always `None` in a shipped build.
    pub fn value(self) -> Option<OsString> {
        #[cfg(feature = "test-hooks")]
        {
            std::env::var_os(self.name()).filter(|value| !value.to_string_lossy().trim().is_empty())
        }
        #[cfg(not(feature = "test-hooks"))]
        {
            None
        }
    }
}

#[cfg(all(test, feature = "test-hooks"))]
mod tests {
    use super::*;

    #[test]
    fn every_hook_has_its_own_wispkey_variable() {
        let mut names: Vec<&str> = TestHook::ALL.iter().map(|hook| hook.name()).collect();
        assert!(
            names.iter().all(|name| name.starts_with("WISPKEY_")),
            "{names:?}"
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TestHook::ALL.len());
    }
}

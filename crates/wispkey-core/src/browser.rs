//! Opening a sign-in page. The core never decides which browser: the caller does (the app and
//! the CLI open the system browser; a build for tests lets them name a program instead, through
//! [`TestHook::Browser`]).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::test_hooks::TestHook;

/// Opens `url` in a browser and returns without waiting for the user.
pub trait BrowserOpener: Send + Sync {
    fn open(&self, url: &str) -> Result<(), String>;
}

impl<F> BrowserOpener for F
where
    F: Fn(&str) -> Result<(), String> + Send + Sync,
{
    fn open(&self, url: &str) -> Result<(), String> {
        self(url)
    }
}

/// Opens a sign-in (authorization) page, after checking it: https, or http only to this
/// machine (`net::endpoint`). A page on plain http elsewhere could be read or changed on the
/// way, so it is refused with a sentence naming its host and never reaches the browser.
pub fn open_sign_in_page(browser: &dyn BrowserOpener, url: &str) -> crate::error::Result<()> {
    crate::net::endpoint::checked_endpoint_text(url)?;
    browser
        .open(url)
        .map_err(|detail| crate::error::Error::BrowserUnavailable { detail })
}

/// Runs a program with the URL as its last argument, like `xdg-open <url>`.
#[derive(Debug, Clone)]
pub struct CommandBrowser {
    program: PathBuf,
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
}

impl CommandBrowser {
    pub fn new(program: impl Into<PathBuf>) -> Self {
        CommandBrowser {
            program: program.into(),
            args: Vec::new(),
            envs: Vec::new(),
        }
    }

    /// The program named by the [`TestHook::Browser`] hook (tests point it at the consent
    /// automation in `stack/`); always `None` in a shipped build.
    pub fn from_env() -> Option<Self> {
        TestHook::Browser.value().map(CommandBrowser::new)
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// An environment variable for this program only (per-instance, so parallel tests can each
    /// pass their own account without touching the process environment).
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.envs.push((key.into(), value.into()));
        self
    }
}

impl BrowserOpener for CommandBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .arg(url)
            .envs(self.envs.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", self.program.display()))?;
        // Reap the child when it exits so it does not linger as a zombie; its exit status says
        // nothing about the sign-in (real browsers return at once).
        std::thread::Builder::new()
            .name("wispkey-browser-reaper".into())
            .spawn(move || {
                let _ = child.wait();
            })
            .map(|_| ())
            .map_err(|e| format!("could not watch the browser process: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_program_is_an_error_not_a_panic() {
        let browser = CommandBrowser::new("/nonexistent/wispkey-browser");
        let error = browser.open("http://localhost/").unwrap_err();
        assert!(error.contains("could not start"), "{error}");
    }

    #[test]
    fn a_sign_in_page_on_plain_http_elsewhere_never_reaches_the_browser() {
        let opened = std::sync::Mutex::new(Vec::<String>::new());
        let browser = |url: &str| {
            opened.lock().unwrap().push(url.to_owned());
            Ok(())
        };
        let error = open_sign_in_page(
            &browser,
            "http://pds.example/oauth/authorize?client_id=x&request_uri=y",
        )
        .unwrap_err();
        assert_eq!(error.code(), crate::error::ErrorCode::InsecureEndpoint);
        assert!(error.to_string().contains("pds.example"), "{error}");
        assert!(opened.lock().unwrap().is_empty());

        for allowed in [
            "https://pds.example/oauth/authorize?request_uri=y",
            "http://127.0.0.1:2583/oauth/authorize?request_uri=y",
            "http://localhost:2583/oauth/authorize?request_uri=y",
        ] {
            open_sign_in_page(&browser, allowed).unwrap();
        }
        assert_eq!(opened.lock().unwrap().len(), 3);
    }

    #[test]
    fn a_closure_is_a_browser() {
        let seen = std::sync::Mutex::new(String::new());
        let browser = |url: &str| {
            *seen.lock().unwrap() = url.to_owned();
            Ok(())
        };
        BrowserOpener::open(&browser, "http://localhost/x").unwrap();
        assert_eq!(*seen.lock().unwrap(), "http://localhost/x");
    }
}

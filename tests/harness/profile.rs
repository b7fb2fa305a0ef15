//! The app's own folders for one test: config, data (WebKit's storage too) and cache, plus the
//! log of everything the app and its drivers print. A test that restarts the app passes the same
//! profile again; at the end it scans the profile for every token it saw.

use std::path::{Path, PathBuf};

use crate::TestResult;

pub struct Profile {
    dir: PathBuf,
}

const FOLDERS: [(&str, &str); 3] = [
    ("XDG_CONFIG_HOME", "config"),
    ("XDG_DATA_HOME", "data"),
    ("XDG_CACHE_HOME", "cache"),
];

impl Profile {
    pub fn new(label: &str) -> TestResult<Profile> {
        let base = std::env::var_os("WISPKEY_SESSION_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos();
        let dir = base.join(format!("app-{label}-{}-{nanos}", std::process::id()));
        for (_, folder) in FOLDERS {
            std::fs::create_dir_all(dir.join(folder))?;
        }
        Ok(Profile { dir })
    }

    /// The XDG variables that put the app's folders here.
    pub fn env(&self) -> Vec<(String, String)> {
        FOLDERS
            .iter()
            .map(|(key, folder)| (key.to_string(), self.dir.join(folder).display().to_string()))
            .collect()
    }

    /// Where the app's (and tauri-driver's, and WebKit's) output is appended.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join("app.log")
    }

    /// The app's preferences file, for tests that start with non-default preferences.
    pub fn config_dir(&self) -> PathBuf {
        self.dir.join("config")
    }

    /// The app's own log folder in this profile: the platform's data folder (here the profile's
    /// `XDG_DATA_HOME`) as the app finds it, so these tests see the default, not an override.
    pub fn app_log_dir(&self) -> PathBuf {
        self.dir.join("data/place.wisp.wispkey/logs")
    }

    /// Every line of every file in [`Profile::app_log_dir`] (the window's and the CLI's).
    pub fn app_log_text(&self) -> TestResult<String> {
        let mut text = String::new();
        for entry in std::fs::read_dir(self.app_log_dir())? {
            let path = entry?.path();
            if path.is_file() {
                text.push_str(&std::fs::read_to_string(&path)?);
            }
        }
        Ok(text)
    }

    /// Every file in the profile (folders and log) that contains one of `secrets`. Each secret
    /// is looked for as written and as it would appear escaped in JSON.
    pub fn files_containing(&self, secrets: &[String]) -> TestResult<Vec<PathBuf>> {
        let mut found = Vec::new();
        scan(&self.dir, secrets, &mut found)?;
        Ok(found)
    }
}

fn scan(dir: &Path, secrets: &[String], found: &mut Vec<PathBuf>) -> TestResult {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            scan(&path, secrets, found)?;
        } else if kind.is_file() {
            let bytes = std::fs::read(&path)?;
            if secrets
                .iter()
                .filter(|secret| !secret.is_empty())
                .any(|secret| contains(&bytes, secret.as_bytes()))
            {
                found.push(path);
            }
        }
    }
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

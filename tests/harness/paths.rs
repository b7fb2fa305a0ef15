use std::path::PathBuf;

use crate::TestResult;

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// The built app: `WISPKEY_APP_BIN`, else `debug/wispkey-desktop` in Cargo's target folder.
pub fn app_binary() -> TestResult<PathBuf> {
    let path = match std::env::var_os("WISPKEY_APP_BIN") {
        Some(path) => PathBuf::from(path),
        None => std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace_root().join("target"))
            .join("debug/wispkey-desktop"),
    };
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "the app is not built at {} (build it with `cargo build -p wispkey-desktop`, or run scripts/test.sh)",
            path.display()
        )
        .into())
    }
}

/// The built `wispkey` CLI: `WISPKEY_CLI_BIN`, else `debug/wispkey` in Cargo's target folder.
pub fn cli_binary() -> TestResult<PathBuf> {
    let path = match std::env::var_os("WISPKEY_CLI_BIN") {
        Some(path) => PathBuf::from(path),
        None => std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace_root().join("target"))
            .join("debug/wispkey"),
    };
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "the CLI is not built at {} (build it with `cargo build -p wispkey-cli`, or run scripts/test.sh)",
            path.display()
        )
        .into())
    }
}

/// Where screenshots go: `WISPKEY_ARTIFACTS`, else `artifacts/` at the repository root.
pub fn artifacts_dir() -> TestResult<PathBuf> {
    Ok(std::env::var_os("WISPKEY_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("artifacts")))
}

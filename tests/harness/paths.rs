use std::path::PathBuf;

use crate::TestResult;

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// Cargo's target folder: `CARGO_TARGET_DIR` (scripts/lib/common.sh sets it), else `target/`.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Where scripts/lib/build.sh leaves the end-to-end tests' build: the shipped build (release,
/// production config, the front end inside) plus the `test-hooks` feature, nothing else.
fn test_hooks_build(name: &str) -> PathBuf {
    target_dir().join("test-hooks").join(name)
}

/// `path` if it is a file, else an error that says how to build it.
fn built(path: PathBuf, what: &str) -> TestResult<PathBuf> {
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{what} is not built at {} (scripts/test.sh builds it, or build it alone with \
             `scripts/build.sh test-hooks` / `scripts/build.sh shipped`)",
            path.display()
        )
        .into())
    }
}

/// The app the end-to-end tests drive: `WISPKEY_APP_BIN`, else the test-hooks build of
/// `wispkey-desktop`.
pub fn app_binary() -> TestResult<PathBuf> {
    let path = match std::env::var_os("WISPKEY_APP_BIN") {
        Some(path) => PathBuf::from(path),
        None => test_hooks_build("wispkey-desktop"),
    };
    built(path, "the app")
}

/// The `wispkey` CLI the end-to-end tests run: `WISPKEY_CLI_BIN`, else the test-hooks build.
pub fn cli_binary() -> TestResult<PathBuf> {
    let path = match std::env::var_os("WISPKEY_CLI_BIN") {
        Some(path) => PathBuf::from(path),
        None => test_hooks_build("wispkey"),
    };
    built(path, "the CLI")
}

/// The newest package with `extension` the shipped build made (`release/bundle/<extension>/`).
fn shipped_package(extension: &str) -> TestResult<PathBuf> {
    let dir = target_dir().join("release/bundle").join(extension);
    let newest = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .filter_map(|path| Some((path.metadata().ok()?.modified().ok()?, path)))
        .max();
    match newest {
        Some((_, path)) => Ok(path),
        None => built(dir.join(format!("Wispkey_*.{extension}")), "the package"),
    }
}

/// The `.deb` users install: `WISPKEY_DEB`, else the newest the shipped build made.
pub fn shipped_deb() -> TestResult<PathBuf> {
    match std::env::var_os("WISPKEY_DEB") {
        Some(path) => built(PathBuf::from(path), "the .deb"),
        None => shipped_package("deb"),
    }
}

/// The `.rpm` users install: `WISPKEY_RPM`, else the newest the shipped build made.
pub fn shipped_rpm() -> TestResult<PathBuf> {
    match std::env::var_os("WISPKEY_RPM") {
        Some(path) => built(PathBuf::from(path), "the .rpm"),
        None => shipped_package("rpm"),
    }
}

/// Where screenshots go: `WISPKEY_ARTIFACTS`, else `artifacts/` at the repository root.
pub fn artifacts_dir() -> TestResult<PathBuf> {
    Ok(std::env::var_os("WISPKEY_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("artifacts")))
}

//! What every platform's checkout and bundler need from the repository, checked on Linux: the
//! Tauri configuration is a plain file (a symbolic link checks out on Windows as a text file
//! holding the target's path, and the build then fails), and the bundle names an icon for each
//! desktop platform, every one of them present and of the right format.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn app_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn config() -> serde_json::Value {
    let text = std::fs::read_to_string(app_dir().join("tauri.conf.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn bundle_icons() -> Vec<PathBuf> {
    config()["bundle"]["icon"]
        .as_array()
        .expect("bundle.icon lists the icons")
        .iter()
        .map(|icon| app_dir().join(icon.as_str().expect("an icon path")))
        .collect()
}

#[test]
fn tauri_conf_is_a_plain_file_not_a_symbolic_link() {
    let path = app_dir().join("tauri.conf.json");
    let metadata = std::fs::symlink_metadata(&path).unwrap();
    assert!(
        metadata.file_type().is_file(),
        "{} must be a regular file (it is {:?}); Windows checks symbolic links out as plain text",
        path.display(),
        metadata.file_type()
    );
}

#[test]
fn no_tracked_file_is_a_symbolic_link() {
    // Git records a link with mode 120000; any such entry breaks a Windows checkout the same way.
    let repo = app_dir().join("..");
    let output = Command::new("git")
        .args(["ls-files", "--stage"])
        .current_dir(&repo)
        .output()
        .expect("git runs in the checkout");
    assert!(output.status.success(), "{output:?}");
    let links: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.starts_with("120000 "))
        .map(str::to_owned)
        .collect();
    assert!(
        links.is_empty(),
        "symbolic links in the repository: {links:#?}"
    );
}

fn starts_with(path: &Path, magic: &[u8]) -> bool {
    std::fs::read(path)
        .map(|bytes| bytes.starts_with(magic))
        .unwrap_or(false)
}

#[test]
fn the_bundle_names_a_windows_ico_and_a_macos_icns_and_every_icon_exists() {
    let icons = bundle_icons();
    for icon in &icons {
        assert!(
            icon.is_file(),
            "bundle.icon names a missing file: {}",
            icon.display()
        );
    }
    let with_extension = |extension: &str| {
        icons
            .iter()
            .find(|icon| icon.extension().is_some_and(|e| e == extension))
            .cloned()
            .unwrap_or_else(|| panic!("bundle.icon lists no .{extension} file: {icons:?}"))
    };
    // The formats' own signatures, so an empty or renamed PNG does not pass.
    let ico = with_extension("ico");
    assert!(
        starts_with(&ico, &[0, 0, 1, 0]),
        "{} is not an ICO file",
        ico.display()
    );
    let icns = with_extension("icns");
    assert!(
        starts_with(&icns, b"icns"),
        "{} is not an ICNS file",
        icns.display()
    );
    let png = with_extension("png");
    assert!(
        starts_with(&png, b"\x89PNG"),
        "{} is not a PNG file",
        png.display()
    );
}

//! The vault when no Secret Service can be reached: a clear "keychain missing", never a panic.
//! Each case points this test process at a D-Bus that lacks a keychain; nextest runs every test
//! in its own process, so changing the environment here affects nothing else.
#![allow(unsafe_code, clippy::unwrap_used)]

use std::io::Write;
use std::process::{Child, Command, Stdio};

use wispkey_core::vault::Vault;
use wispkey_core::{ErrorCode, SecretString};

const MISSING_MESSAGE: &str = "No keychain is available. Install and start a Secret Service \
                               provider (GNOME Keyring or KWallet), then try again.";

fn point_dbus_at(address: &str) {
    // SAFETY: set before any other thread of this test reads the environment (see module docs).
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", address) };
}

fn assert_keychain_missing(vault: &Vault) {
    let token = SecretString::new("wsk_never_stored_anywhere_00000000000");
    for result in [
        vault.store("missing-keychain", &token).map(|_| ()),
        vault.read("missing-keychain").map(|_| ()),
        vault.delete("missing-keychain"),
    ] {
        let error = result.unwrap_err();
        assert_eq!(error.code(), ErrorCode::KeychainMissing, "{error:?}");
        assert_eq!(error.to_string(), MISSING_MESSAGE);
    }
}

#[test]
fn no_session_bus_reports_keychain_missing() {
    point_dbus_at("unix:path=/nonexistent/wispkey-no-bus");
    assert_keychain_missing(&Vault::new("place.wisp.wispkey.tests"));
}

/// A D-Bus daemon with no service files: the bus answers, but nothing provides
/// org.freedesktop.secrets and nothing can be auto-started.
struct BareBus {
    daemon: Child,
    _dir: tempdir::Dir,
}

mod tempdir {
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl BareBus {
    fn start() -> (BareBus, String) {
        let dir = std::env::temp_dir().join(format!("wispkey-bare-bus-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}/bus</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>"#,
                dir.display()
            ),
        )
        .unwrap();
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut address = String::new();
        let stdout = daemon.stdout.take().unwrap();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut address).unwrap();
        let _ = std::io::stderr().flush();
        (
            BareBus {
                daemon,
                _dir: tempdir::Dir(dir),
            },
            address.trim().to_owned(),
        )
    }
}

impl Drop for BareBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

#[test]
fn a_bus_without_a_keychain_reports_keychain_missing() {
    let (_bus, address) = BareBus::start();
    point_dbus_at(&address);
    assert_keychain_missing(&Vault::new("place.wisp.wispkey.tests"));
}

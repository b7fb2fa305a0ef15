//! A Secret Service of the test's own: a private D-Bus daemon plus a gnome-keyring-daemon on it,
//! which a test can stop and start again to make the keychain fail for real (no mocked vault).
//! The test process points `DBUS_SESSION_BUS_ADDRESS` at it; nextest runs every test in its own
//! process, so that changes nothing for other tests.
#![allow(
    dead_code,
    unsafe_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct PrivateKeyring {
    bus: Child,
    keyring: Option<Child>,
    pub address: String,
    dir: PathBuf,
}

impl PrivateKeyring {
    /// Starts the bus and an unlocked keyring, and points this process's keychain calls at it.
    pub fn start() -> PrivateKeyring {
        let dir = std::env::temp_dir().join(format!(
            "wispkey-private-keyring-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        for sub in ["data", "runtime"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
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
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut address = String::new();
        std::io::BufReader::new(bus.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let mut keyring = PrivateKeyring {
            bus,
            keyring: None,
            address: address.trim().to_owned(),
            dir,
        };
        // SAFETY: set before this test starts any thread that reads the environment.
        unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &keyring.address) };
        keyring.start_keyring();
        keyring
    }

    /// (Re)starts gnome-keyring on the private bus, unlocked (the same password every time, so
    /// a restart reopens the same keyring file).
    pub fn start_keyring(&mut self) {
        assert!(self.keyring.is_none(), "keyring already running");
        let mut child = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("XDG_DATA_HOME", self.dir.join("data"))
            .env("XDG_RUNTIME_DIR", self.dir.join("runtime"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(b"wispkey-test").unwrap();
        }
        self.keyring = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.secrets_owned() {
            assert!(Instant::now() < deadline, "gnome-keyring did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops gnome-keyring: from now on the bus has no Secret Service.
    pub fn stop_keyring(&mut self) {
        if let Some(mut child) = self.keyring.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.secrets_owned() {
            assert!(Instant::now() < deadline, "gnome-keyring did not go away");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn secrets_owned(&self) -> bool {
        let output = Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args([
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).contains("boolean true")
    }
}

impl Drop for PrivateKeyring {
    fn drop(&mut self) {
        if let Some(mut child) = self.keyring.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

//! A Secret Service of one test's own: a private D-Bus daemon with gnome-keyring on it, which
//! the test may stop and start again to make the keychain fail for real. Point a process at it
//! with `DBUS_SESSION_BUS_ADDRESS` = [`PrivateKeyring::address`].

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;

const START_LIMIT: Duration = Duration::from_secs(20);

pub struct PrivateKeyring {
    bus: Child,
    keyring: Option<Child>,
    address: String,
    dir: PathBuf,
}

impl PrivateKeyring {
    /// Starts the bus and an unlocked keyring on it.
    pub fn start() -> Result<PrivateKeyring> {
        let mut keyring = PrivateKeyring::without_keyring()?;
        keyring.start_keyring()?;
        Ok(keyring)
    }

    /// Starts the bus alone: it answers, but nothing on it provides `org.freedesktop.secrets`
    /// (and nothing can be auto-started) until [`PrivateKeyring::start_keyring`].
    pub fn without_keyring() -> Result<PrivateKeyring> {
        let dir = crate::scratch_dir("wispkey-private-keyring")?;
        for sub in ["data", "runtime"] {
            std::fs::create_dir_all(dir.join(sub))?;
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
        )?;
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = bus
            .stdout
            .take()
            .ok_or("dbus-daemon's stdout was not captured")?;
        let mut address = String::new();
        BufReader::new(stdout).read_line(&mut address)?;
        Ok(PrivateKeyring {
            bus,
            keyring: None,
            address: address.trim().to_owned(),
            dir,
        })
    }

    /// The bus address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// (Re)starts gnome-keyring on the private bus, unlocked with the same password every time,
    /// so a restart reopens the same keyring file.
    pub fn start_keyring(&mut self) -> Result {
        if self.keyring.is_some() {
            return Err("the private keyring is already running".into());
        }
        let mut child = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("XDG_DATA_HOME", self.dir.join("data"))
            .env("XDG_RUNTIME_DIR", self.dir.join("runtime"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(b"wispkey-test")?;
        }
        self.keyring = Some(child);
        self.wait_until(true)
    }

    /// Stops gnome-keyring: from now on the bus has no Secret Service.
    pub fn stop_keyring(&mut self) -> Result {
        if let Some(mut child) = self.keyring.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.wait_until(false)
    }

    /// Locks the default collection (where Wispkey's items go), as a screen lock or a timeout
    /// would: `org.freedesktop.Secret.Service.Lock` over D-Bus. Unlocking again needs the
    /// user's prompt, so a test that locks does not expect to write afterwards.
    pub fn lock_default_collection(&self) -> Result {
        let alias = self
            .secret_service_call(&["org.freedesktop.Secret.Service.ReadAlias", "string:default"])?;
        let path = alias
            .split('"')
            .nth(1)
            .filter(|path| path.starts_with("/org/freedesktop/secrets/collection/"))
            .ok_or_else(|| format!("no default collection in {alias:?}"))?
            .to_owned();
        self.secret_service_call(&[
            "org.freedesktop.Secret.Service.Lock",
            &format!("array:objpath:{path}"),
        ])?;
        let locked = Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args([
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                &path,
                "org.freedesktop.DBus.Properties.Get",
                "string:org.freedesktop.Secret.Collection",
                "string:Locked",
            ])
            .output()?;
        if !String::from_utf8_lossy(&locked.stdout).contains("boolean true") {
            return Err(format!("{path} did not lock").into());
        }
        Ok(())
    }

    fn secret_service_call(&self, call: &[&str]) -> Result<String> {
        let output = Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args([
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
            ])
            .args(call)
            .output()?;
        if !output.status.success() {
            return Err(format!(
                "{} failed: {}",
                call[0],
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    fn wait_until(&self, present: bool) -> Result {
        let deadline = Instant::now() + START_LIMIT;
        while self.secret_service_present()? != present {
            if Instant::now() > deadline {
                return Err(format!(
                    "the private Secret Service did not {} within 20 s",
                    if present { "start" } else { "go away" }
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    fn secret_service_present(&self) -> Result<bool> {
        let output = Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args([
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()?;
        Ok(String::from_utf8_lossy(&output.stdout).contains("boolean true"))
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

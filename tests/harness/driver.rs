//! tauri-driver in its own process group, so one signal stops it, WebKitWebDriver and the app.
//! Killing tauri-driver alone leaves WebKitWebDriver holding the test's output open.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::TestResult;

pub struct TauriDriver {
    child: Child,
    port: u16,
}

fn free_port() -> TestResult<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl TauriDriver {
    /// Everything tauri-driver, WebKitWebDriver and the app print is appended to `log`.
    pub async fn start(env: &[(String, String)], log: &std::path::Path) -> TestResult<TauriDriver> {
        if std::env::var_os("DISPLAY").is_none() {
            return Err("no DISPLAY: run end-to-end tests through scripts/test.sh".into());
        }
        let (port, native_port) = (free_port()?, free_port()?);
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)?;
        let mut command = Command::new("tauri-driver");
        command
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .args(["--native-host", "127.0.0.1"])
            .stdout(Stdio::from(output.try_clone()?))
            .stderr(Stdio::from(output))
            .process_group(0);
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn().map_err(|error| {
            format!("could not start tauri-driver ({error}); scripts/setup.sh installs it")
        })?;
        let driver = TauriDriver { child, port };
        // tauri-driver listens at once but starts WebKitWebDriver beside it, and a request it
        // cannot forward yet is answered by closing the connection: wait for both.
        wait_until_listening("tauri-driver", port).await?;
        wait_until_listening("WebKitWebDriver", native_port).await?;
        Ok(driver)
    }

    /// tauri-driver's process id (the app runs below it: tauri-driver, WebKitWebDriver, app).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Waits (up to 15 s, for a loaded machine) until something listens on `port`.
async fn wait_until_listening(what: &str, port: u16) -> TestResult {
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("{what} did not start listening on port {port} within 15 s").into())
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        let leader = self.child.id();
        let group = format!("-{leader}");
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Once the leader is reaped and its group empty, the number may already belong to
        // another test's process group (pid_max can be 32768): signal it only while members
        // remain, since a group's id is not reused while any member lives.
        if group_has_members(leader) {
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        }
        let _ = self.child.wait();
    }
}

/// Whether any process still belongs to process group `group` (from `/proc/*/stat`).
fn group_has_members(group: u32) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return true;
    };
    entries.flatten().any(|entry| {
        std::fs::read_to_string(entry.path().join("stat"))
            .ok()
            .and_then(|stat| {
                // After the command name in parentheses: state, ppid, pgrp.
                let after_name = stat.rsplit_once(')')?.1;
                after_name.split_whitespace().nth(2)?.parse::<u32>().ok()
            })
            == Some(group)
    })
}

//! One private X display (Xvfb) per app under test.
//!
//! Two reasons. Screenshots: WebKitGTK's WebDriver screenshot waits for a presentation update
//! that never comes once focus has moved inside the page (measured: it and every later command
//! hang until the page repaints for another reason), so the harness grabs the display's pixels
//! with ImageMagick instead, and a display of its own means no other test's window on top.
//! Clipboard: the X clipboard belongs to a display, so parallel tests never read each other's.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::TestResult;

/// The app window's size in `tauri.conf.json`; the screen matches it so a grab is the window.
const SCREEN: &str = "1024x720x24";

pub struct PrivateDisplay {
    child: Child,
    name: String,
}

impl PrivateDisplay {
    pub fn start() -> TestResult<PrivateDisplay> {
        // -displayfd 1: Xvfb picks a free display number and writes it to stdout when ready.
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                SCREEN,
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|error| {
                format!("could not start Xvfb ({error}); scripts/setup.sh installs it")
            })?;
        let stdout = child
            .stdout
            .take()
            .ok_or("Xvfb's stdout was not captured")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let number = line.trim();
        if number.is_empty() || !number.bytes().all(|byte| byte.is_ascii_digit()) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("Xvfb did not report a display number (got {line:?})").into());
        }
        Ok(PrivateDisplay {
            name: format!(":{number}"),
            child,
        })
    }

    /// The `DISPLAY` value, e.g. `:42`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Writes a PNG of the whole display (which is the app's window) to `path`.
    pub fn screenshot(&self, path: &Path) -> TestResult {
        let status = Command::new("import")
            .args(["-display", &self.name, "-window", "root"])
            .arg(path)
            .stdout(Stdio::null())
            .status()?;
        if !status.success() {
            return Err(format!("import could not grab display {} ({status})", self.name).into());
        }
        Ok(())
    }
}

impl Drop for PrivateDisplay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        for _ in 0..40 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let _ = self.child.wait();
    }
}

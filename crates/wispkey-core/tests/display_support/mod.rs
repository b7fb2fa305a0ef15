//! An X display of the test's own (Xvfb), so clipboard tests never share a clipboard with a
//! test running in parallel. The test process points `DISPLAY` at it; nextest runs every test in
//! its own process, so nothing else is affected.
#![allow(
    dead_code,
    unsafe_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::io::Read;
use std::process::{Child, Command, Stdio};

pub struct PrivateDisplay {
    xvfb: Child,
    pub display: String,
}

impl PrivateDisplay {
    pub fn start() -> PrivateDisplay {
        // -displayfd 1: Xvfb picks a free display number and prints it on stdout when ready.
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "640x480x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (run through scripts/desktop-session.sh, which needs it too)");
        let mut stdout = xvfb.stdout.take().unwrap();
        let mut number = String::new();
        let mut byte = [0u8; 1];
        while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
            number.push(byte[0] as char);
        }
        assert!(!number.trim().is_empty(), "Xvfb reported no display");
        let display = format!(":{}", number.trim());
        // SAFETY: set before this test creates a clipboard or starts other threads.
        unsafe { std::env::set_var("DISPLAY", &display) };
        PrivateDisplay { xvfb, display }
    }
}

impl Drop for PrivateDisplay {
    fn drop(&mut self) {
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

//! An X display of one test's own (Xvfb). Its clipboard belongs to it alone, and a grab of it
//! shows one app's window with nothing on top.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::Result;

pub struct PrivateDisplay {
    child: Child,
    name: String,
}

impl PrivateDisplay {
    /// `screen` is WIDTHxHEIGHTxDEPTH, e.g. `1024x720x24`.
    pub fn start(screen: &str) -> Result<PrivateDisplay> {
        // -displayfd 1: Xvfb picks a free display number and writes it to stdout when ready.
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                screen,
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

    /// Writes a PNG of the whole display to `path` (ImageMagick's `import`).
    pub fn screenshot(&self, path: &Path) -> Result {
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

    /// The clipboard's text as `xclip` reads it, or `None` when nothing is on it.
    pub fn clipboard_text(&self) -> Result<Option<String>> {
        self.xclip(&["-o", "-selection", "clipboard"])
    }

    /// The formats the clipboard's owner offers (`TARGETS`).
    pub fn clipboard_targets(&self) -> Result<Vec<String>> {
        Ok(self
            .clipboard_as("TARGETS")?
            .map(|text| text.lines().map(str::to_owned).collect())
            .unwrap_or_default())
    }

    /// The clipboard's content in one format (`target`, e.g. `x-kde-passwordManagerHint`), or
    /// `None` when nothing is on it or its owner does not offer that format.
    pub fn clipboard_as(&self, target: &str) -> Result<Option<String>> {
        self.xclip(&["-o", "-selection", "clipboard", "-t", target])
    }

    /// Does what a window manager's close button does: sends `WM_DELETE_WINDOW` to every mapped
    /// top-level window that accepts it (the app decides whether to close). There is no window
    /// manager on the private display, and WebDriver's close-window bypasses the app's
    /// close-requested handling, so this is the only honest way to click the title-bar X.
    /// Returns how many windows were asked.
    pub fn ask_windows_to_close(&self) -> Result<usize> {
        use x11rb::connection::Connection;
        use x11rb::protocol::xproto::{
            AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, MapState,
        };

        let (connection, screen) = x11rb::connect(Some(&self.name))?;
        let root = connection
            .setup()
            .roots
            .get(screen)
            .ok_or("the display has no screen")?
            .root;
        let protocols = connection
            .intern_atom(false, b"WM_PROTOCOLS")?
            .reply()?
            .atom;
        let delete = connection
            .intern_atom(false, b"WM_DELETE_WINDOW")?
            .reply()?
            .atom;
        let mut asked = 0;
        for window in connection.query_tree(root)?.reply()?.children {
            if connection.get_window_attributes(window)?.reply()?.map_state != MapState::VIEWABLE {
                continue;
            }
            let accepted = connection
                .get_property(false, window, protocols, AtomEnum::ATOM, 0, 32)?
                .reply()?;
            if !accepted
                .value32()
                .is_some_and(|mut atoms| atoms.any(|atom| atom == delete))
            {
                continue;
            }
            let event = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
            connection.send_event(false, window, EventMask::NO_EVENT, event)?;
            asked += 1;
        }
        connection.flush()?;
        Ok(asked)
    }

    fn xclip(&self, args: &[&str]) -> Result<Option<String>> {
        let output = Command::new("xclip")
            .args(["-display", &self.name])
            .args(args)
            .output()
            .map_err(|error| {
                format!("could not run xclip ({error}); scripts/setup.sh installs it")
            })?;
        // xclip fails when no one owns the selection: an empty clipboard, not an error.
        Ok(output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned()))
    }
}

impl Drop for PrivateDisplay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

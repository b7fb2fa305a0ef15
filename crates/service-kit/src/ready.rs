//! The readiness line: one JSON line on stdout that scripts wait for, and
//! [`Spawned`], which starts a service binary and reads that line back.

use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

/// Prints `line` and flushes at once: scripts wait for exactly this one line.
pub fn announce(line: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()
}

/// A service binary started by a test, killed and reaped on drop so a failing
/// test leaves nothing behind.
#[derive(Debug)]
pub struct Spawned(Child);

impl Spawned {
    /// Spawns `command` with stdout piped and waits (on the blocking pool) for
    /// its ready line, which it returns with the process.
    pub async fn start(mut command: Command) -> io::Result<(Self, String)> {
        let mut child = Self(command.stdout(Stdio::piped()).spawn()?);
        let stdout = child
            .0
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("child has no stdout"))?;
        let line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).map(|_| line)
        })
        .await
        .map_err(io::Error::other)??;
        Ok((child, line))
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn start_returns_the_first_stdout_line() {
        let mut command = Command::new("sh");
        // `exec`: the process killed on drop is the one holding the test's stderr, so nothing
        // outlives the test.
        command.args(["-c", "echo '{\"port\":1}'; exec sleep 30"]);
        let (_child, line) = Spawned::start(command).await.unwrap();
        assert_eq!(line, "{\"port\":1}\n");
    }
}

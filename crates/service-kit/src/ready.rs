//! The readiness line: one JSON line on stdout that scripts wait for.

use std::io::{self, Write};

/// Prints `line` and flushes at once: scripts wait for exactly this one line.
pub fn announce(line: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()
}

//! The command-line flags both services take (`--bind`, `--state`,
//! `--enable-test-control`, `--allow-non-loopback`, `--help`) and the walk
//! over the arguments with usage-bearing error messages. Each service parses
//! its own flags and hands every other one to [`CommonFlags::take`].

use std::net::SocketAddr;
use std::path::PathBuf;

/// The arguments (without the program name) and the usage text that every
/// error message ends with.
#[derive(Debug)]
pub struct Args<I> {
    args: I,
    usage: &'static str,
}

impl<I: Iterator<Item = String>> Args<I> {
    /// Walks `args`; `usage` ends the error messages.
    pub fn new(args: impl IntoIterator<IntoIter = I>, usage: &'static str) -> Self {
        Self {
            args: args.into_iter(),
            usage,
        }
    }

    /// The next flag, if any.
    pub fn next_flag(&mut self) -> Option<String> {
        self.args.next()
    }

    /// The value following `flag`.
    pub fn value(&mut self, flag: &str) -> Result<String, String> {
        self.args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n\n{}", self.usage))
    }

    /// The message for a flag nobody knows.
    pub fn unknown(&self, flag: &str) -> String {
        format!("unknown argument {flag}\n\n{}", self.usage)
    }

    /// `value`, or the message saying `flag` is required.
    pub fn required<T>(&self, value: Option<T>, flag: &str) -> Result<T, String> {
        value.ok_or_else(|| format!("{flag} is required\n\n{}", self.usage))
    }
}

/// The flags both services take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommonFlags {
    /// `--bind`; default `127.0.0.1:0` (loopback, free port).
    pub bind: SocketAddr,
    /// `--state`.
    pub state: Option<PathBuf>,
    /// `--enable-test-control`.
    pub enable_test_control: bool,
    /// `--allow-non-loopback`.
    pub allow_non_loopback: bool,
}

impl Default for CommonFlags {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            state: None,
            enable_test_control: false,
            allow_non_loopback: false,
        }
    }
}

/// What [`CommonFlags::take`] made of a flag.
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    /// A common flag, now recorded.
    Common,
    /// `--help` or `-h`.
    Help,
    /// Not a common flag: the service's own, or unknown.
    Other(String),
}

impl CommonFlags {
    /// Records `flag` (reading its value from `args`) if it is a common one.
    pub fn take<I: Iterator<Item = String>>(
        &mut self,
        flag: String,
        args: &mut Args<I>,
    ) -> Result<Taken, String> {
        match flag.as_str() {
            "--bind" => {
                let v = args.value(&flag)?;
                self.bind = v
                    .parse()
                    .map_err(|_| format!("--bind: not an address:port: {v}"))?;
            }
            "--state" => self.state = Some(PathBuf::from(args.value(&flag)?)),
            "--enable-test-control" => self.enable_test_control = true,
            "--allow-non-loopback" => self.allow_non_loopback = true,
            "--help" | "-h" => return Ok(Taken::Help),
            _ => return Ok(Taken::Other(flag)),
        }
        Ok(Taken::Common)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn walk(list: &[&str]) -> Result<(CommonFlags, Vec<Taken>), String> {
        let mut args = Args::new(list.iter().map(|s| (*s).to_owned()), "USAGE");
        let mut flags = CommonFlags::default();
        let mut taken = Vec::new();
        while let Some(flag) = args.next_flag() {
            taken.push(flags.take(flag, &mut args)?);
        }
        Ok((flags, taken))
    }

    #[test]
    fn records_the_common_flags_and_passes_on_the_rest() {
        let (flags, taken) = walk(&[
            "--bind",
            "127.0.0.1:4000",
            "--state",
            "/tmp/s.json",
            "--enable-test-control",
            "--allow-non-loopback",
            "--own",
            "-h",
        ])
        .unwrap();
        assert_eq!(flags.bind.port(), 4000);
        assert_eq!(flags.state, Some(PathBuf::from("/tmp/s.json")));
        assert!(flags.enable_test_control && flags.allow_non_loopback);
        assert_eq!(taken[4], Taken::Other("--own".to_owned()));
        assert_eq!(taken[5], Taken::Help);
    }

    #[test]
    fn defaults_to_a_free_loopback_port() {
        let (flags, _) = walk(&[]).unwrap();
        assert_eq!(flags, CommonFlags::default());
        assert_eq!(flags.bind, SocketAddr::from(([127, 0, 0, 1], 0)));
    }

    #[test]
    fn errors_end_with_the_usage() {
        assert_eq!(
            walk(&["--bind", "nope"]).unwrap_err(),
            "--bind: not an address:port: nope"
        );
        assert_eq!(
            walk(&["--state"]).unwrap_err(),
            "--state needs a value\n\nUSAGE"
        );
        let args = Args::new(Vec::<String>::new(), "USAGE");
        assert_eq!(args.unknown("--what"), "unknown argument --what\n\nUSAGE");
        assert_eq!(
            args.required(None::<u8>, "--state").unwrap_err(),
            "--state is required\n\nUSAGE"
        );
    }
}

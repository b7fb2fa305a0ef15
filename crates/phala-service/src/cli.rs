//! Command-line flags.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::Error;
use crate::server::Config;

/// Usage text for `--help` and flag errors.
pub const USAGE: &str = "\
usage: phala-service --state <file> [options]

  --bind <addr:port>      listen address (default 127.0.0.1:0; port 0 = free port)
  --state <file>          JSON state file (created on first write, written atomically)
  --enable-test-control   serve /_test/ (loopback callers only)
  --seed-demo <file>      make sure a workspace named \"demo\" with three webhooks exists,
                          write {apiKey, totpSecret, workspaceId} to <file> (mode 0600)
                          and add it to the ready line as \"demo\"
  --allow-non-loopback    allow --bind on a non-loopback address
  --help                  print this text

On readiness prints one JSON line: {\"url\":...,\"port\":...[,\"demo\":{...}]}";

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Start the service.
    Run(Box<Config>),
    /// Print usage.
    Help,
}

/// Parses the arguments (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, Error> {
    let mut args = args.into_iter();
    let mut bind = SocketAddr::from(([127, 0, 0, 1], 0));
    let (mut state, mut seed_demo) = (None, None);
    let (mut test_control, mut allow_non_loopback) = (false, false);

    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| Error::Config(format!("{flag} needs a value\n\n{USAGE}")))
        };
        match flag.as_str() {
            "--bind" => {
                let v = value()?;
                bind = v
                    .parse()
                    .map_err(|_| Error::Config(format!("--bind: not an address:port: {v}")))?;
            }
            "--state" => state = Some(PathBuf::from(value()?)),
            "--seed-demo" => seed_demo = Some(PathBuf::from(value()?)),
            "--enable-test-control" => test_control = true,
            "--allow-non-loopback" => allow_non_loopback = true,
            "--help" | "-h" => return Ok(Command::Help),
            other => {
                return Err(Error::Config(format!(
                    "unknown argument {other}\n\n{USAGE}"
                )));
            }
        }
    }

    let state = state.ok_or_else(|| Error::Config(format!("--state is required\n\n{USAGE}")))?;
    let mut config = Config::new(state);
    config.bind = bind;
    config.allow_non_loopback = allow_non_loopback;
    config.enable_test_control = test_control;
    config.seed_demo = seed_demo;
    Ok(Command::Run(Box::new(config)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_every_flag() {
        let Command::Run(config) = parse(args(&[
            "--bind",
            "127.0.0.1:4000",
            "--state",
            "/tmp/s.json",
            "--enable-test-control",
            "--seed-demo",
            "/tmp/demo.json",
            "--allow-non-loopback",
        ]))
        .unwrap() else {
            panic!("expected run");
        };
        assert_eq!(config.bind.port(), 4000);
        assert_eq!(config.state_path, PathBuf::from("/tmp/s.json"));
        assert_eq!(config.seed_demo, Some(PathBuf::from("/tmp/demo.json")));
        assert!(config.enable_test_control && config.allow_non_loopback);
    }

    #[test]
    fn defaults_to_a_free_loopback_port_without_extras() {
        let Command::Run(config) = parse(args(&["--state", "s.json"])).unwrap() else {
            panic!("expected run");
        };
        assert_eq!(config.bind, SocketAddr::from(([127, 0, 0, 1], 0)));
        assert!(!config.enable_test_control && config.seed_demo.is_none());
    }

    #[test]
    fn missing_state_and_bad_values_are_errors() {
        assert!(parse(args(&[])).is_err());
        assert!(parse(args(&["--state", "s", "--bind", "nope"])).is_err());
        assert!(parse(args(&["--state", "s", "--what"])).is_err());
        assert!(parse(args(&["--state"])).is_err());
        assert!(matches!(parse(args(&["--help"])), Ok(Command::Help)));
    }
}

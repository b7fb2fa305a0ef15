//! Command-line flags.

use std::path::PathBuf;

use service_kit::cli::{Args, CommonFlags, Taken};

use crate::Error;
use crate::server::Config;

/// Usage text for `--help` and flag errors.
pub const USAGE: &str = "\
usage: slate-service --state <file> [options]

  --bind <addr:port>      listen address (default 127.0.0.1:0; port 0 = free port)
  --state <file>          JSON state file (created on first write, written atomically)
  --enable-test-control   serve /_test/ (loopback callers only)
  --seed-demo <file>      make sure the demo staff users (demo@slate.test with TOTP and six
                          API tokens, ops@slate.test without TOTP) exist, write their
                          sign-in details to <file> (mode 0600) and their ids and emails
                          (no password or seed) to the ready line as \"demo\"
  --path-prefix </path>   serve the API under this path (e.g. /broker); /_test stays at the root
  --allow-non-loopback    allow --bind on a non-loopback address
  --help                  print this text

On readiness prints one JSON line: {\"url\":...,\"port\":...,\"testControl\":...[,\"demo\":{...}]}";

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
    let mut args = Args::new(args, USAGE);
    let mut common = CommonFlags::default();
    let mut seed_demo = None;
    let mut path_prefix = None;

    while let Some(flag) = args.next_flag() {
        let flag = match common.take(flag, &mut args).map_err(Error::Config)? {
            Taken::Common => continue,
            Taken::Help => return Ok(Command::Help),
            Taken::Other(flag) => flag,
        };
        match flag.as_str() {
            "--seed-demo" => {
                seed_demo = Some(PathBuf::from(args.value(&flag).map_err(Error::Config)?));
            }
            "--path-prefix" => path_prefix = Some(args.value(&flag).map_err(Error::Config)?),
            other => return Err(Error::Config(args.unknown(other))),
        }
    }

    let state = args
        .required(common.state, "--state")
        .map_err(Error::Config)?;
    let mut config = Config::new(state);
    config.bind = common.bind;
    config.allow_non_loopback = common.allow_non_loopback;
    config.enable_test_control = common.enable_test_control;
    config.seed_demo = seed_demo;
    config.path_prefix = path_prefix;
    Ok(Command::Run(Box::new(config)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use std::net::SocketAddr;

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
            "--path-prefix",
            "/broker",
            "--allow-non-loopback",
        ]))
        .unwrap() else {
            panic!("expected run");
        };
        assert_eq!(config.bind.port(), 4000);
        assert_eq!(config.state_path, PathBuf::from("/tmp/s.json"));
        assert_eq!(config.seed_demo, Some(PathBuf::from("/tmp/demo.json")));
        assert_eq!(config.path_prefix.as_deref(), Some("/broker"));
        assert!(config.enable_test_control && config.allow_non_loopback);
    }

    #[test]
    fn defaults_to_a_free_loopback_port_without_extras() {
        let Command::Run(config) = parse(args(&["--state", "s.json"])).unwrap() else {
            panic!("expected run");
        };
        assert_eq!(config.bind, SocketAddr::from(([127, 0, 0, 1], 0)));
        assert!(!config.enable_test_control && config.seed_demo.is_none());
        assert!(config.path_prefix.is_none());
    }

    #[test]
    fn missing_state_and_bad_values_are_errors() {
        assert!(parse(args(&[])).is_err());
        assert!(parse(args(&["--state", "s", "--bind", "nope"])).is_err());
        assert!(parse(args(&["--state", "s", "--what"])).is_err());
        assert!(parse(args(&["--state", "s", "--path-prefix"])).is_err());
        assert!(matches!(parse(args(&["--help"])), Ok(Command::Help)));
    }
}

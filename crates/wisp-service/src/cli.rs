//! Command-line flags.

use std::path::PathBuf;

use service_kit::cli::{Args, CommonFlags, Taken};

use crate::Error;
use crate::server::Config;

/// Usage text for `--help` and flag errors.
pub const USAGE: &str = "\
usage: wisp-service --plc-url <url> --state <file> [options]

  --bind <addr:port>            listen address (default 127.0.0.1:0; port 0 = free port)
  --plc-url <url>               PLC directory used to resolve callers' did:plc documents
  --state <file>                JSON state file (created on first write, written atomically)
  --encryption-key-file <file>  AES-256 key: exactly 32 raw bytes, or 64 hex characters;
                                without it create/rotate answer 503
  --service-did <did>           service DID (default did:web:localhost%3A<port>)
  --enable-test-control         serve /_test/ (loopback callers only)
  --rate-limit-per-minute <n>   per-caller-DID limit (default: off)
  --allow-non-loopback          allow --bind on a non-loopback address
  --help                        print this text

On readiness prints one JSON line: {\"url\":...,\"did\":...,\"port\":...}";

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
    let mut plc_url = None;
    let (mut key_file, mut service_did, mut rate_limit) = (None, None, None);

    while let Some(flag) = args.next_flag() {
        let flag = match common.take(flag, &mut args).map_err(Error::Config)? {
            Taken::Common => continue,
            Taken::Help => return Ok(Command::Help),
            Taken::Other(flag) => flag,
        };
        match flag.as_str() {
            "--plc-url" => plc_url = Some(args.value(&flag).map_err(Error::Config)?),
            "--encryption-key-file" => {
                key_file = Some(PathBuf::from(args.value(&flag).map_err(Error::Config)?));
            }
            "--service-did" => service_did = Some(args.value(&flag).map_err(Error::Config)?),
            "--rate-limit-per-minute" => {
                let v = args.value(&flag).map_err(Error::Config)?;
                let n: u32 = v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    Error::Config(format!(
                        "--rate-limit-per-minute: not a positive integer: {v}"
                    ))
                })?;
                rate_limit = Some(n);
            }
            other => return Err(Error::Config(args.unknown(other))),
        }
    }

    let plc_url = args.required(plc_url, "--plc-url").map_err(Error::Config)?;
    let state = args
        .required(common.state, "--state")
        .map_err(Error::Config)?;
    let mut config = Config::new(plc_url, state);
    config.bind = common.bind;
    config.allow_non_loopback = common.allow_non_loopback;
    config.encryption_key_file = key_file;
    config.service_did = service_did;
    config.enable_test_control = common.enable_test_control;
    config.rate_limit_per_minute = rate_limit;
    Ok(Command::Run(Box::new(config)))
}

#[cfg(test)]
mod tests {
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
            "--plc-url",
            "http://127.0.0.1:2582",
            "--state",
            "/tmp/s.json",
            "--encryption-key-file",
            "/tmp/k",
            "--service-did",
            "did:web:example.com",
            "--enable-test-control",
            "--rate-limit-per-minute",
            "5",
            "--allow-non-loopback",
        ]))
        .unwrap() else {
            panic!("expected run");
        };
        assert_eq!(config.bind.port(), 4000);
        assert_eq!(config.plc_url, "http://127.0.0.1:2582");
        assert_eq!(
            config.encryption_key_file.as_deref(),
            Some(std::path::Path::new("/tmp/k"))
        );
        assert_eq!(config.service_did.as_deref(), Some("did:web:example.com"));
        assert!(config.enable_test_control && config.allow_non_loopback);
        assert_eq!(config.rate_limit_per_minute, Some(5));
    }

    #[test]
    fn defaults_to_a_free_loopback_port_without_extras() {
        let Command::Run(config) =
            parse(args(&["--plc-url", "http://p", "--state", "s.json"])).unwrap()
        else {
            panic!("expected run");
        };
        assert_eq!(config.bind, SocketAddr::from(([127, 0, 0, 1], 0)));
        assert!(!config.enable_test_control);
        assert!(config.encryption_key_file.is_none() && config.rate_limit_per_minute.is_none());
    }

    #[test]
    fn missing_required_flags_and_bad_values_are_errors() {
        assert!(parse(args(&["--state", "s"])).is_err());
        assert!(parse(args(&["--plc-url", "p"])).is_err());
        assert!(parse(args(&["--plc-url", "p", "--state", "s", "--bind", "nope"])).is_err());
        assert!(
            parse(args(&[
                "--plc-url",
                "p",
                "--state",
                "s",
                "--rate-limit-per-minute",
                "0"
            ]))
            .is_err()
        );
        assert!(parse(args(&["--plc-url", "p", "--state", "s", "--what"])).is_err());
        assert!(parse(args(&["--plc-url"])).is_err());
    }
}

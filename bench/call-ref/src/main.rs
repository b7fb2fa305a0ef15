//! The references `scripts/bench.sh` compares the CLI's list and the Slate and Phala rotates
//! against: the least a program must do for each, with the app's HTTP client and keychain crate.
//! Linux only. Every subcommand prints one JSON line of timings (ms).
//!
//! `call-ref store --keychain-service S --keychain-user U` (the value on stdin), and
//! `call-ref clear --keychain-service S --keychain-user U`: set-up and clean-up, not timed.
//!
//! `call-ref list --pds URL --service-did DID --keychain-service S --keychain-user U`: what a
//! minimal `wispkey list --json` does, once per process: read the access token from the keychain
//! (one read), then `place.wisp.v2.secret.list` through the PDS proxy (one call). The bench times
//! the whole process from outside, as it times the CLI; `{"read_ms", "http_ms", "total_ms"}` are
//! the inside figures.
//!
//! `call-ref rotate --provider slate|phala --url BASE --id ID [--runs N]
//!  [--control URL --workspace ID] [--keychain-service S]` (the credential on stdin): per run,
//! timed, the provider's rotate (one HTTP call: Slate `POST /api-tokens/ID/webhook/rotate-secret`
//! with the API token as bearer; Phala `POST /api/v1/workspace/webhooks/ID/rotate-secret` with
//! `X-API-Key` and `X-2FA-Code`) and one keychain write of the new secret. Phala's code comes from
//! the service's test control before each run, outside the clock. Prints `{"runs_ms", "http_ms",
//! "write_ms"}`.

use std::collections::HashMap;
use std::io::Read;
use std::time::{Duration, Instant};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

fn parse_flags() -> Result<(String, HashMap<String, String>)> {
    let mut args = std::env::args().skip(1);
    let command = args
        .next()
        .ok_or("a subcommand is required: store, clear, list or rotate")?;
    let mut flags = HashMap::new();
    while let Some(flag) = args.next() {
        let name = flag
            .strip_prefix("--")
            .ok_or(format!("unexpected argument {flag}"))?;
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        flags.insert(name.to_owned(), value);
    }
    Ok((command, flags))
}

fn flag<'a>(flags: &'a HashMap<String, String>, name: &str) -> Result<&'a str> {
    Ok(flags
        .get(name)
        .ok_or(format!("--{name} is required"))?
        .as_str())
}

/// The first line of stdin: credentials never go on the command line.
fn stdin_line() -> Result<String> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let line = text.lines().next().unwrap_or_default().trim().to_owned();
    if line.is_empty() {
        return Err("stdin is empty: the value goes there".into());
    }
    Ok(line)
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

#[cfg(target_os = "linux")]
mod keychain {
    use super::Result;

    pub fn write(service: &str, user: &str, value: &str) -> Result {
        keyring::Entry::new(service, user)?.set_password(value)?;
        Ok(())
    }

    pub fn read(service: &str, user: &str) -> Result<String> {
        Ok(keyring::Entry::new(service, user)?.get_password()?)
    }

    pub fn clear(service: &str, user: &str) {
        if let Ok(entry) = keyring::Entry::new(service, user) {
            let _ = entry.delete_credential();
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod keychain {
    use super::Result;

    pub fn write(_: &str, _: &str, _: &str) -> Result {
        Err("call-ref runs on Linux only".into())
    }

    pub fn read(_: &str, _: &str) -> Result<String> {
        Err("call-ref runs on Linux only".into())
    }

    pub fn clear(_: &str, _: &str) {}
}

/// Sends and reads the whole answer; anything but 2xx is an error naming the status.
async fn send(request: reqwest::RequestBuilder) -> Result<serde_json::Value> {
    let response = request.send().await?;
    let status = response.status();
    let bytes = response.bytes().await?;
    if !status.is_success() {
        return Err(format!("{status}: {}", String::from_utf8_lossy(&bytes)).into());
    }
    Ok(serde_json::from_slice(&bytes)?)
}

async fn list(flags: &HashMap<String, String>) -> Result {
    let started = Instant::now();
    let access = keychain::read(
        flag(flags, "keychain-service")?,
        flag(flags, "keychain-user")?,
    )?;
    let read_ms = ms(started);
    let calling = Instant::now();
    let pds = flag(flags, "pds")?.trim_end_matches('/');
    let answer = send(
        reqwest::Client::new()
            .get(format!("{pds}/xrpc/place.wisp.v2.secret.list"))
            .header("authorization", format!("Bearer {access}"))
            .header(
                "atproto-proxy",
                format!("{}#wisp_xrpc", flag(flags, "service-did")?),
            ),
    )
    .await?;
    let http_ms = ms(calling);
    let secrets = answer["secrets"]
        .as_array()
        .ok_or("the list answer has no secrets")?
        .len();
    println!(
        "{}",
        serde_json::json!({
            "read_ms": read_ms, "http_ms": http_ms, "total_ms": ms(started), "secrets": secrets
        })
    );
    Ok(())
}

/// A Phala two-factor code no rotate has used yet, from the service's test control; waits for the
/// next 30 s step when the three codes it accepts now are used up.
async fn phala_code(client: &reqwest::Client, control: &str, workspace: &str) -> Result<String> {
    let url = format!("{}/totp/{workspace}", control.trim_end_matches('/'));
    for _ in 0..4 {
        let response = client.get(&url).send().await?;
        let status = response.status();
        let answer: serde_json::Value = serde_json::from_slice(&response.bytes().await?)?;
        if status.is_success() {
            return Ok(answer["code"].as_str().ok_or("no code")?.to_owned());
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
    Err("the Phala service gave no unused two-factor code within 40 s".into())
}

async fn rotate(flags: &HashMap<String, String>) -> Result {
    let provider = flag(flags, "provider")?;
    let base = flag(flags, "url")?.trim_end_matches('/');
    let id = flag(flags, "id")?;
    let runs: usize = flags.get("runs").map_or(Ok(10), |runs| runs.parse())?;
    let service = flags
        .get("keychain-service")
        .map_or("place.wisp.wispkey.bench.call-ref", String::as_str);
    let credential = stdin_line()?;
    let user = format!("bench:{provider}:{id}");
    let client = reqwest::Client::new();
    let (mut runs_ms, mut http_ms, mut write_ms) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let (request, field) = match provider {
            "slate" => (
                client
                    .post(format!("{base}/api-tokens/{id}/webhook/rotate-secret"))
                    .header("authorization", format!("Bearer {credential}")),
                "webhook_secret",
            ),
            "phala" => {
                let code =
                    phala_code(&client, flag(flags, "control")?, flag(flags, "workspace")?).await?;
                (
                    client
                        .post(format!(
                            "{base}/api/v1/workspace/webhooks/{id}/rotate-secret"
                        ))
                        .header("x-api-key", &credential)
                        .header("x-2fa-code", code),
                    "secret",
                )
            }
            other => return Err(format!("unknown provider {other}: slate or phala").into()),
        };
        let started = Instant::now();
        let answer = send(request.header("accept", "application/json")).await?;
        let secret = answer[field]
            .as_str()
            .ok_or(format!("the rotate answer has no {field}"))?;
        http_ms.push(ms(started));
        let writing = Instant::now();
        keychain::write(service, &user, secret)?;
        write_ms.push(ms(writing));
        runs_ms.push(ms(started));
    }
    keychain::clear(service, &user);
    println!(
        "{}",
        serde_json::json!({ "runs_ms": runs_ms, "http_ms": http_ms, "write_ms": write_ms })
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result {
    let (command, flags) = parse_flags()?;
    match command.as_str() {
        "store" => keychain::write(
            flag(&flags, "keychain-service")?,
            flag(&flags, "keychain-user")?,
            &stdin_line()?,
        ),
        "clear" => {
            keychain::clear(
                flag(&flags, "keychain-service")?,
                flag(&flags, "keychain-user")?,
            );
            Ok(())
        }
        "list" => list(&flags).await,
        "rotate" => rotate(&flags).await,
        other => Err(format!("unknown subcommand {other}: store, clear, list or rotate").into()),
    }
}

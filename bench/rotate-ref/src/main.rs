//! `rotate-ref --pds URL --identifier HANDLE --password PW --service-did DID --name NAME
//!  [--runs N] [--keychain-service S]`
//!
//! The reference the rotate benchmark compares the app against: one app-password session
//! (`com.atproto.server.createSession`, not timed), then per run, timed: the rotate of NAME through
//! the PDS proxy (`place.wisp.v2.secret.rotate`, `atproto-proxy: DID#wisp_xrpc`) and one keychain
//! write of the new token (the `keyring` crate with the app's features, a fresh entry per run, as
//! the app makes one per call). Prints one JSON line: `{"runs_ms": [..], "http_ms": [..],
//! "write_ms": [..], "read_ms": [..]}`: the total and its two parts, and, outside the timed
//! total, one keychain read of the same item (what the app's read-back and index read each cost).
//! Linux only.

use std::time::Instant;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

struct Args {
    pds: String,
    identifier: String,
    password: String,
    service_did: String,
    name: String,
    runs: usize,
    keychain_service: String,
}

fn parse_args() -> Result<Args> {
    let mut args = std::env::args().skip(1);
    let (mut pds, mut identifier, mut password, mut service_did, mut name) =
        (None, None, None, None, None);
    let mut runs = 10;
    let mut keychain_service = "place.wisp.wispkey.bench.rotate-ref".to_owned();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--pds" => pds = Some(value),
            "--identifier" => identifier = Some(value),
            "--password" => password = Some(value),
            "--service-did" => service_did = Some(value),
            "--name" => name = Some(value),
            "--runs" => runs = value.parse()?,
            "--keychain-service" => keychain_service = value,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    let need = |value: Option<String>, flag: &str| value.ok_or(format!("{flag} is required"));
    Ok(Args {
        pds: need(pds, "--pds")?,
        identifier: need(identifier, "--identifier")?,
        password: need(password, "--password")?,
        service_did: need(service_did, "--service-did")?,
        name: need(name, "--name")?,
        runs,
        keychain_service,
    })
}

async fn post_json(
    client: &reqwest::Client,
    url: &str,
    headers: &[(&str, &str)],
    body: &serde_json::Value,
) -> Result<serde_json::Value> {
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body)?);
    for (key, value) in headers {
        request = request.header(*key, *value);
    }
    let response = request.send().await?;
    let status = response.status();
    let bytes = response.bytes().await?;
    if !status.is_success() {
        return Err(format!("{url}: {status}: {}", String::from_utf8_lossy(&bytes)).into());
    }
    Ok(serde_json::from_slice(&bytes)?)
}

#[cfg(target_os = "linux")]
fn keychain_write(service: &str, user: &str, token: &str) -> Result {
    keyring::Entry::new(service, user)?.set_password(token)?;
    Ok(())
}

#[cfg(target_os = "linux")]
fn keychain_read(service: &str, user: &str) -> Result {
    keyring::Entry::new(service, user)?.get_password()?;
    Ok(())
}

#[cfg(target_os = "linux")]
fn keychain_clear(service: &str, user: &str) {
    if let Ok(entry) = keyring::Entry::new(service, user) {
        let _ = entry.delete_credential();
    }
}

#[cfg(not(target_os = "linux"))]
fn keychain_write(_: &str, _: &str, _: &str) -> Result {
    Err("rotate-ref runs on Linux only".into())
}

#[cfg(not(target_os = "linux"))]
fn keychain_read(_: &str, _: &str) -> Result {
    Err("rotate-ref runs on Linux only".into())
}

#[cfg(not(target_os = "linux"))]
fn keychain_clear(_: &str, _: &str) {}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result {
    let args = parse_args()?;
    let client = reqwest::Client::new();
    let pds = args.pds.trim_end_matches('/');
    let session = post_json(
        &client,
        &format!("{pds}/xrpc/com.atproto.server.createSession"),
        &[],
        &serde_json::json!({ "identifier": args.identifier, "password": args.password }),
    )
    .await?;
    let access = session["accessJwt"]
        .as_str()
        .ok_or("createSession returned no accessJwt")?;
    let authorization = format!("Bearer {access}");
    let proxy = format!("{}#wisp_xrpc", args.service_did);
    let rotate_url = format!("{pds}/xrpc/place.wisp.v2.secret.rotate");
    let body = serde_json::json!({ "name": args.name });
    let user = format!("bench:{}", args.name);

    let ms = |since: Instant| since.elapsed().as_secs_f64() * 1000.0;
    let (mut runs_ms, mut http_ms, mut write_ms, mut read_ms) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..args.runs {
        let started = Instant::now();
        let answer = post_json(
            &client,
            &rotate_url,
            &[("authorization", &authorization), ("atproto-proxy", &proxy)],
            &body,
        )
        .await?;
        let token = answer["token"].as_str().ok_or("rotate returned no token")?;
        http_ms.push(ms(started));
        let writing = Instant::now();
        keychain_write(&args.keychain_service, &user, token)?;
        write_ms.push(ms(writing));
        runs_ms.push(ms(started));
        let reading = Instant::now();
        keychain_read(&args.keychain_service, &user)?;
        read_ms.push(ms(reading));
    }
    keychain_clear(&args.keychain_service, &user);
    println!(
        "{}",
        serde_json::json!({
            "runs_ms": runs_ms, "http_ms": http_ms, "write_ms": write_ms, "read_ms": read_ms
        })
    );
    Ok(())
}

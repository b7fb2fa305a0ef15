//! DPoP nonces remembered across processes, so a new process's first request to a PDS carries
//! the nonce the server handed out last instead of paying a `401 use_dpop_nonce` round trip.
//!
//! A DPoP nonce is a public value the server puts in every answer's `DPoP-Nonce` header (not a
//! secret, not bound to an account); the reference PDS accepts one for a few minutes. atrium's
//! [`atrium_oauth::DpopClient`] keeps nonces in memory only and cannot be seeded, so this client
//! sits under it: when a proof carries no nonce, or another one than the latest this machine was
//! given by that server, it answers at once, locally, the way the server would (`401`,
//! `use_dpop_nonce`, the nonce in `DPoP-Nonce`), and atrium signs its one retry with that nonce.
//! A remembered nonce the server no longer takes is refused like any stale one; its answer hands
//! out the fresh nonce, and the session's one resend (see `session.rs`) then carries it — the
//! same two requests as without the cache.
//!
//! The file is only a hint: unreadable or damaged, it is ignored; it is rewritten (atomically,
//! by rename) only when a server hands out a nonce other than the remembered one.

use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use atrium_xrpc::http::{Request, Response, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tokio::sync::OnceCell;

use crate::http::HttpClient;

/// The file, in the folder the window and the CLI share for their locks.
const FILE_NAME: &str = "dpop-nonces.json";
/// More than this is not a file we wrote: ignored.
const MAX_FILE_BYTES: u64 = 16 * 1024;
/// Servers remembered at most (a user has a handful of PDSes).
const MAX_SERVERS: usize = 16;
/// Longer nonces are not remembered (the reference PDS's are 22 characters).
const MAX_NONCE_LEN: usize = 256;

pub(crate) fn file_in(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

pub(crate) struct NonceSeeding {
    inner: HttpClient,
    file: PathBuf,
    /// Server authority (host:port) → the latest nonce it handed out; read from the file on
    /// first use.
    latest: OnceCell<Mutex<BTreeMap<String, String>>>,
}

impl NonceSeeding {
    pub fn new(inner: HttpClient, file: PathBuf) -> NonceSeeding {
        NonceSeeding {
            inner,
            file,
            latest: OnceCell::new(),
        }
    }

    /// The remembered nonces, the file read off the runtime's workers the first time.
    async fn latest(&self) -> &Mutex<BTreeMap<String, String>> {
        self.latest
            .get_or_init(|| async {
                let file = self.file.clone();
                let read = tokio::task::spawn_blocking(move || read(&file)).await;
                Mutex::new(read.unwrap_or_default())
            })
            .await
    }

    async fn latest_for(&self, authority: &str) -> Option<String> {
        let latest = self
            .latest()
            .await
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        latest.get(authority).cloned()
    }

    /// Remembers `nonce` for `authority`; writes the file (off the runtime's workers) only
    /// when it changed.
    async fn remember(&self, authority: &str, nonce: &str) {
        if !plausible(nonce) {
            return;
        }
        let snapshot = {
            let mut latest = self
                .latest()
                .await
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            if latest.get(authority).map(String::as_str) == Some(nonce) {
                return;
            }
            if !latest.contains_key(authority) && latest.len() >= MAX_SERVERS {
                latest.clear();
            }
            latest.insert(authority.to_owned(), nonce.to_owned());
            latest.clone()
        };
        // A hint only: a failed write costs the next process one round trip, nothing else.
        let file = self.file.clone();
        let _ = tokio::task::spawn_blocking(move || write(&file, &snapshot)).await;
    }
}

impl atrium_xrpc::HttpClient for NonceSeeding {
    async fn send_http(
        &self,
        request: Request<Vec<u8>>,
    ) -> std::result::Result<Response<Vec<u8>>, Box<dyn StdError + Send + Sync + 'static>> {
        let authority = request.uri().authority().map(|a| a.as_str().to_owned());
        // Also when the proof carries an older nonce, not only none: atrium does not keep the
        // nonce its own retry's answer hands out, so this is what brings its store up to date.
        if let Some(authority) = &authority
            && let Some(latest) = self.latest_for(authority).await
            && proof_nonce(&request).as_deref() != Some(latest.as_str())
        {
            return Ok(use_nonce(&latest)?);
        }
        let response = self.inner.send_http(request).await?;
        if let Some(authority) = &authority
            && let Some(nonce) = response
                .headers()
                .get("DPoP-Nonce")
                .and_then(|v| v.to_str().ok())
        {
            self.remember(authority, nonce).await;
        }
        Ok(response)
    }
}

/// What a resource server answers a proof without the nonce it wants (RFC 9449 §9).
fn use_nonce(nonce: &str) -> std::result::Result<Response<Vec<u8>>, atrium_xrpc::http::Error> {
    Response::builder()
        .status(StatusCode::UNAUTHORIZED)
        .header(
            "WWW-Authenticate",
            r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#,
        )
        .header("DPoP-Nonce", nonce)
        .body(Vec::new())
}

/// The `nonce` claim of the request's DPoP proof (read, not verified: we signed it).
fn proof_nonce(request: &Request<Vec<u8>>) -> Option<String> {
    let proof = request.headers().get("DPoP")?.to_str().ok()?;
    let claims = URL_SAFE_NO_PAD.decode(proof.split('.').nth(1)?).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&claims).ok()?;
    claims.get("nonce")?.as_str().map(str::to_owned)
}

/// A value that can go back into a header as is.
fn plausible(nonce: &str) -> bool {
    !nonce.is_empty() && nonce.len() <= MAX_NONCE_LEN && nonce.bytes().all(|b| b.is_ascii_graphic())
}

fn read(file: &Path) -> BTreeMap<String, String> {
    let Ok(meta) = std::fs::metadata(file) else {
        return BTreeMap::new();
    };
    if meta.len() > MAX_FILE_BYTES {
        return BTreeMap::new();
    }
    let Ok(text) = std::fs::read(file) else {
        return BTreeMap::new();
    };
    let mut map: BTreeMap<String, String> = serde_json::from_slice(&text).unwrap_or_default();
    map.retain(|_, nonce| plausible(nonce));
    if map.len() > MAX_SERVERS {
        map.clear();
    }
    map
}

fn write(file: &Path, map: &BTreeMap<String, String>) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_vec(map).map_err(std::io::Error::other)?;
    // A name of this process's own, so two processes never write the same temporary file.
    let temporary = file.with_extension(format!("json.{}.tmp", std::process::id()));
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request_with_proof(claims: &str) -> Request<Vec<u8>> {
        let proof = format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(b"{}"),
            URL_SAFE_NO_PAD.encode(claims)
        );
        Request::builder()
            .uri("http://localhost:1234/xrpc/x")
            .header("DPoP", proof)
            .body(Vec::new())
            .unwrap_or_else(|_| Request::new(Vec::new()))
    }

    #[test]
    fn the_nonce_a_proof_carries_is_read_from_its_claims() {
        assert_eq!(
            proof_nonce(&request_with_proof(r#"{"nonce":"abc"}"#)).as_deref(),
            Some("abc")
        );
        assert_eq!(proof_nonce(&request_with_proof(r#"{"htm":"GET"}"#)), None);
    }

    #[test]
    fn the_local_answer_is_one_atrium_retries_with_the_nonce() {
        let answer = use_nonce("n1").unwrap_or_else(|_| Response::new(Vec::new()));
        assert_eq!(answer.status(), 401);
        let header = |name: &str| answer.headers().get(name).and_then(|v| v.to_str().ok());
        assert_eq!(header("DPoP-Nonce"), Some("n1"));
        assert!(
            header("WWW-Authenticate")
                .is_some_and(|v| v.starts_with("DPoP") && v.contains(r#"error="use_dpop_nonce""#))
        );
    }

    #[test]
    fn a_damaged_or_hostile_file_is_ignored() {
        let dir = std::env::temp_dir().join(format!("wispkey-nonce-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let file = file_in(&dir);
        let _ = std::fs::write(&file, b"not json");
        assert!(read(&file).is_empty());
        let _ = std::fs::write(&file, br#"{"a:1":"ok","b:2":"bad value\r\n"}"#);
        assert_eq!(
            read(&file).into_iter().collect::<Vec<_>>(),
            vec![("a:1".to_owned(), "ok".to_owned())]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

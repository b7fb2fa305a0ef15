//! Listening sockets, the per-connection hyper loop, and top-level routing.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde::Serialize;
use serde_json::json;
use service_kit::serve;
use tokio::net::TcpListener;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::auth::Verifier;
use crate::crypto::{EncryptionKey, Sealer};
use crate::http::{self, Body};
use crate::rate_limit::RateLimiter;
use crate::state::AppState;
use crate::store::Store;
use crate::test_control::{self, Faults};
use crate::{Error, routes};

/// How to run the service (the CLI flags, one field each).
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub bind: SocketAddr,
    /// Allow a bind address other than loopback.
    pub allow_non_loopback: bool,
    /// PLC directory base URL for resolving `did:plc` callers.
    pub plc_url: String,
    /// JSON state file (created on first write).
    pub state_path: PathBuf,
    /// AES-256 key file; without one, create/rotate answer 503.
    pub encryption_key_file: Option<PathBuf>,
    /// Service DID; defaults to `did:web:localhost%3A<port>`.
    pub service_did: Option<String>,
    /// Serve `/_test/`.
    pub enable_test_control: bool,
    /// Per-caller limit; `None` turns limiting off.
    pub rate_limit_per_minute: Option<u32>,
}

impl Config {
    /// Loopback, free port, no key, no test control, no rate limit.
    pub fn new(plc_url: impl Into<String>, state_path: impl Into<PathBuf>) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            allow_non_loopback: false,
            plc_url: plc_url.into(),
            state_path: state_path.into(),
            encryption_key_file: None,
            service_did: None,
            enable_test_control: false,
            rate_limit_per_minute: None,
        }
    }
}

/// The readiness line printed on stdout.
#[derive(Serialize)]
struct Ready<'a> {
    url: &'a str,
    did: &'a str,
    port: u16,
}

/// A started service. Dropping it stops it.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    url: String,
    did: String,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://<bind ip>:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The service DID callers must put in `aud`.
    pub fn did(&self) -> &str {
        &self.did
    }

    /// `{"url":"http://127.0.0.1:PORT","did":"did:web:localhost%3APORT","port":PORT}`
    pub fn ready_line(&self) -> String {
        let ready = Ready {
            url: &self.url,
            did: &self.did,
            port: self.port(),
        };
        serde_json::to_string(&ready).unwrap_or_default()
    }

    /// Stops accepting and closes every open connection.
    pub async fn shutdown(mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Binds, loads state and key, and starts serving.
pub async fn start(config: Config) -> Result<Running, Error> {
    serve::check_loopback(config.bind, config.allow_non_loopback).map_err(Error::Config)?;
    let sealer = match &config.encryption_key_file {
        Some(path) => Some(Sealer::new(&EncryptionKey::load(path)?)),
        None => None,
    };
    let store = Store::open(&config.state_path)?;

    let listener = serve::listen(config.bind).await.map_err(Error::Config)?;
    let addr = listener.local_addr()?;
    let port = addr.port();
    let did = config
        .service_did
        .clone()
        .unwrap_or_else(|| format!("did:web:localhost%3A{port}"));

    let state = Arc::new(AppState {
        verifier: Verifier::new(&did, &config.plc_url)?,
        service_did: did.clone(),
        service_endpoint: format!("http://localhost:{port}"),
        store: Mutex::new(store),
        sealer,
        limiter: config.rate_limit_per_minute.map(RateLimiter::new),
        faults: Faults::default(),
        test_control: config.enable_test_control,
    });

    let mut listeners = vec![listener];
    // The published endpoint says "localhost", which a client may resolve to
    // ::1 first; answer there too when the IPv6 loopback exists.
    if addr.ip() == IpAddr::from([127, 0, 0, 1])
        && let Ok(v6) = TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port))).await
    {
        listeners.push(v6);
    }
    let tasks = listeners
        .into_iter()
        .map(|l| spawn_serving(l, Arc::clone(&state)))
        .collect();
    Ok(Running {
        addr,
        url: format!("http://{addr}"),
        did,
        tasks,
    })
}

fn spawn_serving(listener: TcpListener, state: Arc<AppState>) -> JoinHandle<()> {
    tokio::spawn(serve::accept_loop(
        listener,
        "wisp-service",
        move |peer, request| {
            let state = Arc::clone(&state);
            async move { dispatch(&state, peer, request).await }
        },
    ))
}

async fn dispatch(
    state: &Arc<AppState>,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Body>, Error> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();

    if let Some(nsid) = path.strip_prefix("/xrpc/") {
        // A separate task runs to completion even if the client goes away
        // mid-request, so a write to disk is always followed by the matching
        // change in memory.
        let task = {
            let (state, nsid) = (Arc::clone(state), nsid.to_owned());
            let (method, headers) = (parts.method.clone(), parts.headers.clone());
            tokio::spawn(async move { routes::xrpc(&state, &nsid, &method, &headers, body).await })
        };
        let outcome = match task.await {
            Ok(outcome) => outcome,
            Err(e) => Err(Error::Storage(std::io::Error::other(e))),
        };
        if state.test_control {
            if let Some(delay) = state.faults.take_delay(nsid) {
                tokio::time::sleep(delay).await;
            }
            if outcome.is_ok() && state.faults.take_drop(nsid) {
                return Err(Error::ConnectionDropped);
            }
        }
        return Ok(match outcome {
            Ok(value) => http::json(StatusCode::OK, &value),
            Err(e) => http::error_response(&e),
        });
    }

    if path.starts_with("/_test/") && state.test_control && peer.ip().is_loopback() {
        return Ok(
            match test_control::handle(state, &path, &parts.method, body).await {
                Ok(value) => http::json(StatusCode::OK, &value),
                Err(e) => http::error_response(&e),
            },
        );
    }

    if path == "/.well-known/did.json" && parts.method == Method::GET {
        return Ok(http::json(StatusCode::OK, &did_document(state)));
    }
    Ok(http::error_response(&Error::RouteNotFound))
}

fn did_document(state: &AppState) -> serde_json::Value {
    json!({
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": state.service_did,
        "service": [{
            "id": "#wisp_xrpc",
            "type": "AtprotoService",
            "serviceEndpoint": state.service_endpoint,
        }],
    })
}

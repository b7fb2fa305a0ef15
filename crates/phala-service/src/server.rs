//! Listening socket, the per-connection hyper loop, top-level routing, the
//! faults and the request log.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hyper::body::Incoming;
use hyper::{Request, Response};
use serde_json::{Value, json};
use service_kit::serve;
use tokio::net::TcpListener;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::http::{self, Body};
use crate::state::AppState;
use crate::store::Store;
use crate::test_control::{self, Faults, LogEntry, RequestLog};
use crate::{Error, routes, time};

/// How to run the service (the CLI flags, one field each).
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub bind: SocketAddr,
    /// Allow a bind address other than loopback.
    pub allow_non_loopback: bool,
    /// JSON state file (created on first write).
    pub state_path: PathBuf,
    /// Serve `/_test/`.
    pub enable_test_control: bool,
    /// Seed the "demo" workspace and write its credentials here.
    pub seed_demo: Option<PathBuf>,
}

impl Config {
    /// Loopback, free port, no test control, no demo.
    pub fn new(state_path: impl Into<PathBuf>) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            allow_non_loopback: false,
            state_path: state_path.into(),
            enable_test_control: false,
            seed_demo: None,
        }
    }
}

/// A started service. Dropping it stops it.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    url: String,
    demo: Option<Value>,
    task: JoinHandle<()>,
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

    /// `{apiKey, totpSecret, workspaceId}` of the seeded demo workspace.
    pub fn demo(&self) -> Option<&Value> {
        self.demo.as_ref()
    }

    /// `{"url":"http://127.0.0.1:PORT","port":PORT}`, plus `"demo":{...}` when seeded.
    pub fn ready_line(&self) -> String {
        let mut ready = json!({ "url": self.url, "port": self.port() });
        if let Some(demo) = &self.demo {
            ready["demo"] = demo.clone();
        }
        ready.to_string()
    }

    /// Stops accepting and closes every open connection.
    pub async fn shutdown(self) {
        self.task.abort();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Binds, loads state, seeds the demo if asked, and starts serving.
pub async fn start(config: Config) -> Result<Running, Error> {
    serve::check_loopback(config.bind, config.allow_non_loopback).map_err(Error::Config)?;
    let mut store = Store::open(&config.state_path)?;
    let demo = match &config.seed_demo {
        Some(file) => Some(seed_demo(&mut store, file).await?),
        None => None,
    };

    let listener = serve::listen(config.bind).await.map_err(Error::Config)?;
    let addr = listener.local_addr()?;
    let state = Arc::new(AppState {
        store: Mutex::new(store),
        faults: Faults::default(),
        log: RequestLog::default(),
        test_control: config.enable_test_control,
    });
    let task = spawn_serving(listener, state);
    Ok(Running {
        addr,
        url: format!("http://{addr}"),
        demo,
        task,
    })
}

/// The webhooks of the demo workspace (URLs and event names are made up).
const DEMO_WEBHOOKS: [(&str, &[&str], bool); 3] = [
    (
        "https://hooks.demo.example/phala/cvm",
        &["cvm.created", "cvm.stopped"],
        true,
    ),
    (
        "https://hooks.demo.example/phala/billing",
        &["billing.invoice.paid"],
        true,
    ),
    (
        "https://hooks.demo.example/phala/legacy",
        &["cvm.deleted"],
        false,
    ),
];

/// Makes sure a workspace named "demo" exists (with its webhooks when new)
/// and writes `{apiKey, totpSecret, workspaceId}` to `file`.
async fn seed_demo(store: &mut Store, file: &Path) -> Result<Value, Error> {
    let workspace = match store.by_name("demo") {
        Some(ws) => ws.clone(),
        None => {
            let ws = store.create_workspace("demo").await?;
            for (url, events, enabled) in DEMO_WEBHOOKS {
                let events = events.iter().map(|e| (*e).to_owned()).collect();
                store
                    .add_webhook(&ws.id, url, events, enabled, time::now_iso())
                    .await?;
            }
            ws
        }
    };
    let demo = json!({
        "apiKey": workspace.api_key,
        "totpSecret": workspace.totp_secret,
        "workspaceId": workspace.id,
    });
    let bytes = serde_json::to_vec_pretty(&demo).map_err(|e| Error::Io(e.into()))?;
    service_kit::state_file::write_atomically(file, &bytes)
        .map_err(|e| Error::Config(format!("cannot write {}: {e}", file.display())))?;
    Ok(demo)
}

fn spawn_serving(listener: TcpListener, state: Arc<AppState>) -> JoinHandle<()> {
    tokio::spawn(serve::accept_loop(
        listener,
        "phala-service",
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

    if path.starts_with("/_test/") && state.test_control && peer.ip().is_loopback() {
        return Ok(
            match test_control::handle(state, &path, &parts.method, body).await {
                Ok((status, value)) => http::json(status, &value),
                Err(e) => http::error_response(&e),
            },
        );
    }

    let mut entry = LogEntry {
        method: parts.method.to_string(),
        path: path.clone(),
        status: None,
        two_factor_code_sent: parts.headers.contains_key(routes::TWO_FACTOR_HEADER),
    };
    if let Some(status) = state.faults.take_fail() {
        let response = http::error_response(&Error::Injected(status));
        entry.status = Some(response.status().as_u16());
        state.log.push(entry);
        return Ok(response);
    }

    // A separate task runs to completion even if the client goes away
    // mid-request, so a write to disk is always followed by the matching
    // change in memory.
    let task = {
        let state = Arc::clone(state);
        let (method, headers, path) = (parts.method.clone(), parts.headers.clone(), path.clone());
        let query = parts.uri.query().map(str::to_owned);
        tokio::spawn(async move {
            routes::api(&state, &method, &path, query.as_deref(), &headers).await
        })
    };
    let outcome = match task.await {
        Ok(outcome) => outcome,
        Err(e) => Err(Error::Storage(std::io::Error::other(e))),
    };
    if let Some(delay) = state.faults.take_delay() {
        tokio::time::sleep(delay).await;
    }
    let response = match outcome {
        Ok(mut answer) => {
            if answer.rotated {
                if state.faults.take_drop() {
                    state.log.push(entry);
                    return Err(Error::ConnectionDropped);
                }
                if state.faults.take_rotate_without_secret() {
                    answer.body = json!({});
                }
            }
            http::json(answer.status, &answer.body)
        }
        Err(e) => http::error_response(&e),
    };
    entry.status = Some(response.status().as_u16());
    state.log.push(entry);
    Ok(response)
}

//! Listening socket, top-level routing, the faults around each API request
//! and the request log.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use hyper::body::Incoming;
use hyper::{Request, Response};
use serde_json::{Value, json};
use service_kit::serve;
use tokio::net::TcpListener;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::faults::Switches;
use crate::http::{self, Body};
use crate::request_log::{LogEntry, RequestLog, Trace};
use crate::state::AppState;
use crate::store::Store;
use crate::{Error, control, demo, routes, time};

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
    /// Seed the demo users and write their sign-in details here.
    pub seed_demo: Option<PathBuf>,
    /// Serve the API under this path prefix (e.g. `/broker`), so a client's
    /// base URL with a path is exercised; `None` serves at the root.
    pub path_prefix: Option<String>,
}

impl Config {
    /// Loopback, free port, no test control, no demo, no prefix.
    pub fn new(state_path: impl Into<PathBuf>) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            allow_non_loopback: false,
            state_path: state_path.into(),
            enable_test_control: false,
            seed_demo: None,
            path_prefix: None,
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

    /// The API's base URL: `http://<ip>:<port>` plus the path prefix, if any.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The seeded demo users (see [`crate::demo`]).
    pub fn demo(&self) -> Option<&Value> {
        self.demo.as_ref()
    }

    /// `{"url":...,"port":...,"testControl":...}`, plus `"demo":{userId, email,
    /// withoutTotp:{userId, email}}` when seeded. Passwords and TOTP seeds stay
    /// out of it (stdout usually ends up in a log file): they are in the
    /// `--seed-demo` file.
    pub fn ready_line(&self) -> String {
        let root = format!("http://{}", self.addr);
        let mut ready = json!({
            "url": self.url,
            "port": self.port(),
            "testControl": format!("{root}/_test"),
        });
        if let Some(demo) = &self.demo {
            let who = |user: &Value| json!({ "userId": user["userId"], "email": user["email"] });
            let mut public = who(demo);
            public["withoutTotp"] = who(&demo["withoutTotp"]);
            ready["demo"] = public;
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
    let prefix = match config
        .path_prefix
        .as_deref()
        .map(|p| p.trim_end_matches('/'))
    {
        None | Some("") => None,
        Some(p) if p.starts_with('/') && !p.starts_with("/_test") => Some(p.to_owned()),
        Some(p) => {
            return Err(Error::Config(format!(
                "--path-prefix must start with / (and not be /_test): {p}"
            )));
        }
    };
    let mut store = Store::open(&config.state_path)?;
    let demo = match &config.seed_demo {
        Some(file) => Some(demo::seed(&mut store, file).await?),
        None => None,
    };

    let listener = serve::listen(config.bind).await.map_err(Error::Config)?;
    let addr = listener.local_addr()?;
    let state = Arc::new(AppState {
        store: Mutex::new(store),
        switches: Switches::default(),
        log: RequestLog::default(),
        test_control: config.enable_test_control,
    });
    let task = spawn_serving(listener, state, prefix.clone());
    Ok(Running {
        addr,
        url: format!("http://{addr}{}", prefix.unwrap_or_default()),
        demo,
        task,
    })
}

fn spawn_serving(
    listener: TcpListener,
    state: Arc<AppState>,
    prefix: Option<String>,
) -> JoinHandle<()> {
    let prefix: Arc<str> = Arc::from(prefix.unwrap_or_default());
    tokio::spawn(serve::accept_loop(
        listener,
        "slate-service",
        move |peer, request| {
            let state = Arc::clone(&state);
            let prefix = Arc::clone(&prefix);
            async move { dispatch(&state, &prefix, peer, request).await }
        },
    ))
}

async fn dispatch(
    state: &Arc<AppState>,
    prefix: &str,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Body>, Error> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();

    if path.starts_with("/_test/") && state.test_control && peer.ip().is_loopback() {
        return Ok(
            match control::handle(state, &path, &parts.method, body).await {
                Ok((status, value)) => http::json(status, &value),
                Err(e) => http::error_response(&e),
            },
        );
    }

    let mut entry = LogEntry {
        method: parts.method.to_string(),
        path: path.clone(),
        operation: None,
        status: None,
        at_ms: time::now_millis(),
        trace: Trace::default(),
    };
    let finish = |mut entry: LogEntry, response: Response<Body>| {
        entry.status = Some(response.status().as_u16());
        state.log.push(entry);
        Ok(response)
    };

    let Some(route) = path.strip_prefix(prefix).and_then(routes::route) else {
        return finish(entry, http::error_response(&Error::RouteNotFound));
    };
    let op = match routes::operation(&route, &parts.method) {
        Ok(op) => op,
        Err(e) => return finish(entry, http::error_response(&e)),
    };
    entry.operation = Some(op.as_str());
    if let Some(retry_after) = state.switches.take_rate_limit(op) {
        entry.trace.fault = Some("rateLimit");
        return finish(
            entry,
            http::error_response(&Error::RateLimited(retry_after)),
        );
    }
    let raw_body = match http::read_body(body).await {
        Ok(bytes) => bytes,
        Err(e) => return finish(entry, http::error_response(&e)),
    };

    // A separate task runs the request, its faults and its log entry to
    // completion even if the client goes away mid-request, so a write to
    // disk is always followed by the matching change in memory and the log
    // shows every request.
    let state = Arc::clone(state);
    let headers = parts.headers;
    let task = tokio::spawn(async move {
        let outcome = routes::api(&state, &route, op, &headers, &raw_body, &mut entry.trace).await;
        if let Some(delay) = state.switches.take_delay(op) {
            entry.trace.delayed_ms = u64::try_from(delay.as_millis()).ok();
            tokio::time::sleep(delay).await;
        }
        let response = match outcome {
            Ok(answer) => {
                if answer.committed && state.switches.take_drop(op) {
                    entry.trace.fault = Some("drop");
                    state.log.push(entry);
                    return Err(Error::ConnectionDropped);
                }
                http::json(answer.status, &answer.body)
            }
            Err(e) => http::error_response(&e),
        };
        entry.status = Some(response.status().as_u16());
        state.log.push(entry);
        Ok(response)
    });
    match task.await {
        Ok(answered_or_dropped) => answered_or_dropped,
        Err(e) => Ok(http::error_response(&Error::Storage(
            std::io::Error::other(e),
        ))),
    }
}

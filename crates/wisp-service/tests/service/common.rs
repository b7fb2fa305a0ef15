//! Test harness: fake PLC, caller accounts with keys, and request helpers.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use k256::ecdsa::signature::Signer as _;
use k256::elliptic_curve::rand_core::OsRng;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use wisp_service::auth::keys::PublicKey;
use wisp_service::auth::multikey;
use wisp_service::{Config, Running};

pub const CREATE: &str = "place.wisp.v2.secret.create";
pub const ROTATE: &str = "place.wisp.v2.secret.rotate";
pub const DELETE: &str = "place.wisp.v2.secret.delete";
pub const LIST: &str = "place.wisp.v2.secret.list";

/// A fake PLC directory: `GET /<did>` answers the published document.
pub struct Plc {
    pub url: String,
    docs: Arc<Mutex<HashMap<String, Value>>>,
    task: JoinHandle<()>,
}

impl Drop for Plc {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Plc {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let docs: Arc<Mutex<HashMap<String, Value>>> = Arc::default();
        let served = Arc::clone(&docs);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let docs = Arc::clone(&served);
                tokio::spawn(async move {
                    let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                        let doc = docs
                            .lock()
                            .unwrap()
                            .get(req.uri().path().trim_start_matches('/'))
                            .cloned();
                        async move {
                            let response = match doc {
                                Some(doc) => Response::new(Full::new(Bytes::from(doc.to_string()))),
                                None => {
                                    let mut missing = Response::new(Full::new(Bytes::from_static(
                                        b"{\"message\":\"DID not registered\"}",
                                    )));
                                    *missing.status_mut() = StatusCode::NOT_FOUND;
                                    missing
                                }
                            };
                            Ok::<_, Infallible>(response)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self { url, docs, task }
    }

    /// Publishes (or replaces) `did`'s document with `key` as `#atproto`.
    pub fn publish(&self, did: &str, key: &PublicKey) {
        let doc = json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "alsoKnownAs": ["at://someone.test"],
            "verificationMethod": [{
                "id": format!("{did}#atproto"),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multikey::encode(key),
            }],
            "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                         "serviceEndpoint": "http://localhost:2583"}],
        });
        self.docs.lock().unwrap().insert(did.to_owned(), doc);
    }
}

/// A caller's signing key.
#[derive(Clone)]
pub enum Key {
    K256(k256::ecdsa::SigningKey),
    P256(p256::ecdsa::SigningKey),
}

impl Key {
    pub fn k256() -> Self {
        Self::K256(k256::ecdsa::SigningKey::random(&mut OsRng))
    }

    pub fn p256() -> Self {
        Self::P256(p256::ecdsa::SigningKey::random(&mut OsRng))
    }

    pub fn public(&self) -> PublicKey {
        match self {
            Self::K256(k) => PublicKey::K256(*k.verifying_key()),
            Self::P256(k) => PublicKey::P256(*k.verifying_key()),
        }
    }

    pub fn alg(&self) -> &'static str {
        self.public().jwt_alg()
    }

    /// A low-S signature, as atproto requires.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        match self {
            Self::K256(k) => {
                let sig: k256::ecdsa::Signature = k.sign(message);
                sig.normalize_s().unwrap_or(sig).to_bytes().to_vec()
            }
            Self::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                sig.normalize_s().unwrap_or(sig).to_bytes().to_vec()
            }
        }
    }

    /// The same signature with `s` replaced by `n - s`: valid maths, high-S.
    pub fn sign_high_s(&self, message: &[u8]) -> Vec<u8> {
        match self {
            Self::K256(k) => {
                let sig: k256::ecdsa::Signature = k.sign(message);
                let (r, s) = sig.normalize_s().unwrap_or(sig).split_scalars();
                k256::ecdsa::Signature::from_scalars(r, -s)
                    .unwrap()
                    .to_bytes()
                    .to_vec()
            }
            Self::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                let (r, s) = sig.normalize_s().unwrap_or(sig).split_scalars();
                p256::ecdsa::Signature::from_scalars(r, -s)
                    .unwrap()
                    .to_bytes()
                    .to_vec()
            }
        }
    }
}

/// A caller identity: a DID and its key.
#[derive(Clone)]
pub struct Account {
    pub did: String,
    pub key: Key,
}

pub fn now_secs() -> u64 {
    wisp_service::time::now_millis() / 1000
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

impl Account {
    /// The claims a PDS puts in a proxied service JWT.
    pub fn claims(&self, aud: &str, lxm: &str) -> Value {
        json!({"iss": self.did, "aud": aud, "lxm": lxm, "iat": now_secs(), "exp": now_secs() + 60,
               "jti": format!("{:x}", rand_u64())})
    }

    pub fn header(&self) -> Value {
        json!({"typ": "JWT", "alg": self.key.alg()})
    }

    /// Signs arbitrary header and claims with this account's key.
    pub fn token_with(&self, header: &Value, claims: &Value) -> String {
        let input = format!("{}.{}", b64(header), b64(claims));
        format!(
            "{input}.{}",
            URL_SAFE_NO_PAD.encode(self.key.sign(input.as_bytes()))
        )
    }

    pub fn token(&self, aud: &str, lxm: &str) -> String {
        self.token_with(&self.header(), &self.claims(aud, lxm))
    }
}

pub fn rand_u64() -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).unwrap();
    u64::from_le_bytes(bytes)
}

/// A response, with the body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    /// Asserts an XRPC error status, `error` and `message`.
    #[track_caller]
    pub fn assert_error(&self, status: u16, error: &str, message: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(
            self.json,
            json!({"error": error, "message": message}),
            "{self:?}"
        );
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Value {
        assert_eq!(self.status, 200, "{self:?}");
        &self.json
    }
}

/// A running service with its fake PLC, state directory and key.
pub struct Harness {
    pub plc: Plc,
    pub service: Running,
    /// Keeps the state directory alive as long as the harness.
    _dir: tempfile::TempDir,
    pub http: reqwest::Client,
    pub config: Config,
}

impl Harness {
    /// Key, test control on, no rate limit.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let plc = Plc::start().await;
        let dir = tempfile::tempdir().unwrap();
        let key_path = dir.path().join("key.hex");
        std::fs::write(&key_path, format!("{}\n", "3c".repeat(32))).unwrap();
        let mut config = Config::new(plc.url.clone(), dir.path().join("state.json"));
        config.encryption_key_file = Some(key_path);
        config.enable_test_control = true;
        adjust(&mut config);
        let service = wisp_service::start(config.clone()).await.unwrap();
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        Self {
            plc,
            service,
            _dir: dir,
            http,
            config,
        }
    }

    /// Stops the service and starts it again on the same state (new port).
    pub async fn restart(&mut self, adjust: impl FnOnce(&mut Config)) {
        adjust(&mut self.config);
        let fresh = wisp_service::start(self.config.clone()).await.unwrap();
        let old = std::mem::replace(&mut self.service, fresh);
        old.shutdown().await;
    }

    pub fn state_path(&self) -> PathBuf {
        self.config.state_path.clone()
    }

    pub fn did(&self) -> &str {
        self.service.did()
    }

    pub fn addr(&self) -> SocketAddr {
        self.service.addr()
    }

    /// A new caller whose DID document is published in the fake PLC.
    pub fn account(&self, key: Key) -> Account {
        let did = format!("did:plc:{}", plc_id());
        self.plc.publish(&did, &key.public());
        Account { did, key }
    }

    /// A proper XRPC call by `account` (GET for list, POST JSON otherwise).
    pub async fn call(&self, account: &Account, nsid: &str, input: Option<Value>) -> Reply {
        let token = account.token(self.did(), nsid);
        self.send(nsid, Some(&format!("Bearer {token}")), input)
            .await
    }

    /// Like `call`, with any Authorization value (or none).
    pub async fn send(
        &self,
        nsid: &str,
        authorization: Option<&str>,
        input: Option<Value>,
    ) -> Reply {
        let url = format!("{}/xrpc/{nsid}", self.service.url());
        let mut request = match &input {
            Some(input) => self
                .http
                .post(url)
                .header("content-type", "application/json")
                .body(input.to_string()),
            None => self.http.get(url),
        };
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        reply(request.send().await.unwrap()).await
    }

    /// A request built by the caller on this client.
    pub async fn request(&self, request: reqwest::RequestBuilder) -> Reply {
        reply(request.send().await.unwrap()).await
    }

    pub fn xrpc_url(&self, nsid: &str) -> String {
        format!("{}/xrpc/{nsid}", self.service.url())
    }

    /// `POST /_test/<path>` with a JSON body.
    pub async fn control(&self, path: &str, body: Value) -> Reply {
        let url = format!("{}/_test/{path}", self.service.url());
        reply(
            self.http
                .post(url)
                .body(body.to_string())
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// The signature a delivery of `body` for `account`'s `name` would carry.
    pub async fn delivery_signature(&self, account: &Account, name: &str, body: &str) -> Reply {
        self.control(
            "sign",
            json!({"did": account.did, "name": name, "body": body}),
        )
        .await
    }

    pub async fn create(&self, account: &Account, name: &str) -> Value {
        self.call(account, CREATE, Some(json!({"name": name})))
            .await
            .assert_ok()
            .clone()
    }

    pub async fn list(&self, account: &Account) -> Vec<Value> {
        let reply = self.call(account, LIST, None).await;
        reply.assert_ok()["secrets"].as_array().unwrap().clone()
    }

    pub async fn names(&self, account: &Account) -> Vec<String> {
        self.list(account)
            .await
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_owned())
            .collect()
    }
}

pub async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        text,
        json,
    }
}

/// 24 characters of base32 (lowercase a-z, 2-7), like a real did:plc.
fn plc_id() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut bytes = [0u8; 24];
    getrandom::getrandom(&mut bytes).unwrap();
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % 32] as char)
        .collect()
}

/// `wsk_` + 32 base64url characters.
pub fn is_generated_token(token: &str) -> bool {
    token.len() == 36
        && token.starts_with("wsk_")
        && token[4..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`
pub fn is_iso_millis(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 24
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'.',
            23 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

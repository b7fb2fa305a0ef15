//! A private service with test control, and request helpers.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;
use slate_service::{Config, Running};

pub struct Service {
    _running: Running,
    pub url: String,
    _dir: tempfile::TempDir,
    pub client: Client,
}

/// A staff user created through test control.
#[derive(Debug, Clone)]
pub struct User {
    pub id: u64,
    pub email: String,
    pub password: String,
    pub totp_secret: Option<String>,
}

impl Service {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path().join("state.json"));
        config.enable_test_control = true;
        adjust(&mut config);
        let running = slate_service::start(config).await.unwrap();
        Self {
            url: running.url().to_owned(),
            _running: running,
            _dir: dir,
            client: Client::new(),
        }
    }

    pub fn control_url(&self, path: &str) -> String {
        // Test control stays at the root when the API has a prefix.
        let root = self.url.split('/').take(3).collect::<Vec<_>>().join("/");
        format!("{root}/_test/{path}")
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(format!("{}{path}", self.url))
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.client.post(format!("{}{path}", self.url))
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.client.request(method, self.control_url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        ok(request.send().await.unwrap()).await
    }

    pub async fn user(&self, totp: bool) -> User {
        let created = self
            .control(
                reqwest::Method::POST,
                "users",
                Some(json!({ "totp": totp })),
            )
            .await;
        User {
            id: created["userId"].as_u64().unwrap(),
            email: created["email"].as_str().unwrap().to_owned(),
            password: created["password"].as_str().unwrap().to_owned(),
            totp_secret: created["totpSecret"].as_str().map(str::to_owned),
        }
    }

    pub async fn code(&self, user: &User) -> String {
        let answer = self
            .control(
                reqwest::Method::GET,
                &format!("users/{}/totp", user.id),
                None,
            )
            .await;
        answer["code"].as_str().unwrap().to_owned()
    }

    /// Seeds a token; answers it with `token` and `webhook_secret`.
    pub async fn add_token(&self, user: &User, body: Value) -> Value {
        self.control(
            reqwest::Method::POST,
            &format!("users/{}/tokens", user.id),
            Some(body),
        )
        .await
    }

    /// A delivery signed with the token's current secret.
    pub async fn deliver(&self, token_id: u64, body: &str) -> Value {
        self.control(
            reqwest::Method::POST,
            &format!("tokens/{token_id}/deliver"),
            Some(json!({ "body": body })),
        )
        .await
    }

    pub async fn faults(&self, faults: Value) {
        self.control(reqwest::Method::POST, "faults", Some(faults))
            .await;
    }

    pub async fn settings(&self, settings: Value) {
        self.control(reqwest::Method::POST, "settings", Some(settings))
            .await;
    }

    pub async fn set_status(&self, token_id: u64, status: &str) {
        self.control(
            reqwest::Method::POST,
            &format!("tokens/{token_id}/status"),
            Some(json!({ "status": status })),
        )
        .await;
    }

    pub async fn log(&self) -> Vec<Value> {
        self.control(reqwest::Method::GET, "log", None)
            .await
            .as_array()
            .unwrap()
            .clone()
    }

    pub fn login_request(&self, body: Value) -> RequestBuilder {
        self.post("/api/admin/users/login").json(&body)
    }

    /// Signs in (with a current code when the user has TOTP); the token pair.
    pub async fn login(&self, user: &User) -> Value {
        let mut body = json!({ "email": user.email, "password": user.password });
        if user.totp_secret.is_some() {
            body["totp_code"] = json!(self.code(user).await);
        }
        ok(self.login_request(body).send().await.unwrap()).await
    }

    /// A staff access token of a new user without TOTP.
    pub async fn signed_in_user(&self) -> (User, String) {
        let user = self.user(false).await;
        let pair = self.login(&user).await;
        (user, pair["access_token"].as_str().unwrap().to_owned())
    }

    pub fn refresh(&self, refresh_token: &str) -> RequestBuilder {
        self.post("/auth/refresh")
            .json(&json!({ "refresh_token": refresh_token }))
    }

    pub fn list(&self, bearer: &str) -> RequestBuilder {
        self.get("/api-tokens").bearer_auth(bearer)
    }

    pub fn rotate(&self, bearer: &str, token_id: impl std::fmt::Display) -> RequestBuilder {
        self.post(&format!("/api-tokens/{token_id}/webhook/rotate-secret"))
            .bearer_auth(bearer)
    }
}

/// The body of a 2xx answer (panics with the body otherwise).
pub async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

/// Status and JSON body.
pub async fn answer(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// Checks a delivery as a Standard Webhooks receiver would: HMAC-SHA256
/// keyed with base64-decode(secret without `whsec_`) over
/// `"{webhook-id}.{webhook-timestamp}.{body}"`, base64, `v1,` prefix.
pub fn verifies(secret: &str, delivery: &Value) -> bool {
    let headers = &delivery["headers"];
    let id = headers["webhook-id"].as_str().unwrap();
    let timestamp = headers["webhook-timestamp"].as_str().unwrap();
    let body = delivery["body"].as_str().unwrap();
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    headers["webhook-signature"]
        .as_str()
        .unwrap()
        .split(' ')
        .any(|candidate| candidate == expected)
}

/// `{"detail": text}`.
pub fn detail(text: &str) -> Value {
    json!({ "detail": text })
}

//! FastAPI's error answers.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{Service, answer, detail};

#[tokio::test]
async fn a_non_integer_token_id_is_422_int_parsing() {
    let service = Service::start().await;
    let (_, access) = service.signed_in_user().await;
    let (status, body) = answer(service.rotate(&access, "abc").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"detail":[{"type":"int_parsing","loc":["path","token_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]})
    );
}

#[tokio::test]
async fn an_unknown_token_id_is_404() {
    let service = Service::start().await;
    let (_, access) = service.signed_in_user().await;
    for id in ["999", "-1", "0"] {
        let (status, body) = answer(service.rotate(&access, id).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(body, detail("API token not found"));
    }
}

#[tokio::test]
async fn no_bearer_is_401_not_authenticated_before_anything_else() {
    let service = Service::start().await;
    for request in [
        service.get("/api-tokens"),
        service.post("/api-tokens").json(&json!({})),
        service.post("/api-tokens/abc/webhook/rotate-secret"),
        service
            .get("/api-tokens")
            .header("Authorization", "Basic dXNlcjpwdw=="),
        service
            .get("/api-tokens")
            .header("Authorization", "Bearer "),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let (status, body) = answer(response).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body, detail("Not authenticated"));
    }
}

#[tokio::test]
async fn malformed_json_is_422_json_invalid_even_before_authentication() {
    let service = Service::start().await;
    for path in ["/api/admin/users/login", "/auth/refresh", "/api-tokens"] {
        let (status, body) = answer(
            service
                .post(path)
                .header("content-type", "application/json")
                .body("{\"email\": ")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(body["detail"][0]["type"], "json_invalid");
        assert_eq!(body["detail"][0]["loc"], json!(["body", 10]));
        assert_eq!(body["detail"][0]["msg"], "JSON decode error");
    }
}

#[tokio::test]
async fn missing_and_mistyped_fields_are_422_with_every_problem() {
    let service = Service::start().await;
    let (status, body) = answer(
        service
            .login_request(json!({"password": 1}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"detail":[
            {"type":"missing","loc":["body","email"],"msg":"Field required","input":{"password":1}},
            {"type":"string_type","loc":["body","password"],"msg":"Input should be a valid string","input":1}
        ]})
    );
    let (status, body) = answer(service.post("/auth/refresh").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]})
    );
    let (_, access) = service.signed_in_user().await;
    let (status, body) = answer(
        service
            .post("/api-tokens")
            .bearer_auth(&access)
            .json(&json!({"scopes": "all", "expires_at": "soon", "webhook_enabled": "maybe"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let kinds: Vec<_> = body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["missing", "list_type", "datetime_parsing", "bool_parsing"]
    );
}

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405() {
    let service = Service::start().await;
    let (status, body) = answer(service.get("/api/v1/nothing").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, detail("Not Found"));
    let response = service
        .client
        .delete(format!("{}/api-tokens", service.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, POST");
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body, detail("Method Not Allowed"));
    let (status, _) = answer(service.get("/api/admin/users/login").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn test_control_does_not_exist_without_the_flag() {
    let service = Service::start_with(|config| config.enable_test_control = false).await;
    let (status, body) = answer(service.get("/_test/log").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, detail("Not Found"));
}

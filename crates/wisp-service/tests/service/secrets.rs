//! The four methods: success shapes, per-DID scoping, and every 4xx.

use serde_json::json;
use wisp_service::signature;

use crate::common::*;

#[tokio::test]
async fn create_returns_the_name_a_generated_token_and_created_at() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let created = h.create(&alice, "deploy-hook").await;
    assert_eq!(created["name"], "deploy-hook");
    assert!(
        is_generated_token(created["token"].as_str().unwrap()),
        "{created}"
    );
    assert!(
        is_iso_millis(created["createdAt"].as_str().unwrap()),
        "{created}"
    );
    assert_eq!(created.as_object().unwrap().len(), 3);
}

#[tokio::test]
async fn creating_a_taken_name_is_409_already_exists() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    h.create(&alice, "deploy-hook").await;
    h.call(&alice, CREATE, Some(json!({"name": "deploy-hook"})))
        .await
        .assert_error(
            409,
            "AlreadyExists",
            "a secret with that name already exists",
        );
}

#[tokio::test]
async fn names_are_scoped_per_caller_did() {
    let h = Harness::start().await;
    let (alice, bob) = (h.account(Key::k256()), h.account(Key::p256()));
    let alices = h.create(&alice, "deploy-hook").await;
    let bobs = h.create(&bob, "deploy-hook").await;
    assert_ne!(alices["token"], bobs["token"]);
    h.create(&bob, "bob-only").await;
    assert_eq!(h.names(&alice).await, ["deploy-hook"]);
    assert_eq!(h.names(&bob).await, ["deploy-hook", "bob-only"]);

    h.call(&alice, DELETE, Some(json!({"name": "bob-only"})))
        .await
        .assert_error(404, "NotFound", "secret not found");
    h.call(&alice, ROTATE, Some(json!({"name": "bob-only"})))
        .await
        .assert_error(404, "NotFound", "secret not found");
    h.call(&bob, DELETE, Some(json!({"name": "deploy-hook"})))
        .await
        .assert_ok();
    assert_eq!(h.names(&alice).await, ["deploy-hook"]);
}

#[tokio::test]
async fn list_is_oldest_first_and_omits_last_rotated_at_until_a_rotation() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    assert!(h.list(&alice).await.is_empty());
    for name in ["zeta", "alpha", "mid"] {
        h.create(&alice, name).await;
    }
    let secrets = h.list(&alice).await;
    assert_eq!(h.names(&alice).await, ["zeta", "alpha", "mid"]);
    for secret in &secrets {
        let keys: Vec<_> = secret.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["createdAt", "name"], "{secret}");
        assert!(is_iso_millis(secret["createdAt"].as_str().unwrap()));
    }

    let rotated = h.call(&alice, ROTATE, Some(json!({"name": "alpha"}))).await;
    let rotated_at = rotated.assert_ok()["rotatedAt"].clone();
    let secrets = h.list(&alice).await;
    assert_eq!(secrets[1]["lastRotatedAt"], rotated_at);
    assert!(secrets[0].get("lastRotatedAt").is_none() && secrets[2].get("lastRotatedAt").is_none());
    assert_eq!(
        h.names(&alice).await,
        ["zeta", "alpha", "mid"],
        "rotation keeps list order"
    );
}

#[tokio::test]
async fn rotate_returns_a_new_token_and_rotated_at() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let created = h.create(&alice, "hook").await;
    let rotated = h.call(&alice, ROTATE, Some(json!({"name": "hook"}))).await;
    let rotated = rotated.assert_ok();
    assert_eq!(rotated["name"], "hook");
    assert!(is_generated_token(rotated["token"].as_str().unwrap()));
    assert_ne!(rotated["token"], created["token"]);
    assert!(is_iso_millis(rotated["rotatedAt"].as_str().unwrap()));
    assert_eq!(rotated.as_object().unwrap().len(), 3);
}

#[tokio::test]
async fn rotate_invalidates_the_old_token_at_once() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let body = r#"{"event":"create"}"#;
    let old = h.create(&alice, "hook").await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = h.delivery_signature(&alice, "hook", body).await;
    assert_eq!(
        before.assert_ok()["signature"],
        signature::sign(&old, body.as_bytes())
    );

    let new = h.call(&alice, ROTATE, Some(json!({"name": "hook"}))).await;
    let new = new.assert_ok()["token"].as_str().unwrap().to_owned();
    let after = h.delivery_signature(&alice, "hook", body).await;
    assert_eq!(
        after.assert_ok()["signature"],
        signature::sign(&new, body.as_bytes())
    );
    assert_ne!(
        after.json["signature"],
        signature::sign(&old, body.as_bytes())
    );
}

#[tokio::test]
async fn delete_answers_an_empty_object_and_removes_the_secret() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    h.create(&alice, "a").await;
    h.create(&alice, "b").await;
    let deleted = h.call(&alice, DELETE, Some(json!({"name": "a"}))).await;
    assert_eq!(deleted.assert_ok(), &json!({}));
    assert_eq!(h.names(&alice).await, ["b"]);
    h.delivery_signature(&alice, "a", "{}")
        .await
        .assert_error(404, "NotFound", "secret not found");
    // The name is free again and goes to the end of the list.
    h.create(&alice, "a").await;
    assert_eq!(h.names(&alice).await, ["b", "a"]);
}

#[tokio::test]
async fn rotating_or_deleting_a_missing_secret_is_404_not_found() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    for nsid in [ROTATE, DELETE] {
        h.call(&alice, nsid, Some(json!({"name": "nope"})))
            .await
            .assert_error(404, "NotFound", "secret not found");
    }
}

#[tokio::test]
async fn invalid_names_are_400_invalid_secret_name() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    h.create(&alice, "taken").await;
    let too_long = "x".repeat(65);
    for name in [
        ".",
        "..",
        "",
        " taken",
        "taken ",
        "a/b",
        "a b",
        "a:b",
        "ü",
        too_long.as_str(),
    ] {
        for nsid in [CREATE, ROTATE, DELETE] {
            h.call(&alice, nsid, Some(json!({"name": name})))
                .await
                .assert_error(400, "InvalidRequest", "invalid secret name");
        }
    }
    assert_eq!(h.names(&alice).await, ["taken"]);
}

#[tokio::test]
async fn edge_of_range_names_are_accepted() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let longest = "A".repeat(64);
    for name in ["a", "A.b_c-9", "...", longest.as_str()] {
        h.create(&alice, name).await;
    }
    assert_eq!(h.names(&alice).await.len(), 4);
}

#[tokio::test]
async fn a_caller_supplied_token_is_used_as_is() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let mine = "my-own-token-!#$%&'()*+,-./:;<=>?@[]^_`{|}~";
    let created = h
        .call(&alice, CREATE, Some(json!({"name": "hook", "token": mine})))
        .await;
    assert_eq!(created.assert_ok()["token"], mine);
    let signed = h.delivery_signature(&alice, "hook", "x").await;
    assert_eq!(signed.json["signature"], signature::sign(mine, b"x"));

    let next = "n".repeat(256);
    let rotated = h
        .call(&alice, ROTATE, Some(json!({"name": "hook", "token": next})))
        .await;
    assert_eq!(rotated.assert_ok()["token"], next);
}

#[tokio::test]
async fn a_malformed_caller_token_is_400_invalid_request() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    for token in [
        json!("a".repeat(31)),
        json!("a".repeat(257)),
        json!(format!("{} b", "a".repeat(40))),
        json!(42),
    ] {
        let reply = h
            .call(
                &alice,
                CREATE,
                Some(json!({"name": "hook", "token": token})),
            )
            .await;
        assert_eq!(
            (reply.status, reply.json["error"].as_str()),
            (400, Some("InvalidRequest")),
            "{reply:?}"
        );
    }
    assert!(h.list(&alice).await.is_empty());
}

#[tokio::test]
async fn the_wrong_http_method_is_405_invalid_request() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let get_create = h
        .request(
            h.http
                .get(h.xrpc_url(CREATE))
                .bearer_auth(alice.token(h.did(), CREATE)),
        )
        .await;
    get_create.assert_error(405, "InvalidRequest", "invalid http method (expected POST)");
    assert_eq!(get_create.headers["allow"], "POST");
    let post_list = h
        .request(
            h.http
                .post(h.xrpc_url(LIST))
                .bearer_auth(alice.token(h.did(), LIST))
                .header("content-type", "application/json")
                .body("{}"),
        )
        .await;
    post_list.assert_error(405, "InvalidRequest", "invalid http method (expected GET)");
}

#[tokio::test]
async fn malformed_input_is_400_invalid_request() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let post = |ct: Option<&str>, body: &str| {
        let mut request = h
            .http
            .post(h.xrpc_url(CREATE))
            .bearer_auth(alice.token(h.did(), CREATE));
        if let Some(ct) = ct {
            request = request.header("content-type", ct);
        }
        request.body(body.to_owned())
    };
    let json_ct = Some("application/json");
    let cases = [
        (
            post(json_ct, ""),
            "request body is expected but none was provided",
        ),
        (
            post(None, r#"{"name":"a"}"#),
            "missing input content type (expected application/json)",
        ),
        (
            post(Some("text/plain"), r#"{"name":"a"}"#),
            "invalid input content type (expected application/json)",
        ),
        (
            post(json_ct, "{not json"),
            "invalid request body (failed to parse json)",
        ),
        (post(json_ct, "[]"), "invalid input: expected an object"),
        (
            post(json_ct, "{}"),
            "invalid input: missing required property \"name\"",
        ),
        (
            post(json_ct, r#"{"name":7}"#),
            "invalid input: property \"name\" must be a string",
        ),
    ];
    for (request, message) in cases {
        h.request(request)
            .await
            .assert_error(400, "InvalidRequest", message);
    }
    let with_charset = h
        .request(post(
            Some("application/json; charset=utf-8"),
            r#"{"name":"ok"}"#,
        ))
        .await;
    with_charset.assert_ok();
}

#[tokio::test]
async fn an_unknown_method_is_a_plain_404() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let nsid = "place.wisp.v2.secret.get";
    let reply = h
        .request(
            h.http
                .get(h.xrpc_url(nsid))
                .bearer_auth(alice.token(h.did(), nsid)),
        )
        .await;
    assert_eq!((reply.status, reply.text.as_str()), (404, "Not Found"));
}

#[tokio::test]
async fn the_did_document_publishes_the_wisp_xrpc_service() {
    let h = Harness::start().await;
    let url = format!("{}/.well-known/did.json", h.service.url());
    let doc = reply(h.http.get(url).send().await.unwrap()).await;
    let port = h.addr().port();
    assert_eq!(h.did(), format!("did:web:localhost%3A{port}"));
    assert_eq!(
        doc.assert_ok(),
        &json!({
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": format!("did:web:localhost%3A{port}"),
            "service": [{"id": "#wisp_xrpc", "type": "AtprotoService",
                         "serviceEndpoint": format!("http://localhost:{port}")}],
        })
    );
}

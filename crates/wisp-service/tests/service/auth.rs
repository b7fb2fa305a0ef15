//! Service-JWT verification: every 401 and its message.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use crate::common::*;

const AUTH: &str = "AuthenticationRequired";

#[tokio::test]
async fn a_p256_es256_caller_is_accepted_like_a_k256_es256k_one() {
    let h = Harness::start().await;
    for key in [Key::k256(), Key::p256()] {
        let caller = h.account(key);
        h.create(&caller, "hook").await;
        assert_eq!(h.names(&caller).await, ["hook"]);
    }
}

#[tokio::test]
async fn no_authorization_header_is_401_authentication_required() {
    let h = Harness::start().await;
    h.send(LIST, None, None)
        .await
        .assert_error(401, AUTH, "authentication required");
    h.send(CREATE, None, Some(json!({"name": "a"})))
        .await
        .assert_error(401, AUTH, "authentication required");
}

#[tokio::test]
async fn without_a_header_input_errors_come_before_the_401() {
    // The real server validates input before its handler asks for a caller.
    let h = Harness::start().await;
    let reply = h
        .request(
            h.http
                .post(h.xrpc_url(CREATE))
                .header("content-type", "application/json")
                .body("{"),
        )
        .await;
    reply.assert_error(
        400,
        "InvalidRequest",
        "invalid request body (failed to parse json)",
    );
}

#[tokio::test]
async fn a_non_bearer_or_empty_authorization_is_401() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let token = alice.token(h.did(), LIST);
    h.send(LIST, Some(&format!("DPoP {token}")), None)
        .await
        .assert_error(401, AUTH, "missing or invalid authorization header");
    h.send(LIST, Some("Basic dXNlcjpwYXNz"), None)
        .await
        .assert_error(401, AUTH, "missing or invalid authorization header");
    // HTTP strips the trailing whitespace, leaving "Bearer" with no space,
    // exactly as the real server (fetch `Headers`) sees it.
    h.send(LIST, Some("Bearer  \t "), None).await.assert_error(
        401,
        AUTH,
        "missing or invalid authorization header",
    );
}

#[tokio::test]
async fn a_garbled_token_is_401_jwt_is_malformed() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let good = alice.token(h.did(), LIST);
    let (head, _) = good.split_once('.').unwrap();
    for bad in [
        "abc",
        "a.b.c",
        &format!("{head}.e30.AAAA"),
        &good.replace('.', ""),
    ] {
        h.send(LIST, Some(&format!("Bearer {bad}")), None)
            .await
            .assert_error(401, AUTH, "jwt is malformed");
    }
}

#[tokio::test]
async fn oauth_token_types_are_401_invalid_jwt_type() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    for typ in ["at+jwt", "refresh+jwt", "dpop+jwt"] {
        let token = alice.token_with(
            &json!({"typ": typ, "alg": "ES256K"}),
            &alice.claims(h.did(), LIST),
        );
        h.send(LIST, Some(&format!("Bearer {token}")), None)
            .await
            .assert_error(401, AUTH, "invalid jwt type");
    }
}

#[tokio::test]
async fn an_expired_token_is_401_jwt_is_expired() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let mut claims = alice.claims(h.did(), LIST);
    claims["iat"] = json!(now_secs() - 120);
    claims["exp"] = json!(now_secs() - 60);
    let token = alice.token_with(&alice.header(), &claims);
    h.send(LIST, Some(&format!("Bearer {token}")), None)
        .await
        .assert_error(401, AUTH, "jwt is expired");
}

#[tokio::test]
async fn a_wrong_audience_is_401_naming_the_expected_did() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let expected = format!("jwt audience does not match (expected {})", h.did());
    for aud in [
        "did:web:wisp.place",
        &format!("{}#wisp_xrpc", h.did()),
        "did:web:localhost",
    ] {
        let token = alice.token_with(&alice.header(), &alice.claims(aud, LIST));
        let reply = h.send(LIST, Some(&format!("Bearer {token}")), None).await;
        if aud.contains('#') {
            // A fragment is not a DID at all, so the token is malformed first.
            reply.assert_error(401, AUTH, "jwt is malformed");
        } else {
            reply.assert_error(401, AUTH, &expected);
        }
    }
}

#[tokio::test]
async fn a_wrong_or_missing_lexicon_method_is_401_naming_the_expected_nsid() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let token = alice.token(h.did(), LIST);
    h.send(
        CREATE,
        Some(&format!("Bearer {token}")),
        Some(json!({"name": "a"})),
    )
    .await
    .assert_error(
        401,
        AUTH,
        &format!("jwt lexicon method does not match (expected {CREATE})"),
    );
    let mut claims = alice.claims(h.did(), LIST);
    claims.as_object_mut().unwrap().remove("lxm");
    let token = alice.token_with(&alice.header(), &claims);
    h.send(LIST, Some(&format!("Bearer {token}")), None)
        .await
        .assert_error(
            401,
            AUTH,
            &format!("jwt lexicon method does not match (expected {LIST})"),
        );
}

#[tokio::test]
async fn a_forged_signature_is_401_invalid_jwt_signature() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let mallory = Account {
        did: alice.did.clone(),
        key: Key::k256(),
    };
    let forged = mallory.token(h.did(), LIST);
    h.send(LIST, Some(&format!("Bearer {forged}")), None)
        .await
        .assert_error(401, AUTH, "invalid jwt signature");

    // A valid signature over different claims does not carry over either.
    let genuine = alice.token(h.did(), LIST);
    let (_, rest) = genuine.split_once('.').unwrap();
    let (_, sig) = rest.split_once('.').unwrap();
    let mut claims = alice.claims(h.did(), LIST);
    claims["iss"] = json!(alice.did);
    claims["exp"] = json!(now_secs() + 3600);
    let spliced = format!(
        "{}.{}.{sig}",
        URL_SAFE_NO_PAD.encode(alice.header().to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    h.send(LIST, Some(&format!("Bearer {spliced}")), None)
        .await
        .assert_error(401, AUTH, "invalid jwt signature");
}

async fn assert_high_s_rejected(key: Key) {
    let h = Harness::start().await;
    let caller = h.account(key.clone());
    let header = caller.header();
    let claims = caller.claims(h.did(), LIST);
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let high = format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(key.sign_high_s(input.as_bytes()))
    );
    h.send(LIST, Some(&format!("Bearer {high}")), None)
        .await
        .assert_error(401, AUTH, "invalid jwt signature");
    let low = format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(key.sign(input.as_bytes()))
    );
    h.send(LIST, Some(&format!("Bearer {low}")), None)
        .await
        .assert_ok();
}

#[tokio::test]
async fn a_high_s_es256k_signature_is_rejected() {
    assert_high_s_rejected(Key::k256()).await;
}

#[tokio::test]
async fn a_high_s_es256_signature_is_rejected() {
    assert_high_s_rejected(Key::p256()).await;
}

#[tokio::test]
async fn an_unresolvable_did_is_401_failed_to_retrieve_did_document() {
    let h = Harness::start().await;
    let ghost = Account {
        did: "did:plc:ghostghostghostghostghos".into(),
        key: Key::k256(),
    };
    h.call(&ghost, LIST, None).await.assert_error(
        401,
        AUTH,
        "failed to retrieve did document for did:plc:ghostghostghostghostghos",
    );
}

#[tokio::test]
async fn a_jwt_alg_that_does_not_match_the_key_is_401() {
    let h = Harness::start().await;
    let alice = h.account(Key::k256());
    let token = alice.token_with(
        &json!({"typ": "JWT", "alg": "ES256"}),
        &alice.claims(h.did(), LIST),
    );
    h.send(LIST, Some(&format!("Bearer {token}")), None)
        .await
        .assert_error(
            401,
            AUTH,
            "mismatching cryptographic key format (jwt is ES256)",
        );
}

#[tokio::test]
async fn a_rotated_signing_key_is_picked_up_by_refetching_the_did_document() {
    let h = Harness::start().await;
    let before = h.account(Key::k256());
    h.create(&before, "hook").await; // caches the first key
    let after = Account {
        did: before.did.clone(),
        key: Key::p256(),
    };
    h.plc.publish(&after.did, &after.key.public());
    assert_eq!(h.names(&after).await, ["hook"]);
    // The old key is no longer the DID's key.
    h.call(&before, LIST, None).await.assert_error(
        401,
        AUTH,
        "mismatching cryptographic key format (jwt is ES256K)",
    );
}

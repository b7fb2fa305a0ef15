//! PrivatePhala and its helpers against the real binary (cargo build -p phala-service first).
#![allow(clippy::unwrap_used)]

use wispkey_test_support::PrivatePhala;

#[tokio::test]
async fn a_private_phala_rotates_with_a_current_code() {
    let phala = PrivatePhala::start(&[]).unwrap();
    let ws = phala.create_workspace("t").await.unwrap();
    let hook = phala
        .add_webhook(&ws, "https://r.test/a", &["cvm.created"])
        .await
        .unwrap();
    let id = hook["id"].as_str().unwrap();
    let old = phala.deliver(id, "{}").await.unwrap();
    let rotated = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/workspace/webhooks/{id}/rotate-secret",
            phala.url
        ))
        .header("X-API-Key", &ws.api_key)
        .header("X-2FA-Code", phala.current_code(&ws).await.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), 200);
    let new = phala.deliver(id, "{}").await.unwrap();
    assert_ne!(
        old["headers"]["X-Webhook-Signature"],
        new["headers"]["X-Webhook-Signature"]
    );
    assert_eq!(phala.control().log().await.unwrap().len(), 1);
}

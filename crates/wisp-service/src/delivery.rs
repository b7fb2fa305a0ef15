//! A delivery, as wisp.place sends one, for the test control's "deliver now": the webhook record
//! is read from the user's PDS (`place.wisp.v2.wh`), the secret its `secretId` names is looked up
//! here, and a signed POST goes to its `url`. The real service delivers on repo events; tests
//! need a delivery at a moment they choose, signed exactly as a real one, with whatever secret
//! the record names *now* — which is what a staged rotation's switch changes.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::state::AppState;
use crate::{Error, signature};

const COLLECTION: &str = "place.wisp.v2.wh";
const USER_AGENT: &str = "wisp.place-webhook/2.0";

/// Delivers one test event for record `rkey` of `did`; reports what happened.
pub async fn deliver(state: &AppState, did: &str, rkey: &str) -> Result<Value, Error> {
    let resolver = state.verifier.resolver();
    let pds = resolver
        .pds_endpoint(did)
        .await
        .ok_or_else(|| Error::invalid(format!("no PDS found for {did}")))?;
    let bytes = resolver
        .http()
        .get(format!("{pds}/xrpc/com.atproto.repo.getRecord"))
        .query(&[("repo", did), ("collection", COLLECTION), ("rkey", rkey)])
        .send()
        .await
        .map_err(|e| Error::invalid(format!("reading the webhook record failed: {e}")))?
        .error_for_status()
        .map_err(|e| Error::invalid(format!("reading the webhook record failed: {e}")))?
        .bytes()
        .await
        .map_err(|e| Error::invalid(format!("reading the webhook record failed: {e}")))?;
    let record: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Error::invalid(format!("the webhook record is not JSON: {e}")))?;
    let value = &record["value"];
    let url = value["url"]
        .as_str()
        .ok_or_else(|| Error::invalid("the webhook record has no url"))?;
    let secret_id = value["secretId"].as_str();
    let token = match (secret_id, value["secret"].as_str()) {
        (Some(name), _) => {
            let envelope = state
                .store
                .lock()
                .await
                .get(did, name)
                .map(|s| s.token.clone());
            let Some(envelope) = envelope else {
                // What the real service records when the named secret is gone.
                return Ok(
                    json!({ "delivered": false, "reason": "secret_unavailable", "secretId": name }),
                );
            };
            let sealer = state.sealer.as_ref().ok_or(Error::EncryptionUnavailable)?;
            sealer.open(&envelope)?
        }
        (None, Some(inline)) => inline.to_owned(),
        (None, None) => {
            return Ok(json!({ "delivered": false, "reason": "secret_unavailable" }));
        }
    };
    let timestamp = service_kit::time::now_iso();
    let id_material = format!("{did}/{COLLECTION}/{rkey}/{timestamp}");
    let event_id = format!(
        "whe_v1_{}",
        signature::hex(&Sha256::digest(id_material.as_bytes()))
    );
    // Compact JSON with keys sorted (serde_json's map is ordered by key without preserve_order).
    let body = json!({
        "collection": COLLECTION,
        "did": did,
        "event": "update",
        "id": event_id,
        "rkey": rkey,
        "timestamp": timestamp,
    })
    .to_string();
    let idempotency = format!(
        "whd_v1_{}",
        signature::hex(&Sha256::digest(body.as_bytes()))
    );
    let response = resolver
        .http()
        .post(url)
        .header("content-type", "application/json")
        .header("user-agent", USER_AGENT)
        .header("idempotency-key", idempotency)
        .header(
            "x-webhook-signature",
            signature::sign(&token, body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .map_err(|e| Error::invalid(format!("the delivery to {url} failed: {e}")))?;
    Ok(json!({
        "delivered": true,
        "status": response.status().as_u16(),
        "secretId": secret_id,
        "url": url,
    }))
}

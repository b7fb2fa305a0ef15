//! Moving a webhook record from one secret to another (a staged rotation's switch step): the
//! user's own `place.wisp.v2.wh` record is re-read, only its `secretId` is changed, and it is
//! written back with `com.atproto.repo.putRecord` on the user's PDS (no proxy: the PDS owns the
//! repo), naming the CID just read as `swapRecord` so an edit made elsewhere in between is
//! refused by the PDS rather than overwritten. Needs the `repo:place.wisp.v2.wh` scope (or full
//! access); an old session without it gets `WebhookScopeNotGranted` ("sign in again").

use wispkey_atproto::http::HttpClient;
use wispkey_atproto::xrpc::{HttpMethod, XrpcRequest, XrpcResponse, XrpcTransport};
use wispkey_core::error::{Error, Result};

use crate::webhooks::{WEBHOOK_COLLECTION, get_record, webhook_rkey};

pub const PUT_RECORD: &str = "com.atproto.repo.putRecord";

pub async fn switch_webhook<T: XrpcTransport>(
    transport: &T,
    http: &HttpClient,
    pds: &str,
    uri: &str,
    from: &str,
    to: &str,
) -> Result<()> {
    let did = transport.did();
    let rkey = webhook_rkey(uri, did).ok_or_else(|| Error::InvalidRequest {
        message: format!("{uri} is not one of this account's webhook records"),
    })?;
    let Some(current) = get_record(http, pds, did, rkey).await? else {
        return Err(Error::WebhookChanged {
            url: uri.to_owned(),
        });
    };
    let url = current
        .value
        .get("url")
        .and_then(|url| url.as_str())
        .unwrap_or(uri)
        .to_owned();
    match current.value.get("secretId").and_then(|id| id.as_str()) {
        Some(named) if named == to => return Ok(()),
        Some(named) if named == from => {}
        _ => return Err(Error::WebhookChanged { url }),
    }
    let mut value = current.value;
    if let Some(object) = value.as_object_mut() {
        object.insert("secretId".to_owned(), serde_json::Value::from(to));
    }
    let body = serde_json::json!({
        "repo": did,
        "collection": WEBHOOK_COLLECTION,
        "rkey": rkey,
        "record": value,
        "swapRecord": current.cid,
    });
    let request = XrpcRequest {
        method: HttpMethod::Post,
        nsid: PUT_RECORD.to_owned(),
        query: Vec::new(),
        json_body: Some(body.to_string().into_bytes()),
        proxy: None,
    };
    let response = transport.send(request).await?;
    answer(&response, &url)
}

/// What the PDS's answer to a putRecord means.
fn answer(response: &XrpcResponse, url: &str) -> Result<()> {
    if (200..300).contains(&response.status) {
        return Ok(());
    }
    let body: serde_json::Value =
        serde_json::from_slice(&response.body).unwrap_or(serde_json::Value::Null);
    let error = body.get("error").and_then(|e| e.as_str()).unwrap_or("");
    let message = body
        .get("message")
        .and_then(|m| m.as_str())
        .unwrap_or("")
        .to_owned();
    Err(match (response.status, error) {
        (400, "InvalidSwap") => Error::WebhookChanged {
            url: url.to_owned(),
        },
        (403, _) | (401, "ScopeMissingError" | "InsufficientScope") => {
            Error::WebhookScopeNotGranted {
                detail: format!("{error}: {message}"),
            }
        }
        (401, _) => Error::SessionExpired {
            detail: format!("{error}: {message}"),
        },
        (429, _) => Error::RateLimited {
            retry_after_seconds: None,
        },
        (400, _) => Error::InvalidRequest {
            message: if message.is_empty() {
                error.to_owned()
            } else {
                message
            },
        },
        (status, _) => Error::UnexpectedResponse {
            status,
            detail: format!("writing a webhook record failed: {error} {message}"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wispkey_core::ErrorCode;

    fn response(status: u16, body: &str) -> XrpcResponse {
        XrpcResponse {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn code(status: u16, body: &str) -> Option<ErrorCode> {
        answer(&response(status, body), "https://a.example")
            .err()
            .map(|e| e.code())
    }

    #[test]
    fn the_pds_answers_map_to_what_the_user_can_do() {
        assert_eq!(code(200, r#"{"uri":"at://x","cid":"b"}"#), None);
        assert_eq!(
            code(
                400,
                r#"{"error":"InvalidSwap","message":"Record was at bafy"}"#
            ),
            Some(ErrorCode::WebhookChanged)
        );
        assert_eq!(
            code(
                403,
                r#"{"error":"ScopeMissingError","message":"Missing required scope"}"#
            ),
            Some(ErrorCode::ScopeNotGranted)
        );
        assert_eq!(
            code(401, r#"{"error":"InvalidToken"}"#),
            Some(ErrorCode::SessionExpired)
        );
        assert_eq!(
            code(400, r#"{"error":"RepoDeactivated"}"#),
            Some(ErrorCode::InvalidRequest)
        );
        assert_eq!(code(502, "<html>"), Some(ErrorCode::UnexpectedResponse));
    }
}

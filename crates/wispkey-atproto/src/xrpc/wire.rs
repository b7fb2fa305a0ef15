//! Turns an [`XrpcRequest`] into an HTTP request and an HTTP answer back into an
//! [`XrpcResponse`], for the transports in this folder.

use atrium_xrpc::HttpClient as _;
use atrium_xrpc::http;

use super::{HttpMethod, XrpcRequest, XrpcResponse};
use crate::http::{HttpClient, classify};
use wispkey_core::error::{Error, Result};

/// Sends `request` to `<base>/xrpc/<nsid>` with `Authorization: Bearer <bearer>`.
pub(super) async fn send(
    client: &HttpClient,
    base: &str,
    request: &XrpcRequest,
    bearer: &str,
) -> Result<XrpcResponse> {
    let mut url = format!("{}/xrpc/{}", base.trim_end_matches('/'), request.nsid);
    if !request.query.is_empty() {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&request.query)
            .finish();
        url.push('?');
        url.push_str(&query);
    }
    let mut builder = http::Request::builder()
        .method(match request.method {
            HttpMethod::Get => http::Method::GET,
            HttpMethod::Post => http::Method::POST,
        })
        .uri(url)
        .header(http::header::AUTHORIZATION, format!("Bearer {bearer}"));
    if let Some(proxy) = &request.proxy {
        builder = builder.header("atproto-proxy", proxy);
    }
    let body = match &request.json_body {
        Some(body) => {
            builder = builder.header(http::header::CONTENT_TYPE, "application/json");
            body.clone()
        }
        None => Vec::new(),
    };
    let http_request = builder.body(body).map_err(|error| Error::PdsUnreachable {
        detail: format!("could not build the request: {error}"),
    })?;
    let response = client
        .send_http(http_request)
        .await
        .map_err(|error| classify(&*error))?;
    Ok(XrpcResponse {
        status: response.status().as_u16(),
        headers: response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: response.into_body(),
    })
}

/// The XRPC `error` name of an answer, if its body is the usual `{error, message}`.
pub(super) fn error_name(response: &XrpcResponse) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Body {
        error: Option<String>,
    }
    serde_json::from_slice::<Body>(&response.body)
        .ok()
        .and_then(|body| body.error)
}

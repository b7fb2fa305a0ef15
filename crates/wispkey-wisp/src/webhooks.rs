//! Which webhooks depend on a secret, so rotate and delete can name what they break.
//!
//! Webhooks are `place.wisp.v2.wh` records in the user's own repo; a record whose `secretId` is a
//! secret's name is signed with that secret's current token. Records are public, so this reads
//! them with `com.atproto.repo.listRecords` from the PDS without any credential (the granular
//! OAuth scope does not cover repo reads, and none is needed).

use atrium_xrpc::HttpClient as _;
use atrium_xrpc::http::{Method, Request};
use serde::Deserialize;

use wispkey_atproto::http::{HttpClient, classify};
use wispkey_core::error::{Error, Result};
use wispkey_core::provider::Webhook;

pub const WEBHOOK_COLLECTION: &str = "place.wisp.v2.wh";
/// A repo with more webhooks than this is unusual; stop reading rather than page forever.
const MAX_PAGES: usize = 20;
const PAGE_SIZE: &str = "100";

/// One webhook record that uses the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUse {
    /// Where deliveries go.
    pub url: String,
    pub enabled: bool,
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    records: Vec<Record>,
    cursor: Option<String>,
}

#[derive(Deserialize)]
struct Record {
    #[serde(default)]
    uri: String,
    value: serde_json::Value,
}

/// Every webhook record in `did`'s repo that names a secret (`secretId`), read fresh.
pub async fn all_webhooks(http: &HttpClient, pds: &str, did: &str) -> Result<Vec<Webhook>> {
    let mut found = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = fetch_page(http, pds, did, cursor.as_deref()).await?;
        found.extend(page.records.iter().filter_map(|record| {
            let secret_id = record.value.get("secretId")?.as_str()?.to_owned();
            Some(Webhook {
                id: record.uri.clone(),
                url: record.value.get("url")?.as_str()?.to_owned(),
                enabled: record
                    .value
                    .get("enabled")
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(true),
                secret_id: Some(secret_id),
            })
        }));
        match page.cursor {
            Some(next) if !next.is_empty() && !page.records.is_empty() => cursor = Some(next),
            _ => break,
        }
    }
    Ok(found)
}

/// The webhooks in `did`'s repo on `pds` whose `secretId` is `name`.
pub async fn webhooks_using(
    http: &HttpClient,
    pds: &str,
    did: &str,
    name: &str,
) -> Result<Vec<WebhookUse>> {
    let mut uses = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = fetch_page(http, pds, did, cursor.as_deref()).await?;
        uses.extend(
            page.records
                .iter()
                .filter_map(|record| use_of(&record.value, name)),
        );
        match page.cursor {
            Some(next) if !next.is_empty() && !page.records.is_empty() => cursor = Some(next),
            _ => break,
        }
    }
    Ok(uses)
}

fn use_of(record: &serde_json::Value, name: &str) -> Option<WebhookUse> {
    if record.get("secretId")?.as_str()? != name {
        return None;
    }
    Some(WebhookUse {
        url: record.get("url")?.as_str()?.to_owned(),
        // The lexicon's default: a record without `enabled` delivers.
        enabled: record
            .get("enabled")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(true),
    })
}

fn pds_url(pds: &str, nsid: &str) -> Result<url::Url> {
    url::Url::parse(pds)
        .and_then(|base| base.join(&format!("/xrpc/{nsid}")))
        .map_err(|error| Error::PdsUnreachable {
            detail: format!("the PDS address {pds:?} is not a URL: {error}"),
        })
}

async fn fetch_page(http: &HttpClient, pds: &str, did: &str, cursor: Option<&str>) -> Result<Page> {
    let mut url = pds_url(pds, "com.atproto.repo.listRecords")?;
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("repo", did);
        query.append_pair("collection", WEBHOOK_COLLECTION);
        query.append_pair("limit", PAGE_SIZE);
        if let Some(cursor) = cursor {
            query.append_pair("cursor", cursor);
        }
    }
    let request = Request::builder()
        .method(Method::GET)
        .uri(url.as_str())
        .body(Vec::new())
        .map_err(|error| Error::PdsUnreachable {
            detail: format!("could not build the request: {error}"),
        })?;
    let response = http
        .send_http(request)
        .await
        .map_err(|error| classify(error.as_ref()))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(Error::UnexpectedResponse {
            status,
            detail: "listing webhook records failed".to_owned(),
        });
    }
    serde_json::from_slice(response.body()).map_err(|error| Error::UnexpectedResponse {
        status,
        detail: format!("the webhook record list was not understood: {error}"),
    })
}

/// One record as it is now: its value and the CID a swap must name.
pub struct CurrentRecord {
    pub value: serde_json::Value,
    pub cid: String,
}

/// The parts of an `at://did/collection/rkey` URI, if it is one of `did`'s webhook records.
pub fn webhook_rkey<'a>(uri: &'a str, did: &str) -> Option<&'a str> {
    let rest = uri.strip_prefix("at://")?.strip_prefix(did)?;
    let rkey = rest
        .strip_prefix('/')?
        .strip_prefix(WEBHOOK_COLLECTION)?
        .strip_prefix('/')?;
    (!rkey.is_empty() && !rkey.contains('/')).then_some(rkey)
}

/// Reads one webhook record (public), or `None` when it no longer exists.
pub async fn get_record(
    http: &HttpClient,
    pds: &str,
    did: &str,
    rkey: &str,
) -> Result<Option<CurrentRecord>> {
    let mut url = pds_url(pds, "com.atproto.repo.getRecord")?;
    url.query_pairs_mut()
        .append_pair("repo", did)
        .append_pair("collection", WEBHOOK_COLLECTION)
        .append_pair("rkey", rkey);
    let request = Request::builder()
        .method(Method::GET)
        .uri(url.as_str())
        .body(Vec::new())
        .map_err(|error| Error::PdsUnreachable {
            detail: format!("could not build the request: {error}"),
        })?;
    let response = http
        .send_http(request)
        .await
        .map_err(|error| classify(error.as_ref()))?;
    let status = response.status().as_u16();
    let body: serde_json::Value =
        serde_json::from_slice(response.body()).unwrap_or(serde_json::Value::Null);
    if status == 400 && body.get("error").and_then(|e| e.as_str()) == Some("RecordNotFound") {
        return Ok(None);
    }
    if status != 200 {
        return Err(Error::UnexpectedResponse {
            status,
            detail: "reading a webhook record failed".to_owned(),
        });
    }
    let (Some(value), Some(cid)) = (
        body.get("value").cloned(),
        body.get("cid").and_then(|cid| cid.as_str()),
    ) else {
        return Err(Error::UnexpectedResponse {
            status,
            detail: "the webhook record came without its value or CID".to_owned(),
        });
    };
    Ok(Some(CurrentRecord {
        value,
        cid: cid.to_owned(),
    }))
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_record_naming_the_secret_is_a_use() {
        let record =
            json!({ "url": "https://example.com/hook", "secretId": "deploy", "enabled": false });
        assert_eq!(
            use_of(&record, "deploy"),
            Some(WebhookUse {
                url: "https://example.com/hook".into(),
                enabled: false
            })
        );
    }

    #[test]
    fn records_for_other_secrets_or_inline_secrets_are_not_uses() {
        assert_eq!(
            use_of(
                &json!({ "url": "https://a", "secretId": "other" }),
                "deploy"
            ),
            None
        );
        assert_eq!(
            use_of(&json!({ "url": "https://a", "secret": "inline" }), "deploy"),
            None
        );
    }

    #[test]
    fn only_the_accounts_own_webhook_uris_give_an_rkey() {
        let did = "did:plc:abc";
        assert_eq!(
            webhook_rkey("at://did:plc:abc/place.wisp.v2.wh/3kx", did),
            Some("3kx")
        );
        assert_eq!(
            webhook_rkey("at://did:plc:other/place.wisp.v2.wh/3kx", did),
            None
        );
        assert_eq!(
            webhook_rkey("at://did:plc:abc/app.bsky.feed.post/3kx", did),
            None
        );
        assert_eq!(
            webhook_rkey("at://did:plc:abc/place.wisp.v2.wh/", did),
            None
        );
    }

    #[test]
    fn a_record_without_enabled_counts_as_enabled() {
        let record = json!({ "url": "https://a", "secretId": "deploy" });
        assert!(use_of(&record, "deploy").is_some_and(|found| found.enabled));
    }
}

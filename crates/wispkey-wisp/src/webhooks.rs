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
    value: serde_json::Value,
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

async fn fetch_page(http: &HttpClient, pds: &str, did: &str, cursor: Option<&str>) -> Result<Page> {
    let mut url = url::Url::parse(pds)
        .and_then(|base| base.join("/xrpc/com.atproto.repo.listRecords"))
        .map_err(|error| Error::PdsUnreachable {
            detail: format!("the PDS address {pds:?} is not a URL: {error}"),
        })?;
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
    fn a_record_without_enabled_counts_as_enabled() {
        let record = json!({ "url": "https://a", "secretId": "deploy" });
        assert!(use_of(&record, "deploy").is_some_and(|found| found.enabled));
    }
}

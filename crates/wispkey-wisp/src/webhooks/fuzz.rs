//! Fuzz target for the webhook records read from the user's repository (any JSON can be there).

use super::*;

#[test]
fn fuzz_webhook_records_never_panic_and_a_use_names_the_secret() {
    wispkey_fuzz_kit::run("wisp-webhook-record", |bytes| {
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
            return;
        };
        if let Some(found) = use_of(&value, "deploy-hook") {
            assert_eq!(value["secretId"], "deploy-hook");
            assert_eq!(value["url"], found.url.as_str());
        }
        if let Ok(page) = serde_json::from_slice::<Page>(bytes) {
            for record in &page.records {
                let _ = use_of(&record.value, "deploy-hook");
            }
        }
    });
}

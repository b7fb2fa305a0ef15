//! Fuzz targets for identity resolution: what the user types, DNS TXT records, handle
//! resolution answers, DID documents (from the PLC directory or any did:web host) and the
//! authorization server's metadata. All of it is outside input.

use super::*;

#[test]
fn fuzz_typed_handles_and_dids_never_panic_and_normalizing_is_idempotent() {
    wispkey_fuzz_kit::run("handle-input", |bytes| {
        let input = String::from_utf8_lossy(bytes);
        if let Ok(normalized) = normalize_input(&input) {
            assert_eq!(
                normalize_input(&normalized).ok().as_ref(),
                Some(&normalized)
            );
            assert!(!normalized.is_empty());
            if normalized.starts_with("did:") {
                let _ = did_document_url(&normalized, DEFAULT_PLC_DIRECTORY);
            }
        }
    });
}

#[test]
fn fuzz_txt_records_never_panic_and_yield_a_did_only_when_they_agree() {
    wispkey_fuzz_kit::run("handle-txt-records", |bytes| {
        let records: Vec<String> = String::from_utf8_lossy(bytes)
            .lines()
            .map(str::to_owned)
            .collect();
        if let Some(did) = did_from_txt_records(&records) {
            assert!(
                records
                    .iter()
                    .any(|record| record.strip_prefix("did=").map(str::trim) == Some(&did))
            );
        }
    });
}

#[test]
fn fuzz_handle_resolution_answers_never_panic() {
    #[derive(serde::Deserialize)]
    struct Output {
        #[allow(dead_code)]
        did: String,
    }
    wispkey_fuzz_kit::run("handle-resolve-answer", |bytes| {
        // com.atproto.identity.resolveHandle's JSON, or /.well-known/atproto-did's text.
        let _ = serde_json::from_slice::<Output>(bytes);
        let text = String::from_utf8_lossy(bytes);
        let did = text.trim();
        if did.starts_with("did:") && did.parse::<Did>().is_ok() {
            let _ = did_document_url(did, DEFAULT_PLC_DIRECTORY);
        }
    });
}

#[test]
fn fuzz_did_documents_never_panic() {
    wispkey_fuzz_kit::run("did-document", |bytes| {
        let Ok(document) = serde_json::from_slice::<DidDocument>(bytes) else {
            return;
        };
        let _ = check_also_known_as(&document, "alice.test");
        if let Some(handle) = claimed_handle(&document) {
            assert_eq!(handle, handle.to_ascii_lowercase());
        }
        let _ = pds_of(&document);
        let _ = did_document_url(&document.id, DEFAULT_PLC_DIRECTORY);
    });
}

#[test]
fn fuzz_authorization_server_metadata_never_panics() {
    wispkey_fuzz_kit::run("oauth-server-metadata", |bytes| {
        if let Ok(metadata) = serde_json::from_slice::<AuthServerMetadata>(bytes)
            && let Err(error) = metadata.check_profile()
        {
            assert!(error.to_string().ends_with('.'));
        }
        let _ = serde_json::from_slice::<ProtectedResourceMetadata>(bytes);
    });
}

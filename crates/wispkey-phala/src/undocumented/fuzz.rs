//! Fuzz targets for the shapes of Phala answers Wispkey has to assume (list, rotate).

use super::*;

#[test]
fn fuzz_list_answers_never_panic() {
    wispkey_fuzz_kit::run("phala-list-answer", |body| {
        let _ = parse_list(body);
    });
}

#[test]
fn fuzz_rotate_answers_never_panic_and_a_found_secret_is_never_blank() {
    wispkey_fuzz_kit::run("phala-rotate-answer", |body| {
        let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        if let Some(secret) = rotated_secret(&value) {
            assert!(!secret.expose().trim().is_empty());
        }
        let _ = rotated_at(&value);
    });
}

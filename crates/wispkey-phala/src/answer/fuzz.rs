//! Fuzz target for Phala Cloud's error answers: never a panic, never a failure read as a
//! success, and the API key never comes back in a message, whatever the server echoes.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::*;

const KEY: &str = "phak_secret_key_echoed";

#[test]
fn fuzz_error_answers_never_panic_and_never_carry_the_api_key() {
    wispkey_fuzz_kit::run("phala-error-answer", |bytes| {
        let parsed = wispkey_fuzz_kit::http_answer(bytes);
        let mut headers = HeaderMap::new();
        for (name, value) in &parsed.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.append(name, value);
            }
        }
        let key = SecretString::new(KEY);
        for operation in Operation::ALL {
            for code_sent in [false, true] {
                let asked = Asked {
                    operation,
                    name: "https://hooks.example/a",
                    api_key: &key,
                    code_sent,
                };
                let answer = Answer {
                    status: parsed.status,
                    headers: headers.clone(),
                    body: parsed.body.clone(),
                };
                let success = (200..300).contains(&parsed.status);
                match interpret(&asked, Ok(answer)) {
                    Ok(_) => assert!(success, "status {}", parsed.status),
                    Err(error) => {
                        assert!(!success, "status {}", parsed.status);
                        let shown = format!("{error} {error:?}");
                        assert!(!shown.contains(KEY), "{shown}");
                    }
                }
            }
        }
    });
}

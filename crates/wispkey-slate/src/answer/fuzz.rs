//! Fuzz target for Slate's error answers (FastAPI `detail` sentences and 422 lists, any status
//! and headers): never a panic, never a failure read as a success, a failed rotate that may
//! have happened always an unknown outcome, and nothing the server wrote reaches a message with
//! a control character in it.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::*;

#[test]
fn fuzz_error_answers_never_panic_and_never_read_a_failure_as_a_success() {
    wispkey_fuzz_kit::run("slate-error-answer", |bytes| {
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
        let success = (200..300).contains(&parsed.status);
        for operation in [Operation::List, Operation::Rotate] {
            for api_token in [false, true] {
                let asked = Asked {
                    operation,
                    name: "Order router",
                    api_token,
                };
                let answer = Answer {
                    status: parsed.status,
                    headers: headers.clone(),
                    body: parsed.body.clone(),
                };
                match interpret(&asked, Ok(answer)) {
                    Ok(_) => assert!(success, "status {} read as a success", parsed.status),
                    Err(error) => {
                        assert!(!success, "status {} read as a failure", parsed.status);
                        let shown = error.to_string();
                        assert!(
                            !shown.chars().any(char::is_control),
                            "a control character reached the message: {shown:?}"
                        );
                        if operation == Operation::Rotate
                            && parsed.status >= 500
                            && parsed.status != 503
                        {
                            assert_eq!(error.code().as_str(), "outcome_unknown", "{shown}");
                        }
                    }
                }
            }
        }
    });
}

//! Fuzz target for wisp.place's (and the PDS proxy's) error answers.

use super::*;

#[test]
fn fuzz_error_answers_never_panic_and_never_read_a_failure_as_success() {
    wispkey_fuzz_kit::run("wisp-error-answer", |bytes| {
        let answer = wispkey_fuzz_kit::http_answer(bytes);
        for operation in Operation::ALL {
            let response = XrpcResponse {
                status: answer.status,
                headers: answer.headers.clone(),
                body: answer.body.clone(),
            };
            let outcome = interpret(operation, "deploy-hook", Ok(response));
            let success = (200..300).contains(&answer.status);
            assert_eq!(outcome.is_ok(), success, "status {}", answer.status);
            if let Err(error) = outcome {
                // Every error reads as a sentence.
                assert!(error.to_string().len() > 10);
            }
        }
    });
}

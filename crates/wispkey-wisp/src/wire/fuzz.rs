//! Fuzz targets for wisp.place's success answers (see `wispkey-fuzz-kit`).

use super::*;

#[test]
fn fuzz_list_answers_never_panic_and_every_row_is_named() {
    wispkey_fuzz_kit::run("wisp-list-answer", |body| {
        if let Ok(rows) = parse_list(200, body) {
            for row in rows {
                // The name is the id on wisp.place: a row that split them would rotate another.
                assert_eq!(row.id, row.name);
            }
        }
    });
}

#[test]
fn fuzz_issued_answers_never_panic_and_never_accept_another_secret_or_no_token() {
    wispkey_fuzz_kit::run("wisp-issued-answer", |body| {
        for operation in [Operation::Create, Operation::Rotate] {
            match parse_issued(operation, "deploy-hook", body) {
                Ok(issued) => {
                    assert_eq!(issued.name, "deploy-hook");
                    assert!(!issued.token.is_empty());
                }
                // Once the server answered 2xx the change happened: any failure to read the
                // answer is an unknown outcome, never a plain error the user could retry.
                Err(error) => assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}"),
            }
        }
    });
}

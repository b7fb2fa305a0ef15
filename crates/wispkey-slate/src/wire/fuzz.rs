//! Fuzz targets for Slate's documented answer shapes: the list of API tokens, the rotate answer
//! (`TokenWithSecretResponse`) and the sign-in / refresh token pair.

use super::*;

#[test]
fn fuzz_list_answers_never_panic_and_every_token_shows_its_facts() {
    wispkey_fuzz_kit::run("slate-list-answer", |body| {
        if let Ok(tokens) = parse_list(body) {
            for token in &tokens {
                let facts = crate::facts(token);
                assert!(
                    facts.iter().any(|fact| fact.value == token.masked()),
                    "the row does not show which token it is"
                );
            }
        }
    });
}

#[test]
fn fuzz_rotate_answers_never_panic_keep_no_blank_secret_and_never_print_one() {
    wispkey_fuzz_kit::run("slate-rotate-answer", |body| {
        match parse_rotated(body) {
            Ok(rotated) => {
                if let Some(secret) = &rotated.webhook_secret {
                    assert!(
                        !secret.expose().trim().is_empty(),
                        "a blank secret was kept"
                    );
                }
                let printed = format!("{rotated:?}");
                for value in std::iter::once(&rotated.token).chain(&rotated.webhook_secret) {
                    let value = value.expose();
                    // Short values can match the id or the name by chance.
                    if value.len() >= 12 {
                        assert!(
                            !printed.contains(value),
                            "Debug printed a secret: {printed}"
                        );
                    }
                }
                // Whatever the answer's token looks like, deciding whether it is new must not
                // panic (it slices characters, not bytes).
                let _ = crate::undocumented::token_is_new(
                    rotated.token.expose(),
                    rotated.token_last4.as_deref(),
                );
                let _ = crate::undocumented::token_is_new(rotated.token.expose(), None);
            }
            Err(message) => {
                let text = String::from_utf8_lossy(body);
                assert!(
                    text.len() < 12 || !message.contains(text.as_ref()),
                    "the error quotes the answer: {message}"
                );
            }
        }
    });
}

#[test]
fn fuzz_token_pair_answers_never_panic_and_never_quote_the_answer() {
    wispkey_fuzz_kit::run("slate-token-pair", |body| {
        if let Err(message) = parse_pair(body) {
            assert_eq!(
                message, "the answer carries no access_token and refresh_token",
                "the error must not carry the answer (tokens travel in it)"
            );
        }
    });
}

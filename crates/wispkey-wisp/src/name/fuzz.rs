//! Fuzz target for secret names typed by the user or listed by the server.

use super::*;

#[test]
fn fuzz_names_never_panic_and_an_accepted_name_follows_the_rule_and_parses_back() {
    wispkey_fuzz_kit::run("wisp-secret-name", |bytes| {
        let input = String::from_utf8_lossy(bytes);
        match SecretName::parse(&input) {
            Ok(name) => {
                let text = name.as_str();
                assert_eq!(text, input, "a name is never silently changed");
                assert!((1..=MAX_LEN).contains(&text.len()));
                assert!(!RESERVED.contains(&text));
                assert!(
                    text.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
                );
                assert_eq!(
                    SecretName::parse(text).as_ref().map(SecretName::as_str),
                    Ok(text)
                );
            }
            Err(problem) => assert!(problem.to_string().ends_with('.'), "{problem}"),
        }
    });
}

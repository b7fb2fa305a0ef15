//! Input rules shared by the XRPC handlers (wisp-api.md, "Secret names").

/// `^[A-Za-z0-9._-]{1,64}$`, not trimmed, and not `.` or `..` (the
/// record-key format the lexicon declares forbids those two).
pub fn is_valid_secret_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && name != "."
        && name != ".."
}

/// A caller-supplied signing token: `^[\x21-\x7E]{32,256}$`.
pub fn is_valid_caller_token(token: &str) -> bool {
    (32..=256).contains(&token.len()) && token.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_names_from_the_server_alphabet() {
        for name in ["a", "deploy-hook", "A.b_c-1", "...", &"x".repeat(64)] {
            assert!(is_valid_secret_name(name), "{name}");
        }
    }

    #[test]
    fn rejects_dot_names_empty_long_and_untrimmed_names() {
        for name in [
            ".",
            "..",
            "",
            " deploy",
            "deploy ",
            "a/b",
            "a:b",
            "é",
            &"x".repeat(65),
        ] {
            assert!(!is_valid_secret_name(name), "{name:?}");
        }
    }

    #[test]
    fn caller_tokens_must_be_32_to_256_printable_ascii() {
        assert!(is_valid_caller_token(&"!".repeat(32)));
        assert!(is_valid_caller_token(&"~".repeat(256)));
        assert!(!is_valid_caller_token(&"a".repeat(31)));
        assert!(!is_valid_caller_token(&"a".repeat(257)));
        assert!(!is_valid_caller_token(&format!("{} ", "a".repeat(40))));
        assert!(!is_valid_caller_token(&format!("{}\u{e9}", "a".repeat(40))));
    }
}

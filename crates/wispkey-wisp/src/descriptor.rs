//! How wisp.place describes itself to the window and the CLI (see
//! `wispkey_core::provider::ProviderDescriptor`): OAuth sign-in on the user's own PDS, all four
//! operations, secrets identified by their names, and the server's name rule in words.

use wispkey_core::Operation;
use wispkey_core::provider::{
    NameReasons, NameRule, ProviderDescriptor, ProviderWords, SecretIdentity, SignInMethod,
};

use crate::name::{ALLOWED_CHARACTERS, MAX_LEN, RESERVED};

/// Part of every wisp account's reference and keychain item: never rename.
pub const PROVIDER_ID: &str = "wisp";

pub fn descriptor() -> ProviderDescriptor {
    ProviderDescriptor {
        id: PROVIDER_ID.to_owned(),
        label: "wisp.place".to_owned(),
        sign_in: SignInMethod::OAuth {
            identity_label: "Handle or DID".to_owned(),
            identity_placeholder: "alice.bsky.social".to_owned(),
            identity_help: "Your handle or DID on your own PDS.".to_owned(),
            waiting: "Finish signing in on your PDS's page in your browser…".to_owned(),
            offers_full_access: true,
        },
        operations: Operation::ALL.to_vec(),
        secret_id: SecretIdentity {
            label: "Name".to_owned(),
            id_is_name: true,
        },
        name_rule: Some(NameRule {
            max_length: MAX_LEN as u32,
            allowed_characters: ALLOWED_CHARACTERS.to_owned(),
            reserved: RESERVED.iter().map(|name| (*name).to_owned()).collect(),
            help: format!(
                "Letters A–Z, digits, dot (.), dash (-) and underscore (_); up to {MAX_LEN}."
            ),
            reasons: NameReasons {
                empty: "Type a name.".to_owned(),
                reserved: "“{name}” is reserved. Add letters or digits.".to_owned(),
                characters_allowed:
                    "not allowed: use letters A–Z, digits, dot (.), dash (-) or underscore (_)."
                        .to_owned(),
                too_long: "Too long: {length} characters, the limit is {max}.".to_owned(),
            },
        }),
        second_factor: None,
        // Webhooks are records in the user's repo naming a secret: switchable one by one.
        staged_rotation: true,
        reports_rotation_time: true,
        words: ProviderWords {
            list_intro: "A signing secret lets your webhook receiver check that a request \
                         really came from wisp.place."
                .to_owned(),
            create_intro: "A new webhook signing secret on wisp.place. Its token is saved in \
                           this computer’s keychain and then shown once."
                .to_owned(),
            delete_consequence: "is deleted on wisp.place and its token stops working \
                                 immediately."
                .to_owned(),
            forget_consequence: "Its token is removed from this computer’s keychain. The \
                                 secret stays on wisp.place and the token keeps working \
                                 wherever you pasted it; Wispkey just cannot copy it for you \
                                 any more (rotating gives you a new one)."
                .to_owned(),
            value_noun: "token".to_owned(),
            rotate_warning: "The current token stops working immediately.".to_owned(),
            dependents_noun: Some("webhooks".to_owned()),
        },
        delivery_signature: Some(wispkey_core::signature::SignatureScheme::WispPlace),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::SecretName;

    /// Expands a character class body like `A-Za-z0-9._-` (ranges and literals; a `-` at the
    /// end is literal), the way a regular-expression engine reads it.
    fn expand(class: &str) -> Vec<char> {
        let chars: Vec<char> = class.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if i + 2 < chars.len() && chars[i + 1] == '-' {
                out.extend(chars[i]..=chars[i + 2]);
                i += 3;
            } else {
                out.push(chars[i]);
                i += 1;
            }
        }
        out
    }

    #[test]
    fn the_published_rule_accepts_exactly_what_the_provider_accepts() {
        let rule = descriptor().name_rule.unwrap();
        let allowed = expand(&rule.allowed_characters);
        for code in 0u8..=127 {
            let c = char::from(code);
            let single = c.to_string();
            if rule.reserved.contains(&single) {
                continue;
            }
            assert_eq!(
                SecretName::parse(&single).is_ok(),
                allowed.contains(&c),
                "{c:?}"
            );
        }
        for reserved in &rule.reserved {
            assert!(SecretName::parse(reserved).is_err(), "{reserved}");
        }
        let longest = "a".repeat(rule.max_length as usize);
        assert!(SecretName::parse(&longest).is_ok());
        assert!(SecretName::parse(&format!("{longest}a")).is_err());
    }

    #[test]
    fn every_sentence_ends_as_a_sentence() {
        let d = descriptor();
        let rule = d.name_rule.unwrap();
        for text in [
            rule.help,
            rule.reasons.empty,
            rule.reasons.reserved,
            rule.reasons.characters_allowed,
            rule.reasons.too_long,
            d.words.list_intro,
            d.words.create_intro,
            d.words.delete_consequence,
            d.words.forget_consequence,
        ] {
            assert!(text.ends_with('.'), "{text}");
        }
    }
}

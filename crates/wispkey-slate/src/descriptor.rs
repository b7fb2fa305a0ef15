//! How Slate describes itself to the window and the CLI: a server address with an email and a
//! password (and a TOTP code when the server asks), or an API token pasted instead; list and
//! rotate of the API tokens' webhook secrets; tokens identified by their numeric id (names are
//! not unique).

use wispkey_core::Operation;
use wispkey_core::provider::{
    CredentialFields, ProviderDescriptor, ProviderWords, SecondFactor, SecretIdentity, SignInMethod,
};

/// Part of every Slate account's reference and keychain item: never rename.
pub const PROVIDER_ID: &str = "slate";
pub const PROVIDER_LABEL: &str = "Slate";

/// `default_server`: what the address field starts with (the `slateApiUrl` setting).
pub fn descriptor(default_server: &str) -> ProviderDescriptor {
    ProviderDescriptor {
        id: PROVIDER_ID.to_owned(),
        label: PROVIDER_LABEL.to_owned(),
        sign_in: SignInMethod::Credentials {
            fields: CredentialFields {
                server_label: "Server address".to_owned(),
                default_server: default_server.to_owned(),
                server_help: "Your broker's Slate API, for example \
                          https://api.broker.slate-labs.com."
                    .to_owned(),
                token_label: Some("API token".to_owned()),
            },
        },
        operations: vec![Operation::List, Operation::Rotate],
        secret_id: SecretIdentity {
            label: "Token id".to_owned(),
            id_is_name: false,
        },
        name_rule: None,
        delivery_signature: Some(crate::undocumented::DELIVERY_SIGNATURE),
        second_factor: Some(SecondFactor {
            label: "Authenticator code".to_owned(),
            help: "The 6-digit code from your authenticator app.".to_owned(),
            digits: 6,
        }),
        // A token's webhook secret is its own: there is no second secret to switch it to.
        staged_rotation: false,
        // A token in the list has `created_at` and `last_used_at`, nothing about its secret.
        reports_rotation_time: false,
        words: ProviderWords {
            list_intro: "Each Slate API token can send webhooks, signed with its own webhook \
                         secret so your receiver can check that a delivery really came from \
                         Slate."
                .to_owned(),
            create_intro: "API tokens are created in Slate's dashboard; Wispkey lists them and \
                           rotates their webhook secrets."
                .to_owned(),
            delete_consequence: "is revoked in Slate's dashboard, not here.".to_owned(),
            forget_consequence: "Its webhook secret is removed from this computer’s keychain. \
                                 Slate keeps signing with it and it keeps working wherever you \
                                 pasted it; Wispkey just cannot copy it for you any more \
                                 (rotating gives you a new one)."
                .to_owned(),
            value_noun: "webhook secret".to_owned(),
            rotate_warning: "The current webhook secret stops working immediately.".to_owned(),
            dependents_noun: Some("webhooks".to_owned()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slate_signs_in_with_a_server_and_lists_and_rotates_by_id() {
        let d = descriptor("https://api.broker.slate-labs.com");
        assert_eq!(d.id, "slate");
        assert!(d.supports(Operation::List) && d.supports(Operation::Rotate));
        assert!(!d.supports(Operation::Create) && !d.supports(Operation::Delete));
        assert!(!d.secret_id.id_is_name, "names are not unique");
        let SignInMethod::Credentials { fields } = &d.sign_in else {
            panic!("not a credentials sign-in");
        };
        assert_eq!(fields.default_server, "https://api.broker.slate-labs.com");
        assert!(fields.token_label.is_some());
    }

    #[test]
    fn every_sentence_ends_as_a_sentence_and_names_no_other_provider() {
        let d = descriptor("");
        for text in [
            d.words.list_intro,
            d.words.create_intro,
            d.words.delete_consequence,
            d.words.forget_consequence,
        ] {
            assert!(text.ends_with('.'), "{text}");
            assert!(!text.contains("wisp") && !text.contains("Phala"), "{text}");
        }
    }
}

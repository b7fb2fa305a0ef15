//! How Phala Cloud describes itself to the window and the CLI: an API key pasted by the user,
//! list and rotate (Phala's API creates and deletes webhooks, not bare secrets), webhooks
//! identified by id and read by their URL, and a two-factor code on rotate.

use wispkey_core::Operation;
use wispkey_core::provider::{
    ProviderDescriptor, ProviderWords, SecondFactor, SecretIdentity, SignInMethod,
};

/// Part of every Phala account's reference and keychain item: never rename.
pub const PROVIDER_ID: &str = "phala";
pub const PROVIDER_LABEL: &str = "Phala Cloud";

pub fn descriptor() -> ProviderDescriptor {
    ProviderDescriptor {
        id: PROVIDER_ID.to_owned(),
        label: PROVIDER_LABEL.to_owned(),
        sign_in: SignInMethod::ApiKey {
            key_label: "API key".to_owned(),
        },
        operations: vec![Operation::List, Operation::Rotate],
        secret_id: SecretIdentity {
            label: "Webhook id".to_owned(),
            id_is_name: false,
        },
        name_rule: None,
        second_factor: Some(SecondFactor {
            label: "Two-factor code".to_owned(),
            help: "The 6-digit code from your authenticator app.".to_owned(),
            digits: 6,
        }),
        // A Phala webhook's secret is its own: there is no second secret to switch it to.
        staged_rotation: false,
        // Undocumented, but its answers carry the time when they have one (`undocumented.rs`).
        reports_rotation_time: true,
        words: ProviderWords {
            list_intro: "Each webhook of your Phala Cloud workspace signs its deliveries with \
                         a secret, so your receiver can check that a request really came from \
                         Phala Cloud."
                .to_owned(),
            create_intro: "Webhooks and their secrets are created in Phala Cloud's dashboard; \
                           Wispkey lists and rotates them."
                .to_owned(),
            delete_consequence: "is deleted in Phala Cloud's dashboard, not here.".to_owned(),
            forget_consequence: "Its secret is removed from this computer’s keychain. The \
                                 webhook keeps signing with it and it keeps working wherever \
                                 you pasted it; Wispkey just cannot copy it for you any more \
                                 (rotating gives you a new one)."
                .to_owned(),
            value_noun: "webhook secret".to_owned(),
            rotate_warning: "The current webhook secret stops working immediately.".to_owned(),
            dependents_noun: Some("webhooks".to_owned()),
        },
        delivery_signature: Some(wispkey_core::signature::SignatureScheme::PhalaCloud),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phala_offers_list_and_rotate_with_a_six_digit_second_factor() {
        let d = descriptor();
        assert_eq!(d.id, "phala");
        assert!(d.supports(Operation::List) && d.supports(Operation::Rotate));
        assert!(!d.supports(Operation::Create) && !d.supports(Operation::Delete));
        assert_eq!(d.second_factor.map(|f| f.digits), Some(6));
        assert!(!d.secret_id.id_is_name);
        assert!(d.name_rule.is_none());
    }

    #[test]
    fn every_sentence_ends_as_a_sentence_and_names_no_other_provider() {
        let d = descriptor();
        for text in [
            d.words.list_intro,
            d.words.create_intro,
            d.words.delete_consequence,
            d.words.forget_consequence,
        ] {
            assert!(text.ends_with('.'), "{text}");
            assert!(!text.contains("wisp"), "{text}");
        }
    }
}

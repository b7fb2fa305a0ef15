//! The one rule for a Slate server address the user types: https, or plain http to this machine
//! (the local service). Kept in one function so it can move to a rule shared by every provider.

use url::Url;

use wispkey_core::error::{Error, Result};

/// A usable base URL, ending in `/` so the API's paths join below any prefix it carries.
pub fn checked_base_url(text: &str) -> Result<Url> {
    let text = text.trim();
    let invalid = |reason: String| Error::ServerAddressInvalid { reason };
    if text.is_empty() {
        return Err(invalid(
            "Type your Slate server's address (for example https://api.broker.slate-labs.com)."
                .into(),
        ));
    }
    let mut url = Url::parse(text).map_err(|_| {
        invalid(format!(
            "\"{text}\" is not a web address. Type it with https:// in front (for example \
             https://api.broker.slate-labs.com)."
        ))
    })?;
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => {
            return Err(invalid(format!(
                "\"{text}\" names no server. Type your Slate server's https:// address."
            )));
        }
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(invalid(format!(
                "\"{text}\" is not an https:// address. Wispkey sends your password and tokens \
                 only over https (plain http only to this computer)."
            )));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "A server address must not carry a user name or password. Remove them and type \
             them in their own fields."
                .into(),
        ));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_http_to_this_machine_are_accepted() {
        assert_eq!(
            checked_base_url(" https://api.broker.slate-labs.com ")
                .unwrap()
                .as_str(),
            "https://api.broker.slate-labs.com/"
        );
        for local in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:1",
        ] {
            assert!(checked_base_url(local).is_ok(), "{local}");
        }
    }

    #[test]
    fn a_prefix_in_the_base_url_is_kept_for_every_path() {
        let base = checked_base_url("https://gw.example/slate").unwrap();
        assert_eq!(
            base.join("api-tokens").unwrap().as_str(),
            "https://gw.example/slate/api-tokens"
        );
    }

    #[test]
    fn plain_http_elsewhere_and_nonsense_each_get_a_sentence() {
        for bad in [
            "",
            "http://api.broker.slate-labs.com",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "api.broker.slate-labs.com",
            "https://user:pw@api.broker.slate-labs.com",
        ] {
            let error = checked_base_url(bad).unwrap_err();
            assert_eq!(error.code().as_str(), "server_address_invalid", "{bad}");
            let sentence = error.to_string();
            assert!(sentence.ends_with('.'), "{sentence}");
            assert!(!sentence.contains("pw@"), "{sentence}");
        }
        assert!(
            checked_base_url("http://api.example")
                .unwrap_err()
                .to_string()
                .contains("https")
        );
    }
}

//! Fuzz target for the server address the user types: never a panic, and an accepted address
//! is https (or plain http to this machine), carries no user name, password, query or fragment,
//! ends in `/`, and is accepted again unchanged.

use super::*;

#[test]
fn fuzz_typed_addresses_never_panic_and_an_accepted_one_is_safe_and_stable() {
    wispkey_fuzz_kit::run("slate-server-address", |bytes| {
        let text = String::from_utf8_lossy(bytes);
        if let Ok(url) = checked_base_url(&text) {
            let loopback = match url.host() {
                Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(address)) => address.is_loopback(),
                Some(url::Host::Ipv6(address)) => address.is_loopback(),
                None => false,
            };
            assert!(
                url.scheme() == "https" || (url.scheme() == "http" && loopback),
                "{url}"
            );
            assert!(
                url.username().is_empty() && url.password().is_none(),
                "{url}"
            );
            assert!(url.query().is_none() && url.fragment().is_none(), "{url}");
            assert!(url.path().ends_with('/'), "{url}");
            let again =
                checked_base_url(url.as_str()).expect("an accepted address is accepted again");
            assert_eq!(again, url);
        }
    });
}

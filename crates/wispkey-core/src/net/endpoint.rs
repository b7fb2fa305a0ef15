//! The one rule for where Wispkey may send a request or send the user's browser: https, or plain
//! http only to this machine (127.0.0.1, ::1, localhost: the local test stack and developers'
//! servers). A token, a DPoP proof or an authorization code never crosses a network in the
//! clear. Every PDS, authorization server, identity lookup and provider endpoint goes through
//! [`checked_endpoint`] (the HTTP clients call it before each request).

use url::{Host, Url};

use crate::error::{Error, Result};

/// Whether `url` names this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(address)) => address.is_loopback(),
        Some(Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    }
}

/// `url` if Wispkey may contact it; else the refusal, a sentence naming the host.
pub fn checked_endpoint(url: &Url) -> Result<&Url> {
    let host = url.host_str().unwrap_or_default();
    let refused = |why: &str| Error::InsecureEndpoint {
        host: if host.is_empty() {
            url.scheme().to_owned()
        } else {
            host.to_owned()
        },
        why: why.to_owned(),
    };
    if host.is_empty() {
        return Err(refused("the address names no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused("the address carries a user name or password"));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(url) => Ok(url),
        "http" => Err(refused(
            "it would be plain http, and only https is allowed outside this machine",
        )),
        _ => Err(refused("only https addresses are allowed")),
    }
}

/// [`checked_endpoint`] for a URL still in text form.
pub fn checked_endpoint_text(text: &str) -> Result<Url> {
    let url = Url::parse(text.trim()).map_err(|_| Error::InsecureEndpoint {
        host: text.trim().chars().take(80).collect(),
        why: "it is not a web address".to_owned(),
    })?;
    checked_endpoint(&url)?;
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn allowed(text: &str) -> bool {
        checked_endpoint_text(text).is_ok()
    }

    #[test]
    fn https_anywhere_and_http_to_this_machine_are_allowed() {
        for ok in [
            "https://bsky.social/oauth/authorize?request_uri=x",
            "https://cloud-api.phala.com",
            "http://127.0.0.1:2583/xrpc/x",
            "http://127.8.9.1/",
            "http://localhost:1234/",
            "http://LOCALHOST/",
            "http://[::1]:80/",
        ] {
            assert!(allowed(ok), "{ok}");
        }
    }

    #[test]
    fn plain_http_elsewhere_other_schemes_and_credentials_are_refused_naming_the_host() {
        for (bad, host) in [
            ("http://bsky.social/oauth/authorize", "bsky.social"),
            ("http://10.0.0.1/", "10.0.0.1"),
            ("http://localhost.evil.example/", "localhost.evil.example"),
            ("http://127.0.0.1.nip.io/", "127.0.0.1.nip.io"),
            ("ftp://127.0.0.1/", "127.0.0.1"),
            ("javascript:alert(1)", "javascript"),
            ("https://user:pw@pds.example/", "pds.example"),
        ] {
            let error = checked_endpoint_text(bad).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InsecureEndpoint, "{bad}");
            let message = error.to_string();
            assert!(message.contains(host), "{bad}: {message}");
            assert!(message.ends_with('.'), "{message}");
        }
    }

    #[test]
    fn text_that_is_not_a_url_is_refused() {
        let error = checked_endpoint_text("pds.example").unwrap_err();
        assert_eq!(error.code(), ErrorCode::InsecureEndpoint);
    }
}

//! A delivery as a user pastes it: headers and the raw body, or a whole raw HTTP request
//! (request line, headers, a blank line, the body). Header names compare case-insensitively;
//! the body is kept byte for byte, because that is what was signed.

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivery {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Delivery {
    /// From a block of `Name: value` lines and the body. Blank lines and a request line
    /// (`POST /hook HTTP/1.1`) in the header block are skipped; any other line without a colon
    /// is refused, so a body pasted into the header field is noticed.
    pub fn from_parts(headers: &str, body: impl Into<Vec<u8>>) -> Result<Delivery> {
        Ok(Delivery {
            headers: parse_headers(headers)?,
            body: body.into(),
        })
    }

    /// From a whole raw HTTP request. The body is everything after the first blank line
    /// (`\r\n\r\n` or `\n\n`), unchanged.
    pub fn from_raw_request(raw: &[u8]) -> Result<Delivery> {
        let (head, body) = split_head(raw).ok_or_else(|| Error::InvalidDelivery {
            reason: "the pasted request has no blank line between its headers and its body".into(),
        })?;
        let head = std::str::from_utf8(head).map_err(|_| Error::InvalidDelivery {
            reason: "the pasted request's headers are not text".into(),
        })?;
        Delivery::from_parts(head, body.to_vec())
    }

    /// The first header of that name, trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim())
    }

    /// The first header present among `names` (the same header under different vendors'
    /// names, such as `webhook-id` and `svix-id`), with the name found.
    pub fn header_of<'a>(&'a self, names: &[&'a str]) -> Option<(&'a str, &'a str)> {
        names
            .iter()
            .find_map(|name| self.header(name).map(|value| (*name, value)))
    }
}

fn split_head(raw: &[u8]) -> Option<(&[u8], &[u8])> {
    let crlf = find(raw, b"\r\n\r\n").map(|at| (at, 4));
    let lf = find(raw, b"\n\n").map(|at| (at, 2));
    let (at, len) = match (crlf, lf) {
        (Some(a), Some(b)) => {
            if a.0 <= b.0 {
                a
            } else {
                b
            }
        }
        (one, other) => one.or(other)?,
    };
    Some((&raw[..at], &raw[at + len..]))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn is_request_line(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or_default();
    method.chars().all(|c| c.is_ascii_uppercase())
        && !method.is_empty()
        && line
            .split_whitespace()
            .last()
            .is_some_and(|v| v.starts_with("HTTP/"))
}

fn parse_headers(block: &str) -> Result<Vec<(String, String)>> {
    let mut headers = Vec::new();
    for line in block.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || is_request_line(line) {
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(Error::InvalidDelivery {
                reason: format!(
                    "the header line {:?} has no colon; paste headers as \"Name: value\", one a line",
                    truncate(line)
                ),
            });
        };
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    Ok(headers)
}

fn truncate(line: &str) -> String {
    line.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_request_splits_into_headers_and_the_exact_body() {
        let raw = b"POST /hook HTTP/1.1\r\nHost: example.com\r\nX-Webhook-Signature: sha256=ab\r\n\r\n{\"a\":1}\n";
        let delivery = Delivery::from_raw_request(raw).unwrap();
        assert_eq!(delivery.header("x-webhook-signature"), Some("sha256=ab"));
        assert_eq!(delivery.header("HOST"), Some("example.com"));
        assert_eq!(delivery.body, b"{\"a\":1}\n");
    }

    #[test]
    fn a_request_pasted_with_bare_newlines_also_splits() {
        let raw = b"webhook-id: msg_1\nwebhook-timestamp: 1\n\n{}";
        let delivery = Delivery::from_raw_request(raw).unwrap();
        assert_eq!(
            delivery.header_of(&["svix-id", "webhook-id"]),
            Some(("webhook-id", "msg_1"))
        );
        assert_eq!(delivery.body, b"{}");
    }

    #[test]
    fn a_request_without_a_blank_line_or_with_a_body_in_the_headers_is_refused_with_a_reason() {
        let error = Delivery::from_raw_request(b"X-A: 1\r\n{}").unwrap_err();
        assert!(error.to_string().contains("blank line"), "{error}");
        let error = Delivery::from_parts("X-A: 1\n{\"a\"}", Vec::new()).unwrap_err();
        assert!(error.to_string().contains("no colon"), "{error}");
    }
}

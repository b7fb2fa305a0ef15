//! The DNS half of handle resolution: the TXT records of `_atproto.<handle>.`, asked of the
//! system's DNS servers directly.
//!
//! Our own small client rather than a resolver library: one question type, asked of the servers
//! in `/etc/resolv.conf` as the C library would ask them (each in turn, `attempts` rounds, a
//! timeout per try), costs a fraction of the binary size. Answers are checked against the
//! query (server address, random id, question) and read with bounds checks throughout
//! ([`message`]).

mod message;
mod resolv_conf;
mod transport;

use std::net::SocketAddr;
use std::time::Duration;

use message::{Answer, Name};
use transport::Reply;

/// Which servers to ask and how patiently. [`DnsConfig::system`] reads `/etc/resolv.conf`;
/// tests point it at a server of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsConfig {
    /// Asked in this order (port 53 for the system's).
    pub nameservers: Vec<SocketAddr>,
    /// How long one try waits for one server's answer.
    pub timeout: Duration,
    /// Rounds over all the servers before giving up.
    pub attempts: u32,
}

impl DnsConfig {
    /// The system's DNS set-up, read afresh (it changes as networks come and go). A file that
    /// cannot be read names no server: the lookup then says so.
    pub async fn system() -> DnsConfig {
        let text = tokio::fs::read_to_string(resolv_conf::PATH)
            .await
            .unwrap_or_default();
        resolv_conf::parse(&text)
    }
}

/// The DID in `_atproto.<handle>.`'s TXT records (`did=…`), or `None` when the name does not
/// exist, has no TXT records, or its records name no DID or several. `Err` says why no server
/// gave an answer (timeouts, SERVFAIL, REFUSED, nothing configured).
pub async fn atproto_did(config: &DnsConfig, handle: &str) -> Result<Option<String>, String> {
    let records = txt_records(config, &format!("_atproto.{handle}.")).await?;
    Ok(super::resolve::did_from_txt_records(&records))
}

/// `name`'s TXT records (each one's character-strings joined); empty when the name does not
/// exist or has none.
async fn txt_records(config: &DnsConfig, name: &str) -> Result<Vec<String>, String> {
    let name = Name::from_text(name)?;
    if config.nameservers.is_empty() {
        return Err(format!(
            "no DNS server is set up ({} names none) to look up {name}",
            resolv_conf::PATH
        ));
    }
    // The latest reason each server gave, to say them all if none answers.
    let mut reasons: Vec<(SocketAddr, String)> = Vec::new();
    for _ in 0..config.attempts.max(1) {
        for &server in &config.nameservers {
            let reason = match transport::ask(server, &name, config.timeout).await {
                Reply::Answer(answer) => match settle(server, &answer, &name) {
                    Ok(records) => return Ok(records),
                    Err(reason) => reason,
                },
                Reply::Failed(reason) => reason,
            };
            match reasons.iter_mut().find(|(known, _)| *known == server) {
                Some(entry) => entry.1 = reason,
                None => reasons.push((server, reason)),
            }
        }
    }
    let reasons: Vec<String> = reasons.into_iter().map(|(_, reason)| reason).collect();
    Err(format!(
        "no DNS server answered for {name}: {}",
        reasons.join("; ")
    ))
}

/// An answer's meaning: records, none (the name does not exist), or a server's failure, after
/// which the next server is asked as the C library does.
fn settle(server: SocketAddr, answer: &Answer, name: &Name) -> Result<Vec<String>, String> {
    match answer.rcode {
        message::RCODE_NO_ERROR => Ok(answer.txt_of(name)),
        message::RCODE_NAME_ERROR => Ok(Vec::new()),
        message::RCODE_SERVER_FAILURE => Err(format!("{server} could not resolve it (SERVFAIL)")),
        message::RCODE_REFUSED => Err(format!("{server} refused to resolve it (REFUSED)")),
        code => Err(format!("{server} answered with DNS error code {code}")),
    }
}

#[cfg(test)]
mod fuzz;

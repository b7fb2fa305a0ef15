//! One question to one server: over UDP from a fresh socket (an ephemeral port the system
//! picks), then over TCP when the UDP answer comes back truncated (RFC 1035 §4.2, RFC 7766).
//!
//! A UDP answer is taken only from the server's own address and port, with our random id and
//! our question; anything else arriving on the socket is dropped and the wait goes on, so a
//! stray or forged datagram cannot end the lookup early.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

use super::message::{self, Answer, Name};

/// Room for any datagram: servers keep answers without EDNS within 512 bytes, but a larger one
/// must not be cut (and then misread) by a short buffer.
const DATAGRAM_ROOM: usize = 65_535;

/// What one server said.
#[derive(Debug)]
pub enum Reply {
    Answer(Answer),
    /// No answer worth waiting for; the sentence says why.
    Failed(String),
}

/// Asks `server` for `name`'s TXT records, within `timeout` for the UDP exchange and again for
/// the TCP one if it is needed.
pub async fn ask(server: SocketAddr, name: &Name, timeout: Duration) -> Reply {
    let id = match random_id() {
        Ok(id) => id,
        Err(reason) => return Reply::Failed(reason),
    };
    let query = message::query(id, name);
    let answer = match tokio::time::timeout(timeout, over_udp(server, &query, id, name)).await {
        Err(_) => return Reply::Failed(no_answer(server, timeout)),
        Ok(Err(reason)) => return Reply::Failed(reason),
        Ok(Ok(answer)) => answer,
    };
    if !answer.truncated {
        return Reply::Answer(answer);
    }
    match tokio::time::timeout(timeout, over_tcp(server, &query, id, name)).await {
        Err(_) => Reply::Failed(format!(
            "{server} sent a truncated answer and did not answer over TCP within {}",
            seconds(timeout)
        )),
        Ok(Err(reason)) => Reply::Failed(reason),
        Ok(Ok(answer)) => Reply::Answer(answer),
    }
}

fn random_id() -> Result<u16, String> {
    let mut bytes = [0u8; 2];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| format!("no random DNS query id could be drawn ({e})"))?;
    Ok(u16::from_be_bytes(bytes))
}

pub fn no_answer(server: SocketAddr, timeout: Duration) -> String {
    format!("{server} did not answer within {}", seconds(timeout))
}

fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

async fn over_udp(
    server: SocketAddr,
    query: &[u8],
    id: u16,
    name: &Name,
) -> Result<Answer, String> {
    let local = match server {
        SocketAddr::V4(_) => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
        SocketAddr::V6(_) => SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
    };
    let unreachable = |e: std::io::Error| format!("{server} could not be reached ({e})");
    let socket = UdpSocket::bind(local).await.map_err(unreachable)?;
    socket.send_to(query, server).await.map_err(unreachable)?;
    let mut buffer = vec![0u8; DATAGRAM_ROOM];
    loop {
        let (length, from) = socket.recv_from(&mut buffer).await.map_err(unreachable)?;
        // Scope ids are left out: the system may report them differently from resolv.conf.
        if from.ip() != server.ip() || from.port() != server.port() {
            continue;
        }
        let datagram = buffer.get(..length).unwrap_or_default();
        if message::id_of(datagram) != Some(id) {
            continue;
        }
        match message::read_answer(datagram) {
            Ok(answer) if answer.answers(id, name) => return Ok(answer),
            Ok(_) => continue,
            Err(malformed) => {
                return Err(format!(
                    "{server} sent an answer that could not be read ({})",
                    malformed.0
                ));
            }
        }
    }
}

async fn over_tcp(
    server: SocketAddr,
    query: &[u8],
    id: u16,
    name: &Name,
) -> Result<Answer, String> {
    let unreachable = |e: std::io::Error| format!("{server} could not be reached over TCP ({e})");
    let mut stream = TcpStream::connect(server).await.map_err(unreachable)?;
    // Over TCP each message is preceded by its length in two bytes; a query is far below 64 KiB.
    let mut framed = u16::try_from(query.len())
        .map_err(|_| format!("the DNS query for {name} is too long"))?
        .to_be_bytes()
        .to_vec();
    framed.extend_from_slice(query);
    stream.write_all(&framed).await.map_err(unreachable)?;
    let length = usize::from(stream.read_u16().await.map_err(unreachable)?);
    let mut reply = vec![0u8; length];
    stream.read_exact(&mut reply).await.map_err(unreachable)?;
    let answer = message::read_answer(&reply).map_err(|malformed| {
        format!(
            "{server} sent an answer over TCP that could not be read ({})",
            malformed.0
        )
    })?;
    if !answer.answers(id, name) {
        return Err(format!(
            "{server} answered another question over TCP than the one asked"
        ));
    }
    Ok(answer)
}

//! The DNS method of handle resolution (`_atproto.<handle>.` TXT → `did=…`) against small DNS
//! servers written here, on 127.0.0.1: what each answer means, and which datagrams the client
//! must not believe.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;
use wispkey_atproto::oauth::dns::{DnsConfig, atproto_did};

const DID: &str = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
const NO_ERROR: u16 = 0x8180;
const NO_ERROR_TRUNCATED: u16 = 0x8380;
const SERVER_FAILURE: u16 = 0x8182;
const NAME_ERROR: u16 = 0x8183;

/// The query as a server sees it: its id and its question (name, type, class on the wire).
#[derive(Clone)]
struct Query {
    id: u16,
    question: Vec<u8>,
}

fn read_query(bytes: &[u8]) -> Query {
    Query {
        id: u16::from_be_bytes([bytes[0], bytes[1]]),
        question: bytes[12..].to_vec(),
    }
}

/// An answer to `query` with these flags and answer records.
fn answer(query: &Query, id: u16, flags: u16, records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for word in [id, flags, 1, records.len() as u16, 0, 0] {
        out.extend_from_slice(&word.to_be_bytes());
    }
    out.extend_from_slice(&query.question);
    for record in records {
        out.extend_from_slice(record);
    }
    out
}

/// A TXT record for the question's name (a compression pointer to it), in these strings.
/// An answer naming a DID other than [`DID`], which a lookup must never return.
fn forged(query: &Query, id: u16) -> Vec<u8> {
    answer(
        query,
        id,
        NO_ERROR,
        &[txt(&["did=did:plc:forgedforgedforgedforged"])],
    )
}

fn txt(strings: &[&str]) -> Vec<u8> {
    let mut data = Vec::new();
    for string in strings {
        data.push(string.len() as u8);
        data.extend_from_slice(string.as_bytes());
    }
    let mut out = vec![0xc0, 12, 0, 16, 0, 1, 0, 0, 1, 44];
    out.extend_from_slice(&(data.len() as u16).to_be_bytes());
    out.extend_from_slice(&data);
    out
}

/// What the server sends back for one query.
enum Reply {
    FromServer(Vec<u8>),
    /// From another port of the same host, as a forger guessing the id would.
    FromElsewhere(Vec<u8>),
}

/// A UDP DNS server on 127.0.0.1 that answers each query with what `reply` says. Stopped when
/// the handle is dropped at the end of the test (the runtime ends its task).
async fn udp_server(
    reply: impl Fn(&Query) -> Vec<Reply> + Send + 'static,
) -> (SocketAddr, JoinHandle<()>) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    serve_udp(socket, reply)
}

fn serve_udp(
    socket: UdpSocket,
    reply: impl Fn(&Query) -> Vec<Reply> + Send + 'static,
) -> (SocketAddr, JoinHandle<()>) {
    let address = socket.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let elsewhere = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let mut buffer = [0u8; 512];
        loop {
            let (length, client) = socket.recv_from(&mut buffer).await.unwrap();
            for send in reply(&read_query(&buffer[..length])) {
                match send {
                    Reply::FromServer(bytes) => socket.send_to(&bytes, client).await.unwrap(),
                    Reply::FromElsewhere(bytes) => elsewhere.send_to(&bytes, client).await.unwrap(),
                };
            }
        }
    });
    (address, task)
}

fn config(servers: &[SocketAddr], timeout: Duration) -> DnsConfig {
    DnsConfig {
        nameservers: servers.to_vec(),
        timeout,
        attempts: 1,
    }
}

/// Long enough for a loaded machine: these servers answer at once.
const PATIENT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn a_did_txt_record_resolves_to_its_did() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    let (server, _task) = udp_server(move |query| {
        seen.lock().unwrap().push(query.question.clone());
        vec![Reply::FromServer(answer(
            query,
            query.id,
            NO_ERROR,
            // Split in two strings (joined back), beside another TXT record that is not a DID.
            &[txt(&["did=did:plc:", &DID[8..]]), txt(&["v=spf1 -all"])],
        ))]
    })
    .await;

    let did = atproto_did(&config(&[server], PATIENT), "alice.test").await;

    assert_eq!(did, Ok(Some(DID.to_owned())));
    assert_eq!(
        asked.lock().unwrap().as_slice(),
        [b"\x08_atproto\x05alice\x04test\x00\x00\x10\x00\x01".to_vec()]
    );
}

#[tokio::test]
async fn a_handle_whose_name_does_not_exist_has_no_did() {
    let (server, _task) =
        udp_server(|query| vec![Reply::FromServer(answer(query, query.id, NAME_ERROR, &[]))]).await;

    let did = atproto_did(&config(&[server], PATIENT), "nobody.test").await;

    assert_eq!(did, Ok(None));
}

#[tokio::test]
async fn a_name_without_txt_records_has_no_did() {
    let (server, _task) =
        udp_server(|query| vec![Reply::FromServer(answer(query, query.id, NO_ERROR, &[]))]).await;

    let did = atproto_did(&config(&[server], PATIENT), "alice.test").await;

    assert_eq!(did, Ok(None));
}

#[tokio::test]
async fn a_truncated_udp_answer_is_asked_again_over_tcp() {
    // The same port for both transports, as a DNS server has.
    let (socket, listener) = loop {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        if let Ok(listener) = TcpListener::bind(socket.local_addr().unwrap()).await {
            break (socket, listener);
        }
    };
    let (server, _udp) = serve_udp(socket, |query| {
        vec![Reply::FromServer(answer(
            query,
            query.id,
            NO_ERROR_TRUNCATED,
            &[],
        ))]
    });
    let tcp_queries = Arc::new(AtomicUsize::new(0));
    let counted = tcp_queries.clone();
    let _tcp = tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let length = stream.read_u16().await.unwrap();
            let mut bytes = vec![0; usize::from(length)];
            stream.read_exact(&mut bytes).await.unwrap();
            counted.fetch_add(1, Ordering::SeqCst);
            let query = read_query(&bytes);
            let full = answer(&query, query.id, NO_ERROR, &[txt(&[&format!("did={DID}")])]);
            stream.write_u16(full.len() as u16).await.unwrap();
            stream.write_all(&full).await.unwrap();
        }
    });

    let did = atproto_did(&config(&[server], PATIENT), "alice.test").await;

    assert_eq!(did, Ok(Some(DID.to_owned())));
    assert_eq!(tcp_queries.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_answer_with_another_id_is_ignored_until_the_right_one_arrives() {
    let (server, _task) = udp_server(|query| {
        let forged = forged(query, query.id.wrapping_add(1));
        let real = answer(query, query.id, NO_ERROR, &[txt(&[&format!("did={DID}")])]);
        vec![Reply::FromServer(forged), Reply::FromServer(real)]
    })
    .await;

    let did = atproto_did(&config(&[server], PATIENT), "alice.test").await;

    assert_eq!(did, Ok(Some(DID.to_owned())));
}

#[tokio::test]
async fn an_answer_from_another_port_is_ignored() {
    let (server, _task) = udp_server(|query| {
        let forged = forged(query, query.id);
        let real = answer(query, query.id, NO_ERROR, &[txt(&[&format!("did={DID}")])]);
        vec![Reply::FromElsewhere(forged), Reply::FromServer(real)]
    })
    .await;

    let did = atproto_did(&config(&[server], PATIENT), "alice.test").await;

    assert_eq!(did, Ok(Some(DID.to_owned())));
}

#[tokio::test]
async fn an_answer_to_another_question_is_ignored() {
    let (server, _task) = udp_server(|query| {
        let mut other = query.clone();
        other.question = b"\x08_atproto\x03bob\x04test\x00\x00\x10\x00\x01".to_vec();
        let forged = forged(&other, query.id);
        vec![Reply::FromServer(forged)]
    })
    .await;

    let error = atproto_did(&config(&[server], Duration::from_millis(300)), "alice.test")
        .await
        .unwrap_err();

    assert!(error.contains("did not answer within"), "{error}");
}

#[tokio::test]
async fn a_server_that_never_answers_gives_a_timeout_error() {
    let silent = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let server = silent.local_addr().unwrap();

    let error = atproto_did(&config(&[server], Duration::from_millis(300)), "alice.test")
        .await
        .unwrap_err();

    assert_eq!(
        error,
        format!(
            "no DNS server answered for _atproto.alice.test.: {server} did not answer within 0.3 s"
        )
    );
}

#[tokio::test]
async fn a_failing_server_is_passed_over_for_the_next_one() {
    let (failing, _failing_task) = udp_server(|query| {
        vec![Reply::FromServer(answer(
            query,
            query.id,
            SERVER_FAILURE,
            &[],
        ))]
    })
    .await;
    let (working, _working_task) = udp_server(|query| {
        vec![Reply::FromServer(answer(
            query,
            query.id,
            NO_ERROR,
            &[txt(&[&format!("did={DID}")])],
        ))]
    })
    .await;

    let did = atproto_did(&config(&[failing, working], PATIENT), "alice.test").await;

    assert_eq!(did, Ok(Some(DID.to_owned())));
}

#[tokio::test]
async fn a_server_failure_everywhere_is_an_error_not_an_absence() {
    let (failing, _task) = udp_server(|query| {
        vec![Reply::FromServer(answer(
            query,
            query.id,
            SERVER_FAILURE,
            &[],
        ))]
    })
    .await;

    let error = atproto_did(&config(&[failing], PATIENT), "alice.test")
        .await
        .unwrap_err();

    assert!(
        error.contains(&format!("{failing} could not resolve it (SERVFAIL)")),
        "{error}"
    );
}

#[tokio::test]
async fn no_configured_server_is_an_error_that_says_so() {
    let error = atproto_did(&config(&[], PATIENT), "alice.test")
        .await
        .unwrap_err();

    assert!(error.contains("no DNS server is set up"), "{error}");
}

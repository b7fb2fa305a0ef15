//! Loopback-only listening and the accept/serve loop: one hyper HTTP/1
//! connection task per socket, owned by the loop so aborting it closes all.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::http::Body;

/// Refuses a non-loopback `bind` unless `allow_non_loopback`; the error is
/// the start-up message.
pub fn check_loopback(bind: SocketAddr, allow_non_loopback: bool) -> Result<(), String> {
    if bind.ip().is_loopback() || allow_non_loopback {
        Ok(())
    } else {
        Err(format!(
            "refusing to listen on non-loopback address {bind} (pass --allow-non-loopback to override)"
        ))
    }
}

/// Binds `addr`; the error is the start-up message.
pub async fn listen(addr: SocketAddr) -> Result<TcpListener, String> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))
}

/// Accepts connections forever and answers each request with
/// `handle(peer, request)`. A handler error makes hyper drop the socket
/// without writing anything (the services' `dropConnectionAfterCommit`
/// fault). `name` prefixes the log line of a failed accept.
pub async fn accept_loop<H, F, E>(listener: TcpListener, name: &'static str, handle: H)
where
    H: Fn(SocketAddr, Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Result<Response<Body>, E>> + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
{
    // Owning the connections here means aborting this task closes them all.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(stream, peer, handle.clone()));
                }
                Err(e) => {
                    // E.g. out of file descriptors: back off instead of spinning.
                    eprintln!("{name}: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection<H, F, E>(stream: TcpStream, peer: SocketAddr, handle: H)
where
    H: Fn(SocketAddr, Request<Incoming>) -> F + Send + Sync + 'static,
    F: Future<Output = Result<Response<Body>, E>> + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
{
    let service = service_fn(move |request| handle(peer, request));
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_loopback_binds_pass_unless_allowed() {
        let any = SocketAddr::from(([0, 0, 0, 0], 80));
        assert!(check_loopback(SocketAddr::from(([127, 0, 0, 1], 0)), false).is_ok());
        assert!(check_loopback(SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], 0)), false).is_ok());
        let err = check_loopback(any, false).unwrap_err();
        assert!(err.contains("non-loopback") && err.contains("0.0.0.0:80"));
        assert!(check_loopback(any, true).is_ok());
    }

    #[tokio::test]
    async fn answers_each_request_with_the_handler() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = listen(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(accept_loop(listener, "test", |peer, _request| async move {
            let text = format!("hello {}", peer.ip());
            Ok::<_, std::io::Error>(crate::http::with_body(
                hyper::StatusCode::OK,
                "text/plain",
                text.into_bytes(),
            ))
        }));
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 OK"));
        assert!(answer.ends_with("hello 127.0.0.1"));
        task.abort();
    }
}

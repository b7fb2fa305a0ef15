//! The one way Wispkey's HTTP clients are built, whichever server they talk to.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// A client builder with what every client of ours has: our user agent, the two timeouts, no
/// redirects (a redirect would replay a signed or DPoP-bound request to another URL; none of
/// the endpoints we call is supposed to redirect), and `localhost` taken as the loopback
/// addresses without a resolver round trip (RFC 6761 6.3: it always means this machine).
pub fn builder(connect_timeout: Duration, request_timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(concat!("wispkey/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(connect_timeout.min(request_timeout))
        .timeout(request_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .resolve_to_addrs(
            "localhost",
            &[
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                SocketAddr::from((Ipv6Addr::LOCALHOST, 0)),
            ],
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn localhost_reaches_a_server_on_the_ipv4_loopback() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = [0u8; 1024];
            let _ = socket.read(&mut buffer).await;
            let _ = socket
                .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
                .await;
        });
        let client = builder(Duration::from_secs(5), Duration::from_secs(5))
            .build()
            .unwrap();
        let answer = client
            .get(format!("http://localhost:{port}/"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 204);
    }
}

//! What every HTTP user in Wispkey shares, whichever client it uses (the AT Protocol client, the
//! Phala client, later ones): how a client is built ([`client`]), which endpoints may be contacted at all ([`endpoint`]), how much
//! of an answer is read ([`body`]), what a request leaves in the log ([`log`]), one request and
//! its answer with all three ([`exchange`]), and checked arithmetic on numbers a server sends
//! ([`server_time`]).

pub mod body;
pub mod client;
pub mod endpoint;
pub mod exchange;
pub mod log;
pub mod server_time;

pub use body::{MAX_ANSWER_BYTES, read_limited};
pub use endpoint::{checked_endpoint, is_loopback};
pub use exchange::{Answer, SendError, exchange};

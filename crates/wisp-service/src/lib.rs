//! A local stand-in for wisp.place's webhook signing-secret service
//! (`place.wisp.v2.secret.*`), faithful to the real server's status codes,
//! error bodies and service-JWT checks, for tests and the offline demo.
//!
//! Start it in-process with [`start`], or run the `wisp-service` binary.

pub mod auth;
pub mod cli;
pub mod crypto;
mod delivery;
pub mod error;
mod http;
pub mod rate_limit;
pub mod routes;
pub mod server;
pub mod signature;
mod state;
pub mod store;
mod test_control;
pub use service_kit::time;
pub mod validate;

pub use error::Error;
pub use server::{Config, Running, start};

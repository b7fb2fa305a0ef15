//! A local stand-in for Slate's staff sign-in and API-token endpoints:
//! email + password (+ TOTP) sign-in, single-use refresh tokens whose reuse
//! revokes the whole session, API tokens usable as bearers, webhook-secret
//! rotation, FastAPI's error bodies, and test deliveries signed with the
//! current secret. For tests and the offline demo; every behaviour Slate does
//! not document is an assumption listed in the README.
//!
//! Start it in-process with [`start`], or run the `slate-service` binary.

pub mod auth;
pub mod body;
pub mod cli;
mod control;
pub mod demo;
pub mod error;
pub mod faults;
mod http;
pub mod ids;
pub mod request_log;
pub mod routes;
pub mod server;
pub mod signing;
mod state;
pub mod store;
pub mod tokens;
pub use service_kit::time;
pub mod totp;

pub use error::Error;
pub use server::{Config, Running, start};

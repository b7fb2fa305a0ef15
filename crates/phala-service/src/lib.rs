//! A local stand-in for Phala Cloud's webhook API (`/api/v1/workspace/webhooks...`):
//! `X-API-Key` auth, a 2FA-protected secret rotation, Phala's error bodies, and
//! test deliveries signed exactly as Phala signs them. For tests and the offline
//! demo; every behaviour Phala does not document is an assumption listed in the
//! README.
//!
//! Start it in-process with [`start`], or run the `phala-service` binary.

pub mod cli;
pub mod error;
mod http;
pub mod ids;
pub mod routes;
pub mod server;
pub mod signing;
mod state;
pub mod store;
mod test_control;
pub use service_kit::time;
pub mod totp;

pub use error::Error;
pub use server::{Config, Running, start};

//! The parts `wisp-service` and `phala-service` share, one copy each: what
//! differs between the two stand-ins (routes, error bodies, extra listeners)
//! stays in the services.

pub mod cli;
pub mod http;
pub mod ready;
pub mod serve;
pub mod state_file;
pub mod time;

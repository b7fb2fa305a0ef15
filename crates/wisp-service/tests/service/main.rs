//! Integration tests: the service runs in-process on port 0, callers sign
//! service JWTs with locally generated keys, and a tiny local HTTP server
//! plays the PLC directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod binary;
mod common;
mod control;
mod secrets;

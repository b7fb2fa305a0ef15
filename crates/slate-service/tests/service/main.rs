//! Integration tests: the service runs in-process on port 0 (the binary in
//! `binary.rs`) and is spoken to over a real socket with reqwest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod binary;
mod common;
mod control;
mod errors;
mod faults;
mod login;
mod refresh;
mod rotate;
mod tokens;

//! Staged rotation: replace a secret without a moment where a webhook signs with a secret its
//! receiver does not accept.
//!
//! A plain rotate kills the old token at once. A staged rotation instead creates a second secret,
//! lets the user deploy it beside the old one at the receiver, tests the receiver with it,
//! switches the chosen webhooks to it one at a time, and only then offers to delete the old one.
//! Each step is its own confirmed act; the state ([`StagedRotation`]) is saved after every change
//! ([`store`]), so a restart resumes where it stopped, and a failure in the middle leaves every
//! webhook on the old or the new secret — both of which the receiver accepts.
//!
//! This module is the state machine and its file; the app layer does the talking (create,
//! read and switch webhooks, delete) through the provider seam
//! ([`crate::provider::SecretProvider::webhooks`]). No secret value is ever part of the state.

mod state;
pub mod store;

pub use state::{
    ReceiverCheck, ReceiverOutcome, StagedRotation, StagedStep, StagedWebhook, derived_name,
};
pub use store::StagedStore;

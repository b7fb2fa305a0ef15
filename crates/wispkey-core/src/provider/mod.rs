//! Providers: the services whose webhook signing secrets Wispkey manages.
//!
//! wisp.place is the first ([`wisp`]). Slate and Phala Cloud offer the same "rotate, shown once"
//! operation with fewer verbs (Phala: rotate only; Slate: rotate on an API token), so the trait
//! lets each provider say which [`Operation`]s it supports instead of pretending to all four.

pub mod name;
pub mod wisp;

use std::future::Future;

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::secret::SecretString;

pub use name::{NameProblem, SecretName};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    List,
    Create,
    Rotate,
    Delete,
}

impl Operation {
    /// Create, rotate and delete change state on the server: never retried automatically, and an
    /// unanswered request is reported as an unknown outcome.
    pub fn changes_state(self) -> bool {
        !matches!(self, Operation::List)
    }

    /// For sentences like "Wispkey was not granted permission to {action}".
    pub fn action(self) -> &'static str {
        match self {
            Operation::List => "list your signing secrets",
            Operation::Create => "create signing secrets",
            Operation::Rotate => "rotate signing secrets",
            Operation::Delete => "delete signing secrets",
        }
    }
}

/// What the list shows for one secret. Never contains a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSummary {
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_rotated_at: Option<DateTime<Utc>>,
}

/// A token the server has just shown for the only time.
#[derive(Debug)]
pub struct IssuedToken {
    pub name: String,
    pub token: SecretString,
    /// `createdAt` for a create, `rotatedAt` for a rotate.
    pub issued_at: DateTime<Utc>,
}

/// One service's signing-secret API, as the signed-in account.
pub trait SecretProvider: Send + Sync {
    fn supports(&self, operation: Operation) -> bool;

    fn list(&self) -> impl Future<Output = Result<Vec<SecretSummary>>> + Send;

    fn create(&self, name: &SecretName) -> impl Future<Output = Result<IssuedToken>> + Send;

    /// The old token stops working the moment this succeeds. An unanswered request returns
    /// `Error::OutcomeUnknown`; callers must not retry on their own.
    fn rotate(&self, name: &SecretName) -> impl Future<Output = Result<IssuedToken>> + Send;

    fn delete(&self, name: &SecretName) -> impl Future<Output = Result<()>> + Send;
}

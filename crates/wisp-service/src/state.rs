//! Everything a request handler needs, shared by all connections.

use tokio::sync::Mutex;

use crate::auth::Verifier;
use crate::crypto::Sealer;
use crate::rate_limit::RateLimiter;
use crate::store::Store;
use crate::test_control::Faults;

/// Shared service state.
#[derive(Debug)]
pub struct AppState {
    /// This service's DID (the `aud` callers must use).
    pub service_did: String,
    /// `serviceEndpoint` published in the DID document.
    pub service_endpoint: String,
    /// Service-JWT verification.
    pub verifier: Verifier,
    /// Secrets; the async lock serializes writes, which await the disk.
    pub store: Mutex<Store>,
    /// `None` when started without a key: create/rotate then answer 503.
    pub sealer: Option<Sealer>,
    /// `None` when rate limiting is off.
    pub limiter: Option<RateLimiter>,
    /// Armed one-shot faults (only ever armed with test control on).
    pub faults: Faults,
    /// Whether `/_test/` exists at all.
    pub test_control: bool,
}

//! Webhook delivery signatures, provider-neutral: how each scheme signs a delivery, and a tester
//! that says whether a pasted delivery verifies under a secret — or exactly what fails and the
//! usual reason why.
//!
//! - [`scheme`]: the schemes ([`SignatureScheme`]) and their sign/verify primitives (constant-time).
//! - [`delivery`]: a delivery as pasted (headers and raw body, or a whole raw HTTP request).
//! - [`check`]: [`check()`], the tester's verdict ([`SignatureReport`]).
//!
//! Providers name the scheme their deliveries use in their descriptor; the tester, the receiver
//! test and the providers' own checks all call the code here, so there is one copy of each scheme.

pub mod check;
pub mod delivery;
pub mod scheme;

pub use check::{SignatureFailure, SignatureHint, SignatureReport, check};
pub use delivery::Delivery;
pub use scheme::{SchemeChoice, SignatureScheme, SignedHeaders};

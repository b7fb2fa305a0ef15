//! The in-memory home of every secret value: signing tokens, API keys, OAuth material.
//!
//! Deliberately not `Serialize`, not `Clone`-by-accident into logs: `Debug` prints a redaction,
//! there is no `Display`, and the bytes are zeroized when the value is dropped. Reading the value
//! takes an explicit call to [`SecretString::expose`], which is easy to audit with grep.

use zeroize::{Zeroize, ZeroizeOnDrop};

#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(value.into())
    }

    /// The plaintext. Call sites are the audit trail of where a secret goes.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretString(<redacted, {} bytes>)", self.0.len())
    }
}

/// Reading a secret out of a server's answer is allowed; writing one out (`Serialize`) is not.
impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SecretString)
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        SecretString(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_contains_the_value() {
        let secret = SecretString::new("wsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX");
        let printed = format!("{secret:?} {:#?}", secret);
        assert!(!printed.contains("wsk_"), "{printed}");
        assert!(printed.contains("redacted"));
    }

    #[test]
    fn expose_returns_the_exact_value() {
        let secret = SecretString::new("  spaced value  ");
        assert_eq!(secret.expose(), "  spaced value  ");
    }
}

//! "Type the secret's name to confirm" for rotate and delete, checked again in Rust: the UI's
//! check could be bypassed or buggy, and both operations are irreversible.

use crate::error::{Error, Result};

/// Exact, case-sensitive, untrimmed comparison: `Deploy-hook` does not confirm `deploy-hook`.
pub(crate) fn confirmed(name: &str, confirm_name: &str) -> Result<()> {
    if name == confirm_name {
        Ok(())
    } else {
        Err(Error::NameNotConfirmed {
            name: name.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn only_the_exact_name_confirms() {
        assert!(confirmed("deploy-hook", "deploy-hook").is_ok());
        for typed in ["Deploy-hook", "deploy-hook ", " deploy-hook", "", "deploy"] {
            let error = confirmed("deploy-hook", typed).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidRequest, "{typed:?}");
        }
    }
}

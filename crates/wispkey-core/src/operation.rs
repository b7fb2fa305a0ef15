//! The four things one can do with a provider's secrets. Its own module (not under `provider`)
//! because the error type names it too, and neither should import the other.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    List,
    Create,
    Rotate,
    Delete,
}

impl Operation {
    pub const ALL: [Operation; 4] = [
        Operation::List,
        Operation::Create,
        Operation::Rotate,
        Operation::Delete,
    ];

    /// Create, rotate and delete change state on the server: never retried automatically, and an
    /// unanswered request is reported as an unknown outcome.
    pub fn changes_state(self) -> bool {
        !matches!(self, Operation::List)
    }

    /// The verb a user reads in a message ("list", "rotate").
    pub fn verb(self) -> &'static str {
        match self {
            Operation::List => "list",
            Operation::Create => "create",
            Operation::Rotate => "rotate",
            Operation::Delete => "delete",
        }
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

    /// "list", "list and rotate", "list, create and rotate": for sentences.
    pub fn verbs_for_sentence(operations: &[Operation]) -> String {
        let verbs: Vec<&str> = operations.iter().map(|o| o.verb()).collect();
        match verbs.split_last() {
            None => "manage".to_owned(),
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_read_as_a_list_in_a_sentence() {
        assert_eq!(Operation::verbs_for_sentence(&[]), "manage");
        assert_eq!(
            Operation::verbs_for_sentence(&[Operation::Rotate]),
            "rotate"
        );
        assert_eq!(
            Operation::verbs_for_sentence(&[Operation::List, Operation::Create, Operation::Rotate]),
            "list, create and rotate"
        );
    }

    #[test]
    fn only_list_leaves_the_server_unchanged() {
        let changing: Vec<_> = Operation::ALL
            .into_iter()
            .filter(|o| o.changes_state())
            .collect();
        assert_eq!(
            changing,
            [Operation::Create, Operation::Rotate, Operation::Delete]
        );
    }
}

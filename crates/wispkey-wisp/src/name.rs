//! Secret names, checked exactly as the wisp server checks them (`^[A-Za-z0-9._-]{1,64}$`, not
//! trimmed), plus the record-key rule that forbids `.` and `..`. The UI runs the same check as
//! the user types (the pattern and limits are exported to TypeScript), and the core checks again
//! before anything is sent.

use std::fmt;

pub const MAX_LEN: usize = 64;
/// The server's rule (`^[A-Za-z0-9._-]{1,64}$`) as a character class body, published in the
/// descriptor for the UI's as-you-type check. [`SecretName::parse`] implements it without a
/// regex engine; a test in `descriptor` checks that the two agree.
pub const ALLOWED_CHARACTERS: &str = "A-Za-z0-9._-";
/// Allowed characters, but not allowed as a name (the record-key rule).
pub const RESERVED: [&str; 2] = [".", ".."];

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretName(String);

/// Why a name is refused, phrased for the person typing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong { length: usize },
    DotName,
    BadCharacter { character: char, position: usize },
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameProblem::Empty => write!(f, "Give the secret a name."),
            NameProblem::TooLong { length } => write!(
                f,
                "A name can be at most {MAX_LEN} characters; this one has {length}."
            ),
            NameProblem::DotName => write!(f, "A name cannot be \".\" or \"..\"."),
            NameProblem::BadCharacter {
                character,
                position,
            } => {
                let shown = if character.is_whitespace() {
                    "a space".to_owned()
                } else {
                    format!("\"{character}\"")
                };
                write!(
                    f,
                    "A name may only use letters A–Z and a–z, digits, \".\", \"_\" and \"-\"; \
                     character {position} is {shown}."
                )
            }
        }
    }
}

impl SecretName {
    pub fn parse(input: &str) -> Result<SecretName, NameProblem> {
        if input.is_empty() {
            return Err(NameProblem::Empty);
        }
        if let Some((index, character)) = input
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(NameProblem::BadCharacter {
                character,
                position: index + 1,
            });
        }
        // Only ASCII is left, so bytes are characters.
        if input.len() > MAX_LEN {
            return Err(NameProblem::TooLong {
                length: input.len(),
            });
        }
        if RESERVED.contains(&input) {
            return Err(NameProblem::DotName);
        }
        Ok(SecretName(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SecretName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_allowed_character() {
        let name = "Deploy_hook-2.prod";
        assert_eq!(SecretName::parse(name).unwrap().as_str(), name);
    }

    #[test]
    fn accepts_exactly_64_characters() {
        assert!(SecretName::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn refuses_65_characters_and_says_how_many() {
        let problem = SecretName::parse(&"a".repeat(65)).unwrap_err();
        assert_eq!(problem, NameProblem::TooLong { length: 65 });
        assert!(problem.to_string().contains("65"));
    }

    #[test]
    fn refuses_an_empty_name() {
        assert_eq!(SecretName::parse("").unwrap_err(), NameProblem::Empty);
    }

    #[test]
    fn does_not_trim_spaces_it_refuses_them() {
        let problem = SecretName::parse(" hook").unwrap_err();
        assert_eq!(
            problem,
            NameProblem::BadCharacter {
                character: ' ',
                position: 1
            }
        );
        assert!(problem.to_string().contains("a space"));
    }

    #[test]
    fn refuses_dot_and_dot_dot_but_not_names_containing_dots() {
        assert_eq!(SecretName::parse(".").unwrap_err(), NameProblem::DotName);
        assert_eq!(SecretName::parse("..").unwrap_err(), NameProblem::DotName);
        assert!(SecretName::parse("...").is_ok());
        assert!(SecretName::parse(".hidden").is_ok());
    }

    #[test]
    fn refuses_non_ascii_letters() {
        assert!(matches!(
            SecretName::parse("clé").unwrap_err(),
            NameProblem::BadCharacter {
                character: 'é',
                position: 3
            }
        ));
    }

    #[test]
    fn refuses_slashes_and_colons() {
        assert!(SecretName::parse("a/b").is_err());
        assert!(SecretName::parse("a:b").is_err());
    }

    #[test]
    fn every_problem_reads_as_a_sentence() {
        for problem in [
            NameProblem::Empty,
            NameProblem::TooLong { length: 70 },
            NameProblem::DotName,
            NameProblem::BadCharacter {
                character: '/',
                position: 2,
            },
        ] {
            assert!(problem.to_string().ends_with('.'), "{problem}");
        }
    }
}

//! "Does the clipboard still hold our value?" without keeping or printing what it holds.

use arboard::Clipboard;
use zeroize::Zeroize;

use crate::secret::SecretString;

/// Reads the clipboard's text and compares it with `ours`. The copy read back is zeroized;
/// anything that is not text (an image, nothing at all) is not ours.
pub(super) fn holds(board: &mut Clipboard, ours: &SecretString) -> bool {
    match board.get_text() {
        Ok(mut current) => {
            let same = same_text(&current, ours);
            current.zeroize();
            same
        }
        Err(_) => false,
    }
}

/// Compares without an early exit on the first differing byte (the other value may be a
/// password the user copied; no reason to leak its prefix through timing).
fn same_text(current: &str, ours: &SecretString) -> bool {
    let (a, b) = (current.as_bytes(), ours.expose().as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_value_is_ours() {
        let ours = SecretString::new("wsk_abc");
        assert!(same_text("wsk_abc", &ours));
        for other in ["wsk_abd", "wsk_ab", "wsk_abcd", "", "WSK_abc"] {
            assert!(!same_text(other, &ours), "{other:?}");
        }
    }
}

//! Fuzzing on stable Rust, as ordinary unit tests: every parser of outside input has a target
//! that first replays its committed corpus (`fuzz/corpus/<target>/`, real-looking answers and
//! edge cases) and then feeds it a bounded number of generated inputs: byte-level mutations of
//! the corpus, structure-aware JSON mutations (a value swapped for any other, a field removed),
//! raw bytes and arbitrary text. The target's check must not panic, and asserts its round trip
//! where the parser has one.
//!
//! Bounds, from the environment (small by default so `scripts/test.sh` stays fast):
//! - `WISPKEY_FUZZ_CASES`: generated inputs per target and round (default 256);
//! - `WISPKEY_FUZZ_SECONDS`: keep running further rounds, each with a new seed, for this long;
//! - `WISPKEY_FUZZ_SEED`: the first round's seed (default 0, so a failure reproduces);
//! - `WISPKEY_FUZZ_CORPUS`: another corpus folder (default `fuzz/corpus` in this repository).
//!
//! A failure names the smallest failing input proptest could shrink it to; save it as a file in
//! the target's corpus folder so it is replayed from then on.

// A fuzz failure must fail the test that runs it, with the input that caused it.
#![allow(clippy::panic)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union};
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use serde_json::Value;

pub const CASES_ENV: &str = "WISPKEY_FUZZ_CASES";
pub const SECONDS_ENV: &str = "WISPKEY_FUZZ_SECONDS";
pub const SEED_ENV: &str = "WISPKEY_FUZZ_SEED";
pub const CORPUS_ENV: &str = "WISPKEY_FUZZ_CORPUS";
const DEFAULT_CASES: u32 = 256;

/// What one target's run did, for the report line and for tests of this kit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ran {
    pub corpus: usize,
    pub generated: u64,
    pub rounds: u32,
}

fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name)
        .ok()
        .and_then(|value| value.trim().parse().ok())
}

/// Generated inputs per round.
pub fn cases() -> u32 {
    env_number(CASES_ENV).unwrap_or(DEFAULT_CASES)
}

pub fn corpus_root() -> PathBuf {
    std::env::var_os(CORPUS_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/corpus")))
}

/// The target's corpus files, by name. A target without one fails: a renamed folder must not
/// quietly turn the replay off.
pub fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus_root().join(target);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(error) => panic!(
            "fuzz target {target}: no corpus at {} ({error})",
            dir.display()
        ),
    };
    let mut files: Vec<(String, Vec<u8>)> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            std::fs::read(entry.path()).ok().map(|bytes| (name, bytes))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        panic!(
            "fuzz target {target}: the corpus at {} is empty",
            dir.display()
        );
    }
    files
}

/// Replays `target`'s corpus through `check`, then generated inputs within the bounds above.
pub fn run(target: &str, check: impl Fn(&[u8])) -> Ran {
    let started = Instant::now();
    let corpus = corpus(target);
    for (name, bytes) in &corpus {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(bytes))) {
            panic!(
                "fuzz target {target}: corpus file {name} fails: {}",
                panic_text(&panic)
            );
        }
    }

    let samples: Arc<Vec<Vec<u8>>> = Arc::new(corpus.iter().map(|(_, b)| b.clone()).collect());
    let strategy = inputs(&samples);
    let cases = cases();
    let budget = env_number::<u64>(SECONDS_ENV).map(Duration::from_secs);
    let first_seed = env_number::<u64>(SEED_ENV).unwrap_or(0);
    let mut ran = Ran {
        corpus: corpus.len(),
        generated: 0,
        rounds: 0,
    };
    loop {
        let seed = first_seed.wrapping_add(u64::from(ran.rounds));
        let mut config = Config::with_cases(cases);
        config.failure_persistence = None;
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes(target, seed));
        let mut runner = TestRunner::new_with_rng(config, rng);
        let outcome = runner.run(&strategy, |input| {
            check(&input);
            Ok(())
        });
        match outcome {
            Ok(()) => {}
            Err(TestError::Fail(reason, input)) => panic!(
                "fuzz target {target} (seed {seed}) fails on {} bytes: {reason}\n\
                 input as text: {:?}\ninput as bytes: {input:?}",
                input.len(),
                String::from_utf8_lossy(&input)
            ),
            Err(TestError::Abort(reason)) => {
                panic!("fuzz target {target} (seed {seed}) stopped: {reason}")
            }
        }
        ran.rounds += 1;
        ran.generated += u64::from(cases);
        if budget.is_none_or(|budget| started.elapsed() >= budget) {
            break;
        }
    }
    println!(
        "fuzz {target}: {} corpus files, {} generated inputs in {} round(s), {} ms",
        ran.corpus,
        ran.generated,
        ran.rounds,
        started.elapsed().as_millis()
    );
    ran
}

/// An HTTP answer as the answer corpora write it: `STATUS`, then `name: value` header lines,
/// a blank line, then the body. Anything malformed still yields an answer (status 0, no
/// headers), so every input reaches the parser.
pub struct HttpAnswer {
    pub status: u16,
    /// Names lower-cased, values as written.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub fn http_answer(bytes: &[u8]) -> HttpAnswer {
    let (head, body) = match bytes.windows(2).position(|pair| pair == b"\n\n") {
        Some(at) => (&bytes[..at], bytes[at + 2..].to_vec()),
        None => (bytes, Vec::new()),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.trim().parse::<u16>().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    HttpAnswer {
        status,
        headers,
        body,
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}

/// A different stream per target, stable across runs and machines.
fn seed_bytes(target: &str, seed: u64) -> [u8; 32] {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in target.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&hash.to_le_bytes());
    bytes[16..24].copy_from_slice(&(!seed).to_le_bytes());
    bytes[24..].copy_from_slice(&hash.rotate_left(17).to_le_bytes());
    bytes
}

/// Pieces that tend to break parsers: JSON and URL syntax, numbers past every integer type,
/// broken UTF-8 and escapes, dates at and past the edges, the schemes and prefixes ids carry.
const FRAGMENTS: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"null",
    b"true",
    b"-1",
    b"0",
    b"1e999",
    b"-9223372036854775809",
    b"18446744073709551616",
    b"4294967296",
    b"\\u0000",
    b"\\ud800",
    b"%",
    b"%zz",
    b"%00",
    b"%2F",
    b"&",
    b"=",
    b"?",
    b"#",
    b"/",
    b"\r\n",
    b"\r\n\r\n",
    b" ",
    b"\t",
    b"\xff",
    b"\xc3\x28",
    "é".as_bytes(),
    "\u{202e}".as_bytes(),
    "𝕏".as_bytes(),
    b"did:",
    b"did:plc:",
    b"did:web:",
    b"at://",
    b"https://",
    b"http://127.0.0.1:1",
    b"..",
    b"9999-12-31T23:59:59Z",
    b"0000-00-00T00:00:00Z",
    b"+275760-09-13T00:00:00Z",
    b"1970-01-01T00:00:00+25:00",
];

#[derive(Debug, Clone)]
enum Edit {
    Flip { at: usize, bit: u8 },
    Insert { at: usize, bytes: Vec<u8> },
    Remove { at: usize, len: usize },
    Truncate { at: usize },
    Repeat { at: usize, len: usize, times: u8 },
}

fn edit() -> impl Strategy<Value = Edit> {
    let piece = prop_oneof![
        3 => (0..FRAGMENTS.len()).prop_map(|i| FRAGMENTS[i].to_vec()),
        1 => vec(any::<u8>(), 1..16),
        1 => (1usize..6000).prop_map(|n| vec![b'a'; n]),
    ];
    prop_oneof![
        1 => (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Edit::Flip { at, bit }),
        3 => (any::<usize>(), piece).prop_map(|(at, bytes)| Edit::Insert { at, bytes }),
        1 => (any::<usize>(), 1usize..32).prop_map(|(at, len)| Edit::Remove { at, len }),
        1 => (any::<usize>()).prop_map(|at| Edit::Truncate { at }),
        1 => (any::<usize>(), 1usize..64, 2u8..50).prop_map(|(at, len, times)| Edit::Repeat {
            at,
            len,
            times
        }),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len();
        match edit {
            Edit::Flip { at, bit } if len > 0 => bytes[at % len] ^= 1 << bit,
            Edit::Flip { .. } => {}
            Edit::Insert { at, bytes: piece } => {
                let at = at % (len + 1);
                bytes.splice(at..at, piece.iter().copied());
            }
            Edit::Remove { at, len: n } if len > 0 => {
                let at = at % len;
                bytes.drain(at..(at + n).min(len));
            }
            Edit::Remove { .. } => {}
            Edit::Truncate { at } => bytes.truncate(at % (len + 1)),
            Edit::Repeat { at, len: n, times } if len > 0 => {
                let at = at % len;
                let piece: Vec<u8> = bytes[at..(at + n).min(len)].to_vec();
                for _ in 1..*times {
                    bytes.splice(at..at, piece.iter().copied());
                }
            }
            Edit::Repeat { .. } => {}
        }
    }
    bytes
}

#[derive(Debug, Clone)]
enum JsonEdit {
    Replace(Value),
    Remove,
}

/// Any JSON value, its object keys drawn mostly from the corpus, so a mutation reaches the
/// fields a parser reads (a `name` that is a number, a `secrets` that is an object…).
fn any_json(keys: Arc<Vec<String>>) -> BoxedStrategy<Value> {
    let text = prop_oneof![
        3 => vec(any::<char>(), 0..24).prop_map(|chars| chars.into_iter().collect::<String>()),
        1 => (0..FRAGMENTS.len())
            .prop_map(|i| String::from_utf8_lossy(FRAGMENTS[i]).into_owned()),
        1 => (1usize..5000).prop_map(|n| "x".repeat(n)),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text.clone().prop_map(Value::from),
    ];
    let key = if keys.is_empty() {
        text.boxed()
    } else {
        let count = keys.len();
        prop_oneof![
            3 => (0..count).prop_map(move |i| keys[i].clone()),
            1 => text,
        ]
        .boxed()
    };
    leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(key.clone(), inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
    .boxed()
}

fn pointers(value: &Value, at: String, found: &mut Vec<String>) {
    found.push(at.clone());
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{i}"), found);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                pointers(item, format!("{at}/{escaped}"), found);
            }
        }
        _ => {}
    }
}

fn edit_json(mut value: Value, which: usize, edit: JsonEdit) -> Vec<u8> {
    let mut found = Vec::new();
    pointers(&value, String::new(), &mut found);
    let pointer = &found[which % found.len()];
    match edit {
        JsonEdit::Replace(replacement) => {
            if let Some(slot) = value.pointer_mut(pointer) {
                *slot = replacement;
            }
        }
        JsonEdit::Remove => {
            if let Some((parent, last)) = pointer.rsplit_once('/') {
                let key = last.replace("~1", "/").replace("~0", "~");
                match value.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.remove(&key);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(index) = key.parse::<usize>()
                            && index < items.len()
                        {
                            items.remove(index);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    serde_json::to_vec(&value).unwrap_or_default()
}

fn keys_of(value: &Value, keys: &mut Vec<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| keys_of(item, keys)),
        Value::Object(map) => {
            for (key, item) in map {
                keys.push(key.clone());
                keys_of(item, keys);
            }
        }
        _ => {}
    }
}

fn inputs(samples: &Arc<Vec<Vec<u8>>>) -> BoxedStrategy<Vec<u8>> {
    let count = samples.len();
    let from = Arc::clone(samples);
    let mutated = (0..count, vec(edit(), 1..6))
        .prop_map(move |(i, edits)| apply(from[i].clone(), &edits))
        .boxed();
    let raw = vec(any::<u8>(), 0..512).boxed();
    let text = vec(any::<char>(), 0..128)
        .prop_map(|chars| chars.into_iter().collect::<String>().into_bytes())
        .boxed();
    let mut branches: Vec<(u32, BoxedStrategy<Vec<u8>>)> = vec![(6, mutated), (1, raw), (1, text)];

    let documents: Arc<Vec<Value>> = Arc::new(
        samples
            .iter()
            .filter_map(|bytes| serde_json::from_slice::<Value>(bytes).ok())
            .collect(),
    );
    if !documents.is_empty() {
        let mut keys = Vec::new();
        documents.iter().for_each(|doc| keys_of(doc, &mut keys));
        keys.sort();
        keys.dedup();
        let edit = prop_oneof![
            4 => any_json(Arc::new(keys)).prop_map(JsonEdit::Replace),
            1 => Just(JsonEdit::Remove),
        ];
        let docs = Arc::clone(&documents);
        let structural = (0..documents.len(), any::<usize>(), vec(edit, 1..4))
            .prop_map(move |(i, which, edits)| {
                let mut bytes = serde_json::to_vec(&docs[i]).unwrap_or_default();
                for (n, edit) in edits.into_iter().enumerate() {
                    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                    bytes = edit_json(value, which.wrapping_add(n * 7), edit);
                }
                bytes
            })
            .boxed();
        branches.push((6, structural));
    }
    Union::new_weighted(branches).boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_stay_inside_the_input_whatever_their_positions() {
        let edits = [
            Edit::Remove {
                at: usize::MAX,
                len: 100,
            },
            Edit::Repeat {
                at: usize::MAX - 1,
                len: 63,
                times: 3,
            },
            Edit::Flip {
                at: usize::MAX,
                bit: 7,
            },
            Edit::Insert {
                at: usize::MAX,
                bytes: b"x".to_vec(),
            },
            Edit::Truncate { at: usize::MAX },
        ];
        for input in [Vec::new(), b"a".to_vec(), b"{\"k\":[1,2]}".to_vec()] {
            let _ = apply(input, &edits);
        }
    }

    #[test]
    fn a_json_edit_can_reach_every_value_of_a_document() {
        let doc: Value = serde_json::from_str(r#"{"a/b":{"c~":[1,{"d":2}]}}"#).unwrap_or_default();
        let mut found = Vec::new();
        pointers(&doc, String::new(), &mut found);
        assert_eq!(found.len(), 6, "{found:?}");
        for which in 0..found.len() {
            let edited = edit_json(doc.clone(), which, JsonEdit::Replace(Value::from("X")));
            assert!(String::from_utf8_lossy(&edited).contains("\"X\""));
            let removed = edit_json(doc.clone(), which, JsonEdit::Remove);
            assert!(serde_json::from_slice::<Value>(&removed).is_ok());
        }
    }
}

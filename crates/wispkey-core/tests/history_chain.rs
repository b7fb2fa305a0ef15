//! The history file on a real disk: entries chain, and any edit, deletion, reordering or cut
//! is reported at the first broken line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wispkey_core::AccountRef;
use wispkey_core::history::{
    History, HistoryFilter, HistoryOperation, HistoryOutcome, NewEntry, to_csv,
};

fn scratch(label: &str) -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!(
        "wispkey-history-{label}-{}-{nanos}",
        std::process::id()
    ))
}

fn history_of_four(label: &str) -> (History, std::path::PathBuf) {
    let dir = scratch(label);
    let history = History::new(&dir);
    let wisp = AccountRef::new("wisp", "did:plc:alice");
    let phala = AccountRef::new("phala", "ws_1");
    history
        .append(NewEntry::new(&wisp, None, HistoryOperation::SignIn))
        .unwrap();
    history
        .append(NewEntry::new(
            &wisp,
            Some("deploy"),
            HistoryOperation::Create,
        ))
        .unwrap();
    history
        .append(
            NewEntry::new(&phala, Some("wh_1"), HistoryOperation::Rotate)
                .outcome_of::<()>(&Err(wispkey_core::Error::ServiceFailed)),
        )
        .unwrap();
    history
        .append(NewEntry::new(
            &wisp,
            Some("deploy"),
            HistoryOperation::Rotate,
        ))
        .unwrap();
    (history, dir)
}

fn rewrite(history: &History, edit: impl FnOnce(&mut Vec<String>)) {
    let text = std::fs::read_to_string(history.path()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    edit(&mut lines);
    std::fs::write(history.path(), lines.join("\n") + "\n").unwrap();
}

#[test]
fn appended_entries_chain_and_verify() {
    let (history, dir) = history_of_four("intact");
    let entries = history.entries().unwrap();
    assert_eq!(
        entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(entries[1].prev, entries[0].hash);
    let check = history.verify().unwrap();
    assert_eq!((check.intact_entries, check.first_broken), (4, None));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_edited_line_is_reported_at_that_line() {
    let (history, dir) = history_of_four("edited");
    rewrite(&history, |lines| {
        lines[2] = lines[2].replace("\"failed\"", "\"succeeded\"")
    });
    let broken = history.verify().unwrap().first_broken.unwrap();
    assert_eq!(broken.line, 3);
    assert!(broken.reason.contains("edited"), "{}", broken.reason);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_deleted_line_is_reported_where_the_gap_is() {
    let (history, dir) = history_of_four("deleted");
    rewrite(&history, |lines| {
        lines.remove(1);
    });
    assert_eq!(history.verify().unwrap().first_broken.unwrap().line, 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn reordered_lines_are_reported() {
    let (history, dir) = history_of_four("reordered");
    rewrite(&history, |lines| lines.swap(1, 2));
    let check = history.verify().unwrap();
    assert_eq!(check.first_broken.unwrap().line, 2);
    assert_eq!(check.intact_entries, 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn lines_cut_off_the_end_are_reported_from_the_head() {
    let (history, dir) = history_of_four("truncated");
    rewrite(&history, |lines| {
        lines.pop();
    });
    let broken = history.verify().unwrap().first_broken.unwrap();
    assert_eq!(broken.line, 4);
    assert!(
        broken.reason.contains("entry 4 was written last"),
        "{}",
        broken.reason
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_recomputed_hash_after_an_edit_still_breaks_the_next_link() {
    let (history, dir) = history_of_four("rehashed");
    rewrite(&history, |lines| {
        let mut entry: wispkey_core::history::HistoryEntry =
            serde_json::from_str(&lines[1]).unwrap();
        entry.secret_id = Some("other".into());
        entry.hash = entry.expected_hash();
        lines[1] = serde_json::to_string(&entry).unwrap();
    });
    assert_eq!(history.verify().unwrap().first_broken.unwrap().line, 3);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn filters_choose_entries_and_csv_quotes_and_defuses_formulas() {
    let (history, dir) = history_of_four("filters");
    let rotations = HistoryFilter {
        operation: Some(HistoryOperation::Rotate),
        ..HistoryFilter::default()
    }
    .apply(history.entries().unwrap());
    assert_eq!(rotations.len(), 2);
    let failed = HistoryFilter {
        outcome: Some(HistoryOutcome::Failed),
        provider: Some("phala".into()),
        ..HistoryFilter::default()
    }
    .apply(history.entries().unwrap());
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].code, Some(wispkey_core::ErrorCode::ServiceFailed));
    let texty = HistoryFilter {
        text: Some("DEPLOY".into()),
        ..HistoryFilter::default()
    }
    .apply(history.entries().unwrap());
    assert_eq!(texty.len(), 2);

    let mut odd = history.entries().unwrap().remove(0);
    odd.note = Some("=HYPERLINK(\"x\"), said \"hi\"".into());
    let csv = to_csv(&[odd]);
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next(),
        Some("seq,time,provider,account,secret_id,operation,outcome,code,note,hash")
    );
    assert!(
        csv.contains(r#""'=HYPERLINK(""x""), said ""hi""""#),
        "{csv}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn appends_from_several_threads_keep_one_chain() {
    let dir = scratch("threads");
    let account = AccountRef::new("wisp", "did:plc:alice");
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                let history = History::new(&dir);
                for _ in 0..10 {
                    history
                        .append(NewEntry::new(&account, None, HistoryOperation::CopyStored))
                        .unwrap();
                }
            });
        }
    });
    let check = History::new(&dir).verify().unwrap();
    assert_eq!((check.intact_entries, check.first_broken), (40, None));
    std::fs::remove_dir_all(dir).unwrap();
}

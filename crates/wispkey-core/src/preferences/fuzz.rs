//! Fuzz target for `preferences.json`: whatever is in the file, loading gives valid
//! preferences (the file's, or the defaults), and saving them loads back the same.

use super::*;

#[test]
fn fuzz_preference_files_never_panic_and_load_valid_preferences_that_round_trip() {
    let dir = std::env::temp_dir().join(format!("wispkey-fuzz-preferences-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    wispkey_fuzz_kit::run("preferences-file", |bytes| {
        std::fs::write(dir.join(FILE_NAME), bytes).unwrap();
        let loaded = Preferences::load(Some(&dir));
        assert!(loaded.validate().is_ok(), "{loaded:?}");
        loaded.save(&dir).unwrap();
        assert_eq!(Preferences::load(Some(&dir)), loaded);
    });
    let _ = std::fs::remove_dir_all(&dir);
}

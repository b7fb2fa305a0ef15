//! Fuzz target for `settings.json`, the user's own file: anything in it loads or is refused
//! with the invalid-settings sentence, never a panic.

use wispkey_core::ErrorCode;

use super::*;

#[test]
fn fuzz_settings_files_never_panic_and_a_refusal_is_invalid_settings() {
    let dir = std::env::temp_dir().join(format!("wispkey-fuzz-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    wispkey_fuzz_kit::run("settings-file", |bytes| {
        std::fs::write(dir.join(FILE_NAME), bytes).unwrap();
        match NetworkSettings::load(Some(&dir)) {
            Ok(settings) => {
                let _ = settings.identity();
            }
            Err(error) => assert_eq!(error.code(), ErrorCode::InvalidSettings, "{error:?}"),
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
}

//! The benchmark's reference window: Tauri's defaults, one window, a page with one element.
//! The page records `performance.mark("empty:first-dom")` when its DOM is ready, which the bench
//! reads over WebDriver, the same way it reads Wispkey's `wispkey:list-interactive`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    match tauri::Builder::default().run(tauri::generate_context!()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("empty window could not start: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

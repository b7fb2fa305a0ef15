//! `wispkey`: the command line over `wispkey_app::App`, the same app layer, keychain and
//! invariants as the desktop window. Each verb is a few lines in [`verbs`]; what only a
//! terminal needs (choosing the account, asking for the name, the clipboard wait) is here too.
//!
//! Tokens go to stdout and only when asked; everything else a person reads goes to stderr.

mod args;
mod exit;
mod failure;
mod stage;
mod tools;
mod verbs;

use std::process::ExitCode;

use clap::Parser;

use crate::args::Cli;
use crate::failure::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.touches_keychain() {
        // The keychain connection's handshake and key exchange run on the keychain thread
        // while the runtime and the app are set up; the first read then finds it open.
        wispkey_core::vault::Vault::connect_ahead();
    }
    // The same log folder as the window. Without one the command still runs: its output is
    // what a terminal user reads anyway.
    let _ = wispkey_app::logging::init("cli");
    let json = cli.json;
    let result = run(cli);
    match result {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            failure.report(json);
            ExitCode::from(failure.exit_code())
        }
    }
}

fn run(cli: Cli) -> failure::Outcome<u8> {
    // The OAuth flow nests deep futures that overflow tokio's default 2 MiB worker stacks in
    // debug builds; the verb runs on a worker with 8 MiB, like the desktop app's commands.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 * 1024 * 1024)
        .build()
        .map_err(|error| internal(error.to_string()))?;
    let app = wispkey_app::App::load(wispkey_app::default_config_dir().as_deref())?;
    let task = runtime.spawn(async move { verbs::run(&app, cli).await });
    let outcome = runtime.block_on(task);
    // The verb has awaited everything it started (a token is stored and read back before it
    // returns); the idle worker and blocking-pool threads need not be woken and joined one by
    // one before the process exits.
    runtime.shutdown_background();
    outcome.map_err(|error| internal(error.to_string()))?
}

fn internal(detail: String) -> Failure {
    wispkey_core::Error::Internal { detail }.into()
}

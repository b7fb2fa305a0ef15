//! `slate-service`: see `slate-service --help`.

use std::process::ExitCode;

use slate_service::cli::{self, Command};
use slate_service::{Error, start};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("slate-service: {e}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<(), Error> {
    let config = match cli::parse(std::env::args().skip(1))? {
        Command::Help => {
            println!("{}", cli::USAGE);
            return Ok(());
        }
        Command::Run(config) => config,
    };
    let running = start(*config).await?;
    service_kit::ready::announce(&running.ready_line())?;
    // Serve until killed; every write is atomic, so SIGTERM/SIGKILL are safe.
    std::future::pending::<()>().await;
    drop(running);
    Ok(())
}

//! After the rotate, on the terminal: `wispkey verify` (the signature tester), `wispkey
//! test-receiver` (one signed test delivery) and `wispkey log` (the history). Each is a few
//! lines over the app layer; what only a terminal needs (reading files, asking) is here.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use wispkey_app::App;
use wispkey_app::tools::TesterSecret;
use wispkey_core::ErrorCode;
use wispkey_core::history::{HistoryFilter, HistoryOperation, HistoryOutcome};
use wispkey_core::signature::{Delivery, SignatureScheme};

use crate::exit;
use crate::failure::{Failure, Outcome};
use crate::verbs::{choose_account, print_json, print_table, read_line, read_secret};

/// Where the delivery comes from.
pub struct DeliveryInput {
    pub request: Option<PathBuf>,
    pub headers: Option<PathBuf>,
    pub header: Vec<String>,
    pub body: Option<PathBuf>,
}

fn read_file(path: &Path) -> Outcome<Vec<u8>> {
    std::fs::read(path).map_err(|error| {
        Failure::new(
            ErrorCode::InvalidDelivery,
            format!("{} could not be read: {error}.", path.display()),
        )
    })
}

fn delivery(input: DeliveryInput) -> Outcome<Delivery> {
    if let Some(path) = &input.request {
        return Ok(Delivery::from_raw_request(&read_file(path)?)?);
    }
    let mut headers = match &input.headers {
        Some(path) => String::from_utf8_lossy(&read_file(path)?).into_owned(),
        None => String::new(),
    };
    for line in &input.header {
        headers.push('\n');
        headers.push_str(line);
    }
    let Some(body) = &input.body else {
        return Err(Failure::new(
            ErrorCode::InvalidDelivery,
            "Give the delivery as --request FILE, or as --body FILE with --headers FILE or -H \"Name: value\".",
        ));
    };
    Ok(Delivery::from_parts(&headers, read_file(body)?)?)
}

pub async fn verify(
    app: &App,
    chosen: Option<&str>,
    json: bool,
    scheme: &str,
    input: DeliveryInput,
    stored: Option<String>,
) -> Outcome<u8> {
    let scheme = SignatureScheme::from_short_name(scheme).ok_or_else(|| {
        Failure::new(
            ErrorCode::InvalidRequest,
            format!("There is no scheme \"{scheme}\". Use wisp, phala or standard."),
        )
    })?;
    let delivery = delivery(input)?;
    let report = match stored {
        Some(id) => {
            let account = choose_account(app, chosen).await?;
            let secret = TesterSecret::Stored {
                account: &account.account,
                id: &id,
            };
            app.verify_delivery(scheme, secret, &delivery).await?
        }
        None => {
            let secret = read_secret("The signing secret (it is not shown): ")?;
            app.verify_delivery(scheme, TesterSecret::Pasted(&secret), &delivery)
                .await?
        }
    };
    if json {
        print_json(&report)?;
    }
    if report.valid {
        eprintln!(
            "Valid: the delivery is signed with this secret ({}).",
            scheme.label()
        );
        return Ok(exit::OK);
    }
    eprintln!("Not valid ({}):", scheme.label());
    for sentence in &report.sentences {
        eprintln!("  - {sentence}");
    }
    Ok(exit::NOT_VERIFIED)
}

pub async fn test_receiver(
    app: &App,
    chosen: Option<&str>,
    json: bool,
    id: &str,
    url: Option<String>,
) -> Outcome<u8> {
    let account = choose_account(app, chosen).await?;
    let url = match url {
        Some(url) => url,
        None => confirm_url(app, &account.account, id).await?,
    };
    eprintln!("Sending one test delivery for \"{id}\" to {url}…");
    let result = app.test_receiver(&account.account, id, &url).await?;
    let verdict = if result.accepted {
        "accepted"
    } else {
        "refused"
    };
    eprintln!(
        "HTTP {} in {} ms: the receiver {verdict} it (delivery {}).",
        result.status, result.elapsed_ms, result.delivery_id
    );
    if json {
        print_json(&result)?;
    }
    Ok(exit::OK)
}

/// On a terminal: offers the provider's URL (or asks for one) and asks before sending.
async fn confirm_url(app: &App, account: &wispkey_core::AccountRef, id: &str) -> Outcome<String> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(
            ErrorCode::InvalidRequest,
            "Nothing was sent: give the receiver's address with --url (there is no terminal to confirm it on).",
        ));
    }
    let plan = app.receiver_test_plan(account, id).await?;
    let url = match plan.suggested_urls.first() {
        Some(known) => {
            let typed = read_line(&format!("Receiver URL [{known}]: "))?;
            if typed.trim().is_empty() {
                known.clone()
            } else {
                typed.trim().to_owned()
            }
        }
        None => read_line("Receiver URL: ")?.trim().to_owned(),
    };
    let answer = read_line(&format!("Send one signed test delivery to {url}? [y/N] "))?;
    if !answer.trim().eq_ignore_ascii_case("y") {
        return Err(Failure::new(ErrorCode::InvalidRequest, "Nothing was sent."));
    }
    Ok(url)
}

pub fn log_filter(
    account: Option<&str>,
    provider: Option<String>,
    secret: Option<String>,
    operation: Option<String>,
    outcome: Option<String>,
    since: Option<String>,
) -> Outcome<HistoryFilter> {
    let operation = operation
        .map(|text| {
            HistoryOperation::parse(&text).ok_or_else(|| {
                Failure::new(
                    ErrorCode::InvalidRequest,
                    format!(
                        "There is no operation \"{text}\" in the history; see `wispkey log --help`."
                    ),
                )
            })
        })
        .transpose()?;
    let outcome = outcome
        .map(|text| {
            HistoryOutcome::parse(&text).ok_or_else(|| {
                Failure::new(
                    ErrorCode::InvalidRequest,
                    format!("There is no outcome \"{text}\": use succeeded, failed or unknown."),
                )
            })
        })
        .transpose()?;
    Ok(HistoryFilter {
        provider,
        account: account.map(str::to_owned),
        secret_id: secret,
        operation,
        outcome,
        since,
        text: None,
    })
}

pub fn log(app: &App, json: bool, csv: bool, verify: bool, filter: &HistoryFilter) -> Outcome<u8> {
    if verify {
        let check = app.verify_history()?;
        if json {
            print_json(&check)?;
        }
        return Ok(match check.first_broken {
            None => {
                eprintln!(
                    "The history is intact: {} entries, each linked to the one before.",
                    check.intact_entries
                );
                exit::OK
            }
            Some(broken) => {
                eprintln!(
                    "The history was changed: line {} is the first broken link ({} entries before it are intact): {}",
                    broken.line, check.intact_entries, broken.reason
                );
                exit::NOT_VERIFIED
            }
        });
    }
    if csv {
        print!("{}", app.history_csv(filter)?);
        return Ok(exit::OK);
    }
    let entries = app.history_entries(filter)?;
    if json {
        print_json(&entries)?;
    } else if entries.is_empty() {
        eprintln!("Nothing in the history matches.");
    } else {
        print_table(
            [
                "TIME",
                "OPERATION",
                "OUTCOME",
                "PROVIDER",
                "ACCOUNT",
                "SECRET",
                "NOTE",
            ],
            entries.iter().map(|entry| {
                let outcome = match entry.code {
                    Some(code) => format!("{} ({})", entry.outcome.as_str(), code.as_str()),
                    None => entry.outcome.as_str().to_owned(),
                };
                [
                    entry
                        .time
                        .get(..19)
                        .unwrap_or(&entry.time)
                        .replace('T', " "),
                    entry.operation.as_str().to_owned(),
                    outcome,
                    entry.provider.clone(),
                    entry.account.clone(),
                    entry.secret_id.clone().unwrap_or_default(),
                    entry.note.clone().unwrap_or_default(),
                ]
            }),
        );
    }
    Ok(exit::OK)
}

//! `wispkey stage …`: the staged rotation, one command per step (see
//! `wispkey_app::staged`). Every run reads the saved progress first, so each command is also a
//! resume after a restart.

use std::io::{BufRead, IsTerminal, Write};

use wispkey_app::App;
use wispkey_app::staged::StagedStatus;
use wispkey_core::staged::{ReceiverCheck, StagedRotation, StagedStep};
use wispkey_core::{AccountRef, ErrorCode};

use crate::args::StageStep;
use crate::exit;
use crate::failure::{Failure, Outcome};
use crate::verbs::{confirmation, print_json, print_table, report_issued};

pub async fn run(app: &App, account: &AccountRef, step: StageStep, json: bool) -> Outcome<u8> {
    match step {
        StageStep::List => {
            let rotations = app.staged_rotations(account)?;
            if json {
                print_json(&rotations)?;
            } else if rotations.is_empty() {
                eprintln!(
                    "No staged rotation is in progress. Start one with `wispkey stage start OLD`."
                );
            } else {
                print_table(
                    ["OLD", "NEW", "STEP", "NEXT"],
                    rotations.iter().map(|rotation| {
                        [
                            rotation.old_name.clone(),
                            rotation.new_name.clone(),
                            step_label(rotation.step).to_owned(),
                            rotation.next_step().to_owned(),
                        ]
                    }),
                );
            }
            Ok(exit::OK)
        }
        StageStep::Start { old, name, show } => {
            let new_name = match name {
                Some(name) => name,
                None => app.staged_suggested_name(account, &old).await?,
            };
            eprintln!(
                "Creating \"{new_name}\" to replace \"{old}\" (the old secret keeps working)…"
            );
            let (issued, _) = app.staged_start(account, &old, &new_name).await?;
            let code = report_issued(app, account, issued, show, json)?;
            eprintln!(
                "Next: add the new secret to your receiver so it accepts deliveries signed with \
                 either secret, then run `wispkey stage deployed {old}`."
            );
            Ok(code)
        }
        StageStep::Status { old } => {
            let status = app.staged_status(account, &old).await?;
            if json {
                print_json(&status)?;
            } else {
                print_status(&status);
            }
            Ok(exit::OK)
        }
        StageStep::Deployed { old } => {
            let rotation = app.staged_deployed(account, &old).await?;
            eprintln!(
                "Noted: your receiver accepts \"{}\". Next: test it with `wispkey stage test {old} --url URL`.",
                rotation.new_name
            );
            finish_json(json, &rotation)
        }
        StageStep::Test { old, url, vouch } => {
            let rotation = match (url, vouch) {
                (Some(url), _) => {
                    eprintln!("Sending one test delivery signed with the new secret to {url}…");
                    let (result, rotation) = app.staged_test_receiver(account, &old, &url).await?;
                    eprintln!(
                        "The receiver answered HTTP {} in {} ms ({}).",
                        result.status,
                        result.elapsed_ms,
                        if result.accepted {
                            "accepted"
                        } else {
                            "refused"
                        }
                    );
                    rotation
                }
                (None, true) => {
                    app.staged_tested(account, &old, ReceiverCheck::vouched())
                        .await?
                }
                (None, false) => {
                    return Err(Failure::new(
                        ErrorCode::InvalidRequest,
                        "Give --url to send one test delivery signed with the new secret, or \
                         --vouch that your receiver accepted it. Nothing was recorded.",
                    ));
                }
            };
            if rotation.step == StagedStep::Tested {
                eprintln!(
                    "Next: switch the webhooks with `wispkey stage switch {old}` (see `wispkey stage status {old}`)."
                );
            } else {
                eprintln!(
                    "The receiver did not accept the new secret: fix its configuration and test again before switching."
                );
            }
            finish_json(json, &rotation)
        }
        StageStep::Switch {
            old,
            webhooks,
            one,
            yes,
        } => switch(app, account, &old, webhooks, one, yes, json).await,
        StageStep::Finish {
            old,
            delete_old,
            keep_old,
            confirm,
        } => {
            if !delete_old && !keep_old {
                return Err(Failure::new(
                    ErrorCode::InvalidRequest,
                    "Say how to finish: --delete-old (only once no webhook uses it) or \
                     --keep-old. Nothing was changed.",
                ));
            }
            let confirm = if delete_old {
                let status = app.staged_status(account, &old).await?;
                if !status.can_delete_old {
                    // Said before asking for the name; the app checks again before deleting.
                    app.staged_finish(account, &old, Some("")).await?;
                }
                Some(confirmation(app, account, &old, confirm, "Deleting").await?)
            } else {
                None
            };
            let finished = app.staged_finish(account, &old, confirm.as_deref()).await?;
            if finished.old_deleted {
                eprintln!("Deleted \"{old}\". The staged rotation is finished.");
            } else {
                eprintln!("Kept \"{old}\". The staged rotation is finished.");
            }
            if json {
                print_json(&finished)?;
            }
            Ok(exit::OK)
        }
        StageStep::Cancel { old } => {
            let rotation = app.staged_cancel(account, &old).await?;
            let switched = rotation.webhooks.iter().filter(|w| w.switched).count();
            eprintln!(
                "Stopped tracking the staged rotation of \"{}\". Nothing was deleted: \"{}\" and \"{}\" both still exist; {switched} webhook(s) already use \"{}\".",
                rotation.old_name, rotation.old_name, rotation.new_name, rotation.new_name
            );
            finish_json(json, &rotation)
        }
    }
}

fn finish_json(json: bool, rotation: &StagedRotation) -> Outcome<u8> {
    if json {
        print_json(rotation)?;
    }
    Ok(exit::OK)
}

fn step_label(step: StagedStep) -> &'static str {
    match step {
        StagedStep::Creating => "creating",
        StagedStep::Created => "created",
        StagedStep::Deployed => "deployed",
        StagedStep::Tested => "tested",
        StagedStep::Switching => "switching",
        StagedStep::Switched => "switched",
    }
}

fn print_status(status: &StagedStatus) {
    let rotation = &status.rotation;
    println!(
        "\"{}\" → \"{}\": {} (next: {})",
        rotation.old_name,
        rotation.new_name,
        step_label(rotation.step),
        status.next_step
    );
    if !status.new_token_stored {
        println!("The new secret's token is not in this machine's keychain.");
    }
    for (label, list) in [("old", &status.on_old), ("new", &status.on_new)] {
        println!("Webhooks on the {label} secret: {}", list.len());
        for webhook in list.iter() {
            let state = if webhook.enabled { "" } else { " (disabled)" };
            println!("  {}{state}  {}", webhook.url, webhook.id);
        }
    }
    if let Some(failure) = &rotation.last_failure {
        println!("Last failure: {failure}");
    }
    if !rotation.set_aside.is_empty() {
        println!(
            "Set aside (deleted or changed elsewhere): {}",
            rotation.set_aside.join(", ")
        );
    }
    if status.can_delete_old {
        println!("No webhook uses the old secret: it can be deleted.");
    }
}

async fn switch(
    app: &App,
    account: &AccountRef,
    old: &str,
    webhooks: Vec<String>,
    one: bool,
    yes: bool,
    json: bool,
) -> Outcome<u8> {
    let status = app.staged_status(account, old).await?;
    let rotation = &status.rotation;
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::new(
                ErrorCode::InvalidRequest,
                "Switching webhooks must be confirmed, and there is no terminal to ask on, so \
                 nothing was written. Pass --yes.",
            ));
        }
        eprintln!(
            "Webhooks on \"{}\" are switched to \"{}\" one at a time; your receiver must accept both.",
            rotation.old_name, rotation.new_name
        );
        for webhook in &status.on_old {
            eprintln!("  {}", webhook.url);
        }
        eprint!("Type yes to switch: ");
        let _ = std::io::stderr().flush();
        let mut typed = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut typed)
            .map_err(|error| Failure::new(ErrorCode::InvalidRequest, error.to_string()))?;
        if typed.trim() != "yes" {
            return Err(Failure::new(
                ErrorCode::InvalidRequest,
                "Not confirmed, so nothing was written.",
            ));
        }
    }
    let chosen = (!webhooks.is_empty()).then_some(webhooks.as_slice());
    let rotation = app
        .staged_switch(account, old, chosen, one.then_some(1), |webhook| {
            eprintln!("Switched {}.", webhook.url);
        })
        .await?;
    let left = rotation.pending().len();
    if rotation.step == StagedStep::Switched {
        eprintln!(
            "Every chosen webhook now uses \"{}\" (checked by reading them again). Next: `wispkey stage finish {old} --delete-old`.",
            rotation.new_name
        );
    } else {
        eprintln!("{left} webhook(s) still to switch: run `wispkey stage switch {old}` again.");
    }
    finish_json(json, &rotation)
}

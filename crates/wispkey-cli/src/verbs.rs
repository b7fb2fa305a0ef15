//! The verbs, each a few lines over [`App`]. Returns the exit code on success (0, or the
//! keychain's code when a token came back but could not be stored).

use std::io::{BufRead, IsTerminal, Write};

use serde::Serialize;
use wispkey_app::App;
use wispkey_app::views::{DeleteOutcome, IssuedSecret, SecretRow};
use wispkey_core::browser::{BrowserOpener, CommandBrowser};
use wispkey_core::provider::{CredentialFields, Login, SignInMethod, SignInRequest};
use wispkey_core::tokens::Issued;
use wispkey_core::{AccountRef, AccountView, Error, ErrorCode, SecretString};

use crate::args::{Cli, Command};
use crate::exit;
use crate::failure::{Failure, Outcome};

pub async fn run(app: &App, cli: Cli) -> Outcome<u8> {
    let json = cli.json;
    let chosen = cli.account.as_deref();
    let interrupted = app.interrupted_operations().await;
    for record in &interrupted {
        eprintln!("{}", interrupted_sentence(record));
    }
    match cli.command {
        Command::Accounts => {
            let accounts = app.restore_accounts().await?;
            if json {
                print_json(&accounts)?;
            } else if accounts.is_empty() {
                eprintln!(
                    "No account is signed in. Sign in with `wispkey login HANDLE` (or `wispkey login --provider phala`)."
                );
            } else {
                print_table(
                    ["PROVIDER", "ACCOUNT", "ID"],
                    accounts.iter().map(|view| {
                        [
                            view.provider_label.clone(),
                            view.label.clone(),
                            view.account.id.clone(),
                        ]
                    }),
                );
            }
            Ok(exit::OK)
        }
        Command::Login {
            provider,
            identity,
            full_access,
            server,
            email,
            password_stdin,
            code,
            api_token_stdin,
            webhooks,
        } => {
            let account = match credential_fields(app, &provider) {
                Some(fields) => {
                    let given = GivenCredentials {
                        server,
                        email,
                        password_stdin,
                        code,
                        api_token_stdin,
                    };
                    sign_in_with_credentials(app, &provider, &fields, given).await?
                }
                None => {
                    let request = sign_in_request(app, &provider, identity, full_access, webhooks)?;
                    app.sign_in(&provider, request, browser().as_ref()).await?
                }
            };
            eprintln!(
                "Signed in as {} ({}, {}).",
                account.label, account.provider_label, account.account.id
            );
            if let Some(note) = &account.reauthorize_note {
                eprintln!("{note}");
            }
            if json {
                print_json(&account)?;
            }
            Ok(exit::OK)
        }
        Command::Logout => {
            let account = choose_account(app, chosen).await?;
            let (outcome, cleared) = app.sign_out(&account.account).await?;
            eprintln!("Signed out of {}.", account.label);
            if !outcome.revoked_at_server {
                eprintln!("{}", not_revoked_note(app, &account));
            }
            if cleared {
                eprintln!("The clipboard was cleared.");
            }
            if json {
                print_json(&outcome)?;
            }
            Ok(exit::OK)
        }
        Command::List => {
            let account = choose_account(app, chosen).await?;
            let rows = app.list_secrets(&account.account).await?;
            if json {
                print_json(&rows)?;
            } else {
                print_secrets(&rows);
            }
            // The list just shown is the check those notices asked for.
            for record in interrupted.iter().filter(|r| r.account == account.account) {
                app.dismiss_interrupted(&record.entry)?;
                eprintln!(
                    "Check \"{}\" above: if its last-rotated time is after {}, the {} happened \
                     and its token was lost; rotate it again to get one.",
                    record.name,
                    record.started_at,
                    record.operation.verb()
                );
            }
            Ok(exit::OK)
        }
        Command::Create { name, show } => {
            let account = choose_account(app, chosen).await?;
            eprintln!("Creating \"{name}\"…");
            let issued = app.create_secret(&account.account, &name).await?;
            report_issued(app, &account.account, issued, show, json)
        }
        Command::Rotate {
            id,
            confirm,
            code,
            show,
        } => {
            let account = choose_account(app, chosen).await?;
            let confirm = confirmation(app, &account.account, &id, confirm, "Rotating").await?;
            let issued = rotate(app, &account.account, &id, &confirm, code).await?;
            report_issued(app, &account.account, issued, show, json)
        }
        Command::Delete {
            id,
            confirm,
            keep_local_copy,
        } => {
            let account = choose_account(app, chosen).await?;
            let confirm = confirmation(app, &account.account, &id, confirm, "Deleting").await?;
            eprintln!("Deleting \"{id}\"…");
            let removed = app
                .delete_secret(&account.account, &id, &confirm, !keep_local_copy)
                .await?;
            eprintln!("Deleted \"{id}\".");
            if removed {
                eprintln!("Its token was removed from the keychain.");
            }
            if json {
                print_json(&DeleteOutcome {
                    local_copy_removed: removed,
                })?;
            }
            Ok(exit::OK)
        }
        Command::Copy {
            id,
            even_if_out_of_date,
        } => {
            let account = choose_account(app, chosen).await?;
            copy(app, &account.account, &id, even_if_out_of_date).await
        }
        Command::Store { id } => {
            let account = choose_account(app, chosen).await?;
            let secret = read_secret("Paste the secret (it is not shown): ")?;
            app.store_pasted_secret(&account.account, &id, &secret)
                .await?;
            eprintln!("The secret of \"{id}\" is stored in the keychain (and was read back).");
            if json {
                print_json(&serde_json::json!({ "stored": id }))?;
            }
            Ok(exit::OK)
        }
        Command::Stage { step } => {
            let account = choose_account(app, chosen).await?;
            crate::stage::run(app, &account.account, step, json).await
        }
        Command::Forget { id } => {
            let account = choose_account(app, chosen).await?;
            app.forget_stored_token(&account.account, &id).await?;
            eprintln!("The token of \"{id}\" is no longer stored on this machine.");
            if json {
                print_json(&serde_json::json!({ "forgotten": id }))?;
            }
            Ok(exit::OK)
        }
        Command::Verify {
            scheme,
            request,
            headers,
            header,
            body,
            stored,
        } => {
            let input = crate::tools::DeliveryInput {
                request,
                headers,
                header,
                body,
            };
            crate::tools::verify(app, chosen, json, &scheme, input, stored).await
        }
        Command::MaxAge { id, days } => {
            let account = choose_account(app, chosen).await?;
            let days = match days.as_str() {
                "default" => None,
                number => Some(number.parse::<u32>().map_err(|_| {
                    Failure::new(
                        ErrorCode::InvalidRequest,
                        format!("\"{number}\" is not a number of days; give one, or `default`."),
                    )
                })?),
            };
            app.set_max_age(&account.account, &id, days)?;
            match days {
                Some(days) => eprintln!("\"{id}\" is overdue once not rotated for {days} days."),
                None => eprintln!("\"{id}\" uses the default maximum age from the settings again."),
            }
            Ok(exit::OK)
        }
        Command::TestReceiver { id, url } => {
            crate::tools::test_receiver(app, chosen, json, &id, url).await
        }
        Command::Log {
            csv,
            verify,
            provider,
            secret,
            operation,
            outcome,
            since,
        } => {
            let filter =
                crate::tools::log_filter(chosen, provider, secret, operation, outcome, since)?;
            crate::tools::log(app, json, csv, verify, &filter)
        }
    }
}

/// What `login` sends, by how the provider signs in (its descriptor says).
fn sign_in_request(
    app: &App,
    provider: &str,
    identity: Option<String>,
    full_access: bool,
    edit_webhooks: bool,
) -> Outcome<SignInRequest> {
    let descriptor = app
        .providers()
        .into_iter()
        .find(|descriptor| descriptor.id == provider)
        .ok_or_else(|| {
            Failure::new(
                ErrorCode::UnknownProvider,
                format!("There is no provider \"{provider}\". Use wisp, phala or slate."),
            )
        })?;
    match descriptor.sign_in {
        SignInMethod::OAuth { identity_label, .. } => {
            let identity = identity.ok_or_else(|| {
                Failure::new(
                    ErrorCode::InvalidRequest,
                    format!("Give your {identity_label} after `wispkey login`."),
                )
            })?;
            eprintln!("Opening the sign-in page in your browser; finish signing in there…");
            Ok(SignInRequest::OAuth {
                identity,
                full_access,
                edit_webhooks,
            })
        }
        SignInMethod::ApiKey { key_label } => {
            let key = read_secret(&format!("{key_label} (it is not shown): "))?;
            eprintln!("Checking the key with {}…", descriptor.label);
            Ok(SignInRequest::ApiKey { key })
        }
        SignInMethod::Credentials { .. } => Err(Failure::new(
            ErrorCode::Unsupported,
            format!(
                "Signing in to {} from the terminal is not available yet.",
                descriptor.label
            ),
        )),
    }
}

/// The provider's server-and-credentials fields, when that is how it signs in.
fn credential_fields(app: &App, provider: &str) -> Option<CredentialFields> {
    app.providers()
        .into_iter()
        .find(|descriptor| descriptor.id == provider)
        .and_then(|descriptor| match descriptor.sign_in {
            SignInMethod::Credentials { fields } => Some(fields),
            _ => None,
        })
}

/// What `login` was given for a server-and-credentials sign-in.
struct GivenCredentials {
    server: Option<String>,
    email: Option<String>,
    password_stdin: bool,
    code: Option<String>,
    api_token_stdin: bool,
}

/// Signs in at a server with email and password (asking for the authenticator code when the
/// server wants one and there is a terminal), or with a token read from standard input.
async fn sign_in_with_credentials(
    app: &App,
    provider: &str,
    fields: &CredentialFields,
    given: GivenCredentials,
) -> Outcome<AccountView> {
    let server = given
        .server
        .filter(|server| !server.trim().is_empty())
        .unwrap_or_else(|| fields.default_server.clone());
    if server.trim().is_empty() {
        return Err(Failure::new(
            ErrorCode::InvalidRequest,
            format!(
                "Give the {} with --server URL.",
                fields.server_label.to_lowercase()
            ),
        ));
    }
    if given.api_token_stdin {
        let label = fields.token_label.as_deref().unwrap_or("token");
        let token = read_secret(&format!("{label} (it is not shown): "))?;
        let request = SignInRequest::Credentials {
            server,
            login: Login::Token { token },
        };
        return Ok(app.sign_in(provider, request, browser().as_ref()).await?);
    }
    let Some(email) = given.email.filter(|email| !email.trim().is_empty()) else {
        return Err(Failure::new(
            ErrorCode::InvalidRequest,
            "Give your email with --email (or sign in with --api-token-stdin).",
        ));
    };
    let password = if given.password_stdin {
        let line = read_line("")?;
        SecretString::new(line)
    } else {
        read_secret("Password (it is not shown): ")?
    };
    let mut code = given.code.map(|code| SecretString::new(code.trim()));
    loop {
        let request = SignInRequest::Credentials {
            server: server.clone(),
            login: Login::Password {
                email: email.clone(),
                password: password.clone(),
                code: code.clone(),
            },
        };
        match app.sign_in(provider, request, browser().as_ref()).await {
            Err(error @ (Error::SignInCodeRequired { .. } | Error::SecondFactorInvalid { .. }))
                if std::io::stdin().is_terminal() =>
            {
                eprintln!("{error}");
                let typed = read_line("Authenticator code (empty to give up): ")?;
                if typed.trim().is_empty() {
                    return Err(error.into());
                }
                code = Some(SecretString::new(typed.trim()));
            }
            other => return Ok(other?),
        }
    }
}

/// What logout says when the server was not told: an API key stays valid until it is revoked
/// in the provider's dashboard; a session ends on its own.
fn not_revoked_note(app: &App, account: &AccountView) -> String {
    let by_key = app.providers().into_iter().any(|descriptor| {
        descriptor.id == account.account.provider
            && matches!(descriptor.sign_in, SignInMethod::ApiKey { .. })
    });
    if by_key {
        format!(
            "The API key was removed from this machine but still works at {}: revoke it in \
             its dashboard if it should stop working.",
            account.provider_label
        )
    } else {
        "The service could not be told; its session ends on its own when it expires.".to_owned()
    }
}

/// Sends the rotate; when the provider asks for a second factor and there is a terminal, asks
/// for the code and sends once more — the user's act after a refusal that changed nothing, not
/// an automatic retry. Without a terminal the refusal is the answer (pass --code).
async fn rotate(
    app: &App,
    account: &AccountRef,
    id: &str,
    confirm: &str,
    code: Option<String>,
) -> Outcome<Issued> {
    let mut code = code.map(|code| SecretString::new(code.trim()));
    loop {
        eprintln!("Rotating \"{id}\"…");
        match app.rotate_secret(account, id, confirm, code.as_ref()).await {
            Err(
                error @ (Error::SecondFactorRequired { .. } | Error::SecondFactorInvalid { .. }),
            ) if std::io::stdin().is_terminal() => {
                eprintln!("{error}");
                let typed = read_line("Two-factor code (empty to give up): ")?;
                if typed.trim().is_empty() {
                    return Err(error.into());
                }
                code = Some(SecretString::new(typed.trim()));
            }
            other => return Ok(other?),
        }
    }
}

/// One line from the terminal (after `prompt` on stderr) or from standard input.
pub(crate) fn read_line(prompt: &str) -> Outcome<String> {
    if std::io::stdin().is_terminal() {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| Failure::new(ErrorCode::InvalidRequest, error.to_string()))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// A secret from the terminal without echo, or one line of standard input.
pub(crate) fn read_secret(prompt: &str) -> Outcome<SecretString> {
    let text = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt)
            .map_err(|error| Failure::new(ErrorCode::InvalidRequest, error.to_string()))?
    } else {
        read_line(prompt)?
    };
    let secret = SecretString::new(text.trim());
    let mut text = text;
    zeroize::Zeroize::zeroize(&mut text);
    if secret.expose().is_empty() {
        return Err(Failure::new(
            ErrorCode::InvalidRequest,
            "Nothing was given, so nothing was stored.",
        ));
    }
    Ok(secret)
}

/// The system browser, unless a build for tests names a program (as in the desktop app).
fn browser() -> Box<dyn BrowserOpener> {
    match CommandBrowser::from_env() {
        Some(program) => Box::new(program),
        None => Box::new(|url: &str| open::that_detached(url).map_err(|error| error.to_string())),
    }
}

/// `--account` (a label or id), else the only signed-in account. Restoring also moves tokens
/// stored by earlier versions to today's keychain items.
pub(crate) async fn choose_account(app: &App, chosen: Option<&str>) -> Outcome<AccountView> {
    let mut accounts = app.restore_accounts().await?;
    let names = |accounts: &[AccountView]| {
        accounts
            .iter()
            .map(|view| format!("{} ({})", view.label, view.account.id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if accounts.is_empty() {
        return Err(Failure::new(
            ErrorCode::AuthenticationRequired,
            "No account is signed in. Sign in with `wispkey login HANDLE` (or `wispkey login --provider phala`), then try again.",
        ));
    }
    match chosen {
        Some(wanted) => {
            let all = names(&accounts);
            accounts
                .into_iter()
                .find(|view| view.label == wanted || view.account.id == wanted)
                .ok_or_else(|| {
                    Failure::new(
                        ErrorCode::AuthenticationRequired,
                        format!(
                            "No signed-in account is called \"{wanted}\". Signed in: {all}. \
                             Sign in with `wispkey login {wanted}`, or choose one of these."
                        ),
                    )
                })
        }
        None if accounts.len() == 1 => Ok(accounts.remove(0)),
        None => Err(Failure::new(
            ErrorCode::InvalidRequest,
            format!(
                "Several accounts are signed in: {}. Choose one with --account LABEL_OR_ID.",
                names(&accounts)
            ),
        )),
    }
}

/// The name typed to confirm a rotate or delete: `--confirm`, else asked on a terminal after
/// saying what happens. Without either, refused: never proceed silently. The app compares.
pub(crate) async fn confirmation(
    app: &App,
    account: &AccountRef,
    id: &str,
    given: Option<String>,
    doing: &str,
) -> Outcome<String> {
    if let Some(given) = given {
        return Ok(given);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(
            ErrorCode::InvalidRequest,
            format!(
                "{doing} \"{id}\" must be confirmed, and there is no terminal to ask on, so \
                 nothing was sent. Pass --confirm NAME with the secret's name."
            ),
        ));
    }
    let name = app.secret_name(account, id).await?;
    // The provider says what dies: a wisp token, a Slate or Phala webhook secret.
    let noun = app
        .descriptor_of(account)
        .map(|descriptor| descriptor.words.value_noun)
        .unwrap_or_else(|_| "token".to_owned());
    eprintln!("{doing} \"{name}\": its current {noun} stops working immediately.");
    match app.dependents(account, id).await {
        Ok(dependents) if dependents.is_empty() => {
            eprintln!("Nothing Wispkey knows of uses it.");
        }
        Ok(dependents) => {
            eprintln!("These use it and will fail until they get the new {noun}:");
            for dependent in dependents {
                let state = if dependent.enabled { "" } else { " (disabled)" };
                eprintln!("  {}{state}", dependent.url);
            }
        }
        Err(error) => eprintln!("What uses it could not be listed: {error}"),
    }
    eprint!("Type the secret's name to confirm: ");
    let _ = std::io::stderr().flush();
    let mut typed = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut typed)
        .map_err(|error| Failure::new(ErrorCode::InvalidRequest, error.to_string()))?;
    // Only the line ending goes: the comparison is exact, like the window's.
    let typed = typed
        .strip_suffix('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .unwrap_or(&typed);
    Ok(typed.to_owned())
}

/// After a create or rotate. Stored: say so; the token only with --show/--json. Not stored:
/// print it anyway (it is the only copy), warn, and exit with the keychain's code.
pub(crate) fn report_issued(
    app: &App,
    account: &AccountRef,
    issued: Issued,
    show: bool,
    json: bool,
) -> Outcome<u8> {
    let stored = issued.stored();
    let id = issued.id.clone();
    // The CLI has no dialog: once printed (or not), the in-memory copy is dropped.
    app.tokens().finish(account, &id);
    let issued = IssuedSecret::from(issued);
    let mut code = match &issued.store_error {
        None => {
            eprintln!(
                "\"{}\" has a new token. Stored in the keychain.",
                issued.name
            );
            exit::OK
        }
        Some(error) => {
            eprintln!(
                "Warning: the new token of \"{}\" is NOT stored: {} It is printed below and \
                 this is the only copy: save it now.",
                issued.name, error.message
            );
            exit::code_for(error.code)
        }
    };
    for extra in &issued.also {
        eprintln!("{}", extra.note);
        match &extra.store_error {
            None => eprintln!(
                "{} stored in the keychain: `wispkey copy '{}'` copies it.",
                extra.label, extra.id
            ),
            Some(error) => {
                eprintln!(
                    "Warning: the {} is NOT stored: {} It is printed below and this is the only \
                     copy: save it now.",
                    extra.label.to_lowercase(),
                    error.message
                );
                if code == exit::OK {
                    code = exit::code_for(error.code);
                }
            }
        }
    }
    if json {
        print_json(&issued)?;
        return Ok(code);
    }
    if show || !stored {
        println!("{}", issued.token);
    } else {
        eprintln!("Use `wispkey copy {id}` to copy it, or pass --show to print it.");
    }
    for extra in &issued.also {
        if show || !extra.stored {
            eprintln!("{}:", extra.label);
            println!("{}", extra.token);
        }
    }
    Ok(code)
}

/// Copies the stored token and stays until the clipboard is cleared: on X11 the value is only
/// served while this process owns the clipboard.
async fn copy(app: &App, account: &AccountRef, id: &str, even_if_out_of_date: bool) -> Outcome<u8> {
    let (done, cleared) = tokio::sync::oneshot::channel();
    let copied = app
        .copy_stored_token(account, id, even_if_out_of_date, move |was_ours| {
            let _ = done.send(was_ours);
        })
        .await?;
    let seconds = copied.clears_in_seconds;
    if seconds > 0 {
        eprintln!("Copied; the clipboard clears in {seconds} s (Ctrl-C clears now).");
        tokio::select! {
            was_ours = cleared => match was_ours {
                Ok(was_ours) => say_cleared(was_ours),
                // The countdown never ran (its thread could not start): leaving now would end
                // the copy early, so this command keeps the promised time itself.
                Err(_) => tokio::select! {
                    () = tokio::time::sleep(std::time::Duration::from_secs(u64::from(seconds))) => {
                        say_cleared(app.clipboard().clear_if_ours());
                    }
                    () = interrupted() => say_cleared(app.clipboard().clear_if_ours()),
                },
            },
            () = interrupted() => say_cleared(app.clipboard().clear_if_ours()),
        }
    } else {
        eprintln!(
            "Copied. Clearing is off, so the token stays on the clipboard only while this \
             command runs: press Ctrl-C to clear it and finish."
        );
        interrupted().await;
        say_cleared(app.clipboard().clear_if_ours());
    }
    Ok(exit::OK)
}

/// What the CLI says about a request an earlier run never heard back about.
fn interrupted_sentence(record: &wispkey_core::journal::InFlight) -> String {
    use wispkey_core::Operation;
    let what = match record.operation {
        Operation::Rotate => {
            "the old token may already have stopped working, and the new one was never seen"
        }
        Operation::Create => "the secret may exist without its token ever having been shown",
        Operation::Delete => "the secret may already be gone",
        Operation::List => "nothing changed",
    };
    format!(
        "Warning: an earlier Wispkey stopped while a {} of \"{}\" ({}) sent at {} was waiting \
         for its answer, so its outcome is unknown: {what}. Run `wispkey list --account {}` to \
         check, then {} again if needed.",
        record.operation.verb(),
        record.name,
        record.account,
        record.started_at,
        record.account.id,
        if record.operation == Operation::Delete {
            "delete"
        } else {
            "rotate"
        },
    )
}

fn say_cleared(cleared: bool) {
    if cleared {
        eprintln!("The clipboard was cleared.");
    } else {
        eprintln!("The clipboard holds something else now; it was left alone.");
    }
}

/// Ctrl-C, or a polite termination request (SIGTERM on Unix).
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

pub(crate) fn print_json(value: &impl Serialize) -> Outcome {
    let text = serde_json::to_string_pretty(value).map_err(|error| {
        Failure::from(wispkey_core::Error::Internal {
            detail: error.to_string(),
        })
    })?;
    println!("{text}");
    Ok(())
}

fn print_secrets(rows: &[SecretRow]) {
    if rows.is_empty() {
        eprintln!("No secrets yet. Create one with `wispkey create NAME`.");
        return;
    }
    let show_ids = rows.iter().any(|row| row.id != row.name);
    let when = |at: &str| at.get(..16).unwrap_or(at).replace('T', " ");
    let lines = rows.iter().map(|row| {
        [
            row.name.clone(),
            if show_ids {
                row.id.clone()
            } else {
                String::new()
            },
            when(&row.created_at),
            match (&row.last_rotated_at, &row.last_rotated_note) {
                // Marked: the time comes from this keychain, not the provider (note below).
                (Some(at), Some(_)) => format!("{} *", when(at)),
                (Some(at), None) => when(at),
                (None, Some(_)) => "not reported".to_owned(),
                (None, None) => "never".to_owned(),
            },
            match (row.stored_locally, &row.stored_copy_warning) {
                (true, Some(_)) => "in keychain (may be out of date)".to_owned(),
                (true, None) => "in keychain".to_owned(),
                (false, _) => String::new(),
            },
            if row.overdue {
                format!("OVERDUE (max {} days)", row.max_age_days)
            } else {
                String::new()
            },
        ]
    });
    let id_header = if show_ids { "ID" } else { "" };
    print_table(
        [
            "NAME",
            id_header,
            "CREATED",
            "LAST ROTATED",
            "KEYCHAIN",
            "REMINDER",
        ],
        lines,
    );
    if let Some(note) = rows
        .iter()
        .find(|row| row.last_rotated_at.is_some())
        .and_then(|row| row.last_rotated_note.as_deref())
    {
        println!("* {note}");
    }
    // What else the provider says about each (status, webhook…), one line per secret.
    if rows.iter().any(|row| !row.facts.is_empty()) {
        println!();
        for row in rows.iter().filter(|row| !row.facts.is_empty()) {
            let facts: Vec<String> = row
                .facts
                .iter()
                .map(|fact| format!("{}: {}", fact.label, fact.value))
                .collect();
            println!("{} ({}): {}", row.name, row.id, facts.join(" · "));
        }
    }
}

/// Left-aligned columns, two spaces apart; empty columns are left out.
pub(crate) fn print_table<const N: usize>(
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) {
    let mut all: Vec<[String; N]> = vec![header.map(str::to_owned)];
    all.extend(rows);
    let widths: [usize; N] = std::array::from_fn(|i| {
        all.iter()
            .map(|row| row[i].chars().count())
            .max()
            .unwrap_or(0)
    });
    for row in &all {
        let cells: Vec<String> = (0..N)
            .filter(|&i| widths[i] > 0)
            .map(|i| format!("{:<width$}", row[i], width = widths[i]))
            .collect();
        println!("{}", cells.join("  ").trim_end());
    }
}

//! The command line (clap derive). The exit-code table is the help's epilogue.

use clap::{Parser, Subcommand};

/// Manage webhook signing secrets from a terminal: the same accounts, keychain and rules as
/// the Wispkey window.
#[derive(Debug, Parser)]
#[command(name = "wispkey", version, after_help = crate::exit::HELP)]
pub struct Cli {
    /// The account to act as: its label (e.g. a handle) or id (e.g. a DID). Default: the only
    /// signed-in account.
    #[arg(long, global = true, value_name = "LABEL_OR_ID")]
    pub account: Option<String>,

    /// Print the result (or the error) to stdout as JSON, for scripts. Shapes are stable.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Whether the command uses the keychain: all but the history and checking a delivery
    /// against a secret given on the terminal.
    pub fn touches_keychain(&self) -> bool {
        !matches!(
            self.command,
            Command::Log { .. } | Command::Verify { stored: None, .. }
        )
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the accounts signed in on this machine (provider, label, id).
    Accounts,

    /// Add an account. wisp.place: opens your PDS's sign-in page in your browser. Providers
    /// that take an API key (Phala Cloud): asks for it on the terminal (not echoed), or reads
    /// it from standard input. Slate: --server and --email, the password asked for on the
    /// terminal (not echoed) or read with --password-stdin, and the authenticator code with
    /// --code or asked for when the server wants it; or --api-token-stdin instead.
    Login {
        /// Which provider: `wisp` (wisp.place), `phala` (Phala Cloud) or `slate` (Slate).
        #[arg(long, default_value = "wisp")]
        provider: String,
        /// Your handle or DID (e.g. alice.bsky.social); not used with an API key.
        identity: Option<String>,
        /// Ask for full access instead of only the signing-secret permissions.
        #[arg(long)]
        full_access: bool,
        /// The server's address, for providers that sign in at a server you name (Slate).
        /// Default: the `slateApiUrl` setting (WISPKEY_SLATE_URL).
        #[arg(long, value_name = "URL")]
        server: Option<String>,
        /// Your email at that server.
        #[arg(long, value_name = "EMAIL")]
        email: Option<String>,
        /// Read the password from standard input (one line) instead of asking for it.
        #[arg(long)]
        password_stdin: bool,
        /// The authenticator code, when the account has one. Never stored.
        #[arg(long, value_name = "CODE")]
        code: Option<String>,
        /// Sign in with an API token read from standard input instead of email and password.
        #[arg(long, conflicts_with_all = ["email", "password_stdin", "code"])]
        api_token_stdin: bool,
        /// Also ask to edit your webhook records (needed by `stage switch`).
        #[arg(long)]
        webhooks: bool,
    },

    /// Sign out of the account. Stored tokens stay in the keychain.
    Logout,

    /// List the account's secrets, and which have a token in this machine's keychain.
    List,

    /// Create a secret. Its token is stored in the keychain (and read back) before anything
    /// else; it is printed only with --show or --json.
    Create {
        name: String,
        /// Print the new token to stdout.
        #[arg(long)]
        show: bool,
    },

    /// Rotate a secret: a new token; the current one stops working immediately.
    Rotate {
        id: String,
        /// Confirm without a question by giving the secret's name (for scripts).
        #[arg(long, value_name = "NAME")]
        confirm: Option<String>,
        /// The two-factor code, for providers that ask for one (Phala Cloud). On a terminal,
        /// Wispkey asks when the provider does. Never stored.
        #[arg(long, value_name = "CODE")]
        code: Option<String>,
        /// Print the new token to stdout.
        #[arg(long)]
        show: bool,
    },

    /// Delete a secret at the service (and its token from this machine's keychain).
    Delete {
        id: String,
        /// Confirm without a question by giving the secret's name (for scripts).
        #[arg(long, value_name = "NAME")]
        confirm: Option<String>,
        /// Keep the token stored in this machine's keychain.
        #[arg(long)]
        keep_local_copy: bool,
    },

    /// Copy the stored token onto the clipboard (excluded from clipboard history). Waits in
    /// the foreground until the clipboard is cleared (Ctrl-C clears it now). A stored copy
    /// that may be out of date (a rotate of it got no answer, or the list shows it rotated
    /// after the copy was stored) is not copied: the reason goes to stderr and the exit code
    /// is 14, unless --even-if-out-of-date.
    Copy {
        id: String,
        /// Copy it even if it may be out of date (after reading why).
        #[arg(long)]
        even_if_out_of_date: bool,
    },

    /// Remove the token stored in this machine's keychain (the secret itself is untouched).
    Forget { id: String },

    /// Store a secret rotated elsewhere (e.g. in the provider's own dashboard) as this
    /// secret's stored copy: asked for on the terminal (not echoed), or read from standard
    /// input. Written and read back like a new token.
    Store { id: String },

    /// Check a webhook delivery's signature: valid, or exactly what fails and why. Give the
    /// delivery as a whole raw HTTP request (--request) or as headers and a body; the secret is
    /// the stored one (--stored ID) or asked for (not echoed) / read from standard input.
    Verify {
        /// The signing scheme: `wisp` (wisp.place), `phala` (Phala Cloud), `standard`
        /// (Standard Webhooks / Svix).
        #[arg(long)]
        scheme: String,
        /// A file holding the whole raw HTTP request (request line, headers, blank line, body).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["headers", "body"])]
        request: Option<std::path::PathBuf>,
        /// A file of `Name: value` header lines.
        #[arg(long, value_name = "FILE")]
        headers: Option<std::path::PathBuf>,
        /// One header, `Name: value` (repeatable).
        #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
        header: Vec<String>,
        /// A file holding the raw body, byte for byte.
        #[arg(long, value_name = "FILE")]
        body: Option<std::path::PathBuf>,
        /// Check with the token stored for this secret id (of --account); never shown.
        #[arg(long, value_name = "ID")]
        stored: Option<String>,
    },

    /// Set how old a secret may get before it is marked overdue: a number of days, or
    /// `default` for the settings' value (90 days unless changed).
    MaxAge { id: String, days: String },

    /// Send ONE clearly marked test delivery, signed with the secret's stored token in its
    /// provider's scheme, to the receiver's URL (https, or http on this machine), and print
    /// the HTTP status and time. Asks before sending unless --url is given.
    TestReceiver {
        id: String,
        /// Where to send it; without it, the provider's known URL is offered on a terminal.
        #[arg(long)]
        url: Option<String>,
    },

    /// The local history of what Wispkey did on this machine (never a secret value), newest
    /// first. --account filters by account id here.
    Log {
        /// Write CSV (oldest first) instead of the table.
        #[arg(long)]
        csv: bool,
        /// Check the history's hash chain and report the first broken link.
        #[arg(long)]
        verify: bool,
        #[arg(long)]
        provider: Option<String>,
        #[arg(long, value_name = "ID")]
        secret: Option<String>,
        /// sign_in, sign_out, create, rotate, delete, store_pasted, copy_stored, forget,
        /// receiver_test, webhook_switch.
        #[arg(long)]
        operation: Option<String>,
        /// succeeded, failed or unknown.
        #[arg(long)]
        outcome: Option<String>,
        /// Only entries at or after this time (RFC 3339 or a date, e.g. 2026-11-01).
        #[arg(long)]
        since: Option<String>,
    },

    /// Rotate without downtime (providers whose webhooks name a secret, e.g. wisp.place): a
    /// new secret beside the old one, deploy it, test the receiver, switch the webhooks, then
    /// delete the old secret. Each step is its own command; progress survives restarts.
    Stage {
        #[command(subcommand)]
        step: StageStep,
    },
}

#[derive(Debug, Subcommand)]
pub enum StageStep {
    /// The staged rotations in progress for the account.
    List,
    /// Step 1: create the new secret (stored in the keychain and read back, like `create`).
    Start {
        /// The secret being replaced.
        old: String,
        /// The new secret's name (default: derived from the old one, e.g. hook-2).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Print the new token to stdout.
        #[arg(long)]
        show: bool,
    },
    /// Where the rotation stands, and the webhooks on the old and the new secret now.
    Status { old: String },
    /// Step 2: confirm the receiver now accepts the new secret beside the old one.
    Deployed { old: String },
    /// Step 3: test the receiver with the new secret: ONE marked test delivery signed with it
    /// to --url (a 2xx answer counts), or --vouch that you tested it yourself.
    Test {
        old: String,
        /// Where to send the test delivery (https, or http on this machine).
        #[arg(long, conflicts_with = "vouch")]
        url: Option<String>,
        /// You tested the receiver with the new secret yourself and it accepted it.
        #[arg(long)]
        vouch: bool,
    },
    /// Step 4: switch webhooks to the new secret, one at a time (saved after each).
    Switch {
        old: String,
        /// Only these webhooks (their ids, see `status`); default: every webhook on the old
        /// secret. Fixed by the first switch; later runs continue it.
        #[arg(long = "webhook", value_name = "ID")]
        webhooks: Vec<String>,
        /// Switch one webhook only, then stop.
        #[arg(long)]
        one: bool,
        /// Confirm without a question (for scripts).
        #[arg(long)]
        yes: bool,
    },
    /// Step 5: end the rotation: delete the old secret (asks for its name) or keep it.
    Finish {
        old: String,
        /// Delete the old secret (only once no webhook names it).
        #[arg(long, conflicts_with = "keep_old")]
        delete_old: bool,
        /// Keep the old secret and stop tracking the rotation.
        #[arg(long)]
        keep_old: bool,
        /// Confirm the delete without a question by giving the old secret's name.
        #[arg(long, value_name = "NAME")]
        confirm: Option<String>,
    },
    /// Stop tracking the rotation; nothing is deleted or written.
    Cancel { old: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_command_line_exits_with_the_usage_code() {
        let error = Cli::try_parse_from(["wispkey", "rotate"]).unwrap_err();
        assert_eq!(error.exit_code(), i32::from(crate::exit::USAGE));
    }

    #[test]
    fn the_global_options_go_after_the_verb_too() {
        let cli =
            Cli::try_parse_from(["wispkey", "list", "--json", "--account", "alice.test"]).unwrap();
        assert!(cli.json);
        assert_eq!(cli.account.as_deref(), Some("alice.test"));
    }

    #[test]
    fn the_help_documents_the_exit_codes() {
        use clap::CommandFactory;
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("OUTCOME UNKNOWN"), "{help}");
    }
}

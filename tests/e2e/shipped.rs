//! What ships is what was tested. `scripts/build.sh shipped` makes the packages users install
//! (`tauri build`: release, production config, `.deb` and `.rpm` with the CLI beside the window);
//! the other end-to-end tests run `scripts/build.sh test-hooks`, the same build plus the
//! `test-hooks` feature. Here: the installed `.deb` opens its window; the shipped binaries hold
//! none of the test hooks and ignore them when they are set; the `.rpm` carries what the `.deb`
//! does; and the two builds' cargo commands differ by that one feature only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use wispkey_core::test_hooks::TestHook;
use wispkey_e2e::{
    App, Profile, Stack, TestResult, app_binary, app_env, cli_binary, shipped_deb, shipped_rpm,
    with_env,
};
use wispkey_test_support::{scratch_dir, unique_name};

/// Runs `program args`, failing with its stderr unless it succeeds; returns its stdout.
fn run(program: &str, args: &[&str]) -> TestResult<String> {
    let output = Command::new(program).args(args).output()?;
    checked(&format!("{program} {args:?}"), output)
}

fn checked(what: &str, output: Output) -> TestResult<String> {
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "{what} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into())
    }
}

fn path_str(path: &Path) -> TestResult<&str> {
    path.to_str()
        .ok_or_else(|| format!("not UTF-8: {}", path.display()).into())
}

/// The `.deb`'s files unpacked (`dpkg-deb -x`, the bytes users get) into a scratch folder.
struct Unpacked {
    dir: PathBuf,
}

impl Unpacked {
    fn deb() -> TestResult<Unpacked> {
        let dir = scratch_dir("wispkey-deb")?;
        run(
            "dpkg-deb",
            &["-x", path_str(&shipped_deb()?)?, path_str(&dir)?],
        )?;
        Ok(Unpacked { dir })
    }

    fn bin(&self, name: &str) -> PathBuf {
        self.dir.join("usr/bin").join(name)
    }
}

impl Drop for Unpacked {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The `.deb` installed with dpkg, as a user would; removed again when dropped, whether the
/// test passed or not.
struct Installed {
    package: String,
}

/// dpkg needs root: the tests run as root in CI; elsewhere through `sudo -n` (no prompt).
fn as_root(args: &[&str]) -> TestResult<String> {
    if run("id", &["-u"])?.trim() == "0" {
        run(args[0], &args[1..])
    } else {
        run("sudo", &[&["-n"][..], args].concat())
    }
}

impl Installed {
    fn deb() -> TestResult<Installed> {
        let deb = shipped_deb()?;
        let package = run("dpkg-deb", &["-f", path_str(&deb)?, "Package"])?
            .trim()
            .to_owned();
        // The guard first, so a half-done install is removed too.
        let installed = Installed { package };
        as_root(&["dpkg", "-i", path_str(&deb)?])?;
        Ok(installed)
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        if let Err(error) = as_root(&["dpkg", "-r", &self.package]) {
            eprintln!("could not remove the package {}: {error}", self.package);
        }
    }
}

/// A keychain namespace holding a signed-in Phala Cloud workspace (the local stack's service),
/// signed in by the test-hooks CLI through the keychain hook. With the hook honoured, an app
/// started with [`SignedIn::env`] opens signed in; a build that ignores it opens signed out.
struct SignedIn {
    profile: Profile,
    env: Vec<(String, String)>,
    account_id: String,
}

impl SignedIn {
    async fn new(stack: &Stack, label: &str) -> TestResult<SignedIn> {
        let workspace = stack.phala_control()?.create_workspace(label).await?;
        let profile = Profile::new(label)?;
        let env = [
            profile.env(),
            vec![
                ("WISPKEY_PHALA_URL".into(), stack.phala_url()?),
                (
                    hook(TestHook::KeychainService),
                    unique_name(&format!("place.wisp.wispkey.e2e.{label}")),
                ),
            ],
        ]
        .concat();
        let mut login = Command::new(cli_binary()?)
            .args(["login", "--provider", "phala"])
            .envs(env.iter().cloned())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        login
            .stdin
            .take()
            .ok_or("no stdin")?
            .write_all(format!("{}\n", workspace.api_key).as_bytes())?;
        checked("wispkey login --provider phala", login.wait_with_output()?)?;
        let signed_in = SignedIn {
            profile,
            env,
            account_id: String::new(),
        };
        let ids = accounts(&cli_binary()?, &signed_in.env)?;
        let [account_id] = ids.as_slice() else {
            return Err(format!("expected one account after the login, got {ids:?}").into());
        };
        Ok(SignedIn {
            account_id: account_id.clone(),
            ..signed_in
        })
    }
}

fn hook(hook: TestHook) -> String {
    hook.name().to_owned()
}

/// The ids of the accounts `wispkey accounts --json` finds with `env`.
fn accounts(cli: &Path, env: &[(String, String)]) -> TestResult<Vec<String>> {
    let output = Command::new(cli)
        .args(["accounts", "--json"])
        .envs(env.iter().cloned())
        .stdin(Stdio::null())
        .output()?;
    let stdout = checked("wispkey accounts --json", output)?;
    let accounts: serde_json::Value = serde_json::from_str(&stdout)?;
    Ok(accounts
        .as_array()
        .ok_or_else(|| format!("not a list: {stdout}"))?
        .iter()
        .filter_map(|view| view["account"]["id"].as_str().map(str::to_owned))
        .collect())
}

/// Writes an executable script that appends its last argument to `log`.
fn recorder(path: &Path, log: &Path) -> TestResult {
    std::fs::write(
        path,
        format!(
            "#!/bin/sh\nfor url; do :; done\nprintf '%s\\n' \"$url\" >> '{}'\n",
            log.display()
        ),
    )?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

/// Waits for the window to settle on a view: `true` when signed in (the account menu), `false`
/// on the sign-in screen.
async fn opens_signed_in(app: &App) -> TestResult<bool> {
    let view = app
        .wait_longer_for("#handle, #account-menu-button", Duration::from_secs(30))
        .await?;
    Ok(view.attr("id").await?.as_deref() == Some("account-menu-button"))
}

/// The window the X server shows on `display`, by title (xwininfo lists every window).
fn x_window_titled(display: &str, title: &str) -> TestResult<bool> {
    let tree = run("xwininfo", &["-display", display, "-root", "-tree"])?;
    Ok(tree.contains(&format!("\"{title}\"")))
}

#[tokio::test]
async fn the_installed_deb_opens_its_window_and_ignores_the_test_hooks() -> TestResult {
    let stack = Stack::get()?;
    let signed_in = SignedIn::new(&stack, "installed").await?;
    let account = stack.fresh_account("installed").await?;

    // A browser hook that leaves a mark, and a system browser (xdg-open first on PATH) that
    // records the sign-in page it was asked to open.
    let scratch = scratch_dir("wispkey-installed")?;
    let (hook_log, system_log) = (scratch.join("hook.log"), scratch.join("xdg-open.log"));
    recorder(&scratch.join("hook-browser"), &hook_log)?;
    std::fs::create_dir_all(scratch.join("bin"))?;
    recorder(&scratch.join("bin/xdg-open"), &system_log)?;
    let path = format!(
        "{}:{}",
        scratch.join("bin").display(),
        std::env::var("PATH")?
    );
    let mut env = app_env(&stack, &account, "installed")?;
    for (key, value) in &signed_in.env {
        env = with_env(env, key, value);
    }
    env = with_env(
        env,
        &hook(TestHook::Browser),
        path_str(&scratch.join("hook-browser"))?,
    );
    env = with_env(env, "PATH", &path);

    // The control: the end-to-end tests' build reads the keychain hook and opens signed in.
    let app = App::launch_in(&signed_in.profile, &env).await?;
    assert!(
        opens_signed_in(&app).await?,
        "the test-hooks build should restore the account kept under the hooked namespace"
    );
    app.close().await?;

    let installed = Installed::deb()?;
    let desktop = Path::new("/usr/bin/wispkey-desktop");
    assert!(desktop.is_file(), "the .deb installs {}", desktop.display());
    assert!(
        Path::new("/usr/bin/wispkey").is_file(),
        "the .deb installs the CLI beside the window"
    );

    let app = App::launch_binary(desktop, &signed_in.profile, &env).await?;
    let signed_in_view = opens_signed_in(&app).await?;
    app.screenshot("installed-deb-window").await?;
    assert!(
        x_window_titled(app.display().name(), "Wispkey")?,
        "no window titled Wispkey on the display"
    );
    assert!(
        !signed_in_view,
        "the installed app read the keychain hook: it restored an account from another namespace"
    );

    // Signing in opens the system browser, not the hook's program.
    app.wait_for("#handle")
        .await?
        .send_keys(&account.handle)
        .await?;
    app.click("#signin-button").await?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !system_log.exists() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the installed app never opened the system browser; hook log: {:?}",
            std::fs::read_to_string(&hook_log).ok()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let opened = std::fs::read_to_string(&system_log)?;
    assert!(
        opened.starts_with(&stack.pds_url()?),
        "the system browser got {opened:?}"
    );
    assert!(
        !hook_log.exists(),
        "the installed app ran the browser hook's program"
    );
    app.close().await?;
    drop(installed);
    assert!(
        !Path::new("/usr/bin/wispkey-desktop").exists(),
        "removing the package removes the app"
    );
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

#[tokio::test]
async fn the_shipped_cli_ignores_the_keychain_hook() -> TestResult {
    let stack = Stack::get()?;
    let signed_in = SignedIn::new(&stack, "shipped-cli").await?;
    let unpacked = Unpacked::deb()?;

    // The test-hooks CLI finds the account under the hooked namespace; the shipped one, given
    // the same environment, looks in its own namespace only.
    assert_eq!(
        accounts(&cli_binary()?, &signed_in.env)?,
        vec![signed_in.account_id.clone()]
    );
    let shipped = accounts(&unpacked.bin("wispkey"), &signed_in.env)?;
    assert!(
        !shipped.contains(&signed_in.account_id),
        "the shipped CLI read the keychain hook: {shipped:?}"
    );
    Ok(())
}

/// Whether `needle` occurs in the file's bytes (what `strings | grep` would find).
fn holds(file: &Path, needle: &str) -> TestResult<bool> {
    let bytes = std::fs::read(file)?;
    Ok(bytes
        .windows(needle.len())
        .any(|window| window == needle.as_bytes()))
}

#[test]
fn the_shipped_binaries_hold_no_test_hook_names() -> TestResult {
    let unpacked = Unpacked::deb()?;
    let shipped = [unpacked.bin("wispkey-desktop"), unpacked.bin("wispkey")];
    let hooked = [app_binary()?, cli_binary()?];
    for hook in TestHook::ALL {
        for binary in &hooked {
            // The control: the scan finds the name where it is compiled in.
            assert!(
                holds(binary, hook.name())?,
                "{} not found in {}",
                hook.name(),
                binary.display()
            );
        }
        for binary in &shipped {
            assert!(
                !holds(binary, hook.name())?,
                "the shipped {} holds {}",
                binary.display(),
                hook.name()
            );
        }
    }
    Ok(())
}

/// The regular files a `.deb` installs (`dpkg-deb -c`), as absolute paths.
fn deb_files(deb: &Path) -> TestResult<BTreeSet<String>> {
    Ok(run("dpkg-deb", &["-c", path_str(deb)?])?
        .lines()
        .filter(|line| line.starts_with('-'))
        .filter_map(|line| line.split_whitespace().last())
        .map(|path| format!("/{}", path.trim_start_matches("./")))
        .collect())
}

#[test]
fn the_rpm_installs_what_the_deb_installs() -> TestResult {
    let (deb, rpm) = (shipped_deb()?, shipped_rpm()?);
    let rpm_files: BTreeSet<String> = run("rpm", &["-qlp", path_str(&rpm)?])?
        .lines()
        .map(str::to_owned)
        .collect();
    let deb_files = deb_files(&deb)?;
    for needed in ["/usr/bin/wispkey-desktop", "/usr/bin/wispkey"] {
        assert!(deb_files.contains(needed), "the .deb lacks {needed}");
    }
    let missing: Vec<&String> = deb_files.difference(&rpm_files).collect();
    assert!(
        missing.is_empty(),
        "the .rpm lacks {missing:?}; it has {rpm_files:?}"
    );
    let rpm_version = run(
        "rpm",
        &["-qp", "--queryformat", "%{VERSION}", path_str(&rpm)?],
    )?;
    let deb_version = run("dpkg-deb", &["-f", path_str(&deb)?, "Version"])?;
    assert_eq!(rpm_version.trim(), deb_version.trim());
    Ok(())
}

/// A cargo command split into its arguments and its set of features.
fn arguments_and_features(command: &str) -> (Vec<String>, BTreeSet<String>) {
    let mut words = command.split_whitespace();
    let (mut arguments, mut features) = (Vec::new(), BTreeSet::new());
    while let Some(word) = words.next() {
        if word == "--features" {
            let list = words.next().unwrap_or_default();
            features.extend(
                list.split(',')
                    .filter(|feature| !feature.is_empty())
                    .map(str::to_owned),
            );
        } else {
            arguments.push(word.to_owned());
        }
    }
    (arguments, features)
}

#[test]
fn the_end_to_end_build_differs_from_the_shipped_one_only_by_the_hooks_feature() -> TestResult {
    // scripts/build.sh keeps the cargo command `tauri build` ran beside each build.
    let hooked_binary = app_binary()?;
    let record = |path: PathBuf| -> TestResult<String> {
        std::fs::read_to_string(&path)
            .map(|text| text.trim().to_owned())
            .map_err(|error| format!("{}: {error}", path.display()).into())
    };
    let hooked = record(hooked_binary.with_file_name("cargo-command.txt"))?;
    let shipped = record(
        shipped_deb()?
            .parent()
            .and_then(Path::parent)
            .ok_or("no bundle folder")?
            .join("cargo-command.txt"),
    )?;
    let (shipped_arguments, shipped_features) = arguments_and_features(&shipped);
    let (hooked_arguments, mut hooked_features) = arguments_and_features(&hooked);
    assert!(
        shipped_arguments.iter().any(|word| word == "--release")
            && shipped_features.contains("tauri/custom-protocol"),
        "the shipped build is a release build with the bundled front end: {shipped}"
    );
    assert!(
        !shipped_features.contains("test-hooks"),
        "the shipped build has the test hooks: {shipped}"
    );
    assert!(
        hooked_features.remove("test-hooks"),
        "the end-to-end build lacks the test hooks: {hooked}"
    );
    assert_eq!(
        (hooked_arguments, hooked_features),
        (shipped_arguments, shipped_features),
        "the builds differ by more than the test-hooks feature:\n  e2e: {hooked}\n  shipped: {shipped}"
    );
    Ok(())
}

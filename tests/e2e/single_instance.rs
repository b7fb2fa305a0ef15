//! One instance per profile: launching the app again while it runs hands over to the running
//! window and exits; another profile (other folders, another keychain namespace) is an instance
//! of its own, so parallel tests and a second profile never close each other.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wispkey_e2e::{App, Profile, TestResult, app_binary};

fn fresh_keychain(label: &str) -> TestResult<(String, String)> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos();
    Ok((
        "WISPKEY_KEYCHAIN_SERVICE".into(),
        format!(
            "place.wisp.wispkey.e2e.{label}-{}-{nanos}",
            std::process::id()
        ),
    ))
}

/// Waits up to `limit` for `child` to end; kills it (and fails) if it does not.
fn wait_for_exit(
    child: &mut std::process::Child,
    limit: Duration,
) -> TestResult<std::process::ExitStatus> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "the second launch was still running after {} s: it opened a second window",
                limit.as_secs()
            )
            .into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn a_second_launch_hands_over_to_the_running_window_and_exits() -> TestResult {
    let profile = Profile::new("single")?;
    let keychain = fresh_keychain("single")?;
    let first = App::launch_in(&profile, std::slice::from_ref(&keychain)).await?;
    first.wait_for("#signin-title").await?;

    // The same binary, the same profile, the same display: what a user's second click does.
    let mut second = Command::new(app_binary()?)
        .envs(profile.env())
        .env(&keychain.0, &keychain.1)
        .env("DISPLAY", first.display().name())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let started = Instant::now();
    let status = wait_for_exit(&mut second, Duration::from_secs(20))?;
    let took = started.elapsed();
    assert!(status.success(), "the second launch failed: {status}");
    println!("second launch exited in {} ms", took.as_millis());

    // The first window is still there and answers.
    let title = first.wait_for("#signin-title").await?.text().await?;
    assert_eq!(title, "Wispkey");
    let focused = first
        .client
        .execute("return document.hasFocus();", vec![])
        .await?;
    println!("first window focused after the hand-over: {focused}");
    first
        .screenshot("single-instance-after-second-launch")
        .await?;
    first.close().await
}

#[tokio::test]
async fn another_profile_runs_beside_the_first_instead_of_handing_over() -> TestResult {
    let first = App::launch_with_env(&[fresh_keychain("profile-a")?]).await?;
    first.wait_for("#signin-title").await?;
    // Another profile's app starts its own window (the harness gives it its own folders and
    // keychain namespace): had it handed over, its WebDriver session would have no window.
    let second = App::launch_with_env(&[fresh_keychain("profile-b")?]).await?;
    let title = second.wait_for("#signin-title").await?.text().await?;
    assert_eq!(title, "Wispkey");
    // And the first is untouched.
    first.wait_for("#signin-title").await?;
    second.close().await?;
    first.close().await
}

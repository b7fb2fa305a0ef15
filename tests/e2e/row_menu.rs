//! A secret's row at 1024 px: Copy token and Rotate stay on the row, everything else is behind
//! "More…", and nothing covers the "Last rotated" column or the badge. The menu is driven with
//! the keyboard in the real window and closes when the list scrolls. Screenshots of the list
//! with the menu closed and open land in artifacts/e2e/.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wispkey_e2e::{App, Profile, ROW_MENU, Stack, TestResult, app_binary, app_env};

/// WebDriver's key codes.
const ESCAPE: &str = "\u{E00C}";
const ARROW_DOWN: &str = "\u{E015}";
const ENTER: &str = "\u{E007}";

/// Left and right edges (CSS pixels) of the first element matching `css` inside `row`.
async fn edges(app: &App, row: &str, css: &str) -> TestResult<(f64, f64)> {
    let (x, _, width, _) = app
        .wait_for(&format!("{row} {css}"))
        .await?
        .rectangle()
        .await?;
    Ok((x, x + width))
}

async fn focused_action(app: &App) -> TestResult<String> {
    let value = app
        .client
        .execute(
            "return document.activeElement?.dataset?.action ?? null;",
            vec![],
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn at_1024_px_the_row_keeps_copy_and_rotate_and_the_rest_is_in_a_keyboard_menu() -> TestResult
{
    let stack = Stack::get()?;
    let account = stack.fresh_account("rowmenu").await?;
    let profile = Profile::new("rowmenu")?;
    let env = app_env(&stack, &account, "rowmenu")?;
    // Enough rows that the list scrolls.
    for index in 0..16 {
        stack
            .create_secret_elsewhere(&account, &format!("build-hook-{index:02}"))
            .await?;
    }

    let app = App::launch_on_screen(&app_binary()?, &profile, &env, "1024x768x24").await?;
    app.client.set_window_size(1024, 768).await?;
    app.wait_for("#handle")
        .await?
        .send_keys(&account.handle)
        .await?;
    app.click("#signin-button").await?;
    app.wait_longer_for(
        "[data-secret=\"build-hook-00\"]",
        std::time::Duration::from_secs(60),
    )
    .await?;

    // A secret made here, so its row has every action and the "In keychain" badge.
    app.click("#create-button").await?;
    app.wait_for("#create-dialog[open] #create-name")
        .await?
        .send_keys("a-deploy-hook")
        .await?;
    app.click("#create-submit").await?;
    app.click("#token-done").await?;
    app.wait_until_gone("#token-dialog[open]").await?;
    let row = "[data-secret=\"a-deploy-hook\"]";
    app.wait_for(&format!("{row} .badge-stored")).await?;

    let width = app
        .client
        .execute("return window.innerWidth;", vec![])
        .await?;
    assert_eq!(width.as_f64(), Some(1024.0), "the window is 1024 px wide");
    let buttons = app.row_actions(row).await?;
    assert_eq!(
        buttons.first().map(String::as_str),
        Some("copy-stored"),
        "{buttons:?}"
    );
    for action in ["rotate", "forget", "delete", "max-age", "store", "staged"] {
        assert!(
            buttons.iter().any(|found| found == action),
            "{action} missing: {buttons:?}"
        );
    }

    // Nothing covers the columns to the left of the actions, and the badge is whole.
    let (first_button, _) = edges(&app, row, ".cell.actions button").await?;
    let (_, badges_end) = edges(&app, row, ".cell.badges").await?;
    let (_, badge_end) = edges(&app, row, ".badge-stored").await?;
    let (_, rotated_end) = edges(&app, row, ".cell:nth-child(3)").await?;
    assert!(
        first_button >= badges_end && badges_end >= badge_end && rotated_end <= badges_end,
        "actions start at {first_button}, badges end at {badges_end}, badge at {badge_end}"
    );
    let badge_whole = app
        .client
        .execute(
            "const b = document.querySelector(arguments[0]); return b.scrollWidth <= b.clientWidth;",
            vec![serde_json::json!(format!("{row} .badge-stored"))],
        )
        .await?;
    assert_eq!(badge_whole.as_bool(), Some(true), "the badge is cut");
    app.screenshot("row-menu-closed-1024").await?;

    // Open it from the keyboard: Enter on More… focuses the first item; ↓ moves; Escape closes
    // and focus is back on More….
    app.wait_for(&format!("{row} [data-action=\"more\"]"))
        .await?
        .send_keys(ENTER)
        .await?;
    app.wait_for(&format!("{ROW_MENU} [role=\"menuitem\"]:focus"))
        .await?;
    assert_eq!(focused_action(&app).await?, "forget");
    app.screenshot("row-menu-open-1024").await?;
    let (menu_left, menu_right) = edges(&app, "", ROW_MENU).await?;
    assert!(
        menu_left >= 0.0 && menu_right <= 1024.0,
        "the menu is inside the window"
    );
    app.wait_for(&format!("{ROW_MENU} [role=\"menuitem\"]:focus"))
        .await?
        .send_keys(ARROW_DOWN)
        .await?;
    assert_eq!(focused_action(&app).await?, "test-receiver");
    app.wait_for(&format!("{ROW_MENU} [role=\"menuitem\"]:focus"))
        .await?
        .send_keys(ESCAPE)
        .await?;
    app.wait_until_gone(ROW_MENU).await?;
    assert_eq!(focused_action(&app).await?, "more");

    // Scrolling the list closes an open menu (it would point at another row).
    app.click(&format!("{row} [data-action=\"more\"]")).await?;
    app.wait_for(ROW_MENU).await?;
    app.client
        .execute(
            "const v = document.querySelector('.list-viewport'); v.scrollTop = v.scrollHeight;",
            vec![],
        )
        .await?;
    app.wait_until_gone(ROW_MENU).await?;

    // A menu item does what its button did: Max age… opens its dialog.
    app.client
        .execute(
            "document.querySelector('.list-viewport').scrollTop = 0;",
            vec![],
        )
        .await?;
    app.row_action(row, "max-age").await?;
    app.wait_for("#max-age-dialog[open]").await?;
    app.close().await
}

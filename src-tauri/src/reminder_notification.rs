//! The start-up rotation reminder as a desktop notification, sent from Rust only: the window gets
//! no notification permission (on Linux our own session-bus call, src/session_bus/; elsewhere
//! Tauri's notification plugin). It offers the banner's snooze as
//! two actions. The in-window banner stays: a notification can be missed, hidden by a "do not
//! disturb" setting or go nowhere when the desktop has no notification server.
//!
//! The text is the reminder's sentence, which holds the count only: a notification is shown on
//! screen, read aloud, kept in the desktop's history and sent over the session bus to whatever
//! owns the notification name, so no secret's name (or anything else about a secret) goes in it.

use std::sync::atomic::{AtomicBool, Ordering};

use tauri::{AppHandle, Emitter, Manager, Runtime, plugin::TauriPlugin};
#[cfg(not(target_os = "linux"))]
use tauri_plugin_notification::{Action, ActionType, NotificationExt};
use wispkey_app::App;
use wispkey_app::tools::OverdueSummary;

/// The action type of the reminder: its snooze buttons (the notification plugin's registry).
#[cfg(not(target_os = "linux"))]
const REMINDER: &str = "rotation-reminder";
const SNOOZE_DAY: &str = "snooze-day";
const SNOOZE_WEEK: &str = "snooze-week";
/// Told to the window after a snooze from the notification (payload: the days), so its banner
/// goes too (ui/src/views/reminder-banner.ts).
const REMINDERS_SNOOZED: &str = "reminders-snoozed";

/// Set by the first summary of this run: the reminder is a start-up one, while the window asks
/// for a summary each time it shows an account's secrets.
static CHECKED_AT_START: AtomicBool = AtomicBool::new(false);

/// Linux: nothing to set up (each notification carries its actions).
#[cfg(target_os = "linux")]
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("reminder-notification").build()
}

#[cfg(target_os = "linux")]
pub fn register<R: Runtime>(_app: &AppHandle<R>) -> Result<(), std::convert::Infallible> {
    Ok(())
}

#[cfg(not(target_os = "linux"))]
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_notification::init()
}

/// Registers the snooze actions and what they do. Call once the app state is managed.
#[cfg(not(target_os = "linux"))]
pub fn register<R: Runtime>(app: &AppHandle<R>) -> tauri_plugin_notification::Result<()> {
    let notification = app.notification();
    notification.register_action_types(vec![
        ActionType::builder(REMINDER)
            .actions(vec![
                Action::builder(SNOOZE_DAY, "Snooze 1 day").build(),
                Action::builder(SNOOZE_WEEK, "Snooze 1 week").build(),
            ])
            .build(),
    ])?;
    let handle = app.clone();
    notification.on_action(move |performed| on_action(&handle, performed.action_id()))
}

/// The first summary of this run, when it has something to say (something overdue and not
/// snoozed), becomes a desktop notification. Best effort: the banner says the same.
pub fn notify_at_start<R: Runtime>(app: &AppHandle<R>, summary: &OverdueSummary) {
    if CHECKED_AT_START.swap(true, Ordering::SeqCst) {
        return;
    }
    let Some(text) = &summary.notification else {
        return;
    };
    show(app, text);
}

#[cfg(target_os = "linux")]
fn show<R: Runtime>(app: &AppHandle<R>, text: &str) {
    use crate::session_bus::notifications::{self, Notification};
    let handle = app.clone();
    notifications::show(
        Notification {
            summary: "Wispkey: rotation reminder".into(),
            body: text.into(),
            actions: vec![(SNOOZE_DAY, "Snooze 1 day"), (SNOOZE_WEEK, "Snooze 1 week")],
        },
        move |action| on_action(&handle, action),
    );
}

#[cfg(not(target_os = "linux"))]
fn show<R: Runtime>(app: &AppHandle<R>, text: &str) {
    let shown = app
        .notification()
        .builder()
        .title("Wispkey: rotation reminder")
        .body(text)
        .action_type_id(REMINDER)
        .show();
    if let Err(why) = shown {
        tracing::warn!(target: "reminders", "the desktop notification was not shown: {why}");
    }
}

fn on_action<R: Runtime>(app: &AppHandle<R>, action: &str) {
    let days = match action {
        SNOOZE_DAY => 1,
        SNOOZE_WEEK => 7,
        // A click on the notification itself brings the window (and its banner) forward.
        _ => {
            crate::single_instance::bring_forward(app);
            return;
        }
    };
    let Some(state) = app.try_state::<App>() else {
        return;
    };
    match state.snooze_reminders(days) {
        Ok(()) => {
            let _ = app.emit(REMINDERS_SNOOZED, days);
        }
        Err(why) => tracing::warn!(
            target: "reminders",
            "snoozing from the notification failed: {}",
            why.code().as_str()
        ),
    }
}

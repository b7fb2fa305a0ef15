//! Desktop notifications (the freedesktop.org Desktop Notifications Specification) with action
//! buttons: `Notify` on `org.freedesktop.Notifications`, then the server's `ActionInvoked` and
//! `NotificationClosed` signals for that notification, on the connection that sent it (some
//! servers, like dunst, signal only that one).

use std::time::Duration;

use dbus::arg::PropMap;
use dbus::blocking::Connection;
use dbus::message::{MatchRule, Message};

const NAME: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";
/// How long the server may take to answer `Notify`.
const NOTIFY_TIMEOUT: Duration = Duration::from_secs(10);
/// The action the specification reports for a click on the notification itself.
pub const CLICKED: &str = "default";

pub struct Notification {
    pub summary: String,
    pub body: String,
    /// Pairs of action key and button label.
    pub actions: Vec<(&'static str, &'static str)>,
}

/// Shows `notification` and, on a thread of its own until the server closes it, passes each
/// action the user takes on it to `on_action` (a click on the notification itself is
/// [`CLICKED`]). Best effort: failures are logged, since the window says the same.
pub fn show(notification: Notification, on_action: impl Fn(&str) + Send + 'static) {
    let spawned = std::thread::Builder::new()
        .name("notification".into())
        .spawn(move || {
            if let Err(why) = show_and_follow(&notification, &on_action) {
                tracing::warn!(target: "reminders", "the desktop notification failed: {why}");
            }
        });
    if let Err(why) = spawned {
        tracing::warn!(target: "reminders", "the desktop notification was not shown: {why}");
    }
}

fn show_and_follow(
    notification: &Notification,
    on_action: &impl Fn(&str),
) -> Result<(), dbus::Error> {
    let connection = Connection::new_session()?;
    // Subscribed before sending, so no signal about this notification can be missed; signals
    // that arrive while `Notify` is answered wait in the connection's queue.
    for member in ["ActionInvoked", "NotificationClosed"] {
        connection.add_match_no_cb(
            &MatchRule::new_signal(NAME, member)
                .with_path(PATH)
                .match_str(),
        )?;
    }
    let id = notify(&connection, notification)?;
    loop {
        let Some(signal) = connection
            .channel()
            .blocking_pop_message(Duration::from_secs(3600))?
        else {
            continue;
        };
        match read_signal(&signal) {
            Some(Signal::Action(about, action)) if about == id => on_action(&action),
            Some(Signal::Closed(about)) if about == id => return Ok(()),
            _ => {}
        }
    }
}

/// Sends `Notify` and returns the server's id for the notification.
fn notify(connection: &Connection, notification: &Notification) -> Result<u32, dbus::Error> {
    // As before: the program's name as the app's name and icon, the server's default timeout.
    let program = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.file_name()?.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let actions: Vec<&str> = notification
        .actions
        .iter()
        .flat_map(|(key, label)| [*key, *label])
        .chain([CLICKED, ""])
        .collect();
    let (id,): (u32,) = connection
        .with_proxy(NAME, PATH, NOTIFY_TIMEOUT)
        .method_call(
            NAME,
            "Notify",
            (
                program.as_str(),
                0u32,
                program.as_str(),
                notification.summary.as_str(),
                notification.body.as_str(),
                actions,
                PropMap::new(),
                -1i32,
            ),
        )?;
    Ok(id)
}

#[derive(Debug, PartialEq)]
enum Signal {
    /// `ActionInvoked(id, action key)`.
    Action(u32, String),
    /// `NotificationClosed(id, reason)`.
    Closed(u32),
}

/// The server's signal in `message`, if it is one of the two this follows.
fn read_signal(message: &Message) -> Option<Signal> {
    if &*message.interface()? != NAME {
        return None;
    }
    match &*message.member()? {
        "ActionInvoked" => {
            let (id, action) = message.read2::<u32, String>().ok()?;
            Some(Signal::Action(id, action))
        }
        "NotificationClosed" => Some(Signal::Closed(message.read1::<u32>().ok()?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal(member: &str) -> Message {
        Message::signal(&PATH.into(), &NAME.into(), &member.into())
    }

    #[test]
    fn an_action_and_a_close_are_read_with_their_notification_id() {
        let action = signal("ActionInvoked").append2(7u32, "snooze-week");
        assert_eq!(
            read_signal(&action),
            Some(Signal::Action(7, "snooze-week".into()))
        );
        let closed = signal("NotificationClosed").append2(7u32, 2u32);
        assert_eq!(read_signal(&closed), Some(Signal::Closed(7)));
    }

    #[test]
    fn other_signals_and_malformed_ones_are_ignored() {
        assert_eq!(
            read_signal(&signal("ActivationToken").append2(7u32, "x")),
            None
        );
        assert_eq!(read_signal(&signal("ActionInvoked").append1(7u32)), None);
        let elsewhere = Message::signal(
            &PATH.into(),
            &"org.example.Other".into(),
            &"ActionInvoked".into(),
        )
        .append2(7u32, "snooze-week");
        assert_eq!(read_signal(&elsewhere), None);
    }
}

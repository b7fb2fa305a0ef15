//! A desktop notification server of the test's own: it owns `org.freedesktop.Notifications` on
//! the session bus of `scripts/desktop-session.sh` (no notification daemon runs there) and
//! records every `Notify` call, with the process id of its sender, so a test can tell its app's
//! notifications from those of apps other tests run on the same bus. It can also report a click
//! on an action (`ActionInvoked`), as a desktop does when the user presses a button.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use zbus::zvariant::OwnedValue;

use crate::TestResult;

const NAME: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";

/// One `Notify` call as it arrived.
#[derive(Debug, Clone)]
pub struct Notified {
    /// The id this server answered with (what `ActionInvoked` names).
    pub id: u32,
    /// The sending process (from the bus), when the bus could say.
    pub sender_pid: Option<u32>,
    pub app_name: String,
    pub summary: String,
    pub body: String,
    /// Pairs of action key and label, flattened as the specification sends them.
    pub actions: Vec<String>,
}

type Seen = Arc<Mutex<Vec<Notified>>>;

struct Server {
    seen: Seen,
    next_id: AtomicU32,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] connection: &zbus::Connection,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let mut sender_pid = None;
        if let Some(sender) = header.sender()
            && let Ok(bus) = zbus::fdo::DBusProxy::new(connection).await
        {
            sender_pid = bus
                .get_connection_unix_process_id(sender.clone().into())
                .await
                .ok();
        }
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Notified {
                id,
                sender_pid,
                app_name,
                summary,
                body,
                actions,
            });
        id
    }

    fn close_notification(&self, _id: u32) {}

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into(), "actions".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "wispkey-test-notifications".into(),
            "wispkey".into(),
            "1".into(),
            "1.2".into(),
        )
    }
}

/// Owns the notification name while alive; dropping it gives the name back.
pub struct NotificationServer {
    connection: zbus::blocking::Connection,
    seen: Seen,
}

impl NotificationServer {
    /// Takes the name on the session bus (`DBUS_SESSION_BUS_ADDRESS`); fails when another
    /// process owns it.
    pub fn start() -> TestResult<NotificationServer> {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            return Err("no D-Bus session: run through scripts/desktop-session.sh".into());
        }
        let seen = Seen::default();
        let server = Server {
            seen: Arc::clone(&seen),
            next_id: AtomicU32::new(1),
        };
        let connection = zbus::blocking::connection::Builder::session()?
            .serve_at(PATH, server)?
            .name(NAME)?
            .build()?;
        Ok(NotificationServer { connection, seen })
    }

    /// Every notification `pid` sent so far.
    pub fn from_process(&self, pid: u32) -> Vec<Notified> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|notified| notified.sender_pid == Some(pid))
            .cloned()
            .collect()
    }

    /// Waits up to `limit` for a notification from `pid`.
    pub async fn wait_from_process(&self, pid: u32, limit: Duration) -> TestResult<Notified> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(first) = self.from_process(pid).into_iter().next() {
                return Ok(first);
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("no notification from process {pid} within {limit:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Reports that the user pressed `action_key` on notification `id` (a broadcast signal, as
    /// notification servers send it).
    pub fn invoke_action(&self, id: u32, action_key: &str) -> TestResult {
        self.connection.emit_signal(
            None::<&str>,
            PATH,
            NAME,
            "ActionInvoked",
            &(id, action_key),
        )?;
        Ok(())
    }
}

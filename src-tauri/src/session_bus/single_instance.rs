//! One instance per D-Bus name: the first launch owns the name and answers on it; a later launch
//! that finds the name taken asks the owner to come forward, then exits before any window opens.
//!
//! The name, object path and method are those Tauri's single-instance plugin used before
//! (`<id>.SingleInstance`, `ExecuteCallback(argv, cwd)`), so a running older version and a
//! newly installed one still meet.

use std::time::Duration;

use dbus::blocking::Connection;
use dbus::blocking::stdintf::org_freedesktop_dbus::RequestNameReply;
use dbus::channel::MatchingReceiver;
use dbus::message::MatchRule;
use dbus::strings::BusName;
use tauri::{AppHandle, Runtime, plugin::TauriPlugin};

const INTERFACE: &str = "org.SingleInstance.DBus";
const METHOD: &str = "ExecuteCallback";
/// How long a second launch waits for the running instance to answer.
const HAND_OVER_TIMEOUT: Duration = Duration::from_secs(10);

/// The plugin that claims `<dbus_id>.SingleInstance` when the app starts, or hands over and
/// exits. `come_forward` runs in the owner each time a later launch hands over.
pub fn plugin<R: Runtime>(dbus_id: String, come_forward: fn(&AppHandle<R>)) -> TauriPlugin<R> {
    tauri::plugin::Builder::new("single-instance")
        .setup(move |app, _api| {
            let name = format!("{dbus_id}.SingleInstance");
            let path = dbus::Path::new(object_path(&name))?;
            let name = BusName::new(name)?;
            let connection = match Connection::new_session() {
                Ok(connection) => connection,
                Err(why) => {
                    // Without a session bus no other instance can be found: start normally.
                    tracing::warn!("no D-Bus session, so no single-instance check: {why}");
                    return Ok(());
                }
            };
            let reply = match connection.request_name(name.clone(), false, false, true) {
                Ok(reply) => reply,
                Err(why) => {
                    tracing::warn!("the bus refused the single-instance name: {why}");
                    return Ok(());
                }
            };
            match reply {
                RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner => {
                    serve(connection, path, app.clone(), come_forward)?;
                    Ok(())
                }
                RequestNameReply::Exists | RequestNameReply::InQueue => {
                    hand_over(&connection, &name, &path).map_err(|why| {
                        format!(
                            "Wispkey is already running but did not answer ({why}); close it \
                             or end its process, then start Wispkey again."
                        )
                    })?;
                    app.cleanup_before_exit();
                    std::process::exit(0);
                }
            }
        })
        .build()
}

/// Answers later launches on a thread of its own for as long as the app runs; the bus gives the
/// name back when the process ends.
fn serve<R: Runtime>(
    connection: Connection,
    path: dbus::Path<'static>,
    app: AppHandle<R>,
    come_forward: fn(&AppHandle<R>),
) -> std::io::Result<()> {
    let calls = MatchRule::new_method_call()
        .with_path(path)
        .with_interface(INTERFACE)
        .with_member(METHOD);
    connection.start_receive(
        calls,
        Box::new(move |call, connection| {
            come_forward(&app);
            // The caller exits once answered; a lost answer only makes it wait for its timeout.
            let _ = dbus::channel::Sender::send(connection, call.method_return());
            true
        }),
    );
    std::thread::Builder::new()
        .name("single-instance".into())
        .spawn(
            move || {
                while connection.process(Duration::from_secs(3600)).is_ok() {}
            },
        )?;
    Ok(())
}

/// Asks the owner of `name` to come forward, with this launch's arguments and folder as the
/// method has always carried them.
fn hand_over(
    connection: &Connection,
    name: &BusName<'static>,
    path: &dbus::Path<'static>,
) -> Result<(), dbus::Error> {
    let args: Vec<String> = std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let cwd = std::env::current_dir()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    connection
        .with_proxy(name.clone(), path.clone(), HAND_OVER_TIMEOUT)
        .method_call(INTERFACE, METHOD, (args, cwd))
}

/// `/a/b/c_d` for `a.b.c-d`: an object path holds no dots or dashes.
fn object_path(name: &str) -> String {
    format!("/{}", name.replace('.', "/").replace('-', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_object_path_is_the_name_with_slashes_and_no_dashes() {
        assert_eq!(
            object_path("place.wisp.wispkey.p00ff.SingleInstance"),
            "/place/wisp/wispkey/p00ff/SingleInstance"
        );
        assert_eq!(object_path("a-b.c"), "/a_b/c");
        assert!(dbus::Path::new(object_path("place.wisp.wispkey.p0.SingleInstance")).is_ok());
    }
}

//! Our Secret Service client: one D-Bus connection, one encrypted session, and the few calls
//! the vault makes (search, read, write, create, delete, the collection's lock state).
//!
//! The calls and the item attributes are those of the freedesktop Secret Service spec, so
//! items stay readable by every other client (the keyring crate, `secret-tool`, Seahorse).
//! The vault never answers a prompt: an operation that needs one (a locked collection) is
//! refused as locked and its prompt dismissed; unlocking is a separate, deliberate action
//! (`vault/locked.rs`).

mod session;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use dbus::arg::{PropMap, RefArg, Variant};
use dbus::blocking::stdintf::org_freedesktop_dbus::Properties;
use dbus::blocking::{Connection, Proxy};
use dbus::{Message, Path};
use zeroize::Zeroizing;

use session::{ALGORITHM, CryptoFault, Offer, SessionKey};

const DESTINATION: &str = "org.freedesktop.secrets";
const SERVICE_PATH: &str = "/org/freedesktop/secrets";
const SERVICE: &str = "org.freedesktop.Secret.Service";
const COLLECTION: &str = "org.freedesktop.Secret.Collection";
const ITEM: &str = "org.freedesktop.Secret.Item";
const PROMPT: &str = "org.freedesktop.Secret.Prompt";
/// The spec's "no object" answer (no collection under an alias, no prompt needed).
const NONE: &str = "/";

/// How long one call may wait for the daemon. The vault's own deadline (`deadline.rs`) reports
/// a keychain that stops answering; this only keeps the keychain thread from waiting forever.
const CALL_TIMEOUT: Duration = Duration::from_secs(2);

/// What went wrong talking to the Secret Service.
#[derive(Debug)]
pub enum Fault {
    /// The bus or the daemon refused or failed the call (its D-Bus error text says why).
    Bus(dbus::Error),
    Crypto(CryptoFault),
    /// The daemon wants to show a prompt (the collection or item is locked).
    NeedsPrompt,
    /// No collection answers to the `default` alias.
    NoDefaultCollection,
}

impl From<dbus::Error> for Fault {
    fn from(error: dbus::Error) -> Fault {
        Fault::Bus(error)
    }
}

impl From<CryptoFault> for Fault {
    fn from(error: CryptoFault) -> Fault {
        Fault::Crypto(error)
    }
}

/// A secret as the spec passes it: session, parameters (the IV), value, content type.
type WireSecret = (Path<'static>, Vec<u8>, Vec<u8>, String);

/// Item paths a search found: the unlocked ones, and the locked ones.
pub struct Found {
    pub unlocked: Vec<Path<'static>>,
    pub locked: Vec<Path<'static>>,
}

pub struct Client {
    connection: Connection,
    session: Path<'static>,
    key: SessionKey,
}

impl Client {
    /// Connects to the session bus and opens an encrypted session.
    pub fn connect() -> Result<Client, Fault> {
        let connection = Connection::new_session()?;
        let offer = Offer::new()?;
        let input = Variant(offer.public_bytes());
        let (output, session): (Variant<Vec<u8>>, Path<'static>) = proxy(&connection, SERVICE_PATH)
            .method_call(SERVICE, "OpenSession", (ALGORITHM, input))?;
        let key = offer.accept(&output.0)?;
        Ok(Client {
            connection,
            session,
            key,
        })
    }

    fn at<'path>(&self, path: impl Into<Path<'path>>) -> Proxy<'path, &Connection> {
        proxy(&self.connection, path)
    }

    /// The path of the collection the `default` alias names now.
    pub fn default_collection(&self) -> Result<Path<'static>, Fault> {
        let (path,): (Path<'static>,) =
            self.at(SERVICE_PATH)
                .method_call(SERVICE, "ReadAlias", ("default",))?;
        if &*path == NONE {
            return Err(Fault::NoDefaultCollection);
        }
        Ok(path)
    }

    pub fn collection_locked(&self, collection: &str) -> Result<bool, Fault> {
        let path = Path::new(collection).map_err(|_| Fault::NoDefaultCollection)?;
        Ok(self.at(path).get(COLLECTION, "Locked")?)
    }

    pub fn search(&self, attributes: &HashMap<&str, &str>) -> Result<Found, Fault> {
        let (unlocked, locked): (Vec<Path<'static>>, Vec<Path<'static>>) = self
            .at(SERVICE_PATH)
            .method_call(SERVICE, "SearchItems", (attributes,))?;
        Ok(Found { unlocked, locked })
    }

    /// Several searches, answers in the same order. All are sent before the first answer is
    /// awaited: the daemon still answers one at a time, but no search waits for the round trip
    /// of the one before (a value kept as 120 parts used to cost 120 of them).
    pub fn search_each(&self, queries: &[HashMap<&str, &str>]) -> Result<Vec<Found>, Fault> {
        let channel = self.connection.channel();
        let mut serials = Vec::with_capacity(queries.len());
        for attributes in queries {
            let call = Message::new_method_call(DESTINATION, SERVICE_PATH, SERVICE, "SearchItems")
                .map_err(|text| Fault::Bus(dbus::Error::new_failed(&text)))?
                .append1(attributes);
            let serial = channel.send(call).map_err(|()| {
                Fault::Bus(dbus::Error::new_failed("the D-Bus connection is closed"))
            })?;
            serials.push(serial);
        }
        channel.flush();
        let mut answers: Vec<Option<Found>> = queries.iter().map(|_| None).collect();
        let mut waiting = queries.len();
        let deadline = Instant::now() + CALL_TIMEOUT;
        while waiting > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Fault::Bus(dbus::Error::new_custom(
                    "org.freedesktop.DBus.Error.NoReply",
                    "the Secret Service did not answer in time",
                )));
            }
            // Nothing else reads this connection's messages: any that is not one of these
            // answers (a signal, a late answer to an abandoned call) is dropped.
            let Some(mut message) = channel.blocking_pop_message(left)? else {
                continue;
            };
            let Some(index) = message
                .get_reply_serial()
                .and_then(|serial| serials.iter().position(|sent| *sent == serial))
            else {
                continue;
            };
            message.as_result()?;
            let (unlocked, locked): (Vec<Path<'static>>, Vec<Path<'static>>) =
                message.read2().map_err(dbus::Error::from)?;
            if answers[index].replace(Found { unlocked, locked }).is_none() {
                waiting -= 1;
            }
        }
        Ok(answers.into_iter().flatten().collect())
    }

    /// The secrets of several items in one call (decrypted, wiped when dropped). An item the
    /// daemon could not give (locked or deleted since it was found) is missing from the answer.
    pub fn secrets(
        &self,
        items: &[Path<'static>],
    ) -> Result<HashMap<Path<'static>, Zeroizing<Vec<u8>>>, Fault> {
        let (answer,): (HashMap<Path<'static>, WireSecret>,) = self.at(SERVICE_PATH).method_call(
            SERVICE,
            "GetSecrets",
            (items.to_vec(), self.session.clone()),
        )?;
        answer
            .into_iter()
            .map(|(item, (_, iv, ciphertext, _))| Ok((item, self.key.open(&iv, &ciphertext)?)))
            .collect()
    }

    /// An item's secret, decrypted (and wiped when dropped).
    pub fn secret(&self, item: &Path<'static>) -> Result<Zeroizing<Vec<u8>>, Fault> {
        let (secret,): (WireSecret,) =
            self.at(item.clone())
                .method_call(ITEM, "GetSecret", (self.session.clone(),))?;
        let (_, iv, ciphertext, _) = secret;
        Ok(self.key.open(&iv, &ciphertext)?)
    }

    fn wire(&self, value: &[u8]) -> Result<WireSecret, Fault> {
        let sealed = self.key.seal(value)?;
        Ok((
            self.session.clone(),
            sealed.iv,
            sealed.ciphertext,
            "text/plain".to_owned(),
        ))
    }

    pub fn set_secret(&self, item: &Path<'static>, value: &[u8]) -> Result<(), Fault> {
        let secret = self.wire(value)?;
        self.at(item.clone())
            .method_call::<(), _, _, _>(ITEM, "SetSecret", (secret,))?;
        Ok(())
    }

    /// Creates an item in `collection` (replacing one with the same attributes).
    pub fn create_item(
        &self,
        collection: &Path<'static>,
        label: &str,
        attributes: &HashMap<&str, &str>,
        value: &[u8],
    ) -> Result<Path<'static>, Fault> {
        let attributes: HashMap<String, String> = attributes
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        let mut properties = PropMap::new();
        properties.insert(
            format!("{ITEM}.Label"),
            Variant(Box::new(label.to_owned()) as Box<dyn RefArg>),
        );
        properties.insert(
            format!("{ITEM}.Attributes"),
            Variant(Box::new(attributes) as Box<dyn RefArg>),
        );
        let secret = self.wire(value)?;
        let (item, prompt): (Path<'static>, Path<'static>) = self
            .at(collection.clone())
            .method_call(COLLECTION, "CreateItem", (properties, secret, true))?;
        self.refuse_prompt(prompt)?;
        Ok(item)
    }

    pub fn delete(&self, item: &Path<'static>) -> Result<(), Fault> {
        let (prompt,): (Path<'static>,) = self.at(item.clone()).method_call(ITEM, "Delete", ())?;
        self.refuse_prompt(prompt)
    }

    /// `Ok` when the daemon needed no prompt; otherwise dismisses it (the vault never prompts
    /// on its own) and says so.
    fn refuse_prompt(&self, prompt: Path<'static>) -> Result<(), Fault> {
        if &*prompt == NONE {
            return Ok(());
        }
        // Best effort: an undismissed prompt only lingers in the daemon until we disconnect.
        let _ = self
            .at(prompt)
            .method_call::<(), _, _, _>(PROMPT, "Dismiss", ());
        Err(Fault::NeedsPrompt)
    }
}

fn proxy<'path, 'connection>(
    connection: &'connection Connection,
    path: impl Into<Path<'path>>,
) -> Proxy<'path, &'connection Connection> {
    connection.with_proxy(DESTINATION, path, CALL_TIMEOUT)
}

//! One logical value per name, whatever its size: a plain item when it fits one item on every
//! platform, else parts plus a header ([`super::chunked`]). Every write goes through
//! [`put`], which refuses anything over the limit ([`super::limit`]).
//!
//! Values written by earlier versions as one large item still read; the next read rewrites such
//! a value as parts, so it would also survive a move to a stricter platform store.

use super::chunked::{self, HEADER_PREFIX, Header};
use super::limit;
use super::store::Store;
use crate::error::{Error, Result};
use crate::secret::SecretString;

/// The one place a value is written to the keychain.
fn put(service: &impl Store, item: &str, value: &str) -> Result<()> {
    limit::check(item, value)?;
    service.put(item, value)
}

fn get(service: &impl Store, item: &str) -> Result<SecretString> {
    service.get(item)
}

fn remove(service: &impl Store, item: &str) -> Result<()> {
    service.remove(item)
}

/// The header under `item`, if its value is kept as parts. A missing item has none.
fn header(service: &impl Store, item: &str) -> Result<Option<Header>> {
    match get(service, item) {
        Ok(value) => Header::parse(value.expose()),
        Err(Error::KeychainNotFound) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Writes `value`, reads it back and compares; then removes the parts it replaced.
pub(super) fn store(service: &impl Store, item: &str, value: &SecretString) -> Result<()> {
    // Damaged or unreadable: nothing to clean up that we can name, the write goes on.
    let previous = header(service, item).ok().flatten();
    write(service, item, value.expose())?;
    if read(service, item)? != *value {
        return Err(Error::KeychainVerifyFailed);
    }
    if let Some(previous) = previous {
        remove_parts(service, item, &previous);
    }
    Ok(())
}

fn write(service: &impl Store, item: &str, value: &str) -> Result<()> {
    if limit::fits(value) && !value.starts_with(HEADER_PREFIX) {
        return put(service, item, value);
    }
    let pieces = limit::split(value);
    let header = Header::for_value(value, pieces.len(), chunked::new_set());
    for (index, piece) in pieces.iter().enumerate() {
        put(service, &header.part_item(item, index), piece)?;
    }
    // Last: until now the previous header (and value) stood.
    put(service, item, &header.encode())
}

pub(super) fn read(service: &impl Store, item: &str) -> Result<SecretString> {
    let value = get(service, item)?;
    let Some(header) = Header::parse(value.expose())? else {
        if !limit::fits(value.expose()) {
            // Written as one item by an earlier version: keep it as parts from now on. If that
            // fails the old item still stands and the value is still returned.
            let _ = write(service, item, value.expose());
        }
        return Ok(value);
    };
    read_parts(service, item, &header)
}

/// Several values at once: every plain one in one go, then the parts of those kept as parts.
/// One answer per name, in order.
pub(super) fn read_each(
    service: &impl Store,
    items: &[String],
) -> Result<Vec<Result<SecretString>>> {
    let values = service.get_each(items)?;
    Ok(items
        .iter()
        .zip(values)
        .map(|(item, value)| {
            let value = value.ok_or(Error::KeychainNotFound)?;
            match Header::parse(value.expose())? {
                Some(header) => read_parts(service, item, &header),
                // An oversized single item an earlier version wrote is handed over as it is;
                // a later plain read moves it to parts.
                None => Ok(value),
            }
        })
        .collect())
}

fn read_parts(service: &impl Store, item: &str, header: &Header) -> Result<SecretString> {
    let names: Vec<String> = (0..header.parts)
        .map(|index| header.part_item(item, index))
        .collect();
    let mut parts = Vec::with_capacity(header.parts);
    for (index, part) in service.get_each(&names)?.into_iter().enumerate() {
        let Some(part) = part else {
            zeroize::Zeroize::zeroize(&mut parts);
            return Err(Error::KeychainFailed {
                detail: format!("part {index} of a keychain item is missing"),
            });
        };
        parts.push(part.expose().to_owned());
    }
    let joined = header.join(&parts);
    zeroize::Zeroize::zeroize(&mut parts);
    joined.map(SecretString::new)
}

/// Removes the header first (from then on nothing reads as the value), then its parts.
pub(super) fn delete(service: &impl Store, item: &str) -> Result<()> {
    let header = header(service, item).ok().flatten();
    remove(service, item)?;
    if let Some(header) = header {
        remove_parts(service, item, &header);
    }
    Ok(())
}

/// Best effort: a part left behind is unreachable garbage, never read as a value.
fn remove_parts(service: &impl Store, item: &str, header: &Header) {
    for index in 0..header.parts {
        let _ = remove(service, &header.part_item(item, index));
    }
}

//! The demo account for the offline demo and the stack: a staff user with
//! TOTP on and a spread of API tokens (every status, one webhook switched
//! off, two tokens with the same name, one without a webhook), and a staff
//! user without TOTP for tests. Seeded once; a restart reuses them.

use std::path::Path;

use serde_json::Value;

use crate::auth::Principal;
use crate::control::user_json;
use crate::store::{Data, Status, Store};
use crate::tokens::NewToken;
use crate::{Error, ids, time};

/// The staff user with TOTP on.
pub const DEMO_EMAIL: &str = "demo@slate.test";
/// The staff user without a second factor.
pub const PLAIN_EMAIL: &str = "ops@slate.test";

/// 2025-01-01T00:00:00Z: the "Partner feed" token's expiry (in the past).
const PAST_EXPIRY_MS: u64 = 1_735_689_600_000;

struct DemoToken {
    name: &'static str,
    scopes: &'static [&'static str],
    webhook: Option<(&'static str, bool)>,
    status: Status,
    expires_ms: Option<u64>,
    ip_allowlist: Option<&'static [&'static str]>,
    rate_limit: Option<i64>,
}

const DEMO_TOKENS: [DemoToken; 6] = [
    DemoToken {
        name: "Order router",
        scopes: &["orders:read", "orders:write"],
        webhook: Some(("https://hooks.demo.example/slate/orders", true)),
        status: Status::Active,
        expires_ms: None,
        ip_allowlist: None,
        rate_limit: None,
    },
    DemoToken {
        name: "Reporting",
        scopes: &["reports:read"],
        webhook: Some(("https://hooks.demo.example/slate/reporting", false)),
        status: Status::Active,
        expires_ms: None,
        ip_allowlist: None,
        rate_limit: Some(600),
    },
    DemoToken {
        name: "Reporting",
        scopes: &["reports:read"],
        webhook: Some(("https://hooks.demo.example/slate/reporting-eu", true)),
        status: Status::Disabled,
        expires_ms: None,
        ip_allowlist: None,
        rate_limit: None,
    },
    DemoToken {
        name: "Legacy CRM sync",
        scopes: &["customers:read"],
        webhook: Some(("https://hooks.demo.example/slate/crm", true)),
        status: Status::Revoked,
        expires_ms: None,
        ip_allowlist: None,
        rate_limit: None,
    },
    DemoToken {
        name: "Partner feed",
        scopes: &["instruments:read"],
        webhook: Some(("https://hooks.demo.example/slate/partner", true)),
        status: Status::Active,
        expires_ms: Some(PAST_EXPIRY_MS),
        ip_allowlist: Some(&["203.0.113.0/24"]),
        rate_limit: Some(120),
    },
    DemoToken {
        name: "Read-only analytics",
        scopes: &["reports:read"],
        webhook: None,
        status: Status::Active,
        expires_ms: None,
        ip_allowlist: None,
        rate_limit: None,
    },
];

fn add_tokens(data: &mut Data, owner: &Principal, tokens: &[DemoToken]) -> Result<(), Error> {
    let now_ms = time::now_millis();
    for t in tokens {
        let new = NewToken {
            name: t.name.to_owned(),
            scopes: t.scopes.iter().map(|s| (*s).to_owned()).collect(),
            expires_ms: t.expires_ms,
            webhook_url: t.webhook.map(|(url, _)| url.to_owned()),
            webhook_enabled: t.webhook.is_some_and(|(_, on)| on),
            ip_allowlist: t
                .ip_allowlist
                .map(|l| l.iter().map(|s| (*s).to_owned()).collect()),
            rate_limit: t.rate_limit,
        };
        let id = data.take_token_id();
        let token = new.build(id, owner, t.status, now_ms)?;
        data.tokens.push(token);
    }
    Ok(())
}

/// Makes sure both demo users exist (with their tokens when new), writes
/// their sign-in details to `file` (0600) and returns them:
/// `{userId, email, password, totpSecret, withoutTotp: {userId, email, password, totpSecret: null}}`.
pub async fn seed(store: &mut Store, file: &Path) -> Result<Value, Error> {
    let mut next = store.data().clone();
    let mut changed = false;
    let now_ms = time::now_millis();
    for (email, with_totp, tokens) in [
        (DEMO_EMAIL, true, &DEMO_TOKENS[..]),
        (
            PLAIN_EMAIL,
            false,
            &[DemoToken {
                name: "CI deploy",
                scopes: &["deployments:write"],
                webhook: Some(("https://hooks.demo.example/slate/ci", true)),
                status: Status::Active,
                expires_ms: None,
                ip_allowlist: None,
                rate_limit: None,
            }][..],
        ),
    ] {
        if next.user_by_email(email).is_none() {
            let user = next.add_user(email, &ids::password()?, with_totp, now_ms)?;
            let owner = Principal {
                user_id: user.id,
                email: user.email,
            };
            add_tokens(&mut next, &owner, tokens)?;
            changed = true;
        }
    }
    if changed {
        store.commit(next, false).await?;
    }
    let data = store.data();
    let demo = data.user_by_email(DEMO_EMAIL).ok_or(Error::UserNotFound)?;
    let plain = data.user_by_email(PLAIN_EMAIL).ok_or(Error::UserNotFound)?;
    let mut value = user_json(demo);
    value["withoutTotp"] = user_json(plain);
    let bytes = serde_json::to_vec_pretty(&value).map_err(|e| Error::Io(e.into()))?;
    service_kit::state_file::write_atomically(file, &bytes)
        .map_err(|e| Error::Config(format!("cannot write {}: {e}", file.display())))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn seeding_twice_keeps_the_same_users_and_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("state.json")).unwrap();
        let first = seed(&mut store, &dir.path().join("demo.json"))
            .await
            .unwrap();
        let tokens = store.data().tokens.clone();
        assert_eq!(tokens.len(), 7);
        let second = seed(&mut store, &dir.path().join("demo.json"))
            .await
            .unwrap();
        assert_eq!(first, second);
        assert_eq!(store.data().tokens, tokens);
        assert!(first["totpSecret"].is_string());
        assert!(first["withoutTotp"]["totpSecret"].is_null());
        let names: Vec<_> = tokens.iter().filter(|t| t.name == "Reporting").collect();
        assert_eq!(names.len(), 2);
    }
}

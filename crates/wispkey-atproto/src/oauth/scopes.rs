//! Which OAuth scopes Wispkey asks for, and what a granted `scope` string actually allows.
//!
//! The token response's `scope` is checked semantically, not by string equality: a server may
//! grant a wider scope (`transition:generic`), write the same permission in another form
//! (`rpc?lxm=a&lxm=b&aud=…`), or silently drop what it does not understand. What matters is
//! whether each of the four secret methods may be called through the PDS proxy.

use wispkey_core::Operation;

/// The XRPC method behind each operation on the wisp service: what a granular scope must allow.
/// (AT Protocol sign-in serves wisp.place today; its methods are named here because the scope
/// requested at sign-in must list them.)
pub fn nsid(operation: Operation) -> &'static str {
    match operation {
        Operation::List => "place.wisp.v2.secret.list",
        Operation::Create => "place.wisp.v2.secret.create",
        Operation::Rotate => "place.wisp.v2.secret.rotate",
        Operation::Delete => "place.wisp.v2.secret.delete",
    }
}

/// The scope a sign-in requests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ScopeRequest {
    /// Exactly the four secret methods, for any service (`aud=*`). The default.
    #[default]
    Granular,
    /// The granular request plus editing the account's webhook records
    /// (`repo:place.wisp.v2.wh`), asked for only when a staged rotation needs to switch them.
    GranularWithWebhooks,
    /// `atproto transition:generic`: the broad legacy scope, offered when a server does not grant
    /// the granular ones.
    FullAccess,
    /// A literal scope string (space separated; must include `atproto`).
    Exact(String),
}

/// The granular request. `aud=*` rather than the service DID: with a did:web that carries a port
/// the `%3A` would have to be written `%253A` inside the scope or the server silently drops it,
/// and the service DID is configurable anyway. Order is fixed because the scope is part of the
/// loopback `client_id`, which must be rebuilt byte for byte on every refresh.
pub const GRANULAR_SCOPE: &str = "atproto rpc:place.wisp.v2.secret.create?aud=* \
rpc:place.wisp.v2.secret.delete?aud=* rpc:place.wisp.v2.secret.list?aud=* \
rpc:place.wisp.v2.secret.rotate?aud=*";

/// The collection whose records are wisp.place webhooks.
pub const WEBHOOK_COLLECTION: &str = "place.wisp.v2.wh";

/// [`GRANULAR_SCOPE`] and the right to write webhook records (same fixed order rule).
pub const GRANULAR_WITH_WEBHOOKS_SCOPE: &str = "atproto rpc:place.wisp.v2.secret.create?aud=* \
rpc:place.wisp.v2.secret.delete?aud=* rpc:place.wisp.v2.secret.list?aud=* \
rpc:place.wisp.v2.secret.rotate?aud=* repo:place.wisp.v2.wh";

pub const FULL_ACCESS_SCOPE: &str = "atproto transition:generic";

impl ScopeRequest {
    pub fn scope_string(&self) -> String {
        match self {
            ScopeRequest::Granular => GRANULAR_SCOPE.to_owned(),
            ScopeRequest::GranularWithWebhooks => GRANULAR_WITH_WEBHOOKS_SCOPE.to_owned(),
            ScopeRequest::FullAccess => FULL_ACCESS_SCOPE.to_owned(),
            ScopeRequest::Exact(scope) => scope.split_whitespace().collect::<Vec<_>>().join(" "),
        }
    }
}

/// A granted `scope` string from a token response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantedScope<'a> {
    raw: &'a str,
}

impl<'a> GrantedScope<'a> {
    pub fn new(raw: &'a str) -> Self {
        GrantedScope { raw }
    }

    /// Every atproto OAuth session must carry `atproto`; a token without it is not one.
    pub fn has_atproto(&self) -> bool {
        self.raw.split_whitespace().any(|scope| scope == "atproto")
    }

    /// Whether `nsid` may be called through the proxy to `service_aud`
    /// (e.g. `did:web:wisp.place#wisp_xrpc`).
    pub fn allows_rpc(&self, nsid: &str, service_aud: &str) -> bool {
        self.raw.split_whitespace().any(|scope| {
            scope == "transition:generic"
                || parse_rpc(scope).is_some_and(|rpc| rpc.allows(nsid, service_aud))
        })
    }

    /// Whether records of `collection` may be updated in the user's repo (`putRecord`):
    /// `transition:generic`, or a `repo:` scope naming the collection (or `*`) whose actions, if
    /// listed, include `update`.
    pub fn allows_record_update(&self, collection: &str) -> bool {
        self.raw.split_whitespace().any(|scope| {
            scope == "transition:generic"
                || scope
                    .strip_prefix("repo:")
                    .or_else(|| scope.strip_prefix("repo?collection="))
                    .is_some_and(|rest| repo_allows_update(rest, collection))
        })
    }

    pub fn capabilities(&self, service_aud: &str) -> Vec<Operation> {
        Operation::ALL
            .into_iter()
            .filter(|&operation| self.allows_rpc(nsid(operation), service_aud))
            .collect()
    }

    pub fn missing(&self, required: &[Operation], service_aud: &str) -> Vec<Operation> {
        required
            .iter()
            .copied()
            .filter(|&operation| !self.allows_rpc(nsid(operation), service_aud))
            .collect()
    }
}

struct RpcScope {
    methods: Vec<String>,
    aud: String,
}

impl RpcScope {
    fn allows(&self, nsid: &str, service_aud: &str) -> bool {
        let method_ok = self.methods.iter().any(|m| m == "*" || m == nsid);
        method_ok && aud_matches(&self.aud, service_aud)
    }
}

/// `rpc:<nsid>?aud=<aud>` or `rpc?lxm=<nsid>&lxm=<nsid>&aud=<aud>` (atproto permission syntax).
/// Values are percent-decoded once, so `did:web:localhost%253A2583%23wisp_xrpc` in a scope means
/// the DID `did:web:localhost%3A2583` and the fragment `#wisp_xrpc`.
fn parse_rpc(scope: &str) -> Option<RpcScope> {
    let rest = scope.strip_prefix("rpc")?;
    let (positional, query) = match rest.split_once('?') {
        Some((positional, query)) => (positional, query),
        None => (rest, ""),
    };
    let mut methods = Vec::new();
    if let Some(method) = positional.strip_prefix(':') {
        methods.push(percent_decode(method));
    } else if !positional.is_empty() {
        return None; // e.g. "rpcfoo": not an rpc scope
    }
    let mut aud = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "lxm" => methods.push(value.into_owned()),
            "aud" => aud = Some(value.into_owned()),
            _ => {}
        }
    }
    // The permission spec makes `aud` mandatory for rpc scopes; one without it grants nothing.
    Some(RpcScope { methods, aud: aud? })
}

/// `<collection>[?action=…&action=…]` (the part after `repo:`).
fn repo_allows_update(rest: &str, collection: &str) -> bool {
    let (named, query) = rest.split_once('?').unwrap_or((rest, ""));
    let named = percent_decode(named);
    if named != "*" && named != collection {
        return false;
    }
    let actions: Vec<String> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key == "action")
        .map(|(_, value)| value.into_owned())
        .collect();
    actions.is_empty() || actions.iter().any(|action| action == "update")
}

fn percent_decode(value: &str) -> String {
    url::form_urlencoded::parse(format!("v={value}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn aud_matches(granted: &str, service_aud: &str) -> bool {
    if granted == "*" {
        return true;
    }
    // A scope may name the service with or without the `#wisp_xrpc` fragment.
    let bare = |aud: &str| aud.split('#').next().unwrap_or_default().to_owned();
    granted == service_aud || (!granted.contains('#') && granted == bare(service_aud))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WISP: &str = "did:web:wisp.place#wisp_xrpc";

    #[test]
    fn the_granular_request_grants_all_four_capabilities() {
        let granted = GrantedScope::new(GRANULAR_SCOPE);
        assert!(granted.has_atproto());
        assert_eq!(granted.capabilities(WISP), Operation::ALL.to_vec());
        assert!(granted.missing(&Operation::ALL, WISP).is_empty());
    }

    #[test]
    fn transition_generic_grants_everything() {
        let granted = GrantedScope::new("atproto transition:generic");
        assert_eq!(granted.capabilities(WISP), Operation::ALL.to_vec());
    }

    #[test]
    fn a_partial_grant_names_what_is_missing() {
        let granted = GrantedScope::new("atproto rpc:place.wisp.v2.secret.list?aud=*");
        assert_eq!(
            granted.missing(&Operation::ALL, WISP),
            vec![Operation::Create, Operation::Rotate, Operation::Delete]
        );
        let error = wispkey_core::Error::ScopeNotGranted {
            missing: granted.missing(&Operation::ALL, WISP),
        };
        assert!(
            error
                .to_string()
                .contains("create, rotate and delete secrets"),
            "{error}"
        );
    }

    #[test]
    fn the_query_form_with_several_methods_is_understood() {
        let granted = GrantedScope::new(
            "atproto rpc?lxm=place.wisp.v2.secret.list&lxm=place.wisp.v2.secret.rotate&aud=*",
        );
        assert_eq!(
            granted.capabilities(WISP),
            vec![Operation::List, Operation::Rotate]
        );
    }

    #[test]
    fn an_rpc_scope_for_another_service_grants_nothing_here() {
        let granted =
            GrantedScope::new("atproto rpc:place.wisp.v2.secret.list?aud=did:web:other.example");
        assert!(granted.capabilities(WISP).is_empty());
    }

    #[test]
    fn a_service_audience_is_matched_after_percent_decoding() {
        let service = "did:web:localhost%3A2583#wisp_xrpc";
        let granted = GrantedScope::new(
            "atproto rpc:place.wisp.v2.secret.list?aud=did:web:localhost%253A2583%23wisp_xrpc",
        );
        assert_eq!(granted.capabilities(service), vec![Operation::List]);
        // Written with a single `%3A`, the value decodes to a different DID.
        let single =
            GrantedScope::new("atproto rpc:place.wisp.v2.secret.list?aud=did:web:localhost%3A2583");
        assert!(single.capabilities(service).is_empty());
    }

    #[test]
    fn a_wildcard_method_for_the_service_grants_everything() {
        let granted = GrantedScope::new("atproto rpc:*?aud=did:web:wisp.place%23wisp_xrpc");
        assert_eq!(granted.capabilities(WISP), Operation::ALL.to_vec());
    }

    #[test]
    fn an_rpc_scope_without_audience_grants_nothing() {
        let granted = GrantedScope::new("atproto rpc:place.wisp.v2.secret.list");
        assert!(granted.capabilities(WISP).is_empty());
    }

    #[test]
    fn editing_webhook_records_needs_a_repo_scope_or_full_access() {
        let webhooks = "place.wisp.v2.wh";
        assert!(!GrantedScope::new(GRANULAR_SCOPE).allows_record_update(webhooks));
        assert!(GrantedScope::new(GRANULAR_WITH_WEBHOOKS_SCOPE).allows_record_update(webhooks));
        assert!(GrantedScope::new(FULL_ACCESS_SCOPE).allows_record_update(webhooks));
        assert!(GrantedScope::new("atproto repo:*").allows_record_update(webhooks));
        assert!(
            GrantedScope::new("atproto repo:place.wisp.v2.wh?action=update")
                .allows_record_update(webhooks)
        );
        assert!(
            !GrantedScope::new("atproto repo:place.wisp.v2.wh?action=create")
                .allows_record_update(webhooks)
        );
        assert!(
            !GrantedScope::new("atproto repo:app.bsky.feed.post").allows_record_update(webhooks)
        );
        // The wider request still grants every secret operation.
        assert_eq!(
            GrantedScope::new(GRANULAR_WITH_WEBHOOKS_SCOPE).capabilities(WISP),
            Operation::ALL.to_vec()
        );
    }

    #[test]
    fn a_scope_without_atproto_is_detected() {
        assert!(!GrantedScope::new("transition:generic").has_atproto());
    }

    #[test]
    fn exact_requests_are_normalised_to_single_spaces() {
        let scope = ScopeRequest::Exact("  atproto   transition:generic ".into());
        assert_eq!(scope.scope_string(), "atproto transition:generic");
    }
}

//! atproto service-auth: the only credential the wisp service accepts.

pub mod did;
pub mod jwt;
pub mod keys;
pub mod multikey;

use crate::Error;
use did::DidResolver;

/// Verifies `Authorization: Bearer <service JWT>` for this service's DID.
#[derive(Debug)]
pub struct Verifier {
    service_did: String,
    resolver: DidResolver,
}

impl Verifier {
    /// A verifier for tokens addressed to `service_did`.
    pub fn new(service_did: &str, plc_url: &str) -> Result<Self, Error> {
        Ok(Self {
            service_did: service_did.to_owned(),
            resolver: DidResolver::new(plc_url)?,
        })
    }

    /// Resolves DIDs (also to their PDS, for the delivery test control).
    pub fn resolver(&self) -> &DidResolver {
        &self.resolver
    }

    /// The caller DID if an `Authorization` header was sent and is valid,
    /// `None` if none was sent (the handler then answers "authentication
    /// required", after input validation, as the real server does).
    pub async fn authenticate(
        &self,
        authorization: Option<&[u8]>,
        nsid: &str,
    ) -> Result<Option<String>, Error> {
        let Some(raw) = authorization else {
            return Ok(None);
        };
        let header = std::str::from_utf8(raw)
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or_else(|| Error::auth("missing or invalid authorization header"))?;
        let token = header.trim();
        if token.is_empty() {
            return Err(Error::auth("missing service authorization token"));
        }
        self.verify(token, nsid).await.map(Some)
    }

    /// Full check of one token for method `nsid`; returns the issuer DID.
    pub async fn verify(&self, token: &str, nsid: &str) -> Result<String, Error> {
        let jwt = jwt::parse(token)?;
        jwt::check_claims(&jwt, &self.service_did, nsid, crate::time::now_millis())?;

        let message = jwt.signing_input.as_bytes();
        let key = self.resolver.signing_key(&jwt.iss, false).await?;
        let mut valid = key.jwt_alg() == jwt.alg && key.verify(message, &jwt.signature);
        if !valid {
            // The key may have rotated since it was cached: fetch once more.
            let fresh = self.resolver.signing_key(&jwt.iss, true).await?;
            if fresh.jwt_alg() != jwt.alg {
                return Err(Error::auth(format!(
                    "mismatching cryptographic key format (jwt is {})",
                    jwt.alg
                )));
            }
            if fresh != key {
                valid = fresh.verify(message, &jwt.signature);
            }
        }
        if !valid {
            return Err(Error::auth("invalid jwt signature"));
        }
        Ok(jwt.iss)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verifier() -> Verifier {
        Verifier::new("did:web:svc", "http://127.0.0.1:9").unwrap()
    }

    fn message(result: Result<Option<String>, Error>) -> String {
        result.unwrap_err().to_string()
    }

    #[tokio::test]
    async fn no_header_means_no_caller_yet() {
        assert_eq!(verifier().authenticate(None, "a.b.c").await.unwrap(), None);
    }

    #[tokio::test]
    async fn header_shape_errors_have_the_real_messages() {
        let v = verifier();
        assert_eq!(
            message(v.authenticate(Some(b"Basic abc"), "a.b.c").await),
            "missing or invalid authorization header"
        );
        assert_eq!(
            message(v.authenticate(Some(b"bearer abc"), "a.b.c").await),
            "missing or invalid authorization header"
        );
        assert_eq!(
            message(v.authenticate(Some(b"Bearer   "), "a.b.c").await),
            "missing service authorization token"
        );
        assert_eq!(
            message(v.authenticate(Some(b"Bearer x.y"), "a.b.c").await),
            "jwt is malformed"
        );
    }
}

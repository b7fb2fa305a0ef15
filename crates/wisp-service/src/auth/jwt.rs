//! Parsing a compact JWS service token and checking its claims, with the
//! same rules and messages as `@atcute/xrpc-server`'s `ServiceJwtVerifier`
//! (what wisp.place runs).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::Error;

/// Message for any token that does not parse or has ill-typed claims.
pub const MALFORMED: &str = "jwt is malformed";

/// A parsed, not yet verified, service JWT.
#[derive(Debug, Clone)]
pub struct Jwt {
    /// Header `alg`.
    pub alg: String,
    /// Header `typ`, if present.
    pub typ: Option<String>,
    /// Issuer DID (the caller).
    pub iss: String,
    /// Audience DID.
    pub aud: String,
    /// Expiry, Unix seconds.
    pub exp: u64,
    /// Lexicon method the token is bound to.
    pub lxm: Option<String>,
    /// `<header>.<payload>` as sent: the signed bytes.
    pub signing_input: String,
    /// Raw signature bytes.
    pub signature: Vec<u8>,
}

fn malformed() -> Error {
    Error::auth(MALFORMED)
}

fn decode_json(part: &str) -> Result<serde_json::Map<String, Value>, Error> {
    let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| malformed())?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(malformed()),
    }
}

fn is_did(value: &str) -> bool {
    let mut parts = value.splitn(3, ':');
    parts.next() == Some("did")
        && parts
            .next()
            .is_some_and(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .next()
            .is_some_and(|id| !id.is_empty() && !id.contains(['#', '?', '/']))
}

fn optional_string(
    map: &serde_json::Map<String, Value>,
    key: &str,
) -> Result<Option<String>, Error> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(malformed()),
    }
}

fn did_claim(map: &serde_json::Map<String, Value>, key: &str) -> Result<String, Error> {
    optional_string(map, key)?
        .filter(|d| is_did(d))
        .ok_or_else(malformed)
}

fn optional_integer(map: &serde_json::Map<String, Value>, key: &str) -> Result<Option<u64>, Error> {
    match map.get(key) {
        None => Ok(None),
        Some(value) => value.as_u64().map(Some).ok_or_else(malformed),
    }
}

/// Splits and decodes `token`; every structural problem is "jwt is malformed".
pub fn parse(token: &str) -> Result<Jwt, Error> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header_part, payload_part, signature_part] = parts.as_slice() else {
        return Err(malformed());
    };
    let header = decode_json(header_part)?;
    let alg = optional_string(&header, "alg")?.ok_or_else(malformed)?;
    let typ = optional_string(&header, "typ")?;

    let payload = decode_json(payload_part)?;
    let iss = did_claim(&payload, "iss")?;
    let aud = did_claim(&payload, "aud")?;
    let exp = optional_integer(&payload, "exp")?.ok_or_else(malformed)?;
    let iat = optional_integer(&payload, "iat")?;
    if iat.is_some_and(|iat| exp <= iat) {
        return Err(malformed());
    }
    let lxm = optional_string(&payload, "lxm")?;
    optional_string(&payload, "jti")?;

    let signature = URL_SAFE_NO_PAD
        .decode(signature_part)
        .map_err(|_| malformed())?;
    Ok(Jwt {
        alg,
        typ,
        iss,
        aud,
        exp,
        lxm,
        signing_input: format!("{header_part}.{payload_part}"),
        signature,
    })
}

/// Type, expiry, audience and method checks, in the real verifier's order.
pub fn check_claims(
    jwt: &Jwt,
    service_did: &str,
    nsid: &str,
    now_millis: u64,
) -> Result<(), Error> {
    // OAuth access/refresh/DPoP tokens sent straight to the service land here.
    if matches!(
        jwt.typ.as_deref(),
        Some("at+jwt" | "refresh+jwt" | "dpop+jwt")
    ) {
        return Err(Error::auth("invalid jwt type"));
    }
    if now_millis > jwt.exp.saturating_mul(1000) {
        return Err(Error::auth("jwt is expired"));
    }
    if jwt.aud != service_did {
        return Err(Error::auth(format!(
            "jwt audience does not match (expected {service_did})"
        )));
    }
    if jwt.lxm.as_deref() != Some(nsid) {
        return Err(Error::auth(format!(
            "jwt lexicon method does not match (expected {nsid})"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn token(header: &Value, payload: &Value) -> String {
        let enc = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
        format!(
            "{}.{}.{}",
            enc(header),
            enc(payload),
            URL_SAFE_NO_PAD.encode([1u8; 64])
        )
    }

    fn claims() -> Value {
        json!({"iss": "did:plc:alice", "aud": "did:web:svc", "exp": 2_000_000_000u64, "lxm": "a.b.c"})
    }

    fn message(err: Error) -> String {
        match err {
            Error::AuthenticationRequired(m) => m,
            other => panic!("not an auth error: {other:?}"),
        }
    }

    #[test]
    fn parses_a_well_formed_token() {
        let jwt = parse(&token(&json!({"alg": "ES256K", "typ": "JWT"}), &claims())).unwrap();
        assert_eq!(
            (jwt.alg.as_str(), jwt.iss.as_str(), jwt.exp),
            ("ES256K", "did:plc:alice", 2_000_000_000)
        );
        assert_eq!(jwt.signature, vec![1u8; 64]);
        check_claims(&jwt, "did:web:svc", "a.b.c", 0).unwrap();
    }

    #[test]
    fn structural_problems_are_malformed() {
        let header = json!({"alg": "ES256K"});
        let mut no_exp = claims();
        no_exp.as_object_mut().unwrap().remove("exp");
        let mut bad_iss = claims();
        bad_iss["iss"] = json!("alice");
        let mut float_exp = claims();
        float_exp["exp"] = json!(1.5);
        let mut iat_after_exp = claims();
        iat_after_exp["iat"] = json!(2_000_000_001u64);
        for bad in [
            "abc".to_owned(),
            "a.b".to_owned(),
            "a.b.c.d".to_owned(),
            token(&json!({"typ": "JWT"}), &claims()),
            token(&header, &no_exp),
            token(&header, &bad_iss),
            token(&header, &float_exp),
            token(&header, &iat_after_exp),
            format!(
                "{}.!!",
                token(&header, &claims()).rsplit_once('.').unwrap().0
            ),
        ] {
            assert_eq!(message(parse(&bad).unwrap_err()), MALFORMED, "{bad}");
        }
    }

    #[test]
    fn oauth_token_types_are_rejected_as_bad_jwt_type() {
        for typ in ["at+jwt", "refresh+jwt", "dpop+jwt"] {
            let jwt = parse(&token(&json!({"alg": "ES256K", "typ": typ}), &claims())).unwrap();
            assert_eq!(
                message(check_claims(&jwt, "did:web:svc", "a.b.c", 0).unwrap_err()),
                "invalid jwt type"
            );
        }
    }

    #[test]
    fn expiry_audience_and_method_have_the_real_messages() {
        let jwt = parse(&token(&json!({"alg": "ES256K"}), &claims())).unwrap();
        let expired = check_claims(&jwt, "did:web:svc", "a.b.c", 2_000_000_000_001).unwrap_err();
        assert_eq!(message(expired), "jwt is expired");
        let aud = check_claims(&jwt, "did:web:other", "a.b.c", 0).unwrap_err();
        assert_eq!(
            message(aud),
            "jwt audience does not match (expected did:web:other)"
        );
        let lxm = check_claims(&jwt, "did:web:svc", "x.y.z", 0).unwrap_err();
        assert_eq!(
            message(lxm),
            "jwt lexicon method does not match (expected x.y.z)"
        );
    }

    #[test]
    fn a_token_without_lxm_does_not_match_any_method() {
        let mut payload = claims();
        payload.as_object_mut().unwrap().remove("lxm");
        let jwt = parse(&token(&json!({"alg": "ES256K"}), &payload)).unwrap();
        let err = check_claims(&jwt, "did:web:svc", "a.b.c", 0).unwrap_err();
        assert_eq!(
            message(err),
            "jwt lexicon method does not match (expected a.b.c)"
        );
    }
}

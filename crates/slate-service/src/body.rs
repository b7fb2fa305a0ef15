//! Request bodies and path parameters checked the way FastAPI (pydantic v2)
//! checks them, with the same error types, locations and messages. Every
//! problem in a body is reported at once; extra fields are ignored.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value, json};

use crate::Error;
use crate::error::ValidationError;

/// Parses a JSON body. Empty → `None`. Malformed → 422 `json_invalid`, which
/// FastAPI answers before it looks at anything else (authentication included).
pub fn parse_json(bytes: &[u8]) -> Result<Option<Value>, Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(bytes).map(Some).map_err(|e| {
        // serde_json's column is 1-based at the offending character, and
        // the count of characters read at the end of input; Python's `pos`
        // (what FastAPI reports) is the 0-based index of either.
        let column = if e.is_eof() {
            e.column() + 1
        } else {
            e.column()
        };
        let position = line_column_to_offset(bytes, e.line(), column);
        Error::Validation(vec![ValidationError {
            kind: "json_invalid".into(),
            loc: vec![json!("body"), json!(position)],
            msg: "JSON decode error".into(),
            input: json!({}),
            ctx: Some(json!({ "error": e.to_string() })),
        }])
    })
}

fn line_column_to_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize = bytes
        .split(|b| *b == b'\n')
        .take(line.saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    line_start + column.saturating_sub(1)
}

/// The int path parameter `name`: `int_parsing` unless it is an integer.
pub fn path_int(name: &str, raw: &str) -> Result<i64, Error> {
    raw.trim().parse::<i64>().map_err(|_| {
        Error::Validation(vec![ValidationError::new(
            "int_parsing",
            vec![json!("path"), json!(name)],
            "Input should be a valid integer, unable to parse string as an integer",
            json!(raw),
        )])
    })
}

/// A body model being checked: collects every error, then [`Fields::finish`].
pub struct Fields<'a> {
    object: Option<&'a Map<String, Value>>,
    whole: &'a Value,
    errors: Vec<ValidationError>,
}

impl<'a> Fields<'a> {
    /// Starts checking `body` (a required JSON object).
    pub fn new(body: &'a Option<Value>) -> Self {
        static NULL: Value = Value::Null;
        let mut fields = Self {
            object: None,
            whole: body.as_ref().unwrap_or(&NULL),
            errors: Vec::new(),
        };
        match body {
            None => fields.errors.push(ValidationError::new(
                "missing",
                vec![json!("body")],
                "Field required",
                Value::Null,
            )),
            Some(Value::Object(object)) => fields.object = Some(object),
            Some(other) => fields.errors.push(ValidationError::new(
                "model_attributes_type",
                vec![json!("body")],
                "Input should be a valid dictionary or object to extract fields from",
                other.clone(),
            )),
        }
        fields
    }

    fn error(&mut self, kind: &str, loc: Vec<Value>, msg: &str, input: &Value) {
        self.errors
            .push(ValidationError::new(kind, loc, msg, input.clone()));
    }

    /// The value of `key`: `Err(())` when the body is not an object, or the
    /// field is missing and `required` (recorded).
    fn raw(&mut self, key: &str, required: bool) -> Result<Option<&'a Value>, ()> {
        let object = self.object.ok_or(())?;
        match object.get(key) {
            Some(value) => Ok(Some(value)),
            None if required => {
                let whole = self.whole;
                self.error("missing", loc(key), "Field required", whole);
                Err(())
            }
            None => Ok(None),
        }
    }

    /// A required string.
    pub fn string(&mut self, key: &str) -> Option<String> {
        let value = self.raw(key, true).ok()??;
        self.as_string(key, value)
    }

    /// An optional string (`null` and absent are `None`).
    pub fn optional_string(&mut self, key: &str) -> Option<String> {
        match self.raw(key, false).ok()?? {
            Value::Null => None,
            value => self.as_string(key, value),
        }
    }

    fn as_string(&mut self, key: &str, value: &Value) -> Option<String> {
        if let Value::String(s) = value {
            Some(s.clone())
        } else {
            self.error(
                "string_type",
                loc(key),
                "Input should be a valid string",
                value,
            );
            None
        }
    }

    /// An optional list of strings; `Some(None)` for `null`/absent.
    pub fn optional_string_list(&mut self, key: &str) -> Option<Option<Vec<String>>> {
        let value = match self.raw(key, false) {
            Ok(None) | Ok(Some(Value::Null)) => return Some(None),
            Ok(Some(value)) => value,
            Err(()) => return None,
        };
        let Value::Array(items) = value else {
            self.error("list_type", loc(key), "Input should be a valid list", value);
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            if let Value::String(s) = item {
                out.push(s.clone());
            } else {
                self.error(
                    "string_type",
                    vec![json!("body"), json!(key), json!(i)],
                    "Input should be a valid string",
                    item,
                );
                ok = false;
            }
        }
        ok.then_some(Some(out))
    }

    /// An optional boolean, pydantic's lax parsing (`true`, `1`, `"yes"`, ...).
    pub fn optional_bool(&mut self, key: &str) -> Option<Option<bool>> {
        let value = match self.raw(key, false) {
            Ok(None) | Ok(Some(Value::Null)) => return Some(None),
            Ok(Some(value)) => value,
            Err(()) => return None,
        };
        let parsed = match value {
            Value::Bool(b) => Some(*b),
            Value::Number(n) if n.as_i64() == Some(0) => Some(false),
            Value::Number(n) if n.as_i64() == Some(1) => Some(true),
            Value::String(s) => match s.to_ascii_lowercase().as_str() {
                "0" | "off" | "f" | "false" | "n" | "no" => Some(false),
                "1" | "on" | "t" | "true" | "y" | "yes" => Some(true),
                _ => {
                    self.error(
                        "bool_parsing",
                        loc(key),
                        "Input should be a valid boolean, unable to interpret input",
                        value,
                    );
                    return None;
                }
            },
            _ => None,
        };
        if parsed.is_none() {
            self.error(
                "bool_type",
                loc(key),
                "Input should be a valid boolean",
                value,
            );
        }
        parsed.map(Some)
    }

    /// An optional integer (strings of digits accepted, as pydantic does).
    pub fn optional_int(&mut self, key: &str) -> Option<Option<i64>> {
        let value = match self.raw(key, false) {
            Ok(None) | Ok(Some(Value::Null)) => return Some(None),
            Ok(Some(value)) => value,
            Err(()) => return None,
        };
        match value {
            Value::Number(n) if n.as_i64().is_some() => n.as_i64().map(Some),
            Value::String(s) => match s.trim().parse::<i64>() {
                Ok(n) => Some(Some(n)),
                Err(_) => {
                    self.error(
                        "int_parsing",
                        loc(key),
                        "Input should be a valid integer, unable to parse string as an integer",
                        value,
                    );
                    None
                }
            },
            _ => {
                self.error(
                    "int_type",
                    loc(key),
                    "Input should be a valid integer",
                    value,
                );
                None
            }
        }
    }

    /// An optional datetime as Unix milliseconds: RFC 3339 (`Z` or offset),
    /// a naive date-time (taken as UTC), a date (midnight UTC), or Unix seconds.
    pub fn optional_datetime_ms(&mut self, key: &str) -> Option<Option<u64>> {
        let value = match self.raw(key, false) {
            Ok(None) | Ok(Some(Value::Null)) => return Some(None),
            Ok(Some(value)) => value,
            Err(()) => return None,
        };
        let parsed = match value {
            Value::String(s) => parse_datetime_ms(s),
            Value::Number(n) => n.as_u64().map(|secs| secs.saturating_mul(1000)),
            _ => {
                self.error(
                    "datetime_type",
                    loc(key),
                    "Input should be a valid datetime",
                    value,
                );
                return None;
            }
        };
        if parsed.is_none() {
            self.error(
                "datetime_parsing",
                loc(key),
                "Input should be a valid datetime",
                value,
            );
        }
        parsed.map(Some)
    }

    /// `Ok(())` if every field was valid, else 422 with every error.
    pub fn finish(self) -> Result<(), Error> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.errors))
        }
    }
}

fn loc(key: &str) -> Vec<Value> {
    vec![json!("body"), json!(key)]
}

/// Unix milliseconds of an RFC 3339 date-time, a naive date-time (UTC) or a
/// date (midnight UTC); `None` before 1970 or when unparseable.
pub fn parse_datetime_ms(text: &str) -> Option<u64> {
    let millis = if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        dt.timestamp_millis()
    } else if let Ok(naive) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        naive.and_utc().timestamp_millis()
    } else if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis()
    } else {
        return None;
    };
    u64::try_from(millis).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn errors(result: Result<(), Error>) -> Value {
        let Err(Error::Validation(errors)) = result else {
            panic!("expected 422");
        };
        json!(errors)
    }

    #[test]
    fn malformed_json_is_json_invalid_at_its_position() {
        let Err(Error::Validation(errors)) = parse_json(b"{\"email\": ") else {
            panic!("expected 422");
        };
        assert_eq!(errors[0].kind, "json_invalid");
        assert_eq!(errors[0].loc, vec![json!("body"), json!(10)]);
        assert_eq!(errors[0].msg, "JSON decode error");
        let Err(Error::Validation(errors)) = parse_json(b"{\"a\": x}") else {
            panic!("expected 422");
        };
        assert_eq!(errors[0].loc, vec![json!("body"), json!(6)]);
        assert_eq!(parse_json(b"  ").unwrap(), None);
    }

    #[test]
    fn missing_and_mistyped_fields_are_all_reported() {
        let body = Some(json!({"password": 5, "scopes": ["a", 1]}));
        let mut fields = Fields::new(&body);
        assert!(fields.string("email").is_none());
        assert!(fields.string("password").is_none());
        assert!(fields.optional_string_list("scopes").is_none());
        assert_eq!(
            errors(fields.finish()),
            json!([
                {"type":"missing","loc":["body","email"],"msg":"Field required","input":{"password":5,"scopes":["a",1]}},
                {"type":"string_type","loc":["body","password"],"msg":"Input should be a valid string","input":5},
                {"type":"string_type","loc":["body","scopes",1],"msg":"Input should be a valid string","input":1}
            ])
        );
    }

    #[test]
    fn a_missing_or_non_object_body_is_one_error() {
        let mut fields = Fields::new(&None);
        assert!(fields.string("email").is_none());
        assert_eq!(
            errors(fields.finish()),
            json!([{"type":"missing","loc":["body"],"msg":"Field required","input":null}])
        );
        let body = Some(json!([1]));
        let mut fields = Fields::new(&body);
        assert!(fields.string("email").is_none());
        assert_eq!(errors(fields.finish())[0]["type"], "model_attributes_type");
    }

    #[test]
    fn optional_fields_accept_null_and_pydantic_lax_forms() {
        let body = Some(json!({"a": null, "b": "yes", "c": "12", "d": "2030-01-02"}));
        let mut fields = Fields::new(&body);
        assert_eq!(fields.optional_string("a"), None);
        assert_eq!(fields.optional_bool("b"), Some(Some(true)));
        assert_eq!(fields.optional_int("c"), Some(Some(12)));
        assert_eq!(
            fields.optional_datetime_ms("d"),
            Some(Some(1_893_542_400_000))
        );
        assert_eq!(fields.optional_bool("absent"), Some(None));
        assert!(fields.finish().is_ok());
    }

    #[test]
    fn datetimes_in_every_accepted_form() {
        assert_eq!(parse_datetime_ms("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(parse_datetime_ms("1970-01-01T01:00:01+01:00"), Some(1000));
        assert_eq!(parse_datetime_ms("1970-01-01T00:00:01.5"), Some(1500));
        assert_eq!(parse_datetime_ms("tomorrow"), None);
        assert_eq!(parse_datetime_ms("1969-12-31T00:00:00Z"), None);
    }

    #[test]
    fn path_ids_must_be_integers() {
        assert_eq!(path_int("token_id", "42").unwrap(), 42);
        let Err(Error::Validation(errors)) = path_int("token_id", "abc") else {
            panic!("expected 422");
        };
        assert_eq!(
            json!(errors),
            json!([{"type":"int_parsing","loc":["path","token_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}])
        );
    }
}

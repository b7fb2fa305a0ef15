//! Reading an HTTP answer's body with a ceiling. A server (or anything between) can send an
//! answer of any size, slowly or without end; Wispkey reads it chunk by chunk and stops as soon
//! as it passes the limit, so memory never grows by more than the limit plus one chunk.

use zeroize::Zeroize;

/// The largest answer any Wispkey request accepts. The largest real ones are lists of secrets
/// (a few hundred bytes each) and DID documents; 4 MiB is far above both.
pub const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

/// Why a body was not read whole.
#[derive(Debug)]
pub enum BodyError {
    /// The answer is (or says it is) larger than `limit` bytes; reading stopped there.
    TooLarge { limit: usize },
    /// The connection failed or timed out part way.
    Interrupted(String),
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::TooLarge { limit } => write!(f, "the answer is larger than {limit} bytes"),
            BodyError::Interrupted(detail) => write!(f, "reading the answer failed: {detail}"),
        }
    }
}

/// Reads `response`'s body, at most `limit` bytes. What was read of a refused body is wiped
/// (it may hold a token).
pub async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    let declared = response.content_length().unwrap_or(0);
    if usize::try_from(declared).map_or(true, |declared| declared > limit) {
        return Err(BodyError::TooLarge { limit });
    }
    // The declared length is a hint only (it may be absent or false): allocate at most that.
    let mut body = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if chunk.len() > limit.saturating_sub(body.len()) {
                    body.zeroize();
                    return Err(BodyError::TooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(error) => {
                body.zeroize();
                // Without the URL: reqwest's text names it whole, query included, and this
                // text is logged (`log::body_failed`) and put in the user's sentence.
                return Err(BodyError::Interrupted(error.without_url().to_string()));
            }
        }
    }
}

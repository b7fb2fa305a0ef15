//! DNS messages (RFC 1035 §4) for one question: the TXT query we send, and the answer we read.
//!
//! Everything read here is outside input. Every offset is bounds-checked, and a compression
//! pointer may only point before the run of labels it ends, so a hostile answer can neither
//! panic nor loop. Only the header, the question and the answer section are read: the authority
//! and additional sections carry nothing a TXT lookup needs.

pub const TYPE_TXT: u16 = 16;
pub const TYPE_CNAME: u16 = 5;
pub const CLASS_IN: u16 = 1;

pub const RCODE_NO_ERROR: u8 = 0;
pub const RCODE_SERVER_FAILURE: u8 = 2;
pub const RCODE_NAME_ERROR: u8 = 3;
pub const RCODE_REFUSED: u8 = 5;

const HEADER_LEN: usize = 12;
/// RFC 1035 §2.3.4: a name is at most 255 bytes on the wire, a label at most 63.
const MAX_NAME_LEN: usize = 255;
const MAX_LABEL_LEN: usize = 63;
/// CNAMEs followed inside one answer; resolvers give up on longer chains too.
const MAX_CNAME_HOPS: usize = 8;

/// A domain name as its labels, lower-cased (DNS names compare without ASCII case), without the
/// root label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(Vec<Vec<u8>>);

impl Name {
    /// `_atproto.alice.example.` (the final dot is optional) as a name, if it is one.
    pub fn from_text(text: &str) -> Result<Name, String> {
        let text = text.strip_suffix('.').unwrap_or(text);
        let labels: Vec<Vec<u8>> = text
            .split('.')
            .map(|label| label.as_bytes().to_ascii_lowercase())
            .collect();
        let name = Name(labels);
        if name
            .0
            .iter()
            .any(|label| label.is_empty() || label.len() > MAX_LABEL_LEN)
            || name.wire_len() > MAX_NAME_LEN
        {
            return Err(format!("{text} is not a name DNS can look up"));
        }
        Ok(name)
    }

    fn wire_len(&self) -> usize {
        self.0.iter().map(|label| label.len() + 1).sum::<usize>() + 1
    }

    fn write(&self, out: &mut Vec<u8>) {
        for label in &self.0 {
            // from_text and read_name keep every label within 63 bytes.
            out.push(label.len() as u8);
            out.extend_from_slice(label);
        }
        out.push(0);
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for label in &self.0 {
            write!(f, "{}.", String::from_utf8_lossy(label))?;
        }
        Ok(())
    }
}

/// A standard query for `name`'s TXT records, recursion desired, with no EDNS: answers over
/// UDP stay within 512 bytes and a longer one comes back truncated, to be asked over TCP.
pub fn query(id: u16, name: &Name) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + name.wire_len() + 4);
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&0x0100u16.to_be_bytes()); // RD
    out.extend_from_slice(&1u16.to_be_bytes()); // QDCOUNT
    out.extend_from_slice(&[0; 6]); // ANCOUNT, NSCOUNT, ARCOUNT
    name.write(&mut out);
    out.extend_from_slice(&TYPE_TXT.to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
    out
}

/// The id of a message, if it is long enough to have one: answers with another id are not
/// ours and are dropped before anything else is read.
pub fn id_of(message: &[u8]) -> Option<u16> {
    Some(u16::from_be_bytes([*message.first()?, *message.get(1)?]))
}

/// What an answer says, as far as a TXT lookup cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub id: u16,
    /// TC: the answer did not fit in a datagram; ask again over TCP.
    pub truncated: bool,
    pub rcode: u8,
    /// The question it answers (name, type, class), when it repeats exactly one.
    pub question: Option<(Name, u16, u16)>,
    /// The answer section's records, unless the answer is truncated (then it is not read).
    pub records: Vec<Record>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub owner: Name,
    pub data: RecordData,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordData {
    /// A TXT record's character-strings, as sent.
    Txt(Vec<Vec<u8>>),
    Cname(Name),
    /// Any other type or class: skipped.
    Other,
}

/// Why a message could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

impl Answer {
    /// Whether this answers the query we sent: a response (QR), a standard query (opcode 0),
    /// and the same single question.
    pub fn answers(&self, id: u16, name: &Name) -> bool {
        self.id == id
            && self.question.as_ref().is_some_and(|(asked, kind, class)| {
                asked == name && *kind == TYPE_TXT && *class == CLASS_IN
            })
    }

    /// The TXT records of `name`, each one's character-strings joined, following CNAMEs from
    /// `name` only as far as this answer's own records go (the answer is not trusted to point
    /// anywhere else: nothing outside it is asked).
    pub fn txt_of(&self, name: &Name) -> Vec<String> {
        let mut owner = name;
        for _ in 0..=MAX_CNAME_HOPS {
            let texts: Vec<String> = self
                .records
                .iter()
                .filter(|record| &record.owner == owner)
                .filter_map(|record| match &record.data {
                    RecordData::Txt(parts) => Some(
                        parts
                            .iter()
                            .map(|part| String::from_utf8_lossy(part))
                            .collect::<String>(),
                    ),
                    _ => None,
                })
                .collect();
            if !texts.is_empty() {
                return texts;
            }
            let next = self
                .records
                .iter()
                .filter(|record| &record.owner == owner)
                .find_map(|record| match &record.data {
                    RecordData::Cname(target) => Some(target),
                    _ => None,
                });
            match next {
                Some(target) => owner = target,
                None => break,
            }
        }
        Vec::new()
    }
}

/// Reads a response. A message that is not a response (QR clear) or not to a standard query is
/// malformed for us.
pub fn read_answer(message: &[u8]) -> Result<Answer, Malformed> {
    let header = message
        .get(..HEADER_LEN)
        .ok_or(Malformed("shorter than a DNS header"))?;
    let word = |at: usize| u16::from_be_bytes([header[at], header[at + 1]]);
    let id = word(0);
    let flags = word(2);
    if flags & 0x8000 == 0 {
        return Err(Malformed("a query, not an answer"));
    }
    if (flags >> 11) & 0x0f != 0 {
        return Err(Malformed("not an answer to a standard query"));
    }
    let truncated = flags & 0x0200 != 0;
    let rcode = (flags & 0x000f) as u8;
    let question_count = word(4);
    let answer_count = word(6);

    let mut at = HEADER_LEN;
    let mut questions = Vec::new();
    for _ in 0..question_count {
        let (name, after) = read_name(message, at)?;
        let kind = read_u16(message, after)?;
        let class = read_u16(message, after + 2)?;
        questions.push((name, kind, class));
        at = after + 4;
    }
    let question = match <[_; 1]>::try_from(questions) {
        Ok([only]) => Some(only),
        Err(_) => None,
    };

    let mut records = Vec::new();
    if !truncated {
        for _ in 0..answer_count {
            let (record, after) = read_record(message, at)?;
            records.push(record);
            at = after;
        }
    }
    Ok(Answer {
        id,
        truncated,
        rcode,
        question,
        records,
    })
}

fn read_u16(message: &[u8], at: usize) -> Result<u16, Malformed> {
    match message.get(at..at + 2) {
        Some(&[high, low]) => Ok(u16::from_be_bytes([high, low])),
        _ => Err(Malformed("cut short")),
    }
}

fn read_record(message: &[u8], at: usize) -> Result<(Record, usize), Malformed> {
    let (owner, after) = read_name(message, at)?;
    let kind = read_u16(message, after)?;
    let class = read_u16(message, after + 2)?;
    // after + 4: the TTL, which a one-off lookup does not keep.
    let length = usize::from(read_u16(message, after + 8)?);
    let start = after + 10;
    let end = start + length;
    let rdata = message
        .get(start..end)
        .ok_or(Malformed("a record longer than the message"))?;
    let data = match (kind, class) {
        (TYPE_TXT, CLASS_IN) => RecordData::Txt(read_character_strings(rdata)?),
        (TYPE_CNAME, CLASS_IN) => {
            let (target, name_end) = read_name(message, start)?;
            if name_end != end {
                return Err(Malformed("a CNAME whose name does not fill its record"));
            }
            RecordData::Cname(target)
        }
        _ => RecordData::Other,
    };
    Ok((Record { owner, data }, end))
}

/// A TXT record's data: character-strings, each a length byte and that many bytes.
fn read_character_strings(mut rdata: &[u8]) -> Result<Vec<Vec<u8>>, Malformed> {
    let mut parts = Vec::new();
    while let Some((&length, rest)) = rdata.split_first() {
        let length = usize::from(length);
        let part = rest
            .get(..length)
            .ok_or(Malformed("a TXT string longer than its record"))?;
        parts.push(part.to_vec());
        rdata = &rest[length..];
    }
    Ok(parts)
}

/// Reads the name at `at`, following compression pointers; returns it and where the data after
/// it starts (after the first pointer, if there was one).
fn read_name(message: &[u8], at: usize) -> Result<(Name, usize), Malformed> {
    let mut labels = Vec::new();
    let mut wire_len = 1;
    let mut position = at;
    // Where the current run of labels started: a pointer must jump before it, so the runs start
    // ever earlier and reading ends.
    let mut run_start = at;
    let mut end = None;
    loop {
        let length = *message.get(position).ok_or(Malformed("a name cut short"))?;
        match length & 0xc0 {
            0x00 if length == 0 => {
                let after = end.unwrap_or(position + 1);
                return Ok((Name(labels), after));
            }
            0x00 => {
                let length = usize::from(length);
                let label = message
                    .get(position + 1..position + 1 + length)
                    .ok_or(Malformed("a label cut short"))?;
                wire_len += length + 1;
                if wire_len > MAX_NAME_LEN {
                    return Err(Malformed("a name longer than 255 bytes"));
                }
                labels.push(label.to_ascii_lowercase());
                position += 1 + length;
            }
            0xc0 => {
                let low = *message
                    .get(position + 1)
                    .ok_or(Malformed("a pointer cut short"))?;
                let target = (usize::from(length & 0x3f) << 8) | usize::from(low);
                if target >= run_start {
                    return Err(Malformed("a compression pointer that does not point back"));
                }
                end.get_or_insert(position + 2);
                run_start = target;
                position = target;
            }
            _ => return Err(Malformed("a label type DNS does not use")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test answer's builder: the header, our question, then records written as given.
    fn answer(id: u16, flags: u16, records: &[&[u8]]) -> Vec<u8> {
        let name = Name::from_text("_atproto.alice.test.").unwrap();
        let mut out = query(id, &name);
        out[2..4].copy_from_slice(&flags.to_be_bytes());
        out[6..8].copy_from_slice(&(records.len() as u16).to_be_bytes());
        for record in records {
            out.extend_from_slice(record);
        }
        out
    }

    /// A record owned by `owner` (wire bytes, a pointer allowed) with this type and data.
    fn record(owner: &[u8], kind: u16, data: &[u8]) -> Vec<u8> {
        let mut out = owner.to_vec();
        out.extend_from_slice(&kind.to_be_bytes());
        out.extend_from_slice(&CLASS_IN.to_be_bytes());
        out.extend_from_slice(&300u32.to_be_bytes());
        out.extend_from_slice(&(data.len() as u16).to_be_bytes());
        out.extend_from_slice(data);
        out
    }

    const QUESTION_NAME: [u8; 2] = [0xc0, 12];

    fn name(text: &str) -> Name {
        Name::from_text(text).unwrap()
    }

    #[test]
    fn a_query_asks_one_txt_question_with_recursion() {
        let bytes = query(0xbeef, &name("_atproto.Alice.test"));
        assert_eq!(&bytes[..12], &[0xbe, 0xef, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            &bytes[12..],
            b"\x08_atproto\x05alice\x04test\x00\x00\x10\x00\x01"
        );
    }

    #[test]
    fn names_that_dns_cannot_carry_are_refused() {
        assert!(Name::from_text("_atproto..test").is_err());
        assert!(Name::from_text(&format!("{}.test", "a".repeat(64))).is_err());
        assert!(Name::from_text(&["abcdefghi"; 26].join(".")).is_err());
        assert!(Name::from_text(&["abcdefghi"; 25].join(".")).is_ok());
    }

    #[test]
    fn a_txt_record_behind_a_compressed_name_joins_its_strings() {
        let txt = record(&QUESTION_NAME, TYPE_TXT, b"\x0cdid=did:plc:\x03abc");
        let spf = record(&QUESTION_NAME, TYPE_TXT, b"\x06v=spf1");
        let bytes = answer(7, 0x8180, &[&txt, &spf]);
        let read = read_answer(&bytes).unwrap();
        assert!(read.answers(7, &name("_atproto.alice.test")));
        assert!(!read.answers(8, &name("_atproto.alice.test")));
        assert!(!read.answers(7, &name("_atproto.bob.test")));
        assert_eq!(
            read.txt_of(&name("_atproto.alice.test")),
            ["did=did:plc:abc", "v=spf1"]
        );
    }

    #[test]
    fn a_cname_chain_is_followed_within_the_answer_only() {
        let target = b"\x08_atproto\x03bob\x04test\x00";
        let cname = record(&QUESTION_NAME, TYPE_CNAME, target);
        // The CNAME's data starts at 12 + 21 + 4 (question) + 2 + 10 (record head).
        let txt = record(&[0xc0, 49], TYPE_TXT, b"\x0bdid=did:b:0");
        let read = read_answer(&answer(1, 0x8180, &[&cname, &txt])).unwrap();
        assert_eq!(read.txt_of(&name("_atproto.alice.test")), ["did=did:b:0"]);

        // A CNAME to a name the answer has nothing about: nothing is looked up elsewhere.
        let read = read_answer(&answer(1, 0x8180, &[&cname])).unwrap();
        assert!(read.txt_of(&name("_atproto.alice.test")).is_empty());
    }

    #[test]
    fn a_cname_loop_ends() {
        let to_self = record(&QUESTION_NAME, TYPE_CNAME, &QUESTION_NAME);
        let read = read_answer(&answer(1, 0x8180, &[&to_self])).unwrap();
        assert!(read.txt_of(&name("_atproto.alice.test")).is_empty());
    }

    #[test]
    fn pointers_that_do_not_point_back_are_malformed() {
        // To itself, and forwards.
        let at_self = record(&[0xc0, 37], TYPE_TXT, b"\x01x");
        assert!(read_answer(&answer(1, 0x8180, &[&at_self])).is_err());
        let forward = record(&[0xc0, 60], TYPE_TXT, b"\x01x");
        assert!(read_answer(&answer(1, 0x8180, &[&forward])).is_err());
    }

    #[test]
    fn records_and_strings_longer_than_the_message_are_malformed() {
        let mut long = record(&QUESTION_NAME, TYPE_TXT, b"\x05did=x");
        long.truncate(long.len() - 1);
        assert!(read_answer(&answer(1, 0x8180, &[&long])).is_err());
        let overlong_string = record(&QUESTION_NAME, TYPE_TXT, b"\x09did=x");
        assert!(read_answer(&answer(1, 0x8180, &[&overlong_string])).is_err());
    }

    #[test]
    fn the_header_says_truncated_and_the_response_code() {
        let read = read_answer(&answer(9, 0x8183, &[])).unwrap();
        assert_eq!(read.rcode, RCODE_NAME_ERROR);
        assert!(!read.truncated);
        // A truncated answer's records are not read: they may be cut anywhere.
        let mut cut = answer(9, 0x8380, &[]);
        cut[6..8].copy_from_slice(&5u16.to_be_bytes());
        let read = read_answer(&cut).unwrap();
        assert!(read.truncated);
        assert!(read.records.is_empty());
    }

    #[test]
    fn a_query_is_not_an_answer() {
        assert!(read_answer(&query(1, &name("_atproto.alice.test"))).is_err());
        assert!(read_answer(&[0x01]).is_err());
    }
}

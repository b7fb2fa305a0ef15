//! Fuzz targets for the DNS client: answers from a DNS server (or whoever sends a datagram to
//! our port) and the system's resolv.conf. Both are outside input.

use super::message::{self, Name, RecordData};
use super::resolv_conf;

#[test]
fn fuzz_dns_answers_never_panic_and_yield_only_what_they_carry() {
    let asked = Name::from_text("_atproto.alice.test.").unwrap();
    wispkey_fuzz_kit::run("dns-txt-answer", |bytes| {
        let Ok(answer) = message::read_answer(bytes) else {
            return;
        };
        let _ = answer.answers(answer.id, &asked);
        for record in &answer.records {
            if let RecordData::Txt(parts) = &record.data {
                assert!(parts.iter().all(|part| part.len() <= 255));
            }
        }
        // Whatever the chain, the texts come from the answer's own TXT records.
        let carried: usize = answer
            .records
            .iter()
            .filter_map(|record| match &record.data {
                RecordData::Txt(parts) => Some(parts.iter().map(Vec::len).sum::<usize>()),
                _ => None,
            })
            .sum();
        let texts = answer.txt_of(&asked);
        assert!(texts.len() <= answer.records.len());
        assert!(texts.iter().map(|text| text.len()).sum::<usize>() <= carried * 3);
        if let Some((name, _, _)) = &answer.question {
            let _ = answer.txt_of(name);
            assert!(name.to_string().len() <= 255 * 4);
        }
    });
}

#[test]
fn fuzz_resolv_conf_never_panics_and_stays_within_bounds() {
    wispkey_fuzz_kit::run("resolv-conf", |bytes| {
        let config = resolv_conf::parse(&String::from_utf8_lossy(bytes));
        assert!(config.nameservers.len() <= 3);
        assert!(config.nameservers.iter().all(|server| server.port() == 53));
        assert!((1..=5).contains(&config.timeout.as_secs()));
        assert!((1..=3).contains(&config.attempts));
    });
}

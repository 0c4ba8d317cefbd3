//! Property-style tests of the share-link format with a tiny deterministic generator
//! (xorshift64*): round trips of arbitrary text, 1 MB inputs, and corrupted or hostile links.

use super::*;

/// xorshift64* — deterministic, no crate needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    /// Any Unicode scalar, biased to the kinds of text manifests contain.
    fn char(&mut self) -> char {
        let c = match self.below(10) {
            0..=4 => {
                const COMMON: &[u8] = b"abcdefghijklmnopqrstuvwxyz: -\n0123456789";
                u32::from(COMMON[self.below(COMMON.len() as u64) as usize])
            }
            5 => self.below(0x80) as u32, // any ASCII incl. controls
            6 => 0x80 + self.below(0x780) as u32, // 2-byte UTF-8
            7 => 0x800 + self.below(0xD000 - 0x800) as u32, // 3-byte (CJK…)
            8 => 0x1F300 + self.below(0x300) as u32, // emoji (4-byte, 2 UTF-16 units)
            _ => 0x10000 + self.below(0x100000) as u32, // anything astral
        };
        char::from_u32(c).unwrap_or('\u{fffd}')
    }
    fn text(&mut self, max: u64) -> String {
        let n = self.below(max + 1);
        let mut s = String::new();
        // Repeat earlier pieces sometimes so the matcher gets exercised, not only literals.
        for _ in 0..n {
            if !s.is_empty() && self.below(8) == 0 {
                let chars: Vec<char> = s.chars().collect();
                let start = self.below(chars.len() as u64) as usize;
                let len = self.below(40) as usize;
                let piece: String = chars.iter().skip(start).take(len).collect();
                s.push_str(&piece);
            } else {
                s.push(self.char());
            }
        }
        s
    }
    fn state(&mut self) -> ShareState {
        let files = (0..self.below(4)).map(|_| (self.text(12), self.text(400))).collect();
        ShareState {
            files,
            view: self.text(10),
            request: if self.below(2) == 0 { None } else { Some((self.text(20), self.text(20))) },
            scenario: if self.below(2) == 0 { None } else { Some(self.text(20)) },
        }
    }
}

fn round_trip(s: &ShareState) {
    let e = encode(s);
    assert!(e.starts_with(PREFIX));
    assert!(
        e.bytes().skip(PREFIX.len()).all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "not fragment-safe: {e}"
    );
    assert_eq!(decode(&e).as_ref(), Ok(s));
    assert_eq!(decode(&fragment(s)).as_ref(), Ok(s));
}

#[test]
fn round_trips_random_states() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..400 {
        round_trip(&rng.state());
    }
}

#[test]
fn round_trips_edge_cases() {
    round_trip(&ShareState::default());
    for text in [
        "",
        "a",
        "aaaa",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "é",
        "日本語",
        "🙂🙂🙂🙂🙂",
        "\0\u{1}\r\n\t",
    ] {
        round_trip(&ShareState {
            files: vec![(text.into(), text.into())],
            view: text.into(),
            request: Some((text.into(), text.into())),
            scenario: Some(text.into()),
        });
    }
}

#[test]
fn round_trips_one_megabyte() {
    let mut rng = Rng(42);
    // Lesson-like YAML repeated with variations, and incompressible random text.
    let mut yaml = String::new();
    let mut i = 0;
    while yaml.len() < 1_000_000 {
        yaml.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{i}\n  labels: {{app: web-{}}}\nspec:\n  containers:\n  - name: c\n    image: nginx\n",
            rng.below(50)
        ));
        i += 1;
    }
    let mut noise = String::new();
    while noise.len() < 1_000_000 {
        noise.push(rng.char());
    }
    for text in [yaml, noise, "x".repeat(1_000_000)] {
        let s = ShareState {
            files: vec![("big.yaml".into(), text)],
            view: "topology".into(),
            request: None,
            scenario: None,
        };
        let e = encode(&s);
        let back = decode(&e);
        assert!(back.as_ref() == Ok(&s), "1 MB round trip failed ({} chars)", e.len());
    }
}

#[test]
fn compresses_manifests() {
    let text = include_str!("../../../../static/scenarios/default.yaml");
    let packed = compress(text.as_bytes());
    assert!(packed.len() * 10 < text.len() * 4, "{} → {}", text.len(), packed.len());
}

#[test]
fn default_scenario_link_is_under_2000_characters() {
    let state = ShareState {
        files: vec![(
            "default.yaml".into(),
            include_str!("../../../../static/scenarios/default.yaml").into(),
        )],
        view: "topology".into(),
        request: Some(("pod/client".into(), "http://web/".into())),
        scenario: Some("default".into()),
    };
    let link = format!("https://example.github.io/kube-netsim/{}", fragment(&state));
    assert!(link.len() < 2000, "default link is {} characters", link.len());
    assert_eq!(decode(&link), Ok(state));
}

#[test]
fn corrupted_links_never_panic() {
    let mut rng = Rng(7);
    const CHARS: &[u8] = b"ABCxyz09-_=.#&%/+ \0";
    for round in 0..3000 {
        let s = rng.state();
        let mut e: Vec<char> = encode(&s).chars().collect();
        match round % 4 {
            // Replace one to three characters.
            0 => {
                for _ in 0..=rng.below(3) {
                    let at = rng.below(e.len() as u64) as usize;
                    if let Some(c) = e.get_mut(at) {
                        *c = if rng.below(4) == 0 {
                            rng.char()
                        } else {
                            char::from(CHARS[rng.below(CHARS.len() as u64) as usize])
                        };
                    }
                }
            }
            // Cut it off.
            1 => e.truncate(rng.below(e.len() as u64 + 1) as usize),
            // Drop one character in the middle.
            2 => {
                let at = rng.below(e.len() as u64) as usize;
                if at < e.len() {
                    e.remove(at);
                }
            }
            // Append junk.
            _ => {
                for _ in 0..rng.below(6) {
                    e.push(char::from(CHARS[rng.below(13) as usize]));
                }
            }
        }
        let link: String = e.into_iter().collect();
        if let Err(err) = decode(&link) {
            assert!(!err.to_string().is_empty());
            assert!(err.code().starts_with("share-"));
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(99);
    for _ in 0..3000 {
        let n = rng.below(64) as usize;
        let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        let _ = decompress(&bytes, MAX_DECODED);
        let _ = read_payload(&bytes);
        let mut link = String::from(PREFIX);
        base64url_encode(&bytes, &mut link);
        let _ = decode(&link);
    }
}

#[test]
fn hostile_links_are_clear_errors() {
    let link = |bytes: &[u8]| {
        let mut s = String::from(PREFIX);
        base64url_encode(bytes, &mut s);
        s
    };
    // Declares 2^40 bytes: refused before allocating.
    let mut big = Vec::new();
    put_varint(&mut big, 1 << 40);
    assert_eq!(
        decode(&link(&big)),
        Err(DecodeError::TooLarge { declared: 1 << 40, limit: MAX_DECODED })
    );
    // A back-reference before the start.
    let mut before = vec![10, 0x10, b'a'];
    put_varint(&mut before, DICTIONARY.len() as u64 + 2);
    before.push(0);
    assert_eq!(
        decompress(&before, MAX_DECODED),
        Err(DecodeError::Corrupt("a back-reference points before the start"))
    );
    // A zero offset.
    assert_eq!(
        decompress(&[10, 0x10, b'a', 0, 0x00], MAX_DECODED),
        Err(DecodeError::Corrupt("a back-reference points before the start"))
    );
    // A back-reference into the dictionary is fine: 'a' then 5 bytes from it.
    assert!(matches!(decompress(&[6, 0x11, b'a', 40, 0x00], MAX_DECODED), Ok(v) if v.len() == 6));
    // A run-length bomb: declares 10 MB and fills it with one match — allowed up to the limit,
    // one byte over is refused.
    let mut bomb = Vec::new();
    put_varint(&mut bomb, (MAX_DECODED + 1) as u64);
    assert!(matches!(decompress(&bomb, MAX_DECODED), Err(DecodeError::TooLarge { .. })));
    // An endless varint.
    assert_eq!(decode(&link(&[0xff; 20])), Err(DecodeError::Corrupt("number out of range")));
    assert_eq!(decode(""), Err(DecodeError::Empty));
    assert_eq!(decode("#s="), Err(DecodeError::Empty));
    assert_eq!(decode("2.AAAA"), Err(DecodeError::UnknownVersion("2".into())));
    assert_eq!(decode("1.AA*A"), Err(DecodeError::InvalidCharacter { position: 4, found: '*' }));
    assert_eq!(decode("1.AAAAA"), Err(DecodeError::InvalidLength));
    let err = decode("1.A€AA").err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("'€' at position 3"), "{err}");
}

#[test]
fn base64url_matches_rfc4648_vectors() {
    // RFC 4648 §10 test vectors, without padding.
    for (raw, enc) in [
        ("", ""),
        ("f", "Zg"),
        ("fo", "Zm8"),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ] {
        let mut s = String::new();
        base64url_encode(raw.as_bytes(), &mut s);
        assert_eq!(s, enc);
        assert_eq!(base64url_decode(enc, 0).ok(), Some(raw.as_bytes().to_vec()));
    }
    let mut s = String::new();
    base64url_encode(&[0xfb, 0xff], &mut s);
    assert_eq!(s, "-_8");
}

#[test]
fn a_caller_can_ask_for_a_smaller_decoded_size() {
    let state = ShareState {
        files: vec![("m.yaml".into(), "a: 1\n".repeat(1000))],
        view: "topology".into(),
        request: None,
        scenario: None,
    };
    let link = fragment(&state);
    assert_eq!(decode_limited(&link, 1 << 20).as_ref(), Ok(&state));
    match decode_limited(&link, 100) {
        Err(DecodeError::TooLarge { declared, limit: 100 }) => assert!(declared > 5000),
        other => panic!("{other:?}"),
    }
    // Never more than MAX_DECODED, whatever is asked.
    let mut big = Vec::new();
    put_varint(&mut big, (MAX_DECODED + 1) as u64);
    let mut s = String::from(PREFIX);
    base64url_encode(&big, &mut s);
    assert!(matches!(
        decode_limited(&s, usize::MAX),
        Err(DecodeError::TooLarge { limit: MAX_DECODED, .. })
    ));
}

//! The share-link decoder (`share::decode`): links are crafted by anyone. Input: the first byte
//! picks the mode — 0: the rest is the link text as typed; otherwise the rest is the binary
//! payload, base64url-encoded behind the `1.` prefix here so mutations reach the decompressor
//! and the payload reader. A decoded state must encode and decode back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netsim::share::{decode, encode, PREFIX};

fn base64url(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(data.len() * 4 / 3 + 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let link = if mode == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        format!("{PREFIX}{}", base64url(rest))
    };
    if let Ok(state) = decode(&link) {
        let again = encode(&state);
        assert_eq!(decode(&again).as_ref(), Ok(&state), "round trip of a decoded state");
    } else if let Err(e) = decode(&link) {
        std::hint::black_box(e.to_string());
    }
});

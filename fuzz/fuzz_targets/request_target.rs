//! The `netsim request FROM TARGET` argument parsers. Input: the text before the first newline is
//! FROM, the rest TARGET.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (from, target) = text.split_once('\n').unwrap_or(("", &text));
    std::hint::black_box(netsim::request::parse_source(from).ok());
    std::hint::black_box(netsim::request::parse_target(target).ok());
    std::hint::black_box(netsim::request::parse_target(from).ok());
});

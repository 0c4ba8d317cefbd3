//! YAML front end: the syntax layer, then the manifest loader (decode, defaults, validation).
//! Any input must give diagnostics, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netsim::diagnostic::SourceFiles;
use netsim::text::FileId;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = netsim::syntax::parse(FileId(0), &text);
    std::hint::black_box(&parsed);
    let mut files = SourceFiles::default();
    files.add("fuzz.yaml", text.as_ref());
    let loaded = netsim::manifest::load(&files);
    // Rendering walks every span against the text: catches spans off char boundaries.
    for d in &loaded.diagnostics {
        std::hint::black_box(files.render(d));
    }
});

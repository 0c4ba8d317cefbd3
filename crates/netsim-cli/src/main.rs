//! `netsim`: reads the `-f` inputs, runs the command, prints. All logic is in the library.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use netsim_cli::{run, Input};

/// mimalloc instead of the system's allocator: the core makes and drops many small strings
/// and lists, and glibc's malloc took about a third of building a 10,000-Pod cluster from
/// controllers (`cargo xtask bench`: build 62 → 43 ms, parse 57 → 53 ms). The wasm has its
/// own allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut inputs = Vec::new();
    let mut it = argv.iter();
    let mut help = false;
    while let Some(a) = it.next() {
        let path = if a == "-f" || a == "--filename" {
            match it.next() {
                Some(p) => p.clone(),
                None => break, // The library reports the missing value.
            }
        } else if let Some(p) = a.strip_prefix("--filename=") {
            p.to_string()
        } else if let Some(p) = a.strip_prefix("-f").filter(|p| !p.is_empty()) {
            p.to_string()
        } else {
            help |= a == "-h" || a == "--help";
            continue;
        };
        if let Err(msg) = read_input(&path, &mut inputs) {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    }
    let _ = help;
    let out = run(&argv, &inputs);
    let (warnings, rest) = warnings_first(&out.stderr);
    let _ = std::io::stderr().write_all(warnings.as_bytes());
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    let _ = std::io::stderr().write_all(rest.as_bytes());
    ExitCode::from(u8::try_from(out.code).unwrap_or(1))
}

/// `stderr` split into the API server's warnings and the rest, each in its order: kubectl prints
/// a warning as its response arrives, before what it prints from the response (the table,
/// `… created`), and its errors at the end, so in a terminal (both streams on one screen) the
/// `Warning:` lines come first.
fn warnings_first(stderr: &str) -> (String, String) {
    let (warnings, rest): (Vec<&str>, Vec<&str>) =
        stderr.split_inclusive('\n').partition(|l| l.starts_with("Warning: "));
    (warnings.concat(), rest.concat())
}

/// Reads a file, every file of a directory in name order, or stdin for `-`. Invalid UTF-8 is
/// replaced (U+FFFD) so the rest of the file still simulates; the parser then reports it.
fn read_input(path: &str, inputs: &mut Vec<Input>) -> Result<(), String> {
    if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| format!("cannot read stdin: {e}"))?;
        inputs.push(Input { name: "<stdin>".into(), text: decode(&bytes) });
        return Ok(());
    }
    let p = Path::new(path);
    if p.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(p)
            .map_err(|e| format!("cannot read directory '{path}': {e}"))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|e| {
                e.is_file()
                    && e.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
            })
            .collect();
        entries.sort();
        for e in entries {
            read_input(&e.to_string_lossy(), inputs)?;
        }
        return Ok(());
    }
    let bytes = std::fs::read(p).map_err(|e| format!("cannot read '{path}': {e}"))?;
    inputs.push(Input { name: path.to_string(), text: decode(&bytes) });
    Ok(())
}

fn decode(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn warnings_go_before_the_output_and_errors_after() {
        let stderr =
            "error: x.yaml: bad\nWarning: a\nError from server (NotFound): b\nWarning: c\n";
        assert_eq!(
            super::warnings_first(stderr),
            (
                "Warning: a\nWarning: c\n".to_string(),
                "error: x.yaml: bad\nError from server (NotFound): b\n".to_string()
            )
        );
    }
}

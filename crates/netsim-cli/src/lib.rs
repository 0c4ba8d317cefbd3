//! The `netsim` command line as a pure function: arguments and input texts in, stdout, stderr
//! and an exit status out. `main.rs` does the IO (reading `-f` files, stdin, printing); golden
//! tests call [`run`] directly.
//!
//! Exit status (docs/cli.md): 0 success, 1 the input has errors, 2 bad command-line usage.

mod args;
mod cmd;

pub use args::{Args, UsageError};

/// One input text, as read by `main.rs` from `-f PATH` (or `-` for stdin).
#[derive(Clone, Debug)]
pub struct Input {
    /// The name diagnostics show: the path as given, or `<stdin>`.
    pub name: String,
    pub text: String,
}

/// What a command printed and how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Output {
    pub fn ok(stdout: String) -> Output {
        Output { stdout, stderr: String::new(), code: 0 }
    }
}

/// Runs one `netsim` command line (without the program name). `-f` options must already have
/// been resolved into `inputs` by the caller; they are accepted and ignored here.
pub fn run(argv: &[String], inputs: &[Input]) -> Output {
    match args::parse(argv) {
        Ok(a) => {
            if a.help {
                return Output::ok(cmd::help(a.command.as_deref()));
            }
            match cmd::dispatch(&a, inputs) {
                Ok(out) => out,
                Err(e) => usage_error(&e),
            }
        }
        Err(e) => usage_error(&e),
    }
}

fn usage_error(e: &UsageError) -> Output {
    Output {
        stdout: String::new(),
        stderr: format!("error: {}\nRun 'netsim --help' for usage.\n", e.0),
        code: 2,
    }
}

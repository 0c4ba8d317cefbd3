//! A small, strict argument parser: positionals, `--flag`, `--opt VALUE`, `--opt=VALUE`, `-o x`.

use std::collections::BTreeMap;

/// A command-line mistake; printed as `error: …` with exit status 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

/// Parsed arguments: the subcommand, positionals, and options by long name.
#[derive(Clone, Debug, Default)]
pub struct Args {
    pub command: Option<String>,
    pub positionals: Vec<String>,
    /// Every occurrence of each option, by long name without dashes (`-o` is `output`).
    pub options: BTreeMap<String, Vec<String>>,
    pub help: bool,
}

/// Options that take a value, as (long name, short letter).
const VALUED: &[(&str, Option<char>)] = &[
    ("filename", Some('f')),
    ("output", Some('o')),
    ("namespace", Some('n')),
    ("selector", Some('l')),
    ("format", None),
    ("from", None),
    ("type", None),
    ("node", None),
    ("src", None),
    ("dst", None),
    ("proto", None),
    ("count", None),
    ("seed", None),
    ("event", None),
];

/// Options that are flags, as (long name, short letter).
const FLAGS: &[(&str, Option<char>)] =
    &[("all-namespaces", Some('A')), ("exact", None), ("show-labels", None), ("help", Some('h'))];

pub(crate) fn parse(argv: &[String]) -> Result<Args, UsageError> {
    let mut a = Args::default();
    let mut i = 0;
    let mut only_positionals = false;
    while i < argv.len() {
        let arg = &argv[i];
        i += 1;
        if only_positionals || arg == "-" || !arg.starts_with('-') {
            if a.command.is_none() {
                a.command = Some(arg.clone());
            } else {
                a.positionals.push(arg.clone());
            }
            continue;
        }
        if arg == "--" {
            only_positionals = true;
            continue;
        }
        let (name, inline): (String, Option<String>) = if let Some(long) = arg.strip_prefix("--") {
            match long.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (long.to_string(), None),
            }
        } else {
            let mut chars = arg[1..].chars();
            let c = chars.next().unwrap_or('-');
            let rest: String = chars.collect();
            let long = VALUED
                .iter()
                .chain(FLAGS)
                .find(|(_, s)| *s == Some(c))
                .map(|(l, _)| (*l).to_string())
                .ok_or_else(|| UsageError(format!("unknown option '-{c}'")))?;
            (
                long,
                if rest.is_empty() { None } else { Some(rest.trim_start_matches('=').to_string()) },
            )
        };
        if FLAGS.iter().any(|(l, _)| *l == name) {
            if inline.is_some() {
                return Err(UsageError(format!("option '--{name}' takes no value")));
            }
            if name == "help" {
                a.help = true;
            } else {
                a.options.entry(name).or_default().push(String::new());
            }
        } else if VALUED.iter().any(|(l, _)| *l == name) {
            let value = match inline {
                Some(v) => v,
                None => {
                    let v = argv
                        .get(i)
                        .ok_or_else(|| UsageError(format!("option '--{name}' needs a value")))?;
                    i += 1;
                    v.clone()
                }
            };
            a.options.entry(name).or_default().push(value);
        } else {
            return Err(UsageError(format!("unknown option '--{name}'")));
        }
    }
    Ok(a)
}

impl Args {
    /// The last value of a valued option.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.options.get(name).and_then(|v| v.last()).map(String::as_str)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.options.contains_key(name)
    }

    /// `-o`: `None` for the human format.
    pub fn output(&self) -> Option<&str> {
        self.value("output")
    }

    /// Fails unless every option used is one this command accepts (`filename` and `help` always are).
    pub fn only(&self, allowed: &[&str]) -> Result<(), UsageError> {
        for name in self.options.keys() {
            if name != "filename" && !allowed.contains(&name.as_str()) {
                let cmd = self.command.as_deref().unwrap_or("");
                return Err(UsageError(format!("'netsim {cmd}' does not take '--{name}'")));
            }
        }
        Ok(())
    }

    /// Fails unless `-o` is absent or one of `allowed`.
    pub fn output_in(&self, allowed: &[&str]) -> Result<Option<&str>, UsageError> {
        match self.output() {
            None => Ok(None),
            Some(o) if allowed.contains(&o) => Ok(Some(o)),
            Some(o) => Err(UsageError(format!(
                "unsupported output format '{o}' (expected one of: {})",
                allowed.join(", ")
            ))),
        }
    }

    /// The positional at `i`, or a usage error naming what is missing.
    pub fn positional(&self, i: usize, what: &str) -> Result<&str, UsageError> {
        self.positionals
            .get(i)
            .map(String::as_str)
            .ok_or_else(|| UsageError(format!("missing {what}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Args, UsageError> {
        parse(&s.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    #[test]
    fn options_and_positionals() {
        let a = p("get pods,services -n shop -o wide -l app=web --exact").unwrap();
        assert_eq!(a.command.as_deref(), Some("get"));
        assert_eq!(a.positionals, ["pods,services"]);
        assert_eq!(a.value("namespace"), Some("shop"));
        assert_eq!(a.output(), Some("wide"));
        assert_eq!(a.value("selector"), Some("app=web"));
        assert!(a.flag("exact"));
        assert!(p("dns x --bogus").is_err());
        assert_eq!(p("dns --type=SRV x").unwrap().value("type"), Some("SRV"));
        assert_eq!(p("get pods -owide").unwrap().output(), Some("wide"));
    }
}

//! How Kubernetes reads a scalar: YAML 1.1 resolution as go-yaml v2 does it.
//!
//! `kubectl` and the API server read manifests through sigs.k8s.io/yaml, which uses go-yaml v2
//! (`gopkg.in/yaml.v2/resolve.go` `resolve`): plain `yes`/`on`/`y` are booleans, `~` is null,
//! integers are parsed by Go's `strconv.ParseInt(s, 0, 64)` after removing `_` (so `0777` is
//! octal 511 and `0x1F` is 31), and `1.10` is the float 1.1. Quoted and block scalars are always
//! strings; an explicit `!!str` tag forces a string.

use super::{Scalar, Style};

/// The value go-yaml v2 gives a scalar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer too large for int64 (go-yaml then tries uint64 and float64).
    BigInt,
    Float(f64),
    Str,
}

/// `resolve_map` of go-yaml v2 for booleans.
pub fn yaml11_bool(s: &str) -> Option<bool> {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

/// `""`, `~`, `null`, `Null`, `NULL`.
pub fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

/// Go's `strconv.ParseInt(s, 0, 64)` (prefixes `0x`, `0o`, `0b`, leading `0` = octal, sign).
pub fn go_parse_int(s: &str) -> Result<i64, IntError> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..).unwrap_or("")),
        Some(b'+') => (false, s.get(1..).unwrap_or("")),
        _ => (false, s),
    };
    let (radix, digits) =
        if let Some(r) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, r)
        } else if let Some(r) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, r)
        } else if let Some(r) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, r)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, body.get(1..).unwrap_or(""))
        } else {
            (10, body)
        };
    if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return Err(IntError::Syntax);
    }
    let mut v: i128 = 0;
    for b in digits.bytes() {
        let d = (b as char).to_digit(radix).unwrap_or(0) as i128;
        v = v * radix as i128 + d;
        if v > u64::MAX as i128 + 1 {
            return Err(IntError::Range);
        }
    }
    let v = if neg { -v } else { v };
    i64::try_from(v).map_err(|_| IntError::Range)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntError {
    Syntax,
    Range,
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (go-yaml v2 `yamlStyleFloat`).
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - st
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Resolves a plain scalar's text as go-yaml v2 would (untagged).
pub fn resolve_plain(s: &str) -> Resolved {
    if is_null(s) {
        return Resolved::Null;
    }
    let Some(&first) = s.as_bytes().first() else { return Resolved::Null };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' => {
            yaml11_bool(s).map_or(Resolved::Str, Resolved::Bool)
        }
        b'.' => match s {
            ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
            ".inf" | ".Inf" | ".INF" => Resolved::Float(f64::INFINITY),
            _ => s.parse::<f64>().map_or(Resolved::Str, |f| {
                if yaml_style_float(s) {
                    Resolved::Float(f)
                } else {
                    Resolved::Str
                }
            }),
        },
        b'+' | b'-' | b'0'..=b'9' => {
            match s {
                "+.inf" | "+.Inf" | "+.INF" => return Resolved::Float(f64::INFINITY),
                "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
                _ => {}
            }
            let plain: std::borrow::Cow<'_, str> =
                if s.contains('_') { s.replace('_', "").into() } else { s.into() };
            match go_parse_int(&plain) {
                Ok(v) => return Resolved::Int(v),
                Err(IntError::Range) => return Resolved::BigInt,
                Err(IntError::Syntax) => {}
            }
            if yaml_style_float(&plain) {
                if let Ok(f) = plain.parse::<f64>() {
                    return Resolved::Float(f);
                }
            }
            Resolved::Str
        }
        _ => Resolved::Str,
    }
}

/// Resolves a scalar: quoted and block scalars are strings; tags force their type.
pub fn resolve(s: &Scalar<'_>) -> Resolved {
    if let Some(tag) = s.tag.as_deref() {
        return match tag {
            "str" | "binary" => Resolved::Str,
            "null" => Resolved::Null,
            "bool" => yaml11_bool(&s.text).map_or(Resolved::Str, Resolved::Bool),
            _ => resolve_plain(&s.text),
        };
    }
    if s.style != Style::Plain {
        return Resolved::Str;
    }
    resolve_plain(&s.text)
}

/// How Go's `encoding/json` prints a float64 (what `1.10` becomes on the wire: `1.1`).
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let exp = if f == 0.0 { 0 } else { f.abs().log10().floor() as i32 };
    if (-6..21).contains(&exp) {
        format!("{f}")
    } else {
        // Rust prints `1e20`; Go prints `1e+20`.
        let s = format!("{f:e}");
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            Some((m, e)) => format!("{m}e{e}"),
            None => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_yaml_v2_resolution() {
        assert_eq!(resolve_plain("yes"), Resolved::Bool(true));
        assert_eq!(resolve_plain("Off"), Resolved::Bool(false));
        assert_eq!(resolve_plain("~"), Resolved::Null);
        assert_eq!(resolve_plain("0777"), Resolved::Int(511));
        assert_eq!(resolve_plain("0x1F"), Resolved::Int(31));
        assert_eq!(resolve_plain("1_000"), Resolved::Int(1000));
        assert_eq!(resolve_plain("1.10"), Resolved::Float(1.1));
        assert_eq!(resolve_plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(resolve_plain("08"), Resolved::Float(8.0));
        assert_eq!(resolve_plain("1.2.3"), Resolved::Str);
        assert_eq!(resolve_plain("nginx"), Resolved::Str);
        assert_eq!(resolve_plain("99999999999999999999"), Resolved::BigInt);
        assert_eq!(resolve_plain("-12"), Resolved::Int(-12));
        assert_eq!(resolve_plain("2001-12-14"), Resolved::Str);
        assert_eq!(go_float(1.1), "1.1");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1000.0), "1000");
    }
}

//! Label selectors, as `k8s.io/apimachinery/pkg/labels` and `metav1` implement them.
//!
//! Three forms:
//! - a Service's `spec.selector` (an equality map): [`service_selects`]. An empty or absent
//!   selector selects nothing — the endpoint controllers skip such Services
//!   (kubernetes-networking.md §1.1), unlike the labels library's `SelectorFromSet({})`;
//! - `metav1.LabelSelector` (workloads): [`label_selector_matches`]; `None` selects nothing,
//!   `{}` selects everything (`LabelSelectorAsSelector`);
//! - kubectl's `-l` string syntax: [`parse`] (`labels.Parse`, with upstream's error texts) and
//!   [`Selector::matches`].
//!
//! Source: `staging/src/k8s.io/apimachinery/pkg/labels/selector.go` and `lexer`/`parser` there,
//! `staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go`.

use std::fmt;

use crate::manifest::validate::{go_quote, is_qualified_name, is_valid_label_value};
use crate::model::{LabelSelector, Labels};

/// `selection.Operator`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operator {
    /// `!`
    DoesNotExist,
    /// `=`
    Equals,
    /// `==`
    DoubleEquals,
    /// `in`
    In,
    /// `!=`
    NotEquals,
    /// `notin`
    NotIn,
    /// `exists`
    Exists,
    /// `gt`
    GreaterThan,
    /// `lt`
    LessThan,
}

impl Operator {
    /// The `selection.Operator` string (`in`, `notin`, `=`, `!`, `gt`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::DoesNotExist => "!",
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::In => "in",
            Operator::NotEquals => "!=",
            Operator::NotIn => "notin",
            Operator::Exists => "exists",
            Operator::GreaterThan => "gt",
            Operator::LessThan => "lt",
        }
    }

    /// Parses a `selection.Operator` string.
    pub fn from_selection(s: &str) -> Option<Operator> {
        Some(match s {
            "!" => Operator::DoesNotExist,
            "=" => Operator::Equals,
            "==" => Operator::DoubleEquals,
            "in" => Operator::In,
            "!=" => Operator::NotEquals,
            "notin" => Operator::NotIn,
            "exists" => Operator::Exists,
            "gt" => Operator::GreaterThan,
            "lt" => Operator::LessThan,
            _ => return None,
        })
    }
}

/// One `labels.Requirement`. Values are kept sorted (upstream sorts them for `String()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

/// `%#v` of a `[]string`; `nil_if_empty` for a nil slice (`[]string(nil)`).
fn go_string_slice(vals: &[String], nil_if_empty: bool) -> String {
    if vals.is_empty() && nil_if_empty {
        return "[]string(nil)".to_string();
    }
    let inner: Vec<String> = vals.iter().map(String::as_str).map(go_quote).collect();
    format!("[]string{{{}}}", inner.join(", "))
}

/// Joins errors as `utilerrors.Aggregate` prints them: one as itself, several as `[a, b]`.
fn aggregate(errs: Vec<String>) -> Result<(), String> {
    match errs.len() {
        0 => Ok(()),
        1 => Err(errs.into_iter().next().unwrap_or_default()),
        _ => Err(format!("[{}]", errs.join(", "))),
    }
}

/// `NewRequirement`'s value-count checks per operator (and Gt/Lt's integer values).
fn operator_errors(operator: Operator, values: &[String], nil: bool, errs: &mut Vec<String>) {
    match operator {
        Operator::In | Operator::NotIn => {
            if values.is_empty() {
                errs.push(format!(
                    "values: Invalid value: {}: for 'in', 'notin' operators, values set can't be empty",
                    go_string_slice(values, nil)
                ));
            }
        }
        Operator::Equals | Operator::DoubleEquals | Operator::NotEquals => {
            if values.len() != 1 {
                errs.push(format!(
                    "values: Invalid value: {}: exact-match compatibility requires one single value",
                    go_string_slice(values, nil)
                ));
            }
        }
        Operator::Exists | Operator::DoesNotExist => {
            if !values.is_empty() {
                errs.push(format!(
                    "values: Invalid value: {}: values set must be empty for exists and does not exist",
                    go_string_slice(values, nil)
                ));
            }
        }
        Operator::GreaterThan | Operator::LessThan => {
            if values.len() != 1 {
                errs.push(format!(
                    "values: Invalid value: {}: for 'Gt', 'Lt' operators, exactly one value is required",
                    go_string_slice(values, nil)
                ));
            }
            for (i, v) in values.iter().enumerate() {
                if v.parse::<i64>().is_err() {
                    errs.push(format!(
                        "values[{i}]: Invalid value: {}: for 'Gt', 'Lt' operators, the value must be an integer",
                        go_quote(v)
                    ));
                }
            }
        }
    }
}

impl Requirement {
    /// `labels.NewRequirement`: validates the key, the operator's value count and the values.
    pub fn new(key: &str, operator: Operator, values: Vec<String>) -> Result<Requirement, String> {
        Requirement::build(key, operator, values, false)
    }

    /// `NewRequirement` given a nil slice when `values` is empty (as `LabelSelectorAsSelector`
    /// passes `append([]string(nil), expr.Values...)`): errors print it `[]string(nil)`.
    pub fn new_nil_if_empty(
        key: &str,
        operator: Operator,
        values: Vec<String>,
    ) -> Result<Requirement, String> {
        Requirement::build(key, operator, values, true)
    }

    fn build(
        key: &str,
        operator: Operator,
        values: Vec<String>,
        nil: bool,
    ) -> Result<Requirement, String> {
        let mut errs = Vec::new();
        let key_errs = is_qualified_name(key);
        if !key_errs.is_empty() {
            errs.push(format!("key: Invalid value: {}: {}", go_quote(key), key_errs.join("; ")));
        }
        operator_errors(operator, &values, nil, &mut errs);
        for (i, v) in values.iter().enumerate() {
            let v_errs = is_valid_label_value(v);
            if !v_errs.is_empty() {
                errs.push(format!(
                    "values[{i}][{key}]: Invalid value: {}: {}",
                    go_quote(v),
                    v_errs.join("; ")
                ));
            }
        }
        aggregate(errs)?;
        // Upstream keeps the values as given and sorts them when printing (`safeSort`), without
        // removing duplicates (the parser's value set has none); sorting once here prints the same.
        let mut values = values;
        crate::sort::sort(&mut values);
        Ok(Requirement { key: key.to_string(), operator, values })
    }

    /// `Requirement.Matches`.
    pub fn matches(&self, labels: &Labels) -> bool {
        let v = labels.get(&self.key);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => {
                v.is_some_and(|v| self.values.iter().any(|x| x == v))
            }
            Operator::NotIn | Operator::NotEquals => {
                v.is_none_or(|v| !self.values.iter().any(|x| x == v))
            }
            Operator::Exists => v.is_some(),
            Operator::DoesNotExist => v.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let Some(Ok(lv)) = v.map(|v| v.parse::<i64>()) else { return false };
                let [rv] = self.values.as_slice() else { return false };
                let Ok(rv) = rv.parse::<i64>() else { return false };
                if self.operator == Operator::GreaterThan {
                    lv > rv
                } else {
                    lv < rv
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    /// `Requirement.String()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let op = match self.operator {
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
        };
        f.write_str(op)?;
        let paren = matches!(self.operator, Operator::In | Operator::NotIn);
        if paren {
            f.write_str("(")?;
        }
        f.write_str(&self.values.join(","))?;
        if paren {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// A parsed selector: requirements ANDed, sorted by key. Empty matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub requirements: Vec<Requirement>,
    /// `labels.Nothing()`.
    pub nothing: bool,
}

impl Selector {
    pub fn everything() -> Selector {
        Selector::default()
    }

    pub fn nothing() -> Selector {
        Selector { requirements: Vec::new(), nothing: true }
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        !self.nothing && self.requirements.iter().all(|r| r.matches(labels))
    }

    pub fn is_empty(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    /// `internalSelector.Add`: a copy with the requirements appended, sorted by key (stable, so
    /// requirements on one key keep their order).
    pub fn add(&self, reqs: impl IntoIterator<Item = Requirement>) -> Selector {
        let mut requirements = self.requirements.clone();
        requirements.extend(reqs);
        crate::sort::sort_by(&mut requirements, |a, b| a.key.cmp(&b.key));
        Selector { requirements, nothing: self.nothing }
    }

    /// `internalSelector.RequiresExactMatch`: the value `label` must have when the first
    /// requirement on it is `=`, `==` or `in` with exactly one value; `None` otherwise.
    pub fn requires_exact_match(&self, label: &str) -> Option<&str> {
        let r = self.requirements.iter().find(|r| r.key == label)?;
        match (r.operator, r.values.as_slice()) {
            (Operator::Equals | Operator::DoubleEquals | Operator::In, [v]) => Some(v),
            _ => None,
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

/// A Service's `spec.selector` selects a Pod with these labels. `None` or empty selects nothing.
pub fn service_selects(selector: Option<&Labels>, labels: &Labels) -> bool {
    match selector {
        Some(sel) if !sel.is_empty() => sel.iter().all(|(k, v)| labels.get(k) == Some(v)),
        _ => false,
    }
}

/// `labels.SelectorFromSet(set).Matches(labels)`: an empty set matches everything.
pub fn set_matches(set: &Labels, labels: &Labels) -> bool {
    set.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// `labels.ValidatedSelectorFromSet`: one `=` requirement per pair, each built with
/// `NewRequirement` (so a bad key or value is its error, e.g. `values[0][Key]: Invalid value:
/// "…": must be no more than 63 characters`); an empty set is `Everything()`.
pub fn validated_selector_from_set(set: &Labels) -> Result<Selector, String> {
    let mut reqs = Vec::with_capacity(set.len());
    for (k, v) in set {
        reqs.push(Requirement::new(k, Operator::Equals, vec![v.clone()])?);
    }
    Ok(Selector { requirements: reqs, nothing: false })
}

/// `metav1.LabelSelectorAsMap`: the selector as a plain map (`matchLabels`, plus `In` with one
/// value). The map built so far comes back with the error too, as upstream returns it.
/// Source: staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go.
pub fn label_selector_as_map(sel: Option<&LabelSelector>) -> (Option<Labels>, Result<(), String>) {
    let Some(sel) = sel else { return (None, Ok(())) };
    let mut out = sel.match_labels.clone();
    for e in &sel.match_expressions {
        let op = go_quote(&e.operator);
        let err = match (e.operator.as_str(), e.values.as_slice()) {
            ("In", [v]) => {
                out.insert(e.key.clone(), v.clone());
                continue;
            }
            ("In", _) => format!("operator {op} without a single value cannot be converted into the old label selector format"),
            ("NotIn" | "Exists" | "DoesNotExist", _) => {
                format!("operator {op} cannot be converted into the old label selector format")
            }
            _ => format!("{op} is not a valid selector operator"),
        };
        return (Some(out), Err(err));
    }
    (Some(out), Ok(()))
}

/// `metav1.LabelSelectorAsSelector`. `None` → nothing; `{}` → everything. Requirements are
/// built with [`Requirement::new`] (so invalid ones are an error, as upstream).
pub fn label_selector_as_selector(sel: Option<&LabelSelector>) -> Result<Selector, String> {
    let Some(sel) = sel else { return Ok(Selector::nothing()) };
    if sel.match_labels.is_empty() && sel.match_expressions.is_empty() {
        return Ok(Selector::everything());
    }
    let mut reqs = Vec::new();
    for (k, v) in &sel.match_labels {
        reqs.push(Requirement::new(k, Operator::Equals, vec![v.clone()])?);
    }
    for e in &sel.match_expressions {
        let op = match e.operator.as_str() {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            other => {
                return Err(format!("{} is not a valid label selector operator", go_quote(other)))
            }
        };
        reqs.push(Requirement::new_nil_if_empty(&e.key, op, e.values.clone())?);
    }
    crate::sort::sort_by(&mut reqs, |a, b| a.key.cmp(&b.key));
    Ok(Selector { requirements: reqs, nothing: false })
}

/// `metav1.FormatLabelSelector`: the selector's `String()` (requirements sorted by key, set
/// values sorted), `<none>` when that is empty (a nil or empty selector), `<error>` when
/// `LabelSelectorAsSelector` fails. kubectl's SELECTOR cell of workloads (`get -o wide`).
/// Source: staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go.
pub fn format_label_selector(sel: Option<&LabelSelector>) -> String {
    match label_selector_as_selector(sel) {
        Err(_) => "<error>".to_string(),
        Ok(s) if s.to_string().is_empty() => "<none>".to_string(),
        Ok(s) => s.to_string(),
    }
}

/// A `metav1.LabelSelector` selects these labels the way controllers and network policy
/// implementations use it: through [`label_selector_as_selector`], a selector that does not
/// convert (unknown operator, `In` without values, `Exists` with values, a bad key or value)
/// selecting nothing — the ReplicaSet controller gives up on such a ReplicaSet
/// (`pkg/controller/replicaset/replica_set.go` `syncReplicaSet`), NetworkPolicy
/// implementations skip the policy. `None` selects nothing, `{}` everything.
pub fn label_selector_selects(sel: Option<&LabelSelector>, labels: &Labels) -> bool {
    label_selector_as_selector(sel).is_ok_and(|s| s.matches(labels))
}

/// A workload's `metav1.LabelSelector` matches these labels (`None` nothing, `{}` everything).
/// Operators are read leniently here (validation reports bad ones): an unknown operator
/// matches nothing.
pub fn label_selector_matches(sel: Option<&LabelSelector>, labels: &Labels) -> bool {
    let Some(sel) = sel else { return false };
    if !set_matches(&sel.match_labels, labels) {
        return false;
    }
    sel.match_expressions.iter().all(|e| {
        let v = labels.get(&e.key);
        match e.operator.as_str() {
            "In" => v.is_some_and(|v| e.values.contains(v)),
            "NotIn" => v.is_none_or(|v| !e.values.contains(v)),
            "Exists" => v.is_some(),
            "DoesNotExist" => v.is_none(),
            _ => false,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// labels.Parse

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Error,
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn keyword(s: &str) -> Option<Tok> {
    Some(match s {
        ")" => Tok::ClosedPar,
        "," => Tok::Comma,
        "!" => Tok::DoesNotExist,
        "==" => Tok::DoubleEquals,
        "=" => Tok::Equals,
        ">" => Tok::GreaterThan,
        "in" => Tok::In,
        "<" => Tok::LessThan,
        "!=" => Tok::NotEquals,
        "notin" => Tok::NotIn,
        "(" => Tok::OpenPar,
        _ => return None,
    })
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

/// The upstream lexer (byte-based, like Go's).
fn lex(s: &str) -> Vec<(Tok, String)> {
    let b = s.as_bytes();
    let mut pos = 0;
    let mut out = Vec::new();
    loop {
        while pos < b.len() && is_whitespace(b[pos]) {
            pos += 1;
        }
        let Some(&ch) = b.get(pos) else {
            out.push((Tok::End, String::new()));
            return out;
        };
        if ch == 0 {
            out.push((Tok::End, String::new()));
            return out;
        }
        if is_special(ch) {
            let mut last: Option<(Tok, String)> = None;
            let mut buf = String::new();
            while let Some(&c) = b.get(pos) {
                if c == 0 || !is_special(c) {
                    break;
                }
                buf.push(c as char);
                if let Some(t) = keyword(&buf) {
                    last = Some((t, buf.clone()));
                    pos += 1;
                } else if last.is_some() {
                    break;
                } else {
                    pos += 1;
                }
            }
            match last {
                Some(t) => out.push(t),
                // Unreachable with upstream's token table (every special character alone is a
                // token), kept as upstream has it; the parser reports it like any other token.
                None => out.push((Tok::Error, format!("error expected: keyword found '{buf}'"))),
            }
        } else {
            let start = pos;
            while pos < b.len() && !is_whitespace(b[pos]) && !is_special(b[pos]) && b[pos] != 0 {
                pos += 1;
            }
            let word = String::from_utf8_lossy(&b[start..pos]).into_owned();
            let tok = match keyword(&word) {
                Some(t) => t,
                None => Tok::Identifier,
            };
            out.push((tok, word));
        }
    }
}

impl Tok {
    /// The upstream constant's name (`IdentifierToken`, …).
    fn name(self) -> &'static str {
        match self {
            Tok::Error => "ErrorToken",
            Tok::End => "EndOfStringToken",
            Tok::ClosedPar => "ClosedParToken",
            Tok::Comma => "CommaToken",
            Tok::DoesNotExist => "DoesNotExistToken",
            Tok::DoubleEquals => "DoubleEqualsToken",
            Tok::Equals => "EqualsToken",
            Tok::GreaterThan => "GreaterThanToken",
            Tok::Identifier => "IdentifierToken",
            Tok::In => "InToken",
            Tok::LessThan => "LessThanToken",
            Tok::NotEquals => "NotEqualsToken",
            Tok::NotIn => "NotInToken",
            Tok::OpenPar => "OpenParToken",
        }
    }
}

/// The lexer's tokens for a selector string, as upstream's `Lexer.Lex` returns them until
/// `EndOfStringToken` (not included): the token's constant name and its literal.
pub fn tokens(s: &str) -> Vec<(&'static str, String)> {
    lex(s).into_iter().filter(|(t, _)| *t != Tok::End).map(|(t, l)| (t.name(), l)).collect()
}

struct SelParser {
    items: Vec<(Tok, String)>,
    pos: usize,
}

impl SelParser {
    /// `lookahead(Values)`: `in`/`notin` read as identifiers in value context.
    fn peek(&self, values: bool) -> (Tok, String) {
        let (t, l) = self.items.get(self.pos).cloned().unwrap_or((Tok::End, String::new()));
        if values && matches!(t, Tok::In | Tok::NotIn) {
            return (Tok::Identifier, l);
        }
        (t, l)
    }

    fn next(&mut self, values: bool) -> (Tok, String) {
        let r = self.peek(values);
        if self.pos < self.items.len() {
            self.pos += 1;
        }
        r
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut reqs = Vec::new();
        loop {
            let (tok, lit) = self.peek(true);
            match tok {
                Tok::Identifier | Tok::DoesNotExist => {
                    let r = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    reqs.push(r);
                    let (t, l) = self.next(true);
                    match t {
                        Tok::End => return Ok(reqs),
                        Tok::Comma => {
                            let (t2, l2) = self.peek(true);
                            if t2 != Tok::Identifier && t2 != Tok::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Tok::End => return Ok(reqs),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ))
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let mut op = None;
        let (mut tok, mut lit) = self.next(true);
        if tok == Tok::DoesNotExist {
            op = Some(Operator::DoesNotExist);
            (tok, lit) = self.next(true);
        }
        if tok != Tok::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        let key = lit;
        // `parseKeyAndInferOperator` validates the key with the parser's own path, which
        // `labels.Parse` leaves nil: `field.Path.String()` of a nil path is `<nil>`
        // (staging/src/k8s.io/apimachinery/pkg/util/validation/field/path.go).
        let key_errs = is_qualified_name(&key);
        if !key_errs.is_empty() {
            return Err(format!(
                "<nil>: Invalid value: {}: {}",
                go_quote(&key),
                key_errs.join("; ")
            ));
        }
        let (t, _) = self.peek(true);
        if (t == Tok::End || t == Tok::Comma) && op.is_none() {
            op = Some(Operator::Exists);
        }
        if let Some(op @ (Operator::Exists | Operator::DoesNotExist)) = op {
            return Requirement::new(&key, op, Vec::new());
        }
        let op = self.operator()?;
        let values = match op {
            Operator::In | Operator::NotIn => self.values()?,
            _ => self.exact_value()?,
        };
        Requirement::new(&key, op, values)
    }

    /// `Parser.parseOperator`: one of the `binaryOperators`, or upstream's error naming them.
    fn operator(&mut self) -> Result<Operator, String> {
        let (t, lit) = self.next(false);
        Ok(match t {
            Tok::In => Operator::In,
            Tok::Equals => Operator::Equals,
            Tok::DoubleEquals => Operator::DoubleEquals,
            Tok::GreaterThan => Operator::GreaterThan,
            Tok::LessThan => Operator::LessThan,
            Tok::NotIn => Operator::NotIn,
            Tok::NotEquals => Operator::NotEquals,
            _ => return Err(format!("found '{lit}', expected: in, notin, =, ==, !=, gt, lt")),
        })
    }

    fn values(&mut self) -> Result<Vec<String>, String> {
        let (t, lit) = self.next(true);
        if t != Tok::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (t, lit) = self.peek(true);
        match t {
            Tok::Identifier | Tok::Comma => {
                let s = self.identifiers()?;
                let (t, _) = self.next(true);
                if t != Tok::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(s)
            }
            Tok::ClosedPar => {
                self.next(true);
                Ok(vec![String::new()])
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn identifiers(&mut self) -> Result<Vec<String>, String> {
        let mut s: Vec<String> = Vec::new();
        let insert = |s: &mut Vec<String>, v: String| {
            if !s.contains(&v) {
                s.push(v);
            }
        };
        // Bounded by the token count: every iteration consumes a token.
        for _ in 0..=self.items.len() {
            let (t, lit) = self.next(true);
            match t {
                Tok::Identifier => {
                    insert(&mut s, lit);
                    let (t2, l2) = self.peek(true);
                    match t2 {
                        Tok::Comma => continue,
                        Tok::ClosedPar => return Ok(s),
                        _ => return Err(format!("found '{l2}', expected: ',' or ')'")),
                    }
                }
                Tok::Comma => {
                    if s.is_empty() {
                        insert(&mut s, String::new());
                    }
                    let (t2, _) = self.peek(true);
                    if t2 == Tok::ClosedPar {
                        insert(&mut s, String::new());
                        return Ok(s);
                    }
                    if t2 == Tok::Comma {
                        self.next(true);
                        insert(&mut s, String::new());
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
        Err("found '', expected: ',', or identifier".to_string())
    }

    fn exact_value(&mut self) -> Result<Vec<String>, String> {
        let (t, _) = self.peek(true);
        if t == Tok::End || t == Tok::Comma {
            return Ok(vec![String::new()]);
        }
        let (t, lit) = self.next(true);
        if t == Tok::Identifier {
            return Ok(vec![lit]);
        }
        Err(format!("found '{lit}', expected: identifier"))
    }
}

/// `Parser.parseOperator` on the first token of `s` (selector_test.go `TestParseOperator`):
/// the operator, or upstream's error (`found '!', expected: in, notin, =, ==, !=, gt, lt`).
pub fn parse_operator(s: &str) -> Result<Operator, String> {
    SelParser { items: lex(s), pos: 0 }.operator()
}

/// `labels.Parse`: kubectl's `-l` syntax (`a=b,c!=d`, `x in (a,b)`, `notin`, `x`, `!x`, `x>1`).
/// Errors are upstream's texts (e.g. `unable to parse requirement: found '', expected: in, notin, =, ==, !=, gt, lt`).
pub fn parse(selector: &str) -> Result<Selector, String> {
    let items = lex(selector);
    let mut p = SelParser { items, pos: 0 };
    let mut reqs = p.parse()?;
    crate::sort::sort_by(&mut reqs, |a, b| a.key.cmp(&b.key));
    Ok(Selector { requirements: reqs, nothing: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_are_upstream_texts() {
        // NewRequirement validates the value `a||y` before the parser sees the second `=`.
        assert!(parse("x=a||y=b").unwrap_err().starts_with(
            "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label"
        ));
        assert_eq!(parse("x==a==b").unwrap_err(), "found '==', expected: ',' or 'end of string'");
        assert_eq!(parse("!x=a").unwrap_err(), "found '=', expected: ',' or 'end of string'");
        assert_eq!(
            parse("x<a").unwrap_err(),
            "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"
        );
        assert_eq!(parse("x in (a,b),!y").unwrap().to_string(), "x in (a,b),!y");
        assert_eq!(parse("x=,z= ").unwrap().to_string(), "x=,z=");
    }
}

//! Resource quantities (`500m`, `1Gi`, `4G`, `1e3`) as apimachinery's `resource.Quantity`
//! reads and prints them (`staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go`):
//! `ParseQuantity`'s grammar, and `String()` in canonical form (`CanonicalizeBytes`: decimal SI
//! with an exponent that is a multiple of 3, binary SI when the value is a whole number of bytes
//! of at least 1024, the decimal exponent form kept), which is what `kubectl describe` prints.

use std::cmp::Ordering;

/// The largest decimal exponent read (apimachinery's `inf.Dec` holds any; a quantity beyond
/// 10^±100000 is refused here rather than carried).
const MAX_EXPONENT: i32 = 100_000;

/// How a quantity was written, which is how it prints (`Format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    DecimalSi,
    BinarySi,
    DecimalExponent,
}

/// A parsed quantity: `mantissa × 10^exp10`, exactly, with the format of its suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quantity {
    mantissa: i128,
    exp10: i32,
    format: Format,
}

impl Quantity {
    /// `ParseQuantity`: `<signedNumber><suffix>`, the suffix one of the binary SI (`Ki` … `Ei`),
    /// decimal SI (`n`, `u`, `m`, ``, `k`, `M`, `G`, `T`, `P`, `E`) or decimal exponent (`e3`,
    /// `E-2`) forms. `None` for anything else (the API server answers "quantities must match
    /// the regular expression …").
    pub fn parse(text: &str) -> Option<Quantity> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let digits_end = rest.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(digits_end);
        let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
        if (whole.is_empty() && frac.is_empty()) || frac.contains('.') {
            return None;
        }
        let mut mantissa: i128 = 0;
        for b in whole.bytes().chain(frac.bytes()) {
            mantissa = mantissa.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        let mut exp10 = -i32::try_from(frac.len()).ok()?;
        let (format, binary_power) = match suffix {
            "Ki" => (Format::BinarySi, 1),
            "Mi" => (Format::BinarySi, 2),
            "Gi" => (Format::BinarySi, 3),
            "Ti" => (Format::BinarySi, 4),
            "Pi" => (Format::BinarySi, 5),
            "Ei" => (Format::BinarySi, 6),
            _ => (Format::DecimalSi, 0),
        };
        if binary_power > 0 {
            mantissa = mantissa.checked_mul(1i128.checked_shl(10 * binary_power)?)?;
        }
        let format = match suffix {
            _ if binary_power > 0 => format,
            "n" => {
                exp10 -= 9;
                Format::DecimalSi
            }
            "u" => {
                exp10 -= 6;
                Format::DecimalSi
            }
            "m" => {
                exp10 -= 3;
                Format::DecimalSi
            }
            "" => Format::DecimalSi,
            "k" => {
                exp10 += 3;
                Format::DecimalSi
            }
            "M" => {
                exp10 += 6;
                Format::DecimalSi
            }
            "G" => {
                exp10 += 9;
                Format::DecimalSi
            }
            "T" => {
                exp10 += 12;
                Format::DecimalSi
            }
            "P" => {
                exp10 += 15;
                Format::DecimalSi
            }
            "E" => {
                exp10 += 18;
                Format::DecimalSi
            }
            s if s.starts_with(['e', 'E']) => {
                let e: i32 = s[1..].parse().ok()?;
                exp10 = exp10.checked_add(e)?;
                Format::DecimalExponent
            }
            _ => return None,
        };
        // Far past any real quantity (and past what the arithmetic below may hold): not one.
        if !(-MAX_EXPONENT..=MAX_EXPONENT).contains(&exp10) {
            return None;
        }
        if negative {
            mantissa = -mantissa;
        }
        Some(Quantity { mantissa, exp10, format })
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    pub fn is_positive(&self) -> bool {
        self.mantissa > 0
    }

    /// The sum (`Quantity.Add`), in this one's format; `None` past what it can hold.
    pub fn add(&self, other: &Quantity) -> Option<Quantity> {
        let e = self.exp10.min(other.exp10);
        let scale = |q: &Quantity| {
            q.mantissa.checked_mul(10i128.checked_pow(u32::try_from(q.exp10 - e).ok()?)?)
        };
        Some(Quantity {
            mantissa: scale(self)?.checked_add(scale(other)?)?,
            exp10: e,
            format: self.format,
        })
    }

    /// The value rounded up to a whole number (`Value()` of `ExtractContainerResourceValue`
    /// with a divisor of 1: `math.Ceil`), saturating.
    pub fn ceil_integer(&self) -> i128 {
        let (m, e) = self.reduced();
        if e >= 0 {
            return 10i128
                .checked_pow(u32::try_from(e).unwrap_or(u32::MAX))
                .and_then(|f| m.checked_mul(f))
                .unwrap_or(i128::MAX);
        }
        let div = 10i128.checked_pow(u32::try_from(-e).unwrap_or(u32::MAX)).unwrap_or(i128::MAX);
        let q = m / div;
        if m % div != 0 && m > 0 {
            q + 1
        } else {
            q
        }
    }

    /// `mantissa × 10^exp10` with the mantissa's trailing zeros moved into the exponent.
    fn reduced(&self) -> (i128, i32) {
        let (mut m, mut e) = (self.mantissa, self.exp10);
        while m != 0 && m % 10 == 0 {
            m /= 10;
            e += 1;
        }
        (m, e)
    }

    /// The value as a whole number, when it is one (and fits).
    fn as_integer(&self) -> Option<i128> {
        let (m, e) = self.reduced();
        if e < 0 {
            return None;
        }
        m.checked_mul(10i128.checked_pow(u32::try_from(e).ok()?)?)
    }

    /// `Quantity.String()`: the canonical form.
    pub fn canonical(&self) -> String {
        if self.is_zero() {
            return "0".to_string();
        }
        let mut format = self.format;
        if format == Format::BinarySi {
            // Below 1024, or not a whole number of units: decimal SI (no rounding).
            match self.as_integer() {
                Some(v) if v.abs() >= 1024 => {
                    let (mut amount, mut power) = (v, 0usize);
                    while amount % 1024 == 0 && power < 6 {
                        amount /= 1024;
                        power += 1;
                    }
                    let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][power];
                    return format!("{amount}{suffix}");
                }
                _ => format = Format::DecimalSi,
            }
        }
        // `AsCanonicalBytes`: the exponent made a multiple of 3 (down), at least -9 (nano;
        // smaller values round up, away from zero, as `AsScale(-9)` does).
        let (mut amount, mut exp) = self.reduced();
        if exp < -9 {
            let div = 10i128.pow(u32::try_from(-9 - exp).unwrap_or(0).min(30));
            let q = amount / div;
            amount = if amount % div == 0 { q } else { q + amount.signum() };
            exp = -9;
        }
        match exp.rem_euclid(3) {
            1 => {
                amount = amount.saturating_mul(10);
                exp -= 1;
            }
            2 => {
                amount = amount.saturating_mul(100);
                exp -= 2;
            }
            _ => {}
        }
        let suffix = match (format, exp) {
            (Format::DecimalExponent, 0) => String::new(),
            (Format::DecimalExponent, e) => format!("e{e}"),
            (_, -9) => "n".into(),
            (_, -6) => "u".into(),
            (_, -3) => "m".into(),
            (_, 0) => String::new(),
            (_, 3) => "k".into(),
            (_, 6) => "M".into(),
            (_, 9) => "G".into(),
            (_, 12) => "T".into(),
            (_, 15) => "P".into(),
            (_, 18) => "E".into(),
            (_, e) => format!("e{e}"),
        };
        format!("{amount}{suffix}")
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Quantity) -> Option<Ordering> {
        Some(self.cmp_value(other))
    }
}

impl Quantity {
    /// Compares the values (`Quantity.Cmp`), whatever their formats.
    pub fn cmp_value(&self, other: &Quantity) -> Ordering {
        let e = self.exp10.min(other.exp10);
        let scale = |q: &Quantity| {
            u32::try_from(q.exp10 - e)
                .ok()
                .and_then(|d| 10i128.checked_pow(d))
                .and_then(|f| q.mantissa.checked_mul(f))
        };
        match (scale(self), scale(other)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Far apart: the one with the larger magnitude order wins (by sign).
            _ => {
                let a = self.mantissa as f64 * 10f64.powi(self.exp10);
                let b = other.mantissa as f64 * 10f64.powi(other.exp10);
                a.partial_cmp(&b).unwrap_or(Ordering::Equal)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Quantity;

    fn canon(s: &str) -> String {
        Quantity::parse(s).map(|q| q.canonical()).unwrap_or_else(|| format!("invalid {s}"))
    }

    /// Canonical forms from apimachinery's quantity_test.go (`TestQuantityParse` table:
    /// input → expected `String()`).
    #[test]
    fn canonical_forms() {
        for (input, want) in [
            ("0", "0"),
            ("0n", "0"),
            ("0Ki", "0"),
            ("1", "1"),
            ("1000", "1k"),
            ("1500", "1500"),
            ("0.5", "500m"),
            ("1.5", "1500m"),
            ("250m", "250m"),
            ("2000m", "2"),
            ("4G", "4G"),
            ("1Gi", "1Gi"),
            ("1024Mi", "1Gi"),
            ("1536Mi", "1536Mi"),
            ("128Mi", "128Mi"),
            ("1Ki", "1Ki"),
            ("1023", "1023"),
            ("0.5Ki", "512"),
            ("1.5Gi", "1536Mi"),
            ("1.5Ki", "1536"),
            ("1e3", "1e3"),
            ("1E3", "1e3"),
            ("100e-3", "100e-3"),
            ("1000e-3", "1"),
            ("20G", "20G"),
            ("1n", "1n"),
            ("1.1n", "2n"),
            ("-1.1n", "-2n"),
            ("12M", "12M"),
            ("+5", "5"),
            ("-5m", "-5m"),
            ("1e-2147483648", "invalid 1e-2147483648"),
            ("1e2147483647", "invalid 1e2147483647"),
            ("1e99999", "1e99999"),
            ("1e-99999", "1e-9"),
            ("170141183460469231731687303715884105727", "170141183460469231731687303715884105727"),
        ] {
            assert_eq!(canon(input), want, "{input}");
        }
        for bad in ["", "m", "1.2.3", "1Gb", "1 Gi", "Gi", "1e", ".", "1ki"] {
            assert!(Quantity::parse(bad).is_none(), "{bad} parsed");
        }
    }

    /// Every operation on every combination of hostile parts answers without panicking
    /// (overflowing mantissas and exponents included).
    #[test]
    fn hostile_quantities_never_panic() {
        let signs = ["", "+", "-"];
        let numbers = [
            "0",
            "1",
            ".5",
            "5.",
            "170141183460469231731687303715884105727",
            "99999999999999999999999999999999999999",
            "0.000000000000000000000000000000000001",
        ];
        let suffixes = [
            "",
            "m",
            "n",
            "u",
            "k",
            "E",
            "Ei",
            "Ki",
            "e99999",
            "e-99999",
            "e2147483647",
            "e-2147483648",
            "E-7",
            "e+3",
        ];
        let mut all = Vec::new();
        for sign in signs {
            for n in numbers {
                for suffix in suffixes {
                    let text = format!("{sign}{n}{suffix}");
                    if let Some(q) = Quantity::parse(&text) {
                        let _ = q.canonical();
                        let _ = q.ceil_integer();
                        all.push(q);
                    }
                }
            }
        }
        assert!(all.len() > 100);
        for a in &all {
            for b in all.iter().step_by(7) {
                let _ = a.cmp_value(b);
                let _ = a.add(b).map(|q| q.canonical());
            }
        }
    }

    #[test]
    fn values_compare_across_formats() {
        let q = |s| Quantity::parse(s).unwrap_or_else(|| panic!("{s}"));
        assert_eq!(q("1").cmp_value(&q("1000m")), std::cmp::Ordering::Equal);
        assert_eq!(q("1Gi").cmp_value(&q("1073741824")), std::cmp::Ordering::Equal);
        assert_eq!(q("1G").cmp_value(&q("1Gi")), std::cmp::Ordering::Less);
        assert_eq!(q("1e3").cmp_value(&q("1k")), std::cmp::Ordering::Equal);
    }
}

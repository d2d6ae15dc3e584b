//! Quantities as integers of their smallest unit, so sums are exact and nothing is lost to
//! floating point: areas in hundredths of a square metre, money in fen (分). Each is parsed once,
//! where it comes in (a sheet, a form), and shown in the units people use (m², 万㎡, 元, 万元).

use serde::{Deserialize, Serialize};
use std::iter::Sum;
use std::ops::{Add, AddAssign};

/// An area, in hundredths of a square metre (建筑面积 and the like).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Area(i64);

impl Area {
    pub const ZERO: Area = Area(0);

    pub const fn from_centi_m2(centi: i64) -> Area {
        Area(centi)
    }

    /// From square metres as typed, rounded to the hundredth; `None` unless finite and not
    /// negative.
    pub fn from_m2(m2: f64) -> Option<Area> {
        (0.0..1e15)
            .contains(&m2)
            .then(|| Area((m2 * 100.0).round() as i64))
    }

    pub const fn centi_m2(self) -> i64 {
        self.0
    }

    pub fn m2(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Square metres with exactly two decimals ("80.05"), digit by digit.
    pub fn m2_text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", self.0.abs() / 100, self.0.abs() % 100)
    }

    /// In 万㎡ (ten thousand square metres), as summaries show it.
    pub fn wan_m2(self) -> f64 {
        self.m2() / 10_000.0
    }
}

impl Add for Area {
    type Output = Area;
    fn add(self, o: Area) -> Area {
        Area(self.0 + o.0)
    }
}

impl AddAssign for Area {
    fn add_assign(&mut self, o: Area) {
        self.0 += o.0;
    }
}

impl Sum for Area {
    fn sum<I: Iterator<Item = Area>>(it: I) -> Area {
        Area(it.map(|a| a.0).sum())
    }
}

/// An amount of money, in fen (分): costs, funds, contributions. Never floating point.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Money {
        Money(yuan * 100)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Parses yuan as people write them — `1234`, `1,234.5`, `1234.56元`, `12.5万元` — exactly,
    /// digit by digit (no floating point); `None` for anything else or a fraction of a fen.
    pub fn parse_yuan(text: &str) -> Option<Money> {
        let t: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ',' | '，' | ' '))
            .collect();
        let t = t.strip_suffix('元').unwrap_or(&t);
        let (t, scale) = match t.strip_suffix('万') {
            Some(t) => (t, 6), // 万元: yuan × 10⁴, in fen × 10⁶
            None => (t, 2),
        };
        let (neg, t) = match t.strip_prefix('-') {
            Some(t) => (true, t),
            None => (false, t),
        };
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        if int.is_empty() && frac.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > scale
        {
            return None;
        }
        let digits = format!("{int}{frac:0<scale$}");
        let fen: i64 = digits.parse().ok()?;
        Some(Money(if neg { -fen } else { fen }))
    }

    /// As yuan with two decimals: `1234.56`.
    pub fn yuan_text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(it: I) -> Money {
        Money(it.map(|m| m.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_exact_hundredths() {
        assert_eq!(Area::from_m2(8888.006), Some(Area::from_centi_m2(888_801)));
        assert_eq!(Area::from_m2(-1.0), None);
        assert_eq!(Area::from_m2(f64::NAN), None);
        let total: Area = [0.1, 0.2, 0.3]
            .iter()
            .map(|m| Area::from_m2(*m).unwrap())
            .sum();
        assert_eq!(total, Area::from_centi_m2(60));
        assert_eq!(serde_json::to_string(&Area::from_centi_m2(5)).unwrap(), "5");
    }

    #[test]
    fn money_parses_yuan_exactly() {
        assert_eq!(
            Money::parse_yuan("1,234.56元"),
            Some(Money::from_fen(123_456))
        );
        assert_eq!(
            Money::parse_yuan("12.5万元"),
            Some(Money::from_fen(12_500_000))
        );
        assert_eq!(Money::parse_yuan("0.1"), Some(Money::from_fen(10)));
        assert_eq!(Money::parse_yuan("-3"), Some(Money::from_fen(-300)));
        assert_eq!(Money::parse_yuan("1.234"), None, "a fraction of a fen");
        assert_eq!(Money::parse_yuan("abc"), None);
        assert_eq!(Money::parse_yuan(""), None);
        assert_eq!(Money::from_fen(-123_456).yuan_text(), "-1234.56");
        let sum: Money = (0..10).map(|_| Money::parse_yuan("0.1").unwrap()).sum();
        assert_eq!(sum, Money::from_yuan(1));
    }
}

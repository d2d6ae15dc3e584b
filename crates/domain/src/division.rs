//! Administrative divisions (行政区划) and their 12-digit statistical codes (统计用区划代码).
//!
//! A code is province 2 + city 2 + county 2 (GB/T 2260) + town/street 3 + village/neighbourhood 3.
//! Codes are strings: they carry leading zeros, and a retired code is never reused.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The level of a division, from the province down to the neighbourhood committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 省（自治区、直辖市）
    Province = 1,
    /// 市（州）
    City = 2,
    /// 县（市、区、特区）
    County = 3,
    /// 街道（乡镇）
    Town = 4,
    /// 社区（居委会、村委会）
    Neighbourhood = 5,
}

impl Level {
    /// How many leading digits of the code are significant at this level.
    pub fn prefix_len(self) -> usize {
        match self {
            Level::Province => 2,
            Level::City => 4,
            Level::County => 6,
            Level::Town => 9,
            Level::Neighbourhood => 12,
        }
    }

    pub fn from_i16(n: i16) -> Option<Level> {
        Some(match n {
            1 => Level::Province,
            2 => Level::City,
            3 => Level::County,
            4 => Level::Town,
            5 => Level::Neighbourhood,
            _ => return None,
        })
    }

    /// The next level down, if any.
    pub fn child(self) -> Option<Level> {
        Level::from_i16(self as i16 + 1)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Level::Province => "省",
            Level::City => "市",
            Level::County => "县（市、区）",
            Level::Town => "街道（乡镇）",
            Level::Neighbourhood => "社区（村）",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::Town => "street/town",
            Level::Neighbourhood => "neighbourhood",
        }
    }
}

/// What kind of town-level unit a code names, from its digits 7–9 (NBS rules):
/// 001–099 street 街道, 100–199 town 镇, 200–399 township 乡, 400–599 development zones, parks
/// and similar units (开发区、园区、社区服务中心), others special areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TownKind {
    Street,
    Town,
    Township,
    /// 400–599: urban by the NBS urban-rural rules, like a street.
    Zone,
    Other,
}

/// Why a text is not a division code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DivisionError {
    #[error("行政区划代码应为12位数字，实为{len}个字符：{input:?} / a division code has 12 digits, got {len} characters: {input:?}")]
    Length { input: String, len: usize },
    #[error("行政区划代码只能包含数字：{input:?} / a division code has only digits: {input:?}")]
    NotDigits { input: String },
    #[error("行政区划代码的省级部分不能为00：{input:?} / the province part of a division code cannot be 00: {input:?}")]
    NoProvince { input: String },
    #[error("行政区划代码{input:?}的上级部分为零而下级部分不为零 / division code {input:?} has a zero segment above a non-zero one")]
    Gap { input: String },
}

/// A 12-digit statistical division code (统计用区划代码). Parse, don't validate: a value of this
/// type is always well formed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DivisionCode([u8; 12]);

impl DivisionCode {
    /// Parses exactly 12 ASCII digits (surrounding spaces are trimmed).
    pub fn parse(input: &str) -> Result<Self, DivisionError> {
        let s = input.trim();
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DivisionError::NotDigits {
                input: input.to_string(),
            });
        }
        if s.len() != 12 {
            return Err(DivisionError::Length {
                input: input.to_string(),
                len: s.chars().count(),
            });
        }
        let mut digits = [0u8; 12];
        digits.copy_from_slice(s.as_bytes());
        let code = DivisionCode(digits);
        if &digits[0..2] == b"00" {
            return Err(DivisionError::NoProvince {
                input: input.to_string(),
            });
        }
        // A segment may only be non-zero when every segment above it is non-zero.
        let segments = [(2, 4), (4, 6), (6, 9), (9, 12)];
        let mut seen_zero = false;
        for (a, b) in segments {
            let zero = digits[a..b].iter().all(|&d| d == b'0');
            if !zero && seen_zero {
                return Err(DivisionError::Gap {
                    input: input.to_string(),
                });
            }
            seen_zero |= zero;
        }
        Ok(code)
    }

    /// Parses a short code of 2, 4, 6 or 9 digits (as GB/T 2260 and many lists give them) or a full
    /// 12-digit code, padding with zeros.
    pub fn parse_short(input: &str) -> Result<Self, DivisionError> {
        let s = input.trim();
        match s.len() {
            2 | 4 | 6 | 9 if s.bytes().all(|b| b.is_ascii_digit()) => {
                Self::parse(&format!("{s:0<12}"))
            }
            _ => Self::parse(s),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).expect("ASCII digits")
    }

    pub fn level(&self) -> Level {
        let zero = |a: usize, b: usize| self.0[a..b].iter().all(|&d| d == b'0');
        if zero(2, 12) {
            Level::Province
        } else if zero(4, 12) {
            Level::City
        } else if zero(6, 12) {
            Level::County
        } else if zero(9, 12) {
            Level::Town
        } else {
            Level::Neighbourhood
        }
    }

    /// The significant digits: "34" for a province, "3408" for a city, and so on.
    pub fn prefix(&self) -> &str {
        &self.as_str()[..self.level().prefix_len()]
    }

    /// The division one level up, or `None` for a province.
    pub fn parent(&self) -> Option<DivisionCode> {
        let level = self.level();
        let keep = match level {
            Level::Province => return None,
            Level::City => 2,
            Level::County => 4,
            Level::Town => 6,
            Level::Neighbourhood => 9,
        };
        let mut d = self.0;
        d[keep..].fill(b'0');
        Some(DivisionCode(d))
    }

    /// The ancestor of this code at `level` (itself when `level` is its own level), or `None` when
    /// `level` lies below this code's level.
    pub fn ancestor_at(&self, level: Level) -> Option<DivisionCode> {
        if level > self.level() {
            return None;
        }
        let mut d = self.0;
        d[level.prefix_len()..].fill(b'0');
        Some(DivisionCode(d))
    }

    /// Whether `other` lies inside this division (a division contains itself).
    pub fn contains(&self, other: &DivisionCode) -> bool {
        other.as_str().starts_with(self.prefix())
    }

    /// The smallest and largest code inside this division, for range queries that use an index.
    pub fn range(&self) -> (String, String) {
        let p = self.prefix();
        (format!("{p:0<12}"), format!("{p:9<12}"))
    }

    /// The kind of the town-level part (digits 7–9), or `None` above the town level.
    pub fn town_kind(&self) -> Option<TownKind> {
        if self.level() < Level::Town {
            return None;
        }
        let n: u32 = self.as_str()[6..9].parse().expect("digits");
        Some(match n {
            1..=99 => TownKind::Street,
            100..=199 => TownKind::Town,
            200..=399 => TownKind::Township,
            400..=599 => TownKind::Zone,
            _ => TownKind::Other,
        })
    }

    /// Whether a neighbourhood-level code is a residents' committee (居委会, 001–199) rather than a
    /// villagers' committee (村委会, 200–399).
    pub fn is_residents_committee(&self) -> bool {
        if self.level() != Level::Neighbourhood {
            return false;
        }
        let n: u32 = self.as_str()[9..12].parse().expect("digits");
        (1..=199).contains(&n)
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DivisionCode({})", self.as_str())
    }
}

impl std::str::FromStr for DivisionCode {
    type Err = DivisionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DivisionCode::parse(s)
    }
}

impl Serialize for DivisionCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DivisionCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DivisionCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// One administrative division (行政区划).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Division {
    pub code: DivisionCode,
    pub name: String,
    /// Whether this town-level unit is the seat of its county (县城/城关镇). Streets are urban
    /// by themselves; this flag matters for towns.
    pub county_seat: bool,
}

impl Division {
    pub fn level(&self) -> Level {
        self.code.level()
    }
}

/// Whether a county-level unit has a seat town by its name: a county (县, 自治县, 旗) or a
/// county-level city (县级市, named …市) does; a district (区) is urban through its streets.
pub fn is_county_or_county_city(name: &str) -> bool {
    let name = name.trim();
    name.ends_with('县') || name.ends_with('旗') || name.ends_with('市')
}

/// Decides which towns are county seats when a division list does not say so (NBS lists put a
/// county's seat first):
/// - a town named 城关镇 is one;
/// - the first town (code …100) of a county or county-level city is its seat, even when the
///   county also has streets (庐江县 340124100 庐城镇);
/// - in a district without streets, its first town is too.
pub fn infer_county_seats(divisions: &mut [Division]) {
    use std::collections::{HashMap, HashSet};
    let counties_with_streets: HashSet<String> = divisions
        .iter()
        .filter(|d| d.level() == Level::Town && d.code.town_kind() == Some(TownKind::Street))
        .map(|d| d.code.as_str()[..6].to_string())
        .collect();
    let county_names: HashMap<String, String> = divisions
        .iter()
        .filter(|d| d.level() == Level::County)
        .map(|d| (d.code.as_str()[..6].to_string(), d.name.clone()))
        .collect();
    for d in divisions.iter_mut() {
        if d.level() != Level::Town || d.code.town_kind() != Some(TownKind::Town) {
            continue;
        }
        let county = &d.code.as_str()[..6];
        let first_town = &d.code.as_str()[6..9] == "100";
        let has_seat = county_names
            .get(county)
            .is_some_and(|n| is_county_or_county_city(n));
        if d.name.contains("城关")
            || (first_town && (has_seat || !counties_with_streets.contains(county)))
        {
            d.county_seat = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn levels_and_parents() {
        let c = DivisionCode::parse("320508019044").unwrap();
        assert_eq!(c.level(), Level::Neighbourhood);
        assert_eq!(c.parent().unwrap().as_str(), "320508019000");
        assert_eq!(c.parent().unwrap().level(), Level::Town);
        let p = DivisionCode::parse("320000000000").unwrap();
        assert_eq!(p.level(), Level::Province);
        assert_eq!(p.parent(), None);
        assert!(p.contains(&c));
        assert!(!c.contains(&p));
        assert_eq!(c.town_kind(), Some(TownKind::Street));
        assert!(c.is_residents_committee());
        assert_eq!(p.range(), ("320000000000".into(), "329999999999".into()));
    }

    fn town(code: &str, name: &str) -> Division {
        Division {
            code: DivisionCode::parse_short(code).unwrap(),
            name: name.into(),
            county_seat: false,
        }
    }

    #[test]
    fn zones_are_their_own_kind_and_seats_are_inferred() {
        let kind = |c: &str| DivisionCode::parse(c).unwrap().town_kind();
        assert_eq!(kind("340111400001"), Some(TownKind::Zone));
        assert_eq!(kind("340177599001"), Some(TownKind::Zone));
        assert_eq!(kind("340111600001"), Some(TownKind::Other));
        assert_eq!(kind("340124100001"), Some(TownKind::Town));
        let mut d = vec![
            town("340124", "庐江县"),
            town("340124001", "某街道"),
            town("340124100", "庐城镇"),
            town("340124101", "冶父山镇"),
            town("340111", "包河区"),
            town("340111001", "芜湖路街道"),
            town("340111100", "淝河镇"),
            town("340199", "某区"),
            town("340199100", "第一镇"),
            town("340198", "某区"),
            town("340198101", "城关镇"),
        ];
        infer_county_seats(&mut d);
        let seats: Vec<&str> = d
            .iter()
            .filter(|x| x.county_seat)
            .map(|x| x.name.as_str())
            .collect();
        // A county's first town even with streets; a district with streets has none; a
        // district without streets its first town; a town named 城关 always.
        assert_eq!(seats, vec!["庐城镇", "第一镇", "城关镇"]);
    }

    #[test]
    fn rejects_malformed() {
        assert!(matches!(
            DivisionCode::parse("34080"),
            Err(DivisionError::Length { len: 5, .. })
        ));
        assert!(matches!(
            DivisionCode::parse("34080200100a"),
            Err(DivisionError::NotDigits { .. })
        ));
        assert!(matches!(
            DivisionCode::parse("000802001001"),
            Err(DivisionError::NoProvince { .. })
        ));
        assert!(matches!(
            DivisionCode::parse("340000001000"),
            Err(DivisionError::Gap { .. })
        ));
        let msg = DivisionCode::parse("3408").unwrap_err().to_string();
        assert!(msg.contains("12位") && msg.contains("12 digits"), "{msg}");
        assert_eq!(
            DivisionCode::parse_short("340802").unwrap().as_str(),
            "340802000000"
        );
    }

    fn code_strategy() -> impl Strategy<Value = DivisionCode> {
        // Build codes level by level so they are well formed.
        (
            1u32..=99,
            0u32..=99,
            0u32..=99,
            0u32..=999,
            0u32..=999,
            1usize..=5,
        )
            .prop_map(|(p, c, k, t, n, depth)| {
                let parts = [
                    format!("{p:02}"),
                    format!("{:02}", if depth >= 2 { c.max(1) } else { 0 }),
                    format!("{:02}", if depth >= 3 { k.max(1) } else { 0 }),
                    format!("{:03}", if depth >= 4 { t.max(1) } else { 0 }),
                    format!("{:03}", if depth >= 5 { n.max(1) } else { 0 }),
                ];
                DivisionCode::parse(&parts.concat()).unwrap()
            })
    }

    proptest! {
        #[test]
        fn display_parse_roundtrip(c in code_strategy()) {
            prop_assert_eq!(DivisionCode::parse(c.as_str()).unwrap(), c);
        }

        #[test]
        fn parent_contains_child_and_is_one_level_up(c in code_strategy()) {
            if let Some(p) = c.parent() {
                prop_assert!(p.contains(&c));
                prop_assert!(!c.contains(&p));
                prop_assert_eq!(p.level() as i16 + 1, c.level() as i16);
                prop_assert_eq!(c.ancestor_at(p.level()), Some(p));
            } else {
                prop_assert_eq!(c.level(), Level::Province);
            }
        }

        #[test]
        fn contains_is_prefix_and_range(a in code_strategy(), b in code_strategy()) {
            let (lo, hi) = a.range();
            let in_range = b.as_str() >= lo.as_str() && b.as_str() <= hi.as_str();
            prop_assert_eq!(a.contains(&b), in_range);
            prop_assert_eq!(a.contains(&b), b.as_str().starts_with(a.prefix()));
        }

        #[test]
        fn rejects_wrong_length(s in "[0-9]{0,11}|[0-9]{13,20}") {
            let is_length_error = matches!(DivisionCode::parse(&s), Err(DivisionError::Length { .. }));
            prop_assert!(is_length_error);
        }

        #[test]
        fn rejects_non_digits(s in "[0-9]{0,11}[^0-9 ][0-9]{0,11}") {
            prop_assert!(DivisionCode::parse(&s).is_err());
        }
    }
}

//! Residents (DOMAIN §6): the owner register (业主名册) of an estate's exclusive parts, the
//! consultation (征求意见) and its rate, and how personal data is masked for those who may not
//! see it.
//!
//! A part's area for votes is its registered area, else its surveyed, else its contracted
//! (the Supreme People's Court's interpretation, Art. 8). The consultation rate is the share of
//! the estate's households (owners) that answered, by any channel; an estate is confirmed into a
//! plan only at the policy's threshold or above (seed 方案3: 80 %以上, inclusive).

use crate::quantity::Area;

keyed_enum! {
    /// Which area of an exclusive part counts (登记面积, else 测绘面积, else 合同面积).
    AreaBasis {
        Registered => "registered", "登记面积", "registered";
        Surveyed => "surveyed", "测绘面积", "surveyed";
        Contracted => "contracted", "合同面积", "contracted";
    }
}

keyed_enum! {
    /// How an answer or a ballot came in; each household counts once whatever the channel.
    Channel {
        Online => "online", "线上", "online";
        Paper => "paper", "纸质", "paper";
        Door => "door", "入户", "door to door";
        Staff => "staff", "工作人员录入", "entered by staff";
    }
}

keyed_enum! {
    /// A household's answer to the consultation on renovating its estate.
    Answer {
        Agree => "agree", "同意改造", "agrees";
        Oppose => "oppose", "不同意", "opposes";
        Undecided => "undecided", "无所谓/未表态", "undecided";
    }
}

impl Answer {
    /// agree/oppose/undecided or 同意/不同意/反对/未表态/无所谓.
    pub fn parse(s: &str) -> Option<Answer> {
        match s.trim().to_lowercase().as_str() {
            "agree" | "同意" | "同意改造" | "yes" => Some(Answer::Agree),
            "oppose" | "不同意" | "反对" | "no" => Some(Answer::Oppose),
            "undecided" | "未表态" | "无所谓" | "abstain" => Some(Answer::Undecided),
            _ => None,
        }
    }
}

/// One line of an owner register (业主名册) as a sheet gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterLine {
    pub row: u32,
    pub building: String,
    pub unit: String,
    pub room: String,
    pub area: Area,
    pub basis: AreaBasis,
    pub name: String,
    /// Checked and normalised ([`normalise_id_number`]).
    pub id_number: Option<String>,
    pub phone: Option<String>,
    /// Not yet delivered (or unsold): the developer's part.
    pub delivered: bool,
}

/// The area that counts for a part: registered, else surveyed, else contracted.
pub fn counted_area(
    registered: Option<Area>,
    surveyed: Option<Area>,
    contracted: Option<Area>,
) -> Option<(Area, AreaBasis)> {
    registered
        .map(|a| (a, AreaBasis::Registered))
        .or(surveyed.map(|a| (a, AreaBasis::Surveyed)))
        .or(contracted.map(|a| (a, AreaBasis::Contracted)))
}

/// A consultation's count: households of the estate, those that answered, those that agreed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ConsultationRate {
    pub households: i64,
    pub answered: i64,
    pub agreed: i64,
}

impl ConsultationRate {
    /// The rate in per cent (0 when the register is empty).
    pub fn pct(&self) -> f64 {
        if self.households == 0 {
            0.0
        } else {
            self.answered as f64 * 100.0 / self.households as f64
        }
    }

    /// Whether the rate reaches `threshold_pct` ("以上": the threshold itself passes), compared
    /// in integers: answered × 10,000 ≥ threshold in hundredths of a per cent × households.
    pub fn meets(&self, threshold_pct: f64) -> bool {
        let t = (threshold_pct * 100.0).round() as i128;
        self.households > 0 && i128::from(self.answered) * 10_000 >= t * i128::from(self.households)
    }
}

/// Whether a user of `scope` sees the personal data of an estate's owners: only the staff of the
/// estate's own neighbourhood (社区), who run its consultations and votes; everyone above sees
/// them masked.
pub fn sees_personal_data(scope: &crate::Scope, estate_division: &crate::DivisionCode) -> bool {
    match scope {
        crate::Scope::Division(d) => {
            d.level() == crate::Level::Neighbourhood && d.contains(estate_division)
        }
        crate::Scope::All => false,
    }
}

/// Masks a name for those who may not see it: the family name and one mark per other character
/// (张三丰 → 张**).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// Masks a phone number: the first three and last four digits stay (138****5678).
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() <= 7 {
        return "*".repeat(digits.len());
    }
    digits
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < 3 || i >= digits.len() - 4 {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// Checks and normalises a resident ID number (居民身份证号码, GB 11643): 18 characters, the last
/// a digit or X, with its check digit right. Returns the number with an upper-case X.
pub fn normalise_id_number(s: &str) -> Option<String> {
    let s: String = s.trim().to_uppercase();
    let b = s.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return None;
    }
    (b[17] == id_check_digit(&b[..17])).then_some(s)
}

/// The check character (GB 11643, ISO 7064 MOD 11-2) of an ID number's first 17 digits.
pub fn id_check_digit(first17: &[u8]) -> u8 {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .iter()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    b"10X98765432"[(sum % 11) as usize]
}

/// Whether a part in `part_building`, `part_unit` is in the electorate of a vote on `building`
/// (all when None) and `unit` (all of the building when None).
pub fn in_electorate(
    building: Option<&str>,
    unit: Option<&str>,
    part_building: &str,
    part_unit: &str,
) -> bool {
    building.is_none_or(|b| b == part_building) && unit.is_none_or(|u| u == part_unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_passes_at_the_threshold_itself() {
        let r = |answered, households| ConsultationRate {
            households,
            answered,
            agreed: 0,
        };
        assert!(r(80, 100).meets(80.0));
        assert!(!r(79, 100).meets(80.0));
        // 4 of 5 is exactly 80 %; 7 of 9 (77.8 %) is not.
        assert!(r(4, 5).meets(80.0));
        assert!(!r(7, 9).meets(80.0));
        assert!(!r(0, 0).meets(0.0));
    }

    #[test]
    fn personal_data_is_masked() {
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name("欧阳"), "欧*");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("12345"), "*****");
    }

    #[test]
    fn id_numbers_are_checked() {
        // The standard's own example.
        assert_eq!(
            normalise_id_number("11010519491231002x").as_deref(),
            Some("11010519491231002X")
        );
        assert_eq!(normalise_id_number("110105194912310021"), None);
        assert_eq!(normalise_id_number("1101051949"), None);
    }

    #[test]
    fn the_registered_area_counts_first() {
        let a = Area::from_centi_m2;
        assert_eq!(
            counted_area(None, Some(a(8000)), Some(a(9000))),
            Some((a(8000), AreaBasis::Surveyed))
        );
        assert_eq!(
            counted_area(Some(a(7000)), Some(a(8000)), None),
            Some((a(7000), AreaBasis::Registered))
        );
        assert_eq!(counted_area(None, None, None), None);
    }
}

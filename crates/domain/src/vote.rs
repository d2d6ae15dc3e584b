//! Owners' decisions (业主共同决定, DOMAIN §6; Civil Code Art. 278): the quorum by area and by heads,
//! then agreement by area and by heads among those taking part — at least 3/4 for matters 6–8, more
//! than half for the others. "以上" includes the number itself (Art. 1259); "过半数" is strictly more
//! than half. Areas are hundredths of m² and every comparison is a cross-multiplication of
//! integers, never floating point. One owner with several parts counts once in heads and with all
//! their area; the developer's unsold parts, held under one owner, count once together.

use crate::i18n::Text;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The thresholds (policy `[votes]`; the Civil Code's by default), as fractions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VotePolicy {
    /// Participation needed, by area and by heads (at least; 2/3).
    pub quorum: [u32; 2],
    /// Agreement needed for the special matters (at least; 3/4).
    pub special: [u32; 2],
    /// The matters of Art. 278 that need the special majority (6, 7, 8).
    pub special_matters: Vec<u32>,
    /// Agreement needed for the other matters (strictly more than; 1/2).
    pub ordinary: [u32; 2],
}

impl VotePolicy {
    pub fn check(&self) -> Result<(), String> {
        for (k, f) in [
            ("quorum", self.quorum),
            ("special", self.special),
            ("ordinary", self.ordinary),
        ] {
            if f[1] == 0 || f[0] > f[1] {
                return Err(format!(
                    "votes.{k} {:?} 应为不大于1的分数 [分子, 分母] / must be a fraction [numerator, denominator] of at most 1",
                    f
                ));
            }
        }
        if self.special_matters.iter().any(|m| !(1..=9).contains(m)) {
            return Err("votes.special_matters 应为1–9中的事项 / must be matters 1 to 9".into());
        }
        Ok(())
    }
}

/// The nine matters of Civil Code Art. 278, by number.
pub fn matter_label(matter: u32) -> Text {
    let (zh, en) = match matter {
        1 => (
            "制定和修改业主大会议事规则",
            "rules of procedure of the owners' assembly",
        ),
        2 => ("制定和修改管理规约", "the management statute"),
        3 => (
            "选举业主委员会或者更换业主委员会成员",
            "electing the owners' committee",
        ),
        4 => (
            "选聘和解聘物业服务企业或者其他管理人",
            "hiring or dismissing the property manager",
        ),
        5 => (
            "使用建筑物及其附属设施的维修资金",
            "using the maintenance fund",
        ),
        6 => (
            "筹集建筑物及其附属设施的维修资金",
            "raising the maintenance fund",
        ),
        7 => (
            "改建、重建建筑物及其附属设施",
            "rebuilding or reconstructing buildings and their facilities",
        ),
        8 => (
            "改变共有部分的用途或者利用共有部分从事经营活动",
            "changing the use of common parts or running a business in them",
        ),
        9 => (
            "有关共有和共同管理权利的其他重大事项",
            "other major matters of common ownership",
        ),
        _ => ("未知事项", "unknown matter"),
    };
    Text::new(zh, en)
}

/// How an owner voted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Agree,
    Oppose,
    Abstain,
}

impl Choice {
    /// agree | oppose | abstain, as stored and published.
    pub fn key(self) -> &'static str {
        match self {
            Choice::Agree => "agree",
            Choice::Oppose => "oppose",
            Choice::Abstain => "abstain",
        }
    }

    /// agree/oppose/abstain or 同意/反对/弃权.
    pub fn parse(s: &str) -> Option<Choice> {
        match s.trim().to_lowercase().as_str() {
            "agree" | "同意" | "yes" => Some(Choice::Agree),
            "oppose" | "反对" | "no" => Some(Choice::Oppose),
            "abstain" | "弃权" => Some(Choice::Abstain),
            _ => None,
        }
    }
}

/// One exclusive part (专有部分) of the electorate: its owner and its area (hundredths of m²: the
/// registered area, else the surveyed, else the contracted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub part_id: String,
    pub owner_id: String,
    pub area_centi_m2: i64,
}

/// Why a tally cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TallyError {
    #[error("事项应为1–9（民法典第二百七十八条），实为{0} / the matter is 1 to 9 (Civil Code Art. 278), got {0}")]
    Matter(u32),
    #[error("专有部分{0}重复 / part {0} appears twice")]
    DuplicatePart(String),
    #[error("专有部分{0}的面积不能为负 / part {0} has a negative area")]
    NegativeArea(String),
    #[error("业主{0}不在本次表决范围内 / owner {0} is not in the electorate")]
    NotInElectorate(String),
    #[error("业主{0}投了两次票 / owner {0} voted twice")]
    TwoBallots(String),
}

/// Areas (hundredths of m²) and heads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub area_centi_m2: i64,
    pub owners: i64,
}

/// The tally of one matter, with every number of its arithmetic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub matter: u32,
    /// Whether the matter needs the special majority.
    pub special: bool,
    pub total: Count,
    pub participating: Count,
    pub agree: Count,
    pub oppose: Count,
    pub abstain: Count,
    pub quorum_by_area: bool,
    pub quorum_by_heads: bool,
    pub quorum_met: bool,
    pub agreed_by_area: bool,
    pub agreed_by_heads: bool,
    pub passed: bool,
    /// The arithmetic in words, line by line.
    pub arithmetic: Vec<Text>,
}

/// a/b ≥ n/d, in integers.
fn at_least(a: i64, b: i64, [n, d]: [u32; 2]) -> bool {
    i128::from(a) * i128::from(d) >= i128::from(b) * i128::from(n)
}

/// a/b > n/d, in integers.
fn more_than(a: i64, b: i64, [n, d]: [u32; 2]) -> bool {
    i128::from(a) * i128::from(d) > i128::from(b) * i128::from(n)
}

fn m2(centi: i64) -> String {
    crate::Area::from_centi_m2(centi).m2_text()
}

/// Tallies matter `matter` over the electorate `parts` and the `ballots` (owner, choice): each
/// owner at most once, and only owners of the electorate.
pub fn tally(
    matter: u32,
    parts: &[Part],
    ballots: &[(String, Choice)],
    policy: &VotePolicy,
) -> Result<Tally, TallyError> {
    if !(1..=9).contains(&matter) {
        return Err(TallyError::Matter(matter));
    }
    let mut seen = std::collections::HashSet::new();
    let mut area_of: BTreeMap<&str, i64> = BTreeMap::new();
    for p in parts {
        if !seen.insert(p.part_id.as_str()) {
            return Err(TallyError::DuplicatePart(p.part_id.clone()));
        }
        if p.area_centi_m2 < 0 {
            return Err(TallyError::NegativeArea(p.part_id.clone()));
        }
        *area_of.entry(p.owner_id.as_str()).or_default() += p.area_centi_m2;
    }
    let mut choice_of: HashMap<&str, Choice> = HashMap::new();
    for (owner, choice) in ballots {
        if !area_of.contains_key(owner.as_str()) {
            return Err(TallyError::NotInElectorate(owner.clone()));
        }
        if choice_of.insert(owner.as_str(), *choice).is_some() {
            return Err(TallyError::TwoBallots(owner.clone()));
        }
    }
    let sum = |f: &dyn Fn(Choice) -> bool| -> Count {
        let mut c = Count::default();
        for (owner, ch) in &choice_of {
            if f(*ch) {
                c.area_centi_m2 += area_of[owner];
                c.owners += 1;
            }
        }
        c
    };
    let total = Count {
        area_centi_m2: area_of.values().sum(),
        owners: area_of.len() as i64,
    };
    let participating = sum(&|_| true);
    let agree = sum(&|c| c == Choice::Agree);
    let oppose = sum(&|c| c == Choice::Oppose);
    let abstain = sum(&|c| c == Choice::Abstain);
    let q = policy.quorum;
    let quorum_by_area = at_least(participating.area_centi_m2, total.area_centi_m2, q);
    let quorum_by_heads = at_least(participating.owners, total.owners, q);
    let quorum_met = quorum_by_area && quorum_by_heads;
    let special = policy.special_matters.contains(&matter);
    let (agreed_by_area, agreed_by_heads) = if special {
        (
            at_least(
                agree.area_centi_m2,
                participating.area_centi_m2,
                policy.special,
            ),
            at_least(agree.owners, participating.owners, policy.special),
        )
    } else {
        (
            more_than(
                agree.area_centi_m2,
                participating.area_centi_m2,
                policy.ordinary,
            ),
            more_than(agree.owners, participating.owners, policy.ordinary),
        )
    };
    let passed = quorum_met && agreed_by_area && agreed_by_heads;
    let yes = |b: bool| if b { ("✓", "yes") } else { ("✗", "no") };
    let frac = |f: [u32; 2]| format!("{}/{}", f[0], f[1]);
    let (rule_zh, rule_en, need) = if special {
        ("以上", "at least", policy.special)
    } else {
        ("过半数（严格大于）", "more than", policy.ordinary)
    };
    let mut arithmetic = vec![
        Text::new(
            format!(
                "表决范围：专有部分面积{} ㎡，业主{}人",
                m2(total.area_centi_m2),
                total.owners
            ),
            format!(
                "electorate: {} m² of exclusive area, {} owners",
                m2(total.area_centi_m2),
                total.owners
            ),
        ),
        Text::new(
            format!(
                "参与表决：面积{} ㎡（{} × {} ≥ {} × {}：{}），人数{}（{} × {} ≥ {} × {}：{}）",
                m2(participating.area_centi_m2),
                participating.area_centi_m2,
                q[1],
                total.area_centi_m2,
                q[0],
                yes(quorum_by_area).0,
                participating.owners,
                participating.owners,
                q[1],
                total.owners,
                q[0],
                yes(quorum_by_heads).0
            ),
            format!(
                "taking part: {} m² ({} × {} ≥ {} × {}: {}), {} owners ({} × {} ≥ {} × {}: {})",
                m2(participating.area_centi_m2),
                participating.area_centi_m2,
                q[1],
                total.area_centi_m2,
                q[0],
                yes(quorum_by_area).1,
                participating.owners,
                participating.owners,
                q[1],
                total.owners,
                q[0],
                yes(quorum_by_heads).1
            ),
        ),
        Text::new(
            format!(
                "同意：面积{} ㎡、{}人；反对：{} ㎡、{}人；弃权：{} ㎡、{}人",
                m2(agree.area_centi_m2),
                agree.owners,
                m2(oppose.area_centi_m2),
                oppose.owners,
                m2(abstain.area_centi_m2),
                abstain.owners
            ),
            format!(
                "agree: {} m², {} owners; oppose: {} m², {}; abstain: {} m², {}",
                m2(agree.area_centi_m2),
                agree.owners,
                m2(oppose.area_centi_m2),
                oppose.owners,
                m2(abstain.area_centi_m2),
                abstain.owners
            ),
        ),
        Text::new(
            format!(
                "第{matter}项须参与表决面积和人数的{}{}同意：面积{}，人数{}",
                frac(need),
                rule_zh,
                yes(agreed_by_area).0,
                yes(agreed_by_heads).0
            ),
            format!(
                "matter {matter} needs {rule_en} {} of the participating area and owners: area {}, owners {}",
                frac(need),
                yes(agreed_by_area).1,
                yes(agreed_by_heads).1
            ),
        ),
    ];
    arithmetic.push(if passed {
        Text::new("结果：通过", "result: passed")
    } else if !quorum_met {
        Text::new(
            "结果：未达到参与表决的要求，不通过",
            "result: no quorum, not passed",
        )
    } else {
        Text::new("结果：不通过", "result: not passed")
    });
    Ok(Tally {
        matter,
        special,
        total,
        participating,
        agree,
        oppose,
        abstain,
        quorum_by_area,
        quorum_by_heads,
        quorum_met,
        agreed_by_area,
        agreed_by_heads,
        passed,
        arithmetic,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn civil_code() -> VotePolicy {
        crate::Policy::national().votes
    }

    /// `n` owners of one part each, 100.00 m² apiece.
    fn parts(n: usize) -> Vec<Part> {
        (0..n)
            .map(|i| Part {
                part_id: format!("p{i}"),
                owner_id: format!("o{i}"),
                area_centi_m2: 10_000,
            })
            .collect()
    }

    fn ballots(choices: &[(usize, Choice)]) -> Vec<(String, Choice)> {
        choices.iter().map(|(i, c)| (format!("o{i}"), *c)).collect()
    }

    #[test]
    fn exactly_two_thirds_take_part_and_exactly_three_quarters_agree() {
        // 12 owners; 8 take part (exactly 2/3); 6 of the 8 agree (exactly 3/4).
        let mut b: Vec<(usize, Choice)> = (0..6).map(|i| (i, Choice::Agree)).collect();
        b.extend([(6, Choice::Oppose), (7, Choice::Abstain)]);
        let t = tally(7, &parts(12), &ballots(&b), &civil_code()).unwrap();
        assert!(t.quorum_by_area && t.quorum_by_heads, "以上 includes 2/3");
        assert!(
            t.special && t.passed,
            "以上 includes 3/4: {:?}",
            t.arithmetic
        );
        // One owner fewer: 7 of 12 is under 2/3.
        let t = tally(7, &parts(12), &ballots(&b[1..]), &civil_code()).unwrap();
        assert!(!t.quorum_met && !t.passed);
    }

    #[test]
    fn exactly_half_fails_an_ordinary_matter() {
        // 9 owners all take part... 4 agree of 8 participating: exactly half fails.
        let b: Vec<(usize, Choice)> = (0..8)
            .map(|i| (i, if i < 4 { Choice::Agree } else { Choice::Oppose }))
            .collect();
        let t = tally(4, &parts(9), &ballots(&b), &civil_code()).unwrap();
        assert!(t.quorum_met && !t.special);
        assert!(!t.agreed_by_heads && !t.passed, "过半数 is strict");
        let mut b2 = b.clone();
        b2[4].1 = Choice::Agree;
        assert!(
            tally(4, &parts(9), &ballots(&b2), &civil_code())
                .unwrap()
                .passed
        );
    }

    #[test]
    fn an_owner_of_several_parts_counts_once_with_all_their_area() {
        // The developer holds four unsold parts: one head, all the area.
        let mut p = parts(3);
        for i in 0..4 {
            p.push(Part {
                part_id: format!("unsold{i}"),
                owner_id: "developer".into(),
                area_centi_m2: 10_000,
            });
        }
        let b = vec![
            ("developer".to_string(), Choice::Agree),
            ("o0".into(), Choice::Agree),
            ("o1".into(), Choice::Oppose),
        ];
        let t = tally(1, &p, &b, &civil_code()).unwrap();
        assert_eq!(
            t.total,
            Count {
                area_centi_m2: 70_000,
                owners: 4
            }
        );
        assert_eq!(
            t.agree,
            Count {
                area_centi_m2: 50_000,
                owners: 2
            }
        );
        assert!(t.quorum_met, "6/7 of the area, 3/4 of the owners");
        assert_eq!(
            t.participating,
            Count {
                area_centi_m2: 60_000,
                owners: 3
            }
        );
        assert!(t.passed, "5/6 of the area and 2 of 3 owners agree");
        // Had the developer counted once per part, the heads would be 7 and 5 would take part.
        let b = vec![
            ("o0".to_string(), Choice::Agree),
            ("o1".into(), Choice::Agree),
            ("o2".into(), Choice::Agree),
        ];
        let t = tally(1, &p, &b, &civil_code()).unwrap();
        assert!(
            t.quorum_by_heads && !t.quorum_by_area,
            "3 of 4 owners, but 3/7 of the area"
        );
    }

    #[test]
    fn areas_in_fen_compare_exactly() {
        // 0.1 + 0.2 m² against 0.3 m²: floating point says 0.30000000000000004 > 0.3.
        let p = vec![
            Part {
                part_id: "a".into(),
                owner_id: "A".into(),
                area_centi_m2: 10,
            },
            Part {
                part_id: "b".into(),
                owner_id: "B".into(),
                area_centi_m2: 20,
            },
            Part {
                part_id: "c".into(),
                owner_id: "C".into(),
                area_centi_m2: 30,
            },
        ];
        // A and B agree (0.30 m²), C opposes (0.30 m²): exactly half the area, not more.
        let b = vec![
            ("A".to_string(), Choice::Agree),
            ("B".into(), Choice::Agree),
            ("C".into(), Choice::Oppose),
        ];
        let t = tally(9, &p, &b, &civil_code()).unwrap();
        assert!(
            !t.agreed_by_area,
            "exactly half the area is not more than half"
        );
        assert!(t.agreed_by_heads);
    }

    #[test]
    fn strangers_and_second_ballots_are_named() {
        let p = parts(3);
        assert_eq!(
            tally(1, &p, &[("x9".into(), Choice::Agree)], &civil_code()),
            Err(TallyError::NotInElectorate("x9".into()))
        );
        assert_eq!(
            tally(
                1,
                &p,
                &[("o1".into(), Choice::Agree), ("o1".into(), Choice::Oppose)],
                &civil_code()
            ),
            Err(TallyError::TwoBallots("o1".into()))
        );
        assert_eq!(
            tally(10, &p, &[], &civil_code()),
            Err(TallyError::Matter(10))
        );
    }
}

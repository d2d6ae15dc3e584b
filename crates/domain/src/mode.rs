//! The suggested renovation mode (改造模式) from the buildings' safety grades.

use crate::estate::{Building, SafetyGrade};
use crate::i18n::Text;
use crate::policy::Policy;
use serde::{Deserialize, Serialize};

/// 改造模式
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// 综合改造型: the structure is safe to keep using.
    Comprehensive,
    /// 拆改结合型: part of the buildings are dangerous; the demolished part is outside the scope.
    DemolitionCombined,
    /// 拆除新建: every building is to be demolished — out of the programme.
    Rebuild,
    /// 需论证: a single-building estate dangerous as a whole — rebuild or strengthen is a
    /// decision to make, not to guess.
    Review,
}

impl Mode {
    pub const ALL: [Mode; 4] = [
        Mode::Comprehensive,
        Mode::DemolitionCombined,
        Mode::Rebuild,
        Mode::Review,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Mode::Comprehensive => "comprehensive",
            Mode::DemolitionCombined => "demolition_combined",
            Mode::Rebuild => "rebuild",
            Mode::Review => "review",
        }
    }

    pub fn from_key(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.key() == s)
    }

    pub fn label(self) -> Text {
        match self {
            Mode::Comprehensive => Text::new("综合改造型", "comprehensive"),
            Mode::DemolitionCombined => Text::new("拆改结合型", "demolition-combined"),
            Mode::Rebuild => Text::new("拆除新建（不纳入）", "demolish and rebuild (out)"),
            Mode::Review => Text::new("需论证", "to be decided"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeSuggestion {
    pub mode: Mode,
    pub reason: Text,
}

/// Suggests the mode: demolition-combined when any building has a grade the policy counts as
/// dangerous (by default D, dangerous as a whole), otherwise comprehensive.
pub fn suggest_mode(buildings: &[Building], policy: &Policy) -> ModeSuggestion {
    let numbers = |bs: &[&Building], sep: &str| {
        bs.iter()
            .map(|b| b.number.as_str())
            .collect::<Vec<_>>()
            .join(sep)
    };
    let gone: Vec<&Building> = buildings.iter().filter(|b| b.to_be_demolished).collect();
    if crate::estate::Demolition::of(buildings).all {
        return ModeSuggestion {
            mode: Mode::Rebuild,
            reason: Text::new(
                format!("全部{}栋楼拟拆除：属拆除新建，不纳入老旧小区改造", gone.len()),
                format!(
                    "all {} buildings are to be demolished: demolish-and-rebuild, which the programme does not cover",
                    gone.len()
                ),
            ),
        };
    }
    if let [only] = buildings {
        if only
            .safety_grade
            .is_some_and(|g| policy.mode.is_dangerous(g))
        {
            return ModeSuggestion {
                mode: Mode::Review,
                reason: Text::new(
                    format!(
                        "单栋住宅楼{}为{}级危房：拆除新建还是加固改造，需论证后确认",
                        only.number,
                        only.safety_grade.map_or("", |g| g.label_zh())
                    ),
                    format!(
                        "a single building ({}) graded {}: rebuild or strengthen is to be decided and confirmed",
                        only.number,
                        only.safety_grade.map_or("", |g| g.label_en())
                    ),
                ),
            };
        }
    }
    if !gone.is_empty() {
        return ModeSuggestion {
            mode: Mode::DemolitionCombined,
            reason: Text::new(
                format!(
                    "{}拟拆除（{}栋）：拆改结合，拆除部分的户数、面积不计入改造范围",
                    numbers(&gone, "、"),
                    gone.len()
                ),
                format!(
                    "{} to be demolished ({}): demolition-combined; their households and area are outside the scope",
                    numbers(&gone, ", "),
                    gone.len()
                ),
            ),
        };
    }
    let dangerous: Vec<&Building> = buildings
        .iter()
        .filter(|b| b.safety_grade.is_some_and(|g| policy.mode.is_dangerous(g)))
        .collect();
    if !dangerous.is_empty() {
        let list = dangerous
            .iter()
            .map(|b| {
                format!(
                    "{}（{}级）",
                    b.number,
                    b.safety_grade.map_or("", |g| g.label_zh())
                )
            })
            .collect::<Vec<_>>()
            .join("、");
        let list_en = dangerous
            .iter()
            .map(|b| {
                format!(
                    "{} (grade {})",
                    b.number,
                    b.safety_grade.map_or("", |g| g.label_en())
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        return ModeSuggestion {
            mode: Mode::DemolitionCombined,
            reason: Text::new(
                format!("{}栋危险房屋：{list}；拆除部分不计入改造范围和费用", dangerous.len()),
                format!(
                    "{} dangerous building(s): {list_en}; the demolished part is outside the scope and its cost",
                    dangerous.len()
                ),
            ),
        };
    }
    let graded = buildings
        .iter()
        .filter(|b| b.safety_grade.is_some())
        .count();
    let local = buildings
        .iter()
        .filter(|b| b.safety_grade == Some(SafetyGrade::C))
        .count();
    let reason = if buildings.is_empty() || graded == 0 {
        Text::new(
            "尚无楼栋安全鉴定等级，按综合改造型预设，待鉴定后复核",
            "no building safety grades yet: comprehensive by default, to be reviewed after the survey",
        )
    } else if local > 0 {
        Text::new(
            format!("无整体危险房屋；{local}栋C级（局部危险）需在改造中加固"),
            format!(
                "no building dangerous as a whole; {local} grade-C building(s) need strengthening"
            ),
        )
    } else {
        Text::new(
            format!("{graded}栋已鉴定楼栋均满足安全使用要求"),
            format!("all {graded} graded building(s) are safe to use"),
        )
    };
    ModeSuggestion {
        mode: Mode::Comprehensive,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(n: &str, g: Option<SafetyGrade>) -> Building {
        Building {
            number: n.into(),
            safety_grade: g,
            ..Default::default()
        }
    }

    #[test]
    fn grades_drive_the_mode() {
        let p = Policy::national();
        let s = suggest_mode(&[], &p);
        assert_eq!(s.mode, Mode::Comprehensive);
        assert!(s.reason.zh.contains("尚无"));
        let s = suggest_mode(
            &[b("1", Some(SafetyGrade::A)), b("2", Some(SafetyGrade::B))],
            &p,
        );
        assert_eq!(s.mode, Mode::Comprehensive);
        assert!(s.reason.zh.contains("2栋"));
        let s = suggest_mode(&[b("1", Some(SafetyGrade::C))], &p);
        assert_eq!(s.mode, Mode::Comprehensive);
        assert!(s.reason.zh.contains("C级"));
        let s = suggest_mode(
            &[
                b("1", Some(SafetyGrade::B)),
                b("3号楼", Some(SafetyGrade::D)),
            ],
            &p,
        );
        assert_eq!(s.mode, Mode::DemolitionCombined);
        assert!(s.reason.zh.contains("3号楼（D级）"), "{}", s.reason.zh);
        // One building, dangerous as a whole: a decision, not a guess.
        let s = suggest_mode(&[b("1号楼", Some(SafetyGrade::D))], &p);
        assert_eq!(s.mode, Mode::Review);
        assert!(s.reason.zh.contains("需论证"), "{}", s.reason.zh);
        // Buildings to be demolished: part → demolition-combined, all → rebuild.
        let gone = |n: &str| Building {
            to_be_demolished: true,
            ..b(n, Some(SafetyGrade::C))
        };
        let s = suggest_mode(&[b("1号楼", Some(SafetyGrade::B)), gone("2号楼")], &p);
        assert_eq!(s.mode, Mode::DemolitionCombined);
        assert!(s.reason.zh.contains("2号楼拟拆除"), "{}", s.reason.zh);
        let s = suggest_mode(&[gone("1号楼"), gone("2号楼")], &p);
        assert_eq!(s.mode, Mode::Rebuild);
        let mut strict = p.clone();
        strict.mode.dangerous_grades = vec!["C".into(), "D".into()];
        assert_eq!(
            suggest_mode(
                &[b("1", Some(SafetyGrade::A)), b("2", Some(SafetyGrade::C))],
                &strict
            )
            .mode,
            Mode::DemolitionCombined
        );
    }
}

/// An estate with what the programme's rules say of it — the view an export, the estate page and
/// `anju estate` show: whether it was stored as eligible, every eligibility rule with its reason
/// under the policy in force, and the suggested mode.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessedEstate {
    pub estate: crate::Estate,
    /// As stored when the estate was last written (the list's and the totals' flag).
    pub eligible: bool,
    /// As stored, like `eligible`: eligible, conditional, undetermined or out.
    pub outcome: crate::Outcome,
    pub eligibility: crate::Eligibility,
    pub mode: ModeSuggestion,
}

//! Eligibility (改造范围, DOMAIN §3): each rule reports its own pass or fail and its reason.
//!
//! Willingness is deliberately not a rule here: it is a priority factor and the 80% consultation
//! gate, both later steps.

use crate::estate::{Estate, EstateField, UrbanLocation};
use crate::i18n::Text;
use crate::policy::Policy;
use serde::{Deserialize, Serialize};

/// One rule of the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// 位于城市或县城（城关镇）
    CityOrCountySeat,
    /// 建成年份不晚于截止年份
    CompletedBeforeCutoff,
    /// 不是以自建房为主的区域
    NotMostlySelfBuilt,
    /// 不是城中村
    NotUrbanVillage,
    /// 未列入征收补偿或拆除新建（改建、扩建、翻建）计划
    NotExpropriationOrRebuild,
    /// 近N年内未实施综合改造
    NotRecentlyRenovated,
    /// 未列入未来N年拆除计划
    NotInDemolitionPlan,
}

impl Rule {
    pub const ALL: [Rule; 7] = [
        Rule::CityOrCountySeat,
        Rule::CompletedBeforeCutoff,
        Rule::NotMostlySelfBuilt,
        Rule::NotUrbanVillage,
        Rule::NotExpropriationOrRebuild,
        Rule::NotRecentlyRenovated,
        Rule::NotInDemolitionPlan,
    ];

    pub fn title(self) -> Text {
        match self {
            Rule::CityOrCountySeat => Text::new("位于城市或县城", "in a city or county seat"),
            Rule::CompletedBeforeCutoff => Text::new("建成年份", "year completed"),
            Rule::NotMostlySelfBuilt => Text::new("非自建房为主", "not mostly self-built"),
            Rule::NotUrbanVillage => Text::new("非城中村", "not an urban village"),
            Rule::NotExpropriationOrRebuild => Text::new(
                "未列入征收或拆除新建计划",
                "not planned for expropriation or rebuilding",
            ),
            Rule::NotRecentlyRenovated => Text::new("近年未实施综合改造", "not recently renovated"),
            Rule::NotInDemolitionPlan => Text::new("未列入拆除计划", "not in a demolition plan"),
        }
    }
}

/// What the rules say about an estate (or what one rule says), from best to worst: the outcome of
/// an estate is the worst outcome of its rules.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 纳入改造范围（重点）: every rule passes.
    Eligible,
    /// 有条件的可纳入: completed after the cut-off but by the province's second cut-off (seeds
    /// 方案1, 方案2); in where conditions allow, e.g. renovated with eligible neighbours.
    Conditional,
    /// 待核实: a rule could not be decided from the data (its yes/no column was not surveyed).
    Undetermined,
    /// 不纳入
    #[default]
    Out,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Eligible,
        Outcome::Conditional,
        Outcome::Undetermined,
        Outcome::Out,
    ];

    /// The key in the API, the database and URLs.
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Eligible => "eligible",
            Outcome::Conditional => "conditional",
            Outcome::Undetermined => "undetermined",
            Outcome::Out => "out",
        }
    }

    pub fn from_key(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.key() == s)
    }

    /// [`Self::from_key`] for what a user typed (a flag, a query parameter): the error names the
    /// keys.
    pub fn parse(s: &str) -> Result<Outcome, String> {
        Outcome::from_key(s).ok_or_else(|| {
            format!("应为 eligible、conditional、undetermined 或 out / expected eligible, conditional, undetermined or out, got {s:?}")
        })
    }

    pub fn label(self) -> Text {
        match self {
            Outcome::Eligible => Text::new("符合", "eligible"),
            Outcome::Conditional => Text::new("有条件纳入", "conditional"),
            Outcome::Undetermined => Text::new("待核实", "to be verified"),
            Outcome::Out => Text::new("不符合", "not eligible"),
        }
    }
}

/// The outcome of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleResult {
    pub rule: Rule,
    /// Whether the rule passes outright (`outcome` is `eligible`).
    pub passed: bool,
    /// The rule's own outcome: a rule that does not pass may still leave the estate conditional.
    #[serde(default)]
    pub outcome: Outcome,
    pub reason: Text,
}

/// The outcome of every rule for one estate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    pub results: Vec<RuleResult>,
}

impl Eligibility {
    /// Eligible outright (重点): every rule passes.
    pub fn eligible(&self) -> bool {
        self.outcome() == Outcome::Eligible
    }

    /// The worst outcome of the rules.
    pub fn outcome(&self) -> Outcome {
        self.results
            .iter()
            .map(|r| r.outcome)
            .max()
            .unwrap_or(Outcome::Eligible)
    }

    /// The reasons of the failed rules, joined, in one language; empty when eligible.
    pub fn failed_reasons(&self, lang: crate::Lang) -> String {
        self.results
            .iter()
            .filter(|r| !r.passed)
            .map(|r| r.reason.get(lang))
            .collect::<Vec<_>>()
            .join(lang.pick("；", "; "))
    }
}

fn result(rule: Rule, passed: bool, zh: String, en: String) -> RuleResult {
    let outcome = if passed {
        Outcome::Eligible
    } else {
        Outcome::Out
    };
    ruled(rule, outcome, zh, en)
}

fn ruled(rule: Rule, outcome: Outcome, zh: String, en: String) -> RuleResult {
    RuleResult {
        rule,
        passed: outcome == Outcome::Eligible,
        outcome,
        reason: Text::new(zh, en),
    }
}

/// Applies every rule of the policy to an estate.
///
/// `location` says where it lies (see [`UrbanLocation::derive`]); `reference_year` is the year the
/// assessment is made in, for the "last N years" and "next N years" rules.
pub fn assess(
    estate: &Estate,
    location: UrbanLocation,
    policy: &Policy,
    reference_year: i32,
) -> Eligibility {
    let p = &policy.eligibility;
    let mut results = Vec::with_capacity(Rule::ALL.len());

    let (ok, zh, en) = match location {
        UrbanLocation::Declared(true) => (true, "填报为位于城市或县城".into(), "declared to be in a city or county seat".into()),
        UrbanLocation::Declared(false) => (false, "填报为不在城市或县城".into(), "declared not to be in a city or county seat".into()),
        UrbanLocation::Street => (true, "位于街道，属城市或县城".into(), "under a street (街道), so urban".into()),
        UrbanLocation::Zone => (true, "位于开发区、园区等（区划代码400–599），属城镇".into(), "in a development zone, park or similar unit (codes 400–599), so urban".into()),
        UrbanLocation::CountySeatTown => (true, "位于县城（城关镇）".into(), "in the county seat town".into()),
        UrbanLocation::OtherTown if p.include_other_towns => (true, "位于建制镇，政策已纳入".into(), "in a town, which this policy includes".into()),
        UrbanLocation::OtherTown => (false, "位于非县城的建制镇，不属城市或县城".into(), "in a town that is not the county seat".into()),
        UrbanLocation::Rural => (false, "位于乡或农村地区，不属城市或县城".into(), "in a township or rural area".into()),
        UrbanLocation::Unknown => (false, "行政区划代码未到街道（乡镇）级，无法判断是否位于城市或县城；请填写社区代码或“是否位于城市或县城”".into(), "the division code stops above the street/town level, so the location cannot be told; give the neighbourhood code or the column 是否位于城市或县城".into()),
    };
    results.push(result(Rule::CityOrCountySeat, ok, zh, en));

    let r = match (estate.year_completed, p.conditional_cutoff_year) {
        (Some(y), _) if y <= p.cutoff_year => result(
            Rule::CompletedBeforeCutoff,
            true,
            format!("{y}年建成，不晚于{}年底", p.cutoff_year),
            format!("completed in {y}, by the end of {}", p.cutoff_year),
        ),
        (Some(y), Some(second)) if y <= second => ruled(
            Rule::CompletedBeforeCutoff,
            Outcome::Conditional,
            format!(
                "{y}年建成，晚于{}年底、不晚于{second}年底：有条件的可纳入",
                p.cutoff_year
            ),
            format!(
                "completed in {y}, after the end of {} but by the end of {second}: may be included where conditions allow",
                p.cutoff_year
            ),
        ),
        (Some(y), _) => result(
            Rule::CompletedBeforeCutoff,
            false,
            format!(
                "{y}年建成，晚于{}年底的截止时间",
                p.conditional_cutoff_year.unwrap_or(p.cutoff_year)
            ),
            format!(
                "completed in {y}, after the cut-off (end of {})",
                p.conditional_cutoff_year.unwrap_or(p.cutoff_year)
            ),
        ),
        (None, _) => result(
            Rule::CompletedBeforeCutoff,
            false,
            "建成年份缺失，无法判断".into(),
            "the year completed is missing".into(),
        ),
    };
    results.push(r);

    for (rule, field, flag, fail, pass) in [
        (
            Rule::NotMostlySelfBuilt,
            EstateField::MostlySelfBuilt,
            estate.mostly_self_built,
            (
                "以自建房为主，不纳入改造范围",
                "mostly self-built houses, which are out of scope",
            ),
            ("非自建房为主", "not mostly self-built"),
        ),
        (
            Rule::NotUrbanVillage,
            EstateField::UrbanVillage,
            estate.urban_village,
            (
                "属城中村，不纳入改造范围",
                "an urban village, which is out of scope",
            ),
            ("非城中村", "not an urban village"),
        ),
        (
            Rule::NotExpropriationOrRebuild,
            EstateField::ExpropriationOrRebuildPlanned,
            estate.expropriation_or_rebuild_planned,
            (
                "已列入征收补偿安置或拆除新建（改建、扩建、翻建）计划，不得纳入",
                "planned for expropriation or demolish-and-rebuild, which may not be included",
            ),
            (
                "未列入征收或拆除新建计划",
                "not planned for expropriation or rebuilding",
            ),
        ),
    ] {
        if rule == Rule::NotExpropriationOrRebuild && estate.demolition.all {
            results.push(result(
                rule,
                false,
                format!(
                    "全部{}栋楼拟拆除，属拆除新建，不纳入改造范围",
                    estate.demolition.buildings
                ),
                format!(
                    "all {} buildings are to be demolished: demolish-and-rebuild, out of the programme",
                    estate.demolition.buildings
                ),
            ));
            continue;
        }
        results.push(if estate.unsurveyed.contains(&field) && p.requires(field) {
            ruled(
                rule,
                Outcome::Undetermined,
                format!("调查表没有“{}”一列，待核实", field.label_zh()),
                format!(
                    "the survey sheet had no column \"{}\": to be verified",
                    field.label_en()
                ),
            )
        } else {
            flag_rule(rule, flag, fail, pass)
        });
    }

    // Both windows are N calendar years counted with the year of assessment: with N = 5 in
    // 2026, renovated in 2022–2026 and demolition planned for 2026–2030.
    let n = p.recent_renovation_years;
    let (first, last) = (reference_year - n + 1, reference_year);
    let r = match estate.last_renovated_year {
        Some(y) if (first..=last).contains(&y) => result(
            Rule::NotRecentlyRenovated,
            false,
            format!("{y}年已实施综合改造，在近{n}年内（{first}–{last}年）"),
            format!("comprehensively renovated in {y}, within the last {n} years ({first}–{last})"),
        ),
        Some(y) => result(
            Rule::NotRecentlyRenovated,
            true,
            format!("{y}年改造，已超过{n}年"),
            format!("renovated in {y}, more than {n} years ago"),
        ),
        None => result(
            Rule::NotRecentlyRenovated,
            true,
            format!("近{n}年内未实施综合改造"),
            format!("not renovated in the last {n} years"),
        ),
    };
    results.push(r);

    let n = p.demolition_plan_years;
    let (first, last) = (reference_year, reference_year + n - 1);
    let r = match estate.planned_demolition_year {
        Some(y) if (first..=last).contains(&y) => result(
            Rule::NotInDemolitionPlan,
            false,
            format!("已列入{y}年拆除计划，在未来{n}年内（{first}–{last}年）"),
            format!("planned for demolition in {y}, within the next {n} years ({first}–{last})"),
        ),
        Some(y) => result(
            Rule::NotInDemolitionPlan,
            true,
            format!("拆除计划在{y}年，超出未来{n}年"),
            format!("demolition planned for {y}, beyond the next {n} years"),
        ),
        None => result(
            Rule::NotInDemolitionPlan,
            true,
            format!("未列入未来{n}年拆除计划"),
            format!("not in the demolition plans of the next {n} years"),
        ),
    };
    results.push(r);

    Eligibility { results }
}

fn flag_rule(rule: Rule, flag: bool, fail: (&str, &str), pass: (&str, &str)) -> RuleResult {
    let (zh, en) = if flag { fail } else { pass };
    result(rule, !flag, zh.into(), en.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DivisionCode, Lang};

    fn estate() -> Estate {
        Estate {
            year_completed: Some(1995),
            ..Estate::new("幸福小区", DivisionCode::parse("340802001001").unwrap())
        }
    }

    fn check(e: &Estate, loc: UrbanLocation) -> Eligibility {
        assess(e, loc, &Policy::national(), 2026)
    }

    fn failed(el: &Eligibility) -> Vec<Rule> {
        el.results
            .iter()
            .filter(|r| !r.passed)
            .map(|r| r.rule)
            .collect()
    }

    #[test]
    fn a_typical_old_estate_is_eligible_with_a_reason_per_rule() {
        let el = check(&estate(), UrbanLocation::Street);
        assert!(el.eligible(), "{el:?}");
        assert_eq!(el.results.len(), Rule::ALL.len());
        assert!(el
            .results
            .iter()
            .all(|r| !r.reason.zh.is_empty() && !r.reason.en.is_empty()));
        assert_eq!(el.failed_reasons(Lang::Zh), "");
    }

    #[test]
    fn location_rule() {
        let e = estate();
        for (loc, ok) in [
            (UrbanLocation::Street, true),
            (UrbanLocation::Zone, true),
            (UrbanLocation::CountySeatTown, true),
            (UrbanLocation::Declared(true), true),
            (UrbanLocation::Declared(false), false),
            (UrbanLocation::OtherTown, false),
            (UrbanLocation::Rural, false),
            (UrbanLocation::Unknown, false),
        ] {
            let el = check(&e, loc);
            assert_eq!(el.eligible(), ok, "{loc:?}");
            if !ok {
                assert_eq!(failed(&el), vec![Rule::CityOrCountySeat]);
                assert!(
                    el.failed_reasons(Lang::Zh).contains("城市或县城"),
                    "{loc:?}"
                );
            }
        }
        let mut p = Policy::national();
        p.eligibility.include_other_towns = true;
        assert!(assess(&e, UrbanLocation::OtherTown, &p, 2026).eligible());
    }

    #[test]
    fn cutoff_year_rule_is_inclusive_and_configurable() {
        let mut e = estate();
        e.year_completed = Some(2000);
        assert!(check(&e, UrbanLocation::Street).eligible());
        e.year_completed = Some(2001);
        let el = check(&e, UrbanLocation::Street);
        assert_eq!(failed(&el), vec![Rule::CompletedBeforeCutoff]);
        assert!(el.failed_reasons(Lang::Zh).contains("2001年建成"));
        assert!(el
            .failed_reasons(Lang::En)
            .contains("after the cut-off (end of 2000)"));
        let mut p = Policy::national();
        p.eligibility.cutoff_year = 2005;
        assert!(assess(&e, UrbanLocation::Street, &p, 2026).eligible());
        e.year_completed = None;
        assert_eq!(
            failed(&check(&e, UrbanLocation::Street)),
            vec![Rule::CompletedBeforeCutoff]
        );
    }

    /// Seeds 方案1, 方案2: by the end of 2000 eligible; after it and by the province's second
    /// cut-off conditional, with its reason; later out. Without a second cut-off, 2001 is out.
    #[test]
    fn two_tier_cutoff_at_2000_2001_2005_2006() {
        let mut p = Policy::national();
        p.eligibility.conditional_cutoff_year = Some(2005);
        let outcome = |year: i32, p: &Policy| {
            let mut e = estate();
            e.year_completed = Some(year);
            assess(&e, UrbanLocation::Street, p, 2026)
        };
        for (year, expected) in [
            (2000, Outcome::Eligible),
            (2001, Outcome::Conditional),
            (2005, Outcome::Conditional),
            (2006, Outcome::Out),
        ] {
            let el = outcome(year, &p);
            assert_eq!(el.outcome(), expected, "{year}");
            assert_eq!(el.eligible(), expected == Outcome::Eligible, "{year}");
        }
        let el = outcome(2003, &p);
        assert_eq!(failed(&el), vec![Rule::CompletedBeforeCutoff]);
        assert!(el.failed_reasons(Lang::Zh).contains("有条件的可纳入"));
        assert!(el.failed_reasons(Lang::En).contains("by the end of 2005"));
        assert!(outcome(2006, &p)
            .failed_reasons(Lang::Zh)
            .contains("晚于2005年底"));
        // A conditional estate that also fails another rule is out.
        let mut e = estate();
        e.year_completed = Some(2003);
        e.urban_village = true;
        assert_eq!(
            assess(&e, UrbanLocation::Street, &p, 2026).outcome(),
            Outcome::Out
        );
        // The national default has no second tier.
        assert_eq!(outcome(2001, &Policy::national()).outcome(), Outcome::Out);
    }

    #[test]
    fn self_built_urban_village_and_expropriation_rules() {
        let mut e = estate();
        e.mostly_self_built = true;
        let el = check(&e, UrbanLocation::Street);
        assert_eq!(failed(&el), vec![Rule::NotMostlySelfBuilt]);
        assert!(el.failed_reasons(Lang::Zh).contains("自建房"));

        let mut e = estate();
        e.urban_village = true;
        let el = check(&e, UrbanLocation::Street);
        assert_eq!(failed(&el), vec![Rule::NotUrbanVillage]);
        assert!(el.failed_reasons(Lang::Zh).contains("城中村"));

        let mut e = estate();
        e.expropriation_or_rebuild_planned = true;
        let el = check(&e, UrbanLocation::Street);
        assert_eq!(failed(&el), vec![Rule::NotExpropriationOrRebuild]);
        assert!(el.failed_reasons(Lang::Zh).contains("征收"));
    }

    #[test]
    fn recent_renovation_and_demolition_plan_rules() {
        let mut e = estate();
        e.last_renovated_year = Some(2022); // 2026 - 2022 = 4 < 5
        let el = check(&e, UrbanLocation::Street);
        assert_eq!(failed(&el), vec![Rule::NotRecentlyRenovated]);
        assert!(el.failed_reasons(Lang::Zh).contains("近5年"));
        e.last_renovated_year = Some(2021); // 5 years ago: outside "the last 5 years"
        assert!(check(&e, UrbanLocation::Street).eligible());

        let mut e = estate();
        e.planned_demolition_year = Some(2030);
        let el = check(&e, UrbanLocation::Street);
        assert_eq!(failed(&el), vec![Rule::NotInDemolitionPlan]);
        assert!(el.failed_reasons(Lang::Zh).contains("拆除计划"));
        e.planned_demolition_year = Some(2031);
        assert!(check(&e, UrbanLocation::Street).eligible());
    }

    /// The README's examples: N = 5 in 2026 means renovated in 2022–2026 and demolition planned
    /// for 2026–2030 — five calendar years each, the year of assessment among them.
    #[test]
    fn both_windows_are_n_calendar_years_with_the_year_of_assessment() {
        let out = |renovated: Option<i32>, demolition: Option<i32>| {
            let mut e = estate();
            e.last_renovated_year = renovated;
            e.planned_demolition_year = demolition;
            failed(&check(&e, UrbanLocation::Street))
        };
        for (y, inside) in [(2021, false), (2022, true), (2026, true)] {
            let want = if inside {
                vec![Rule::NotRecentlyRenovated]
            } else {
                vec![]
            };
            assert_eq!(out(Some(y), None), want, "renovated {y}");
        }
        for (y, inside) in [(2026, true), (2030, true), (2031, false)] {
            let want = if inside {
                vec![Rule::NotInDemolitionPlan]
            } else {
                vec![]
            };
            assert_eq!(out(None, Some(y)), want, "demolition {y}");
        }
        let mut e = estate();
        e.planned_demolition_year = Some(2030);
        assert!(check(&e, UrbanLocation::Street)
            .failed_reasons(Lang::Zh)
            .contains("2026–2030年"));
    }

    /// A sheet without a rule's column leaves the rule undetermined where the policy requires
    /// the column; an answer (even 否) settles it; a policy that does not require it says 否.
    #[test]
    fn an_unsurveyed_rule_column_is_undetermined() {
        let mut e = estate();
        e.unsurveyed.insert(EstateField::UrbanVillage);
        let el = check(&e, UrbanLocation::Street);
        assert_eq!(el.outcome(), Outcome::Undetermined);
        assert_eq!(failed(&el), vec![Rule::NotUrbanVillage]);
        assert!(el.failed_reasons(Lang::Zh).contains("是否城中村"));
        // Undetermined beats conditional, out beats both.
        let mut p = Policy::national();
        p.eligibility.conditional_cutoff_year = Some(2005);
        e.year_completed = Some(2003);
        assert_eq!(
            assess(&e, UrbanLocation::Street, &p, 2026).outcome(),
            Outcome::Undetermined
        );
        assert_eq!(
            assess(&e, UrbanLocation::Rural, &p, 2026).outcome(),
            Outcome::Out
        );
        let mut relaxed = Policy::national();
        relaxed.eligibility.required_columns.clear();
        e.year_completed = Some(1995);
        assert!(assess(&e, UrbanLocation::Street, &relaxed, 2026).eligible());
        EstateField::UrbanVillage
            .set(&mut e, crate::estate::FieldValue::Flag(false))
            .unwrap();
        assert!(e.unsurveyed.is_empty());
        assert!(check(&e, UrbanLocation::Street).eligible());
    }

    #[test]
    fn every_building_to_be_demolished_is_rebuilding_and_out() {
        let mut e = estate();
        e.demolition = crate::estate::Demolition {
            buildings: 2,
            households: 40,
            floor_area_centi_m2: crate::Area::from_centi_m2(300_000),
            all: false,
        };
        assert!(check(&e, UrbanLocation::Street).eligible(), "a part: in");
        e.demolition.all = true;
        let el = check(&e, UrbanLocation::Street);
        assert_eq!(failed(&el), vec![Rule::NotExpropriationOrRebuild]);
        assert!(el.failed_reasons(Lang::Zh).contains("拆除新建"));
    }

    #[test]
    fn several_failures_are_all_reported() {
        let mut e = estate();
        e.year_completed = Some(2010);
        e.urban_village = true;
        let el = check(&e, UrbanLocation::Rural);
        assert_eq!(
            failed(&el),
            vec![
                Rule::CityOrCountySeat,
                Rule::CompletedBeforeCutoff,
                Rule::NotUrbanVillage
            ]
        );
    }
}

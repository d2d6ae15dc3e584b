//! The policy: every number a rule uses, with the national defaults. A province or city writes its
//! own TOML; [`Policy::national`] is the default.

use serde::{Deserialize, Serialize};

/// The national default policy, as shipped.
pub const NATIONAL_TOML: &str = include_str!("../../../policy/national.toml");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The name of this policy (e.g. 全国默认 or a province's document number).
    pub name: String,
    /// The year this policy applies from.
    pub effective_year: i32,
    pub eligibility: EligibilityPolicy,
    pub mode: ModePolicy,
    /// 因素法: how a level's subsidy is split among the divisions below it.
    #[serde(default)]
    pub allocation: AllocationPolicy,
    /// The reserve pool and the plan: the consultation gate, lifts, the schedule's years.
    #[serde(default = "national_planning")]
    pub planning: PlanningPolicy,
    /// The weights of the priority score.
    #[serde(default = "national_priority")]
    pub priority: PriorityPolicy,
    /// The works catalogue (改造内容清单), items by code.
    #[serde(default = "national_catalogue")]
    pub catalogue: crate::catalogue::Catalogue,
    /// How bundles (片区) are proposed and their money balanced.
    #[serde(default = "national_bundles")]
    pub bundles: BundlePolicy,
    /// The life circles (生活圈) and the facilities each should hold.
    #[serde(default = "national_life_circle")]
    pub life_circle: LifeCirclePolicy,
    /// The thresholds of owners' decisions (the Civil Code's by default).
    #[serde(default = "national_votes")]
    pub votes: crate::vote::VotePolicy,
    /// The numbers of the approval rules of projects.
    #[serde(default = "national_approvals")]
    pub approvals: crate::approvals::ApprovalPolicy,
    /// The deadlines of a year's projects.
    #[serde(default = "national_calendar")]
    pub calendar: crate::milestones::CalendarPolicy,
    /// The documents and photos kept as evidence.
    #[serde(default = "national_documents")]
    pub documents: crate::works::DocumentPolicy,
}

fn national_documents() -> crate::works::DocumentPolicy {
    national_section(|mut t| t.remove("documents"))
}

fn national_calendar() -> crate::milestones::CalendarPolicy {
    national_section(|mut t| t.remove("calendar"))
}

fn national_approvals() -> crate::approvals::ApprovalPolicy {
    national_section(|mut t| t.remove("approvals"))
}

fn national_votes() -> crate::vote::VotePolicy {
    national_section(|mut t| t.remove("votes"))
}

fn national_bundles() -> BundlePolicy {
    national_section(|mut t| t.remove("bundles"))
}

fn national_life_circle() -> LifeCirclePolicy {
    national_section(|mut t| t.remove("life_circle"))
}

/// How bundles (片区) are proposed, and the years of income their money balance counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundlePolicy {
    /// Estates of one street within this distance (m) of each other are proposed together.
    pub max_distance_m: f64,
    /// A scattered single building joins the nearest estate of its street within this distance.
    pub scattered_merge_m: f64,
    pub income_years: i32,
}

/// The life circles (GB 50180-2018): the walking radius of the 5-, 10- and 15-minute circles,
/// the detour factor that turns a straight line into a walk, and the kinds of facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifeCirclePolicy {
    pub detour_factor: f64,
    pub radius_5_m: f64,
    pub radius_10_m: f64,
    pub radius_15_m: f64,
    /// The kinds of facility by code.
    pub kinds: std::collections::BTreeMap<String, FacilityKind>,
}

/// A kind of facility a life circle should hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilityKind {
    pub name_zh: String,
    pub name_en: String,
    /// 5, 10 or 15: the circle it belongs to.
    pub minutes: i32,
    /// The catalogue item recommended where it lacks.
    pub item: String,
}

impl LifeCirclePolicy {
    /// The walking radius (m) of the circle of `minutes`.
    pub fn radius_m(&self, minutes: i32) -> f64 {
        match minutes {
            m if m <= 5 => self.radius_5_m,
            m if m <= 10 => self.radius_10_m,
            _ => self.radius_15_m,
        }
    }
}

/// The shipped national policy, parsed once for the defaults of the sections a province's own
/// whole file may leave out.
fn national_section<T>(pick: impl FnOnce(toml::Table) -> Option<toml::Value>) -> T
where
    T: serde::de::DeserializeOwned,
{
    let t: toml::Table = toml::from_str(NATIONAL_TOML).expect("the shipped national policy parses");
    pick(t)
        .expect("the shipped national policy has the section")
        .try_into()
        .expect("the shipped national section parses")
}

fn national_planning() -> PlanningPolicy {
    national_section(|mut t| t.remove("planning"))
}

fn national_priority() -> PriorityPolicy {
    national_section(|mut t| t.remove("priority"))
}

fn national_catalogue() -> crate::catalogue::Catalogue {
    national_section(|mut t| t.remove("catalogue"))
}

/// The numbers of the reserve pool and the plan (DOMAIN §5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanningPolicy {
    /// An estate enters a plan only when this share of its households has answered the
    /// consultation (seed 方案3: 80 %), once consultations are held.
    pub consultation_threshold_pct: f64,
    /// A lift is derived as a need for stairway units of buildings with at least this many floors.
    pub lift_min_floors: i32,
    /// Residents pay at least this many yuan per m² of floor area (seed 方案3: 1).
    pub min_contribution_yuan_per_m2: i64,
    /// The years in which every eligible estate is to be done (seed 方案1: five).
    pub schedule_years: i32,
    /// What the annual plan maximises.
    #[serde(default)]
    pub objective: Objective,
}

/// What the annual plan maximises.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Σ priority: every estate counts the same whatever its size (the issue's "total priority
    /// of the chosen estates").
    #[default]
    Priority,
    /// Σ priority × households / 100: the households helped, weighted by how urgent their
    /// estate is (the programme counts its targets in households as well as estates).
    PriorityHouseholds,
}

impl Objective {
    /// The value an estate of this priority and size adds to the plan.
    pub fn value(self, priority: f64, households: i32) -> f64 {
        match self {
            Objective::PriorityHouseholds => priority * f64::from(households.max(0)) / 100.0,
            Objective::Priority => priority,
        }
    }

    pub fn label(self) -> crate::Text {
        match self {
            Objective::PriorityHouseholds => {
                crate::Text::new("优先级×户数/100", "priority × households / 100")
            }
            Objective::Priority => crate::Text::new("优先级", "priority"),
        }
    }
}

/// The weights of the priority factors (they sum to 100) and the values at which a factor is full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityPolicy {
    pub willingness: f64,
    pub participation: f64,
    pub illegal_removed: f64,
    pub hazards: f64,
    pub age: f64,
    pub households: f64,
    pub severity: f64,
    pub age_full_years: i32,
    pub households_full: i32,
    pub severity_full_yuan_per_m2: i64,
    /// The catalogue items whose recorded hazards (安全隐患) count.
    pub hazard_items: Vec<String>,
}

impl PriorityPolicy {
    /// The weights in a fixed order: willingness, participation, illegal structures removed,
    /// hazards, age, households, severity.
    pub fn weights(&self) -> [f64; 7] {
        [
            self.willingness,
            self.participation,
            self.illegal_removed,
            self.hazards,
            self.age,
            self.households,
            self.severity,
        ]
    }
}

/// The weights of the factor method (因素法), in percent; they sum to 100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationPolicy {
    /// The eligible floor area.
    pub area_pct: f64,
    /// The eligible households.
    pub households_pct: f64,
    /// The eligible buildings.
    pub buildings_pct: f64,
    /// The eligible estates.
    pub estates_pct: f64,
}

impl Default for AllocationPolicy {
    fn default() -> Self {
        AllocationPolicy {
            area_pct: 40.0,
            households_pct: 40.0,
            buildings_pct: 10.0,
            estates_pct: 10.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilityPolicy {
    /// Estates completed in or before this year are in scope (国办发〔2020〕23号: end of 2000).
    pub cutoff_year: i32,
    /// The second cut-off (seeds 方案1, 方案2): estates completed after `cutoff_year` and by the end
    /// of this year are conditional (有条件的可纳入). None: later estates are simply out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditional_cutoff_year: Option<i32>,
    /// Not comprehensively renovated in the last N years (seed 5).
    pub recent_renovation_years: i32,
    /// Not in the demolition plans of the next N years (seed 5).
    pub demolition_plan_years: i32,
    /// Whether an estate in a town that is not its county's seat is in scope.
    pub include_other_towns: bool,
    /// The yes/no columns a survey must answer for the exclusion rules (keys of the estate's
    /// fields): an estate from a sheet without one of them is 待核实 for that rule.
    #[serde(default = "all_rule_flags")]
    pub required_columns: Vec<String>,
}

fn all_rule_flags() -> Vec<String> {
    crate::estate::EstateField::RULE_FLAGS
        .iter()
        .map(|f| f.key().to_string())
        .collect()
}

impl EligibilityPolicy {
    /// Whether the policy requires a survey's answer for this field.
    pub fn requires(&self, field: crate::estate::EstateField) -> bool {
        self.required_columns.iter().any(|k| k == field.key())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModePolicy {
    /// The safety grades that make a building dangerous, so that its estate is suggested for the
    /// demolition-combined mode (拆改结合型).
    /// Written as letters: `["D"]`, or `["C", "D"]` for a stricter policy.
    pub dangerous_grades: Vec<String>,
}

impl ModePolicy {
    /// Whether a building of this grade counts as dangerous.
    pub fn is_dangerous(&self, grade: crate::SafetyGrade) -> bool {
        self.dangerous_grades.iter().any(|g| g == grade.label_zh())
    }
}

/// Why a policy file could not be used.
#[derive(Debug, thiserror::Error)]
#[error("政策配置有误 / invalid policy: {0}")]
pub struct PolicyError(String);

impl Policy {
    /// The policy as TOML, with the same keys as `policy/national.toml`.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a policy is plain data")
    }

    /// A short fingerprint of the numbers an assessment uses (64-bit FNV-1a of the TOML of the
    /// eligibility and mode sections): an assessment records it, and one made under other numbers
    /// is stale. The name, the year and the allocation weights do not change an assessment.
    pub fn fingerprint(&self) -> String {
        // The same TOML as the policy had before its planning sections came, so that the
        // assessments stored then stay current.
        #[derive(Serialize)]
        struct Rules<'a> {
            name: &'a str,
            effective_year: i32,
            eligibility: &'a EligibilityPolicy,
            mode: &'a ModePolicy,
            allocation: AllocationPolicy,
        }
        let rules = Rules {
            name: "",
            effective_year: 0,
            eligibility: &self.eligibility,
            mode: &self.mode,
            allocation: AllocationPolicy::default(),
        };
        let text = toml::to_string(&rules).expect("plain data");
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }

    /// This policy with the keys of an override put in: `text` is TOML with any of the keys of
    /// `policy/national.toml` (a partial file changes only what it names). The result is
    /// checked like a whole policy file.
    pub fn with_override(&self, text: &str) -> Result<Policy, PolicyError> {
        let over: toml::Table = toml::from_str(text).map_err(|e| PolicyError(e.to_string()))?;
        let mut merged = toml::Table::try_from(self).map_err(|e| PolicyError(e.to_string()))?;
        merge(&mut merged, over);
        Policy::from_toml(&merged.to_string())
    }

    /// The keys whose values differ in `other`, as TOML: what an override stores ("only the
    /// numbers they change").
    pub fn changes_to(&self, other: &Policy) -> String {
        let (Ok(a), Ok(b)) = (toml::Table::try_from(self), toml::Table::try_from(other)) else {
            return String::new();
        };
        diff(&a, &b).to_string()
    }

    /// The national defaults.
    pub fn national() -> Policy {
        Policy::from_toml(NATIONAL_TOML).expect("the shipped national policy parses")
    }

    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let p: Policy = toml::from_str(text).map_err(|e| PolicyError(e.to_string()))?;
        if !(1900..=2100).contains(&p.eligibility.cutoff_year) {
            return Err(PolicyError(format!(
                "eligibility.cutoff_year {} 不在1900–2100之间 / is not between 1900 and 2100",
                p.eligibility.cutoff_year
            )));
        }
        if let Some(second) = p.eligibility.conditional_cutoff_year {
            if second <= p.eligibility.cutoff_year || second > 2100 {
                return Err(PolicyError(format!(
                    "eligibility.conditional_cutoff_year {second} 应晚于 cutoff_year {} / must be after cutoff_year",
                    p.eligibility.cutoff_year
                )));
            }
        }
        if p.eligibility.recent_renovation_years < 0 || p.eligibility.demolition_plan_years < 0 {
            return Err(PolicyError(
                "年限不能为负数 / the year spans cannot be negative".into(),
            ));
        }
        for k in &p.eligibility.required_columns {
            let known = crate::estate::EstateField::RULE_FLAGS
                .iter()
                .any(|f| f.key() == k);
            if !known {
                return Err(PolicyError(format!(
                    "eligibility.required_columns 中的 {k:?} 不是 urban_village、mostly_self_built、expropriation_or_rebuild_planned 之一 / is not one of the rule columns"
                )));
            }
        }
        let a = &p.allocation;
        let weights = [a.area_pct, a.households_pct, a.buildings_pct, a.estates_pct];
        if weights.iter().any(|w| *w < 0.0) || (weights.iter().sum::<f64>() - 100.0).abs() > 1e-9 {
            return Err(PolicyError(format!(
                "allocation 的四个权重应为非负数且合计100，实为 {weights:?} / the four allocation weights must be 0 or more and sum to 100"
            )));
        }
        let q = &p.priority;
        let weights = q.weights();
        if weights.iter().any(|w| *w < 0.0) || (weights.iter().sum::<f64>() - 100.0).abs() > 1e-9 {
            return Err(PolicyError(format!(
                "priority 的七个权重应为非负数且合计100，实为 {weights:?} / the seven priority weights must be 0 or more and sum to 100"
            )));
        }
        if q.age_full_years <= 0 || q.households_full <= 0 || q.severity_full_yuan_per_m2 <= 0 {
            return Err(PolicyError(
                "priority 的 age_full_years、households_full、severity_full_yuan_per_m2 应为正数 / must be positive".into(),
            ));
        }
        for k in &q.hazard_items {
            if !p.catalogue.contains_key(k) {
                return Err(PolicyError(format!(
                    "priority.hazard_items 中的 {k:?} 不在改造内容清单中 / is not an item of the catalogue"
                )));
            }
        }
        let g = &p.planning;
        if !(0.0..=100.0).contains(&g.consultation_threshold_pct) {
            return Err(PolicyError(format!(
                "planning.consultation_threshold_pct {} 应在0–100之间 / must be between 0 and 100",
                g.consultation_threshold_pct
            )));
        }
        if !(0..=10_000).contains(&g.min_contribution_yuan_per_m2) {
            return Err(PolicyError(
                "planning.min_contribution_yuan_per_m2 应在0–10000之间 / must be between 0 and 10000".into(),
            ));
        }
        if !(1..=100).contains(&g.lift_min_floors) || !(1..=20).contains(&g.schedule_years) {
            return Err(PolicyError(
                "planning.lift_min_floors 应在1–100之间，schedule_years 应在1–20之间 / lift_min_floors must be 1–100 and schedule_years 1–20".into(),
            ));
        }
        crate::catalogue::check(&p.catalogue).map_err(PolicyError)?;
        p.votes.check().map_err(PolicyError)?;
        p.calendar.check().map_err(PolicyError)?;
        p.documents.check().map_err(PolicyError)?;
        let a = &p.approvals;
        if a.construction_permit_min_yuan < 0
            || !a.construction_permit_min_m2.is_finite()
            || a.construction_permit_min_m2 < 0.0
        {
            return Err(PolicyError(format!(
                "approvals.construction_permit_min_yuan {} 与 construction_permit_min_m2 {} 不能为负 / must not be negative",
                a.construction_permit_min_yuan, a.construction_permit_min_m2
            )));
        }
        let b = &p.bundles;
        let distances_ok = b.max_distance_m > 0.0
            && b.max_distance_m <= 10_000.0
            && (0.0..=10_000.0).contains(&b.scattered_merge_m);
        if !distances_ok || !(0..=50).contains(&b.income_years) {
            return Err(PolicyError(
                "bundles: 距离应在0–10000米之间，income_years 在0–50之间 / distances 0–10000 m, income_years 0–50".into(),
            ));
        }
        let l = &p.life_circle;
        let radii = [l.radius_5_m, l.radius_10_m, l.radius_15_m];
        if !(1.0..=3.0).contains(&l.detour_factor)
            || radii.iter().any(|r| !(*r > 0.0 && *r <= 5_000.0))
        {
            return Err(PolicyError(
                "life_circle: detour_factor 应在1–3之间，半径在0–5000米之间 / detour_factor 1–3, radii 0–5000 m".into(),
            ));
        }
        for (k, kind) in &l.kinds {
            if ![5, 10, 15].contains(&kind.minutes) || !p.catalogue.contains_key(&kind.item) {
                return Err(PolicyError(format!(
                    "life_circle.kinds.{k}: minutes 应为5、10或15，item 应为改造内容清单中的一项 / minutes is 5, 10 or 15 and item an item of the catalogue"
                )));
            }
        }
        for g in &p.mode.dangerous_grades {
            if crate::SafetyGrade::from_label(g).is_none() {
                return Err(PolicyError(format!(
                    "mode.dangerous_grades 中的 {g:?} 不是A、B、C、D之一 / is not one of A, B, C, D"
                )));
            }
        }
        Ok(p)
    }
}

/// The `effective_year` a policy file (whole or partial) gives, if any.
pub fn effective_year_of(text: &str) -> Option<i32> {
    let t: toml::Table = toml::from_str(text).ok()?;
    i32::try_from(t.get("effective_year")?.as_integer()?).ok()
}

/// Puts `over`'s keys into `base`, table by table.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// The keys of `b` whose values differ from `a`'s, table by table.
fn diff(a: &toml::Table, b: &toml::Table) -> toml::Table {
    let mut out = toml::Table::new();
    for (k, v) in b {
        match (a.get(k), v) {
            (Some(toml::Value::Table(x)), toml::Value::Table(y)) => {
                let d = diff(x, y);
                if !d.is_empty() {
                    out.insert(k.clone(), toml::Value::Table(d));
                }
            }
            (Some(x), y) if x == y => {}
            (_, y) => {
                out.insert(k.clone(), y.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_defaults() {
        let p = Policy::national();
        assert_eq!(p.eligibility.cutoff_year, 2000);
        assert!(p.mode.is_dangerous(crate::SafetyGrade::D));
        assert!(!p.mode.is_dangerous(crate::SafetyGrade::C));
        assert_eq!(p.allocation, AllocationPolicy::default());
        assert!(
            p.with_override("[allocation]\narea_pct = 50.0").is_err(),
            "weights that do not sum to 100"
        );
        // The planning sections are checked like the rest, each error naming its key.
        for (bad, key) in [
            ("[priority]\nwillingness = 50.0", "priority"),
            ("[priority]\nhazard_items = [\"helipad\"]", "hazard_items"),
            ("[catalogue.roof]\nunit_cost_yuan = -1", "catalogue.roof"),
            (
                "[life_circle.kinds.shop]\nminutes = 7",
                "life_circle.kinds.shop",
            ),
            (
                "[planning]\nconsultation_threshold_pct = 120.0",
                "consultation_threshold_pct",
            ),
            ("[bundles]\nmax_distance_m = 0.0", "bundles"),
        ] {
            let e = p.with_override(bad).unwrap_err().to_string();
            assert!(e.contains(key), "{bad}: {e}");
        }
    }

    #[test]
    fn an_override_changes_only_what_it_names() {
        let base = Policy::national();
        let anhui = base
            .with_override("[eligibility]\nconditional_cutoff_year = 2005\n")
            .unwrap();
        assert_eq!(anhui.eligibility.conditional_cutoff_year, Some(2005));
        assert_eq!(anhui.eligibility.cutoff_year, 2000);
        assert_eq!(anhui.mode, base.mode);
        assert_ne!(anhui.fingerprint(), base.fingerprint());
        // What it stores is the change alone.
        let stored = base.changes_to(&anhui);
        assert_eq!(
            stored.trim(),
            "[eligibility]\nconditional_cutoff_year = 2005"
        );
        assert_eq!(base.with_override(&stored).unwrap(), anhui);
        // A name alone changes no number.
        let renamed = base.with_override("name = \"安徽省\"").unwrap();
        assert_eq!(renamed.fingerprint(), base.fingerprint());
        // Unknown keys and bad numbers are refused as in a whole file.
        assert!(base.with_override("[eligibility]\nfoo = 1").is_err());
        assert!(base
            .with_override("[eligibility]\nconditional_cutoff_year = 1999")
            .is_err());
    }

    #[test]
    fn the_fingerprint_is_what_it_was_before_planning_came() {
        // Stored assessments carry these (made before the planning sections existed): the
        // same numbers must give the same fingerprint, or every estate would turn stale.
        let p = Policy::national();
        assert_eq!(p.fingerprint(), "d8ddb9540d9d3dcc");
        let anhui = p
            .with_override("[eligibility]\nconditional_cutoff_year = 2005\n")
            .unwrap();
        assert_eq!(anhui.fingerprint(), "1711da934db74e5a");
        // Planning numbers do not change an assessment.
        let costly = p
            .with_override("[catalogue.lift]\nunit_cost_yuan = 480000\n")
            .unwrap();
        assert_eq!(costly.fingerprint(), p.fingerprint());
    }

    #[test]
    fn rejects_unknown_keys_and_bad_years() {
        let bad = NATIONAL_TOML.replace("cutoff_year = 2000", "cutoff_year = 20005");
        assert!(Policy::from_toml(&bad).is_err());
        let unknown = format!("{NATIONAL_TOML}\nfoo = 1\n");
        assert!(Policy::from_toml(&unknown).is_err());
        // A second cut-off must come after the first.
        let second = |y: i32| {
            NATIONAL_TOML.replace(
                "cutoff_year = 2000\n",
                &format!("cutoff_year = 2000\nconditional_cutoff_year = {y}\n"),
            )
        };
        assert_eq!(
            Policy::from_toml(&second(2005))
                .unwrap()
                .eligibility
                .conditional_cutoff_year,
            Some(2005)
        );
        let e = Policy::from_toml(&second(2000)).unwrap_err().to_string();
        assert!(e.contains("conditional_cutoff_year"), "{e}");
    }
}

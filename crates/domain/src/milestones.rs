//! A project's milestones (节点) against the policy calendar (DOMAIN §8): projects of a year's
//! plan start by a set date, their works are all done by the end of November (seed 方案3: works
//! April to November, mostly done in October) and their basic items by the year's end (seeds
//! 方案2, 方案4). The dates are policy (`[calendar]`, month-day in the plan's year); a milestone
//! not reached by its date is overdue, one reached after it was late.

use crate::i18n::Text;
use chrono::NaiveDate;

keyed_enum! {
    /// A dated step of a project that the calendar sets a deadline for.
    Milestone {
        Start => "start", "开工", "start of works";
        WorksDone => "works_done", "完工", "works done";
        BasicDone => "basic_done", "基础类改造完成", "basic items done";
    }
}

/// The calendar's dates, as month-day (`"06-30"`) in the plan's year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarPolicy {
    pub start_by: String,
    pub works_done_by: String,
    pub basic_done_by: String,
}

impl CalendarPolicy {
    pub fn check(&self) -> Result<(), String> {
        for (k, v) in [
            ("start_by", &self.start_by),
            ("works_done_by", &self.works_done_by),
            ("basic_done_by", &self.basic_done_by),
        ] {
            if month_day(2026, v).is_none() {
                return Err(format!("calendar.{k} “{v}” 应为 MM-DD / must be MM-DD"));
            }
        }
        Ok(())
    }

    /// A milestone's deadline for a project of `plan_year`'s plan.
    pub fn due(&self, plan_year: i32, m: Milestone) -> Option<NaiveDate> {
        let md = match m {
            Milestone::Start => &self.start_by,
            Milestone::WorksDone => &self.works_done_by,
            Milestone::BasicDone => &self.basic_done_by,
        };
        month_day(plan_year, md)
    }
}

fn month_day(year: i32, md: &str) -> Option<NaiveDate> {
    let (m, d) = md.trim().split_once('-')?;
    NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)
}

/// Where a milestone stands on a given day.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MilestoneStatus {
    pub milestone: Milestone,
    pub due: NaiveDate,
    pub planned: Option<NaiveDate>,
    pub actual: Option<NaiveDate>,
    /// Not reached and past its date: by how many days.
    pub overdue_days: Option<i64>,
    /// Reached after its date: by how many days.
    pub late_days: Option<i64>,
    /// Planned after its date: the plan itself misses it.
    pub planned_late: bool,
}

impl MilestoneStatus {
    pub fn new(
        milestone: Milestone,
        due: NaiveDate,
        planned: Option<NaiveDate>,
        actual: Option<NaiveDate>,
        today: NaiveDate,
    ) -> MilestoneStatus {
        let overdue_days = match actual {
            None if today > due => Some((today - due).num_days()),
            _ => None,
        };
        let late_days = actual.filter(|a| *a > due).map(|a| (a - due).num_days());
        MilestoneStatus {
            milestone,
            due,
            planned,
            actual,
            overdue_days,
            late_days,
            planned_late: planned.is_some_and(|p| p > due),
        }
    }

    /// The alert, if any: overdue, or planned past the deadline.
    pub fn alert(&self) -> Option<Text> {
        let name = self.milestone.label();
        if let Some(n) = self.overdue_days {
            Some(Text::new(
                format!("{}已逾期{n}天（应于{}前）", name.zh, self.due),
                format!(
                    "{} is {n} day{} overdue (due {})",
                    name.en,
                    if n == 1 { "" } else { "s" },
                    self.due
                ),
            ))
        } else if self.planned_late && self.actual.is_none() {
            Some(Text::new(
                format!("{}计划日期晚于{}", name.zh, self.due),
                format!("{} is planned after its deadline {}", name.en, self.due),
            ))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> CalendarPolicy {
        crate::Policy::national().calendar
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_calendar_sets_each_deadline_in_the_plans_year() {
        let c = cal();
        assert_eq!(c.check(), Ok(()));
        assert_eq!(c.due(2026, Milestone::WorksDone), Some(d("2026-11-30")));
        assert_eq!(c.due(2026, Milestone::BasicDone), Some(d("2026-12-31")));
        assert!(c.due(2026, Milestone::Start).is_some());
        let bad = CalendarPolicy {
            start_by: "13-01".into(),
            ..c
        };
        assert!(bad.check().is_err());
    }

    #[test]
    fn overdue_on_a_fixed_clock() {
        let due = d("2026-11-30");
        // On the day itself: not yet overdue.
        let s = MilestoneStatus::new(Milestone::WorksDone, due, None, None, d("2026-11-30"));
        assert_eq!((s.overdue_days, s.alert()), (None, None));
        // The day after: one day overdue, with the alert.
        let s = MilestoneStatus::new(Milestone::WorksDone, due, None, None, d("2026-12-01"));
        assert_eq!(s.overdue_days, Some(1));
        assert!(s.alert().unwrap().zh.contains("逾期1天"));
        // Done late: not overdue any more, but late by the days it took.
        let s = MilestoneStatus::new(
            Milestone::WorksDone,
            due,
            None,
            Some(d("2026-12-05")),
            d("2027-01-10"),
        );
        assert_eq!(
            (s.overdue_days, s.late_days, s.alert()),
            (None, Some(5), None)
        );
        // Planned past its date: alerted before it is overdue.
        let s = MilestoneStatus::new(
            Milestone::WorksDone,
            due,
            Some(d("2026-12-15")),
            None,
            d("2026-10-01"),
        );
        assert!(s.planned_late && s.alert().is_some());
    }
}

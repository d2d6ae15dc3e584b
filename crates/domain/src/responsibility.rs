//! Responsibility lists (责任清单, DOMAIN §1, §2): tasks with the departments responsible (责任单位),
//! their deadlines and status; and the utilities' share of a project (DOMAIN §7, seed 1 §11):
//! where lines are put underground inside the estate's red line the local government digs the
//! trenches, pre-buries the ducts and backfills, and the utility lays its lines and tidies the
//! old ones; outside the red line the utility does all; tidying overhead lines is the utility's.

use crate::i18n::Text;

keyed_enum! {
    /// Where a task stands.
    TaskStatus {
        Open => "open", "未开始", "not started";
        InProgress => "in_progress", "推进中", "in progress";
        Done => "done", "已完成", "done";
    }
}

keyed_enum! {
    /// A utility company's network (专营设施).
    Utility {
        Water => "water", "供水", "water";
        Power => "power", "供电", "power";
        Gas => "gas", "供气", "gas";
        Telecom => "telecom", "通信", "telecom";
        Broadcast => "broadcast", "广电网络", "cable television";
    }
}

keyed_enum! {
    /// Who does a part of a utility's works.
    Party {
        Government => "government", "地方政府", "local government";
        Utility => "utility", "专营单位", "utility company";
    }
}

keyed_enum! {
    /// Which works of a utility's network a project does.
    UtilityWorks {
        /// Lines put underground inside the red line (and the pipes into the estate).
        UndergroundInside => "underground_inside", "红线内线路入地", "lines underground inside the red line";
        /// Lines outside the red line.
        Outside => "outside", "红线外线路改造", "lines outside the red line";
        /// Tidying overhead lines (架空线规整).
        Overhead => "overhead", "架空线规整", "tidying overhead lines";
    }
}

/// The tasks of a utility's works: who does what.
pub fn utility_share(utility: Utility, works: UtilityWorks) -> Vec<(Party, Text)> {
    let u = utility.label();
    match works {
        UtilityWorks::UndergroundInside => vec![
            (
                Party::Government,
                Text::new(
                    format!("{}：管沟开挖、管道预埋、覆土（红线内）", u.zh),
                    format!(
                        "{}: digging trenches, pre-burying ducts, backfilling (inside the red line)",
                        u.en
                    ),
                ),
            ),
            (
                Party::Utility,
                Text::new(
                    format!("{}：线路埋设及废旧线路规整（红线内）", u.zh),
                    format!(
                        "{}: laying the lines and tidying the old ones (inside the red line)",
                        u.en
                    ),
                ),
            ),
        ],
        UtilityWorks::Outside => vec![(
            Party::Utility,
            Text::new(
                format!("{}：红线外线路改造", u.zh),
                format!("{}: the lines outside the red line", u.en),
            ),
        )],
        UtilityWorks::Overhead => vec![(
            Party::Utility,
            Text::new(
                format!("{}：架空线规整", u.zh),
                format!("{}: tidying the overhead lines", u.en),
            ),
        )],
    }
}

/// Days a task is overdue on `on` (the day after its deadline is 1), `None` when it is done or
/// not yet due.
pub fn overdue_days(
    deadline: Option<chrono::NaiveDate>,
    status: TaskStatus,
    on: chrono::NaiveDate,
) -> Option<i64> {
    let d = deadline?;
    (status != TaskStatus::Done && on > d).then(|| (on - d).num_days())
}

keyed_enum! {
    /// Where a complaint after the works stands (DOMAIN §9).
    ComplaintStatus {
        Open => "open", "待处理", "open";
        InProgress => "in_progress", "处理中", "being handled";
        Resolved => "resolved", "已办结", "resolved";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_the_red_line_the_government_digs_and_the_utility_lays() {
        let inside = utility_share(Utility::Power, UtilityWorks::UndergroundInside);
        assert_eq!(
            inside.iter().map(|t| t.0).collect::<Vec<_>>(),
            [Party::Government, Party::Utility]
        );
        assert!(inside[0].1.zh.contains("管沟开挖"));
        for w in [UtilityWorks::Outside, UtilityWorks::Overhead] {
            let s = utility_share(Utility::Gas, w);
            assert_eq!(s.len(), 1);
            assert_eq!(s[0].0, Party::Utility);
        }
    }

    #[test]
    fn a_task_is_overdue_after_its_deadline_unless_done() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let by = Some(d("2026-05-31"));
        assert_eq!(overdue_days(by, TaskStatus::Open, d("2026-05-31")), None);
        assert_eq!(
            overdue_days(by, TaskStatus::InProgress, d("2026-06-02")),
            Some(2)
        );
        assert_eq!(overdue_days(by, TaskStatus::Done, d("2026-06-02")), None);
        assert_eq!(overdue_days(None, TaskStatus::Open, d("2026-06-02")), None);
    }
}

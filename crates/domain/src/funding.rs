//! A project's funding plan (资金筹措计划, DOMAIN §1, §7): how much each source is to pay, checked
//! against the project's estimate. Central and provincial money pays only the items of the list
//! that allow it (the catalogue's `sources`), and basic items first (seed 1 §9: 中央资金、省级资金
//! 重点支持基础类改造项目): the plan shows how much of it goes to the basic items and how much to
//! the others, and refuses more than the allowed items cost.

use crate::catalogue::FundingSource;
use crate::i18n::Text;
use crate::needs::Estimate;
use crate::quantity::Money;

/// A funding plan checked against the estimate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FundingCheck {
    pub total: Money,
    /// Central and provincial money planned.
    pub higher_level: Money,
    /// Of it: to the basic items (first), and to the other items that allow it.
    pub higher_level_to_basic: Money,
    pub higher_level_to_others: Money,
    /// What the allowed items cost.
    pub higher_level_may_pay: Money,
    /// The estimate less the plan (negative: more planned than estimated).
    pub gap_fen: i64,
    /// What makes the plan wrong (it is refused).
    pub errors: Vec<Text>,
    /// What looks odd (it is kept).
    pub warnings: Vec<Text>,
}

/// Checks a plan of `(source, amount)` lines against the estimate of the project's list.
pub fn check_plan(lines: &[(FundingSource, Money)], estimate: &Estimate) -> FundingCheck {
    let total: Money = lines.iter().map(|l| l.1).sum();
    let higher: Money = lines
        .iter()
        .filter(|l| l.0.is_higher_level())
        .map(|l| l.1)
        .sum();
    let basic = estimate.by_category[0];
    let to_basic = higher.min(basic);
    let to_others = Money::from_fen(higher.fen() - to_basic.fen());
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if lines.iter().any(|l| l.1.fen() < 0) {
        errors.push(Text::new("金额不能为负", "amounts must not be negative"));
    }
    if higher > estimate.higher_level_may_pay {
        errors.push(Text::new(
            format!(
                "中央和省级资金{}元超过其可支付的改造内容{}元（只能用于清单中允许的内容，基础类优先）",
                higher.yuan_text(),
                estimate.higher_level_may_pay.yuan_text()
            ),
            format!(
                "{} yuan of central and provincial money is more than the {} yuan of the items it may pay (only the allowed items of the list, basic ones first)",
                higher.yuan_text(),
                estimate.higher_level_may_pay.yuan_text()
            ),
        ));
    }
    let gap_fen = estimate.total.fen() - total.fen();
    if gap_fen > 0 && !lines.is_empty() {
        warnings.push(Text::new(
            format!("资金缺口{}元", Money::from_fen(gap_fen).yuan_text()),
            format!(
                "{} yuan short of the estimate",
                Money::from_fen(gap_fen).yuan_text()
            ),
        ));
    } else if gap_fen < 0 {
        warnings.push(Text::new(
            format!(
                "计划资金超过概算{}元",
                Money::from_fen(-gap_fen).yuan_text()
            ),
            format!(
                "{} yuan more than the estimate",
                Money::from_fen(-gap_fen).yuan_text()
            ),
        ));
    }
    if to_others.fen() > 0 && total < estimate.total {
        warnings.push(Text::new(
            "中央和省级资金用于完善类、提升类内容，而项目资金尚未足额：请确认基础类已优先保障",
            "central and provincial money pays items beyond the basic ones while the plan is short: check the basic items come first",
        ));
    }
    FundingCheck {
        total,
        higher_level: higher,
        higher_level_to_basic: to_basic,
        higher_level_to_others: to_others,
        higher_level_may_pay: estimate.higher_level_may_pay,
        gap_fen,
        errors,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(basic: i64, improvement: i64, enhancement: i64, may_pay: i64) -> Estimate {
        Estimate {
            lines: Vec::new(),
            by_category: [
                Money::from_fen(basic),
                Money::from_fen(improvement),
                Money::from_fen(enhancement),
            ],
            total: Money::from_fen(basic + improvement + enhancement),
            higher_level_may_pay: Money::from_fen(may_pay),
        }
    }

    #[test]
    fn higher_level_money_pays_only_allowed_items_basic_first() {
        // Basic 600, improvement 300 (of which 200 allowed), enhancement 100.
        let e = estimate(600, 300, 100, 800);
        let ok = check_plan(
            &[
                (FundingSource::Central, Money::from_fen(500)),
                (FundingSource::Provincial, Money::from_fen(300)),
                (FundingSource::CityCounty, Money::from_fen(200)),
            ],
            &e,
        );
        assert!(ok.errors.is_empty(), "{:?}", ok.errors);
        assert_eq!(ok.higher_level_to_basic, Money::from_fen(600));
        assert_eq!(ok.higher_level_to_others, Money::from_fen(200));
        assert_eq!(ok.gap_fen, 0);
        assert!(ok.warnings.is_empty());
        // One fen more than the allowed items cost is refused.
        let over = check_plan(
            &[
                (FundingSource::Central, Money::from_fen(501)),
                (FundingSource::Provincial, Money::from_fen(300)),
            ],
            &e,
        );
        assert_eq!(over.errors.len(), 1);
        // Other sources may pay anything.
        let local = check_plan(&[(FundingSource::CityCounty, Money::from_fen(1000))], &e);
        assert!(local.errors.is_empty());
        assert_eq!(local.higher_level, Money::from_fen(0));
    }

    #[test]
    fn a_short_plan_is_warned_of() {
        let e = estimate(600, 300, 100, 800);
        let short = check_plan(&[(FundingSource::Central, Money::from_fen(700))], &e);
        assert!(short.errors.is_empty());
        assert_eq!(short.gap_fen, 300);
        // Short, and 100 of the higher-level money beyond the basic items: two warnings.
        assert_eq!(short.warnings.len(), 2);
    }
}

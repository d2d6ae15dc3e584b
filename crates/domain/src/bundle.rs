//! Bundles (片区, DOMAIN §5): neighbouring estates planned, designed and carried out together,
//! and their money balance — the income their renovation makes possible (parking, charging,
//! advertising, service facilities, a paired income project) over the policy's years, against
//! their cost, in one of three ways of balancing it.

use crate::i18n::Text;
use crate::quantity::Money;
use serde::{Deserialize, Serialize};

/// Where a bundle's income comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncomeKind {
    Parking,
    Charging,
    Advertising,
    ServiceFacilities,
    /// A non-adjacent income-producing project paired with the bundle (跨片区组合).
    PartnerProject,
    Other,
}

impl IncomeKind {
    pub const ALL: [IncomeKind; 6] = [
        IncomeKind::Parking,
        IncomeKind::Charging,
        IncomeKind::Advertising,
        IncomeKind::ServiceFacilities,
        IncomeKind::PartnerProject,
        IncomeKind::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            IncomeKind::Parking => "parking",
            IncomeKind::Charging => "charging",
            IncomeKind::Advertising => "advertising",
            IncomeKind::ServiceFacilities => "service_facilities",
            IncomeKind::PartnerProject => "partner_project",
            IncomeKind::Other => "other",
        }
    }

    pub fn from_key(s: &str) -> Option<IncomeKind> {
        IncomeKind::ALL.into_iter().find(|k| k.key() == s)
    }

    pub fn label(self) -> Text {
        match self {
            IncomeKind::Parking => Text::new("停车收费", "parking"),
            IncomeKind::Charging => Text::new("充电设施", "charging"),
            IncomeKind::Advertising => Text::new("广告", "advertising"),
            IncomeKind::ServiceFacilities => Text::new("配套服务设施经营", "service facilities"),
            IncomeKind::PartnerProject => Text::new("跨片区组合项目", "paired income project"),
            IncomeKind::Other => Text::new("其他", "other"),
        }
    }
}

/// One source of income of a bundle, per year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncomeItem {
    pub kind: IncomeKind,
    #[serde(default)]
    pub description: String,
    /// Per year, in fen.
    pub annual: Money,
    /// The estate of the bundle it belongs to (self-balancing counts each estate's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estate_id: Option<i64>,
}

/// The three ways of balancing a bundle's money (DOMAIN §5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BalanceMode {
    /// 片区统筹: the adjacent estates' income covers their cost together.
    #[default]
    BundleWide,
    /// 跨片区组合: a non-adjacent income project is paired with the bundle.
    CrossBundle,
    /// 小区内自平衡: each estate's own income-producing facilities cover its own cost.
    SelfBalancing,
}

impl BalanceMode {
    pub const ALL: [BalanceMode; 3] = [
        BalanceMode::BundleWide,
        BalanceMode::CrossBundle,
        BalanceMode::SelfBalancing,
    ];

    pub fn key(self) -> &'static str {
        match self {
            BalanceMode::BundleWide => "bundle_wide",
            BalanceMode::CrossBundle => "cross_bundle",
            BalanceMode::SelfBalancing => "self_balancing",
        }
    }

    pub fn from_key(s: &str) -> Option<BalanceMode> {
        BalanceMode::ALL.into_iter().find(|m| m.key() == s)
    }

    pub fn label(self) -> Text {
        match self {
            BalanceMode::BundleWide => Text::new("片区统筹", "balanced across the bundle"),
            BalanceMode::CrossBundle => Text::new("跨片区组合", "paired with an income project"),
            BalanceMode::SelfBalancing => Text::new("小区内自平衡", "each estate balances itself"),
        }
    }
}

/// One part of a balance: the bundle (or one estate of it, when self-balancing).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BalanceLine {
    /// None for the whole bundle.
    pub estate_id: Option<i64>,
    pub cost: Money,
    /// The income over the policy's years.
    pub income: Money,
    /// income − cost: what is left over (or, negative, what other money must pay).
    pub net: Money,
}

/// A bundle's money balance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Balance {
    pub mode: BalanceMode,
    pub years: i32,
    pub cost: Money,
    pub income: Money,
    pub net: Money,
    /// The lines the mode balances: the whole bundle, or each estate.
    pub lines: Vec<BalanceLine>,
}

impl Balance {
    /// The share of the cost the income covers (1 and more: balanced).
    pub fn covered(&self) -> f64 {
        if self.cost.fen() == 0 {
            1.0
        } else {
            self.income.fen() as f64 / self.cost.fen() as f64
        }
    }
}

/// The balance of a bundle whose members cost `costs` (estate id, estimate), with these incomes
/// counted over `years`. Self-balancing sets each estate's own income against its own cost
/// (income not tied to an estate is left out); the other modes pool everything — the cross-bundle
/// mode is the bundle-wide one with its paired project among the incomes.
pub fn balance(
    costs: &[(i64, Money)],
    incomes: &[IncomeItem],
    years: i32,
    mode: BalanceMode,
) -> Balance {
    let over = |m: Money| Money::from_fen(m.fen() * i64::from(years));
    let line = |estate_id: Option<i64>, cost: Money, income: Money| BalanceLine {
        estate_id,
        cost,
        income,
        net: Money::from_fen(income.fen() - cost.fen()),
    };
    let lines: Vec<BalanceLine> = match mode {
        BalanceMode::SelfBalancing => costs
            .iter()
            .map(|&(id, cost)| {
                let income = incomes
                    .iter()
                    .filter(|i| i.estate_id == Some(id))
                    .map(|i| over(i.annual))
                    .sum();
                line(Some(id), cost, income)
            })
            .collect(),
        BalanceMode::BundleWide | BalanceMode::CrossBundle => vec![line(
            None,
            costs.iter().map(|c| c.1).sum(),
            incomes.iter().map(|i| over(i.annual)).sum(),
        )],
    };
    let cost: Money = lines.iter().map(|l| l.cost).sum();
    let income: Money = lines.iter().map(|l| l.income).sum();
    Balance {
        mode,
        years,
        cost,
        income,
        net: Money::from_fen(income.fen() - cost.fen()),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_modes_balance_what_they_say() {
        let costs = [
            (1, Money::from_yuan(1_000_000)),
            (2, Money::from_yuan(500_000)),
        ];
        let incomes = [
            IncomeItem {
                kind: IncomeKind::Parking,
                description: "120个车位".into(),
                annual: Money::from_yuan(60_000),
                estate_id: Some(1),
            },
            IncomeItem {
                kind: IncomeKind::Advertising,
                description: String::new(),
                annual: Money::from_yuan(10_000),
                estate_id: None,
            },
        ];
        let b = balance(&costs, &incomes, 15, BalanceMode::BundleWide);
        assert_eq!(b.cost, Money::from_yuan(1_500_000));
        assert_eq!(b.income, Money::from_yuan(70_000 * 15));
        assert_eq!(b.net, Money::from_yuan(1_050_000 - 1_500_000));
        assert_eq!(b.lines.len(), 1);
        let s = balance(&costs, &incomes, 15, BalanceMode::SelfBalancing);
        assert_eq!(s.lines.len(), 2);
        assert_eq!(s.lines[0].income, Money::from_yuan(900_000));
        assert_eq!(
            s.lines[1].income,
            Money::ZERO,
            "untied income is not an estate's own"
        );
        assert_eq!(s.income, Money::from_yuan(900_000));
        assert!((b.covered() - 0.7).abs() < 1e-12);
    }
}

//! The catalogue of works (改造内容, DOMAIN §4): what a renovation may include, in three
//! categories, each item with its unit, its unit cost and the funding sources that may pay for it.
//!
//! The catalogue is configuration: the national defaults are the `[catalogue]` tables of
//! `policy/national.toml`, and a province or city overrides a cost (or adds an item) like any
//! other policy number. An item also says how its quantity is derived from an estate's survey
//! data where no needs sheet gives one ([`Basis`]).

use crate::i18n::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

keyed_enum! {
    /// 改造内容类别 (seed 4 calls them 基本型/完善型/提升型).
    Category {
        Basic => "basic", "基础类", "basic";
        Improvement => "improvement", "完善类", "improvement";
        Enhancement => "enhancement", "提升类", "enhancement";
    }
}

keyed_enum! {
    /// The unit an item's quantity is counted in.
    Unit {
        SquareMetre => "m2", "平方米", "m²";
        Metre => "m", "米", "m";
        Household => "household", "户", "household";
        Building => "building", "栋", "building";
        Lift => "lift", "部", "lift";
        Point => "point", "处", "point";
        Space => "space", "个车位", "space";
        Set => "set", "套", "set";
    }
}

keyed_enum! {
    /// 资金来源 (DOMAIN §1).
    FundingSource {
        Central => "central", "中央补助", "central subsidy";
        Provincial => "provincial", "省级补助", "provincial subsidy";
        CityCounty => "city_county", "市县财政", "city and county budgets";
        SpecialBond => "special_bond", "专项债券", "special bonds";
        Utility => "utility", "专营单位", "utility companies";
        Residents => "residents", "居民出资", "residents";
        SocialCapital => "social_capital", "社会资本", "social capital";
        BankCredit => "bank_credit", "银行信贷", "bank credit";
    }
}

keyed_enum! {
    /// What an entry of the funding ledger records (DOMAIN §7).
    EntryKind {
        Allocation => "allocation", "下达", "allocation";
        Receipt => "receipt", "到位", "receipt";
        Disbursement => "disbursement", "拨付", "disbursement";
    }
}

impl FundingSource {
    /// Central and provincial money: it pays only the items that allow it, basic ones first
    /// (seed 1 §9).
    pub fn is_higher_level(self) -> bool {
        matches!(self, FundingSource::Central | FundingSource::Provincial)
    }
}

keyed_enum! {
    /// What a derived quantity is counted from, where no needs sheet gives it.
    #[derive(Default)]
    Basis {
        /// Not derived: only a needs sheet or a user gives it.
        #[default]
        None => "none", "不推算", "not derived";
        /// The floor area kept (m²), the part to be demolished left out.
        FloorArea => "floor_area", "建筑面积", "floor area";
        /// The households kept.
        Households => "households", "户数", "households";
        /// The buildings kept.
        Buildings => "buildings", "楼栋数", "buildings";
        /// The stairway units of kept buildings with at least `lift_min_floors` floors and no
        /// lift (from the building sheet; nothing without one).
        StairwayUnitsWithoutLift => "stairway_units_without_lift", "无电梯单元数", "stairway units without a lift";
        /// One for the estate.
        Estate => "estate", "每小区", "per estate";
        /// The illegal structures not yet removed.
        IllegalStructuresLeft => "illegal_structures_left", "未拆除违法建设数", "illegal structures left";
    }
}

/// One kind of work (改造内容) of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueItem {
    pub name_zh: String,
    pub name_en: String,
    pub category: Category,
    pub unit: Unit,
    /// Cost of one unit, in whole yuan.
    pub unit_cost_yuan: i64,
    /// The funding sources that may pay for it.
    pub sources: Vec<FundingSource>,
    /// How its quantity is derived from the estate's data where no sheet gives it.
    #[serde(default)]
    pub derive: Basis,
    /// The quantity per unit of the basis (e.g. 0.2 m² of roof per m² of floor area).
    #[serde(default = "one")]
    pub per: f64,
    /// Whether a derived need goes into the renovation list (改造清单) without anyone asking:
    /// basic items do; a lift waits for its stairway unit's vote, a service facility for a gap.
    #[serde(default)]
    pub in_list: bool,
    /// Touches what a historic building or district protects (roofs, façades, structure): an
    /// estate under protection has the item reviewed before it is done.
    #[serde(default)]
    pub heritage_review: bool,
}

fn one() -> f64 {
    1.0
}

impl CatalogueItem {
    pub fn name(&self) -> Text {
        Text::new(self.name_zh.clone(), self.name_en.clone())
    }

    /// Whether central or provincial money may pay for it.
    pub fn higher_level_may_pay(&self) -> bool {
        self.sources.iter().any(|s| s.is_higher_level())
    }
}

/// The catalogue: items by their code (`roof`, `lift` …), in code order.
pub type Catalogue = BTreeMap<String, CatalogueItem>;

/// Checks a catalogue's numbers; the message names the item and the key.
pub fn check(catalogue: &Catalogue) -> Result<(), String> {
    for (code, item) in catalogue {
        let valid_code = !code.is_empty()
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid_code {
            return Err(format!(
                "catalogue.{code}: 代码只能由小写字母、数字和下划线组成 / a code is lower-case letters, digits and _"
            ));
        }
        if item.unit_cost_yuan < 0 || item.unit_cost_yuan > 100_000_000 {
            return Err(format!(
                "catalogue.{code}.unit_cost_yuan {} 应在0–1亿元之间 / must be between 0 and 100 million yuan",
                item.unit_cost_yuan
            ));
        }
        if !(item.per.is_finite() && item.per >= 0.0 && item.per <= 10_000.0) {
            return Err(format!(
                "catalogue.{code}.per {} 应在0–10000之间 / must be between 0 and 10000",
                item.per
            ));
        }
        if item.sources.is_empty() {
            return Err(format!(
                "catalogue.{code}.sources: 至少一个资金来源 / at least one funding source"
            ));
        }
        if item.name_zh.trim().is_empty() {
            return Err(format!(
                "catalogue.{code}.name_zh: 不能为空 / must not be empty"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    #[test]
    fn the_national_catalogue_covers_the_three_categories_with_plausible_costs() {
        let p = Policy::national();
        let c = &p.catalogue;
        for cat in Category::ALL {
            assert!(
                c.values().filter(|i| i.category == *cat).count() >= 5,
                "{cat:?}"
            );
        }
        // DOMAIN §11: a lift for a six-storey unit costs 400–500 thousand yuan.
        let lift = &c["lift"];
        assert_eq!(lift.unit, Unit::Lift);
        assert!((400_000..=500_000).contains(&lift.unit_cost_yuan));
        assert!(!lift.in_list, "a lift waits for its unit's vote");
        // Central and provincial money pays basic items, never enhancement ones.
        for (code, item) in c {
            match item.category {
                Category::Basic => assert!(item.higher_level_may_pay(), "{code}"),
                Category::Enhancement => assert!(!item.higher_level_may_pay(), "{code}"),
                Category::Improvement => {}
            }
        }
        assert_eq!(check(c), Ok(()));
    }
}

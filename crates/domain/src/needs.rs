//! An estate's needs (需求), its renovation list (改造清单) and the estimate (概算) of that list
//! (DOMAIN §4): the needs come from a needs sheet or a user, and where neither says anything
//! about an item, from the estate's own survey data by the catalogue's rule ([`Basis`]),
//! marked as derived. The estimate is the sum of quantity × unit cost over the list, in fen.

use crate::catalogue::{Basis, Catalogue, CatalogueItem, Category};
use crate::estate::{Building, Estate};
use crate::i18n::Text;
use crate::policy::Policy;
use crate::quantity::Money;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a need's quantity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Derived from the estate's survey data by the catalogue's rule (推算).
    Derived,
    /// From a needs sheet (需求表).
    Sheet,
    /// Entered by a user.
    Entered,
}

impl Origin {
    pub fn key(self) -> &'static str {
        match self {
            Origin::Derived => "derived",
            Origin::Sheet => "sheet",
            Origin::Entered => "entered",
        }
    }

    pub fn from_key(s: &str) -> Option<Origin> {
        [Origin::Derived, Origin::Sheet, Origin::Entered]
            .into_iter()
            .find(|o| o.key() == s)
    }

    pub fn label(self) -> Text {
        match self {
            Origin::Derived => Text::new("推算", "derived"),
            Origin::Sheet => Text::new("需求表", "needs sheet"),
            Origin::Entered => Text::new("录入", "entered"),
        }
    }
}

/// One need of an estate: a catalogue item and its quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Need {
    /// The catalogue item's code.
    pub item: String,
    /// The quantity in hundredths of the item's unit (exact sums, like areas).
    pub quantity_centi: i64,
    /// On the renovation list (改造清单), so in the estimate.
    pub in_list: bool,
    /// A safety hazard (安全隐患) is recorded for it (a gas pipe that leaks, say).
    pub hazard: bool,
    pub origin: Origin,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Need {
    pub fn quantity(&self) -> f64 {
        self.quantity_centi as f64 / 100.0
    }
}

/// The quantities the catalogue's rules derive from: the estate's kept part (the part to be
/// demolished is outside the renovation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bases {
    pub floor_area_m2: f64,
    pub households: i64,
    pub buildings: i64,
    /// None without a building sheet.
    pub stairway_units_without_lift: Option<i64>,
    pub illegal_structures_left: i64,
}

impl Bases {
    pub fn of(estate: &Estate, buildings: &[Building], policy: &Policy) -> Bases {
        let kept = |b: &&Building| !b.to_be_demolished;
        let min_floors = policy.planning.lift_min_floors;
        let units = (!buildings.is_empty()).then(|| {
            buildings
                .iter()
                .filter(kept)
                .filter(|b| !b.has_lift && b.floors.is_some_and(|f| f >= min_floors))
                .map(|b| i64::from(b.stairway_units.unwrap_or(1).max(1)))
                .sum()
        });
        let d = estate.demolition;
        Bases {
            floor_area_m2: (estate.floor_area_centi_m2.centi_m2()
                - d.floor_area_centi_m2.centi_m2())
            .max(0) as f64
                / 100.0,
            households: i64::from((estate.households - d.households).max(0)),
            buildings: i64::from((estate.building_count - d.buildings).max(0)),
            stairway_units_without_lift: units,
            illegal_structures_left: i64::from(
                (estate.illegal_structures.unwrap_or(0)
                    - estate.illegal_structures_removed.unwrap_or(0))
                .max(0),
            ),
        }
    }

    fn of_basis(&self, basis: Basis) -> Option<f64> {
        match basis {
            Basis::None => None,
            Basis::FloorArea => Some(self.floor_area_m2),
            Basis::Households => Some(self.households as f64),
            Basis::Buildings => Some(self.buildings as f64),
            Basis::StairwayUnitsWithoutLift => self.stairway_units_without_lift.map(|u| u as f64),
            Basis::Estate => Some(1.0),
            Basis::IllegalStructuresLeft => Some(self.illegal_structures_left as f64),
        }
    }
}

/// The needs the catalogue derives from the estate's data: one line per item with a basis and a
/// quantity above zero. Counted items (lifts, points, sets) are whole numbers, rounded up.
pub fn derive(bases: &Bases, catalogue: &Catalogue) -> Vec<Need> {
    catalogue
        .iter()
        .filter_map(|(code, item)| {
            let q = bases.of_basis(item.derive)? * item.per;
            let q = if item.unit.is_counted() { q.ceil() } else { q };
            let quantity_centi = (q * 100.0).round() as i64;
            (quantity_centi > 0).then(|| Need {
                item: code.clone(),
                quantity_centi,
                in_list: item.in_list,
                hazard: false,
                origin: Origin::Derived,
                note: String::new(),
            })
        })
        .collect()
}

/// The estate's needs: its stored lines (sheet or entered), and the derived line of every item
/// they do not mention. A stored quantity of zero says "not needed" and hides the derived one.
pub fn merge(stored: &[Need], derived: Vec<Need>) -> Vec<Need> {
    let mut by_item: BTreeMap<String, Need> =
        derived.into_iter().map(|n| (n.item.clone(), n)).collect();
    for n in stored {
        by_item.insert(n.item.clone(), n.clone());
    }
    by_item.into_values().collect()
}

/// One line of an estimate: quantity × unit cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EstimateLine {
    pub item: String,
    pub category: Category,
    pub quantity_centi: i64,
    pub unit_cost: Money,
    pub amount: Money,
    /// Central or provincial money may pay for this item.
    pub higher_level_may_pay: bool,
}

/// 概算: the cost of the renovation list, by line and by category.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Estimate {
    pub lines: Vec<EstimateLine>,
    /// Basic, improvement, enhancement.
    pub by_category: [Money; 3],
    pub total: Money,
    /// The part central and provincial money may pay (its items allow it).
    pub higher_level_may_pay: Money,
}

impl Estimate {
    /// Quantity (hundredths) × unit cost (fen) / 100, rounded half up to the fen.
    fn amount(quantity_centi: i64, unit_cost: Money) -> Money {
        let product = i128::from(quantity_centi) * i128::from(unit_cost.fen());
        Money::from_fen(((product + 50) / 100) as i64)
    }

    /// The estimate of the needs on the list; a need whose item the catalogue lacks (an item a
    /// city removed, say) is left out.
    pub fn of(needs: &[Need], catalogue: &Catalogue) -> Estimate {
        let mut e = Estimate::default();
        for n in needs.iter().filter(|n| n.in_list && n.quantity_centi > 0) {
            let Some(item) = catalogue.get(&n.item) else {
                continue;
            };
            let unit_cost = Money::from_yuan(item.unit_cost_yuan);
            let amount = Estimate::amount(n.quantity_centi, unit_cost);
            e.by_category[category_index(item.category)] += amount;
            e.total += amount;
            if item.higher_level_may_pay() {
                e.higher_level_may_pay += amount;
            }
            e.lines.push(EstimateLine {
                item: n.item.clone(),
                category: item.category,
                quantity_centi: n.quantity_centi,
                unit_cost,
                amount,
                higher_level_may_pay: item.higher_level_may_pay(),
            });
        }
        e
    }
}

fn category_index(c: Category) -> usize {
    match c {
        Category::Basic => 0,
        Category::Improvement => 1,
        Category::Enhancement => 2,
    }
}

/// The items of the list that an estate under historic protection has reviewed first.
pub fn heritage_reviews<'a>(
    estate: &Estate,
    needs: &'a [Need],
    catalogue: &Catalogue,
) -> Vec<&'a Need> {
    if !estate.historic_protection {
        return Vec::new();
    }
    needs
        .iter()
        .filter(|n| n.in_list && catalogue.get(&n.item).is_some_and(|i| i.heritage_review))
        .collect()
}

impl crate::catalogue::Unit {
    /// Counted in whole pieces (lifts, points, sets, spaces, buildings, households).
    pub fn is_counted(self) -> bool {
        !matches!(
            self,
            crate::catalogue::Unit::SquareMetre | crate::catalogue::Unit::Metre
        )
    }
}

/// The item of a need, for its names and unit.
pub fn item_of<'a>(need: &Need, catalogue: &'a Catalogue) -> Option<&'a CatalogueItem> {
    catalogue.get(&need.item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Area, DivisionCode};

    /// An estate of the shape the seeds give (安庆: 11 buildings, 276 households; 安徽: 94.5 m²
    /// per household).
    fn typical() -> (Estate, Vec<Building>) {
        let mut e = Estate::new("样本小区", DivisionCode::parse("340802001001").unwrap());
        e.building_count = 11;
        e.households = 276;
        e.floor_area_centi_m2 = Area::from_centi_m2(276 * 9450);
        e.illegal_structures = Some(4);
        e.illegal_structures_removed = Some(1);
        let b = |n: usize, floors: i32, lift: bool| Building {
            number: n.to_string(),
            floors: Some(floors),
            stairway_units: Some(2),
            has_lift: lift,
            ..Building::default()
        };
        let bs = (1..=11)
            .map(|n| b(n, if n <= 2 { 3 } else { 6 }, n == 11))
            .collect();
        (e, bs)
    }

    #[test]
    fn derived_needs_cost_what_real_budgets_say() {
        let p = Policy::national();
        let (e, bs) = typical();
        let bases = Bases::of(&e, &bs, &p);
        // Eight six-storey buildings without a lift, two units each; the three-storey ones and
        // the one with a lift need none.
        assert_eq!(bases.stairway_units_without_lift, Some(16));
        assert_eq!(bases.illegal_structures_left, 3);
        let needs = derive(&bases, &p.catalogue);
        assert!(needs.iter().all(|n| n.origin == Origin::Derived));
        let lift = needs.iter().find(|n| n.item == "lift").unwrap();
        assert_eq!((lift.quantity_centi, lift.in_list), (1600, false));
        let est = Estimate::of(&needs, &p.catalogue);
        // DOMAIN §11: whole-estate renovation 150–500 yuan/m², about 27,000 yuan per household.
        let per_m2 = est.total.fen() as f64 / 100.0 / (276.0 * 94.5);
        assert!((150.0..=500.0).contains(&per_m2), "{per_m2} yuan/m²");
        let per_household = est.total.fen() / 100 / 276;
        assert!(
            (20_000..=35_000).contains(&per_household),
            "{per_household}"
        );
        // The estimate is the sum of its lines, and of its categories.
        assert_eq!(est.lines.iter().map(|l| l.amount).sum::<Money>(), est.total);
        assert_eq!(est.by_category.iter().copied().sum::<Money>(), est.total);
        assert!(est.higher_level_may_pay <= est.total && est.higher_level_may_pay > Money::ZERO);
        assert_eq!(est.by_category[2], Money::ZERO, "no enhancement by default");
    }

    #[test]
    fn stored_needs_replace_derived_ones_and_zero_means_not_needed() {
        let p = Policy::national();
        let (e, bs) = typical();
        let derived = derive(&Bases::of(&e, &bs, &p), &p.catalogue);
        let stored = vec![
            Need {
                item: "gas".into(),
                quantity_centi: 0,
                in_list: true,
                hazard: false,
                origin: Origin::Sheet,
                note: "已通天然气".into(),
            },
            Need {
                item: "lift".into(),
                quantity_centi: 200,
                in_list: true,
                hazard: false,
                origin: Origin::Entered,
                note: String::new(),
            },
        ];
        let needs = merge(&stored, derived.clone());
        assert_eq!(needs.len(), derived.len());
        let est = Estimate::of(&needs, &p.catalogue);
        assert!(!est.lines.iter().any(|l| l.item == "gas"));
        let lift = est.lines.iter().find(|l| l.item == "lift").unwrap();
        assert_eq!(lift.amount, Money::from_yuan(2 * 450_000));
    }

    #[test]
    fn amounts_round_half_up_to_the_fen() {
        // 0.5 m² at 1.01 yuan = 0.505 yuan → 0.51 yuan.
        assert_eq!(
            Estimate::amount(50, Money::from_fen(101)),
            Money::from_fen(51)
        );
        assert_eq!(
            Estimate::amount(12_345, Money::from_yuan(150)),
            Money::from_fen(1_851_750)
        );
    }

    #[test]
    fn the_demolished_part_is_left_out_and_heritage_items_are_flagged() {
        let p = Policy::national();
        let (mut e, mut bs) = typical();
        bs[10].to_be_demolished = true;
        bs[10].households = Some(24);
        bs[10].floor_area_centi_m2 = Some(Area::from_centi_m2(24 * 9450));
        e.demolition = crate::estate::Demolition::of(&bs);
        let bases = Bases::of(&e, &bs, &p);
        assert_eq!((bases.households, bases.buildings), (252, 10));
        e.historic_protection = true;
        let needs = derive(&bases, &p.catalogue);
        let flagged: Vec<&str> = heritage_reviews(&e, &needs, &p.catalogue)
            .iter()
            .map(|n| n.item.as_str())
            .collect();
        assert!(flagged.contains(&"roof") && flagged.contains(&"exterior_wall"));
        assert!(!flagged.contains(&"lift"), "not on the list yet");
    }
}

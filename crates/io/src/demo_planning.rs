//! The demo's planning data, deterministic from the seed: what a county's survey of needs would
//! record (safety hazards in drainage, power and gas lines; gas already piped in newer estates;
//! lifts a stairway unit voted for), the service facilities of the life circles near the
//! estates, and the income a bundle's parking, charging and advertising would bring.

use crate::demo::Rng;
use anju_domain::bundle::{BalanceMode, IncomeItem, IncomeKind};
use anju_domain::estate::Wgs84;
use anju_domain::needs::{Need, Origin};
use anju_domain::{DivisionCode, Money};
use std::collections::BTreeMap;

/// An estate of the demo, as the planning data needs it.
#[derive(Debug, Clone)]
pub struct DemoSite {
    pub id: i64,
    pub division: DivisionCode,
    pub location: Option<Wgs84>,
    pub households: i32,
    pub buildings: i32,
    pub year_completed: Option<i32>,
}

/// A facility of the demo.
#[derive(Debug, Clone)]
pub struct DemoFacility {
    pub kind: String,
    pub name: String,
    pub division: DivisionCode,
    pub location: Wgs84,
}

fn need(item: &str, quantity: i64, hazard: bool, note: &str) -> Need {
    Need {
        item: item.into(),
        quantity_centi: quantity * 100,
        in_list: true,
        hazard,
        origin: Origin::Sheet,
        note: note.into(),
    }
}

/// The needs a survey of needs records for some of the estates (a third of them): the rest
/// keep what their data derives.
pub fn needs(sites: &[DemoSite], seed: u64) -> Vec<(i64, Need)> {
    let mut rng = Rng::new(seed ^ 0x6e65_6564);
    let mut out = Vec::new();
    for s in sites {
        if !rng.chance(0.35) {
            continue;
        }
        let h = i64::from(s.households.max(1));
        // Older estates have more worn lines (seed 方案3: hazards first).
        let age = 2026 - s.year_completed.unwrap_or(1995);
        let worn = (f64::from(age) / 60.0).clamp(0.05, 0.6);
        if rng.chance(worn) {
            out.push((s.id, need("drainage", h, true, "雨污混流，雨季倒灌")));
        }
        if rng.chance(worn * 0.6) {
            out.push((s.id, need("power", h, true, "线路老化，存在火灾隐患")));
        }
        if s.year_completed.is_some_and(|y| y >= 1995) && rng.chance(0.5) {
            out.push((s.id, need("gas", 0, false, "已通管道天然气")));
        } else if rng.chance(worn * 0.5) {
            out.push((s.id, need("gas", h, true, "燃气管道锈蚀")));
        }
        // A stairway unit or two voted for a lift.
        if s.buildings >= 3 && rng.chance(0.12) {
            out.push((
                s.id,
                need("lift", 1 + rng.below(3) as i64, false, "单元业主表决同意"),
            ));
        }
    }
    out
}

/// Facilities near the estates: beside each located estate, each kind stands with its own
/// likelihood (shops and parcel stations often, service centres seldom) a few hundred metres
/// away — so that some estates have everything within a walk and others lack much.
pub fn facilities(
    sites: &[DemoSite],
    kinds: &BTreeMap<String, anju_domain::policy::FacilityKind>,
    seed: u64,
) -> Vec<DemoFacility> {
    let mut rng = Rng::new(seed ^ 0x6661_6369);
    let likelihood = |kind: &str| match kind {
        "shop" => 0.9,
        "parcel" => 0.7,
        "elderly_care" => 0.35,
        "childcare" => 0.3,
        "kindergarten" => 0.35,
        "health" => 0.35,
        "meal_help" => 0.25,
        _ => 0.2,
    };
    let mut out = Vec::new();
    let mut seen: BTreeMap<(String, DivisionCode), u32> = BTreeMap::new();
    for s in sites {
        let Some(at) = s.location else { continue };
        for (kind, k) in kinds {
            if !rng.chance(likelihood(kind)) {
                continue;
            }
            // Up to ~330 m away each way (0.003° ≈ 330 m north–south).
            let location = Wgs84 {
                lon: at.lon + (rng.f() - 0.5) * 0.006,
                lat: at.lat + (rng.f() - 0.5) * 0.006,
            };
            let n = seen.entry((kind.clone(), s.division)).or_default();
            *n += 1;
            out.push(DemoFacility {
                kind: kind.clone(),
                name: format!("{}{}号", k.name_zh, n),
                division: s.division,
                location,
            });
        }
    }
    out
}

/// The incomes and balance mode of a demo bundle of these estates (households each).
pub fn bundle_money(members: &[(i64, i32)], rng: &mut Rng) -> (BalanceMode, Vec<IncomeItem>) {
    let households: i64 = members.iter().map(|m| i64::from(m.1)).sum();
    let mode = *rng.pick(&[
        (BalanceMode::BundleWide, 0.6),
        (BalanceMode::SelfBalancing, 0.25),
        (BalanceMode::CrossBundle, 0.15),
    ]);
    let mut incomes = Vec::new();
    // One space for ten households, let at about 100 yuan a month.
    for &(id, h) in members {
        let spaces = (i64::from(h) / 10).max(1);
        incomes.push(IncomeItem {
            kind: IncomeKind::Parking,
            description: format!("{spaces}个车位"),
            annual: Money::from_yuan(spaces * 1_200),
            estate_id: Some(id),
        });
    }
    incomes.push(IncomeItem {
        kind: IncomeKind::Charging,
        description: "充电桩运营".into(),
        annual: Money::from_yuan(households * 30),
        estate_id: None,
    });
    incomes.push(IncomeItem {
        kind: IncomeKind::Advertising,
        description: "道闸及电梯广告".into(),
        annual: Money::from_yuan(20_000),
        estate_id: None,
    });
    if mode == BalanceMode::CrossBundle {
        incomes.push(IncomeItem {
            kind: IncomeKind::PartnerProject,
            description: "配建菜市场经营收益".into(),
            annual: Money::from_yuan(300_000 + rng.below(300) as i64 * 1_000),
            estate_id: None,
        });
    }
    (mode, incomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites() -> Vec<DemoSite> {
        (0..400)
            .map(|i| DemoSite {
                id: i,
                division: DivisionCode::parse("340104001001").unwrap(),
                location: Some(Wgs84 {
                    lon: 117.2 + (i % 20) as f64 * 0.01,
                    lat: 31.8 + (i / 20) as f64 * 0.01,
                }),
                households: 200,
                buildings: 8,
                year_completed: Some(if i % 2 == 0 { 1982 } else { 1998 }),
            })
            .collect()
    }

    #[test]
    fn the_demo_survey_is_deterministic_and_older_estates_have_more_hazards() {
        let s = sites();
        let a = needs(&s, 7);
        assert_eq!(a, needs(&s, 7), "the same seed, the same needs");
        let hazards = |old: bool| {
            a.iter()
                .filter(|(id, n)| n.hazard && (id % 2 == 0) == old)
                .count()
        };
        assert!(
            hazards(true) > hazards(false),
            "{} vs {}",
            hazards(true),
            hazards(false)
        );
        // Gas is "not needed" only where it was piped in (the newer estates).
        assert!(a
            .iter()
            .filter(|(_, n)| n.item == "gas" && n.quantity_centi == 0)
            .all(|(id, _)| id % 2 == 1));
    }

    #[test]
    fn facilities_stand_near_estates_and_bundles_earn_something() {
        let kinds = anju_domain::Policy::national().life_circle.kinds;
        let s = sites();
        let f = facilities(&s, &kinds, 7);
        assert!(f.len() > s.len(), "{}", f.len());
        assert!(f.iter().all(|x| kinds.contains_key(&x.kind)));
        let mut rng = Rng::new(1);
        let (_, incomes) = bundle_money(&[(1, 200), (2, 100)], &mut rng);
        assert!(incomes.iter().all(|i| i.annual > Money::ZERO));
        assert_eq!(
            incomes
                .iter()
                .filter(|i| i.kind == IncomeKind::Parking)
                .count(),
            2,
            "each estate's own parking"
        );
    }
}

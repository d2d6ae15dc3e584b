//! The factor method (因素法, DOMAIN §7): a level's subsidy split among the divisions below it by
//! weighted factors — by default eligible floor area 40 %, households 40 %, buildings 10 %,
//! estates 10 % (`[allocation]` of the policy) — each division's index then multiplied by its
//! evaluation score where there is one. Amounts are whole fen and add up to the total exactly:
//! each division gets the floor of its exact share, and the fen left over go to the largest
//! remainders (ties to the earlier division).

use anju_domain::policy::AllocationPolicy;

/// A division's factors.
#[derive(Debug, Clone, PartialEq)]
pub struct Factors {
    pub code: String,
    pub name: String,
    pub floor_area_centi_m2: i64,
    pub households: i64,
    pub buildings: i64,
    pub estates: i64,
    /// The evaluation's adjustment (1 = none), where there is one.
    pub score: Option<f64>,
}

impl Factors {
    /// The factors of each division below a summary's: what is eligible there (no evaluation
    /// score yet).
    pub fn below(summary: &anju_domain::Summary) -> Vec<Factors> {
        summary
            .parts
            .iter()
            .map(|p| Factors {
                code: p.division_code.clone(),
                name: p.division_name.clone(),
                floor_area_centi_m2: p.totals.eligible_floor_area_centi_m2,
                households: p.totals.eligible_households,
                buildings: p.totals.eligible_buildings,
                estates: p.totals.eligible_estates,
                score: None,
            })
            .collect()
    }
}

/// A division's share with the arithmetic that made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub code: String,
    pub name: String,
    /// Its part of each factor's total (0–1): area, households, buildings, estates.
    pub parts: [f64; 4],
    /// Σ weight × part.
    pub index: f64,
    /// The index times the score.
    pub adjusted: f64,
    /// Whole fen.
    pub amount_fen: i64,
}

/// Splits `total_fen` among `divisions` (see the module's comment). With no factor at all the
/// total goes in equal parts.
pub fn allocate(total_fen: i64, divisions: &[Factors], w: &AllocationPolicy) -> Vec<Share> {
    let weights = [
        w.area_pct / 100.0,
        w.households_pct / 100.0,
        w.buildings_pct / 100.0,
        w.estates_pct / 100.0,
    ];
    let values = |d: &Factors| {
        [
            d.floor_area_centi_m2 as f64,
            d.households as f64,
            d.buildings as f64,
            d.estates as f64,
        ]
    };
    let mut sums = [0.0; 4];
    for d in divisions {
        for (s, v) in sums.iter_mut().zip(values(d)) {
            *s += v.max(0.0);
        }
    }
    let mut shares: Vec<Share> = divisions
        .iter()
        .map(|d| {
            let v = values(d);
            let parts: [f64; 4] = std::array::from_fn(|f| {
                if sums[f] > 0.0 {
                    v[f].max(0.0) / sums[f]
                } else {
                    0.0
                }
            });
            let index: f64 = parts.iter().zip(weights).map(|(p, w)| p * w).sum();
            Share {
                code: d.code.clone(),
                name: d.name.clone(),
                parts,
                index,
                adjusted: index * d.score.unwrap_or(1.0).max(0.0),
                amount_fen: 0,
            }
        })
        .collect();
    let total_adjusted: f64 = shares.iter().map(|s| s.adjusted).sum();
    if shares.is_empty() || total_fen <= 0 {
        return shares;
    }
    let n = shares.len() as f64;
    let exact: Vec<f64> = shares
        .iter()
        .map(|s| {
            if total_adjusted > 0.0 {
                total_fen as f64 * s.adjusted / total_adjusted
            } else {
                total_fen as f64 / n
            }
        })
        .collect();
    let mut given = 0i64;
    for (s, e) in shares.iter_mut().zip(&exact) {
        s.amount_fen = e.floor() as i64;
        given += s.amount_fen;
    }
    // The fen left over, one each, to the largest remainders.
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut left = total_fen - given;
    for &i in order.iter().cycle() {
        if left <= 0 {
            break;
        }
        shares[i].amount_fen += 1;
        left -= 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(code: &str, area: i64, hh: i64, b: i64, e: i64, score: Option<f64>) -> Factors {
        Factors {
            code: code.into(),
            name: code.into(),
            floor_area_centi_m2: area,
            households: hh,
            buildings: b,
            estates: e,
            score,
        }
    }

    #[test]
    fn the_default_weights_and_the_arithmetic() {
        // Two counties: A has three quarters of the area and households, half the buildings
        // and estates: 0.4·0.75 + 0.4·0.75 + 0.1·0.5 + 0.1·0.5 = 0.7.
        let s = allocate(
            100_000_000,
            &[d("A", 300, 75, 5, 1, None), d("B", 100, 25, 5, 1, None)],
            &AllocationPolicy::default(),
        );
        assert!((s[0].index - 0.7).abs() < 1e-12);
        assert_eq!(s[0].parts, [0.75, 0.75, 0.5, 0.5]);
        assert_eq!((s[0].amount_fen, s[1].amount_fen), (70_000_000, 30_000_000));
        // A score of 0.5 on A: 0.35 against 0.3.
        let s = allocate(
            1_300,
            &[
                d("A", 300, 75, 5, 1, Some(0.5)),
                d("B", 100, 25, 5, 1, None),
            ],
            &AllocationPolicy::default(),
        );
        assert_eq!((s[0].amount_fen, s[1].amount_fen), (700, 600));
    }

    proptest! {
        /// The amounts add up to the total to the fen, and none is negative.
        #[test]
        fn amounts_sum_to_the_total_to_the_fen(
            total in 0i64..10_000_000_000,
            divisions in proptest::collection::vec(
                (0i64..1_000_000_000, 0i64..100_000, 0i64..1_000, 0i64..100, proptest::option::of(0.0f64..2.0)),
                1..40,
            ),
        ) {
            let ds: Vec<Factors> = divisions
                .iter()
                .enumerate()
                .map(|(i, &(a, h, b, e, s))| d(&format!("d{i}"), a, h, b, e, s))
                .collect();
            let s = allocate(total, &ds, &AllocationPolicy::default());
            prop_assert_eq!(s.iter().map(|x| x.amount_fen).sum::<i64>(), total);
            prop_assert!(s.iter().all(|x| x.amount_fen >= 0));
        }
    }
}

//! Life-circle gaps (十五分钟生活圈, DOMAIN §5 and GB 50180-2018): for each estate, the kinds of
//! facility that no facility of that kind serves within the walking radius of its circle (5, 10
//! or 15 minutes) — the walk being the straight line times the policy's detour factor — and the
//! catalogue item recommended to fill each gap.

use crate::geo;
use anju_domain::estate::Wgs84;
use anju_domain::policy::LifeCirclePolicy;
use std::collections::BTreeMap;

/// A facility: its kind (a key of the policy's kinds) and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Facility {
    pub kind: String,
    pub location: Wgs84,
}

/// One gap of an estate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Gap {
    /// The kind of facility lacking.
    pub kind: String,
    /// Its circle (5, 10 or 15 minutes).
    pub minutes: i32,
    /// The walk to the nearest one of the kind, in metres, if there is any.
    pub nearest_walk_m: Option<f64>,
    /// The catalogue item recommended.
    pub item: String,
}

/// The facilities indexed by kind, to ask of many estates.
pub struct Facilities {
    by_kind: BTreeMap<String, (Vec<Wgs84>, geo::Index)>,
}

impl Facilities {
    pub fn new(facilities: &[Facility]) -> Facilities {
        let mut lists: BTreeMap<String, Vec<Wgs84>> = BTreeMap::new();
        for f in facilities {
            lists.entry(f.kind.clone()).or_default().push(f.location);
        }
        Facilities {
            by_kind: lists
                .into_iter()
                .map(|(k, pts)| {
                    let idx = geo::index(pts.iter().copied().enumerate());
                    (k, (pts, idx))
                })
                .collect(),
        }
    }

    /// The walk (m) from `at` to the nearest facility of `kind`, if there is one.
    fn nearest_walk(&self, kind: &str, at: Wgs84, detour: f64) -> Option<f64> {
        let (pts, idx) = self.by_kind.get(kind)?;
        let n = idx.nearest_neighbor(&geo::point(at))?;
        Some(geo::distance_m(at, pts[n.data]) * detour)
    }

    /// The gaps of an estate at `at`, in the order of the policy's kinds.
    pub fn gaps(&self, at: Wgs84, policy: &LifeCirclePolicy) -> Vec<Gap> {
        policy
            .kinds
            .iter()
            .filter_map(|(kind, k)| {
                let walk = self.nearest_walk(kind, at, policy.detour_factor);
                let radius = policy.radius_m(k.minutes);
                match walk {
                    Some(w) if w <= radius => None,
                    _ => Some(Gap {
                        kind: kind.clone(),
                        minutes: k.minutes,
                        nearest_walk_m: walk,
                        item: k.item.clone(),
                    }),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_facility_serves_within_its_circle_counting_the_detour() {
        let p = anju_domain::Policy::national().life_circle;
        let home = Wgs84 {
            lon: 117.0,
            lat: 31.0,
        };
        // 222 m north: a 289 m walk, inside the 5-minute circle (300 m).
        let near = Wgs84 {
            lon: 117.0,
            lat: 31.002,
        };
        // 244 m north: a 317 m walk, outside it.
        let beyond = Wgs84 {
            lon: 117.0,
            lat: 31.0022,
        };
        let f = Facilities::new(&[
            Facility {
                kind: "elderly_care".into(),
                location: near,
            },
            Facility {
                kind: "childcare".into(),
                location: beyond,
            },
            // A 10-minute kind at 317 m: inside its 500 m circle.
            Facility {
                kind: "health".into(),
                location: beyond,
            },
        ]);
        let gaps = f.gaps(home, &p);
        let kinds: Vec<&str> = gaps.iter().map(|g| g.kind.as_str()).collect();
        assert!(!kinds.contains(&"elderly_care"));
        assert!(kinds.contains(&"childcare"));
        assert!(!kinds.contains(&"health"));
        let childcare = gaps.iter().find(|g| g.kind == "childcare").unwrap();
        assert!((childcare.nearest_walk_m.unwrap() - 244.6 * 1.3).abs() < 1.0);
        assert_eq!(childcare.item, "childcare");
        // A kind with no facility at all lacks everywhere.
        let service = gaps.iter().find(|g| g.kind == "service_centre").unwrap();
        assert_eq!((service.minutes, service.nearest_walk_m), (15, None));
    }
}

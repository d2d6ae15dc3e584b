//! Proposals of bundles (片区, DOMAIN §5): estates of one street (街道/镇) within the policy's
//! distance of each other, chained (A near B, B near C: one bundle); then each scattered single
//! building (an estate of one building) still alone joins the nearest estate of its street
//! within the wider merge distance. A planner keeps, edits or drops each proposal.

use crate::geo;
use anju_domain::estate::Wgs84;
use anju_domain::policy::BundlePolicy;

/// An estate as the proposals see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: i64,
    /// The street (town-level code) it lies in.
    pub street: String,
    pub location: Option<Wgs84>,
    /// An estate of a single building (单栋): scattered, to be merged.
    pub single_building: bool,
}

/// A proposed bundle: its estates (ids, ascending) in one street.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub street: String,
    pub members: Vec<i64>,
    /// How many of them are scattered single buildings merged in.
    pub merged_scattered: usize,
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // The smaller index is the root: the result does not depend on the order of the pairs.
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        parent[hi] = lo;
    }
}

/// The proposals for `sites` (those without a location are left out: their neighbours cannot
/// be told). Sites already in a bundle are the caller's to leave out.
pub fn propose(sites: &[Site], policy: &BundlePolicy) -> Vec<Proposal> {
    let located: Vec<(usize, Wgs84)> = sites
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.location.map(|p| (i, p)))
        .collect();
    let index = geo::index(located.iter().copied());
    let mut parent: Vec<usize> = (0..sites.len()).collect();
    for &(i, p) in &located {
        for j in geo::within(&index, p, policy.max_distance_m) {
            if j != i && sites[j].street == sites[i].street {
                union(&mut parent, i, j);
            }
        }
    }
    let mut size = vec![0usize; sites.len()];
    for &(i, _) in &located {
        let r = find(&mut parent, i);
        size[r] += 1;
    }
    // Scattered single buildings still alone: to the nearest estate of their street in reach.
    let mut merged = vec![false; sites.len()];
    for &(i, p) in &located {
        if !sites[i].single_building || size[find(&mut parent, i)] > 1 {
            continue;
        }
        let nearest = geo::within(&index, p, policy.scattered_merge_m)
            .filter(|&j| j != i && sites[j].street == sites[i].street)
            .map(|j| (geo::distance_m(p, sites[j].location.expect("indexed")), j))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        if let Some((_, j)) = nearest {
            let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
            union(&mut parent, i, j);
            let r = find(&mut parent, i);
            size[r] = size[ri].max(1) + size[rj].max(1);
            merged[i] = true;
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for &(i, _) in &located {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut out: Vec<Proposal> = groups
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|g| {
            let mut members: Vec<i64> = g.iter().map(|&i| sites[i].id).collect();
            members.sort_unstable();
            Proposal {
                street: sites[g[0]].street.clone(),
                merged_scattered: g.iter().filter(|&&i| merged[i]).count(),
                members,
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.street, a.members[0]).cmp(&(&b.street, b.members[0])));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(id: i64, street: &str, lon: f64, lat: f64, single: bool) -> Site {
        Site {
            id,
            street: street.into(),
            location: Some(Wgs84 { lon, lat }),
            single_building: single,
        }
    }

    fn policy() -> BundlePolicy {
        anju_domain::Policy::national().bundles
    }

    #[test]
    fn neighbours_of_one_street_chain_into_a_bundle() {
        // 0.002° of latitude ≈ 222 m: 1–2–3 chain (each within 300 m of the next, 1 and 3 are
        // 444 m apart); 4 is in the same place as 3 but another street; 5 is far away.
        let sites = vec![
            site(1, "A", 117.0, 31.000, false),
            site(2, "A", 117.0, 31.002, false),
            site(3, "A", 117.0, 31.004, false),
            site(4, "B", 117.0, 31.004, false),
            site(5, "A", 117.0, 31.050, false),
        ];
        let p = propose(&sites, &policy());
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].members, vec![1, 2, 3]);
        assert_eq!(p[0].merged_scattered, 0);
    }

    #[test]
    fn a_scattered_building_joins_its_nearest_neighbour_within_reach() {
        // 6 is a single building 444 m from 7 (beyond 300 m, within 600 m); 8 is a single
        // building 1.1 km from anyone.
        let sites = vec![
            site(6, "A", 117.0, 31.000, true),
            site(7, "A", 117.0, 31.004, false),
            site(8, "A", 117.0, 31.014, true),
            site(9, "A", 117.0, 31.0042, false),
        ];
        let p = propose(&sites, &policy());
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].members, vec![6, 7, 9]);
        assert_eq!(p[0].merged_scattered, 1);
        // Without location nothing is proposed.
        let blind: Vec<Site> = sites
            .into_iter()
            .map(|s| Site {
                location: None,
                ..s
            })
            .collect();
        assert!(propose(&blind, &policy()).is_empty());
    }
}

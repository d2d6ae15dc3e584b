//! Points on the earth for the spatial index: WGS-84 positions as points on a sphere in metres,
//! so that the straight (chord) distance of the R-tree is the great-circle distance to well
//! under a metre at the few kilometres planning looks at, anywhere in the country.

use anju_domain::estate::Wgs84;
use rstar::primitives::GeomWithData;
use rstar::RTree;

/// The mean radius of the earth, in metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A position on the sphere, in metres.
pub fn point(p: Wgs84) -> [f64; 3] {
    let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
    [
        EARTH_RADIUS_M * lat.cos() * lon.cos(),
        EARTH_RADIUS_M * lat.cos() * lon.sin(),
        EARTH_RADIUS_M * lat.sin(),
    ]
}

/// The straight-line distance between two positions, in metres.
pub fn distance_m(a: Wgs84, b: Wgs84) -> f64 {
    let (p, q) = (point(a), point(b));
    ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt()
}

/// An R-tree of positions, each with its index in the caller's list.
pub type Index = RTree<GeomWithData<[f64; 3], usize>>;

/// Builds the index of the positions that are known.
pub fn index(points: impl Iterator<Item = (usize, Wgs84)>) -> Index {
    RTree::bulk_load(
        points
            .map(|(i, p)| GeomWithData::new(point(p), i))
            .collect(),
    )
}

/// The indices of the positions within `metres` of `p`.
pub fn within(index: &Index, p: Wgs84, metres: f64) -> impl Iterator<Item = usize> + '_ {
    index
        .locate_within_distance(point(p), metres * metres)
        .map(|g| g.data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_metres_on_the_ground() {
        // One thousandth of a degree of latitude is about 111 m.
        let a = Wgs84 {
            lon: 117.0,
            lat: 31.0,
        };
        let b = Wgs84 {
            lon: 117.0,
            lat: 31.001,
        };
        assert!((distance_m(a, b) - 111.2).abs() < 0.5);
        // East–west shrinks with the cosine of the latitude.
        let c = Wgs84 {
            lon: 117.001,
            lat: 31.0,
        };
        assert!((distance_m(a, c) - 111.2 * 31f64.to_radians().cos()).abs() < 0.5);
        let idx = index(
            [
                (0, a),
                (1, b),
                (
                    2,
                    Wgs84 {
                        lon: 118.0,
                        lat: 31.0,
                    },
                ),
            ]
            .into_iter(),
        );
        let mut near: Vec<usize> = within(&idx, a, 200.0).collect();
        near.sort();
        assert_eq!(near, vec![0, 1]);
    }
}

//! Coordinates: anju stores WGS-84; sheets come in WGS-84, GCJ-02 (Amap, Tencent) or BD-09 (Baidu).

use anju_domain::{estate::Wgs84, CoordinateSystem};

/// Converts a point in `crs` to WGS-84.
pub fn to_wgs84(lon: f64, lat: f64, crs: CoordinateSystem) -> Wgs84 {
    let (lon, lat) = match crs {
        CoordinateSystem::Wgs84 => (lon, lat),
        CoordinateSystem::Gcj02 => coordtransform::gcj02_to_wgs84(lon, lat),
        CoordinateSystem::Bd09 => coordtransform::bd09_to_wgs84(lon, lat),
    };
    Wgs84 { lon, lat }
}

/// Converts a stored WGS-84 point to `crs` for export.
pub fn from_wgs84(p: Wgs84, crs: CoordinateSystem) -> (f64, f64) {
    match crs {
        CoordinateSystem::Wgs84 => (p.lon, p.lat),
        CoordinateSystem::Gcj02 => coordtransform::wgs84_to_gcj02(p.lon, p.lat),
        CoordinateSystem::Bd09 => coordtransform::wgs84_to_bd09(p.lon, p.lat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_within_a_metre() {
        let p = Wgs84 {
            lon: 117.0634,
            lat: 30.5435,
        };
        for crs in [CoordinateSystem::Gcj02, CoordinateSystem::Bd09] {
            let (x, y) = from_wgs84(p, crs);
            // The offset is hundreds of metres: the conversion really happened.
            assert!((x - p.lon).abs() + (y - p.lat).abs() > 0.001, "{crs:?}");
            let back = to_wgs84(x, y, crs);
            assert!(
                (back.lon - p.lon).abs() < 1e-5 && (back.lat - p.lat).abs() < 1e-5,
                "{crs:?} {back:?}"
            );
        }
    }
}

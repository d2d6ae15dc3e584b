//! The deterministic demo generator: a realistic programme of old estates for the divisions it is
//! given (by default the built-in 安徽省). The same seed gives the same estates, always.

use crate::counties::{self, CountyShape};
use anju_domain::estate::Wgs84;
use anju_domain::{
    Building, Division, DivisionCode, Estate, Level, ManagementMode, PropertyType, SafetyGrade,
    StructureType, TownKind,
};
use std::collections::HashMap;

/// How much to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// About 12,000 estates and 70,000 buildings: one province.
    Province,
    /// About 300,000 estates and 3 million buildings: the whole country, for benchmarks.
    National,
}

impl Scale {
    fn estates(self) -> f64 {
        match self {
            Scale::Province => 12_000.0,
            Scale::National => 300_000.0,
        }
    }
    /// Buildings per estate: about 11 in 安庆's plan (174 estates, 1,902 buildings), 10 across
    /// the country (300,000 estates, 3 million buildings).
    fn mean_buildings(self) -> f64 {
        match self {
            Scale::Province => 10.0,
            Scale::National => 10.0,
        }
    }

    /// Flats per floor and stairway unit: two in 安徽's old walk-ups (about 25 households per
    /// building); nationally 50 million households in 3 million buildings is about 16.5.
    fn flats_per_floor(self) -> f64 {
        match self {
            Scale::Province => 2.0,
            Scale::National => 1.42,
        }
    }
}

/// A small, fast, seedable generator (SplitMix64): deterministic across platforms.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.f().max(1e-12);
        let u2 = self.f();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
    /// Log-normal with the given mean and shape σ.
    pub fn lognormal(&mut self, mean: f64, sigma: f64) -> f64 {
        (mean.ln() - sigma * sigma / 2.0 + sigma * self.normal()).exp()
    }
    pub fn pick<'a, T>(&mut self, weighted: &'a [(T, f64)]) -> &'a T {
        let total: f64 = weighted.iter().map(|(_, w)| w).sum();
        let mut x = self.f() * total;
        for (v, w) in weighted {
            if x < *w {
                return v;
            }
            x -= w;
        }
        &weighted[weighted.len() - 1].0
    }
}

/// City centres of 安徽省 (WGS-84, approximate), by 4-digit city code.
const CITY_CENTRES: &[(&str, f64, f64)] = &[
    ("3401", 117.227, 31.820),
    ("3402", 118.433, 31.352),
    ("3403", 117.389, 32.916),
    ("3404", 116.999, 32.626),
    ("3405", 118.507, 31.670),
    ("3406", 116.798, 33.955),
    ("3407", 117.812, 30.945),
    ("3408", 117.063, 30.543),
    ("3410", 118.338, 29.715),
    ("3411", 118.317, 32.301),
    ("3412", 115.814, 32.890),
    ("3413", 116.964, 33.647),
    ("3415", 116.520, 31.735),
    ("3416", 115.778, 33.845),
    ("3417", 117.491, 30.664),
    ("3418", 118.759, 30.940),
];

const SUFFIXES: &[&str] = &[
    "小区",
    "新村",
    "花园",
    "宿舍",
    "家属院",
    "公寓",
    "西苑",
    "东苑",
    "南院",
    "北院",
    "一村",
    "二村",
    "三村",
    "大院",
    "里",
    "新苑",
    "小区二期",
    "佳苑",
];
const ORIGINS: &[&str] = &[
    "",
    "",
    "",
    "",
    "供电局",
    "粮食局",
    "棉纺厂",
    "机械厂",
    "教师",
    "化肥厂",
    "铁路",
    "邮电",
    "糖厂",
    "纺织",
    "建工",
    "医院",
    "税务",
    "水泥厂",
];
const STRUCTURES: &[(StructureType, f64)] = &[
    (StructureType::BrickConcrete, 0.68),
    (StructureType::Frame, 0.18),
    (StructureType::BrickWood, 0.06),
    (StructureType::ReinforcedConcrete, 0.08),
];

/// Makes estates with their buildings for the urban neighbourhood committees among `divisions`.
pub struct DemoGenerator {
    rng: Rng,
    scale: Scale,
    /// (neighbourhood, its town's name, its county's name, is_urban)
    places: Vec<(Division, String, String, bool)>,
    mean_per_place: f64,
    centres: HashMap<String, (f64, f64)>,
    counties: HashMap<String, &'static CountyShape>,
    place: usize,
    left_here: u32,
    index_here: u32,
}

impl DemoGenerator {
    pub fn new(divisions: &[Division], scale: Scale, seed: u64) -> Self {
        let names: HashMap<DivisionCode, &Division> =
            divisions.iter().map(|d| (d.code, d)).collect();
        let mut places = Vec::new();
        for d in divisions {
            if d.level() != Level::Neighbourhood || !d.code.is_residents_committee() {
                continue;
            }
            let town = d.code.parent().and_then(|t| names.get(&t).copied());
            let county = d
                .code
                .ancestor_at(Level::County)
                .and_then(|c| names.get(&c).copied());
            let urban = match d.code.town_kind() {
                Some(TownKind::Street) | Some(TownKind::Zone) => true,
                Some(TownKind::Town) => town.is_some_and(|t| t.county_seat),
                _ => false,
            };
            places.push((
                d.clone(),
                town.map_or(String::new(), |t| t.name.clone()),
                county.map_or(String::new(), |c| c.name.clone()),
                urban,
            ));
        }
        // Old estates lie mostly in urban neighbourhoods; some in other towns, which the
        // eligibility rules then put out of scope.
        let weight: f64 = places.iter().map(|p| if p.3 { 1.0 } else { 0.08 }).sum();
        let mean_per_place = scale.estates() / weight.max(1.0);
        let mut centres: HashMap<String, (f64, f64)> = CITY_CENTRES
            .iter()
            .map(|(c, x, y)| (c.to_string(), (*x, *y)))
            .collect();
        // Cities without a known centre (divisions imported beyond 安徽省) get one from their code.
        for p in &places {
            let city = p.0.code.as_str()[..4].to_string();
            centres.entry(city.clone()).or_insert_with(|| {
                let mut r = Rng::new(city.parse::<u64>().unwrap_or(0));
                (100.0 + r.f() * 20.0, 23.0 + r.f() * 17.0)
            });
        }
        DemoGenerator {
            rng: Rng::new(seed),
            scale,
            places,
            mean_per_place,
            centres,
            counties: counties::anhui()
                .iter()
                .map(|c| (c.code.clone(), c))
                .collect(),
            place: 0,
            left_here: 0,
            index_here: 0,
        }
    }

    /// How many neighbourhoods the estates are spread over.
    pub fn places(&self) -> usize {
        self.places.len()
    }

    /// A point near the estate's county centre (its urban area, where old estates are) and
    /// inside the county's outline; a development zone, which has no outline of its own, near
    /// its city's centre.
    fn location(&mut self, code: &DivisionCode) -> Wgs84 {
        let county = &code.as_str()[..6];
        if let Some(shape) = self.counties.get(county) {
            let (cx, cy) = shape.centre;
            for _ in 0..20 {
                let p = (
                    cx + self.rng.normal() * 0.03,
                    cy + self.rng.normal() * 0.025,
                );
                if shape.contains(p) {
                    return Wgs84 { lon: p.0, lat: p.1 };
                }
            }
            // A centre near the edge (or outside a thin county's outline): anywhere inside.
            let (x0, x1, y0, y1) = shape.outline.iter().fold(
                (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
                |(a, b, c, d), &(x, y)| (a.min(x), b.max(x), c.min(y), d.max(y)),
            );
            for _ in 0..1000 {
                let p = (x0 + (x1 - x0) * self.rng.f(), y0 + (y1 - y0) * self.rng.f());
                if shape.contains(p) {
                    return Wgs84 { lon: p.0, lat: p.1 };
                }
            }
            return Wgs84 { lon: cx, lat: cy };
        }
        let (cx, cy) = self.centres[&code.as_str()[..4]];
        Wgs84 {
            lon: cx + self.rng.normal() * 0.04,
            lat: cy + self.rng.normal() * 0.035,
        }
    }

    fn estate(&mut self) -> (Estate, Vec<Building>) {
        let (div, town, county, _) = self.places[self.place].clone();
        let i = self.index_here;
        self.index_here += 1;
        let r = &mut self.rng;
        let base = div
            .name
            .trim_end_matches("居委会")
            .trim_end_matches("居民委员会")
            .trim_end_matches("社区")
            .to_string();
        let origin = ORIGINS[r.below(ORIGINS.len() as u64) as usize];
        let suffix = SUFFIXES[(i as usize) % SUFFIXES.len()];
        let round = i as usize / SUFFIXES.len();
        let name = if round == 0 {
            format!("{base}{origin}{suffix}")
        } else {
            format!("{base}{origin}{suffix}{}期", round + 1)
        };
        // Years from the 1960s to 2000, most in the 1980s and 1990s; about 4 % in 2001–2005
        // (the conditional tier where a province sets a second cut-off).
        let year = if r.chance(0.04) {
            2001 + r.below(5) as i32
        } else {
            (1962.0 + 39.0 * (r.f() * 0.5 + r.f() * 0.5).powf(0.8)).floor() as i32
        };
        let n_buildings =
            (r.lognormal(self.scale.mean_buildings(), 0.6).round() as i32).clamp(1, 60);
        let flats = self.scale.flats_per_floor();
        let mut buildings = Vec::with_capacity(n_buildings as usize);
        let mut households = 0;
        let mut area: i64 = 0;
        for b in 0..n_buildings {
            // Walk-ups of 2–7 floors, mostly 5–6, with 2–3 stairway units.
            let floors = *r.pick(&[
                (2, 0.03),
                (3, 0.07),
                (4, 0.12),
                (5, 0.33),
                (6, 0.35),
                (7, 0.10),
            ]);
            let units = *r.pick(&[(1, 0.06), (2, 0.55), (3, 0.33), (4, 0.06)]);
            let full = f64::from(floors * units) * flats;
            let hh = ((full * (0.85 + 0.15 * r.f())).round() as i32).max(2);
            let per_hh = (97.0 * (1.0 + 0.12 * r.normal())).clamp(50.0, 160.0);
            let a = (hh as f64 * per_hh * 100.0).round() as i64;
            let grade = *r.pick(&[
                (SafetyGrade::A, 0.30),
                (SafetyGrade::B, 0.59),
                (SafetyGrade::C, 0.10),
                (SafetyGrade::D, 0.01),
            ]);
            households += hh;
            area += a;
            buildings.push(Building {
                number: format!("{}号楼", b + 1),
                floors: Some(floors),
                stairway_units: Some(units),
                households: Some(hh),
                floor_area_centi_m2: Some(anju_domain::Area::from_centi_m2(a)),
                structure: Some(*r.pick(STRUCTURES)),
                structure_as_typed: None,
                year_completed: Some(year),
                safety_grade: Some(grade),
                has_lift: r.chance(0.02),
                to_be_demolished: false,
            });
        }
        let illegal = if r.chance(0.3) {
            Some(1 + r.below(10) as i32)
        } else {
            Some(0)
        };
        let removed = illegal.map(|n| {
            if n > 0 && r.chance(0.5) {
                r.below(n as u64 + 1) as i32
            } else {
                0
            }
        });
        let estate = Estate {
            code: Some(format!("{}{:03}", div.code, i + 1)),
            name,
            division_code: div.code,
            address: format!("{county}{town}{base}路{}号", 1 + r.below(300)),
            year_completed: Some(year),
            building_count: n_buildings,
            households,
            floor_area_centi_m2: anju_domain::Area::from_centi_m2(area),
            property_type: Some(*r.pick(&[
                (PropertyType::ReformHousing, 0.34),
                (PropertyType::Commercial, 0.2),
                (PropertyType::PublicHousing, 0.12),
                (PropertyType::UnitManaged, 0.12),
                (PropertyType::Affordable, 0.07),
                (PropertyType::Resettlement, 0.06),
                (PropertyType::Mixed, 0.07),
                (PropertyType::Military, 0.02),
            ])),
            management_mode: Some(*r.pick(&[
                (ManagementMode::Professional, 0.3),
                (ManagementMode::CommunityManaged, 0.3),
                (ManagementMode::SelfGoverned, 0.15),
                (ManagementMode::UnitManaged, 0.1),
                (ManagementMode::None, 0.15),
            ])),
            urban_village: r.chance(0.03),
            mostly_self_built: r.chance(0.04),
            expropriation_or_rebuild_planned: r.chance(0.02),
            last_renovated_year: if r.chance(0.05) {
                Some(2016 + r.below(10) as i32)
            } else {
                None
            },
            planned_demolition_year: if r.chance(0.01) {
                Some(2026 + r.below(8) as i32)
            } else {
                None
            },
            historic_protection: r.chance(0.015),
            // 30–100 %, a fifth of estates under 80 % (P(70·u^5.6 > 20) = 0.2).
            willingness_pct: Some(((100.0 - 70.0 * r.f().powf(5.6)) * 10.0).round() / 10.0),
            illegal_structures: illegal,
            illegal_structures_removed: removed,
            location: Some(self.location(&div.code)),
            // A field the demo does not fill stays as a new estate has it.
            ..Estate::new(String::new(), div.code)
        };
        (estate, buildings)
    }
}

impl Iterator for DemoGenerator {
    type Item = (Estate, Vec<Building>);

    fn next(&mut self) -> Option<Self::Item> {
        while self.left_here == 0 {
            if self.place >= self.places.len() {
                return None;
            }
            // Move to the next neighbourhood and draw how many estates it has.
            if self.index_here > 0 || self.place > 0 || self.left_here == 0 {
                // (the first call lands here too)
            }
            let urban = self.places[self.place].3;
            let mean = self.mean_per_place * if urban { 1.0 } else { 0.08 };
            let n = (mean * 2.0 * self.rng.f()).round() as u32;
            if n == 0 {
                self.place += 1;
                continue;
            }
            self.left_here = n;
            self.index_here = 0;
            break;
        }
        let item = self.estate();
        self.left_here -= 1;
        if self.left_here == 0 {
            self.place += 1;
        }
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::divisions::{parse_divisions, BUILTIN_ANHUI};

    #[test]
    fn province_demo_is_deterministic_and_realistic() {
        let d = parse_divisions(BUILTIN_ANHUI).unwrap();
        let a: Vec<_> = DemoGenerator::new(&d, Scale::Province, 7)
            .take(500)
            .collect();
        let b: Vec<_> = DemoGenerator::new(&d, Scale::Province, 7)
            .take(500)
            .collect();
        assert_eq!(a, b);
        let all: Vec<_> = DemoGenerator::new(&d, Scale::Province, 7).collect();
        let n = all.len() as f64;
        assert!((9_000.0..15_000.0).contains(&n), "{n}");
        // The seeds' own figures (安庆: 11 buildings and 276 households per estate, 25 per
        // building; 安徽: 180 households per estate, 94.5 m² per household).
        let bs: Vec<&Building> = all.iter().flat_map(|(_, b)| b).collect();
        let buildings = bs.len() as f64;
        let hh: f64 = all.iter().map(|(e, _)| f64::from(e.households)).sum();
        let area: f64 = all.iter().map(|(e, _)| e.floor_area_centi_m2.m2()).sum();
        let share = |k: usize| k as f64 / buildings;
        let checks = [
            ("buildings per estate", buildings / n, 9.0, 12.0),
            ("households per building", hh / buildings, 22.0, 28.0),
            ("households per estate", hh / n, 180.0, 280.0),
            ("m² per household", area / hh, 95.0, 100.0),
            (
                "share of 5–6 floors",
                share(
                    bs.iter()
                        .filter(|b| matches!(b.floors, Some(5 | 6)))
                        .count(),
                ),
                0.6,
                0.75,
            ),
            (
                "share of 2–3 units",
                share(
                    bs.iter()
                        .filter(|b| matches!(b.stairway_units, Some(2 | 3)))
                        .count(),
                ),
                0.8,
                0.95,
            ),
            (
                "share graded C",
                share(
                    bs.iter()
                        .filter(|b| b.safety_grade == Some(SafetyGrade::C))
                        .count(),
                ),
                0.08,
                0.12,
            ),
            (
                "share graded D",
                share(
                    bs.iter()
                        .filter(|b| b.safety_grade == Some(SafetyGrade::D))
                        .count(),
                ),
                0.005,
                0.02,
            ),
            (
                "share built after 2000",
                all.iter()
                    .filter(|(e, _)| e.year_completed > Some(2000))
                    .count() as f64
                    / n,
                0.02,
                0.07,
            ),
            (
                "share willing under 80 %",
                all.iter()
                    .filter(|(e, _)| e.willingness_pct < Some(80.0))
                    .count() as f64
                    / n,
                0.15,
                0.25,
            ),
        ];
        for (what, v, lo, hi) in checks {
            assert!((lo..=hi).contains(&v), "{what}: {v}");
        }
        assert!(bs.iter().all(|b| (2..=7).contains(&b.floors.unwrap())));
        let years: Vec<i32> = all.iter().map(|(e, _)| e.year_completed.unwrap()).collect();
        assert!(years.iter().all(|y| (1960..=2005).contains(y)));
        assert!(years.iter().any(|y| *y < 1970), "the 1960s are there");
        assert!(all
            .iter()
            .all(|(e, _)| (30.0..=100.0).contains(&e.willingness_pct.unwrap())));
        // Every estate lies inside its own county (or, in a development zone, near its city).
        let shapes: HashMap<&str, &CountyShape> = counties::anhui()
            .iter()
            .map(|c| (c.code.as_str(), c))
            .collect();
        assert!(shapes.len() >= 100, "{}", shapes.len());
        for (e, _) in &all {
            let p = e.location.unwrap();
            match shapes.get(&e.division_code.as_str()[..6]) {
                Some(s) => assert!(s.contains((p.lon, p.lat)), "{} {:?}", e.name, p),
                None => {
                    let (cx, cy) = CITY_CENTRES
                        .iter()
                        .find(|c| c.0 == &e.division_code.as_str()[..4])
                        .map(|c| (c.1, c.2))
                        .unwrap();
                    assert!((p.lon - cx).abs() < 0.5 && (p.lat - cy).abs() < 0.5);
                }
            }
        }
        let mut keys = std::collections::HashSet::new();
        assert!(
            all.iter().all(|(e, _)| keys.insert(e.natural_key())),
            "names unique per neighbourhood"
        );
    }
}

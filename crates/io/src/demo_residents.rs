//! The demo's residents (deterministic from the seed): an owner register for an estate — its
//! buildings' stairway units and rooms, areas with fen, owners with names, valid ID numbers and
//! phones, a few owners with two flats, a few flats not yet delivered (the developer's).

use crate::demo::Rng;
use anju_domain::residents::{AreaBasis, RegisterLine};
use anju_domain::Area;

const SURNAMES: &[char] = &[
    '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭',
];
const GIVEN: &[char] = &[
    '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明',
    '超', '秀', '霞', '平', '刚', '桂', '英', '华',
];

/// A valid 18-digit ID number of someone born in 1940–1999 in `region` (6 digits).
fn id_number(region: &str, rng: &mut Rng) -> String {
    let body = format!(
        "{region}{}{:02}{:02}{:03}",
        1940 + rng.below(60),
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(1000)
    );
    let check = anju_domain::residents::id_check_digit(body.as_bytes()) as char;
    format!("{body}{check}")
}

/// The register of an estate of `households` flats in `buildings` buildings (at most 240 flats:
/// a demo's register, not a census), owners in `region` (the estate's county code).
pub fn register(households: i32, buildings: i32, region: &str, rng: &mut Rng) -> Vec<RegisterLine> {
    let flats = households.clamp(12, 240) as usize;
    let buildings = buildings.clamp(1, 12) as usize;
    let per_building = flats.div_ceil(buildings);
    let mut lines = Vec::with_capacity(flats);
    let mut owner: Option<(String, String, String)> = None;
    for i in 0..flats {
        let b = i / per_building + 1;
        let k = i % per_building;
        let unit = k / 12 + 1;
        let floor = (k % 12) / 2 + 1;
        let room = format!("{floor}0{}", k % 2 + 1);
        // One owner in twenty also owns the next flat.
        let (name, id, phone) = match owner.take() {
            Some(o) => o,
            None => {
                let name: String = [
                    SURNAMES[rng.below(SURNAMES.len() as u64) as usize],
                    GIVEN[rng.below(GIVEN.len() as u64) as usize],
                    GIVEN[rng.below(GIVEN.len() as u64) as usize],
                ]
                .iter()
                .take(if rng.chance(0.3) { 2 } else { 3 })
                .collect();
                let phone = format!(
                    "1{}{:09}",
                    [3, 5, 8][rng.below(3) as usize],
                    rng.below(1_000_000_000)
                );
                (name, id_number(region, rng), phone)
            }
        };
        if rng.chance(0.05) {
            owner = Some((name.clone(), id.clone(), phone.clone()));
        }
        let delivered = !rng.chance(0.03);
        let area = 4_500 + rng.below(7_500) as i64;
        lines.push(RegisterLine {
            row: i as u32 + 2,
            building: b.to_string(),
            unit: unit.to_string(),
            room,
            area: Area::from_centi_m2(area),
            basis: if rng.chance(0.9) {
                AreaBasis::Registered
            } else {
                AreaBasis::Surveyed
            },
            name: if delivered { name } else { String::new() },
            id_number: delivered.then_some(id),
            phone: delivered.then_some(phone),
            delivered,
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_are_valid_and_repeatable() {
        let a = register(100, 4, "340104", &mut Rng::new(7));
        let b = register(100, 4, "340104", &mut Rng::new(7));
        assert_eq!(a, b);
        assert_eq!(a.len(), 100);
        for l in &a {
            if let Some(id) = &l.id_number {
                assert!(
                    anju_domain::residents::normalise_id_number(id).is_some(),
                    "{id}"
                );
            }
        }
        let mut rooms: Vec<_> = a.iter().map(|l| (&l.building, &l.unit, &l.room)).collect();
        rooms.sort();
        rooms.dedup();
        assert_eq!(rooms.len(), 100, "each flat once");
    }
}

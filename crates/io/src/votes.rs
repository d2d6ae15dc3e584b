//! The files of a public recount (`anju vote recount`): `owners.csv` with the header
//! `part_id,owner_id,area_m2` (the area in m², two decimals at most, read exactly) and
//! `ballots.csv` with `owner_id,choice` (agree/oppose/abstain or 同意/反对/弃权). A bad line is an
//! error naming the file, the line and what was expected.

use crate::csvfile::{error, records};
use crate::IoError;
use anju_domain::vote::{Choice, Part};

/// "123.45" m² as hundredths, digit by digit (no floating point).
fn centi_m2(s: &str) -> Option<i64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || frac.len() > 2
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    format!("{int}{frac:0<2}").parse().ok()
}

/// Reads `owners.csv`: the electorate's exclusive parts.
pub fn read_owners(file: &str, text: &str) -> Result<Vec<Part>, IoError> {
    records(file, text, &["part_id", "owner_id", "area_m2"])?
        .into_iter()
        .map(|(line, f)| {
            if f[0].is_empty() || f[1].is_empty() {
                return Err(error(file, line, "part_id 和 owner_id 不能为空 / part_id and owner_id must not be empty".into()));
            }
            let area = centi_m2(&f[2]).ok_or_else(|| {
                error(
                    file,
                    line,
                    format!("area_m2：应为不小于0、最多两位小数的平方米数，实为“{}” / area_m2: square metres, 0 or more, two decimals at most, got {:?}", f[2], f[2]),
                )
            })?;
            Ok(Part {
                part_id: f[0].clone(),
                owner_id: f[1].clone(),
                area_centi_m2: area,
            })
        })
        .collect()
}

/// Reads `ballots.csv`: each owner's choice.
pub fn read_ballots(file: &str, text: &str) -> Result<Vec<(String, Choice)>, IoError> {
    records(file, text, &["owner_id", "choice"])?
        .into_iter()
        .map(|(line, f)| {
            let choice = Choice::parse(&f[1]).ok_or_else(|| {
                error(
                    file,
                    line,
                    format!("choice：应为 agree/oppose/abstain 或 同意/反对/弃权，实为“{}” / choice: agree, oppose or abstain, got {:?}", f[1], f[1]),
                )
            })?;
            Ok((f[0].clone(), choice))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_read_exactly() {
        assert_eq!(centi_m2("89.5"), Some(8950));
        assert_eq!(centi_m2("0.10"), Some(10));
        assert_eq!(centi_m2("120"), Some(12_000));
        assert_eq!(centi_m2("1.005"), None);
        assert_eq!(centi_m2("-3"), None);
        let e = read_owners(
            "owners.csv",
            "part_id,owner_id,area_m2\n1-101,A,89.5\n1-102,B,十\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("owners.csv") && e.contains('3') && e.contains("area_m2"),
            "{e}"
        );
        let e = read_ballots("ballots.csv", "owner_id,choice\nA,同意\nB,maybe\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("maybe"), "{e}");
    }
}

//! The files of the standalone plan solver (`anju plan solve`): `candidates.csv` with the header
//! `id,county,cost,priority,bundle,mandatory` (cost in whole yuan; bundle empty or an id shared
//! by the estates that go together; mandatory 0/1) and `caps.csv` with `county,max_cost,min_cost`
//! (either may be empty). A bad line is an error naming the file, the line and the column.

use crate::csvfile::{error, records};
use crate::IoError;
use anju_planning::optimiser::{Candidate, Cap};
use std::collections::BTreeMap;

fn yuan(file: &str, line: usize, column: &str, v: &str) -> Result<i64, IoError> {
    v.parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| {
            error(
                file,
                line,
                format!("{column}：应为不小于0的整数（元），实为“{v}” / {column}: a whole number of yuan, 0 or more, got {v:?}"),
            )
        })
}

/// Reads `candidates.csv`.
pub fn read_candidates(file: &str, text: &str) -> Result<Vec<Candidate>, IoError> {
    let cols = ["id", "county", "cost", "priority", "bundle", "mandatory"];
    let mut seen = std::collections::HashSet::new();
    records(file, text, &cols)?
        .into_iter()
        .map(|(line, f)| {
            if f[0].is_empty() || !seen.insert(f[0].clone()) {
                return Err(error(
                    file,
                    line,
                    format!("id：应为不重复的非空值，实为“{}” / id: a unique, non-empty value, got {:?}", f[0], f[0]),
                ));
            }
            let priority = f[3]
                .parse::<f64>()
                .ok()
                .filter(|p| p.is_finite())
                .ok_or_else(|| {
                    error(
                        file,
                        line,
                        format!("priority：应为数值，实为“{}” / priority: a number, got {:?}", f[3], f[3]),
                    )
                })?;
            let mandatory = match f[5].as_str() {
                "" | "0" => false,
                "1" => true,
                other => {
                    return Err(error(
                        file,
                        line,
                        format!("mandatory：应为0或1，实为“{other}” / mandatory: 0 or 1, got {other:?}"),
                    ))
                }
            };
            Ok(Candidate {
                id: f[0].clone(),
                county: f[1].clone(),
                cost: yuan(file, line, "cost", &f[2])?,
                priority,
                bundle: (!f[4].is_empty()).then(|| f[4].clone()),
                mandatory,
            })
        })
        .collect()
}

/// Reads `caps.csv`.
pub fn read_caps(file: &str, text: &str) -> Result<BTreeMap<String, Cap>, IoError> {
    let mut out = BTreeMap::new();
    for (line, f) in records(file, text, &["county", "max_cost", "min_cost"])? {
        let opt = |column: &str, v: &str| -> Result<Option<i64>, IoError> {
            if v.is_empty() {
                Ok(None)
            } else {
                yuan(file, line, column, v).map(Some)
            }
        };
        let cap = Cap {
            max: opt("max_cost", &f[1])?,
            min: opt("min_cost", &f[2])?,
        };
        if out.insert(f[0].clone(), cap).is_some() {
            return Err(error(
                file,
                line,
                format!("county：{}重复 / county {} appears twice", f[0], f[0]),
            ));
        }
    }
    Ok(out)
}

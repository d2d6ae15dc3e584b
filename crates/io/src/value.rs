//! Reading one cell as the value a column expects, the way people actually type it.

use crate::columns::Kind;
use crate::normalize::{clean_text, fold, fold_cow, squeeze};
use anju_domain::estate::FieldValue;
use anju_domain::{CoordinateSystem, DivisionCode, Text};
use calamine::Data;

/// What went wrong with a cell: what was expected, in both languages.
pub type Expected = Text;

fn expected(zh: impl Into<String>, en: impl Into<String>) -> Expected {
    Text::new(zh, en)
}

/// The cell as the user sees it (for error lists).
pub fn display(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(d) => format!("{}", d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Whether a cell is blank once spaces are gone.
pub fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => fold_cow(s).trim().is_empty(),
        _ => false,
    }
}

/// The cell as clean text (see [`clean_text`]); `None` when blank.
pub fn text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty => None,
        Data::String(s) => {
            let t = clean_text(s);
            (!t.is_empty()).then_some(t)
        }
        other => Some(display(other)),
    }
}

/// The number in a cell: numbers, numbers stored as text, full-width digits, thousands separators,
/// units after the number (`12,345.6㎡`, `1998年`, `120户`) and 万 (ten thousand).
pub fn number(cell: &Data) -> Result<Option<f64>, Expected> {
    let bad = || expected("数字", "a number");
    match cell {
        Data::Empty => Ok(None),
        Data::Int(i) => Ok(Some(*i as f64)),
        Data::Float(f) => Ok(Some(*f)),
        Data::DateTime(d) => Ok(Some(d.as_f64())),
        Data::Bool(_) | Data::Error(_) | Data::DurationIso(_) | Data::DateTimeIso(_) => Err(bad()),
        Data::String(s) => {
            let s = squeeze(s);
            if s.is_empty() {
                return Ok(None);
            }
            parse_number_text(&s).map(Some).ok_or_else(bad)
        }
    }
}

/// The number a person typed in a form field, read as a sheet's cell is (full-width digits,
/// separators, units): one reading for the survey sheet and the edit form.
pub fn number_text(s: &str) -> Result<Option<f64>, Expected> {
    number(&Data::String(s.to_string()))
}

/// Parses `-1,234.5万㎡`-like text: a number, then an optional 万, then an optional unit.
fn parse_number_text(s: &str) -> Option<f64> {
    let s: String = s
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '_' | '\''))
        .collect();
    let end = s
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '-' || *c == '+'))))
        .map_or(s.len(), |(i, _)| i);
    let (num, rest) = s.split_at(end);
    let value: f64 = num.parse().ok()?;
    let (factor, unit) = match rest.strip_prefix('万') {
        Some(u) => (10_000.0, u),
        None => (1.0, rest),
    };
    const UNITS: &[&str] = &[
        "",
        "㎡",
        "平方米",
        "平米",
        "m2",
        "m²",
        "年",
        "户",
        "栋",
        "幢",
        "座",
        "个",
        "处",
        "层",
        "%",
        "元",
        "人",
        "单元",
        "度",
        "°",
    ];
    if !UNITS.contains(&unit) {
        return None;
    }
    Some(value * factor)
}

/// A whole number ≥ 0.
pub fn count(cell: &Data) -> Result<Option<i32>, Expected> {
    let bad = || expected("不小于0的整数", "a whole number, 0 or more");
    match number(cell).map_err(|_| bad())? {
        None => Ok(None),
        Some(v) if v >= 0.0 && v.fract().abs() < 1e-9 && v <= i32::MAX as f64 => {
            Ok(Some(v.round() as i32))
        }
        Some(_) => Err(bad()),
    }
}

/// An area in m² (kept in hundredths of m², exact integers).
pub fn area(cell: &Data) -> Result<Option<anju_domain::Area>, Expected> {
    let bad = || expected("不小于0的面积（平方米）", "an area in m², 0 or more");
    match number(cell).map_err(|_| bad())? {
        None => Ok(None),
        Some(v) if v < 1e12 => anju_domain::Area::from_m2(v).map(Some).ok_or_else(bad),
        Some(_) => Err(bad()),
    }
}

/// A year: `1998`, `1998年`, `1998-06-30`, `1998年6月`, `1998.6`, or a date cell.
pub fn year(cell: &Data) -> Result<Option<i32>, Expected> {
    let bad = || {
        expected(
            "四位年份（1900–2100），如1998或1998年",
            "a four-digit year (1900–2100), such as 1998",
        )
    };
    let y = match cell {
        Data::Empty => return Ok(None),
        // `1995-2003`, `1995—2003年`: a range is not a year, and picking either end would put the
        // estate on the wrong side of the cut-off.
        Data::String(s) if is_year_range(s) => {
            return Err(expected(
                "一个年份（竣工验收年份），不是年份范围",
                "one year, that of completion acceptance, not a range of years",
            ))
        }
        Data::DateTime(d) => Some(year_of_excel_serial(d.as_f64())),
        Data::DateTimeIso(s) => s.get(0..4).and_then(|y| y.parse().ok()),
        Data::Int(i) => i32::try_from(*i).ok(),
        Data::Float(f) if f.fract() == 0.0 => Some(*f as i32),
        Data::String(s) => {
            let s = squeeze(s);
            if s.is_empty() {
                return Ok(None);
            }
            let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
            let rest = &s[digits.len()..];
            let rest_ok = rest.is_empty()
                || rest == "年"
                || rest.starts_with(['年', '-', '/', '.'])
                    && rest[rest.chars().next().map_or(0, |c| c.len_utf8())..]
                        .chars()
                        .all(|c| c.is_ascii_digit() || "年月日-/.".contains(c));
            if digits.len() == 4 && rest_ok {
                digits.parse().ok()
            } else {
                None
            }
        }
        _ => None,
    };
    match y {
        Some(y) if anju_domain::estate::YEARS.contains(&y) => Ok(Some(y)),
        _ => Err(bad()),
    }
}

/// Whether a text names two years (`1995-2003`, `1995—2003年`, `1995至2003`), not a date.
fn is_year_range(s: &str) -> bool {
    let s = squeeze(s);
    let years = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 4)
        .filter_map(|run| run.parse::<i32>().ok())
        .filter(|y| anju_domain::estate::YEARS.contains(y))
        .count();
    years >= 2
}

/// The year of an Excel date serial (1900 system: day 1 is 1900-01-01, with Excel's 1900 leap bug).
fn year_of_excel_serial(serial: f64) -> i32 {
    // Days since 1970-01-01: Excel serial 25569 is 1970-01-01.
    let days = serial.floor() as i64 - 25569;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2)) as i32
}

/// A percentage 0–100: `85`, `85%`, or a fraction such as 0.85 from a cell formatted as percent.
pub fn percent(cell: &Data) -> Result<Option<f64>, Expected> {
    let bad = || {
        expected(
            "0–100之间的百分比，如85或85%",
            "a percentage 0–100, such as 85 or 85%",
        )
    };
    let v = match cell {
        Data::Float(f) if *f > 0.0 && *f <= 1.0 && f.fract() != 0.0 => Some(f * 100.0),
        Data::Float(f) if *f == 1.0 => Some(100.0),
        // A fraction written as text (a CSV's `0.85`) reads as the same 85 % as the cell.
        Data::String(t) if !t.contains(['%', '％']) => match number(cell).map_err(|_| bad())? {
            Some(f) if f > 0.0 && f < 1.0 => Some(f * 100.0),
            other => other,
        },
        other => number(other).map_err(|_| bad())?,
    };
    match v {
        None => Ok(None),
        Some(v) if anju_domain::estate::PERCENT.contains(&v) => Ok(Some(v)),
        Some(_) => Err(bad()),
    }
}

/// Yes or no: 是/否, blank is no; also Y/N, yes/no, true/false, 1/0, √/×, 有/无.
pub fn yes_no(cell: &Data) -> Result<bool, Expected> {
    let bad = || {
        expected(
            "是或否（空白视为否）",
            "是 (yes) or 否 (no); blank means no",
        )
    };
    match cell {
        Data::Empty => Ok(false),
        Data::Bool(b) => Ok(*b),
        Data::Int(1) => Ok(true),
        Data::Int(0) => Ok(false),
        Data::Float(f) if *f == 1.0 => Ok(true),
        Data::Float(f) if *f == 0.0 => Ok(false),
        Data::String(s) => match squeeze(s).to_lowercase().as_str() {
            "" | "否" | "不是" | "n" | "no" | "false" | "0" | "×" | "x" | "无" | "没有" => {
                Ok(false)
            }
            "是" | "y" | "yes" | "true" | "1" | "√" | "✓" | "有" => Ok(true),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

/// A 12-digit division code, typed as text or as a number.
pub fn division_code(cell: &Data) -> Result<Option<DivisionCode>, Expected> {
    let raw = match cell {
        Data::Empty => return Ok(None),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && *f >= 0.0 => format!("{}", *f as u64),
        Data::String(s) => squeeze(s),
        other => display(other),
    };
    if raw.is_empty() {
        return Ok(None);
    }
    DivisionCode::parse(&raw).map(Some).map_err(|e| {
        let msg = e.to_string();
        let (zh, en) = msg.split_once(" / ").unwrap_or((&msg, &msg));
        expected(
            format!("12位统计用区划代码（{zh}）"),
            format!("a 12-digit statistical division code ({en})"),
        )
    })
}

/// A coordinate system name.
pub fn coordinate_system(cell: &Data) -> Result<CoordinateSystem, Expected> {
    let bad = || {
        expected(
            "WGS84、GCJ02或BD09（空白视为WGS84）",
            "WGS84, GCJ02 or BD09 (blank means WGS84)",
        )
    };
    let Some(t) = text(cell) else {
        return Ok(CoordinateSystem::Wgs84);
    };
    let k: String = squeeze(&t)
        .to_uppercase()
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .collect();
    match k.as_str() {
        "WGS84" | "GPS" | "EPSG4326" | "CGCS2000" => Ok(CoordinateSystem::Wgs84),
        "GCJ02" | "高德" | "腾讯" | "火星坐标" | "国测局坐标" => {
            Ok(CoordinateSystem::Gcj02)
        }
        "BD09" | "BD09LL" | "百度" => Ok(CoordinateSystem::Bd09),
        _ => Err(bad()),
    }
}

/// A cell read as the value of a column of kind `kind` (the estate sheet's fields). A choice is
/// given as its cleaned text: the field itself knows its list.
pub fn field(kind: Kind, cell: &Data) -> Result<FieldValue, Expected> {
    let num = |v: Option<f64>| v.map_or(FieldValue::Empty, FieldValue::Number);
    let int = |v: Option<i32>| num(v.map(f64::from));
    Ok(match kind {
        Kind::Text => text(cell).map_or(FieldValue::Empty, FieldValue::Text),
        Kind::DivisionCode => {
            division_code(cell)?.map_or(FieldValue::Empty, |c| FieldValue::Text(c.to_string()))
        }
        Kind::Count => int(count(cell)?),
        Kind::Year => int(year(cell)?),
        Kind::Area => num(area(cell)?.map(|a| a.m2())),
        Kind::Percent => num(percent(cell)?),
        Kind::Longitude | Kind::Latitude => num(number(cell)?),
        Kind::YesNo if is_blank(cell) => FieldValue::Empty,
        Kind::YesNo => FieldValue::Flag(yes_no(cell)?),
        Kind::Choice(_) => choice_text(cell).map_or(FieldValue::Empty, FieldValue::Text),
    })
}

/// The text of a cell that names a value of a fixed list, folded and without spaces or a
/// trailing 级 (`D级` is D); `None` when blank.
fn choice_text(cell: &Data) -> Option<String> {
    text(cell).map(|t| squeeze(&fold(&t)).trim_end_matches('级').to_string())
}

/// One of a fixed list of labels.
pub fn choice<T: Copy>(
    cell: &Data,
    find: impl Fn(&str) -> Option<T>,
    labels: &[&str],
) -> Result<Option<T>, Expected> {
    let Some(t) = choice_text(cell) else {
        return Ok(None);
    };
    find(&t).map(Some).ok_or_else(|| {
        expected(
            format!("以下之一：{}", labels.join("、")),
            format!("one of: {}", labels.join(", ")),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Data {
        Data::String(v.into())
    }

    #[test]
    fn numbers_as_people_type_them() {
        assert_eq!(number(&s("12,345.6㎡")).unwrap(), Some(12345.6));
        assert_eq!(
            number(&s("１２，３４５．６ 平方米")).unwrap(),
            Some(12345.6)
        );
        assert_eq!(number(&s("1.2万㎡")).unwrap(), Some(12000.0));
        assert_eq!(number(&s(" 120户\u{00A0}")).unwrap(), Some(120.0));
        assert_eq!(number(&s("")).unwrap(), None);
        assert!(number(&s("一百")).is_err());
        assert!(number(&s("12kg")).is_err());
        assert_eq!(count(&Data::Float(12.0)).unwrap(), Some(12));
        assert!(count(&Data::Float(12.5)).is_err());
        assert!(count(&s("-3")).is_err());
        assert_eq!(
            area(&s("12,345.67㎡")).unwrap(),
            Some(anju_domain::Area::from_centi_m2(1_234_567))
        );
    }

    #[test]
    fn years() {
        assert_eq!(year(&s("1998年")).unwrap(), Some(1998));
        assert_eq!(year(&s("１９９８")).unwrap(), Some(1998));
        assert_eq!(year(&s("1998-06-30")).unwrap(), Some(1998));
        assert_eq!(year(&s("1998年6月")).unwrap(), Some(1998));
        assert_eq!(year(&Data::Float(1998.0)).unwrap(), Some(1998));
        // 1998-06-30 as an Excel serial.
        assert_eq!(year_of_excel_serial(35976.0), 1998);
        assert_eq!(year_of_excel_serial(36525.0), 1999); // 1999-12-31
        assert_eq!(year_of_excel_serial(36526.0), 2000); // 2000-01-01
        assert!(year(&s("98年")).is_err());
        assert!(year(&s("1998abc")).is_err());
        assert!(year(&Data::Float(1800.0)).is_err());
        // A range of years is an error that says so, not its first year.
        for range in ["1995-2003", "1995—2003年", "1995~2003", "1995至2003年"] {
            let err = year(&s(range)).unwrap_err();
            assert!(err.zh.contains("不是年份范围"), "{range}: {}", err.zh);
        }
    }

    #[test]
    fn percents_yes_no_and_codes() {
        assert_eq!(percent(&s("85%")).unwrap(), Some(85.0));
        assert_eq!(percent(&Data::Float(0.85)).unwrap(), Some(85.0));
        assert_eq!(percent(&Data::Float(85.0)).unwrap(), Some(85.0));
        assert!(percent(&s("185")).is_err());
        // The same 85 % however it is written: a number, with %, as a fraction (a CSV's text or
        // a percent-formatted cell).
        for cell in [
            s("85"),
            s("85%"),
            s("0.85"),
            s("８５％"),
            Data::Float(0.85),
            Data::Float(85.0),
        ] {
            assert_eq!(percent(&cell).unwrap(), Some(85.0), "{cell:?}");
        }
        assert_eq!(percent(&s("0.5%")).unwrap(), Some(0.5));
        assert!(yes_no(&s("是")).unwrap());
        assert!(!yes_no(&s(" ")).unwrap());
        assert!(!yes_no(&Data::Empty).unwrap());
        assert!(yes_no(&s("也许")).is_err());
        assert_eq!(
            division_code(&Data::Float(340802001001.0))
                .unwrap()
                .unwrap()
                .as_str(),
            "340802001001"
        );
        assert_eq!(
            division_code(&s(" 340802001001\u{00A0}"))
                .unwrap()
                .unwrap()
                .as_str(),
            "340802001001"
        );
        let e = division_code(&s("3408020010")).unwrap_err();
        assert!(e.zh.contains("12位"), "{}", e.zh);
        assert_eq!(
            coordinate_system(&s("gcj-02")).unwrap(),
            CoordinateSystem::Gcj02
        );
        assert_eq!(
            coordinate_system(&s("百度")).unwrap(),
            CoordinateSystem::Bd09
        );
    }
}

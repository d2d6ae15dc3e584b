//! `anju summary`: totals by division, on the console, as JSON or as Excel.

use super::*;

pub(super) fn print_summary(sum: &Summary, lang: Lang) {
    let t = &sum.totals;
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("{}：小区{}个，楼栋{}栋，户数{}户，建筑面积{:.2}万㎡；符合改造条件小区{}个（{}户），有条件纳入{}个，待核实{}个", sum.division_name, t.estates, t.buildings, t.households, m2(t.floor_area_centi_m2) / 1e4, t.eligible_estates, t.eligible_households, t.conditional_estates, t.undetermined_estates),
            Lang::En => format!("{}: {} estates, {} buildings, {} households, {:.2} ×10k m²; eligible: {} estates ({} households); conditional: {}; to be verified: {}", sum.division_name, t.estates, t.buildings, t.households, m2(t.floor_area_centi_m2) / 1e4, t.eligible_estates, t.eligible_households, t.conditional_estates, t.undetermined_estates),
        }
    );
    for p in &sum.parts {
        let t = &p.totals;
        println!(
            "  {}\t{}\t{}\t{}\t{}\t{:.2}\t{}",
            p.division_code,
            p.division_name,
            t.estates,
            t.buildings,
            t.households,
            m2(t.floor_area_centi_m2) / 1e4,
            t.eligible_estates
        );
    }
}

pub(super) async fn summary(
    s: &Settings,
    division: Option<String>,
    json: bool,
    xlsx: Option<PathBuf>,
) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let division = division.as_deref().map(parse_division).transpose()?;
    let sum = store.summary(division.as_ref()).await?;
    if let Some(p) = &xlsx {
        write_summary_xlsx(&sum, p, s.lang)?;
    }
    if json {
        let line = |code: Option<&str>, name: &str, t: &anju_domain::Totals| {
            serde_json::json!({
                "division_code": code, "division_name": name,
                "estates": t.estates, "buildings": t.buildings, "households": t.households,
                "floor_area_m2": m2(t.floor_area_centi_m2),
                "eligible_estates": t.eligible_estates, "eligible_buildings": t.eligible_buildings,
                "eligible_households": t.eligible_households, "eligible_floor_area_m2": m2(t.eligible_floor_area_centi_m2),
                "conditional_estates": t.conditional_estates, "conditional_buildings": t.conditional_buildings,
                "conditional_households": t.conditional_households, "conditional_floor_area_m2": m2(t.conditional_floor_area_centi_m2),
                "undetermined_estates": t.undetermined_estates,
            })
        };
        let mut v = line(
            sum.division_code.as_deref(),
            &sum.division_name,
            &sum.totals,
        );
        v["parts"] = sum
            .parts
            .iter()
            .map(|p| line(Some(&p.division_code), &p.division_name, &p.totals))
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print_summary(&sum, s.lang);
    }
    Ok(exit::OK)
}

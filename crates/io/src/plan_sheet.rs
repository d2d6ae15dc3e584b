//! The annual plan as the province expects it (.xlsx): the summary in the published layout
//! (序号 | 城市 | 县(市、区) | 项目数量 | 小区数(个) | 楼栋数(栋) | 户数(户) | 建筑面积(万平方米), a 合计 row,
//! each city opening with its 全市小计 row and its counties numbered below it), the project
//! sheet (each estate with its list, its estimate in 万元 and the money by source), the years of
//! a schedule, and why every estate is in or out, with how good the plan is.

use crate::IoError;
use anju_domain::{Lang, Money};
pub use anju_planning::report::{PlanLeftOut, PlanProject, PlanReport};
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use std::collections::BTreeMap;
use std::path::Path;

fn xerr(e: rust_xlsxwriter::XlsxError) -> IoError {
    IoError::Write(e.to_string())
}

fn wan(m: Money) -> f64 {
    m.fen() as f64 / 1_000_000.0
}

fn wan_m2(centi: i64) -> f64 {
    centi as f64 / 1_000_000.0
}

/// Sums of a group of estates: projects, estates, buildings, households, area.
#[derive(Default, Clone)]
struct Sums {
    projects: std::collections::BTreeSet<String>,
    estates: u64,
    buildings: i64,
    households: i64,
    area: i64,
    estimate: Money,
}

impl Sums {
    fn add(&mut self, p: &PlanProject) {
        self.projects.insert(p.project.clone());
        self.estates += 1;
        self.buildings += i64::from(p.buildings);
        self.households += i64::from(p.households);
        self.area += p.floor_area_centi_m2;
        self.estimate += p.estimate;
    }
}

/// Writes the plan to `path`.
pub fn write_plan_xlsx(r: &PlanReport, path: &Path, lang: Lang) -> Result<(), IoError> {
    workbook(r, lang)?.save(path).map_err(xerr)
}

/// The plan as the bytes of an .xlsx file (a download).
pub fn plan_xlsx_bytes(r: &PlanReport, lang: Lang) -> Result<Vec<u8>, IoError> {
    workbook(r, lang)?.save_to_buffer().map_err(xerr)
}

fn workbook(r: &PlanReport, lang: Lang) -> Result<Workbook, IoError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let title_fmt = Format::new().set_bold().set_font_size(14);
    let first: Vec<&PlanProject> = r.projects.iter().filter(|p| p.year == r.year).collect();

    // 1. The summary in the published layout.
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("年度计划汇总", "Plan summary"))
        .map_err(xerr)?;
    ws.write_string_with_format(
        0,
        0,
        match lang {
            Lang::Zh => format!("{}{}年城镇老旧小区改造计划汇总表", r.division_name, r.year),
            Lang::En => format!(
                "{} — old urban estates renovation plan {}",
                r.division_name, r.year
            ),
        },
        &title_fmt,
    )
    .map_err(xerr)?;
    let headers = match lang {
        Lang::Zh => [
            "序号",
            "城市",
            "县(市、区)",
            "项目数量",
            "小区数(个)",
            "楼栋数(栋)",
            "户数(户)",
            "建筑面积(万平方米)",
            "概算(万元)",
        ],
        Lang::En => [
            "No.",
            "City",
            "County",
            "Projects",
            "Estates",
            "Buildings",
            "Households",
            "Floor area (10k m²)",
            "Estimate (10k yuan)",
        ],
    };
    header(ws, 2, &headers, &bold)?;
    let mut by_city: BTreeMap<&str, BTreeMap<&str, Sums>> = BTreeMap::new();
    let mut total = Sums::default();
    for p in &first {
        total.add(p);
        by_city
            .entry(&p.city)
            .or_default()
            .entry(&p.county)
            .or_default()
            .add(p);
    }
    let sums_row = |ws: &mut Worksheet,
                    row: u32,
                    cells: [&str; 3],
                    s: &Sums,
                    f: &Format|
     -> Result<(), IoError> {
        for (c, t) in cells.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, *t, f)
                .map_err(xerr)?;
        }
        let nums = [
            s.projects.len() as f64,
            s.estates as f64,
            s.buildings as f64,
            s.households as f64,
            wan_m2(s.area),
            wan(s.estimate),
        ];
        for (i, n) in nums.iter().enumerate() {
            ws.write_number_with_format(row, 3 + i as u16, *n, f)
                .map_err(xerr)?;
        }
        Ok(())
    };
    let mut row = 3;
    sums_row(ws, row, ["", lang.pick("合计", "Total"), ""], &total, &bold)?;
    row += 1;
    for (ci, (city, counties)) in by_city.iter().enumerate() {
        let mut city_sums = Sums::default();
        for s in counties.values() {
            city_sums.projects.extend(s.projects.iter().cloned());
            city_sums.estates += s.estates;
            city_sums.buildings += s.buildings;
            city_sums.households += s.households;
            city_sums.area += s.area;
            city_sums.estimate += s.estimate;
        }
        let no = (ci + 1).to_string();
        sums_row(
            ws,
            row,
            [&no, city, lang.pick("全市小计", "city subtotal")],
            &city_sums,
            &bold,
        )?;
        row += 1;
        for (i, (county, s)) in counties.iter().enumerate() {
            let label = match (lang, i) {
                (Lang::Zh, 0) => format!("其中：{}.{county}", i + 1),
                (_, _) => format!("{}.{county}", i + 1),
            };
            sums_row(ws, row, ["", "", &label], s, &Format::new())?;
            row += 1;
        }
    }
    ws.set_column_width(1, 14).map_err(xerr)?;
    ws.set_column_width(2, 22).map_err(xerr)?;
    ws.set_column_width(7, 18).map_err(xerr)?;

    // 2. The projects.
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("项目清单", "Projects"))
        .map_err(xerr)?;
    let headers = match lang {
        Lang::Zh => [
            "序号",
            "计划年度",
            "城市",
            "县(市、区)",
            "小区名称",
            "小区ID",
            "楼栋数(栋)",
            "户数(户)",
            "建筑面积(万平方米)",
            "改造内容",
            "概算(万元)",
            "基础类(万元)",
            "完善类(万元)",
            "提升类(万元)",
            "中央和省级补助可支付(万元)",
            "市县财政及其他(万元)",
            "居民出资不低于(万元)",
            "优先级",
            "入选理由",
        ],
        Lang::En => [
            "No.",
            "Year",
            "City",
            "County",
            "Estate",
            "Estate id",
            "Buildings",
            "Households",
            "Floor area (10k m²)",
            "Items",
            "Estimate (10k yuan)",
            "Basic (10k yuan)",
            "Improvement (10k yuan)",
            "Enhancement (10k yuan)",
            "Central and provincial may pay (10k yuan)",
            "City, county and others (10k yuan)",
            "Residents at least (10k yuan)",
            "Priority",
            "Why",
        ],
    };
    header(ws, 0, &headers, &bold)?;
    for (i, p) in r.projects.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_number(row, 0, (i + 1) as f64).map_err(xerr)?;
        ws.write_number(row, 1, f64::from(p.year)).map_err(xerr)?;
        ws.write_string(row, 2, &p.city).map_err(xerr)?;
        ws.write_string(row, 3, &p.county).map_err(xerr)?;
        ws.write_string(row, 4, &p.name).map_err(xerr)?;
        ws.write_number(row, 5, p.id as f64).map_err(xerr)?;
        ws.write_number(row, 6, f64::from(p.buildings))
            .map_err(xerr)?;
        ws.write_number(row, 7, f64::from(p.households))
            .map_err(xerr)?;
        ws.write_number(row, 8, wan_m2(p.floor_area_centi_m2))
            .map_err(xerr)?;
        ws.write_string(row, 9, &p.items).map_err(xerr)?;
        let others = Money::from_fen(
            (p.estimate.fen() - p.higher_level.fen() - p.residents_min.fen()).max(0),
        );
        let money = [
            p.estimate,
            p.by_category[0],
            p.by_category[1],
            p.by_category[2],
            p.higher_level,
            others,
            p.residents_min,
        ];
        for (j, m) in money.iter().enumerate() {
            ws.write_number(row, 10 + j as u16, wan(*m)).map_err(xerr)?;
        }
        ws.write_number(row, 17, (p.priority * 100.0).round() / 100.0)
            .map_err(xerr)?;
        ws.write_string(row, 18, &p.why).map_err(xerr)?;
    }
    ws.set_column_width(4, 24).map_err(xerr)?;
    ws.set_column_width(9, 40).map_err(xerr)?;
    ws.set_column_width(18, 28).map_err(xerr)?;

    // 3. The years of a schedule.
    let mut years: BTreeMap<i32, Sums> = BTreeMap::new();
    for p in &r.projects {
        years.entry(p.year).or_default().add(p);
    }
    if years.len() > 1 {
        let ws = wb.add_worksheet();
        ws.set_name(lang.pick("分年度安排", "Schedule"))
            .map_err(xerr)?;
        let headers = match lang {
            Lang::Zh => [
                "年度",
                "项目数量",
                "小区数(个)",
                "楼栋数(栋)",
                "户数(户)",
                "建筑面积(万平方米)",
                "概算(万元)",
            ],
            Lang::En => [
                "Year",
                "Projects",
                "Estates",
                "Buildings",
                "Households",
                "Floor area (10k m²)",
                "Estimate (10k yuan)",
            ],
        };
        header(ws, 0, &headers, &bold)?;
        for (i, (y, s)) in years.iter().enumerate() {
            let row = 1 + i as u32;
            let nums = [
                f64::from(*y),
                s.projects.len() as f64,
                s.estates as f64,
                s.buildings as f64,
                s.households as f64,
                wan_m2(s.area),
                wan(s.estimate),
            ];
            for (c, n) in nums.iter().enumerate() {
                ws.write_number(row, c as u16, *n).map_err(xerr)?;
            }
        }
    }

    // 4. How good the plan is, and every estate left out with its reason.
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("计划说明", "About the plan"))
        .map_err(xerr)?;
    let facts: [(&str, String); 5] = [
        (
            lang.pick("年度预算(万元)", "Budget (10k yuan)"),
            format!("{:.2}", r.budget as f64 / 10_000.0),
        ),
        (
            lang.pick("目标值", "Objective"),
            format!("{:.2}（{}）", r.objective, r.objective_label),
        ),
        (
            lang.pick("最优值上界", "Upper bound of the optimum"),
            format!("{:.2}", r.bound),
        ),
        (
            lang.pick("与最优的差距不超过", "Gap to the optimum at most"),
            format!("{:.4}%", r.gap * 100.0),
        ),
        (
            lang.pick("入选小区数", "Estates chosen"),
            first.len().to_string(),
        ),
    ];
    for (i, (k, v)) in facts.iter().enumerate() {
        ws.write_string_with_format(i as u32, 0, *k, &bold)
            .map_err(xerr)?;
        ws.write_string(i as u32, 1, v).map_err(xerr)?;
    }
    let top = facts.len() as u32 + 1;
    let headers = match lang {
        Lang::Zh => [
            "城市",
            "县(市、区)",
            "小区名称",
            "小区ID",
            "概算(万元)",
            "优先级",
            "未入选原因",
        ],
        Lang::En => [
            "City",
            "County",
            "Estate",
            "Estate id",
            "Estimate (10k yuan)",
            "Priority",
            "Why not",
        ],
    };
    header(ws, top, &headers, &bold)?;
    for (i, o) in r.left_out.iter().enumerate() {
        let row = top + 1 + i as u32;
        ws.write_string(row, 0, &o.city).map_err(xerr)?;
        ws.write_string(row, 1, &o.county).map_err(xerr)?;
        ws.write_string(row, 2, &o.name).map_err(xerr)?;
        ws.write_number(row, 3, o.id as f64).map_err(xerr)?;
        ws.write_number(row, 4, wan(o.estimate)).map_err(xerr)?;
        ws.write_number(row, 5, (o.priority * 100.0).round() / 100.0)
            .map_err(xerr)?;
        ws.write_string(row, 6, &o.why).map_err(xerr)?;
    }
    ws.set_column_width(0, 22).map_err(xerr)?;
    ws.set_column_width(2, 24).map_err(xerr)?;
    ws.set_column_width(6, 36).map_err(xerr)?;
    Ok(wb)
}

fn header(ws: &mut Worksheet, row: u32, headers: &[&str], f: &Format) -> Result<(), IoError> {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, f)
            .map_err(xerr)?;
    }
    Ok(())
}

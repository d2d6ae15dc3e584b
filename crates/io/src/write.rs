//! Writing sheets: the blank templates, the inventory export, the summary, and a sheet sent back
//! with its bad cells marked.

use crate::columns::{Column, Field, Kind, BUILDING_FIELDS, ESTATE_FIELDS, YES_NO};
use crate::import::{CellError, Severity, UNSURVEYED};
use crate::sheet::Grid;
use crate::IoError;
use anju_domain::estate::FieldValue;
use anju_domain::{summary::m2, Lang, Summary};
use calamine::Data;
use rust_xlsxwriter::{Color, DataValidation, Format, FormatAlign, Note, Workbook, Worksheet};
use std::collections::HashMap;
use std::path::Path;

fn xerr(e: rust_xlsxwriter::XlsxError) -> IoError {
    IoError::Write(e.to_string())
}

/// Which blank sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    Estates,
    Buildings,
}

const TEMPLATE_ROWS: u32 = 5000;

/// Writes the blank survey sheet: a title row, a 填报单位 row, the Chinese headers, a note row of
/// what each column takes, and drop-down lists where the values are fixed.
pub fn write_template(kind: TemplateKind, path: &Path) -> Result<(), IoError> {
    let (title, fields): (&str, Vec<&Field>) = match kind {
        TemplateKind::Estates => (
            "城镇老旧小区摸底调查表",
            ESTATE_FIELDS
                .iter()
                .filter(|f| f.in_template)
                .chain(ESTATE_FIELDS.iter().filter(|f| !f.in_template))
                .collect(),
        ),
        TemplateKind::Buildings => (
            "城镇老旧小区楼栋摸底调查表",
            BUILDING_FIELDS.iter().collect(),
        ),
    };
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(if kind == TemplateKind::Estates {
        "小区"
    } else {
        "楼栋"
    })
    .map_err(xerr)?;
    let title_fmt = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(rust_xlsxwriter::FormatBorder::Thin)
        .set_text_wrap();
    let head_opt = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border(rust_xlsxwriter::FormatBorder::Thin)
        .set_text_wrap();
    let note = Format::new()
        .set_font_color(Color::RGB(0x7F7F7F))
        .set_italic()
        .set_text_wrap();
    let last = fields.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last, title, &title_fmt)
        .map_err(xerr)?;
    ws.write_string(1, 0, "填报单位（盖章）：").map_err(xerr)?;
    ws.write_string(1, 4, "填报日期：").map_err(xerr)?;
    for (c, f) in fields.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(2, c, f.header, if f.required { &head } else { &head_opt })
            .map_err(xerr)?;
        ws.write_string_with_format(3, c, f.note(), &note)
            .map_err(xerr)?;
        ws.set_column_width(c, (f.header.chars().count() as f64 * 2.2).max(12.0))
            .map_err(xerr)?;
        let list: Option<&[&str]> = match f.kind {
            Kind::Choice(list) => Some(list),
            Kind::YesNo => Some(YES_NO),
            _ => None,
        };
        if let Some(list) = list {
            let dv = DataValidation::new()
                .allow_list_strings(list)
                .map_err(xerr)?
                .set_error_message(format!("请从下拉列表中选择：{}", list.join("、")))
                .map_err(xerr)?;
            ws.add_data_validation(4, c, TEMPLATE_ROWS, c, &dv)
                .map_err(xerr)?;
        }
    }
    ws.set_row_height(3, 30).map_err(xerr)?;
    ws.set_freeze_panes(4, 0).map_err(xerr)?;
    wb.save(path).map_err(xerr)
}

/// A row of the inventory export: the estate and its assessment (with its neighbourhood's name).
pub use anju_domain::AssessedEstate as ExportEstate;

/// The export columns: every estate field (so that an export can be imported again), then the
/// assessment.
fn export_headers(lang: Lang) -> Vec<&'static str> {
    let mut h: Vec<&'static str> = ESTATE_FIELDS
        .iter()
        .map(|f| {
            if lang == Lang::Zh {
                f.header
            } else {
                f.header_en
            }
        })
        .collect();
    h.extend(match lang {
        Lang::Zh => [
            "所属区划",
            "是否符合改造条件",
            "判定结果",
            "不符合原因",
            "建议改造模式",
            "模式依据",
        ],
        Lang::En => [
            "Division",
            "Eligible",
            "Outcome",
            "Reasons out",
            "Suggested mode",
            "Mode reason",
        ],
    });
    h
}

/// A value of one export cell.
pub enum Out {
    Text(String),
    Num(f64),
    Empty,
}

fn export_values(division_name: &str, e: &ExportEstate, lang: Lang) -> Vec<Out> {
    let s = &e.estate;
    let yn = |b: bool| Out::Text(FieldValue::Flag(b).display(lang));
    let mut out = Vec::with_capacity(ESTATE_FIELDS.len() + 5);
    for f in ESTATE_FIELDS.iter() {
        out.push(match f.column {
            // Written as the sheet may say it, so that the export imports back unchanged.
            Column::Estate(field) if s.unsurveyed.contains(&field) => {
                Out::Text(lang.pick(UNSURVEYED[0], UNSURVEYED[2]).into())
            }
            Column::Estate(field) => match field.get(s) {
                FieldValue::Empty => Out::Empty,
                FieldValue::Text(t) => Out::Text(t),
                FieldValue::Number(n) => Out::Num(n),
                FieldValue::Flag(b) => yn(b),
                FieldValue::Choice { zh, en, .. } => Out::Text(lang.pick(zh, en).into()),
            },
            Column::Longitude => s.location.map_or(Out::Empty, |p| Out::Num(p.lon)),
            Column::Latitude => s.location.map_or(Out::Empty, |p| Out::Num(p.lat)),
            Column::CoordinateSystem if s.location.is_some() => Out::Text("WGS84".into()),
            Column::CoordinateSystem | Column::Other => Out::Empty,
        });
    }
    out.push(Out::Text(division_name.to_string()));
    out.push(yn(e.eligible));
    out.push(Out::Text(e.outcome.label().get(lang).to_string()));
    out.push(Out::Text(e.eligibility.failed_reasons(lang)));
    out.push(Out::Text(e.mode.mode.label().get(lang).to_string()));
    out.push(Out::Text(e.mode.reason.get(lang).to_string()));
    out
}

/// A text cell as a spreadsheet opening the CSV will not run it: text that starts like a formula
/// (`=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, which Excel, WPS and
/// LibreOffice show as text. (An estate named `=HYPERLINK(…)` would otherwise be a live link.)
/// Numbers are written as numbers and never pass here. In .xlsx every text is a string cell
/// already, never a formula.
pub fn inert(s: String) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s
    }
}

/// Streams estates to a file, as .xlsx (constant memory) or .csv (UTF-8 with BOM, as Excel wants).
pub enum EstateWriter {
    Xlsx {
        wb: Box<Workbook>,
        row: u32,
        path: std::path::PathBuf,
        lang: Lang,
    },
    Csv {
        w: Box<csv::Writer<std::io::BufWriter<std::fs::File>>>,
        lang: Lang,
    },
}

impl EstateWriter {
    pub fn create(path: &Path, csv: bool, lang: Lang) -> Result<Self, IoError> {
        let headers = export_headers(lang);
        if csv {
            let mut f = std::io::BufWriter::new(
                std::fs::File::create(path).map_err(|e| IoError::Write(e.to_string()))?,
            );
            std::io::Write::write_all(&mut f, b"\xEF\xBB\xBF")
                .map_err(|e| IoError::Write(e.to_string()))?;
            let mut w = csv::Writer::from_writer(f);
            w.write_record(&headers)
                .map_err(|e| IoError::Write(e.to_string()))?;
            Ok(EstateWriter::Csv {
                w: Box::new(w),
                lang,
            })
        } else {
            let mut wb = Box::new(Workbook::new());
            let ws = wb.add_worksheet_with_constant_memory().map_err(xerr)?;
            ws.set_name(lang.pick("小区", "Estates")).map_err(xerr)?;
            let head = Format::new().set_bold();
            for (c, h) in headers.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &head)
                    .map_err(xerr)?;
            }
            Ok(EstateWriter::Xlsx {
                wb,
                row: 1,
                path: path.to_path_buf(),
                lang,
            })
        }
    }

    /// Writes one estate of the neighbourhood named `division_name`.
    pub fn write(&mut self, division_name: &str, e: &ExportEstate) -> Result<(), IoError> {
        match self {
            EstateWriter::Csv { w, lang } => {
                let rec: Vec<String> = export_values(division_name, e, *lang)
                    .into_iter()
                    .map(|v| match v {
                        Out::Text(s) => inert(s),
                        Out::Num(n) => n.to_string(),
                        Out::Empty => String::new(),
                    })
                    .collect();
                w.write_record(&rec)
                    .map_err(|e| IoError::Write(e.to_string()))
            }
            EstateWriter::Xlsx { wb, row, lang, .. } => {
                let ws = wb.worksheet_from_index(0).map_err(xerr)?;
                write_out_row(ws, *row, export_values(division_name, e, *lang))?;
                *row += 1;
                Ok(())
            }
        }
    }

    pub fn finish(self) -> Result<(), IoError> {
        match self {
            EstateWriter::Csv { mut w, .. } => w.flush().map_err(|e| IoError::Write(e.to_string())),
            EstateWriter::Xlsx { mut wb, path, .. } => wb.save(path).map_err(xerr),
        }
    }
}

fn write_out_row(ws: &mut Worksheet, row: u32, values: Vec<Out>) -> Result<(), IoError> {
    for (c, v) in values.into_iter().enumerate() {
        let c = c as u16;
        match v {
            Out::Text(s) if !s.is_empty() => {
                ws.write_string(row, c, s).map_err(xerr)?;
            }
            Out::Num(n) => {
                ws.write_number(row, c, n).map_err(xerr)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// A plain table as an .xlsx workbook in memory: one sheet, its headers in bold, then the rows
/// (the projects' export, say).
pub fn table_xlsx(sheet: &str, headers: &[&str], rows: Vec<Vec<Out>>) -> Result<Vec<u8>, IoError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(xerr)?;
    let head = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)
            .map_err(xerr)?;
    }
    for (r, values) in rows.into_iter().enumerate() {
        write_out_row(ws, r as u32 + 1, values)?;
    }
    wb.save_to_buffer().map_err(xerr)
}

/// Writes a summary as .xlsx: the division's total first, then one line per part.
pub fn write_summary_xlsx(summary: &Summary, path: &Path, lang: Lang) -> Result<(), IoError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("汇总", "Summary")).map_err(xerr)?;
    let bold = Format::new().set_bold();
    let title = format!(
        "{}{}",
        summary.division_name,
        lang.pick("老旧小区摸底汇总表", " — old estates inventory summary")
    );
    ws.write_string_with_format(0, 0, title, &bold.clone().set_font_size(14))
        .map_err(xerr)?;
    let headers = match lang {
        Lang::Zh => [
            "序号",
            "行政区划代码",
            "区划名称",
            "小区数(个)",
            "楼栋数(栋)",
            "户数(户)",
            "建筑面积(万平方米)",
            "符合条件小区数(个)",
            "符合条件楼栋数(栋)",
            "符合条件户数(户)",
            "符合条件建筑面积(万平方米)",
            "有条件纳入小区数(个)",
            "有条件纳入户数(户)",
            "有条件纳入建筑面积(万平方米)",
            "待核实小区数(个)",
        ],
        Lang::En => [
            "No.",
            "Division code",
            "Division",
            "Estates",
            "Buildings",
            "Households",
            "Floor area (10k m²)",
            "Eligible estates",
            "Eligible buildings",
            "Eligible households",
            "Eligible floor area (10k m²)",
            "Conditional estates",
            "Conditional households",
            "Conditional floor area (10k m²)",
            "Estates to be verified",
        ],
    };
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &bold)
            .map_err(xerr)?;
    }
    let mut row = 3;
    let line = |ws: &mut Worksheet,
                row: u32,
                no: &str,
                code: &str,
                name: &str,
                t: &anju_domain::Totals,
                fmt: Option<&Format>|
     -> Result<(), IoError> {
        let plain = Format::new();
        let f = fmt.unwrap_or(&plain);
        ws.write_string_with_format(row, 0, no, f).map_err(xerr)?;
        ws.write_string_with_format(row, 1, code, f).map_err(xerr)?;
        ws.write_string_with_format(row, 2, name, f).map_err(xerr)?;
        let nums = [
            t.estates as f64,
            t.buildings as f64,
            t.households as f64,
            m2(t.floor_area_centi_m2) / 10_000.0,
            t.eligible_estates as f64,
            t.eligible_buildings as f64,
            t.eligible_households as f64,
            m2(t.eligible_floor_area_centi_m2) / 10_000.0,
            t.conditional_estates as f64,
            t.conditional_households as f64,
            m2(t.conditional_floor_area_centi_m2) / 10_000.0,
            t.undetermined_estates as f64,
        ];
        for (i, n) in nums.iter().enumerate() {
            ws.write_number_with_format(row, 3 + i as u16, *n, f)
                .map_err(xerr)?;
        }
        Ok(())
    };
    line(
        ws,
        row,
        "",
        summary.division_code.as_deref().unwrap_or(""),
        lang.pick("合计", "Total"),
        &summary.totals,
        Some(&bold),
    )?;
    row += 1;
    for (i, p) in summary.parts.iter().enumerate() {
        line(
            ws,
            row,
            &(i + 1).to_string(),
            &p.division_code,
            &p.division_name,
            &p.totals,
            None,
        )?;
        row += 1;
    }
    ws.set_column_width(2, 20).map_err(xerr)?;
    ws.set_column_width(1, 14).map_err(xerr)?;
    wb.save(path).map_err(xerr)
}

/// Writes the sheet back with each bad cell filled red (an error) or yellow (a warning) and a
/// note saying what was expected or why, and a last column 错误说明 listing each row's findings.
pub fn write_errors_out(
    grid: &Grid,
    errors: &[CellError],
    path: &Path,
    lang: Lang,
) -> Result<(), IoError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("错误标注", "Errors")).map_err(xerr)?;
    let bad = Format::new()
        .set_background_color(Color::RGB(0xFFC7CE))
        .set_font_color(Color::RGB(0x9C0006));
    // Excel's own "neutral" style: yellow, for what to check rather than fix.
    let odd = Format::new()
        .set_background_color(Color::RGB(0xFFEB9C))
        .set_font_color(Color::RGB(0x9C5700));
    let style = |errs: &[&CellError]| {
        if errs.iter().any(|e| e.severity == Severity::Error) {
            &bad
        } else {
            &odd
        }
    };
    let (r0, c0) = grid.range.start().unwrap_or((0, 0));
    let by_cell: HashMap<(u32, u32), Vec<&CellError>> = errors
        .iter()
        .filter(|e| e.column.is_some())
        .fold(HashMap::new(), |mut m, e| {
            m.entry((e.row - 1, e.column.unwrap())).or_default().push(e);
            m
        });
    let mut by_row: HashMap<u32, Vec<&CellError>> = HashMap::new();
    for e in errors {
        by_row.entry(e.row - 1).or_default().push(e);
    }
    let (_, end_c) = grid.range.end().unwrap_or((0, 0));
    for (r, row) in grid.range.rows().enumerate() {
        let ar = r0 + r as u32;
        for (c, cell) in row.iter().enumerate() {
            let ac = (c0 + c as u32) as u16;
            let fmt = by_cell.get(&(ar, ac as u32)).map(|errs| style(errs));
            write_cell(ws, ar, ac, cell, fmt)?;
            if let Some(errs) = by_cell.get(&(ar, ac as u32)) {
                let text = errs
                    .iter()
                    .map(|e| match e.severity {
                        Severity::Error => {
                            format!(
                                "{}{}",
                                lang.pick("应为：", "expected: "),
                                e.expected.get(lang)
                            )
                        }
                        Severity::Warning => {
                            format!(
                                "{}{}",
                                lang.pick("请核实：", "to check: "),
                                e.expected.get(lang)
                            )
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                ws.insert_note(ar, ac, &Note::new(text).set_author("anju"))
                    .map_err(xerr)?;
                if value_is_empty(cell) {
                    ws.write_blank(ar, ac, style(errs)).map_err(xerr)?;
                }
            }
        }
    }
    let msg_col = (end_c + 1) as u16;
    let header_fmt = Format::new()
        .set_bold()
        .set_font_color(Color::RGB(0x9C0006));
    let first_err_row = by_row.keys().min().copied().unwrap_or(r0);
    ws.write_string_with_format(
        first_err_row.saturating_sub(1).max(r0),
        msg_col,
        lang.pick("错误说明", "Errors"),
        &header_fmt,
    )
    .map_err(xerr)?;
    for (r, errs) in by_row {
        let text = errs
            .iter()
            .map(|e| e.describe(lang))
            .collect::<Vec<_>>()
            .join("；");
        ws.write_string_with_format(r, msg_col, text, style(&errs))
            .map_err(xerr)?;
    }
    ws.set_column_width(msg_col, 60).map_err(xerr)?;
    wb.save(path).map_err(xerr)
}

fn value_is_empty(cell: &Data) -> bool {
    matches!(cell, Data::Empty)
}

fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Data,
    fmt: Option<&Format>,
) -> Result<(), IoError> {
    let plain = Format::new();
    let f = fmt.unwrap_or(&plain);
    match cell {
        Data::Empty => Ok(()),
        Data::Int(i) => ws
            .write_number_with_format(r, c, *i as f64, f)
            .map(|_| ())
            .map_err(xerr),
        Data::Float(x) => ws
            .write_number_with_format(r, c, *x, f)
            .map(|_| ())
            .map_err(xerr),
        Data::DateTime(d) => ws
            .write_number_with_format(r, c, d.as_f64(), f)
            .map(|_| ())
            .map_err(xerr),
        other => ws
            .write_string_with_format(r, c, crate::value::display(other), f)
            .map(|_| ())
            .map_err(xerr),
    }
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn csv_text_that_looks_like_a_formula_is_made_inert() {
        for f in [
            "=HYPERLINK(\"http://x\",\"点我\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(inert(f.to_string()), format!("'{f}"), "{f:?}");
        }
        for plain in ["梅山小区", "1998", "A=B", ""] {
            assert_eq!(inert(plain.to_string()), plain);
        }
    }
}

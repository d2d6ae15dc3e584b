//! Importing survey sheets: finding the header among title rows and group titles, skipping what is
//! not data (blank rows, note rows, column numbers, totals, footnotes), and reading every cell into
//! its type. Every bad cell is reported with the row number Excel shows, the column header, the value
//! and what was expected; a sheet with any error imports nothing (the caller's transaction).

use crate::columns::{
    Column, Field, HeaderIndex, BUILDING_FIELDS, ESTATE_FIELDS, FACILITY_FIELDS, NEED_FIELDS,
    REGISTER_FIELDS,
};
use crate::normalize::squeeze;
use crate::sheet::Grid;
use crate::value::{self, Expected};
use anju_domain::estate::{
    cross_field_errors, plausibility_warnings, stored_as_other, EstateField, FieldValue,
};
use anju_domain::{
    Area, Building, CoordinateSystem, DivisionCode, Estate, Lang, Level, SafetyGrade,
    StructureType, Text, TownKind,
};
use std::sync::LazyLock;

/// The neighbourhood of the estate a row is checked on when its own division code is bad: the
/// row is refused, but its other cells still get their errors listed.
static SCRATCH_CODE: LazyLock<DivisionCode> =
    LazyLock::new(|| DivisionCode::parse("110101001001").expect("a valid code"));
use calamine::Data;
use serde::Serialize;
use std::collections::HashMap;

/// What a yes/no rule cell may say for "not surveyed yet" (the export writes the first, or the
/// last in English): the rule is then 待核实, as if the column were absent.
pub const UNSURVEYED: [&str; 3] = ["待核实", "未调查", "to be verified"];

/// Whether a finding stops the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A value that decides identity, eligibility or totals is wrong: nothing is imported.
    #[default]
    Error,
    /// A descriptive value was not understood, or a number looks odd: the row is imported as
    /// read, and the office is told.
    Warning,
}

/// One bad cell (or row, when `column` is `None`): an error, or a warning (see [`Severity`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellError {
    /// The row number as Excel shows it (1-based).
    pub row: u32,
    /// The absolute 0-based column, if the error is about one cell.
    pub column: Option<u32>,
    /// The column's header as written in the sheet.
    pub header: String,
    /// The value as written.
    pub value: String,
    /// What was expected (an error), or why the value looks odd (a warning).
    pub expected: Text,
    pub severity: Severity,
}

impl CellError {
    /// The column letter(s) Excel shows (A, B, …, AA).
    pub fn column_letter(&self) -> String {
        self.column.map(column_letter).unwrap_or_default()
    }

    pub fn describe(&self, lang: Lang) -> String {
        let cell = match self.column {
            Some(c) => format!("{}{}", column_letter(c), self.row),
            None => self.row.to_string(),
        };
        match (lang, self.severity) {
            (Lang::Zh, Severity::Error) => format!(
                "第{}行（{}）“{}”：值“{}”有误，应为{}",
                self.row, cell, self.header, self.value, self.expected.zh
            ),
            (Lang::En, Severity::Error) => format!(
                "row {} ({}) \"{}\": value \"{}\" is wrong, expected {}",
                self.row, cell, self.header, self.value, self.expected.en
            ),
            (Lang::Zh, Severity::Warning) => format!(
                "第{}行（{}）“{}”：值“{}”请核实：{}",
                self.row, cell, self.header, self.value, self.expected.zh
            ),
            (Lang::En, Severity::Warning) => format!(
                "row {} ({}) \"{}\": value \"{}\" to check: {}",
                self.row, cell, self.header, self.value, self.expected.en
            ),
        }
    }
}

pub fn column_letter(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// Why a whole sheet cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SheetError {
    #[error("找不到表头：前{scanned}行中没有一行包含{missing} / no header row found in the first {scanned} rows with {missing}")]
    NoHeader { scanned: usize, missing: String },
    #[error("第{row}行表头缺少必填列：{missing} / the header in row {row} lacks the required column(s): {missing}")]
    MissingColumns { row: u32, missing: String },
    #[error("第{row}行表头中“{first}”和“{second}”指同一列“{field}” / in the header row {row}, \"{first}\" and \"{second}\" both name \"{field}\"")]
    DuplicateColumn {
        row: u32,
        first: String,
        second: String,
        field: String,
    },
}

/// Where the header is and which column holds which field.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Relative index of the (lower) header row.
    pub header_row: usize,
    /// (relative column, field index, header text as written)
    pub columns: Vec<(usize, usize, String)>,
    /// Headers that name no field: ignored, and reported so that a typo is noticed.
    pub ignored: Vec<String>,
    /// For each field, its index in `columns` (a lookup table: it is asked for every cell).
    by_field: Vec<Option<usize>>,
}

impl Layout {
    fn new(
        columns: Vec<(usize, usize, String)>,
        ignored: Vec<String>,
        header_row: usize,
        n_fields: usize,
    ) -> Self {
        let mut by_field = vec![None; n_fields];
        for (i, (_, f, _)) in columns.iter().enumerate().rev() {
            by_field[*f] = Some(i);
        }
        Layout {
            header_row,
            columns,
            ignored,
            by_field,
        }
    }

    fn column_of(&self, field: usize) -> Option<(usize, &str)> {
        self.by_field[field].map(|i| (self.columns[i].0, self.columns[i].2.as_str()))
    }
}

const HEADER_SCAN_ROWS: usize = 30;

/// Finds the header row: the row (within the first 30) whose cells, or the cells of the row above
/// where a two-row header merges group titles, name the most fields.
pub fn locate_header(grid: &Grid, fields: &[Field]) -> Result<Layout, SheetError> {
    let index = HeaderIndex::new(fields);
    let scan = grid.height().min(HEADER_SCAN_ROWS);
    let width = grid.range.width();
    let mut best: Option<(usize, Layout)> = None;
    for r in 0..scan {
        let mut columns = Vec::new();
        let mut ignored = Vec::new();
        for c in 0..width {
            let lower = value::text(grid.cell(r, c));
            let upper = if r > 0 {
                value::text(grid.cell(r - 1, c))
            } else {
                None
            };
            let mut candidates: Vec<String> = Vec::new();
            if let Some(l) = &lower {
                candidates.push(l.clone());
                if let Some(u) = &upper {
                    candidates.push(format!("{u}{l}"));
                }
            } else if let Some(u) = &upper {
                candidates.push(u.clone());
            }
            match candidates
                .iter()
                .find_map(|h| index.find(h).map(|f| (f, h)))
            {
                Some((f, h)) => columns.push((c, f, h.clone())),
                None => {
                    if let Some(l) = lower {
                        ignored.push(l);
                    }
                }
            }
        }
        let score = {
            let mut fs: Vec<usize> = columns.iter().map(|(_, f, _)| *f).collect();
            fs.sort_unstable();
            fs.dedup();
            fs.len()
        };
        if score >= 2 && best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, Layout::new(columns, ignored, r, fields.len())));
        }
    }
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let Some((_, layout)) = best else {
        return Err(SheetError::NoHeader {
            scanned: scan,
            missing: required
                .iter()
                .map(|f| f.header)
                .collect::<Vec<_>>()
                .join("、"),
        });
    };
    let row = grid.excel_row(layout.header_row);
    for (i, (_, f, h)) in layout.columns.iter().enumerate() {
        if let Some((_, _, h2)) = layout.columns[i + 1..].iter().find(|(_, f2, _)| f2 == f) {
            return Err(SheetError::DuplicateColumn {
                row,
                first: h.clone(),
                second: h2.clone(),
                field: fields[*f].header.to_string(),
            });
        }
    }
    let missing: Vec<&str> = fields
        .iter()
        .enumerate()
        .filter(|(i, f)| f.required && layout.column_of(*i).is_none())
        .map(|(_, f)| f.header)
        .collect();
    if !missing.is_empty() {
        return Err(SheetError::MissingColumns {
            row,
            missing: missing.join("、"),
        });
    }
    Ok(layout)
}

/// Why a row below the header is not data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    Blank,
    /// The template's note row (必填/选填 …) or a row of column numbers (1, 2, 3 …).
    Note,
    /// A totals row (合计, 总计, 小计).
    Total,
    /// A footnote (注：…) or the signature lines (填表人, 统计负责人 …).
    Footnote,
}

const TOTAL_WORDS: &[&str] = &[
    "合计",
    "总计",
    "小计",
    "共计",
    "总数",
    "全市小计",
    "全省合计",
];
/// Lines below the data that are not data (注… is handled by [`is_note_start`]).
const FOOTNOTE_PREFIXES: &[&str] = &[
    "备注:",
    "说明:",
    "填表说明",
    "填写说明",
    "填表人",
    "填报人",
    "统计负责人",
    "单位负责人",
    "审核人",
    "报送日期",
    "填报日期",
    "填表日期",
    "联系电话",
];

/// Classifies a row below the header; `offset` is its distance from the header (1 = just below).
pub fn classify(row: &[Data], offset: usize) -> Option<Skip> {
    // Most rows are data: look at the first three filled cells only, and at the whole row only
    // just below the header.
    let mut filled = row.iter().filter(|c| !value::is_blank(c));
    let first: Vec<String> = filled
        .by_ref()
        .take(3)
        .map(|c| squeeze(&value::display(c)))
        .collect();
    let Some(head) = first.first() else {
        return Some(Skip::Blank);
    };
    let footnote = if head.starts_with('注') {
        is_note_start(head)
    } else {
        FOOTNOTE_PREFIXES.iter().any(|p| head.starts_with(p))
    };
    if footnote {
        return Some(Skip::Footnote);
    }
    if first
        .iter()
        .any(|t| TOTAL_WORDS.contains(&t.as_str()) || t.starts_with("合计") || t.ends_with("小计"))
    {
        return Some(Skip::Total);
    }
    if offset <= 2 {
        let texts: Vec<String> = first
            .into_iter()
            .chain(filled.map(|c| squeeze(&value::display(c))))
            .collect();
        let notes = texts
            .iter()
            .filter(|t| t.starts_with("必填") || t.starts_with("选填") || t.starts_with("填写说明"))
            .count();
        if notes * 2 >= texts.len() {
            return Some(Skip::Note);
        }
        let numbered = texts
            .iter()
            .enumerate()
            .all(|(i, t)| t.trim_end_matches('栏') == (i + 1).to_string());
        if numbered && texts.len() >= 3 {
            return Some(Skip::Note);
        }
    }
    None
}

/// A footnote starts with 注 followed by a colon, a digit or a space (注：…, 注1.…); an estate
/// named 注塑厂宿舍 is data.
fn is_note_start(s: &str) -> bool {
    let rest = &s["注".len()..];
    rest.is_empty()
        || rest.starts_with([':', ' ', '.', ','])
        || rest.starts_with(|c: char| c.is_ascii_digit())
}

/// Reads the cells of one data row, recording errors.
struct RowReader<'a> {
    /// The absolute column of the row's first cell.
    col0: u32,
    layout: &'a Layout,
    fields: &'a [Field],
    field_ids: &'a HashMap<&'static str, usize>,
    row: &'a [Data],
    excel_row: u32,
    errors: &'a mut Vec<CellError>,
    warnings: &'a mut Vec<CellError>,
}

impl<'a> RowReader<'a> {
    fn cell(&self, key: &str) -> Option<(usize, &'a Data, &'a str)> {
        self.cell_at(*self.field_ids.get(key).expect("known field key"))
    }

    /// The cell of the field at index `f` of the sheet's fields, with its header as written.
    fn cell_at(&self, f: usize) -> Option<(usize, &'a Data, &'a str)> {
        let layout: &'a Layout = self.layout;
        let row: &'a [Data] = self.row;
        layout.column_of(f).map(|(c, h)| {
            static EMPTY: Data = Data::Empty;
            (c, row.get(c).unwrap_or(&EMPTY), h)
        })
    }

    fn finding(
        &self,
        c: usize,
        header: &str,
        cell: &Data,
        why: Text,
        severity: Severity,
    ) -> CellError {
        CellError {
            row: self.excel_row,
            column: Some(self.col0 + c as u32),
            header: header.to_string(),
            value: value::display(cell),
            expected: why,
            severity,
        }
    }

    fn error(&mut self, c: usize, header: &str, cell: &Data, expected: Expected) {
        let e = self.finding(c, header, cell, expected, Severity::Error);
        self.errors.push(e);
    }

    fn warn(&mut self, c: usize, header: &str, cell: &Data, why: Text) {
        let w = self.finding(c, header, cell, why, Severity::Warning);
        self.warnings.push(w);
    }

    /// Reads a field with `parse`; a missing column gives `None`; a required blank cell is an error.
    fn get<T>(
        &mut self,
        key: &str,
        parse: impl Fn(&Data) -> Result<Option<T>, Expected>,
    ) -> Option<T> {
        let (c, cell, header) = self.cell(key)?;
        let header = header.to_string();
        match parse(cell) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                let f = &self.fields[self.field_ids[key]];
                if f.required {
                    let what = match parse(&Data::String("?".into())) {
                        Err(e) => e,
                        Ok(_) => Text::new("非空文字", "some text"),
                    };
                    self.error(
                        c,
                        &header,
                        cell,
                        Text::new(
                            format!("必填，{}", what.zh),
                            format!("required: {}", what.en),
                        ),
                    );
                }
                None
            }
            Err(e) => {
                self.error(c, &header, cell, e);
                None
            }
        }
    }

    fn flag(&mut self, key: &str) -> bool {
        self.get(key, |c| value::yes_no(c).map(Some))
            .unwrap_or(false)
    }
}

fn text_opt(c: &Data) -> Result<Option<String>, Expected> {
    Ok(value::text(c))
}

/// The rows of a sheet that are data, with their relative index.
fn data_rows<'g>(
    grid: &'g Grid,
    layout: &Layout,
) -> impl Iterator<Item = (usize, &'g [Data])> + 'g {
    let header = layout.header_row;
    grid.range
        .rows()
        .enumerate()
        .skip(header + 1)
        .filter(move |(r, row)| classify(row, r - header).is_none())
}

/// An estate row read from a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct EstateRow {
    pub row: u32,
    pub estate: Estate,
}

/// The result of reading a sheet: rows, cell errors, and what was ignored.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub sheet_name: String,
    pub header_row: u32,
    pub rows: Vec<T>,
    pub errors: Vec<CellError>,
    /// Findings that do not stop the import.
    pub warnings: Vec<CellError>,
    /// The yes/no rule columns the sheet lacks: its estates are 待核实 for those rules.
    pub unsurveyed: Vec<EstateField>,
    pub ignored_headers: Vec<String>,
    pub skipped: usize,
}

fn field_ids(fields: &[Field]) -> HashMap<&'static str, usize> {
    fields.iter().enumerate().map(|(i, f)| (f.key, i)).collect()
}

/// Reads estate rows one at a time (so that a big sheet can be read as a stream), keeping the
/// errors and the keys seen so far.
pub struct EstateParser<'k> {
    layout: Layout,
    ids: HashMap<&'static str, usize>,
    division_known: &'k (dyn Fn(&DivisionCode) -> bool + Sync),
    /// The year of assessment: no estate is completed or renovated after it.
    reference_year: i32,
    seen: HashMap<(DivisionCode, String), u32>,
    seen_codes: HashMap<String, u32>,
    /// The rule columns the sheet lacks.
    unsurveyed: Vec<EstateField>,
    pub errors: Vec<CellError>,
    pub warnings: Vec<CellError>,
    pub rows: usize,
    pub skipped: usize,
}

impl<'k> EstateParser<'k> {
    pub fn new(
        layout: Layout,
        division_known: &'k (dyn Fn(&DivisionCode) -> bool + Sync),
        reference_year: i32,
    ) -> Self {
        let ids = field_ids(&ESTATE_FIELDS);
        let unsurveyed = EstateField::RULE_FLAGS
            .into_iter()
            .filter(|f| layout.column_of(ids[f.key()]).is_none())
            .collect();
        EstateParser {
            layout,
            ids,
            unsurveyed,
            division_known,
            reference_year,
            seen: HashMap::new(),
            seen_codes: HashMap::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            rows: 0,
            skipped: 0,
        }
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The yes/no rule columns the sheet lacks.
    pub fn unsurveyed(&self) -> &[EstateField] {
        &self.unsurveyed
    }

    /// Reads one row below the header: `offset` is its distance from the header row, `col0` the
    /// absolute column of `row[0]`. Returns `None` for rows that are not data.
    pub fn push(
        &mut self,
        excel_row: u32,
        offset: usize,
        col0: u32,
        row: &[Data],
    ) -> Option<EstateRow> {
        if classify(row, offset).is_some() {
            self.skipped += 1;
            return None;
        }
        self.rows += 1;
        let layout = &self.layout;
        let mut rr = RowReader {
            col0,
            layout,
            fields: &ESTATE_FIELDS,
            field_ids: &self.ids,
            row,
            excel_row,
            errors: &mut self.errors,
            warnings: &mut self.warnings,
        };
        // The division code first: an unknown code is an error of its own.
        let mut code = rr.get("division_code", value::division_code);
        if let (Some(known), Some((c, cell, h))) = (code, rr.cell("division_code")) {
            if known.level() != Level::Neighbourhood {
                // An estate lies in a neighbourhood: a county's or a town's code cannot say
                // whether it is urban, nor where it is counted.
                rr.error(
                    c,
                    h,
                    cell,
                    Text::new(
                        format!(
                            "社区（居委会）一级的12位代码，末三位不为000；{}是{}一级的代码",
                            known,
                            known.level().name_zh()
                        ),
                        format!(
                            "a 12-digit neighbourhood code, its last three digits not 000; {} is the code of a {}",
                            known,
                            known.level().name_en()
                        ),
                    ),
                );
                code = None;
            } else if !(self.division_known)(&known) {
                rr.error(
                    c,
                    h,
                    cell,
                    Text::new(
                        "行政区划表中已有的代码（请先导入行政区划）",
                        "a code present in the division table (import the divisions first)",
                    ),
                );
            }
        }
        // Every cell of the row is read (and its errors listed) before deciding whether there is
        // an estate at all: a row without a valid division code has none, and its error is
        // already recorded (its other cells are still checked, on an estate that is dropped).
        let mut e = Estate::new(String::new(), code.unwrap_or(*SCRATCH_CODE));
        e.unsurveyed.extend(self.unsurveyed.iter().copied());
        for (i, f) in ESTATE_FIELDS.iter().enumerate() {
            let Column::Estate(field) = f.column else {
                continue;
            };
            if field == EstateField::DivisionCode {
                continue;
            }
            let Some((c, cell, header)) = rr.cell_at(i) else {
                continue;
            };
            if EstateField::RULE_FLAGS.contains(&field)
                && value::text(cell).is_some_and(|t| UNSURVEYED.contains(&t.as_str()))
            {
                e.unsurveyed.insert(field);
                continue;
            }
            let v = match value::field(f.kind, cell) {
                Ok(FieldValue::Empty) if f.required => {
                    let what = field.expected();
                    rr.error(
                        c,
                        header,
                        cell,
                        Text::new(
                            format!("必填，{}", what.zh),
                            format!("required: {}", what.en),
                        ),
                    );
                    continue;
                }
                Ok(v) => v,
                Err(expected) => {
                    rr.error(c, header, cell, expected);
                    continue;
                }
            };
            match field.set_from_sheet(&mut e, v) {
                Ok(None) => {}
                Ok(Some(why)) => rr.warn(c, header, cell, why),
                Err(err) => rr.error(c, header, cell, err.expected),
            }
        }
        for err in cross_field_errors(&e, self.reference_year) {
            if let Some((c, cell, h)) = rr.cell(err.field) {
                rr.error(c, h, cell, err.expected);
            }
        }
        for w in plausibility_warnings(&e) {
            if let Some((c, cell, h)) = rr.cell(w.field) {
                rr.warn(c, h, cell, w.expected);
            }
        }
        if let (Some(known), Some((c, cell, h))) = (code, rr.cell("division_code")) {
            if known.town_kind() == Some(TownKind::Street) && !known.is_residents_committee() {
                rr.warn(
                    c,
                    h,
                    cell,
                    Text::new(
                        "街道下的村委会：请核实该小区是否确属城市或县城的老旧小区",
                        "a villagers' committee under a street: check that the estate is an urban one",
                    ),
                );
            }
        }
        e.location = read_location(&mut rr);
        code?;
        let name = (!e.name.is_empty()).then(|| e.name.clone());
        if let Some(code) = e.code.clone() {
            if let Some(first) = self.seen_codes.insert(code.clone(), excel_row) {
                row_error(
                    &mut self.errors,
                    excel_row,
                    "小区编码",
                    &code,
                    duplicate(first),
                );
            }
        } else if name.is_some() {
            if let Some(first) = self.seen.insert(e.natural_key(), excel_row) {
                row_error(
                    &mut self.errors,
                    excel_row,
                    "小区名称",
                    &e.name,
                    duplicate(first),
                );
            }
        }
        Some(EstateRow {
            row: excel_row,
            estate: e,
        })
    }
}

/// Reads the estate sheet. `division_known` says whether a code is in the division table: an
/// unknown code is an error on its row.
pub fn parse_estates(
    grid: &Grid,
    division_known: &(dyn Fn(&DivisionCode) -> bool + Sync),
    reference_year: i32,
) -> Result<Parsed<EstateRow>, SheetError> {
    let layout = locate_header(grid, &ESTATE_FIELDS)?;
    let header = layout.header_row;
    let mut p = EstateParser::new(layout, division_known, reference_year);
    let mut rows = Vec::new();
    for (r, row) in grid.range.rows().enumerate().skip(header + 1) {
        if let Some(e) = p.push(grid.excel_row(r), r - header, grid.abs_col(0), row) {
            rows.push(e);
        }
    }
    Ok(Parsed {
        sheet_name: grid.sheet_name.clone(),
        header_row: grid.excel_row(header),
        skipped: p.skipped,
        rows,
        errors: p.errors,
        warnings: p.warnings,
        unsurveyed: p.unsurveyed,
        ignored_headers: p.layout.ignored,
    })
}

fn duplicate(first: u32) -> Text {
    Text::new(
        format!("不与第{first}行重复（同一社区内小区名称唯一）"),
        format!("not a repeat of row {first} (names are unique within a neighbourhood)"),
    )
}

fn row_error(errors: &mut Vec<CellError>, row: u32, header: &str, value: &str, expected: Text) {
    errors.push(CellError {
        row,
        column: None,
        header: header.to_string(),
        value: value.to_string(),
        expected,
        severity: Severity::Error,
    });
}

/// Reads 经度/纬度/坐标系 and converts to WGS-84; both or neither must be given.
fn read_location(rr: &mut RowReader<'_>) -> Option<anju_domain::estate::Wgs84> {
    let lon = rr.get("longitude", value::number);
    let lat = rr.get("latitude", value::number);
    let crs = rr
        .get("coordinate_system", |c| {
            value::coordinate_system(c).map(Some)
        })
        .unwrap_or(CoordinateSystem::Wgs84);
    match (lon, lat) {
        (None, None) => None,
        (Some(lon), Some(lat)) => {
            let in_china =
                |lon: f64, lat: f64| (73.0..=136.0).contains(&lon) && (3.0..=54.0).contains(&lat);
            if !in_china(lon, lat) {
                let (c, cell, h) = rr.cell("longitude").expect("read above");
                let (h, cell) = (h.to_string(), cell.clone());
                let swapped = in_china(lat, lon);
                rr.error(
                    c,
                    &h,
                    &cell,
                    if swapped {
                        Text::new(
                            "经度73–136、纬度3–54（经纬度似乎填反了）",
                            "longitude 73–136 and latitude 3–54 (they look swapped)",
                        )
                    } else {
                        Text::new(
                            "中国境内的经度73–136、纬度3–54",
                            "a longitude 73–136 and latitude 3–54, inside China",
                        )
                    },
                );
                return None;
            }
            Some(crate::coords::to_wgs84(lon, lat, crs))
        }
        (Some(_), None) | (None, Some(_)) => {
            let key = if lon.is_none() {
                "longitude"
            } else {
                "latitude"
            };
            if let Some((c, cell, h)) = rr.cell(key) {
                let (h, cell) = (h.to_string(), cell.clone());
                rr.error(
                    c,
                    &h,
                    &cell,
                    Text::new("经度和纬度须同时填写", "longitude and latitude together"),
                );
            } else {
                let row = rr.excel_row;
                row_error(
                    rr.errors,
                    row,
                    key,
                    "",
                    Text::new("经度和纬度须同时填写", "longitude and latitude together"),
                );
            }
            None
        }
    }
}

/// Reads 结构类型: one of the list, in the words offices use; a word that matches nothing is
/// 其他 with the text kept, and a warning (the structure describes, it decides nothing).
fn read_structure(rr: &mut RowReader<'_>, b: &mut Building) {
    let Some((c, cell, header)) = rr.cell("structure") else {
        return;
    };
    let Some(typed) = value::text(cell) else {
        return;
    };
    match value::choice(cell, StructureType::from_label, StructureType::LABELS_ZH) {
        Ok(Some(s)) => {
            b.structure = Some(s);
            b.structure_as_typed = (typed != s.label_zh()).then_some(typed);
        }
        Ok(None) => {}
        Err(expected) => {
            b.structure = Some(StructureType::Other);
            b.structure_as_typed = Some(typed);
            rr.warn(c, header, cell, stored_as_other(&expected));
        }
    }
}

pub use anju_domain::estate::EstateRef;

/// A sheet of lines about estates names them by 小区编码, or by 行政区划代码 and 小区名称.
fn require_estate_columns(
    grid: &Grid,
    layout: &Layout,
    ids: &HashMap<&'static str, usize>,
) -> Result<(), SheetError> {
    let has = |k: &str| layout.column_of(ids[k]).is_some();
    if has("estate_code") || has("division_code") && has("estate_name") {
        return Ok(());
    }
    Err(SheetError::MissingColumns {
        row: grid.excel_row(layout.header_row),
        missing:
            "小区编码，或行政区划代码和小区名称 / estate code, or division code and estate name"
                .into(),
    })
}

/// Reads which estate a row belongs to: 小区编码, or 行政区划代码 + 小区名称 (an error when neither).
fn read_estate_ref(rr: &mut RowReader<'_>) -> Option<EstateRef> {
    let code = rr.get("estate_code", text_opt);
    let division = rr.get("division_code", value::division_code);
    let name = rr.get("estate_name", text_opt);
    match (code, division, name) {
        (Some(c), _, _) => Some(EstateRef::Code(c)),
        (None, Some(d), Some(n)) => Some(EstateRef::NameInDivision {
            division_code: d.to_string(),
            name: n,
        }),
        _ => {
            row_error(
                rr.errors,
                rr.excel_row,
                "小区编码 / 小区名称",
                "",
                Text::new(
                    "小区编码，或行政区划代码和小区名称",
                    "the estate code, or the division code and the estate name",
                ),
            );
            None
        }
    }
}

/// Reads the data rows of a sheet whose header is `layout`, each by `read` (which records its
/// findings in the reader and returns the row, if it makes one): the one loop of the building,
/// needs and facilities sheets.
fn read_rows<T>(
    grid: &Grid,
    fields: &[Field],
    layout: Layout,
    ids: &HashMap<&'static str, usize>,
    mut read: impl FnMut(&mut RowReader<'_>) -> Option<T>,
) -> Parsed<T> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut rows = Vec::new();
    let total_below = grid.height().saturating_sub(layout.header_row + 1);
    for (r, row) in data_rows(grid, &layout) {
        let mut rr = RowReader {
            col0: grid.abs_col(0),
            layout: &layout,
            fields,
            field_ids: ids,
            row,
            excel_row: grid.excel_row(r),
            errors: &mut errors,
            warnings: &mut warnings,
        };
        rows.extend(read(&mut rr));
    }
    Parsed {
        sheet_name: grid.sheet_name.clone(),
        header_row: grid.excel_row(layout.header_row),
        skipped: total_below.saturating_sub(rows.len()),
        rows,
        errors,
        warnings,
        unsurveyed: Vec::new(),
        ignored_headers: layout.ignored,
    }
}

/// A building row read from a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildingRow {
    pub row: u32,
    pub estate: EstateRef,
    pub building: Building,
}

/// Reads the building sheet. Each row names its estate by 小区编码, or by 行政区划代码 + 小区名称.
pub fn parse_buildings(grid: &Grid) -> Result<Parsed<BuildingRow>, SheetError> {
    let layout = locate_header(grid, BUILDING_FIELDS)?;
    let ids = field_ids(BUILDING_FIELDS);
    require_estate_columns(grid, &layout, &ids)?;
    let mut seen: HashMap<(EstateRef, String), u32> = HashMap::new();
    Ok(read_rows(grid, BUILDING_FIELDS, layout, &ids, |rr| {
        let excel_row = rr.excel_row;
        let estate = read_estate_ref(rr);
        let mut b = Building {
            number: rr.get("number", text_opt).unwrap_or_default(),
            floors: rr.get("floors", value::count),
            stairway_units: rr.get("stairway_units", value::count),
            households: rr.get("households", value::count),
            floor_area_centi_m2: rr.get("floor_area", value::area),
            structure: None,
            structure_as_typed: None,
            year_completed: rr.get("year_completed", value::year),
            safety_grade: rr.get("safety_grade", |c| {
                value::choice(c, SafetyGrade::from_label, SafetyGrade::LABELS_ZH)
            }),
            has_lift: rr.flag("has_lift"),
            to_be_demolished: rr.flag("to_be_demolished"),
        };
        read_structure(rr, &mut b);
        let estate = estate?;
        if !b.number.is_empty() {
            if let Some(first) = seen.insert((estate.clone(), b.number.clone()), excel_row) {
                row_error(rr.errors, excel_row, "楼栋号", &b.number, Text::new(
                    format!("不与第{first}行重复（同一小区内楼栋号唯一）"),
                    format!("not a repeat of row {first} (building numbers are unique within an estate)"),
                ));
            }
        }
        Some(BuildingRow {
            row: excel_row,
            estate,
            building: b,
        })
    }))
}

/// A line of the needs sheet (改造需求表).
#[derive(Debug, Clone, PartialEq)]
pub struct NeedRow {
    pub row: u32,
    pub estate: EstateRef,
    /// The catalogue item's code.
    pub item: String,
    /// Hundredths of the item's unit.
    pub quantity_centi: i64,
    /// Blank: on the list.
    pub in_list: bool,
    pub hazard: bool,
    pub note: String,
}

/// Reads the needs sheet: each line names its estate (小区编码, or 行政区划代码 + 小区名称), a
/// catalogue item (its code or its Chinese or English name) and the quantity in the item's
/// unit; 纳入改造清单 blank is 是, 存在安全隐患 blank is 否.
pub fn parse_needs(
    grid: &Grid,
    catalogue: &anju_domain::catalogue::Catalogue,
) -> Result<Parsed<NeedRow>, SheetError> {
    let layout = locate_header(grid, NEED_FIELDS)?;
    let ids = field_ids(NEED_FIELDS);
    require_estate_columns(grid, &layout, &ids)?;
    let item_of = |c: &Data| -> Result<Option<String>, Expected> {
        let Some(t) = value::text(c) else {
            return Ok(None);
        };
        catalogue
            .iter()
            .find(|(code, i)| {
                code.as_str() == t || i.name_zh == t || i.name_en.eq_ignore_ascii_case(&t)
            })
            .map(|(code, _)| Some(code.clone()))
            .ok_or_else(|| {
                Text::new(
                    "改造内容清单中的一项（代码或名称，如 roof 或 屋面防水及修缮）",
                    "an item of the works catalogue (its code or name, e.g. roof)",
                )
            })
    };
    let quantity = |c: &Data| -> Result<Option<i64>, Expected> {
        match value::number(c)? {
            None => Ok(None),
            Some(q) if (0.0..=1e8).contains(&q) => Ok(Some((q * 100.0).round() as i64)),
            Some(_) => Err(Text::new(
                "0–1亿之间的数量",
                "a quantity from 0 to 100 million",
            )),
        }
    };
    let yes_no_or_blank = |c: &Data| -> Result<Option<bool>, Expected> {
        if value::is_blank(c) {
            Ok(None)
        } else {
            value::yes_no(c).map(Some)
        }
    };
    let mut seen: HashMap<(EstateRef, String), u32> = HashMap::new();
    Ok(read_rows(grid, NEED_FIELDS, layout, &ids, |rr| {
        let excel_row = rr.excel_row;
        let estate = read_estate_ref(rr);
        let item = rr.get("item", item_of);
        let quantity_centi = rr.get("quantity", quantity);
        let in_list = rr.get("in_list", yes_no_or_blank).unwrap_or(true);
        let hazard = rr.get("hazard", yes_no_or_blank).unwrap_or(false);
        let note = rr.get("note", text_opt).unwrap_or_default();
        let (estate, item, quantity_centi) = (estate?, item?, quantity_centi?);
        if let Some(first) = seen.insert((estate.clone(), item.clone()), excel_row) {
            row_error(
                rr.errors,
                excel_row,
                "改造内容",
                &item,
                Text::new(
                    format!("不与第{first}行重复（同一小区每项改造内容一行）"),
                    format!("not a repeat of row {first} (one line per estate and item)"),
                ),
            );
            return None;
        }
        Some(NeedRow {
            row: excel_row,
            estate,
            item,
            quantity_centi,
            in_list,
            hazard,
            note,
        })
    }))
}

/// A line of the facilities sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityRow {
    pub row: u32,
    /// A key of the policy's `[life_circle.kinds]`.
    pub kind: String,
    pub name: String,
    pub division: DivisionCode,
    pub location: anju_domain::estate::Wgs84,
}

/// Reads the facilities sheet: 设施类型 (the kind's key or its Chinese or English name),
/// 设施名称, 行政区划代码, 经度, 纬度 and 坐标系 (WGS84 when blank; GCJ02 and BD09 converted).
pub fn parse_facilities(
    grid: &Grid,
    kinds: &std::collections::BTreeMap<String, anju_domain::policy::FacilityKind>,
) -> Result<Parsed<FacilityRow>, SheetError> {
    let layout = locate_header(grid, FACILITY_FIELDS)?;
    let ids = field_ids(FACILITY_FIELDS);
    let kind_of = |c: &Data| -> Result<Option<String>, Expected> {
        let Some(t) = value::text(c) else {
            return Ok(None);
        };
        kinds
            .iter()
            .find(|(k, v)| k.as_str() == t || v.name_zh == t || v.name_en.eq_ignore_ascii_case(&t))
            .map(|(k, _)| Some(k.clone()))
            .ok_or_else(|| {
                let names: Vec<&str> = kinds.values().map(|k| k.name_zh.as_str()).collect();
                Text::new(
                    format!("设施类型之一：{}", names.join("、")),
                    format!(
                        "one of the kinds: {}",
                        kinds.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )
            })
    };
    Ok(read_rows(grid, FACILITY_FIELDS, layout, &ids, |rr| {
        let kind = rr.get("kind", kind_of);
        let name = rr.get("name", text_opt);
        let division = rr.get("division_code", value::division_code);
        let location = read_location(rr);
        Some(FacilityRow {
            row: rr.excel_row,
            kind: kind?,
            name: name?,
            division: division?,
            location: location?,
        })
    }))
}

/// Reads an estate's owner register (业主名册): one line per exclusive part — building, unit and
/// room, the registered, surveyed or contracted area (the first given counts), the owner's name,
/// ID number (checked) and phone, and whether the part is delivered (blank is 是; 否 makes it the
/// developer's). A room twice, a part with no area or an ID number that fails its check digit is
/// refused: each would make a vote's count wrong.
pub fn parse_register(
    grid: &Grid,
) -> Result<Parsed<anju_domain::residents::RegisterLine>, SheetError> {
    use anju_domain::residents::{counted_area, normalise_id_number, RegisterLine};
    let layout = locate_header(grid, REGISTER_FIELDS)?;
    let ids = field_ids(REGISTER_FIELDS);
    let area = |c: &Data| -> Result<Option<Area>, Expected> {
        match value::number(c)? {
            None => Ok(None),
            Some(m2) if m2 > 0.0 && m2 < 100_000.0 => Ok(Area::from_m2(m2)),
            Some(_) => Err(Text::new(
                "大于0、小于10万的平方米数",
                "square metres above 0 and below 100,000",
            )),
        }
    };
    let id_number = |c: &Data| -> Result<Option<String>, Expected> {
        let Some(t) = value::text(c) else {
            return Ok(None);
        };
        normalise_id_number(&t).map(Some).ok_or_else(|| {
            Text::new(
                "18位居民身份证号码（校验位正确）",
                "an 18-character resident ID number with a right check digit",
            )
        })
    };
    let yes_no_or_blank = |c: &Data| -> Result<Option<bool>, Expected> {
        if value::is_blank(c) {
            Ok(None)
        } else {
            value::yes_no(c).map(Some)
        }
    };
    let mut seen: HashMap<(String, String, String), u32> = HashMap::new();
    Ok(read_rows(grid, REGISTER_FIELDS, layout, &ids, |rr| {
        let row = rr.excel_row;
        let building = rr.get("building", text_opt);
        let unit = rr.get("unit", text_opt).unwrap_or_default();
        let room = rr.get("room", text_opt);
        let registered = rr.get("registered_m2", area);
        let surveyed = rr.get("surveyed_m2", area);
        let contracted = rr.get("contracted_m2", area);
        let name = rr.get("name", text_opt).unwrap_or_default();
        let id = rr.get("id_number", id_number);
        let phone = rr.get("phone", text_opt);
        let delivered = rr.get("delivered", yes_no_or_blank).unwrap_or(true);
        let (building, room) = (building?, room?);
        let Some((area, basis)) = counted_area(registered, surveyed, contracted) else {
            row_error(
                rr.errors,
                row,
                "登记面积",
                "",
                Text::new(
                    "登记面积、测绘面积、合同面积至少填一项",
                    "at least one of the registered, surveyed or contracted area",
                ),
            );
            return None;
        };
        if let Some(first) = seen.insert((building.clone(), unit.clone(), room.clone()), row) {
            row_error(
                rr.errors,
                row,
                "房号",
                &room,
                Text::new(
                    format!("不与第{first}行重复（每个专有部分一行）"),
                    format!("not a repeat of row {first} (one line per exclusive part)"),
                ),
            );
            return None;
        }
        Some(RegisterLine {
            row,
            building,
            unit,
            room,
            area,
            basis,
            name,
            id_number: id,
            phone,
            delivered,
        })
    }))
}

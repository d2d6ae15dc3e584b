//! Reading a big estate sheet as a stream: .xlsx rows are parsed as the XML is read, and handed
//! on in batches, so that storing one batch overlaps with reading the next and the whole sheet
//! never sits in memory. Other formats are read whole and then handed on the same way.

use crate::columns::ESTATE_FIELDS;
use crate::import::{locate_header, CellError, EstateParser, EstateRow};
use crate::sheet::{read_grid, Grid};
use crate::IoError;
use anju_domain::DivisionCode;
use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use std::path::Path;

/// What a streamed read found besides its rows.
#[derive(Debug, Clone)]
pub struct StreamSummary {
    pub header_row: u32,
    pub rows: usize,
    pub skipped: usize,
    pub errors: Vec<CellError>,
    /// Findings that do not stop the import.
    pub warnings: Vec<CellError>,
    /// The yes/no rule columns the sheet lacks: its estates are 待核实 for those rules.
    pub unsurveyed: Vec<anju_domain::estate::EstateField>,
    pub ignored_headers: Vec<String>,
}

/// How many rows are scanned for the header before data is streamed.
const HEADER_ROWS: u32 = 30;

/// Rows per batch of an import: enough to amortise a multi-row insert, few enough that the reading
/// thread and the writer overlap.
pub const IMPORT_BATCH: usize = 10_000;

/// [`stream_estates`] as an import takes it: batches of [`IMPORT_BATCH`] estates, each with the
/// number of errors so far (`anju import` and the import page read a sheet the same way).
pub fn stream_estate_batches(
    path: &Path,
    division_known: &(dyn Fn(&DivisionCode) -> bool + Sync),
    reference_year: i32,
    sink: &mut dyn FnMut(Vec<anju_domain::Estate>, usize),
) -> Result<StreamSummary, IoError> {
    stream_estates(
        path,
        division_known,
        reference_year,
        IMPORT_BATCH,
        |batch, errors| sink(batch.into_iter().map(|r| r.estate).collect(), errors),
    )
}

/// Reads the estate sheet at `path`, calling `sink` with batches of about `batch` rows and the
/// number of errors found so far (a caller stops storing once there is one).
pub fn stream_estates(
    path: &Path,
    division_known: &(dyn Fn(&DivisionCode) -> bool + Sync),
    reference_year: i32,
    batch: usize,
    mut sink: impl FnMut(Vec<EstateRow>, usize),
) -> Result<StreamSummary, IoError> {
    let is_xlsx = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"));
    if !is_xlsx {
        let grid = read_grid(path)?;
        let rows: Vec<(u32, Vec<Data>)> = grid
            .range
            .rows()
            .enumerate()
            .map(|(r, row)| (grid.excel_row(r) - 1, row.to_vec()))
            .collect();
        let col0 = grid.abs_col(0);
        return run(
            grid.sheet_name.clone(),
            rows.into_iter().map(Ok),
            col0,
            division_known,
            reference_year,
            batch,
            &mut sink,
        );
    }
    let open_err = |e: &dyn std::fmt::Display| IoError::Open {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut wb: Xlsx<_> = open_workbook(path).map_err(|e| open_err(&e))?;
    let name = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| open_err(&"工作簿中没有工作表 / the workbook has no worksheet"))?;
    let mut cells = wb.worksheet_cells_reader(&name).map_err(|e| open_err(&e))?;
    // Group the cells into rows (absolute row index, cells from column 0).
    let rows = std::iter::from_fn({
        let mut pending: Option<(u32, u32, Data)> = None;
        let mut done = false;
        move || -> Option<Result<(u32, Vec<Data>), IoError>> {
            if done {
                return None;
            }
            let mut row: Option<(u32, Vec<Data>)> = None;
            loop {
                let next = match pending.take() {
                    Some(c) => Some(c),
                    None => match cells.next_cell() {
                        Ok(Some(c)) => {
                            let (r, col) = c.get_position();
                            Some((r, col, Data::from(c.get_value().clone())))
                        }
                        Ok(None) => None,
                        Err(e) => {
                            done = true;
                            return Some(Err(open_err(&e)));
                        }
                    },
                };
                match (next, &mut row) {
                    (None, _) => {
                        done = true;
                        return row.map(Ok);
                    }
                    (Some((r, c, v)), None) => {
                        let mut cells = vec![Data::Empty; c as usize + 1];
                        cells[c as usize] = v;
                        row = Some((r, cells));
                    }
                    (Some((r, c, v)), Some((cur, cells))) if r == *cur => {
                        if cells.len() <= c as usize {
                            cells.resize(c as usize + 1, Data::Empty);
                        }
                        cells[c as usize] = v;
                    }
                    (Some(cell), Some(_)) => {
                        pending = Some(cell);
                        return row.map(Ok);
                    }
                }
            }
        }
    });
    run(
        name,
        rows,
        0,
        division_known,
        reference_year,
        batch,
        &mut sink,
    )
}

fn run(
    sheet_name: String,
    mut rows: impl Iterator<Item = Result<(u32, Vec<Data>), IoError>>,
    col0: u32,
    division_known: &(dyn Fn(&DivisionCode) -> bool + Sync),
    reference_year: i32,
    batch: usize,
    sink: &mut impl FnMut(Vec<EstateRow>, usize),
) -> Result<StreamSummary, IoError> {
    // Buffer the first rows and find the header among them.
    let mut head: Vec<(u32, Vec<Data>)> = Vec::new();
    let mut rest_first: Option<(u32, Vec<Data>)> = None;
    for r in rows.by_ref() {
        let r = r?;
        let first_row = head.first().map_or(r.0, |h| h.0);
        if r.0 >= first_row + HEADER_ROWS {
            rest_first = Some(r);
            break;
        }
        head.push(r);
    }
    let r0 = head.first().map_or(0, |h| h.0);
    let r1 = head.last().map_or(0, |h| h.0);
    let width = head.iter().map(|h| h.1.len()).max().unwrap_or(1).max(1) as u32;
    let mut range = Range::new((r0, col0), (r1, col0 + width - 1));
    for (r, cells) in &head {
        for (c, v) in cells.iter().enumerate() {
            if *v != Data::Empty {
                range.set_value((*r, col0 + c as u32), v.clone());
            }
        }
    }
    let grid = Grid { sheet_name, range };
    let layout = locate_header(&grid, &ESTATE_FIELDS)?;
    let header_abs = r0 + layout.header_row as u32;
    let mut parser = EstateParser::new(layout, division_known, reference_year);
    let mut out = Vec::with_capacity(batch);
    let feed = |parser: &mut EstateParser, r: u32, cells: &[Data], out: &mut Vec<EstateRow>| {
        if r > header_abs {
            if let Some(e) = parser.push(r + 1, (r - header_abs) as usize, col0, cells) {
                out.push(e);
            }
        }
    };
    for (r, cells) in &head {
        feed(&mut parser, *r, cells, &mut out);
    }
    drop(head);
    for r in rest_first.into_iter().map(Ok).chain(rows) {
        let (r, cells) = r?;
        feed(&mut parser, r, &cells, &mut out);
        if out.len() >= batch {
            sink(
                std::mem::replace(&mut out, Vec::with_capacity(batch)),
                parser.errors.len(),
            );
        }
    }
    if !out.is_empty() {
        sink(out, parser.errors.len());
    }
    let ignored_headers = parser.layout().ignored.clone();
    let unsurveyed = parser.unsurveyed().to_vec();
    Ok(StreamSummary {
        header_row: header_abs + 1,
        rows: parser.rows,
        skipped: parser.skipped,
        errors: parser.errors,
        unsurveyed,
        warnings: parser.warnings,
        ignored_headers,
    })
}

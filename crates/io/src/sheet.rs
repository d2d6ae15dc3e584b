//! Reading a sheet file (.xlsx, .xls, .ods, .csv) into one grid of cells.

use crate::IoError;
use calamine::{open_workbook_auto, Data, Range, Reader};
use std::path::Path;

/// The first worksheet of a file, with the position of its first cell (so that row numbers can be
/// reported as Excel shows them).
pub struct Grid {
    pub sheet_name: String,
    pub range: Range<Data>,
}

impl Grid {
    /// The 1-based row number Excel shows for the grid's relative row `r`.
    pub fn excel_row(&self, r: usize) -> u32 {
        self.range.start().map_or(0, |(r0, _)| r0) + r as u32 + 1
    }

    /// The absolute 0-based column of relative column `c`.
    pub fn abs_col(&self, c: usize) -> u32 {
        self.range.start().map_or(0, |(_, c0)| c0) + c as u32
    }

    pub fn height(&self) -> usize {
        self.range.height()
    }

    pub fn row(&self, r: usize) -> &[Data] {
        let w = self.range.width();
        if w == 0 {
            return &[];
        }
        self.range.rows().nth(r).unwrap_or(&[])
    }

    pub fn cell(&self, r: usize, c: usize) -> &Data {
        static EMPTY: Data = Data::Empty;
        self.range.get((r, c)).unwrap_or(&EMPTY)
    }
}

/// Opens the first worksheet of a file, chosen by its extension.
pub fn read_grid(path: &Path) -> Result<Grid, IoError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => read_csv(path),
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => {
            let mut wb = open_workbook_auto(path).map_err(|e| IoError::Open {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            let name = wb.sheet_names().first().cloned().unwrap_or_default();
            let range = wb
                .worksheet_range_at(0)
                .ok_or_else(|| IoError::Open {
                    path: path.display().to_string(),
                    message: "工作簿中没有工作表 / the workbook has no worksheet".into(),
                })?
                .map_err(|e| IoError::Open {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?;
            Ok(Grid {
                sheet_name: name,
                range,
            })
        }
        _ => Err(IoError::Format {
            path: path.display().to_string(),
        }),
    }
}

/// Decodes a CSV file: UTF-8 (with or without BOM), else GB18030 as Excel in China saves it.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn read_csv(path: &Path) -> Result<Grid, IoError> {
    let bytes = std::fs::read(path).map_err(|e| IoError::Open {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let text = decode_text(&bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| IoError::Open {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        rows.push(rec.iter().map(str::to_string).collect());
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut range = Range::new(
        (0, 0),
        (rows.len().max(1) as u32 - 1, width.max(1) as u32 - 1),
    );
    for (r, row) in rows.into_iter().enumerate() {
        for (c, v) in row.into_iter().enumerate() {
            if !v.is_empty() {
                range.set_value((r as u32, c as u32), Data::String(v));
            }
        }
    }
    Ok(Grid {
        sheet_name: path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("csv")
            .to_string(),
        range,
    })
}

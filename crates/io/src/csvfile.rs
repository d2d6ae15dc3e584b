//! Small CSV files of exact columns (the plan solver's and the vote recount's): each record with
//! its line number, and an error naming the file, the line and what was expected.

use crate::IoError;

pub(crate) fn error(file: &str, line: usize, message: String) -> IoError {
    IoError::Csv {
        file: file.to_string(),
        line,
        message,
    }
}

/// The records of a CSV with exactly these columns (in any order), with their line numbers.
pub(crate) fn records(
    file: &str,
    text: &str,
    columns: &[&str],
) -> Result<Vec<(usize, Vec<String>)>, IoError> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| error(file, 1, e.to_string()))?
        .clone();
    let at: Vec<usize> = columns
        .iter()
        .map(|c| {
            headers.iter().position(|h| h == *c).ok_or_else(|| {
                error(
                    file,
                    1,
                    format!(
                        "表头缺少列 {c}（应为 {}）/ the header lacks {c} (expected {})",
                        columns.join(","),
                        columns.join(",")
                    ),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| error(file, line, e.to_string()))?;
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        out.push((
            line,
            at.iter()
                .map(|&j| rec.get(j).unwrap_or("").to_string())
                .collect(),
        ));
    }
    Ok(out)
}

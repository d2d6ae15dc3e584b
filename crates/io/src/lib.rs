//! anju-io: the outside formats. Survey sheets in (.xlsx, .xls, .ods, .csv) and out, division
//! lists, coordinate conversion, and the deterministic demo generator.

pub mod columns;
pub mod coords;
pub mod counties;
mod csvfile;
pub mod demo;
pub mod demo_planning;
pub mod demo_residents;
pub mod divisions;
pub mod import;
pub mod normalize;
pub mod pabulib;
pub mod plan;
pub mod plan_sheet;
pub mod sheet;
pub mod stream;
pub mod value;
pub mod votes;
pub mod write;

pub use import::{
    parse_buildings, parse_estates, parse_facilities, parse_needs, parse_register, BuildingRow,
    CellError, EstateRef, EstateRow, NeedRow, Parsed, SheetError,
};
pub use sheet::{read_grid, Grid};

/// Errors of reading and writing files.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    #[error("无法打开 {path}：{message} / cannot open {path}: {message}")]
    Open { path: String, message: String },
    #[error("不支持的文件格式 {path}：请使用 .xlsx、.xls、.ods 或 .csv / unsupported file {path}: use .xlsx, .xls, .ods or .csv")]
    Format { path: String },
    #[error("写入失败 / cannot write: {0}")]
    Write(String),
    #[error(transparent)]
    Sheet(#[from] SheetError),
    #[error("行政区划文件第{line}行：{message} / division list line {line}: {message}")]
    Division { line: usize, message: String },
    #[error("{file} 第{line}行：{message} / {file} line {line}: {message}")]
    Csv {
        file: String,
        line: usize,
        message: String,
    },
}

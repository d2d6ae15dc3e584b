//! The import page: upload a survey sheet, see every bad cell, confirm.

use crate::error::ApiError;
use crate::extract::{Form, Path};
use crate::page::{render, Chrome, CsrfForm, PageCaller};
use crate::AppState;
use anju_domain::Lang;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/import", get(import_page).post(import_upload))
        .route("/import/{id}/confirm", post(import_confirm))
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    c: Chrome,
    notice: Option<String>,
    failure: Option<String>,
    errors: Vec<(u32, String, String, String, String)>,
    /// Findings that do not stop the import (a word not understood, a number that looks odd).
    warnings: Vec<(u32, String, String, String, String)>,
    /// The yes/no rule columns the sheet lacks (its estates are 待核实 for those rules).
    unsurveyed: Vec<String>,
    confirm_id: Option<i64>,
    rows: usize,
}

impl ImportPage {
    fn new(c: Chrome) -> Self {
        ImportPage {
            c,
            notice: None,
            failure: None,
            errors: Vec::new(),
            warnings: Vec::new(),
            unsurveyed: Vec::new(),
            confirm_id: None,
            rows: 0,
        }
    }
}

async fn import_page(p: PageCaller) -> Result<Response, ApiError> {
    render(&ImportPage::new(p.chrome), StatusCode::OK)
}

/// An uploaded sheet on disk for the readers (which read files), removed when dropped.
pub(super) struct TempSheet {
    dir: std::path::PathBuf,
    pub(super) path: std::path::PathBuf,
}

impl TempSheet {
    pub(super) fn write(filename: &str, bytes: &[u8]) -> Result<TempSheet, String> {
        let ext = std::path::Path::new(filename)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("xlsx")
            .to_ascii_lowercase();
        let dir = std::env::temp_dir().join(format!(
            "anju-upload-{}",
            anju_store::sessions::new_secret()
        ));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join(format!("sheet.{ext}"));
        std::fs::write(&path, bytes).map_err(|e| e.to_string())?;
        Ok(TempSheet { dir, path })
    }
}

impl Drop for TempSheet {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The lines of the page's table of errors or warnings: row, cell, header, value, why.
fn finding_rows(
    findings: &[anju_io::CellError],
    lang: Lang,
) -> Vec<(u32, String, String, String, String)> {
    findings
        .iter()
        .map(|e| {
            (
                e.row,
                format!("{}{}", e.column_letter(), e.row),
                e.header.clone(),
                e.value.clone(),
                e.expected.get(lang).to_string(),
            )
        })
        .collect()
}

/// Reads an uploaded sheet: its rows, errors and warnings, or why the sheet cannot be read.
/// Division codes outside the caller's jurisdiction count as unknown.
async fn check_upload(
    p: &PageCaller,
    reference_year: i32,
    filename: &str,
    bytes: &[u8],
) -> Result<anju_io::Parsed<anju_io::EstateRow>, String> {
    let sheet = TempSheet::write(filename, bytes)?;
    let codes = p
        .caller
        .data
        .importable_divisions()
        .await
        .map_err(|e| e.to_string())?;
    let path = sheet.path.clone();
    let parsed = tokio::task::spawn_blocking(move || {
        let grid = anju_io::read_grid(&path).map_err(|e| e.to_string())?;
        anju_io::parse_estates(&grid, &|c| codes.contains(c.as_str()), reference_year)
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())??;
    Ok(parsed)
}

/// The sheet of an upload form (multipart: `csrf`, `file`), its CSRF token checked: its name and
/// bytes.
pub(super) async fn uploaded_sheet(
    p: &PageCaller,
    mut form: axum::extract::Multipart,
) -> Result<(String, Vec<u8>), ApiError> {
    let (mut csrf, mut file) = (None, None);
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("csrf") => csrf = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or("sheet.xlsx").to_string();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) => return Err(ApiError::bad_request(e.to_string())),
                }
            }
            _ => {}
        }
    }
    p.caller.check_csrf(csrf.as_deref())?;
    file.ok_or_else(|| ApiError::invalid("缺少文件 / no file"))
}

async fn import_upload(
    State(state): State<AppState>,
    p: PageCaller,
    form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    let (filename, bytes) = uploaded_sheet(&p, form).await?;
    let lang = p.chrome.lang();
    match check_upload(&p, state.web.reference_year, &filename, &bytes).await {
        Err(why) => {
            let mut page = ImportPage::new(p.chrome);
            page.failure = Some(why);
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Ok(parsed) if !parsed.errors.is_empty() => {
            let mut page = ImportPage::new(p.chrome);
            page.errors = finding_rows(&parsed.errors, lang);
            page.warnings = finding_rows(&parsed.warnings, lang);
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Ok(parsed) => match state
            .store
            .save_upload(p.caller.account.id, &filename, bytes)
            .await
        {
            Ok(id) => {
                let mut page = ImportPage::new(p.chrome);
                page.confirm_id = Some(id);
                page.rows = parsed.rows.len();
                page.warnings = finding_rows(&parsed.warnings, lang);
                page.unsurveyed = parsed
                    .unsurveyed
                    .iter()
                    .map(|f| f.label(lang).to_string())
                    .collect();
                render(&page, StatusCode::OK)
            }
            Err(e) => Err(e.into()),
        },
    }
}

async fn import_confirm(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(Some(&f.csrf))?;
    let upload = match state.store.upload(p.caller.account.id, id).await {
        Ok(Some(u)) => u,
        Ok(None) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    // Read again and stored by the same streamed import as `anju import estates`; checked
    // again on the way (the divisions or the scope may have changed since the preview), and kept
    // only if the whole sheet still passes.
    let refused = |chrome| {
        let mut page = ImportPage::new(chrome);
        page.failure = Some("表格已不能通过检查，请重新上传 / the sheet no longer passes the check; upload it again".into());
        render(&page, StatusCode::UNPROCESSABLE_ENTITY)
    };
    let sheet = match TempSheet::write(&upload.filename, &upload.bytes) {
        Ok(s) => s,
        Err(e) => return Err(ApiError::internal(e)),
    };
    let assessor = state.assessor(&p.caller.data).await?;
    let reference_year = state.web.reference_year;
    let codes = p.caller.data.importable_divisions().await?;
    let ctx = p.caller.write_ctx(&format!("upload:{}", upload.filename));
    let path = sheet.path.clone();
    let (pending, read) = p
        .caller
        .data
        .import_estates_streamed(
            &ctx,
            &assessor,
            true,
            move |sink| {
                anju_io::stream::stream_estate_batches(
                    &path,
                    &|c| codes.contains(c.as_str()),
                    reference_year,
                    sink,
                )
            },
            |_| {},
        )
        .await?;
    drop(sheet);
    let (report, warnings) = match read {
        Ok(summary) if summary.errors.is_empty() => {
            (pending.commit().await?, summary.warnings.len())
        }
        _ => {
            pending.rollback().await?;
            return refused(p.chrome);
        }
    };
    let _ = state.store.delete_upload(id).await;
    let mut page = ImportPage::new(p.chrome);
    page.notice = Some(match page.c.lang() {
        Lang::Zh => format!(
            "导入完成：新增{}个，更新{}个，未变{}个，提醒{warnings}处",
            report.inserted, report.updated, report.unchanged
        ),
        Lang::En => format!(
            "imported: {} new, {} updated, {} unchanged, {warnings} warning(s)",
            report.inserted, report.updated, report.unchanged
        ),
    });
    render(&page, StatusCode::OK)
}

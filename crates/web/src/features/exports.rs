//! The inventory export of the pages (the rows of `anju export estates`, made by the scoped
//! store).

use crate::error::ApiError;
use crate::extract::{parse_division, Query};
use crate::page::PageCaller;
use crate::AppState;
use anju_domain::Lang;
use axum::extract::State;

use axum::response::Response;
use axum::routing::get;
use axum::Router;

use anju_io::write::EstateWriter;

/// What to export: a division (default: the whole jurisdiction) and an outcome (default: all).
#[derive(serde::Deserialize)]
struct ExportQuery {
    division: Option<String>,
    outcome: Option<String>,
}

pub fn pages() -> Router<AppState> {
    Router::new().route("/export.xlsx", get(export_xlsx))
}

async fn export_xlsx(
    State(state): State<AppState>,
    p: PageCaller,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let division = parse_division(q.division.as_deref())?;
    let outcome = crate::features::estates::outcome_param(q.outcome.as_deref())?;
    let assessor = state.assessor(&p.caller.data).await?;
    let lang = p.chrome.lang();
    let mut pages = p.caller.data.export(&assessor, division, outcome);
    let bytes = write_export(&mut pages, lang).await?;
    Ok(crate::page::xlsx_download(bytes, "estates.xlsx"))
}

/// The inventory sheet for the browser's download (the rows of `anju export`), written to a
/// temporary file page by page; the writing, CPU work, off the async threads.
async fn write_export(
    pages: &mut anju_store::scoped::ExportPages<'_>,
    lang: Lang,
) -> Result<Vec<u8>, ApiError> {
    let dir = std::env::temp_dir().join(format!(
        "anju-export-{}",
        anju_store::sessions::new_secret()
    ));
    std::fs::create_dir_all(&dir).map_err(ApiError::internal)?;
    let path = dir.join("estates.xlsx");
    let result = async {
        let mut w = EstateWriter::create(&path, false, lang).map_err(ApiError::internal)?;
        while let Some(rows) = pages.next().await? {
            tokio::task::block_in_place(|| rows.iter().try_for_each(|(name, r)| w.write(name, r)))
                .map_err(ApiError::internal)?;
        }
        tokio::task::block_in_place(|| w.finish()).map_err(ApiError::internal)?;
        std::fs::read(&path).map_err(ApiError::internal)
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

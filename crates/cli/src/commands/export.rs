//! `anju export estates`: the inventory as Excel or CSV, the rows of the export button;
//! `anju export projects`: the projects' workbook of the projects page.

use super::*;

pub(super) async fn export_estates(
    s: &Settings,
    format: FormatArg,
    division: Option<String>,
    outcome: Option<anju_domain::Outcome>,
    output: Option<PathBuf>,
) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let division = division.as_deref().map(parse_division).transpose()?;
    let csv = format == FormatArg::Csv;
    let path =
        output.unwrap_or_else(|| PathBuf::from(if csv { "estates.csv" } else { "estates.xlsx" }));
    let assessor = store.assessor(s.policy.clone(), s.reference_year).await?;
    let mut w = EstateWriter::create(&path, csv, s.lang)?;
    let pb = spinner(s.lang.pick("导出…", "exporting…"));
    let all = store.scoped(anju_domain::Scope::All);
    let mut pages = all.export(&assessor, division, outcome);
    let mut n = 0u64;
    while let Some(rows) = pages.next().await? {
        for (name, r) in &rows {
            w.write(name, r)?;
        }
        n += rows.len() as u64;
        pb.set_message(format!("{n}"));
    }
    w.finish()?;
    pb.finish_and_clear();
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!("已导出{n}个小区到 {}", path.display()),
            Lang::En => format!("exported {n} estates to {}", path.display()),
        }
    );
    Ok(exit::OK)
}

pub(super) async fn export_projects(
    s: &Settings,
    division: Option<String>,
    output: Option<PathBuf>,
) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let scope = match division.as_deref().map(parse_division).transpose()? {
        Some(d) => anju_domain::Scope::Division(d),
        None => anju_domain::Scope::All,
    };
    let data = store.scoped(scope);
    let a = store.assessor(s.policy.clone(), s.reference_year).await?;
    let bytes = anju_web::features::projects::projects_workbook(&data, &a, s.lang)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let path = output.unwrap_or_else(|| PathBuf::from("projects.xlsx"));
    std::fs::write(&path, bytes)?;
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!("已导出改造项目到 {}", path.display()),
            Lang::En => format!("exported the projects to {}", path.display()),
        }
    );
    Ok(exit::OK)
}

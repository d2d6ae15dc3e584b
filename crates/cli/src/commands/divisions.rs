//! `anju divisions import|list`: the division table.

use super::*;

pub(super) async fn import_divisions(
    s: &Settings,
    file: Option<PathBuf>,
    builtin: bool,
) -> anyhow::Result<u8> {
    let (text, source) = match (file, builtin) {
        (Some(f), false) => (
            anju_io::sheet::decode_text(
                &std::fs::read(&f).with_context(|| format!("{}", f.display()))?,
            ),
            f.display().to_string(),
        ),
        (None, true) => (
            anju_io::divisions::BUILTIN_ANHUI.to_string(),
            "builtin:34".to_string(),
        ),
        _ => anyhow::bail!(
            "请给出CSV文件或 --builtin（二选一）/ give a CSV file or --builtin (one of them)"
        ),
    };
    let list = match anju_io::divisions::parse_divisions(&text) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return Ok(exit::INVALID_INPUT);
        }
    };
    let store = open(s).await?;
    let r = store
        .import_divisions(
            &WriteCtx::new(actor(), Some(format!("divisions:{source}"))),
            &list,
        )
        .await?;
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!(
                "行政区划：新增{}，更新{}，未变{}",
                r.inserted, r.updated, r.unchanged
            ),
            Lang::En => format!(
                "divisions: {} new, {} updated, {} unchanged",
                r.inserted, r.updated, r.unchanged
            ),
        }
    );
    Ok(exit::OK)
}

pub(super) async fn list_divisions(s: &Settings, parent: Option<String>) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let parent = parent.as_deref().map(parse_division).transpose()?;
    for d in store.child_divisions(parent.as_ref()).await? {
        println!(
            "{}\t{}{}",
            d.code,
            d.name,
            if d.county_seat {
                s.lang.pick("\t（县城）", "\t(county seat)")
            } else {
                ""
            }
        );
    }
    Ok(exit::OK)
}

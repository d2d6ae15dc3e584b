//! `anju import estates|buildings FILE`: a survey sheet into the inventory, all or nothing.

use super::*;

/// Prints the errors of a sheet, writes the marked copy if asked, and gives the exit code.
pub(super) fn report_errors(
    grid: Option<&anju_io::Grid>,
    errors: &[CellError],
    warnings: &[CellError],
    errors_out: Option<&Path>,
    lang: Lang,
) -> anyhow::Result<u8> {
    eprintln!(
        "{}",
        match lang {
            Lang::Zh => format!("发现{}处错误，未导入任何数据：", errors.len()),
            Lang::En => format!("{} error(s) found; nothing was imported:", errors.len()),
        }
    );
    print_findings(errors, lang);
    report_warnings(warnings, lang);
    write_marked(grid, errors, warnings, errors_out, lang)?;
    Ok(exit::INVALID_INPUT)
}

fn print_findings(findings: &[CellError], lang: Lang) {
    let mut sorted: Vec<&CellError> = findings.iter().collect();
    sorted.sort_by_key(|e| (e.row, e.column));
    for e in sorted {
        eprintln!("  {}", e.describe(lang));
    }
}

/// Prints the warnings of a sheet: they do not stop the import.
pub(super) fn report_warnings(warnings: &[CellError], lang: Lang) {
    if warnings.is_empty() {
        return;
    }
    eprintln!(
        "{}",
        match lang {
            Lang::Zh => format!("提醒{}处（不影响导入，请核实）：", warnings.len()),
            Lang::En => format!(
                "{} warning(s), which do not stop the import; please check them:",
                warnings.len()
            ),
        }
    );
    print_findings(warnings, lang);
}

/// Writes the sheet with its errors (red) and warnings (yellow) marked, if asked.
fn write_marked(
    grid: Option<&anju_io::Grid>,
    errors: &[CellError],
    warnings: &[CellError],
    errors_out: Option<&Path>,
    lang: Lang,
) -> anyhow::Result<()> {
    if errors.is_empty() && warnings.is_empty() {
        return Ok(());
    }
    if let (Some(p), Some(grid)) = (errors_out, grid) {
        let all: Vec<CellError> = errors.iter().chain(warnings).cloned().collect();
        write_errors_out(grid, &all, p, lang)?;
        eprintln!(
            "{}{}",
            lang.pick(
                "已写出标注错误与提醒的表格：",
                "wrote the sheet with errors and warnings marked: "
            ),
            p.display()
        );
    }
    Ok(())
}

/// Says which yes/no rule columns the sheet lacks: its estates are 待核实 for those rules.
fn print_unsurveyed(columns: &[anju_domain::estate::EstateField], lang: Lang) {
    if columns.is_empty() {
        return;
    }
    let names: Vec<&str> = columns.iter().map(|f| f.label(lang)).collect();
    eprintln!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "提示：表格缺少{}列，这些小区的相应规则判定为“待核实”；补充该列后重新导入即可",
                names.iter().map(|n| format!("“{n}”")).collect::<String>()
            ),
            Lang::En => format!(
                "note: the sheet has no column {}; its estates are 'to be verified' for those rules until a sheet with the column is imported",
                names.join(", ")
            ),
        }
    );
}

pub(super) fn print_ignored(ignored: &[String], lang: Lang) {
    let real: Vec<&String> = ignored
        .iter()
        .filter(|h| !matches!(h.as_str(), "序号" | "备注" | "No." | "编号"))
        .collect();
    if !real.is_empty() {
        eprintln!(
            "{}{}",
            lang.pick(
                "提示：以下列未识别，已忽略：",
                "note: these columns were not recognised and were ignored: "
            ),
            real.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(lang.pick("、", ", "))
        );
    }
}

/// Imports the estate sheet as a stream: batches are stored while the rest of the sheet is still
/// being read, all in one transaction that is committed only if no row had an error.
pub(super) async fn import_estates(s: &Settings, a: ImportArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let store = open(s).await?;
    let all = store.scoped(anju_domain::Scope::All);
    let codes = all.importable_divisions().await?;
    let assessor = store.assessor(s.policy.clone(), s.reference_year).await?;
    let reference_year = s.reference_year;
    let ctx = WriteCtx::new(actor(), Some(format!("import:{}", a.file.display())));
    let pb = spinner(s.lang.pick("读取并写入…", "reading and writing…"));
    let path = a.file.clone();
    let (pending, read) = all
        .import_estates_streamed(
            &ctx,
            &assessor,
            !a.dry_run,
            move |sink| {
                anju_io::stream::stream_estate_batches(
                    &path,
                    &|c| codes.contains(c.as_str()),
                    reference_year,
                    sink,
                )
            },
            |rows| pb.set_message(format!("{rows}")),
        )
        .await?;
    pb.finish_and_clear();
    let rows = pending.rows;
    let summary = match read {
        Ok(summary) => summary,
        Err(anju_io::IoError::Sheet(e)) => {
            pending.rollback().await?;
            eprintln!("{e}");
            return Ok(exit::INVALID_INPUT);
        }
        Err(e) => {
            pending.rollback().await?;
            return Err(e.into());
        }
    };
    tracing::debug!(
        secs = started.elapsed().as_secs_f64(),
        rows,
        "read and stored"
    );
    print_ignored(&summary.ignored_headers, s.lang);
    print_unsurveyed(&summary.unsurveyed, s.lang);
    if !summary.errors.is_empty() {
        pending.rollback().await?;
        let grid = match &a.errors_out {
            Some(_) => Some(anju_io::read_grid(&a.file)?),
            None => None,
        };
        return report_errors(
            grid.as_ref(),
            &summary.errors,
            &summary.warnings,
            a.errors_out.as_deref(),
            s.lang,
        );
    }
    report_warnings(&summary.warnings, s.lang);
    if !summary.warnings.is_empty() && a.errors_out.is_some() {
        // The sheet is read again only to mark it (the import streamed it).
        let grid = anju_io::read_grid(&a.file)?;
        write_marked(
            Some(&grid),
            &[],
            &summary.warnings,
            a.errors_out.as_deref(),
            s.lang,
        )?;
    }
    let warnings = summary.warnings.len();
    if a.dry_run {
        pending.rollback().await?;
        println!(
            "{}",
            match s.lang {
                Lang::Zh => format!("检查通过：{rows}行小区数据，无错误，提醒{warnings}处（未写入）"),
                Lang::En => format!(
                    "check passed: {rows} estate rows, no errors, {warnings} warning(s) (nothing written)"
                ),
            }
        );
        return Ok(exit::OK);
    }
    let report = pending.commit().await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!(
                "导入完成：新增{}个，更新{}个，未变{}个，提醒{warnings}处（共{rows}行，用时{secs:.2}秒）",
                report.inserted, report.updated, report.unchanged
            ),
            Lang::En => format!(
                "imported: {} new, {} updated, {} unchanged, {warnings} warning(s) ({rows} rows in {secs:.2} s)",
                report.inserted, report.updated, report.unchanged
            ),
        }
    );
    Ok(exit::OK)
}

/// A sheet read (its header found), its unknown headers said and its errors reported (with the
/// marked sheet when asked): the parsed rows, or the exit code when it cannot be imported.
fn checked<T>(
    s: &Settings,
    a: &ImportArgs,
    grid: &anju_io::Grid,
    parsed: Result<anju_io::Parsed<T>, anju_io::SheetError>,
) -> anyhow::Result<Result<anju_io::Parsed<T>, u8>> {
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return Ok(Err(exit::INVALID_INPUT));
        }
    };
    print_ignored(&parsed.ignored_headers, s.lang);
    if !parsed.errors.is_empty() {
        return Ok(Err(report_errors(
            Some(grid),
            &parsed.errors,
            &parsed.warnings,
            a.errors_out.as_deref(),
            s.lang,
        )?));
    }
    Ok(Ok(parsed))
}

/// `--dry-run` after a sheet passed its checks.
fn checked_only(s: &Settings) -> u8 {
    println!(
        "{}",
        s.lang
            .pick("检查通过（未写入）", "check passed (nothing written)")
    );
    exit::OK
}

pub(super) async fn import_buildings(s: &Settings, a: ImportArgs) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let grid = anju_io::read_grid(&a.file)?;
    let parsed = match checked(s, &a, &grid, anju_io::parse_buildings(&grid))? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    report_warnings(&parsed.warnings, s.lang);
    write_marked(
        Some(&grid),
        &[],
        &parsed.warnings,
        a.errors_out.as_deref(),
        s.lang,
    )?;
    let rows: Vec<BuildingUpsert> = parsed
        .rows
        .iter()
        .map(|r| {
            let (estate_code, division_code, estate_name) = match &r.estate {
                EstateRef::Code(c) => (Some(c.clone()), None, None),
                EstateRef::NameInDivision {
                    division_code,
                    name,
                } => (None, Some(division_code.clone()), Some(name.clone())),
            };
            BuildingUpsert {
                estate_code,
                division_code,
                estate_name,
                building: r.building.clone(),
            }
        })
        .collect();
    if a.dry_run {
        return Ok(checked_only(s));
    }
    let assessor = store.assessor(s.policy.clone(), s.reference_year).await?;
    let ctx = WriteCtx::new(actor(), Some(format!("import:{}", a.file.display())));
    match store.upsert_buildings(&ctx, &rows, &assessor).await? {
        Ok(report) => {
            store
                .refresh_statistics(report.inserted + report.updated)
                .await?;
            println!(
                "{}",
                match s.lang {
                    Lang::Zh => format!(
                        "导入完成：新增{}栋，更新{}栋，未变{}栋",
                        report.inserted, report.updated, report.unchanged
                    ),
                    Lang::En => format!(
                        "imported: {} new, {} updated, {} unchanged buildings",
                        report.inserted, report.updated, report.unchanged
                    ),
                }
            );
            Ok(exit::OK)
        }
        Err(missing) => {
            let errors: Vec<CellError> = missing
                .into_iter()
                .map(|i| {
                    let r = &parsed.rows[i];
                    CellError {
                        row: r.row,
                        column: None,
                        header: "小区".into(),
                        value: r.estate.describe(),
                        expected: anju_domain::Text::new(
                            "已导入的小区（请先导入小区摸底调查表）",
                            "an estate already imported (import the estate sheet first)",
                        ),
                        severity: anju_io::import::Severity::Error,
                    }
                })
                .collect();
            report_errors(Some(&grid), &errors, &[], a.errors_out.as_deref(), s.lang)
        }
    }
}

/// `anju import needs`: the needs sheet, checked whole, then stored in one transaction.
pub(super) async fn import_needs(s: &Settings, a: ImportArgs) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let assessor = store.assessor(s.policy.clone(), s.reference_year).await?;
    // Every item any policy in force knows, so that a city's own item is read by its name.
    let policies = store.policies(s.policy.clone()).await?;
    let mut catalogue = s.policy.catalogue.clone();
    for d in policies.divisions_with_overrides(s.reference_year) {
        catalogue.extend(policies.in_force(&d, s.reference_year)?.catalogue);
    }
    let grid = anju_io::read_grid(&a.file)?;
    let parsed = match checked(s, &a, &grid, anju_io::parse_needs(&grid, &catalogue))? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let lines: Vec<anju_store::scoped::NeedLine> = parsed
        .rows
        .iter()
        .map(|r| anju_store::scoped::NeedLine {
            line: r.row as usize,
            estate: r.estate.clone(),
            need: anju_store::scoped::NeedInput {
                item: r.item.clone(),
                quantity_centi: r.quantity_centi,
                in_list: r.in_list,
                hazard: r.hazard,
                note: r.note.clone(),
            },
        })
        .collect();
    if a.dry_run {
        return Ok(checked_only(s));
    }
    let ctx = WriteCtx::new(actor(), Some(format!("import:{}", a.file.display())));
    let all = store.scoped(anju_domain::Scope::All);
    match all.import_needs(&ctx, &assessor, &lines).await? {
        Ok((lines, estates)) => {
            println!(
                "{}",
                match s.lang {
                    Lang::Zh => format!("导入完成：{estates}个小区的{lines}条需求"),
                    Lang::En => format!("imported: {lines} needs of {estates} estates"),
                }
            );
            Ok(exit::OK)
        }
        Err(bad) => {
            let by_row: std::collections::HashMap<u32, &anju_io::NeedRow> =
                parsed.rows.iter().map(|r| (r.row, r)).collect();
            let errors: Vec<CellError> = bad
                .into_iter()
                .map(|(line, why)| CellError {
                    row: line as u32,
                    column: None,
                    header: "小区 / 改造内容".into(),
                    value: by_row
                        .get(&(line as u32))
                        .map(|r| format!("{} {}", r.estate.describe(), r.item))
                        .unwrap_or_default(),
                    expected: why,
                    severity: anju_io::import::Severity::Error,
                })
                .collect();
            report_errors(Some(&grid), &errors, &[], a.errors_out.as_deref(), s.lang)
        }
    }
}

/// `anju import facilities`: the facilities of the life circles, checked whole, then stored in
/// one transaction.
pub(super) async fn import_facilities(s: &Settings, a: ImportArgs) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let grid = anju_io::read_grid(&a.file)?;
    let parsed = match checked(
        s,
        &a,
        &grid,
        anju_io::parse_facilities(&grid, &s.policy.life_circle.kinds),
    )? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    if a.dry_run {
        return Ok(checked_only(s));
    }
    let rows: Vec<anju_store::scoped::FacilityInput> = parsed
        .rows
        .iter()
        .map(|r| anju_store::scoped::FacilityInput {
            kind: r.kind.clone(),
            name: r.name.clone(),
            division: r.division,
            location: r.location,
        })
        .collect();
    let ctx = WriteCtx::new(actor(), Some(format!("import:{}", a.file.display())));
    let n = store
        .scoped(anju_domain::Scope::All)
        .import_facilities(&ctx, &rows)
        .await?;
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!("导入完成：{n}处设施"),
            Lang::En => format!("imported: {n} facilities"),
        }
    );
    Ok(exit::OK)
}

/// `anju import owners FILE --estate ID`: an estate's owner register, checked whole, then stored
/// in one transaction (ID numbers only as keyed hashes).
pub(super) async fn import_owners(s: &Settings, a: ImportArgs, estate: i64) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let grid = anju_io::read_grid(&a.file)?;
    let parsed = match checked(s, &a, &grid, anju_io::parse_register(&grid))? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    if a.dry_run {
        return Ok(checked_only(s));
    }
    let key = s.id_key()?;
    let ctx = WriteCtx::new(actor(), Some(format!("import:{}", a.file.display())));
    let r = store
        .scoped(anju_domain::Scope::All)
        .import_register(estate, &parsed.rows, &key, &ctx)
        .await?;
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!("导入完成：{}位业主，{}个专有部分", r.owners, r.parts),
            Lang::En => format!("imported: {} owners, {} exclusive parts", r.owners, r.parts),
        }
    );
    Ok(exit::OK)
}

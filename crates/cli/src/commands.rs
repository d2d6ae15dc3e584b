//! Each subcommand: read settings, open the store, call the library, report.

use crate::config::{self, Settings, DEFAULT_DATABASE_URL};
use crate::UserCmd;
use crate::{
    exit, Cli, Command, DivisionsCmd, ExportCmd, FormatArg, ImportArgs, ImportCmd, ScaleArg,
    TemplateArg,
};
use anju_domain::{summary::m2, DivisionCode, Lang, Summary};
use anju_io::write::{
    write_errors_out, write_summary_xlsx, write_template, EstateWriter, TemplateKind,
};
use anju_io::{CellError, EstateRef};
use anju_store::estates::PreparedEstate;
use anju_store::{BuildingUpsert, Store, WriteCtx};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::time::Instant;

const DEMO_DATABASE_URL: &str = "sqlite://anju-demo.db";

pub async fn run(cli: Cli) -> anyhow::Result<u8> {
    let default_db = if matches!(cli.command, Command::Demo { .. }) {
        DEMO_DATABASE_URL
    } else {
        DEFAULT_DATABASE_URL
    };
    let s = config::load(&cli.global, default_db)?;
    match cli.command {
        Command::Template { kind, output } => template(kind, output, s.lang),
        Command::Import(ImportCmd::Estates(a)) => import_estates(&s, a).await,
        Command::Import(ImportCmd::Buildings(a)) => import_buildings(&s, a).await,
        Command::Divisions(DivisionsCmd::Import { file, builtin }) => {
            import_divisions(&s, file, builtin).await
        }
        Command::Divisions(DivisionsCmd::List { parent }) => list_divisions(&s, parent).await,
        Command::Export(ExportCmd::Estates {
            format,
            division,
            eligible,
            output,
        }) => export_estates(&s, format, division, eligible, output).await,
        Command::Summary {
            division,
            json,
            xlsx,
        } => summary(&s, division, json, xlsx).await,
        Command::Reassess => reassess(&s).await,
        Command::Estate { id } => show_estate(&s, id).await,
        Command::Demo {
            no_serve,
            scale,
            seed,
            listen,
        } => demo(&s, no_serve, scale, seed, &listen).await,
        Command::Serve { listen } => serve(&s, &listen).await,
        Command::User(cmd) => user(&s, cmd).await,
    }
}

fn actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    )
}

fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

fn bar(len: u64, msg: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    pb.set_message(msg.to_string());
    pb
}

async fn open(s: &Settings) -> anyhow::Result<Store> {
    Store::connect_pool(&s.database_url, s.database_pool)
        .await
        .with_context(|| {
            format!(
                "无法打开数据库 / cannot open the database {}",
                redact(&s.database_url)
            )
        })
}

/// Hides a password in a database URL.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(a), Some(b)) if b > a => {
            let creds = &url[a + 3..b];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..a + 3], &creds[..c], &url[b..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn parse_division(s: &str) -> anyhow::Result<DivisionCode> {
    DivisionCode::parse_short(s).map_err(|e| anyhow::anyhow!("--division: {e}"))
}

fn template(kind: TemplateArg, output: Option<PathBuf>, lang: Lang) -> anyhow::Result<u8> {
    let (k, default) = match kind {
        TemplateArg::Estates => (TemplateKind::Estates, "小区摸底调查表.xlsx"),
        TemplateArg::Buildings => (TemplateKind::Buildings, "楼栋摸底调查表.xlsx"),
    };
    let path = output.unwrap_or_else(|| PathBuf::from(default));
    write_template(k, &path)?;
    println!(
        "{}{}",
        lang.pick("已生成空白表：", "wrote the blank sheet: "),
        path.display()
    );
    Ok(exit::OK)
}

/// Prints the errors of a sheet, writes the marked copy if asked, and gives the exit code.
fn report_errors(
    grid: Option<&anju_io::Grid>,
    errors: &[CellError],
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
    let mut sorted: Vec<&CellError> = errors.iter().collect();
    sorted.sort_by_key(|e| (e.row, e.column));
    for e in sorted {
        eprintln!("  {}", e.describe(lang));
    }
    if let (Some(p), Some(grid)) = (errors_out, grid) {
        write_errors_out(grid, errors, p, lang)?;
        eprintln!(
            "{}{}",
            lang.pick(
                "已写出标注错误的表格：",
                "wrote the sheet with errors marked: "
            ),
            p.display()
        );
    }
    Ok(exit::INVALID_INPUT)
}

fn print_ignored(ignored: &[String], lang: Lang) {
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
async fn import_estates(s: &Settings, a: ImportArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let store = open(s).await?;
    let codes = std::sync::Arc::new(store.division_codes().await?);
    let assessor = store.assessor(s.policy.clone(), s.reference_year).await?;
    let ctx = WriteCtx::new(actor(), Some(format!("import:{}", a.file.display())));
    // The reading thread parses, checks and prepares batches; this task stores them meanwhile.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(Vec<PreparedEstate>, usize, usize)>(2);
    let reader = {
        let (path, codes, assessor, dry_run) =
            (a.file.clone(), codes.clone(), assessor.clone(), a.dry_run);
        tokio::task::spawn_blocking(move || {
            anju_io::stream::stream_estates(
                &path,
                &|c| codes.contains(c.as_str()),
                10_000,
                |batch, errors| {
                    let n = batch.len();
                    // Once a row is wrong nothing will be kept: stop preparing, but read on to list
                    // every error.
                    let prepared = if errors == 0 && !dry_run {
                        batch
                            .into_iter()
                            .map(|r| PreparedEstate::new(r.estate, &assessor))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    // The receiver only goes away when storing failed; reading then just finishes.
                    let _ = tx.blocking_send((prepared, n, errors));
                },
            )
        })
    };
    let pb = spinner(s.lang.pick("读取并写入…", "reading and writing…"));
    let txn = store.begin().await?;
    let mut import = anju_store::estates::EstateImport::new(&txn, &ctx, &assessor);
    let (mut rows, mut storing) = (0usize, !a.dry_run);
    while let Some((batch, n, errors)) = rx.recv().await {
        rows += n;
        storing &= errors == 0;
        if storing {
            import.write_prepared(batch).await?;
        }
        pb.set_message(format!("{rows}"));
    }
    // Totals are recomputed only when the rows were stored (a rolled-back import leaves none).
    let report = if storing {
        import.finish().await?
    } else {
        import.report.clone()
    };
    pb.finish_and_clear();
    let summary = match reader.await? {
        Ok(summary) => summary,
        Err(anju_io::IoError::Sheet(e)) => {
            eprintln!("{e}");
            return Ok(exit::INVALID_INPUT);
        }
        Err(e) => return Err(e.into()),
    };
    tracing::debug!(
        secs = started.elapsed().as_secs_f64(),
        rows,
        "read and stored"
    );
    print_ignored(&summary.ignored_headers, s.lang);
    if !summary.errors.is_empty() {
        txn.rollback().await?;
        let grid = match &a.errors_out {
            Some(_) => Some(anju_io::read_grid(&a.file)?),
            None => None,
        };
        return report_errors(
            grid.as_ref(),
            &summary.errors,
            a.errors_out.as_deref(),
            s.lang,
        );
    }
    if a.dry_run {
        txn.rollback().await?;
        println!(
            "{}",
            match s.lang {
                Lang::Zh => format!("检查通过：{rows}行小区数据，无错误（未写入）"),
                Lang::En =>
                    format!("check passed: {rows} estate rows, no errors (nothing written)"),
            }
        );
        return Ok(exit::OK);
    }
    txn.commit().await?;
    store
        .refresh_statistics(report.inserted + report.updated)
        .await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!(
                "导入完成：新增{}个，更新{}个，未变{}个（共{rows}行，用时{secs:.2}秒）",
                report.inserted, report.updated, report.unchanged
            ),
            Lang::En => format!(
                "imported: {} new, {} updated, {} unchanged ({rows} rows in {secs:.2} s)",
                report.inserted, report.updated, report.unchanged
            ),
        }
    );
    Ok(exit::OK)
}

async fn import_buildings(s: &Settings, a: ImportArgs) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let grid = anju_io::read_grid(&a.file)?;
    let parsed = match anju_io::parse_buildings(&grid) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return Ok(exit::INVALID_INPUT);
        }
    };
    print_ignored(&parsed.ignored_headers, s.lang);
    if !parsed.errors.is_empty() {
        return report_errors(Some(&grid), &parsed.errors, a.errors_out.as_deref(), s.lang);
    }
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
        println!(
            "{}",
            s.lang
                .pick("检查通过（未写入）", "check passed (nothing written)")
        );
        return Ok(exit::OK);
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
                    }
                })
                .collect();
            report_errors(Some(&grid), &errors, a.errors_out.as_deref(), s.lang)
        }
    }
}

async fn import_divisions(
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

async fn list_divisions(s: &Settings, parent: Option<String>) -> anyhow::Result<u8> {
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

async fn export_estates(
    s: &Settings,
    format: FormatArg,
    division: Option<String>,
    eligible: bool,
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
    let mut pages = all.export(&assessor, &s.policy, division, eligible);
    let mut n = 0u64;
    while let Some(rows) = pages.next().await? {
        for r in &rows {
            w.write(r)?;
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

fn print_summary(sum: &Summary, lang: Lang) {
    let t = &sum.totals;
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("{}：小区{}个，楼栋{}栋，户数{}户，建筑面积{:.2}万㎡；符合改造条件小区{}个（{}户）", sum.division_name, t.estates, t.buildings, t.households, m2(t.floor_area_centi_m2) / 1e4, t.eligible_estates, t.eligible_households),
            Lang::En => format!("{}: {} estates, {} buildings, {} households, {:.2} ×10k m²; eligible: {} estates ({} households)", sum.division_name, t.estates, t.buildings, t.households, m2(t.floor_area_centi_m2) / 1e4, t.eligible_estates, t.eligible_households),
        }
    );
    for p in &sum.parts {
        let t = &p.totals;
        println!(
            "  {}\t{}\t{}\t{}\t{}\t{:.2}\t{}",
            p.division_code,
            p.division_name,
            t.estates,
            t.buildings,
            t.households,
            m2(t.floor_area_centi_m2) / 1e4,
            t.eligible_estates
        );
    }
}

async fn summary(
    s: &Settings,
    division: Option<String>,
    json: bool,
    xlsx: Option<PathBuf>,
) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let division = division.as_deref().map(parse_division).transpose()?;
    let sum = store.summary(division.as_ref()).await?;
    if let Some(p) = &xlsx {
        write_summary_xlsx(&sum, p, s.lang)?;
    }
    if json {
        let line = |code: Option<&str>, name: &str, t: &anju_domain::Totals| {
            serde_json::json!({
                "division_code": code, "division_name": name,
                "estates": t.estates, "buildings": t.buildings, "households": t.households,
                "floor_area_m2": m2(t.floor_area_centi_m2),
                "eligible_estates": t.eligible_estates, "eligible_buildings": t.eligible_buildings,
                "eligible_households": t.eligible_households, "eligible_floor_area_m2": m2(t.eligible_floor_area_centi_m2),
            })
        };
        let mut v = line(
            sum.division_code.as_deref(),
            &sum.division_name,
            &sum.totals,
        );
        v["parts"] = sum
            .parts
            .iter()
            .map(|p| line(Some(&p.division_code), &p.division_name, &p.totals))
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print_summary(&sum, s.lang);
    }
    Ok(exit::OK)
}

async fn reassess(s: &Settings) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let a = store.assessor(s.policy.clone(), s.reference_year).await?;
    let n = store.recompute_eligibility(&a).await?;
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!("已按政策“{}”重新判定，{n}个小区结果有变化", s.policy.name),
            Lang::En => format!(
                "reassessed under \"{}\": {n} estates changed",
                s.policy.name
            ),
        }
    );
    Ok(exit::OK)
}

async fn show_estate(s: &Settings, id: i64) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let all = store.scoped(anju_domain::Scope::All);
    let Some((m, bs)) = all.estate(id).await? else {
        eprintln!("{}", s.lang.pick("未找到该小区", "no such estate"));
        return Ok(exit::ERROR);
    };
    let a = all.assess(&m, &bs, &s.policy, s.reference_year).await?;
    let (el, mode) = (&a.eligibility, &a.mode);
    let buildings: Vec<anju_domain::Building> = bs
        .iter()
        .map(anju_store::convert::building_from_model)
        .collect();
    let lang = s.lang;
    println!(
        "#{} {}（{} {}）{}",
        m.id, m.name, a.division_name, m.division_code, m.address
    );
    println!(
        "{}{}",
        lang.pick("改造范围：", "eligibility: "),
        if el.eligible() {
            lang.pick("符合", "eligible")
        } else {
            lang.pick("不符合", "not eligible")
        }
    );
    for r in &el.results {
        println!(
            "  [{}] {}：{}",
            if r.passed { "✓" } else { "✗" },
            r.rule.title().get(lang),
            r.reason.get(lang)
        );
    }
    println!(
        "{}{}（{}）",
        lang.pick("建议改造模式：", "suggested mode: "),
        mode.mode.label().get(lang),
        mode.reason.get(lang)
    );
    for b in &buildings {
        println!(
            "  {} {}层 {}户 {}",
            b.number,
            b.floors.unwrap_or(0),
            b.households.unwrap_or(0),
            b.safety_grade.map_or("-", |g| g.label_zh())
        );
    }
    for h in store.history("estate", &m.id.to_string()).await? {
        println!(
            "  {} {} {} {}",
            h.at.format("%Y-%m-%d %H:%M:%S"),
            h.actor,
            h.action,
            h.source.unwrap_or_default()
        );
    }
    Ok(exit::OK)
}

async fn demo(
    s: &Settings,
    no_serve: bool,
    scale: ScaleArg,
    seed: u64,
    listen: &str,
) -> anyhow::Result<u8> {
    let started = Instant::now();
    let store = open(s).await?;
    if store.estate_count().await? > 0 {
        println!("{}", s.lang.pick("演示数据库已有数据，跳过生成（删除 anju-demo.db 可重新生成）", "the demo database already has data; not filling again (delete anju-demo.db to start over)"));
    } else {
        let divisions = anju_io::divisions::parse_divisions(anju_io::divisions::BUILTIN_ANHUI)?;
        let ctx = WriteCtx::new("demo", Some("demo".into()));
        if store.division_count().await? == 0 {
            store.import_divisions(&ctx, &divisions).await?;
        }
        let scale = match scale {
            ScaleArg::Province => anju_io::demo::Scale::Province,
            ScaleArg::National => anju_io::demo::Scale::National,
        };
        let assessor = store.assessor(s.policy.clone(), s.reference_year).await?;
        let gen = anju_io::demo::DemoGenerator::new(&divisions, scale, seed);
        let expected = match scale {
            anju_io::demo::Scale::Province => 12_000,
            anju_io::demo::Scale::National => 300_000,
        };
        let pb = bar(
            expected,
            s.lang.pick("生成演示数据", "generating demo data"),
        );
        let mut batch = Vec::with_capacity(2000);
        let mut n = 0u64;
        for item in gen {
            batch.push(item);
            if batch.len() == 2000 {
                store
                    .insert_estates_with_buildings(&ctx, &batch, &assessor)
                    .await?;
                n += batch.len() as u64;
                pb.set_position(n);
                batch.clear();
            }
        }
        if !batch.is_empty() {
            n += batch.len() as u64;
            store
                .insert_estates_with_buildings(&ctx, &batch, &assessor)
                .await?;
        }
        pb.finish_and_clear();
        println!(
            "{}",
            match s.lang {
                Lang::Zh => format!(
                    "已生成{n}个小区（{:.1}秒）",
                    started.elapsed().as_secs_f64()
                ),
                Lang::En => format!(
                    "generated {n} estates in {:.1} s",
                    started.elapsed().as_secs_f64()
                ),
            }
        );
    }
    let sum = store.summary(None).await?;
    print_summary(&sum, s.lang);
    demo_accounts(&store, s.lang).await?;
    if no_serve {
        return Ok(exit::OK);
    }
    serve_store(store, listen, s, true).await
}

async fn serve(s: &Settings, listen: &str) -> anyhow::Result<u8> {
    let store = open(s).await?;
    serve_store(store, listen, s, false).await
}

async fn serve_store(store: Store, listen: &str, s: &Settings, demo: bool) -> anyhow::Result<u8> {
    let lang = s.lang;
    let mut web = anju_web::WebSettings::new(s.policy.clone(), s.reference_year);
    web.demo = demo;
    web.map_tiles = s.map_tiles.clone();
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("无法监听 / cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    println!("{}http://{addr}/", lang.pick("服务已启动：", "serving at "));
    println!("{}", lang.pick("按 Ctrl+C 停止", "press Ctrl+C to stop"));
    anju_web::launch_with_listener(store, web, listener, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(exit::OK)
}

/// The password for `user add|passwd`: ANJU_PASSWORD, else the first line of standard input.
fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("ANJU_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

async fn user(s: &Settings, cmd: UserCmd) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let ctx = WriteCtx::new(actor(), Some("cli".into()));
    match cmd {
        UserCmd::Add {
            username,
            role,
            division,
            name,
        } => {
            let role = anju_domain::Role::from_key(&role)
                .ok_or_else(|| anyhow::anyhow!("--role: 未知角色 / unknown role {role:?}"))?;
            let scope = match division.as_deref().map(parse_division).transpose()? {
                Some(d) => anju_domain::Scope::Division(d),
                None => anju_domain::Scope::All,
            };
            let password = read_password()?;
            // The CLI is the system's own administrator, through the same door as a user.
            let new = anju_store::scoped::NewAccount {
                display_name: name.clone().unwrap_or_else(|| username.clone()),
                username: username.clone(),
                role,
                scope,
                password,
            };
            match store
                .scoped(anju_domain::Scope::All)
                .add_account(&ctx, anju_domain::Role::Admin, &new)
                .await
            {
                Ok(a) => {
                    println!(
                        "{}{} ({})",
                        s.lang.pick("已创建账户：", "account created: "),
                        a.username,
                        a.role.key()
                    );
                    Ok(exit::OK)
                }
                Err(anju_store::StoreError::Invalid(m)) => {
                    eprintln!("{m}");
                    Ok(exit::INVALID_INPUT)
                }
                Err(e) => Err(e.into()),
            }
        }
        UserCmd::Passwd { username } => {
            let password = read_password()?;
            match store.set_password(&ctx, &username, &password).await {
                Ok(()) => {
                    println!("{}", s.lang.pick("密码已修改", "password changed"));
                    Ok(exit::OK)
                }
                Err(anju_store::StoreError::Invalid(m)) => {
                    eprintln!("{m}");
                    Ok(exit::INVALID_INPUT)
                }
                Err(e) => Err(e.into()),
            }
        }
        UserCmd::List { division } => {
            let scope = match division.as_deref().map(parse_division).transpose()? {
                Some(d) => anju_domain::Scope::Division(d),
                None => anju_domain::Scope::All,
            };
            for a in store.list_users(&scope).await? {
                let scope = match a.scope {
                    anju_domain::Scope::All => "*".to_string(),
                    anju_domain::Scope::Division(d) => d.to_string(),
                };
                println!(
                    "{}\t{}\t{}\t{}{}",
                    a.username,
                    a.role.key(),
                    scope,
                    a.display_name,
                    if a.active { "" } else { "\t(停用 disabled)" }
                );
            }
            Ok(exit::OK)
        }
    }
}

/// The demo's password for every demo account.
const DEMO_PASSWORD: &str = "anju-demo";

/// Creates the demo accounts once: `admin`, `province-34`, and one per city and county named by
/// its code (`city-3408`, `county-340802`), all with the password `anju-demo`.
async fn demo_accounts(store: &Store, lang: Lang) -> anyhow::Result<()> {
    use anju_domain::{Level, Role, Scope};
    if store.list_users(&Scope::All).await?.is_empty() {
        let ctx = WriteCtx::new("demo", Some("demo".into()));
        store
            .add_user(
                &ctx,
                "admin",
                "系统管理员",
                Role::Admin,
                Scope::All,
                DEMO_PASSWORD,
            )
            .await?;
        for p in store.child_divisions(None).await? {
            store
                .add_user(
                    &ctx,
                    &format!("province-{}", p.code.prefix()),
                    &p.name,
                    Role::DivisionAdmin,
                    Scope::Division(p.code),
                    DEMO_PASSWORD,
                )
                .await?;
            for c in store.child_divisions(Some(&p.code)).await? {
                store
                    .add_user(
                        &ctx,
                        &format!("city-{}", c.code.prefix()),
                        &c.name,
                        Role::DivisionAdmin,
                        Scope::Division(c.code),
                        DEMO_PASSWORD,
                    )
                    .await?;
                for k in store
                    .child_divisions(Some(&c.code))
                    .await?
                    .into_iter()
                    .filter(|k| k.level() == Level::County)
                {
                    store
                        .add_user(
                            &ctx,
                            &format!("county-{}", k.code.prefix()),
                            &k.name,
                            Role::DivisionAdmin,
                            Scope::Division(k.code),
                            DEMO_PASSWORD,
                        )
                        .await?;
                }
            }
        }
    }
    let n = store.list_users(&Scope::All).await?.len();
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("演示账户（共{n}个，密码均为 {DEMO_PASSWORD}）：admin、province-34、city-3401 等各市、county-340102 等各县区"),
            Lang::En => format!("demo accounts ({n}, all with the password {DEMO_PASSWORD}): admin, province-34, city-3401 and every city, county-340102 and every county"),
        }
    );
    Ok(())
}

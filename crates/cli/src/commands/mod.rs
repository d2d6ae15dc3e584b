//! The subcommands, one file each: read settings, open the store, call the library (the same
//! scoped use cases as the web application), report. What they share is here.

use crate::config::{self, Settings, DEFAULT_DATABASE_URL};
use crate::{
    exit, Cli, Command, DivisionsCmd, ExportCmd, FormatArg, ImportArgs, ImportCmd, MenuCmd,
    MenuCompletionArg, MenuRuleArg, PlanArgs, PlanCmd, PolicyCmd, ScaleArg, TemplateArg, VoteCmd,
};
use crate::{LedgerCmd, UserCmd};
use anju_domain::{summary::m2, DivisionCode, Lang, Summary};
use anju_io::write::{
    write_errors_out, write_summary_xlsx, write_template, EstateWriter, TemplateKind,
};
use anju_io::{CellError, EstateRef};
use anju_store::{BuildingUpsert, Store, WriteCtx};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::time::Instant;

mod demo;
mod demo_works;
mod divisions;
mod estate;
mod export;
mod import;
mod ledger;
mod menu;
mod plan;
mod policy;
mod reassess;
mod serve;
mod summary;
mod template;
mod user;
mod vote;

const DEMO_DATABASE_URL: &str = "sqlite://anju-demo.db";

pub async fn run(cli: Cli) -> anyhow::Result<u8> {
    let default_db = if matches!(cli.command, Command::Demo { .. }) {
        DEMO_DATABASE_URL
    } else {
        DEFAULT_DATABASE_URL
    };
    let s = config::load(&cli.global, default_db)?;
    match cli.command {
        Command::Template { kind, output } => template::template(kind, output, s.lang),
        Command::Import(ImportCmd::Estates(a)) => import::import_estates(&s, a).await,
        Command::Import(ImportCmd::Buildings(a)) => import::import_buildings(&s, a).await,
        Command::Import(ImportCmd::Needs(a)) => import::import_needs(&s, a).await,
        Command::Import(ImportCmd::Facilities(a)) => import::import_facilities(&s, a).await,
        Command::Import(ImportCmd::Owners { args, estate }) => {
            import::import_owners(&s, args, estate).await
        }
        Command::Divisions(DivisionsCmd::Import { file, builtin }) => {
            divisions::import_divisions(&s, file, builtin).await
        }
        Command::Divisions(DivisionsCmd::List { parent }) => {
            divisions::list_divisions(&s, parent).await
        }
        Command::Export(ExportCmd::Estates {
            format,
            division,
            eligible,
            outcome,
            output,
        }) => {
            let outcome = outcome.or(eligible.then_some(anju_domain::Outcome::Eligible));
            export::export_estates(&s, format, division, outcome, output).await
        }
        Command::Export(ExportCmd::Projects { division, output }) => {
            export::export_projects(&s, division, output).await
        }
        Command::Summary {
            division,
            json,
            xlsx,
        } => summary::summary(&s, division, json, xlsx).await,
        Command::Reassess => reassess::reassess(&s).await,
        Command::Plan(PlanArgs { cmd: None, run }) => plan::run(&s, run).await,
        Command::Plan(PlanArgs {
            cmd:
                Some(PlanCmd::Solve {
                    input,
                    budget,
                    county_caps,
                    json,
                }),
            ..
        }) => plan::solve(&s, &input, budget, county_caps.as_deref(), json),
        Command::Plan(PlanArgs {
            cmd:
                Some(PlanCmd::Allocate {
                    division,
                    amount,
                    json,
                }),
            ..
        }) => plan::allocate(&s, division, &amount, json).await,
        Command::Plan(PlanArgs {
            cmd: Some(PlanCmd::Pool { division, json }),
            ..
        }) => plan::pool(&s, division, json).await,
        Command::Plan(PlanArgs {
            cmd: Some(PlanCmd::Needs { id, json }),
            ..
        }) => plan::needs(&s, id, json).await,
        Command::Plan(PlanArgs {
            cmd:
                Some(PlanCmd::Bundles {
                    division,
                    propose,
                    save,
                    json,
                }),
            ..
        }) => plan::bundles(&s, division, propose, save, json).await,
        Command::Plan(PlanArgs {
            cmd: Some(PlanCmd::Gaps { division, json }),
            ..
        }) => plan::gaps(&s, division, json).await,
        Command::Policy(PolicyCmd::Show { division, year }) => {
            policy::show(&s, division, year).await
        }
        Command::Policy(PolicyCmd::Set {
            division,
            from,
            from_year,
        }) => policy::set(&s, division, from, from_year).await,
        Command::Estate { id } => estate::show_estate(&s, id).await,
        Command::Vote(VoteCmd::Recount {
            owners,
            ballots,
            matter,
            json,
        }) => vote::recount(&s, &owners, &ballots, matter, json),
        Command::Vote(VoteCmd::Open {
            estate,
            matter,
            title,
            building,
            unit,
            days,
        }) => vote::open(&s, estate, matter, title, building, unit, days).await,
        Command::Vote(VoteCmd::Codes { estate, out }) => vote::codes(&s, estate, &out).await,
        Command::Vote(VoteCmd::Close { id, json }) => vote::close(&s, id, json).await,
        Command::Menu(MenuCmd::Solve {
            file,
            rule,
            completion,
            json,
        }) => menu::solve(&s, &file, rule, completion, json),
        Command::Ledger(LedgerCmd::Verify { head }) => ledger::verify(&s, head.as_deref()).await,
        Command::Ledger(LedgerCmd::Head { json }) => ledger::head(&s, json).await,
        Command::Ledger(LedgerCmd::Append {
            division,
            kind,
            source,
            amount,
            project,
            memo,
        }) => ledger::append(&s, &division, &kind, &source, &amount, project, &memo).await,
        Command::Demo {
            no_serve,
            scale,
            seed,
            listen,
        } => demo::demo(&s, no_serve, scale, seed, &listen).await,
        Command::Serve { listen } => serve::serve(&s, &listen).await,
        Command::User(cmd) => user::user(&s, cmd).await,
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

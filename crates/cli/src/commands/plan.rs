//! `anju plan solve`: the annual-plan optimiser on candidates from a CSV, for checking it
//! against other solvers.

use super::*;
use anju_planning::optimiser::{solve as optimise, Problem};

pub(super) fn solve(
    s: &Settings,
    input: &Path,
    budget: i64,
    caps: Option<&Path>,
    json: bool,
) -> anyhow::Result<u8> {
    let read = |p: &Path| {
        std::fs::read_to_string(p)
            .with_context(|| format!("无法读取 / cannot read {}", p.display()))
    };
    let name = |p: &Path| p.display().to_string();
    let caps_text = caps.map(read).transpose()?;
    let parsed = anju_io::plan::read_candidates(&name(input), &read(input)?).and_then(|c| {
        let caps = match (caps, &caps_text) {
            (Some(p), Some(text)) => anju_io::plan::read_caps(&name(p), text)?,
            _ => Default::default(),
        };
        Ok((c, caps))
    });
    let (candidates, caps) = match parsed {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return Ok(exit::INVALID_INPUT);
        }
    };
    if budget < 0 {
        eprintln!("--budget: 应为不小于0的整数（元）/ a whole number of yuan, 0 or more");
        return Ok(exit::USAGE);
    }
    let started = Instant::now();
    let plan = match optimise(&Problem {
        candidates,
        budget,
        caps,
    }) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return Ok(exit::INVALID_INPUT);
        }
    };
    let secs = started.elapsed().as_secs_f64();
    if json {
        let why: Vec<serde_json::Value> = plan
            .why
            .iter()
            .map(|(id, inside, w)| serde_json::json!({"id": id, "selected": inside, "why": w.text().get(s.lang)}))
            .collect();
        let v = serde_json::json!({
            "selected": plan.selected,
            "objective": plan.objective,
            "bound": plan.bound,
            "gap": plan.gap,
            "cost": plan.cost,
            "seconds": secs,
            "why": why,
        });
        println!("{}", serde_json::to_string(&v)?);
    } else {
        println!(
            "{}",
            match s.lang {
                Lang::Zh => format!(
                    "入选{}个，费用{}元，优先级合计{:.2}，上界{:.2}，差距{:.4}%（{secs:.2}秒）",
                    plan.selected.len(),
                    plan.cost,
                    plan.objective,
                    plan.bound,
                    plan.gap * 100.0
                ),
                Lang::En => format!(
                    "{} selected, cost {} yuan, priority {:.2}, bound {:.2}, gap {:.4} % ({secs:.2} s)",
                    plan.selected.len(),
                    plan.cost,
                    plan.objective,
                    plan.bound,
                    plan.gap * 100.0
                ),
            }
        );
    }
    Ok(exit::OK)
}

/// `anju plan allocate`: the factor method on the eligible totals of the divisions below, with
/// the weights of the policy in force there; every step of the arithmetic printed.
pub(super) async fn allocate(
    s: &Settings,
    division: Option<String>,
    amount: &str,
    json: bool,
) -> anyhow::Result<u8> {
    let Some(total_fen) = anju_domain::Money::parse_yuan(amount).filter(|m| m.fen() >= 0) else {
        eprintln!("--amount: 应为元（最多两位小数，也可写万元），如 12000000.50 或 1200万 / yuan (two decimals at most, or 万), e.g. 12000000.50 or 1200万; got {amount:?}");
        return Ok(exit::USAGE);
    };
    let store = open(s).await?;
    let division = division.as_deref().map(parse_division).transpose()?;
    let all = store.scoped(anju_domain::Scope::All);
    let policy = match &division {
        Some(d) => {
            all.policy_in_force(s.policy.clone(), d, s.reference_year)
                .await?
        }
        None => s.policy.clone(),
    };
    let sum = store.summary(division.as_ref()).await?;
    let factors = anju_planning::allocation::Factors::below(&sum);
    let shares = anju_planning::allocation::allocate(total_fen.fen(), &factors, &policy.allocation);
    let w = &policy.allocation;
    if json {
        let v = serde_json::json!({
            "division_code": sum.division_code,
            "amount_fen": total_fen.fen(),
            "weights_pct": {"area": w.area_pct, "households": w.households_pct, "buildings": w.buildings_pct, "estates": w.estates_pct},
            "parts": shares.iter().map(|x| serde_json::json!({
                "division_code": x.code, "division_name": x.name,
                "area_part": x.parts[0], "households_part": x.parts[1],
                "buildings_part": x.parts[2], "estates_part": x.parts[3],
                "index": x.index, "adjusted": x.adjusted, "amount_fen": x.amount_fen,
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(exit::OK);
    }
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!(
                "{}：{}元按因素法分配（面积{}%、户数{}%、楼栋{}%、小区{}%，按符合改造条件的数量）",
                sum.division_name,
                total_fen.yuan_text(),
                w.area_pct, w.households_pct, w.buildings_pct, w.estates_pct
            ),
            Lang::En => format!(
                "{}: {} yuan by the factor method (area {} %, households {} %, buildings {} %, estates {} %, of what is eligible)",
                sum.division_name,
                total_fen.yuan_text(),
                w.area_pct, w.households_pct, w.buildings_pct, w.estates_pct
            ),
        }
    );
    for x in &shares {
        println!(
            "  {}\t{}\t{:.4}\t{:.4}\t{:.4}\t{:.4}\t= {:.6}\t{}",
            x.code,
            x.name,
            x.parts[0],
            x.parts[1],
            x.parts[2],
            x.parts[3],
            x.index,
            anju_domain::Money::from_fen(x.amount_fen).yuan_text()
        );
    }
    Ok(exit::OK)
}

/// `anju plan --year Y --budget YUAN …`: the best plan for the year from the reserve pool of the
/// database (and a schedule over more years when asked), printed, written as the province's
/// .xlsx, and adopted (its estates planned for the year) when asked.
pub(super) async fn run(s: &Settings, r: crate::PlanRun) -> anyhow::Result<u8> {
    let (Some(year), Some(budget)) = (r.year, r.budget.as_deref()) else {
        eprintln!("--year 和 --budget 必填 / --year and --budget are required");
        return Ok(exit::USAGE);
    };
    let Some(budget) = anju_domain::Money::parse_yuan(budget).filter(|m| m.fen() >= 0) else {
        eprintln!("--budget: 应为元（也可写万元），如 300000000 或 30000万 / yuan (or 万), e.g. 300000000 or 30000万; got {budget:?}");
        return Ok(exit::USAGE);
    };
    if !(1..=20).contains(&r.years) {
        eprintln!("--years: 应为1–20 / 1 to 20");
        return Ok(exit::USAGE);
    }
    let caps = match &r.county_caps {
        None => Default::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("无法读取 / cannot read {}", p.display()))?;
            match anju_io::plan::read_caps(&p.display().to_string(), &text)
                .and_then(|c| county_keys(&p.display().to_string(), c))
            {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(exit::INVALID_INPUT);
                }
            }
        }
    };
    let store = open(s).await?;
    let division = r.division.as_deref().map(parse_division).transpose()?;
    let all = store.scoped(anju_domain::Scope::All);
    let assessor = store.assessor(s.policy.clone(), year).await?;
    let started = Instant::now();
    let plan = match all
        .annual_plan(
            &assessor,
            anju_store::scoped::PlanRequest {
                year,
                budget: budget.fen() / 100,
                division,
                caps,
                commit: r.commit.clone(),
                exclude: r.exclude.clone(),
                years: r.years,
            },
        )
        .await
    {
        Ok(p) => p,
        Err(anju_store::StoreError::Invalid(e) | anju_store::StoreError::NotFound(e)) => {
            eprintln!("{e}");
            return Ok(exit::INVALID_INPUT);
        }
        Err(e) => return Err(e.into()),
    };
    let secs = started.elapsed().as_secs_f64();
    let name = match &division {
        Some(d) => store
            .division_names(&[d.to_string()])
            .await?
            .remove(d.as_str())
            .unwrap_or_else(|| d.to_string()),
        None => s.lang.pick("全部辖区", "all divisions").to_string(),
    };
    let report = plan.report(&assessor, &name, s.lang);
    let first = &plan.schedule.years[0].1;
    if let Some(out) = &r.out {
        anju_io::plan_sheet::write_plan_xlsx(&report, out, s.lang)?;
    }
    if r.adopt {
        let ids: Vec<i64> = first
            .selected
            .iter()
            .filter_map(|i| i.parse().ok())
            .collect();
        let ctx = WriteCtx::new(actor(), Some("plan".into()));
        all.move_in_pool(
            &ctx,
            &assessor,
            &ids,
            anju_domain::pool::PoolState::Planned,
            Some(year),
        )
        .await?;
    }
    if r.json {
        let years: Vec<serde_json::Value> = plan
            .schedule
            .years
            .iter()
            .map(|(y, p)| {
                serde_json::json!({"year": y, "selected": p.selected, "objective": p.objective,
                    "bound": p.bound, "gap": p.gap, "cost": p.cost})
            })
            .collect();
        let v = serde_json::json!({
            "year": year,
            "candidates": plan.candidates.len(),
            "selected": first.selected,
            "objective": first.objective,
            "bound": first.bound,
            "gap": first.gap,
            "cost": first.cost,
            "seconds": secs,
            "years": years,
            "unscheduled": plan.schedule.unscheduled,
            "unscheduled_cost": plan.schedule.unscheduled_cost,
            "why": first.why.iter().map(|(id, inside, w)| serde_json::json!({
                "id": id, "selected": inside, "why": w.text().get(s.lang)})).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string(&v)?);
        return Ok(exit::OK);
    }
    for (y, p) in &plan.schedule.years {
        let households: i64 = report
            .projects
            .iter()
            .filter(|x| x.year == *y)
            .map(|x| i64::from(x.households))
            .sum();
        println!(
            "{}",
            match s.lang {
                Lang::Zh => format!(
                    "{y}年：入选{}个小区（{households}户），概算{:.2}万元，目标值（{}）{:.2}，上界{:.2}，差距不超过{:.4}%",
                    p.selected.len(),
                    p.cost as f64 / 10_000.0,
                    plan.objective.label().get(s.lang),
                    p.objective,
                    p.bound,
                    p.gap * 100.0
                ),
                Lang::En => format!(
                    "{y}: {} estates ({households} households), estimate {:.2} ×10k yuan, objective ({}) {:.2}, bound {:.2}, gap at most {:.4} %",
                    p.selected.len(),
                    p.cost as f64 / 10_000.0,
                    plan.objective.label().get(s.lang),
                    p.objective,
                    p.bound,
                    p.gap * 100.0
                ),
            }
        );
    }
    if r.years > 1 && !plan.schedule.unscheduled.is_empty() {
        println!(
            "{}",
            match s.lang {
                Lang::Zh => format!(
                    "{}年内无法完成的小区{}个，还需{:.2}万元",
                    r.years,
                    plan.schedule.unscheduled.len(),
                    plan.schedule.unscheduled_cost as f64 / 10_000.0
                ),
                Lang::En => format!(
                    "{} estates cannot be done within {} years: {:.2} ×10k yuan more needed",
                    plan.schedule.unscheduled.len(),
                    r.years,
                    plan.schedule.unscheduled_cost as f64 / 10_000.0
                ),
            }
        );
    }
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!("候选{}个，用时{secs:.2}秒", plan.candidates.len()),
            Lang::En => format!("{} candidates, {secs:.2} s", plan.candidates.len()),
        }
    );
    if let Some(out) = &r.out {
        println!("→ {}", out.display());
    }
    Ok(exit::OK)
}

/// The caps keyed by the county's 12-digit code (the file may give 6 digits).
fn county_keys(
    file: &str,
    caps: std::collections::BTreeMap<String, anju_planning::optimiser::Cap>,
) -> Result<std::collections::BTreeMap<String, anju_planning::optimiser::Cap>, anju_io::IoError> {
    caps.into_iter()
        .map(|(k, v)| {
            let code = DivisionCode::parse_short(&k)
                .ok()
                .filter(|d| d.level() == anju_domain::Level::County)
                .ok_or_else(|| anju_io::IoError::Csv {
                    file: file.to_string(),
                    line: 0,
                    message: format!(
                        "county：“{k}”不是县级区划代码（6位或12位）/ {k:?} is not a county code (6 or 12 digits)"
                    ),
                })?;
            Ok((code.to_string(), v))
        })
        .collect()
}

/// `anju plan pool`: the reserve pool with each estate's estimate and priority.
pub(super) async fn pool(s: &Settings, division: Option<String>, json: bool) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let division = division.as_deref().map(parse_division).transpose()?;
    let assessor = store.assessor(s.policy.clone(), s.reference_year).await?;
    let rows = store
        .scoped(anju_domain::Scope::All)
        .pool(&assessor, division.as_ref())
        .await?;
    if json {
        println!("{}", serde_json::to_string(&rows)?);
        return Ok(exit::OK);
    }
    println!(
        "{}",
        s.lang.pick(
            "ID\t小区\t区划\t状态\t户数\t概算(万元)\t优先级",
            "id\testate\tdivision\tstate\thouseholds\testimate (10k yuan)\tpriority"
        )
    );
    for r in &rows {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{:.2}\t{:.2}",
            r.id,
            r.name,
            r.division_code,
            r.state.label().get(s.lang),
            r.households,
            r.estimate.fen() as f64 / 1_000_000.0,
            r.priority
        );
    }
    Ok(exit::OK)
}

/// `anju plan needs ID`: an estate's needs, renovation list, estimate and priority.
pub(super) async fn needs(s: &Settings, id: i64, json: bool) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let Some(p) = store
        .scoped(anju_domain::Scope::All)
        .planning(id, &s.policy, s.reference_year)
        .await?
    else {
        eprintln!("{}", s.lang.pick("找不到该小区", "no such estate"));
        return Ok(exit::INVALID_INPUT);
    };
    if json {
        let v = serde_json::json!({
            "id": p.id, "name": p.estate.name, "state": p.state.key(), "plan_year": p.plan_year,
            "needs": p.appraisal.needs, "estimate": p.appraisal.estimate,
            "priority": p.appraisal.priority, "heritage_reviews": p.appraisal.heritage_reviews,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(exit::OK);
    }
    let catalogue = &p.policy.catalogue;
    println!("{}（{}）", p.estate.name, p.state.label().get(s.lang));
    for n in &p.appraisal.needs {
        let Some(item) = catalogue.get(&n.item) else {
            continue;
        };
        println!(
            "  {} {}\t{:.2} {}\t{}{}{}",
            if n.in_list { "✓" } else { " " },
            item.name().get(s.lang),
            n.quantity(),
            item.unit.label().get(s.lang),
            n.origin.label().get(s.lang),
            if n.hazard {
                s.lang.pick("，有安全隐患", ", hazard")
            } else {
                ""
            },
            if p.appraisal.heritage_reviews.contains(&n.item) {
                s.lang.pick("，需历史保护审查", ", heritage review")
            } else {
                ""
            },
        );
    }
    let e = &p.appraisal.estimate;
    let wan = |m: anju_domain::Money| m.fen() as f64 / 1_000_000.0;
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!(
                "概算{:.2}万元（基础类{:.2}、完善类{:.2}、提升类{:.2}；中央和省级资金可支付{:.2}）",
                wan(e.total), wan(e.by_category[0]), wan(e.by_category[1]), wan(e.by_category[2]), wan(e.higher_level_may_pay)
            ),
            Lang::En => format!(
                "estimate {:.2} ×10k yuan (basic {:.2}, improvement {:.2}, enhancement {:.2}; central and provincial may pay {:.2})",
                wan(e.total), wan(e.by_category[0]), wan(e.by_category[1]), wan(e.by_category[2]), wan(e.higher_level_may_pay)
            ),
        }
    );
    println!(
        "{} {:.2}",
        s.lang.pick("优先级", "priority"),
        p.appraisal.priority.score
    );
    for c in &p.appraisal.priority.contributions {
        println!(
            "  {}\t{:.2} × {:.0} = {:.2}\t{}",
            c.factor.label().get(s.lang),
            c.value.unwrap_or(0.0),
            c.weight,
            c.points,
            c.basis.get(s.lang)
        );
    }
    Ok(exit::OK)
}

/// `anju plan bundles`: the bundles with their members and money balance; with `--propose`,
/// bundles of neighbouring estates not yet in one (saved with `--save`).
pub(super) async fn bundles(
    s: &Settings,
    division: Option<String>,
    propose: bool,
    save: bool,
    json: bool,
) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let division = division.as_deref().map(parse_division).transpose()?;
    let all = store.scoped(anju_domain::Scope::All);
    let assessor = store.assessor(s.policy.clone(), s.reference_year).await?;
    if propose {
        let proposals = all.propose_bundles(&assessor, division.as_ref()).await?;
        if save {
            let ctx = WriteCtx::new(actor(), Some("plan bundles --propose".into()));
            let names = store
                .division_names(
                    &proposals
                        .iter()
                        .map(|p| p.street.clone())
                        .collect::<Vec<_>>(),
                )
                .await?;
            for (i, p) in proposals.iter().enumerate() {
                let street = names.get(&p.street).cloned().unwrap_or_default();
                all.save_bundle(
                    &ctx,
                    None,
                    anju_store::scoped::BundleInput {
                        name: format!("{street}片区{}", i + 1),
                        members: p.members.clone(),
                        mode: Default::default(),
                        incomes: Vec::new(),
                        note: String::new(),
                    },
                )
                .await?;
            }
        }
        if json {
            let v: Vec<serde_json::Value> = proposals
                .iter()
                .map(|p| serde_json::json!({"street": p.street, "members": p.members, "merged_scattered": p.merged_scattered}))
                .collect();
            println!("{}", serde_json::to_string(&v)?);
        } else {
            for p in &proposals {
                println!("{}\t{:?}", p.street, p.members);
            }
            println!(
                "{}",
                match s.lang {
                    Lang::Zh => format!(
                        "提议{}个片区{}",
                        proposals.len(),
                        if save { "，已保存" } else { "" }
                    ),
                    Lang::En => format!(
                        "{} bundles proposed{}",
                        proposals.len(),
                        if save { " and saved" } else { "" }
                    ),
                }
            );
        }
        return Ok(exit::OK);
    }
    let list = all.bundles(&assessor, division.as_ref()).await?;
    if json {
        println!("{}", serde_json::to_string(&list)?);
        return Ok(exit::OK);
    }
    for b in &list {
        let wan = |m: anju_domain::Money| m.fen() as f64 / 1_000_000.0;
        println!(
            "{}\t{}\t{}\t{}\t{:.2}\t{:.2}\t{:.2}",
            b.id,
            b.name,
            b.members.len(),
            b.mode.label().get(s.lang),
            wan(b.balance.cost),
            wan(b.balance.income),
            wan(b.balance.net)
        );
    }
    Ok(exit::OK)
}

/// `anju plan gaps`: each estate's life-circle gaps.
pub(super) async fn gaps(s: &Settings, division: Option<String>, json: bool) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let division = division.as_deref().map(parse_division).transpose()?;
    let assessor = store.assessor(s.policy.clone(), s.reference_year).await?;
    let list = store
        .scoped(anju_domain::Scope::All)
        .gaps(&assessor, division.as_ref())
        .await?;
    if json {
        println!("{}", serde_json::to_string(&list)?);
        return Ok(exit::OK);
    }
    let kinds = &s.policy.life_circle.kinds;
    for e in &list {
        let names: Vec<String> = e
            .gaps
            .iter()
            .map(|g| {
                kinds.get(&g.kind).map_or(g.kind.clone(), |k| {
                    s.lang.pick(&k.name_zh, &k.name_en).to_string()
                })
            })
            .collect();
        println!(
            "{}\t{}\t{}",
            e.id,
            e.name,
            names.join(s.lang.pick("、", ", "))
        );
    }
    Ok(exit::OK)
}

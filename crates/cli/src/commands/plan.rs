//! `anju plan solve`: the annual-plan optimiser on candidates from a CSV, for checking it
//! against other solvers.

use super::*;
use anju_planning::optimiser::{solve as optimise, Problem, Why};

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
            .map(|(id, inside, w)| serde_json::json!({"id": id, "selected": inside, "why": reason(w, s.lang)}))
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

/// Why an estate is in or out, in words.
fn reason(w: &Why, lang: Lang) -> String {
    let yuan = |n: i64| format!("{:.1}", n as f64 / 10_000.0);
    match (w, lang) {
        (Why::Mandatory, Lang::Zh) => "必须纳入".into(),
        (Why::Mandatory, Lang::En) => "in: committed".into(),
        (Why::CountyMinimum, Lang::Zh) => "入选：达到本县最低投入".into(),
        (Why::CountyMinimum, Lang::En) => "in: for its county's minimum spend".into(),
        (Why::Chosen, Lang::Zh) => "入选：单位投资优先级高".into(),
        (Why::Chosen, Lang::En) => "in: high priority per yuan".into(),
        (Why::Budget { short }, Lang::Zh) => format!("未入选：预算不足，还差{}万元", yuan(*short)),
        (Why::Budget { short }, Lang::En) => {
            format!(
                "out: budget exhausted; would need {} ×10k yuan more",
                yuan(*short)
            )
        }
        (Why::CountyCap { county, short }, Lang::Zh) => {
            format!("未入选：{county}已达投入上限，还差{}万元", yuan(*short))
        }
        (Why::CountyCap { county, short }, Lang::En) => format!(
            "out: the cap of {county} is reached; would need {} ×10k yuan more",
            yuan(*short)
        ),
        (Why::NotInOptimum, Lang::Zh) => "未入选：最优计划不含".into(),
        (Why::NotInOptimum, Lang::En) => "out: not in the optimal plan".into(),
        (Why::NoPriority, Lang::Zh) => "未入选：优先级为零".into(),
        (Why::NoPriority, Lang::En) => "out: no priority for its cost".into(),
    }
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
    let factors: Vec<anju_planning::allocation::Factors> = sum
        .parts
        .iter()
        .map(|p| anju_planning::allocation::Factors {
            code: p.division_code.clone(),
            name: p.division_name.clone(),
            floor_area_centi_m2: p.totals.eligible_floor_area_centi_m2,
            households: p.totals.eligible_households,
            buildings: p.totals.eligible_buildings,
            estates: p.totals.eligible_estates,
            score: None,
        })
        .collect();
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

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

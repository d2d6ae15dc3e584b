//! `anju menu solve FILE.pb --rule greedy|mes [--completion greedy|add1] [--json]`: the menu
//! renovation rules (`anju_planning::menu`) on a pabulib instance, as pabutools computes them.

use super::*;
use anju_planning::menu::{self, decimal, Completion, Rule};

pub(super) fn solve(
    s: &Settings,
    file: &Path,
    rule: MenuRuleArg,
    completion: Option<MenuCompletionArg>,
    json: bool,
) -> anyhow::Result<u8> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("无法读取 / cannot read {}", file.display()))?;
    let instance = match anju_io::pabulib::read(&file.display().to_string(), &text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{e}");
            return Ok(exit::INVALID_INPUT);
        }
    };
    let rule = match rule {
        MenuRuleArg::Greedy => Rule::Greedy,
        MenuRuleArg::Mes => Rule::EqualShares,
    };
    let completion = match completion {
        None => Completion::None,
        Some(MenuCompletionArg::Greedy) => Completion::Greedy,
        Some(MenuCompletionArg::Add1) => Completion::AddOne,
    };
    let m = &instance.menu;
    let out = menu::solve(m, rule, completion);
    let id = |i: usize| m.items[i].id.as_str();
    if json {
        let items: Vec<_> = m
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                serde_json::json!({
                    "id": item.id,
                    "cost": decimal(&item.cost, 2),
                    "approvals": out.approvals[i],
                    "funded": out.why[i].funded(),
                    "why": out.why[i].text().get(s.lang),
                })
            })
            .collect();
        let v = serde_json::json!({
            "selected": out.selected.iter().map(|&i| id(i)).collect::<Vec<_>>(),
            "budget": decimal(&m.budget, 2),
            "spent": decimal(&out.spent, 2),
            "voters": m.ballots.len(),
            "items": items,
        });
        println!("{}", serde_json::to_string(&v)?);
    } else {
        println!(
            "{} {} · {} {} · {} {}",
            s.lang.pick("预算", "budget"),
            decimal(&m.budget, 2),
            s.lang.pick("投票户数", "voters"),
            m.ballots.len(),
            s.lang.pick("已用", "spent"),
            decimal(&out.spent, 2)
        );
        for (i, item) in m.items.iter().enumerate() {
            println!(
                "{}\t{}\t{}\t{}",
                item.id,
                decimal(&item.cost, 2),
                out.approvals[i],
                out.why[i].text().get(s.lang)
            );
        }
    }
    Ok(exit::OK)
}

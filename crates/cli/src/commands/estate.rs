//! `anju estate ID`: one estate with its rules and reasons, buildings and history.

use super::*;

pub(super) async fn show_estate(s: &Settings, id: i64) -> anyhow::Result<u8> {
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
    let names = all
        .division_names(std::slice::from_ref(&m.division_code))
        .await?;
    println!(
        "#{} {}（{} {}）{}",
        m.id,
        m.name,
        names.get(&m.division_code).map_or("", String::as_str),
        m.division_code,
        m.address
    );
    println!(
        "{}{}",
        lang.pick("改造范围：", "eligibility: "),
        el.outcome().label().get(lang)
    );
    for r in &el.results {
        println!(
            "  [{}] {}：{}",
            match r.outcome {
                anju_domain::Outcome::Eligible => "✓",
                anju_domain::Outcome::Conditional => "◐",
                anju_domain::Outcome::Undetermined => "?",
                anju_domain::Outcome::Out => "✗",
            },
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
    if let Some(confirmed) = m
        .confirmed_mode
        .as_deref()
        .and_then(anju_domain::Mode::from_key)
    {
        println!(
            "{}{}（{}）",
            lang.pick("确认的改造模式：", "confirmed mode: "),
            confirmed.label().get(lang),
            m.mode_confirmed_by.as_deref().unwrap_or("")
        );
    }
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

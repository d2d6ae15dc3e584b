//! `anju vote recount`: anyone recounts a closed vote from its published, anonymised ballots, by
//! the same tally the system uses (`anju_domain::vote::tally`). `anju vote open|codes|close`:
//! the staff's side of a vote, as the system's administrator.

use super::*;

pub(super) fn recount(
    s: &Settings,
    owners: &Path,
    ballots: &Path,
    matter: u32,
    json: bool,
) -> anyhow::Result<u8> {
    let read = |p: &Path| {
        std::fs::read_to_string(p)
            .with_context(|| format!("无法读取 / cannot read {}", p.display()))
    };
    let (owners_text, ballots_text) = (read(owners)?, read(ballots)?);
    let parsed =
        anju_io::votes::read_owners(&owners.display().to_string(), &owners_text).and_then(|o| {
            Ok((
                o,
                anju_io::votes::read_ballots(&ballots.display().to_string(), &ballots_text)?,
            ))
        });
    let (parts, ballots) = match parsed {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return Ok(exit::INVALID_INPUT);
        }
    };
    let t = match anju_domain::vote::tally(matter, &parts, &ballots, &s.policy.votes) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return Ok(exit::INVALID_INPUT);
        }
    };
    print_tally(s, &t, json)?;
    Ok(exit::OK)
}

/// The tally as `recount` and `close` print it.
fn print_tally(s: &Settings, t: &anju_domain::vote::Tally, json: bool) -> anyhow::Result<()> {
    if json {
        let m2 = |c: i64| c as f64 / 100.0;
        let v = serde_json::json!({
            "matter": t.matter,
            "special": t.special,
            "quorum_met": t.quorum_met,
            "passed": t.passed,
            "total_area_m2": m2(t.total.area_centi_m2),
            "participating_area_m2": m2(t.participating.area_centi_m2),
            "agree_area_m2": m2(t.agree.area_centi_m2),
            "oppose_area_m2": m2(t.oppose.area_centi_m2),
            "abstain_area_m2": m2(t.abstain.area_centi_m2),
            "total_owners": t.total.owners,
            "participating_owners": t.participating.owners,
            "agree_owners": t.agree.owners,
            "oppose_owners": t.oppose.owners,
            "abstain_owners": t.abstain.owners,
            "total_area_centi_m2": t.total.area_centi_m2,
            "participating_area_centi_m2": t.participating.area_centi_m2,
            "agree_area_centi_m2": t.agree.area_centi_m2,
            "oppose_area_centi_m2": t.oppose.area_centi_m2,
            "quorum_by_area": t.quorum_by_area,
            "quorum_by_heads": t.quorum_by_heads,
            "agreed_by_area": t.agreed_by_area,
            "agreed_by_heads": t.agreed_by_heads,
            "arithmetic": t.arithmetic.iter().map(|a| a.get(s.lang)).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string(&v)?);
    } else {
        for line in &t.arithmetic {
            println!("{}", line.get(s.lang));
        }
    }
    Ok(())
}

pub(super) async fn open(
    s: &Settings,
    estate: i64,
    matter: u32,
    title: String,
    building: Option<String>,
    unit: Option<String>,
    days: i64,
) -> anyhow::Result<u8> {
    let store = super::open(s).await?;
    let v = anju_store::scoped::NewVote {
        matter,
        title,
        building,
        unit,
        closes_at: chrono::Utc::now() + chrono::Duration::days(days.max(1)),
    };
    let ctx = WriteCtx::new(actor(), Some("cli".into()));
    match store
        .scoped(anju_domain::Scope::All)
        .open_vote(estate, &v, &ctx)
        .await
    {
        Ok(id) => {
            println!("{id}");
            Ok(exit::OK)
        }
        Err(e @ (anju_store::StoreError::Invalid(_) | anju_store::StoreError::NotFound(_))) => {
            eprintln!("{e}");
            Ok(exit::INVALID_INPUT)
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn codes(s: &Settings, estate: i64, out: &Path) -> anyhow::Result<u8> {
    let store = super::open(s).await?;
    let ctx = WriteCtx::new(actor(), Some("cli".into()));
    let codes = store
        .scoped(anju_domain::Scope::All)
        .issue_codes(estate, &ctx)
        .await?;
    let mut text = String::from("owner_id,code\n");
    for (o, c) in &codes {
        text += &format!("{o},{c}\n");
    }
    std::fs::write(out, text)
        .with_context(|| format!("无法写入 / cannot write {}", out.display()))?;
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!("已生成{}个投票码：{}", codes.len(), out.display()),
            Lang::En => format!("{} codes written to {}", codes.len(), out.display()),
        }
    );
    Ok(exit::OK)
}

pub(super) async fn close(s: &Settings, id: i64, json: bool) -> anyhow::Result<u8> {
    let store = super::open(s).await?;
    let scoped = store.scoped(anju_domain::Scope::All);
    let a = scoped.assessor(s.policy.clone(), s.reference_year).await?;
    let ctx = WriteCtx::new(actor(), Some("cli".into()));
    let started = Instant::now();
    let v = scoped.close_vote(&a, id, &ctx).await?;
    let took = started.elapsed();
    let Some(t) = &v.result else {
        anyhow::bail!("vote {id} has no result");
    };
    print_tally(s, t, json)?;
    if !json {
        println!(
            "sha256 {} · {} {:.1} ms",
            v.ballots_sha256.as_deref().unwrap_or(""),
            s.lang.pick("结束并计票用时", "closed and tallied in"),
            took.as_secs_f64() * 1000.0
        );
    }
    Ok(exit::OK)
}

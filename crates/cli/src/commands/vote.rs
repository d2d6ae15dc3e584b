//! `anju vote recount`: anyone recounts a closed vote from its published, anonymised ballots, by
//! the same tally the system uses (`anju_domain::vote::tally`).

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
    Ok(exit::OK)
}

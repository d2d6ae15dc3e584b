//! `anju ledger verify|head|append`: the funding ledger's hash chain checked, its head printed
//! (to publish, so that a removed tail shows later), and an entry appended.

use super::*;
use anju_store::ledger::{EntryKind, NewEntry};

/// Exit 0 when every entry fits its chain (and the published head, if given, is still in it);
/// otherwise [`exit::LEDGER_BROKEN`] with the first altered entry's id.
pub(super) async fn verify(s: &Settings, published: Option<&str>) -> anyhow::Result<u8> {
    let store = super::open(s).await?;
    if let Some(id) = store.ledger_verify().await? {
        eprintln!(
            "{}",
            match s.lang {
                Lang::Zh => format!("资金台账哈希链断裂：第一条被改动或其前一条被删除的记录 id = {id}"),
                Lang::En => format!("the ledger's chain is broken: the first altered entry (or the one after a removed entry) is id {id}"),
            }
        );
        return Ok(exit::LEDGER_BROKEN);
    }
    let head = store.ledger_head().await?;
    if let Some(h) = published {
        if !store.ledger_has(h).await? {
            eprintln!(
                "{}",
                match s.lang {
                    Lang::Zh => format!("已公布的链头 {h} 不在台账中：其后（含）的记录被删除了"),
                    Lang::En => format!("the published head {h} is no longer in the ledger: entries up to it were removed"),
                }
            );
            return Ok(exit::LEDGER_BROKEN);
        }
    }
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!("资金台账完好：{}条记录，链头 {}", head.count, head.hash),
            Lang::En => format!(
                "the ledger is intact: {} entries, head {}",
                head.count, head.hash
            ),
        }
    );
    Ok(exit::OK)
}

pub(super) async fn head(s: &Settings, json: bool) -> anyhow::Result<u8> {
    let store = super::open(s).await?;
    let h = store.ledger_head().await?;
    if json {
        println!("{}", serde_json::to_string(&h)?);
    } else {
        println!("{} {}", h.count, h.hash);
    }
    Ok(exit::OK)
}

pub(super) async fn append(
    s: &Settings,
    division: &str,
    kind: &str,
    source: &str,
    amount: &str,
    project: Option<i64>,
    memo: &str,
) -> anyhow::Result<u8> {
    let bad = |what: String| {
        eprintln!("{what}");
        Ok(exit::INVALID_INPUT)
    };
    let Ok(division) = anju_domain::DivisionCode::parse_short(division) else {
        return bad(format!("区划代码有误 / not a division code: {division}"));
    };
    let Some(kind) = EntryKind::from_key(kind) else {
        return bad(format!(
            "kind 应为 allocation、receipt 或 disbursement / kind must be allocation, receipt or disbursement: {kind}"
        ));
    };
    let Some(source) = anju_domain::catalogue::FundingSource::from_key(source) else {
        return bad(format!("未知的资金来源 / unknown source: {source}"));
    };
    let Some(amount) = anju_domain::quantity::Money::parse_yuan(amount) else {
        return bad(format!("金额有误（元）/ not an amount of yuan: {amount}"));
    };
    let store = super::open(s).await?;
    let ctx = WriteCtx::new(actor(), Some("cli".into()));
    let id = store
        .ledger_append(
            &NewEntry {
                project_id: project,
                division_code: division.as_str().to_string(),
                kind,
                source,
                amount,
                memo: memo.to_string(),
            },
            &ctx,
        )
        .await?;
    println!("{id}");
    Ok(exit::OK)
}

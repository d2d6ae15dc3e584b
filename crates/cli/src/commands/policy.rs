//! `anju policy show|set`: the policy in force by division and year, and a province's or city's
//! override of it.

use super::*;

pub(super) async fn show(
    s: &Settings,
    division: Option<String>,
    year: Option<i32>,
) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let year = year.unwrap_or(s.reference_year);
    let all = store.scoped(anju_domain::Scope::All);
    let policy = match division.as_deref().map(parse_division).transpose()? {
        Some(d) => all.policy_in_force(s.policy.clone(), &d, year).await?,
        None => s.policy.clone(),
    };
    let a = store.assessor(s.policy.clone(), s.reference_year).await?;
    let stale = store.stale_assessments(&a, None).await?;
    println!("{}", policy.to_toml().trim_end());
    if stale > 0 {
        eprintln!(
            "{}",
            match s.lang {
                Lang::Zh => format!(
                    "提示：{stale}个小区的判定依据的政策或年份已变，请运行 anju reassess"
                ),
                Lang::En => format!(
                    "note: {stale} estates were assessed under another policy or year; run anju reassess"
                ),
            }
        );
    }
    Ok(exit::OK)
}

pub(super) async fn set(
    s: &Settings,
    division: String,
    from: PathBuf,
    from_year: Option<i32>,
) -> anyhow::Result<u8> {
    let division = parse_division(&division)?;
    let text = std::fs::read_to_string(&from)
        .with_context(|| format!("无法读取 / cannot read {}", from.display()))?;
    // The first year: the flag, else the file's own effective_year, else this year.
    let from_year = from_year
        .or(anju_domain::policy::effective_year_of(&text))
        .unwrap_or(s.reference_year);
    let store = open(s).await?;
    let ctx = WriteCtx::new(actor(), Some(format!("policy:{}", from.display())));
    let change = match store
        .scoped(anju_domain::Scope::All)
        .set_policy(
            &ctx,
            &division,
            from_year,
            &text,
            s.policy.clone(),
            s.reference_year,
        )
        .await
    {
        Ok(c) => c,
        Err(anju_store::StoreError::Invalid(why)) => {
            eprintln!("{why}");
            return Ok(exit::INVALID_INPUT);
        }
        Err(e) => return Err(e.into()),
    };
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!(
                "已保存{division}自{from_year}年起的政策；{}个小区的判定结果有变化",
                change.changed
            ),
            Lang::En => format!(
                "stored the policy of {division} from {from_year}; {} estates changed their outcome",
                change.changed
            ),
        }
    );
    if change.body.trim().is_empty() {
        eprintln!(
            "{}",
            s.lang.pick(
                "提示：与上级政策相同，没有改动任何数值",
                "note: the same as the policy above it: no number changed"
            )
        );
    } else {
        println!("{}", change.body.trim_end());
    }
    Ok(exit::OK)
}

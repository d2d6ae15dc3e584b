//! `anju reassess`: the policy applied again to every estate.

use super::*;

pub(super) async fn reassess(s: &Settings) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let a = store.assessor(s.policy.clone(), s.reference_year).await?;
    let n = store.recompute_eligibility(&a).await?;
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!("已按政策“{}”重新判定，{n}个小区结果有变化", s.policy.name),
            Lang::En => format!(
                "reassessed under \"{}\": {n} estates changed",
                s.policy.name
            ),
        }
    );
    Ok(exit::OK)
}

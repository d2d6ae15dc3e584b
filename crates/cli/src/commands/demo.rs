//! `anju demo`: a province (or the country) of plausible old estates, its accounts, served.

use super::serve::serve_store;
use super::summary::print_summary;
use super::*;

/// The demo's password for every demo account.
pub(super) const DEMO_PASSWORD: &str = "anju-demo";

/// Creates the demo accounts once: `admin`, `province-34`, and one per city and county named by
/// its code (`city-3408`, `county-340802`), all with the password `anju-demo`.
pub(super) async fn demo_accounts(store: &Store, lang: Lang) -> anyhow::Result<()> {
    use anju_domain::{Level, Role, Scope};
    if store.list_users(&Scope::All).await?.is_empty() {
        let ctx = WriteCtx::new("demo", Some("demo".into()));
        store
            .add_user(
                &ctx,
                "admin",
                "系统管理员",
                Role::Admin,
                Scope::All,
                DEMO_PASSWORD,
            )
            .await?;
        for p in store.child_divisions(None).await? {
            store
                .add_user(
                    &ctx,
                    &format!("province-{}", p.code.prefix()),
                    &p.name,
                    Role::DivisionAdmin,
                    Scope::Division(p.code),
                    DEMO_PASSWORD,
                )
                .await?;
            for c in store.child_divisions(Some(&p.code)).await? {
                store
                    .add_user(
                        &ctx,
                        &format!("city-{}", c.code.prefix()),
                        &c.name,
                        Role::DivisionAdmin,
                        Scope::Division(c.code),
                        DEMO_PASSWORD,
                    )
                    .await?;
                for k in store
                    .child_divisions(Some(&c.code))
                    .await?
                    .into_iter()
                    .filter(|k| k.level() == Level::County)
                {
                    store
                        .add_user(
                            &ctx,
                            &format!("county-{}", k.code.prefix()),
                            &k.name,
                            Role::DivisionAdmin,
                            Scope::Division(k.code),
                            DEMO_PASSWORD,
                        )
                        .await?;
                }
            }
        }
    }
    let n = store.list_users(&Scope::All).await?.len();
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("演示账户（共{n}个，密码均为 {DEMO_PASSWORD}）：admin、province-34、city-3401 等各市、county-340102 等各县区"),
            Lang::En => format!("demo accounts ({n}, all with the password {DEMO_PASSWORD}): admin, province-34, city-3401 and every city, county-340102 and every county"),
        }
    );
    Ok(())
}

/// The demo province's own policy: the national numbers with a second cut-off at 2005.
const DEMO_PROVINCE_POLICY: &str =
    "name = \"安徽省（演示）\"\n[eligibility]\nconditional_cutoff_year = 2005\n";

pub(super) async fn demo(
    s: &Settings,
    no_serve: bool,
    scale: ScaleArg,
    seed: u64,
    listen: &str,
) -> anyhow::Result<u8> {
    let started = Instant::now();
    let store = open(s).await?;
    if store.estate_count().await? > 0 {
        println!("{}", s.lang.pick("演示数据库已有数据，跳过生成（删除 anju-demo.db 可重新生成）", "the demo database already has data; not filling again (delete anju-demo.db to start over)"));
    } else {
        let divisions = anju_io::divisions::parse_divisions(anju_io::divisions::BUILTIN_ANHUI)?;
        let ctx = WriteCtx::new("demo", Some("demo".into()));
        if store.division_count().await? == 0 {
            store.import_divisions(&ctx, &divisions).await?;
        }
        let scale = match scale {
            ScaleArg::Province => anju_io::demo::Scale::Province,
            ScaleArg::National => anju_io::demo::Scale::National,
        };
        // 安徽's second tier (seeds 方案1, 方案2): estates of 2001–2005 are conditional, so the
        // demo shows that outcome too.
        store
            .scoped(anju_domain::Scope::All)
            .set_policy(
                &ctx,
                &DivisionCode::parse_short("34")?,
                2021,
                DEMO_PROVINCE_POLICY,
                s.policy.clone(),
                s.reference_year,
            )
            .await?;
        let assessor = store.assessor(s.policy.clone(), s.reference_year).await?;
        let gen = anju_io::demo::DemoGenerator::new(&divisions, scale, seed);
        let expected = match scale {
            anju_io::demo::Scale::Province => 12_000,
            anju_io::demo::Scale::National => 300_000,
        };
        let pb = bar(
            expected,
            s.lang.pick("生成演示数据", "generating demo data"),
        );
        let mut batch = Vec::with_capacity(2000);
        let mut n = 0u64;
        for item in gen {
            batch.push(item);
            if batch.len() == 2000 {
                store
                    .insert_estates_with_buildings(&ctx, &batch, &assessor)
                    .await?;
                n += batch.len() as u64;
                pb.set_position(n);
                batch.clear();
            }
        }
        if !batch.is_empty() {
            n += batch.len() as u64;
            store
                .insert_estates_with_buildings(&ctx, &batch, &assessor)
                .await?;
        }
        pb.finish_and_clear();
        println!(
            "{}",
            match s.lang {
                Lang::Zh => format!(
                    "已生成{n}个小区（{:.1}秒）",
                    started.elapsed().as_secs_f64()
                ),
                Lang::En => format!(
                    "generated {n} estates in {:.1} s",
                    started.elapsed().as_secs_f64()
                ),
            }
        );
    }
    let sum = store.summary(None).await?;
    print_summary(&sum, s.lang);
    demo_accounts(&store, s.lang).await?;
    if no_serve {
        return Ok(exit::OK);
    }
    serve_store(store, listen, s, true).await
}

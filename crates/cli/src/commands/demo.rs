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
        let planned = demo_planning(&store, s, seed).await?;
        demo_residents(&store, s, seed, &planned).await?;
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

/// 合肥's own unit cost of a lift, to show a city's override of the catalogue.
const DEMO_CITY_POLICY: &str = "[catalogue.lift]\nunit_cost_yuan = 480000\n";

/// The demo's planning: a survey of needs for a third of the estates, the facilities of the life
/// circles, bundles from the proposals (with their income), and this year's plan adopted for a
/// budget of the size of 安徽's (about 254,000 households a year) with the works begun in most
/// of it — so that every planning page shows a programme in mid-year.
async fn demo_planning(store: &Store, s: &Settings, seed: u64) -> anyhow::Result<Vec<i64>> {
    use anju_domain::pool::PoolState;
    use anju_io::demo_planning::{self as dp, DemoSite};
    let ctx = WriteCtx::new("demo", Some("demo".into()));
    let all = store.scoped(anju_domain::Scope::All);
    all.set_policy(
        &ctx,
        &DivisionCode::parse_short("3401")?,
        2021,
        DEMO_CITY_POLICY,
        s.policy.clone(),
        s.reference_year,
    )
    .await?;
    let a = store.assessor(s.policy.clone(), s.reference_year).await?;
    let mut sites = Vec::new();
    let mut after = 0;
    loop {
        let page = all.estates_after(None, None, after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        sites.extend(page.iter().filter_map(|m| {
            Some(DemoSite {
                id: m.id,
                division: DivisionCode::parse(&m.division_code).ok()?,
                location: m
                    .longitude
                    .zip(m.latitude)
                    .map(|(lon, lat)| anju_domain::estate::Wgs84 { lon, lat }),
                households: m.households,
                buildings: m.building_count,
                year_completed: m.year_completed,
            })
        }));
    }
    let needs: Vec<(i64, anju_store::scoped::NeedInput)> = dp::needs(&sites, seed)
        .into_iter()
        .map(|(id, n)| {
            (
                id,
                anju_store::scoped::NeedInput {
                    item: n.item,
                    quantity_centi: n.quantity_centi,
                    in_list: n.in_list,
                    hazard: n.hazard,
                    note: n.note,
                },
            )
        })
        .collect();
    all.record_needs(&ctx, &a, needs, anju_domain::needs::Origin::Sheet)
        .await?;
    let facilities: Vec<anju_store::scoped::FacilityInput> =
        dp::facilities(&sites, &s.policy.life_circle.kinds, seed)
            .into_iter()
            .map(|f| anju_store::scoped::FacilityInput {
                kind: f.kind,
                name: f.name,
                division: f.division,
                location: f.location,
            })
            .collect();
    all.import_facilities(&ctx, &facilities).await?;
    // Bundles: the proposals of two to six estates, every other one kept.
    let households: std::collections::HashMap<i64, i32> =
        sites.iter().map(|x| (x.id, x.households)).collect();
    let names = store
        .division_names(
            &all.propose_bundles(&a, None)
                .await?
                .iter()
                .map(|p| p.street.clone())
                .collect::<Vec<_>>(),
        )
        .await?;
    let mut rng = anju_io::demo::Rng::new(seed ^ 0x6275_6e64);
    let mut kept = 0;
    for p in all.propose_bundles(&a, None).await? {
        if !(2..=6).contains(&p.members.len()) || !rng.chance(0.5) {
            continue;
        }
        kept += 1;
        let members: Vec<(i64, i32)> = p
            .members
            .iter()
            .map(|id| (*id, households.get(id).copied().unwrap_or(0)))
            .collect();
        let (mode, incomes) = dp::bundle_money(&members, &mut rng);
        let street = names.get(&p.street).cloned().unwrap_or_default();
        all.save_bundle(
            &ctx,
            None,
            anju_store::scoped::BundleInput {
                name: format!("{street}片区{kept}"),
                members: p.members.clone(),
                mode,
                incomes,
                note: String::new(),
            },
        )
        .await?;
    }
    // This year's plan: about 安徽's yearly programme (seed 方案2: 254,400 households), adopted,
    // and the works begun in three estates of four.
    let plan = all
        .annual_plan(
            &a,
            anju_store::scoped::PlanRequest {
                year: s.reference_year,
                budget: 7_000_000_000,
                years: 1,
                ..Default::default()
            },
        )
        .await?;
    let chosen: Vec<i64> = plan.schedule.years[0]
        .1
        .selected
        .iter()
        .filter_map(|i| i.parse().ok())
        .collect();
    all.move_in_pool(
        &ctx,
        &a,
        &chosen,
        PoolState::Planned,
        Some(s.reference_year),
    )
    .await?;
    let begun: Vec<i64> = chosen
        .iter()
        .copied()
        .filter(|_| rng.chance(0.75))
        .collect();
    all.move_in_pool(&ctx, &a, &begun, PoolState::Implementing, None)
        .await?;
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!(
                "演示规划：{}处设施，{kept}个片区，{}年计划{}个小区（其中{}个已开工）",
                facilities.len(),
                s.reference_year,
                chosen.len(),
                begun.len()
            ),
            Lang::En => format!(
                "demo planning: {} facilities, {kept} bundles, the {} plan of {} estates ({} begun)",
                facilities.len(),
                s.reference_year,
                chosen.len(),
                begun.len()
            ),
        }
    );
    Ok(chosen)
}

/// The demo's residents: in each county (the first 120), an estate of this year's plan whose
/// consultation reached the threshold and whose owners have decided on their maintenance fund
/// (closed), and an estate still in the reserve pool whose consultation is under way and whose
/// first stairway unit is voting on a lift (open) — registers, answers and ballots by every
/// channel, so that the residents' pages show real-looking cases.
async fn demo_residents(
    store: &Store,
    s: &Settings,
    seed: u64,
    planned: &[i64],
) -> anyhow::Result<()> {
    use anju_domain::residents::{Answer, Channel};
    use anju_domain::vote::Choice;
    let ctx = WriteCtx::new("demo", Some("demo".into()));
    let all = store.scoped(anju_domain::Scope::All);
    let a = store.assessor(s.policy.clone(), s.reference_year).await?;
    let key = s.id_key()?;
    let planned: std::collections::HashSet<i64> = planned.iter().copied().collect();
    // Per county: (a planned estate, an unplanned eligible one).
    let mut picks: std::collections::BTreeMap<
        String,
        (
            Option<anju_store::entity::estate::Model>,
            Option<anju_store::entity::estate::Model>,
        ),
    > = Default::default();
    let mut after = 0;
    loop {
        let page = all.estates_after(None, None, after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for m in page {
            if m.households < 12 || m.division_code.len() < 6 {
                continue;
            }
            let county = m.division_code[..6].to_string();
            if !picks.contains_key(&county) && picks.len() >= 120 {
                continue;
            }
            let slot = picks.entry(county).or_default();
            if planned.contains(&m.id) {
                slot.0.get_or_insert(m);
            } else if m.eligible {
                slot.1.get_or_insert(m);
            }
        }
    }
    let mut rng = anju_io::demo::Rng::new(seed ^ 0x7265_7369);
    let (mut estates, mut answers, mut ballots) = (0, 0, 0);
    let channels = [
        (Channel::Door, 0.5),
        (Channel::Paper, 0.3),
        (Channel::Staff, 0.2),
    ];
    for (county, (done, under_way)) in picks {
        for (m, closed) in [(done, true), (under_way, false)] {
            let Some(m) = m else { continue };
            let lines = anju_io::demo_residents::register(
                m.households,
                m.building_count,
                &county,
                &mut rng,
            );
            all.import_register(m.id, &lines, &key, &ctx).await?;
            estates += 1;
            let owners = all.register(m.id).await?;
            let households: Vec<&anju_store::scoped::OwnerView> =
                owners.iter().filter(|o| !o.is_developer).collect();
            let c = all
                .open_consultation(m.id, "老旧小区改造意愿征求意见", &ctx)
                .await?;
            // A consultation that reached the threshold, or one still under way.
            let share = if closed {
                0.82 + rng.f() * 0.15
            } else {
                0.35 + rng.f() * 0.35
            };
            for o in &households {
                if rng.chance(share) {
                    let answer = if rng.chance(0.9) {
                        Answer::Agree
                    } else if rng.chance(0.5) {
                        Answer::Oppose
                    } else {
                        Answer::Undecided
                    };
                    all.record_answer(c, o.id, answer, *rng.pick(&channels), &ctx)
                        .await?;
                    answers += 1;
                }
            }
            let vote = if closed {
                anju_store::scoped::NewVote {
                    matter: 5,
                    title: "使用专项维修资金用于屋面防水".into(),
                    building: None,
                    unit: None,
                    closes_at: chrono::Utc::now() + chrono::Duration::days(14),
                }
            } else {
                anju_store::scoped::NewVote {
                    matter: 7,
                    title: "1栋1单元加装电梯".into(),
                    building: Some("1".into()),
                    unit: Some("1".into()),
                    closes_at: chrono::Utc::now() + chrono::Duration::days(14),
                }
            };
            let v = all.open_vote(m.id, &vote, &ctx).await?;
            let voters: Vec<&&anju_store::scoped::OwnerView> = households
                .iter()
                .filter(|o| {
                    o.parts.iter().any(|p| {
                        anju_domain::residents::in_electorate(
                            vote.building.as_deref(),
                            vote.unit.as_deref(),
                            &p.building,
                            &p.unit,
                        )
                    })
                })
                .collect();
            let turnout = if closed { 0.7 + rng.f() * 0.25 } else { 0.4 };
            for (i, o) in voters.iter().enumerate() {
                if rng.chance(turnout) {
                    let choice = if rng.chance(0.8) {
                        Choice::Agree
                    } else if rng.chance(0.6) {
                        Choice::Oppose
                    } else {
                        Choice::Abstain
                    };
                    all.enter_ballot(v, o.id, choice, Some(format!("{:04}", i + 1)), &ctx)
                        .await?;
                    ballots += 1;
                }
            }
            if closed {
                all.close_vote(&a, v, &ctx).await?;
            }
        }
    }
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!("演示居民参与：{estates}个小区的业主名册，{answers}份征求意见答复，{ballots}张选票"),
            Lang::En => format!("demo residents: the owner registers of {estates} estates, {answers} consultation answers, {ballots} ballots"),
        }
    );
    Ok(())
}

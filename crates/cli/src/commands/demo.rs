//! `anju demo`: a province (or the country) of plausible old estates, its accounts, served.

use super::serve::serve_store;
use super::summary::print_summary;
use super::*;

/// The demo's password for every demo account.
pub(super) const DEMO_PASSWORD: &str = "anju-demo";

/// Creates the demo accounts once: `admin`, `province-34`, and one per city and county named by
/// its code (`city-3408`, `county-340802`), all with the password `anju-demo`.
pub(super) async fn demo_accounts(store: &Store, lang: Lang) -> anyhow::Result<()> {
    create_demo_accounts(store).await?;
    let n = store.list_users(&anju_domain::Scope::All).await?.len();
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("演示账户（共{n}个，密码均为 {DEMO_PASSWORD}）：admin、province-34、city-3401 等各市、county-340102 等各县区；合肥各县区另有责任单位 dept-340104 和实施主体 builder-340104 等"),
            Lang::En => format!("demo accounts ({n}, all with the password {DEMO_PASSWORD}): admin, province-34, city-3401 and every city, county-340102 and every county; in 合肥's counties also a department (dept-340104 …) and an implementing entity (builder-340104 …)"),
        }
    );
    Ok(())
}

/// The demo's accounts, unless there are accounts already; 合肥's counties also get a department
/// (their housing bureau, 责任单位) and an implementing entity.
async fn create_demo_accounts(store: &Store) -> anyhow::Result<()> {
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
                    if c.code.prefix() == "3401" {
                        for (who, role, name) in [
                            (
                                "dept",
                                Role::Department,
                                format!("{}住房和城乡建设局", k.name),
                            ),
                            (
                                "builder",
                                Role::ImplementingEntity,
                                format!("{}城市更新建设有限公司", k.name),
                            ),
                        ] {
                            store
                                .add_user(
                                    &ctx,
                                    &format!("{who}-{}", k.code.prefix()),
                                    &name,
                                    role,
                                    Scope::Division(k.code),
                                    DEMO_PASSWORD,
                                )
                                .await?;
                        }
                    }
                }
            }
        }
    }
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
        let consulted = demo_residents(&store, s, seed, &planned).await?;
        create_demo_accounts(&store).await?;
        let today = anju_store::scoped::today_in_china();
        let w = super::demo_works::demo_works(&store, s, seed, &consulted, today).await?;
        let states: Vec<String> = w
            .by_state
            .iter()
            .map(|(k, n)| format!("{} {n}", k.label().get(s.lang)))
            .collect();
        println!(
            "{}",
            match s.lang {
                Lang::Zh => format!("演示改造项目：{}个（{}），{}份月报，{}次检查（{}个问题），{}笔资金台账，{}项责任任务", w.projects, states.join("、"), w.reports, w.inspections, w.findings, w.ledger, w.tasks),
                Lang::En => format!("demo projects: {} ({}), {} monthly reports, {} inspections ({} findings), {} ledger entries, {} tasks", w.projects, states.join(", "), w.reports, w.inspections, w.findings, w.ledger, w.tasks),
            }
        );
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
) -> anyhow::Result<Vec<i64>> {
    use anju_domain::residents::{Answer, Channel};
    use anju_domain::vote::Choice;
    let ctx = WriteCtx::new("demo", Some("demo".into()));
    let all = store.scoped(anju_domain::Scope::All);
    let a = store.assessor(s.policy.clone(), s.reference_year).await?;
    let key = s.id_key()?;
    let planned: std::collections::HashSet<i64> = planned.iter().copied().collect();
    // Per county: (a planned estate, an unplanned eligible one).
    // Per county: (a planned estate, an unplanned eligible one, one renovated in the last
    // three years, whose works are done and whose households are asked how satisfied they are).
    type Pick = Option<anju_store::entity::estate::Model>;
    let mut picks: std::collections::BTreeMap<String, (Pick, Pick, Pick)> = Default::default();
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
            } else if m
                .last_renovated_year
                .is_some_and(|y| y >= s.reference_year - 3)
            {
                slot.2.get_or_insert(m);
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
    let mut say = DemoSay::default();
    let mut consulted = Vec::new();
    let door = DemoDoor {
        store,
        all: &all,
        a: &a,
        s,
    };
    for (county, (done, under_way, renovated)) in picks {
        if let Some(m) = renovated {
            let lines = anju_io::demo_residents::register(
                m.households,
                m.building_count,
                &county,
                &mut rng,
            );
            all.import_register(m.id, &lines, &key, &ctx).await?;
            estates += 1;
            demo_say(&door, &m, Stage::Completed, &mut rng, &mut say).await?;
        }
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
            let mut forms = Vec::new();
            for o in &households {
                if rng.chance(share) {
                    let answer = if rng.chance(0.9) {
                        Answer::Agree
                    } else if rng.chance(0.5) {
                        Answer::Oppose
                    } else {
                        Answer::Undecided
                    };
                    forms.push((o.id, answer, *rng.pick(&channels)));
                }
            }
            // Entered as staff enter the forms of a round of door-to-door visits: at once.
            all.record_answers(c, &forms, &ctx).await?;
            answers += forms.len();
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
            let stage = if closed { Stage::Planned } else { Stage::Pool };
            demo_say(&door, &m, stage, &mut rng, &mut say).await?;
            if closed {
                consulted.push(m.id);
            }
        }
    }
    println!(
        "{}",
        match s.lang {
            Lang::Zh => format!("演示居民参与：{estates}个小区的业主名册，{answers}份征求意见答复，{ballots}张选票；{}个菜单（{}张认可票），{}笔出资，{}份满意度答卷，{}条公示，{}次会议，{}条议事帖", say.menus, say.approvals, say.receipts, say.ratings, say.notices, say.meetings, say.posts),
            Lang::En => format!("demo residents: the owner registers of {estates} estates, {answers} consultation answers, {ballots} ballots; {} menus ({} approval ballots), {} contributions, {} survey answers, {} notices, {} meetings, {} posts", say.menus, say.approvals, say.receipts, say.ratings, say.notices, say.meetings, say.posts),
        }
    );
    Ok(consulted)
}

/// Where an estate of the demo stands, which decides what its residents have done so far.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    /// In the reserve pool: the scheme is out for comment, the menu open, a courtyard meeting.
    Pool,
    /// In this year's plan: scheme, list and budget published, the menu closed, contributions
    /// coming in, the four-party meeting held.
    Planned,
    /// Renovated in the last three years: works boards, contributions in, the owners' committee
    /// elected and the satisfaction survey closed.
    Completed,
}

#[derive(Default)]
struct DemoSay {
    menus: usize,
    approvals: usize,
    receipts: usize,
    ratings: usize,
    notices: usize,
    meetings: usize,
    posts: usize,
}

/// The rest of the residents' part of one demo estate at its stage: notices, the menu of works
/// and its approval ballots, contributions, meetings, the board, and — once the works are done —
/// the owners' committee and the satisfaction survey.
/// What every demo estate's residents are filled through.
struct DemoDoor<'a> {
    store: &'a Store,
    all: &'a anju_store::scoped::Scoped,
    a: &'a anju_store::Assessor,
    s: &'a Settings,
}

async fn demo_say(
    door: &DemoDoor<'_>,
    m: &anju_store::entity::estate::Model,
    stage: Stage,
    rng: &mut anju_io::demo::Rng,
    say: &mut DemoSay,
) -> anyhow::Result<()> {
    use anju_domain::participation::{ContributionKind, MeetingKind, NoticeKind, Satisfaction};
    use anju_domain::quantity::Money;
    let DemoDoor { store, all, a, s } = *door;
    let ctx = WriteCtx::new("demo", Some("demo".into()));
    let owners = all.register(m.id).await?;
    let households: Vec<&anju_store::scoped::OwnerView> =
        owners.iter().filter(|o| !o.is_developer).collect();
    let menu_works = [
        ("barrier_free", m.building_count.max(1) as i64),
        ("lift", 1),
        ("ev_charging", (m.households as i64 / 10).max(5)),
        ("parcel_boxes", 1),
        ("fitness", 1),
        ("smart_security", 1),
        ("property_room", 1),
    ];
    let items: Vec<(String, String, Money)> = menu_works
        .iter()
        .filter_map(|(code, n)| {
            let item = s.policy.catalogue.get(*code)?;
            Some((
                code.to_string(),
                item.name_zh.clone(),
                Money::from_yuan(item.unit_cost_yuan * n),
            ))
        })
        .collect();
    let list: Vec<&str> = items.iter().map(|i| i.1.as_str()).collect();
    let mut notices = vec![(
        NoticeKind::Scheme,
        format!("{}老旧小区改造方案", m.name),
        format!(
            "{}改造方案已编制完成，主要内容：{}等。公示期7天，如有意见请向社区居委会反映。",
            m.name,
            list.join("、")
        ),
    )];
    if stage != Stage::Pool {
        notices.push((
            NoticeKind::RenovationList,
            format!("{}年改造项目清单", s.reference_year),
            format!(
                "基础类：供水、排水、屋面防水、楼道修缮；完善类（居民选定）：{}",
                list[..3.min(list.len())].join("、")
            ),
        ));
        notices.push((
            NoticeKind::Budget,
            "居民出资标准及资金来源".to_string(),
            format!(
                "居民出资按不低于{}元/㎡筹集；其余由中央补助、省市县财政及专营单位承担。",
                s.policy.planning.min_contribution_yuan_per_m2
            ),
        ));
    }
    if stage == Stage::Completed {
        notices.push((
            NoticeKind::WorksBoard,
            "施工现场公示牌".to_string(),
            "工程概况牌、管理人员名单及监督电话牌、消防保卫牌、安全生产牌、文明施工牌，施工现场总平面图。".to_string(),
        ));
    }
    for (kind, title, body) in &notices {
        all.publish_notice(m.id, *kind, title, body, &ctx).await?;
        say.notices += 1;
    }
    // The menu: what households want most, with about 40 % of the items' cost available.
    if !households.is_empty() && !items.is_empty() {
        let total: i64 = items.iter().map(|i| i.2.fen()).sum();
        let menu = all
            .open_menu(
                m.id,
                &anju_store::scoped::NewMenu {
                    title: "完善类改造内容选择".into(),
                    budget: Money::from_fen(total * 2 / 5 / 100 * 100),
                    rule: anju_planning::menu::Rule::EqualShares,
                    completion: anju_planning::menu::Completion::Greedy,
                    items: items.clone(),
                },
                &ctx,
            )
            .await?;
        say.menus += 1;
        // Households lean to a few popular items (the first ones of a shuffled taste).
        let turnout = if stage == Stage::Pool { 0.45 } else { 0.75 };
        let mut stack = Vec::new();
        for o in &households {
            if !rng.chance(turnout) {
                continue;
            }
            let mut chosen: Vec<String> = items
                .iter()
                .enumerate()
                .filter(|(i, _)| rng.chance(0.65 - 0.08 * *i as f64))
                .map(|(_, it)| it.0.clone())
                .collect();
            if chosen.is_empty() {
                chosen.push(items[rng.below(items.len() as u64) as usize].0.clone());
            }
            stack.push((o.id, chosen));
        }
        // Entered as staff enter a stack of paper ballots: at once.
        all.enter_menu_ballots(menu, &stack, &ctx).await?;
        say.approvals += stack.len();
        if stage != Stage::Pool {
            all.close_menu(menu, &ctx).await?;
        }
    }
    // Contributions: each household's share (its area at the minimum per m²) by one of the
    // ways people pay, and the estate's public income where it cedes some.
    if stage != Stage::Pool {
        let view = all.contributions(a, m.id).await?;
        let pay = if stage == Stage::Completed { 0.95 } else { 0.6 };
        let kinds = [
            (ContributionKind::Money, 0.6),
            (ContributionKind::MaintenanceFund, 0.25),
            (ContributionKind::ProvidentFund, 0.1),
            (ContributionKind::Labour, 0.05),
        ];
        let day = |n: u64| {
            chrono::NaiveDate::from_ymd_opt(s.reference_year, 3, 1).unwrap()
                + chrono::Duration::days(n as i64)
        };
        let mut collected = 0;
        let mut receipts = Vec::new();
        for h in &view.households {
            if rng.chance(pay) {
                receipts.push(anju_store::scoped::NewContribution {
                    owner_id: Some(h.owner_id),
                    kind: *rng.pick(&kinds),
                    amount: h.due,
                    receipt_no: format!("{}-{:04}", m.id, receipts.len() + 1),
                    received_on: day(rng.below(200)),
                    note: None,
                });
                collected += h.due.fen();
            }
        }
        // The register covers part of a large estate: ceded public income covers much of the
        // rest in most estates, not in all.
        let rest = view.check.required.fen() - collected;
        if rest > 0 && rng.chance(0.7) {
            let share = 0.6 + rng.f() * 0.6;
            receipts.push(anju_store::scoped::NewContribution {
                owner_id: None,
                kind: ContributionKind::PublicIncome,
                amount: Money::from_fen((rest as f64 * share) as i64 / 100 * 100),
                receipt_no: format!("{}-GG", m.id),
                received_on: day(rng.below(200)),
                note: Some("小区停车及广告收益".into()),
            });
        }
        // Entered as a treasurer enters a stack of receipts: at once.
        all.record_contributions(m.id, &receipts, &ctx).await?;
        say.receipts += receipts.len();
    }
    // The board: proposals from the households, staff answers, one advertisement hidden.
    let proposals = [
        "希望保留小区里的老槐树，施工时注意保护。",
        "建议在3栋和4栋之间增设晾晒区。",
        "加装电梯后一楼住户的采光问题请设计单位考虑。",
        "希望施工时间避开中午和晚上。",
    ];
    let staff_post = all
        .staff_post(m.id, None, "改造方案征求意见：欢迎大家提出建议。", &ctx)
        .await?;
    say.posts += 1;
    // Households post with their own codes (as from their phones), signed with their rooms.
    let codes = all.issue_codes(m.id, &ctx).await?;
    for (i, text) in proposals.iter().enumerate() {
        if codes.is_empty() {
            break;
        }
        if rng.chance(0.6) {
            let (_, code) = &codes[rng.below(codes.len() as u64) as usize];
            let Some(h) = store.household(code).await? else {
                continue;
            };
            let p = h.post(None, text).await?;
            say.posts += 1;
            if i == 0 {
                all.staff_post(m.id, Some(p), "已转设计单位，方案中保留古树。", &ctx)
                    .await?;
                say.posts += 1;
            }
        }
    }
    if rng.chance(0.3) && !codes.is_empty() {
        let Some(h) = store.household(&codes[0].1).await? else {
            return Ok(());
        };
        let ad = h
            .post(Some(staff_post), "低价承接室内装修，电话详询。")
            .await?;
        all.hide_post(ad, "与改造无关的广告", &ctx).await?;
        say.posts += 1;
    }
    // Meetings, and for a finished estate the owners' committee its assembly elected.
    let held = chrono::NaiveDate::from_ymd_opt(s.reference_year, 2, 20)
        .unwrap()
        .and_hms_opt(1, 0, 0)
        .unwrap()
        .and_utc();
    let (kind, title) = match stage {
        Stage::Pool => (MeetingKind::Courtyard, "改造意愿坝坝会"),
        Stage::Planned => (MeetingKind::FourParty, "改造方案四位一体联席会"),
        Stage::Completed => (MeetingKind::OwnersAssembly, "首次业主大会"),
    };
    let mut vote = None;
    if stage == Stage::Completed && households.len() >= 3 {
        let v = all
            .open_vote(
                m.id,
                &anju_store::scoped::NewVote {
                    matter: 3,
                    title: "选举业主委员会".into(),
                    building: None,
                    unit: None,
                    closes_at: chrono::Utc::now() + chrono::Duration::days(14),
                },
                &ctx,
            )
            .await?;
        for (i, o) in households.iter().enumerate() {
            if rng.chance(0.85) {
                let choice = if rng.chance(0.85) {
                    anju_domain::vote::Choice::Agree
                } else {
                    anju_domain::vote::Choice::Abstain
                };
                all.enter_ballot(v, o.id, choice, Some(format!("{:04}", i + 1)), &ctx)
                    .await?;
            }
        }
        let closed = all.close_vote(a, v, &ctx).await?;
        if closed.result.is_some_and(|t| t.passed) {
            let members: Vec<(String, String)> = households
                .iter()
                .take(5)
                .enumerate()
                .map(|(i, o)| {
                    let duty = match i {
                        0 => "主任",
                        1 => "副主任",
                        _ => "委员",
                    };
                    (o.name.clone(), duty.to_string())
                })
                .collect();
            all.record_committee(v, &members, &ctx).await?;
        }
        vote = Some(v);
    }
    all.record_meeting(
        m.id,
        &anju_store::scoped::NewMeeting {
            kind,
            title: title.into(),
            held_at: held + chrono::Duration::days(rng.below(60) as i64),
            place: "社区党群服务中心".into(),
            agenda: "通报改造方案；听取居民意见；商定下一步工作".into(),
            attendance: "社区党组织\n居民委员会\n业主代表\n物业服务企业\n设计单位".into(),
            minutes: "与会各方对改造方案逐项讨论，居民代表提出的意见已记录并转设计单位。".into(),
            decisions: if vote.is_some() {
                "召开业主大会，选举业主委员会".into()
            } else {
                "按讨论意见修改方案后再次公示".into()
            },
            vote_id: vote,
        },
        &ctx,
    )
    .await?;
    say.meetings += 1;
    // The satisfaction survey of a finished estate: most satisfied, some basically, a few not.
    if stage == Stage::Completed {
        let survey = all.open_survey(m.id, "改造完成满意度调查", &ctx).await?;
        let ratings = [
            (Satisfaction::Satisfied, 0.7),
            (Satisfaction::Basically, 0.22),
            (Satisfaction::Dissatisfied, 0.08),
        ];
        let comments = ["楼道亮了，很满意", "停车还是紧张", "电梯什么时候装"];
        let mut forms = Vec::new();
        for o in &households {
            if rng.chance(0.75) {
                let r = *rng.pick(&ratings);
                let comment = rng
                    .chance(0.1)
                    .then(|| comments[rng.below(comments.len() as u64) as usize].to_string());
                forms.push((o.id, r, comment));
            }
        }
        // Entered from the paper forms collected door to door: at once.
        all.record_ratings(survey, &forms, &ctx).await?;
        say.ratings += forms.len();
        all.close_survey(survey, &ctx).await?;
    }
    Ok(())
}

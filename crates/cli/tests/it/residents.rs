//! Residents on the database: the owner register (imported from a sheet, personal data masked
//! outside the neighbourhood), consultations and the 80 % gate of the plan, and owners' votes —
//! cast online by personal code, entered from paper, replaced while open, closed, published and
//! recounted — on both backends.

use crate::db_test;
use crate::support::*;
use anju_domain::residents::{Answer, Channel};
use anju_domain::vote::Choice;
use anju_domain::{pool::PoolState, Scope};
use anju_store::scoped::NewVote;
use anju_store::WriteCtx;

/// One eligible estate in 蜀山区's neighbourhood 340104001001; its id.
async fn an_estate(db: &TestDb) -> i64 {
    let sheet = db.path("survey.xlsx");
    write_xlsx(
        &sheet,
        &[
            estate_header(),
            estate_row("甲小区", 1985.0, 4.0, 200.0, 18000.0),
        ],
        &[],
    );
    let out = db.anju(&["import", "estates", sheet.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    db.store
        .scoped(Scope::All)
        .estates_after(None, None, 0, 10)
        .await
        .unwrap()[0]
        .id
}

fn register_header() -> Vec<C> {
    [
        "楼栋",
        "单元",
        "房号",
        "登记面积",
        "测绘面积",
        "业主姓名",
        "身份证号",
        "联系电话",
        "已交付",
    ]
    .into_iter()
    .map(S)
    .collect()
}

/// A part: building 1, `unit`, `room`, registered (or, when negative, surveyed) area, owner.
fn part(
    unit: &'static str,
    room: &'static str,
    area: f64,
    name: &'static str,
    id: &'static str,
    delivered: &'static str,
) -> Vec<C> {
    let (reg, sur) = if area < 0.0 {
        (E, N(-area))
    } else {
        (N(area), E)
    };
    vec![
        S("1"),
        S(unit),
        S(room),
        reg,
        sur,
        S(name),
        S(id),
        S("13812345678"),
        S(delivered),
    ]
}

/// Ten parts: 张三 holds two (one ID number), 李四 one by surveyed area, the developer holds two
/// undelivered ones; areas with fen.
fn register_rows() -> Vec<Vec<C>> {
    vec![
        register_header(),
        part("1", "101", 80.05, "张三", "11010519491231002X", "是"),
        part("1", "102", 60.10, "张三", "11010519491231002x", ""),
        part("1", "201", -75.33, "李四", "", ""),
        part("1", "202", 90.00, "王五", "", ""),
        part("1", "301", 88.88, "赵六", "", ""),
        part("2", "101", 70.01, "钱七", "", ""),
        part("2", "102", 70.02, "孙八", "", ""),
        part("2", "201", 70.03, "周九", "", ""),
        part("2", "301", 99.99, "", "", "否"),
        part("2", "302", 99.99, "", "", "否"),
    ]
}

/// [`an_estate`] with the register of [`register_rows`] imported from a sheet; the estate's
/// neighbourhood staff and an assessor.
pub(crate) async fn registered_estate(
    db: &TestDb,
) -> (i64, anju_store::scoped::Scoped, anju_store::Assessor) {
    let estate = an_estate(db).await;
    let sheet = db.path("owners.xlsx");
    write_xlsx(&sheet, &register_rows(), &[]);
    let out = db.anju(&[
        "import",
        "owners",
        sheet.to_str().unwrap(),
        "--estate",
        &estate.to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let staff = db.store.scoped(Scope::Division(code("340104001001")));
    let a = db
        .store
        .assessor(anju_domain::Policy::national(), 2026)
        .await
        .unwrap();
    (estate, staff, a)
}

fn ctx() -> WriteCtx {
    WriteCtx::new("test", None)
}

db_test!(
    the_register_is_imported_and_masked_outside_the_neighbourhood,
    |db| {
        let estate = an_estate(&db).await;
        let sheet = db.path("owners.xlsx");
        // A bad ID number and a repeated room are refused, naming the row; nothing is stored.
        let mut bad = register_rows();
        bad[3][6] = S("110105194912310021");
        bad[5][2] = S("201");
        write_xlsx(&sheet, &bad, &[]);
        let out = db.anju(&[
            "import",
            "owners",
            sheet.to_str().unwrap(),
            "--estate",
            &estate.to_string(),
        ]);
        assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(text.contains('4') && text.contains("身份证"), "{text}");
        assert!(text.contains("不与第4行重复"), "{text}");
        let all = db.store.scoped(Scope::All);
        assert!(all.register(estate).await.unwrap().is_empty());

        write_xlsx(&sheet, &register_rows(), &[]);
        let out = db.anju(&[
            "import",
            "owners",
            sheet.to_str().unwrap(),
            "--estate",
            &estate.to_string(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("8位业主，10个专有部分"),
            "{}",
            stdout(&out)
        );
        // Importing again changes nothing: the same owners, matched by their keys.
        let out = db.anju(&[
            "import",
            "owners",
            sheet.to_str().unwrap(),
            "--estate",
            &estate.to_string(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

        let county = db.store.scoped(Scope::Division(code("340104000000")));
        let masked = county.register(estate).await.unwrap();
        assert_eq!(masked.len(), 8);
        let zhang = masked
            .iter()
            .find(|o| o.parts.len() == 2 && !o.is_developer)
            .unwrap();
        assert_eq!(zhang.name, "张*");
        assert_eq!(zhang.phone.as_deref(), Some("138****5678"));
        assert_eq!(zhang.area.centi_m2(), 8005 + 6010);
        assert!(zhang
            .id_number
            .as_deref()
            .unwrap()
            .chars()
            .all(|c| c == '*'));
        let developer = masked.iter().find(|o| o.is_developer).unwrap();
        assert_eq!(
            developer.parts.len(),
            2,
            "the developer's parts count once together"
        );

        let neighbourhood = db.store.scoped(Scope::Division(code("340104001001")));
        let open = neighbourhood.register(estate).await.unwrap();
        let zhang = open.iter().find(|o| o.id == zhang.id).unwrap();
        assert_eq!(zhang.name, "张三");
        assert_eq!(zhang.id_number.as_deref(), Some("**************002X"));
        let li = open.iter().find(|o| o.name == "李四").unwrap();
        assert_eq!(li.parts[0].basis.key(), "surveyed");

        // The ID number is stored only as a keyed hash: no byte of the SQLite files holds it.
        if db.url.starts_with("sqlite") {
            for f in std::fs::read_dir(db.path("")).unwrap() {
                let bytes = std::fs::read(f.unwrap().path()).unwrap_or_default();
                let id = b"11010519491231002";
                let sheet_or_db = bytes.windows(id.len()).any(|w| w == id);
                assert!(
                    !sheet_or_db || bytes.starts_with(b"PK"),
                    "an ID number in a database file"
                );
            }
        }

        // A sibling neighbourhood does not find the estate at all.
        let sibling = db.store.scoped(Scope::Division(code("340104001002")));
        assert!(sibling.register(estate).await.is_err());
    }
);

db_test!(the_consultation_rate_gates_the_plan, |db| {
    let (estate, staff, a) = registered_estate(&db).await;
    let owners = staff.register(estate).await.unwrap();
    let households: Vec<i64> = owners
        .iter()
        .filter(|o| !o.is_developer)
        .map(|o| o.id)
        .collect();
    assert_eq!(households.len(), 7);
    let c = staff
        .open_consultation(estate, "改造意愿征询", &ctx())
        .await
        .unwrap();
    // Five of seven (71.4 %) answer: the estate cannot be planned.
    let codes = staff.issue_codes(estate, &ctx()).await.unwrap();
    for (i, o) in households.iter().take(5).enumerate() {
        if i == 0 {
            let (_, code) = codes.iter().find(|(id, _)| id == o).unwrap();
            let h = db.store.household(code).await.unwrap().unwrap();
            h.answer(c, Answer::Agree).await.unwrap();
            // One answer per household, whatever the channel.
            let again = staff
                .record_answer(c, *o, Answer::Oppose, Channel::Door, &ctx())
                .await;
            assert!(
                matches!(again, Err(anju_store::StoreError::Conflict(_))),
                "{again:?}"
            );
        } else {
            staff
                .record_answer(c, *o, Answer::Agree, Channel::Door, &ctx())
                .await
                .unwrap();
        }
    }
    let view = staff.consultation(&a, c).await.unwrap();
    assert_eq!((view.rate.answered, view.rate.households), (5, 7));
    assert!(!view.meets_threshold);
    let refused = staff
        .move_in_pool(&ctx(), &a, &[estate], PoolState::Planned, Some(2026))
        .await;
    let err = format!("{refused:?}");
    assert!(err.contains("5/7"), "{err}");
    // The rate is the priority's participation factor: 5 of 7.
    let participation = |p: anju_store::scoped::EstatePlanning| {
        p.appraisal
            .priority
            .contributions
            .into_iter()
            .find(|c| c.factor == anju_planning::priority::Factor::Participation)
            .and_then(|c| c.value)
    };
    let p = staff
        .planning(estate, &anju_domain::Policy::national(), 2026)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(participation(p), Some(5.0 / 7.0));
    // The sixth makes 85.7 %: planned.
    staff
        .record_answer(c, households[5], Answer::Oppose, Channel::Paper, &ctx())
        .await
        .unwrap();
    assert!(staff.consultation(&a, c).await.unwrap().meets_threshold);
    staff
        .move_in_pool(&ctx(), &a, &[estate], PoolState::Planned, Some(2026))
        .await
        .unwrap();
    // Closed: no answer after, and closing twice is a conflict.
    staff.close_consultation(c, &ctx()).await.unwrap();
    let late = staff
        .record_answer(c, households[6], Answer::Agree, Channel::Door, &ctx())
        .await;
    assert!(
        matches!(late, Err(anju_store::StoreError::Conflict(_))),
        "{late:?}"
    );
    assert!(staff.close_consultation(c, &ctx()).await.is_err());
    // An owner's code does not reach another estate's consultation, nor a developer's part.
    let outsider = staff
        .record_answer(
            c,
            owners.iter().find(|o| o.is_developer).unwrap().id,
            Answer::Agree,
            Channel::Staff,
            &ctx(),
        )
        .await;
    assert!(outsider.is_err());
});

db_test!(
    a_vote_is_cast_replaced_closed_published_and_recounted,
    |db| {
        let (estate, staff, a) = registered_estate(&db).await;
        let owners = staff.register(estate).await.unwrap();
        let codes = staff.issue_codes(estate, &ctx()).await.unwrap();
        let code_of = |id: i64| codes.iter().find(|(o, _)| *o == id).unwrap().1.clone();
        // Adding a lift to unit 1: a rebuilding matter (7), 3/4 of those taking part.
        let v = staff
            .open_vote(
                estate,
                &NewVote {
                    matter: 7,
                    title: "1栋1单元加装电梯".into(),
                    building: Some("1".into()),
                    unit: Some("1".into()),
                    closes_at: chrono::Utc::now() + chrono::Duration::days(7),
                },
                &ctx(),
            )
            .await
            .unwrap();
        let unit1: Vec<&anju_store::scoped::OwnerView> = owners
            .iter()
            .filter(|o| o.parts.iter().any(|p| p.unit == "1"))
            .collect();
        assert_eq!(unit1.len(), 4, "张三 (2 parts), 李四, 王五, 赵六");
        // An owner of unit 2 is not in the electorate.
        let outside = owners
            .iter()
            .find(|o| o.parts.iter().all(|p| p.unit == "2") && !o.is_developer)
            .unwrap();
        let h = db
            .store
            .household(&code_of(outside.id))
            .await
            .unwrap()
            .unwrap();
        assert!(h.cast(v, Choice::Agree).await.is_err());
        // Three agree online; 赵六 first agrees, then changes to oppose; 王五 votes on paper.
        for o in &unit1 {
            let h = db.store.household(&code_of(o.id)).await.unwrap().unwrap();
            h.cast(v, Choice::Agree).await.unwrap();
        }
        let zhao = unit1.iter().find(|o| o.name == "赵六").unwrap();
        db.store
            .household(&code_of(zhao.id))
            .await
            .unwrap()
            .unwrap()
            .cast(v, Choice::Oppose)
            .await
            .unwrap();
        let wang = unit1.iter().find(|o| o.name == "王五").unwrap();
        staff
            .enter_ballot(v, wang.id, Choice::Abstain, Some("No.0003".into()), &ctx())
            .await
            .unwrap();
        assert_eq!(
            staff.vote(v).await.unwrap().ballots,
            4,
            "one ballot per owner"
        );
        let trail = staff.ballot_trail(v).await.unwrap();
        assert_eq!(trail.len(), 6, "the trail keeps every ballot");

        let closed = staff.close_vote(&a, v, &ctx()).await.unwrap();
        let t = closed.result.unwrap();
        // Heads: 4 owners, all took part; area 80.05+60.10+75.33+90.00+88.88 = 394.36.
        assert_eq!(t.total.owners, 4);
        assert_eq!(t.total.area_centi_m2, 39436);
        assert_eq!(t.agree.owners, 2);
        assert_eq!(t.agree.area_centi_m2, 8005 + 6010 + 7533);
        assert!(t.quorum_met);
        assert!(!t.passed, "2 of 4 owners is below 3/4");
        // No ballot after closing.
        let late = db
            .store
            .household(&code_of(zhao.id))
            .await
            .unwrap()
            .unwrap()
            .cast(v, Choice::Agree)
            .await;
        assert!(
            matches!(late, Err(anju_store::StoreError::Conflict(_))),
            "{late:?}"
        );
        // The published files recount to the same result, and hash to the published hash.
        let (owners_csv, ballots_csv, hash) = anju_store::scoped::published_ballots(&db.store, v)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(hash, closed.ballots_sha256.unwrap());
        assert!(!owners_csv.contains("张三") && !owners_csv.contains("13812345678"));
        let (o, b) = (db.path("owners.csv"), db.path("ballots.csv"));
        std::fs::write(&o, &owners_csv).unwrap();
        std::fs::write(&b, &ballots_csv).unwrap();
        let out = db.anju(&[
            "vote",
            "recount",
            "--owners",
            o.to_str().unwrap(),
            "--ballots",
            b.to_str().unwrap(),
            "--matter",
            "7",
            "--json",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let r: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(r["passed"], false);
        assert_eq!(r["agree_owners"], 2);
        assert_eq!(r["participating_area_centi_m2"], 39436);
    }
);

db_test!(concurrent_ballots_keep_one_per_owner, |db| {
    let (estate, staff, a) = registered_estate(&db).await;
    let codes = staff.issue_codes(estate, &ctx()).await.unwrap();
    let v = staff
        .open_vote(
            estate,
            &NewVote {
                matter: 5,
                title: "使用维修资金".into(),
                building: None,
                unit: None,
                closes_at: chrono::Utc::now() + chrono::Duration::days(7),
            },
            &ctx(),
        )
        .await
        .unwrap();
    // Every owner sends 20 conflicting ballots at once.
    let mut tasks = Vec::new();
    for (_, code) in &codes {
        for i in 0..20 {
            let store = db.store.clone();
            let code = code.clone();
            tasks.push(tokio::spawn(async move {
                let h = store.household(&code).await.unwrap().unwrap();
                let c = [Choice::Agree, Choice::Oppose, Choice::Abstain][i % 3];
                h.cast(v, c).await.map(|_| c)
            }));
        }
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let view = staff.vote(v).await.unwrap();
    assert_eq!(view.ballots, codes.len() as u64);
    let trail = staff.ballot_trail(v).await.unwrap();
    assert_eq!(trail.len(), codes.len() * 20);
    let closed = staff.close_vote(&a, v, &ctx()).await.unwrap();
    assert_eq!(
        closed.result.unwrap().participating.owners,
        codes.len() as i64
    );
});

/// `anju serve` on a free port of this machine, against the test database; killed on drop.
struct Server {
    child: std::process::Child,
    base: String,
}

impl Server {
    async fn start(db: &TestDb, port: u16) -> Server {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_anju"))
            .args(["--database-url", &db.url, "serve", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .env_remove("ANJU_DATABASE_URL")
            .env("ANJU_ID_KEY", "7e57".repeat(16))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Owned at once, so that it is killed and waited for on every path (Drop).
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..200 {
            if reqwest::get(format!("{}/healthz", server.base))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("anju serve did not start");
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Sends `ballots` (owner code, choice) with 64 at a time; returns those acknowledged (204).
async fn send_ballots(
    base: &str,
    vote: i64,
    ballots: Vec<(String, Choice)>,
) -> Vec<(String, Choice)> {
    use futures_util::StreamExt;
    let client = reqwest::Client::new();
    futures_util::stream::iter(ballots)
        .map(|(code, choice)| {
            let client = client.clone();
            let url = format!("{base}/api/v1/my/votes/{vote}/ballot");
            async move {
                let r = client
                    .post(url)
                    .header("authorization", format!("Owner {code}"))
                    .json(&serde_json::json!({ "choice": choice.key() }))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status() == reqwest::StatusCode::NO_CONTENT => Some((code, choice)),
                    _ => None,
                }
            }
        })
        .buffer_unordered(64)
        .filter_map(|x| async move { x })
        .collect()
        .await
}

db_test!(
    ballots_over_http_survive_concurrency_and_a_killed_server,
    |db| {
        // 500 owners of one estate, 4 ballots each (the fourth repeats the first), 2,000 in all,
        // sent 64 at a time; the server is killed (SIGKILL) after the first half and started again.
        let estate = an_estate(&db).await;
        let all = db.store.scoped(Scope::All);
        let lines: Vec<anju_domain::residents::RegisterLine> = (0..500)
            .map(|i| anju_domain::residents::RegisterLine {
                row: i + 2,
                building: format!("{}", i / 50 + 1),
                unit: "1".into(),
                room: format!("{}", 101 + i % 50),
                // Areas with fen, where floating point would err.
                area: anju_domain::Area::from_centi_m2(6_001 + i64::from(i) * 7),
                basis: anju_domain::residents::AreaBasis::Registered,
                name: format!("业主{i}"),
                id_number: None,
                phone: None,
                delivered: true,
            })
            .collect();
        let key = anju_store::IdKey::from_hex(&"7e57".repeat(16)).unwrap();
        all.import_register(estate, &lines, &key, &ctx())
            .await
            .unwrap();
        let codes = all.issue_codes(estate, &ctx()).await.unwrap();
        let v = all
            .open_vote(
                estate,
                &NewVote {
                    matter: 5,
                    title: "使用维修资金".into(),
                    building: None,
                    unit: None,
                    closes_at: chrono::Utc::now() + chrono::Duration::days(1),
                },
                &ctx(),
            )
            .await
            .unwrap();
        let cycle = [
            Choice::Agree,
            Choice::Oppose,
            Choice::Abstain,
            Choice::Agree,
        ];
        let mut ballots: Vec<(String, Choice)> = Vec::new();
        for round in 0..4 {
            for (i, (_, code)) in codes.iter().enumerate() {
                ballots.push((code.clone(), cycle[(round + i) % 4]));
            }
        }
        let second = ballots.split_off(1000);
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let mut server = Server::start(&db, port).await;
        let mut acked = send_ballots(&server.base, v, ballots).await;
        assert_eq!(
            acked.len(),
            1000,
            "every ballot of a running server is taken"
        );
        // Killed mid-vote, with ballots in flight.
        let base = server.base.clone();
        let in_flight = tokio::spawn(async move { send_ballots(&base, v, second).await });
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        server.kill();
        let taken_before_kill = in_flight.await.unwrap();
        let lost: Vec<(String, Choice)> = {
            let mut rest = Vec::new();
            let mut taken = taken_before_kill.clone();
            for round in 2..4 {
                for (i, (_, code)) in codes.iter().enumerate() {
                    let b = (code.clone(), cycle[(round + i) % 4]);
                    match taken.iter().position(|t| *t == b) {
                        Some(p) => {
                            taken.swap_remove(p);
                        }
                        None => rest.push(b),
                    }
                }
            }
            rest
        };
        assert!(
            !lost.is_empty(),
            "the server was killed with ballots still to come"
        );
        acked.extend(taken_before_kill);
        // Started again; what was not acknowledged is sent again.
        let server = Server::start(&db, port).await;
        let resent = send_ballots(&server.base, v, lost.clone()).await;
        assert_eq!(resent.len(), lost.len());
        acked.extend(resent);
        assert_eq!(acked.len(), 2000);

        // No acknowledged ballot is lost: the trail holds every one, per owner and choice.
        let trail = all.ballot_trail(v).await.unwrap();
        let owner_of: std::collections::HashMap<&str, i64> =
            codes.iter().map(|(o, c)| (c.as_str(), *o)).collect();
        let mut want: std::collections::HashMap<(i64, &str), usize> = Default::default();
        for (code, choice) in &acked {
            *want
                .entry((owner_of[code.as_str()], choice.key()))
                .or_default() += 1;
        }
        let mut have: std::collections::HashMap<(i64, &str), usize> = Default::default();
        for t in &trail {
            *have.entry((t.owner_id, t.choice.as_str())).or_default() += 1;
        }
        for (k, n) in &want {
            assert!(
                have.get(k).copied().unwrap_or(0) >= *n,
                "{k:?}: acknowledged {n}, stored {:?}",
                have.get(k)
            );
        }
        // One current ballot per owner: the owner's last in the trail.
        let mut last: std::collections::HashMap<i64, &str> = Default::default();
        for t in &trail {
            last.insert(t.owner_id, t.choice.as_str());
        }
        let a = db
            .store
            .assessor(anju_domain::Policy::national(), 2026)
            .await
            .unwrap();
        let closed = all.close_vote(&a, v, &ctx()).await.unwrap();
        assert_eq!(closed.ballots, 500);
        let t = closed.result.unwrap();
        let agree_area: i64 = lines
            .iter()
            .zip(&codes)
            .filter(|(_, (o, _))| last[o] == "agree")
            .map(|(l, _)| l.area.centi_m2())
            .sum();
        assert_eq!(
            t.agree.owners,
            last.values().filter(|c| **c == "agree").count() as i64
        );
        assert_eq!(t.agree.area_centi_m2, agree_area);
        // The frozen, published ballots recount to the same tally.
        let (owners_csv, ballots_csv, _) = anju_store::scoped::published_ballots(&db.store, v)
            .await
            .unwrap()
            .unwrap();
        let parts = anju_io::votes::read_owners("owners.csv", &owners_csv).unwrap();
        let bs = anju_io::votes::read_ballots("ballots.csv", &ballots_csv).unwrap();
        let recount =
            anju_domain::vote::tally(5, &parts, &bs, &anju_domain::Policy::national().votes)
                .unwrap();
        assert_eq!(recount, t);
        drop(server);
    }
);

db_test!(staff_run_a_vote_from_the_pages, |db| {
    use crate::http::{login, spawn_app};
    let app = spawn_app(&db).await;
    let estate = app.hefei_estate;
    let all = db.store.scoped(Scope::All);
    let line =
        |unit: &str, room: &str, cm2: i64, name: &str| anju_domain::residents::RegisterLine {
            row: 2,
            building: "1".into(),
            unit: unit.into(),
            room: room.into(),
            area: anju_domain::Area::from_centi_m2(cm2),
            basis: anju_domain::residents::AreaBasis::Registered,
            name: name.into(),
            id_number: None,
            phone: Some("13812345678".into()),
            delivered: true,
        };
    let key = anju_store::IdKey::generate();
    all.import_register(
        estate,
        &[
            line("1", "101", 8005, "张三"),
            line("1", "102", 6010, "李四"),
            line("2", "101", 7000, "王五"),
        ],
        &key,
        &ctx(),
    )
    .await
    .unwrap();
    // The neighbourhood's staff see names; the county's see them masked.
    db.store
        .add_user(
            &ctx(),
            "hood-340104001001",
            "社区",
            anju_domain::Role::StreetStaff,
            Scope::Division(code("340104001001")),
            crate::http::PASSWORD,
        )
        .await
        .unwrap();
    let (hood, csrf) = login(&app, "hood-340104001001").await;
    let html = hood
        .get(format!("{}/estates/{estate}/residents", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("张三") && html.contains("13812345678"),
        "{html}"
    );
    let (county, _) = login(&app, "county-340104").await;
    let html = county
        .get(format!("{}/estates/{estate}/residents", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("张*") && !html.contains("张三") && html.contains("138****5678"));
    // Open a lift vote of unit 1 from the form, enter two paper ballots, close it.
    let r = hood
        .post(format!("{}/estates/{estate}/votes", app.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("matter", "7"),
            ("title", "1单元加装电梯"),
            ("building", "1"),
            ("unit", "1"),
            ("days", "7"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let vote: i64 = r.url().path().rsplit('/').next().unwrap().parse().unwrap();
    let owners = db
        .store
        .scoped(Scope::Division(code("340104001001")))
        .register(estate)
        .await
        .unwrap();
    for (name, choice, no) in [("张三", "agree", "001"), ("李四", "agree", "002")] {
        let o = owners.iter().find(|o| o.name == name).unwrap();
        let r = hood
            .post(format!("{}/votes/{vote}/ballots", app.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("owner_id", &o.id.to_string()),
                ("choice", choice),
                ("ballot_no", no),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::OK);
    }
    // 王五 of unit 2 is not in the electorate: refused with the reason on the page.
    let wang = owners.iter().find(|o| o.name == "王五").unwrap();
    let r = hood
        .post(format!("{}/votes/{vote}/ballots", app.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("owner_id", &wang.id.to_string()),
            ("choice", "oppose"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("not in the electorate"));
    let html = hood
        .post(format!("{}/votes/{vote}/close", app.base))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"arithmetic\""), "{html}");
    assert!(html.contains("140.15"), "the area of both owners: {html}");
    assert!(html.contains("通过"));
    // The printable sheet: one QR code per owner with the personal link.
    let html = hood
        .post(format!("{}/estates/{estate}/codes", app.base))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html.matches("<svg").count(), 3, "{html}");
    // A household scans its slip: its own page, no login, where it votes.
    let link = html
        .split("http://")
        .find_map(|s| {
            s.split_once("/my/")
                .map(|(_, rest)| rest.split('<').next().unwrap().to_string())
        })
        .unwrap();
    let v2 = all
        .open_vote(
            estate,
            &NewVote {
                matter: 5,
                title: "使用维修资金".into(),
                building: None,
                unit: None,
                closes_at: chrono::Utc::now() + chrono::Duration::days(3),
            },
            &ctx(),
        )
        .await
        .unwrap();
    let resident = reqwest::Client::new();
    let page = resident
        .get(format!("{}/my/{link}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("梅山小区") && html.contains(&format!("/my/{link}/votes/{v2}")),
        "{html}"
    );
    let html = resident
        .post(format!("{}/my/{link}/votes/{v2}", app.base))
        .form(&[("choice", "oppose")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("我的选择：反对"), "{html}");
    assert_eq!(all.vote(v2).await.unwrap().ballots, 1);
    let wrong = resident
        .get(format!("{}/my/not-a-code", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), reqwest::StatusCode::NOT_FOUND);
});

db_test!(
    the_register_is_uploaded_through_the_api_and_the_page,
    |db| {
        use crate::http::{login, spawn_app};
        let app = spawn_app(&db).await;
        let estate = app.hefei_estate;
        let (county, csrf) = login(&app, "county-340104").await;
        let upload = |csv: &'static str| {
            county
                .post(format!(
                    "{}/api/v1/estates/{estate}/owners?format=csv",
                    app.base
                ))
                .header("x-csrf-token", &csrf)
                .header("content-type", "text/csv")
                .body(csv)
                .send()
        };
        let good = "楼栋,单元,房号,登记面积,业主姓名,身份证号,联系电话,已交付\n\
                1,1,101,80.05,张三,11010519491231002X,13812345678,是\n\
                1,1,102,60.10,张三,11010519491231002X,13812345678,是\n\
                1,2,101,75.33,李四,,13900000000,\n";
        let r = upload(good).await.unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::OK);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            (v["owners"].as_u64(), v["parts"].as_u64()),
            (Some(2), Some(3))
        );
        // A room twice refuses the whole sheet, naming the cell; the register stays as it was.
        let bad = "楼栋,单元,房号,登记面积,业主姓名\n1,1,101,80.05,张三\n1,1,101,60,王五\n";
        let r = upload(bad).await.unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["code"], "invalid");
        assert_eq!(v["errors"][0]["row"], 3, "{v}");
        let owners = db.store.scoped(Scope::All).register(estate).await.unwrap();
        assert_eq!(owners.len(), 2);
        // The page's upload form does the same.
        let (page, page_csrf) = crate::pages::page_login(&app, "county-340104").await;
        let form = reqwest::multipart::Form::new()
            .text("csrf", page_csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bad.as_bytes().to_vec()).file_name("owners.csv"),
            );
        let r = page
            .post(format!("{}/estates/{estate}/owners", app.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("第3行") && html.contains("“101”"), "{html}");
        let form = reqwest::multipart::Form::new()
            .text("csrf", page_csrf)
            .part(
                "file",
                reqwest::multipart::Part::bytes(
                    "楼栋,单元,房号,登记面积,业主姓名\n2,1,101,70,王五\n"
                        .as_bytes()
                        .to_vec(),
                )
                .file_name("owners.csv"),
            );
        let r = page
            .post(format!("{}/estates/{estate}/owners", app.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
        let owners = db.store.scoped(Scope::All).register(estate).await.unwrap();
        assert_eq!(owners.len(), 1);
        assert_eq!(owners[0].parts[0].building, "2");
    }
);

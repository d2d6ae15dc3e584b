//! The binary end to end, on both backends.

use crate::db_test;
use crate::support::*;

db_test!(
    bad_cell_imports_nothing_then_the_fix_imports_and_reimport_is_idempotent,
    |db| {
        let sheet = db.path("survey.xlsx");
        let mut bad = estate_row("乙小区", 1991.0, 1.0, 10.0, 700.0);
        bad[5] = S("十户");
        write_xlsx(
            &sheet,
            &[
                estate_header(),
                estate_row("甲小区", 1990.0, 1.0, 10.0, 700.0),
                bad,
            ],
            &[],
        );
        let marked = db.path("errors.xlsx");
        let out = db.anju(&[
            "import",
            "estates",
            sheet.to_str().unwrap(),
            "--errors-out",
            marked.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("第3行（F3）") && err.contains("户数") && err.contains("十户"),
            "{err}"
        );
        assert_eq!(
            db.store.estate_count().await.unwrap(),
            0,
            "nothing imported"
        );
        // The marked sheet carries the error column and the bad value.
        let grid = anju_io::read_grid(&marked).unwrap();
        let all: Vec<String> = grid
            .range
            .rows()
            .flat_map(|r| r.iter().map(anju_io::value::display))
            .collect();
        assert!(all.iter().any(|c| c.contains("第3行")), "{all:?}");
        assert!(all.iter().any(|c| c == "十户"));

        write_xlsx(
            &sheet,
            &[
                estate_header(),
                estate_row("甲小区", 1990.0, 1.0, 10.0, 700.0),
                estate_row("乙小区", 1991.0, 1.0, 10.0, 700.0),
            ],
            &[],
        );
        let out = db.anju(&["import", "estates", sheet.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains("新增2个"), "{}", stdout(&out));
        let before = stored_state(&db.store).await;
        let out = db.anju(&["--lang", "en", "import", "estates", sheet.to_str().unwrap()]);
        assert!(
            stdout(&out).contains("0 new, 0 updated, 2 unchanged"),
            "{}",
            stdout(&out)
        );
        // Idempotent: the stored rows, totals and trail are what they were.
        assert_eq!(stored_state(&db.store).await, before);
    }
);

db_test!(
    export_then_import_changes_nothing_and_summary_json_adds_up,
    |db| {
        let sheet = db.path("survey.xlsx");
        let mut county = estate_row("县城老小区", 1988.0, 4.0, 300.0, 22000.0);
        county[1] = S("340121100004");
        write_xlsx(
            &sheet,
            &[
                estate_header(),
                estate_row("甲小区", 1990.0, 3.0, 250.0, 18500.5),
                estate_row("新小区", 2008.0, 5.0, 400.0, 30000.0),
                county,
            ],
            &[],
        );
        let out = db.anju(&["import", "estates", sheet.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

        let out = db.anju(&["summary", "--division", "34", "--json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        for k in [
            "estates",
            "buildings",
            "households",
            "floor_area_m2",
            "eligible_estates",
            "eligible_households",
            "eligible_floor_area_m2",
            "conditional_estates",
            "undetermined_estates",
        ] {
            assert!(v.get(k).is_some(), "missing {k}");
        }
        assert_eq!(v["conditional_estates"], 0);
        assert_eq!(v["estates"], 3);
        assert_eq!(v["buildings"], 12);
        assert_eq!(v["households"], 950);
        assert_eq!(v["floor_area_m2"], 70500.5);
        assert_eq!(v["eligible_estates"], 2);
        let parts = v["parts"].as_array().unwrap();
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0]["division_name"], "合肥市");

        let before = stored_state(&db.store).await;
        for format in ["xlsx", "csv"] {
            let file = db.path(&format!("export.{format}"));
            let out = db.anju(&[
                "export",
                "estates",
                "--format",
                format,
                "--output",
                file.to_str().unwrap(),
            ]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            let out = db.anju(&["import", "estates", file.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            assert!(
                stdout(&out).contains("新增0个，更新0个，未变3个"),
                "{format}: {}",
                stdout(&out)
            );
            assert_eq!(stored_state(&db.store).await, before, "{format}");
        }
        let file = db.path("eligible.csv");
        let out = db.anju(&[
            "export",
            "estates",
            "--format",
            "csv",
            "--eligible",
            "--division",
            "340104",
            "--output",
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0));
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.contains("甲小区"));

        let xlsx = db.path("summary.xlsx");
        let out = db.anju(&["summary", "--xlsx", xlsx.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0));
        assert!(xlsx.exists());
    }
);

db_test!(buildings_import_and_estate_page, |db| {
    let sheet = db.path("survey.xlsx");
    write_xlsx(
        &sheet,
        &[
            estate_header(),
            estate_row("甲小区", 1990.0, 2.0, 120.0, 8000.0),
        ],
        &[],
    );
    assert_eq!(
        db.anju(&["import", "estates", sheet.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let bsheet = db.path("buildings.xlsx");
    let header = [
        "行政区划代码",
        "小区名称",
        "楼栋号",
        "层数",
        "单元数",
        "户数",
        "建筑面积（㎡）",
        "结构类型",
        "建成年份",
        "安全等级",
        "是否有电梯",
    ]
    .map(S)
    .to_vec();
    let b = |n: &'static str, g: &'static str| {
        vec![
            S("340104001001"),
            S("甲小区"),
            S(n),
            N(6.0),
            N(3.0),
            N(60.0),
            N(4000.0),
            S("砖混"),
            S("1990年"),
            S(g),
            S("否"),
        ]
    };
    let mut unknown = b("1号楼", "A");
    unknown[1] = S("没有这个小区");
    write_xlsx(&bsheet, &[header.clone(), b("1号楼", "B"), unknown], &[]);
    let out = db.anju(&["import", "buildings", bsheet.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("第3行"), "{}", stderr(&out));
    assert_eq!(db.store.building_count().await.unwrap(), 0);
    write_xlsx(&bsheet, &[header, b("1号楼", "B"), b("2号楼", "D级")], &[]);
    let out = db.anju(&["import", "buildings", bsheet.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = db
        .store
        .estate_by_key("340104001001", "甲小区")
        .await
        .unwrap()
        .unwrap()
        .id;
    let out = db.anju(&["estate", &id.to_string()]);
    let text = stdout(&out);
    assert!(
        text.contains("拆改结合型") && text.contains("2号楼（D级）"),
        "{text}"
    );
    assert!(
        text.contains("建成年份") && text.contains("1990年建成"),
        "{text}"
    );
});

db_test!(divisions_import_csv_and_list, |db| {
    let csv = db.path("d.csv");
    std::fs::write(&csv, "code,name,areaCode,provinceCode,cityCode\n340104001,三里庵街道,340104,34,3401\n340104099,新建街道,340104,34,3401\n").unwrap();
    let out = db.anju(&["divisions", "import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("新增1，更新0，未变1"),
        "{}",
        stdout(&out)
    );
    let out = db.anju(&["divisions", "list", "--parent", "340104"]);
    assert!(
        stdout(&out).contains("340104099000\t新建街道"),
        "{}",
        stdout(&out)
    );
    std::fs::write(&csv, "code,name\n34x,坏\n").unwrap();
    let out = db.anju(&["divisions", "import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("第2行"), "{}", stderr(&out));
});

#[test]
fn template_has_the_canonical_headers_and_a_note_row() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.xlsx");
    let out = anju_with_env(
        "sqlite://unused.db",
        &["template", "estates", "--output", p.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let grid = anju_io::read_grid(&p).unwrap();
    let header: Vec<String> = grid.row(2).iter().map(anju_io::value::display).collect();
    for h in [
        "小区名称",
        "行政区划代码",
        "详细地址",
        "建成年份",
        "楼栋数",
        "户数",
        "建筑面积（㎡）",
        "产权性质",
        "是否城中村",
        "是否自建房为主",
        "是否列入征收或拆除新建计划",
        "改造意愿（%）",
        "经度",
        "纬度",
        "坐标系",
    ] {
        assert!(header.iter().any(|x| x == h), "missing {h} in {header:?}");
    }
    assert!(anju_io::value::display(&grid.row(3)[0]).starts_with("必填"));
    // A blank template imports as a sheet with no rows, not as an error.
    let parsed = anju_io::parse_estates(&grid, &|_| true, 2026).unwrap();
    assert!(parsed.rows.is_empty() && parsed.errors.is_empty());
    assert!(
        !std::path::Path::new("unused.db").exists(),
        "template needs no database"
    );
}

#[test]
fn flag_wins_over_environment_and_unknown_scheme_fails() {
    let dir = tempfile::tempdir().unwrap();
    let flag_db = format!("sqlite://{}", dir.path().join("flag.db").display());
    let env_db = format!("sqlite://{}", dir.path().join("env.db").display());
    let out = anju_with_env(&flag_db, &["summary"], &[("ANJU_DATABASE_URL", &env_db)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("flag.db").exists());
    assert!(!dir.path().join("env.db").exists());
    let out = anju_with_env("mysql://x/y", &["summary"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("sqlite://"), "{}", stderr(&out));
    let out = anju_with_env(&flag_db, &["--help"], &[]);
    assert!(stdout(&out).contains("导入") && stdout(&out).contains("import"));
}

#[test]
fn a_bad_map_section_in_the_config_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("anju.toml");
    std::fs::write(
        &cfg,
        "[map]\nurl = \"https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}\"\ncoordinates = \"bd09\"\n",
    )
    .unwrap();
    let url = format!("sqlite://{}", dir.path().join("a.db").display());
    let o =
        crate::support::anju_with_env(&url, &["--config", cfg.to_str().unwrap(), "summary"], &[]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("map.coordinates"), "{err}");
    std::fs::write(
        &cfg,
        "[map]\nurl = \"https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}\"\nsubdomains = \"01234567\"\n",
    )
    .unwrap();
    let o =
        crate::support::anju_with_env(&url, &["--config", cfg.to_str().unwrap(), "summary"], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn the_connection_pool_is_configurable_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("a.db").display());
    let o = crate::support::anju_with_env(&url, &["summary"], &[("ANJU_DATABASE_POOL", "0")]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("database_pool"), "{err}");
    let o = crate::support::anju_with_env(&url, &["summary"], &[("ANJU_DATABASE_POOL", "1")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `anju … | head`: a reader that has gone ends the command as it ends any Unix tool (by
/// SIGPIPE), not with a panic about a broken pipe.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_a_command_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("pipe.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_anju"))
        .args(["--database-url", &url, "divisions", "import", "--builtin"])
        .env_remove("ANJU_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes before the command prints its one line.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.signal(), Some(13), "ended by SIGPIPE: {out:?}");
}

db_test!(
    csv_export_neutralises_formulas_and_reimports_unchanged,
    |db| {
        let a = db
            .store
            .assessor(anju_domain::Policy::national(), 2026)
            .await
            .unwrap();
        let evil = "=HYPERLINK(\"http://example.invalid\",\"点我\")";
        let e = anju_domain::Estate {
            address: "@SUM(A1)".into(),
            year_completed: Some(1990),
            building_count: 1,
            households: 10,
            floor_area_centi_m2: anju_domain::Area::from_centi_m2(70_000),
            ..anju_domain::Estate::new(evil, crate::support::code("340104001001"))
        };
        db.store
            .upsert_estates(&anju_store::WriteCtx::new("t", None), &[e], &a)
            .await
            .unwrap();
        let file = db.path("export.csv");
        let out = db.anju(&[
            "export",
            "estates",
            "--format",
            "csv",
            "--output",
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = std::fs::read_to_string(&file).unwrap();
        let mut rows =
            csv::ReaderBuilder::new().from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let row = rows.records().next().unwrap().unwrap();
        assert!(row.iter().any(|c| c == format!("'{evil}")), "{row:?}");
        assert!(row.iter().any(|c| c == "'@SUM(A1)"), "{row:?}");
        assert!(
            !row.iter().any(|c| c.starts_with('=') || c.starts_with('@')),
            "{row:?}"
        );
        // Imported again, the export is the same estate: nothing changes.
        let before = stored_state(&db.store).await;
        let out = db.anju(&["import", "estates", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("新增0个，更新0个，未变1个"),
            "{}",
            stdout(&out)
        );
        assert_eq!(stored_state(&db.store).await, before);
    }
);

db_test!(
    warnings_do_not_stop_an_import_and_are_counted_and_marked_yellow,
    |db| {
        let sheet = db.path("survey.xlsx");
        let mut odd = estate_row("筒子楼小区", 1985.0, 2.0, 60.0, 3600.0);
        odd[7] = S("筒子楼");
        write_xlsx(
            &sheet,
            &[
                estate_header(),
                estate_row("甲小区", 1990.0, 1.0, 10.0, 700.0),
                odd,
            ],
            &[],
        );
        let marked = db.path("marked.xlsx");
        let out = db.anju(&[
            "import",
            "estates",
            sheet.to_str().unwrap(),
            "--errors-out",
            marked.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains("新增2个"), "{}", stdout(&out));
        assert!(stdout(&out).contains("提醒1处"), "{}", stdout(&out));
        let err = stderr(&out);
        assert!(
            err.contains("第3行（H3）“产权性质”：值“筒子楼”请核实"),
            "{err}"
        );
        let m = db
            .store
            .estate_by_key("340104001001", "筒子楼小区")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(m.property_type.as_deref(), Some("Other"));
        assert_eq!(m.property_type_as_typed.as_deref(), Some("筒子楼"));
        // The marked copy lists the warning and fills its cell with Excel's yellow.
        let grid = anju_io::read_grid(&marked).unwrap();
        let all: Vec<String> = grid
            .range
            .rows()
            .flat_map(|r| r.iter().map(anju_io::value::display))
            .collect();
        assert!(all.iter().any(|c| c.contains("请核实")), "{all:?}");
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&marked).unwrap()).unwrap();
        let mut styles = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles)
            .unwrap();
        assert!(styles.contains("FFEB9C"), "{styles}");
        assert!(!styles.contains("FFC7CE"), "no error, so no red");
    }
);

db_test!(
    a_sheet_without_a_rule_column_leaves_its_estates_to_be_verified,
    |db| {
        let without = |row: Vec<C>| -> Vec<C> {
            row.into_iter()
                .enumerate()
                .filter(|(i, _)| *i != 8)
                .map(|(_, c)| c)
                .collect()
        };
        let sheet = db.path("no-village-column.xlsx");
        write_xlsx(
            &sheet,
            &[
                without(estate_header()),
                without(estate_row("甲小区", 1990.0, 3.0, 100.0, 7000.0)),
            ],
            &[],
        );
        let out = db.anju(&["import", "estates", sheet.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("缺少“是否城中村”列") && stderr(&out).contains("待核实"),
            "{}",
            stderr(&out)
        );
        let m = db
            .store
            .estate_by_key("340104001001", "甲小区")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(m.outcome, "undetermined");
        assert_eq!(m.failed_rules, "not_urban_village");
        let out = db.anju(&["summary", "--json"]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v["undetermined_estates"], 1);
        assert_eq!(v["eligible_estates"], 0);
        // The export says 待核实 and imports back unchanged.
        let before = stored_state(&db.store).await;
        let file = db.path("export.xlsx");
        let out = db.anju(&["export", "estates", "--output", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let out = db.anju(&["import", "estates", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stored_state(&db.store).await, before);
        // A sheet with the column answers it; a later sheet without it keeps the answer.
        write_xlsx(
            &sheet,
            &[
                estate_header(),
                estate_row("甲小区", 1990.0, 3.0, 100.0, 7000.0),
            ],
            &[],
        );
        db.anju(&["import", "estates", sheet.to_str().unwrap()]);
        let outcome = || {
            let store = db.store.clone();
            async move {
                store
                    .estate_by_key("340104001001", "甲小区")
                    .await
                    .unwrap()
                    .unwrap()
                    .outcome
            }
        };
        assert_eq!(outcome().await, "eligible");
        write_xlsx(
            &sheet,
            &[
                without(estate_header()),
                without(estate_row("甲小区", 1990.0, 3.0, 120.0, 8400.0)),
            ],
            &[],
        );
        let out = db.anju(&["import", "estates", sheet.to_str().unwrap()]);
        assert!(stdout(&out).contains("更新1个"), "{}", stdout(&out));
        assert_eq!(outcome().await, "eligible");
    }
);

db_test!(policy_show_and_set_on_the_command_line, |db| {
    let sheet = db.path("survey.xlsx");
    write_xlsx(
        &sheet,
        &[
            estate_header(),
            estate_row("〇三小区", 2003.0, 3.0, 100.0, 7000.0),
        ],
        &[],
    );
    db.anju(&["import", "estates", sheet.to_str().unwrap()]);
    let out = db.anju(&["policy", "show"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let national = stdout(&out);
    assert!(national.contains("cutoff_year = 2000"), "{national}");
    assert!(!national.contains("conditional_cutoff_year"), "{national}");
    // A whole file with one number changed stores that number alone, from its year.
    let file = db.path("anhui.toml");
    std::fs::write(
        &file,
        anju_domain::policy::NATIONAL_TOML
            .replace(
                "name = \"全国默认（国办发〔2020〕23号）\"",
                "name = \"安徽省\"",
            )
            .replace(
                "cutoff_year = 2000\n",
                "cutoff_year = 2000\nconditional_cutoff_year = 2005\n",
            ),
    )
    .unwrap();
    let out = db.anju(&[
        "policy",
        "set",
        "--division",
        "34",
        "--from",
        file.to_str().unwrap(),
        "--from-year",
        "2021",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("1个小区的判定结果有变化"), "{said}");
    assert!(said.contains("conditional_cutoff_year = 2005"), "{said}");
    assert!(
        !said.contains("recent_renovation_years"),
        "only the change: {said}"
    );
    let show = |args: &[&str]| stdout(&db.anju(&[&["policy", "show"], args].concat()));
    let in_force = show(&["--division", "340104", "--year", "2026"]);
    assert!(
        in_force.contains("conditional_cutoff_year = 2005"),
        "{in_force}"
    );
    assert!(in_force.contains("name = \"安徽省\""), "{in_force}");
    assert!(in_force.contains("effective_year = 2021"), "{in_force}");
    let before = show(&["--division", "340104", "--year", "2020"]);
    assert!(!before.contains("conditional_cutoff_year"), "{before}");
    let m = db
        .store
        .estate_by_key("340104001001", "〇三小区")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.outcome, "conditional");
    // A bad number is refused by name, and nothing is stored.
    std::fs::write(&file, "[eligibility]\nconditional_cutoff_year = 1990\n").unwrap();
    let out = db.anju(&[
        "policy",
        "set",
        "--division",
        "3401",
        "--from",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("conditional_cutoff_year"),
        "{}",
        stderr(&out)
    );
});

#[test]
fn plan_solve_reads_csv_and_answers_json() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("candidates.csv");
    let caps = dir.path().join("caps.csv");
    // a (mandatory), b and c together (a bundle), d; the county cap of k2 keeps d out.
    std::fs::write(
        &input,
        "id,county,cost,priority,bundle,mandatory\n\
         a,k1,100,5,,1\n\
         b,k1,200,9,p1,0\n\
         c,k2,100,3,p1,0\n\
         d,k2,150,10,,0\n",
    )
    .unwrap();
    std::fs::write(&caps, "county,max_cost,min_cost\nk2,200,\n").unwrap();
    let url = format!("sqlite://{}", dir.path().join("a.db").display());
    let run = |args: &[&str]| crate::support::anju_with_env(&url, args, &[]);
    let (i, c) = (input.to_str().unwrap(), caps.to_str().unwrap());
    let out = run(&[
        "plan",
        "solve",
        "--input",
        i,
        "--budget",
        "400",
        "--county-caps",
        c,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    // Budget 400: a (100) + bundle b,c (300) = 17; a + d = 15 (and b, c cannot go alone).
    assert_eq!(v["selected"], serde_json::json!(["a", "b", "c"]));
    assert_eq!(v["objective"], 17.0);
    assert_eq!(v["cost"], 400);
    for k in ["bound", "gap"] {
        assert!(v[k].is_number(), "{k}: {v}");
    }
    assert!(v["bound"].as_f64().unwrap() >= 17.0);
    let d = v["why"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == "d")
        .unwrap();
    assert_eq!(d["selected"], false);
    // Mandatory over the budget: a clear error naming it, exit 3.
    let out = run(&["plan", "solve", "--input", i, "--budget", "50"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("超过预算50元"), "{}", stderr(&out));
    // A bundle over a county's cap is an error naming the bundle.
    std::fs::write(&caps, "county,max_cost,min_cost\nk2,50,\n").unwrap();
    let out = run(&[
        "plan",
        "solve",
        "--input",
        i,
        "--budget",
        "400",
        "--county-caps",
        c,
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("片区p1"), "{}", stderr(&out));
    // A bad line names its file, line and column.
    std::fs::write(
        &input,
        "id,county,cost,priority,bundle,mandatory\na,k1,十万,5,,0\n",
    )
    .unwrap();
    let out = run(&["plan", "solve", "--input", i, "--budget", "400"]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("第2行") && err.contains("cost"), "{err}");
}

db_test!(plan_allocate_splits_a_subsidy_by_the_factor_method, |db| {
    let sheet = db.path("survey.xlsx");
    let mut other = estate_row("庐阳小区", 1990.0, 1.0, 100.0, 7000.0);
    other[1] = S("340103001001");
    write_xlsx(
        &sheet,
        &[
            estate_header(),
            estate_row("甲小区", 1990.0, 3.0, 300.0, 21000.0),
            other,
        ],
        &[],
    );
    let out = db.anju(&["import", "estates", sheet.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = db.anju(&[
        "plan",
        "allocate",
        "--division",
        "3401",
        "--amount",
        "1000000.01",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let parts = v["parts"].as_array().unwrap();
    let fen: i64 = parts
        .iter()
        .map(|p| p["amount_fen"].as_i64().unwrap())
        .sum();
    assert_eq!(fen, 100_000_001, "to the fen");
    // 蜀山区 has three quarters of the area, households and buildings and half the estates:
    // 0.4·0.75 + 0.4·0.75 + 0.1·0.75 + 0.1·0.5 = 0.725.
    let shushan = parts
        .iter()
        .find(|p| p["division_code"] == "340104000000")
        .unwrap();
    assert!(
        (shushan["index"].as_f64().unwrap() - 0.725).abs() < 1e-9,
        "{shushan}"
    );
    assert_eq!(v["weights_pct"]["area"], 40.0);
    let out = db.anju(&["plan", "allocate", "--division", "3401", "--amount", "十万"]);
    assert_eq!(out.status.code(), Some(2));
});

#[test]
fn vote_recount_follows_the_civil_code_and_names_bad_ballots() {
    let dir = tempfile::tempdir().unwrap();
    let owners = dir.path().join("owners.csv");
    let ballots = dir.path().join("ballots.csv");
    // Six owners; the developer holds two unsold parts. 9.5 m² parts make the areas uneven.
    std::fs::write(
        &owners,
        "part_id,owner_id,area_m2\n\
         1-101,A,89.50\n1-102,B,89.50\n1-201,C,102.25\n1-202,D,102.25\n\
         2-101,E,75\n2-102,dev,75\n2-201,dev,9.5\n",
    )
    .unwrap();
    let url = format!("sqlite://{}", dir.path().join("a.db").display());
    let run = |ballot_lines: &str, matter: &str| {
        std::fs::write(&ballots, format!("owner_id,choice\n{ballot_lines}")).unwrap();
        crate::support::anju_with_env(
            &url,
            &[
                "vote",
                "recount",
                "--owners",
                owners.to_str().unwrap(),
                "--ballots",
                ballots.to_str().unwrap(),
                "--matter",
                matter,
                "--json",
            ],
            &[],
        )
    };
    // A, B, C, dev take part (4 of 6 owners: exactly 2/3); 3 of 4 agree (exactly 3/4) and hold
    // 89.5 + 89.5 + 84.5 = 263.5 of the 365.75 m² taking part (of 543; 72.0 %, under 3/4): a
    // rebuilding matter fails by area, an ordinary one passes.
    let lines = "A,同意\nB,agree\nC,反对\ndev,同意\n";
    let out = run(lines, "7");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["total_owners"], 6);
    assert_eq!(v["participating_owners"], 4);
    assert_eq!(v["agree_owners"], 3);
    assert_eq!(v["total_area_m2"], 543.0);
    assert_eq!(v["participating_area_m2"], 365.75);
    assert_eq!(v["agree_area_m2"], 263.5);
    assert_eq!(v["quorum_met"], true);
    assert_eq!(
        (
            v["agreed_by_heads"].as_bool(),
            v["agreed_by_area"].as_bool()
        ),
        (Some(true), Some(false))
    );
    assert_eq!(v["passed"], false);
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(lines, "5"))).unwrap();
    assert_eq!(v["passed"], true);
    // A stranger, a second ballot, a word that is no choice: exit 3, named.
    for (lines, named) in [
        ("A,同意\nZ,同意\n", "Z"),
        ("A,同意\nB,反对\nA,反对\n", "A"),
        ("A,也许\n", "也许"),
    ] {
        let out = run(lines, "1");
        assert_eq!(out.status.code(), Some(3), "{lines}");
        assert!(stderr(&out).contains(named), "{}", stderr(&out));
    }
}

//! Test support: fresh databases on both backends, sheet fixtures, running the binary.

use anju_store::Store;
use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicU32, Ordering};

/// Runs one async test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! db_test {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $db = $crate::support::TestDb::sqlite().await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($db) = $crate::support::TestDb::postgres().await else {
                    $crate::support::say_postgres_skipped();
                    return;
                };
                $body
            }
        }
    };
}

/// A fresh, empty database with the built-in divisions of 安徽省 loaded.
pub struct TestDb {
    pub url: String,
    pub store: Store,
    pub dir: tempfile::TempDir,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Says once, past the test harness's output capture, that the PostgreSQL half was skipped; under
/// CI (`CI` set) a missing PostgreSQL fails the test instead, so a broken setup cannot pass as
/// green with half the tests unrun.
pub fn say_postgres_skipped() {
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but ANJU_TEST_DATABASE_URL is not: the PostgreSQL half cannot run"
    );
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\nskipped PostgreSQL: ANJU_TEST_DATABASE_URL is not set, so the database tests ran on SQLite only\n"
        );
    });
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        Self::open(url, dir).await
    }

    /// A fresh schema in the database of ANJU_TEST_DATABASE_URL.
    pub async fn postgres() -> Option<TestDb> {
        let base = std::env::var("ANJU_TEST_DATABASE_URL")
            .ok()
            .filter(|s| !s.is_empty())?;
        let schema = format!(
            "t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let admin = sea_orm::Database::connect(&base)
            .await
            .expect("connect to ANJU_TEST_DATABASE_URL");
        use sea_orm::ConnectionTrait;
        admin
            .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
            .await
            .unwrap();
        admin.close().await.unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        Some(Self::open(url, tempfile::tempdir().unwrap()).await)
    }

    async fn open(url: String, dir: tempfile::TempDir) -> TestDb {
        let store = Store::connect(&url).await.unwrap();
        let divisions =
            anju_io::divisions::parse_divisions(anju_io::divisions::BUILTIN_ANHUI).unwrap();
        store
            .import_divisions(&anju_store::WriteCtx::new("test", None), &divisions)
            .await
            .unwrap();
        TestDb { url, store, dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs the binary against this database.
    pub fn anju(&self, args: &[&str]) -> Output {
        anju_with_env(&self.url, args, &[])
    }
}

pub fn anju_with_env(url: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_anju"));
    cmd.arg("--database-url")
        .arg(url)
        .args(args)
        .env_remove("ANJU_DATABASE_URL")
        // The key that hashes ID numbers, so that no key file is left behind.
        .env("ANJU_ID_KEY", "7e57".repeat(16));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run anju")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A cell of a fixture sheet.
#[derive(Clone, Debug)]
pub enum C {
    S(&'static str),
    N(f64),
    E,
}

pub use C::{E, N, S};

/// Writes rows to an .xlsx file; `merges` are (first_row, first_col, last_row, last_col, text).
pub fn write_xlsx(path: &Path, rows: &[Vec<C>], merges: &[(u32, u16, u32, u16, &str)]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                C::S(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                C::N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                C::E => {}
            }
        }
    }
    for (r1, c1, r2, c2, text) in merges {
        ws.merge_range(*r1, *c1, *r2, *c2, text, &Format::new())
            .unwrap();
    }
    wb.save(path).unwrap();
}

/// The canonical estate header.
pub fn estate_header() -> Vec<C> {
    [
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
    ]
    .into_iter()
    .map(S)
    .collect()
}

/// A plain, valid estate row. 340104001001 is a neighbourhood under a street of 蜀山区, 合肥.
pub fn estate_row(
    name: &'static str,
    year: f64,
    buildings: f64,
    households: f64,
    area: f64,
) -> Vec<C> {
    vec![
        S(name),
        S("340104001001"),
        S("合肥市蜀山区三里庵街道"),
        N(year),
        N(buildings),
        N(households),
        N(area),
        S("房改房"),
        S("否"),
        S("否"),
        S("否"),
        N(85.0),
        N(117.25),
        N(31.85),
        S("WGS84"),
    ]
}

/// Everything a write could change, read back from the database: every estate row (timestamps
/// included, so a row rewritten with the same values shows), every building, the kept totals of
/// every division that has estates (through the summaries), and the length of the audit trail.
/// "Changes nothing" compares two of these, not an importer's own counters.
#[derive(Debug, PartialEq)]
pub struct StoredState {
    pub estates: Vec<anju_store::entity::estate::Model>,
    pub buildings: Vec<(i64, Vec<anju_domain::Building>)>,
    pub totals: std::collections::BTreeMap<String, anju_domain::Summary>,
    pub audit_rows: u64,
}

pub async fn stored_state(store: &Store) -> StoredState {
    use anju_domain::{DivisionCode, Level, Scope};
    let estates = store
        .scoped(Scope::All)
        .estates_after(None, None, 0, 100_000)
        .await
        .unwrap();
    let ids: Vec<i64> = estates.iter().map(|e| e.id).collect();
    let mut buildings: Vec<(i64, Vec<anju_domain::Building>)> = store
        .buildings_of(&ids)
        .await
        .unwrap()
        .into_iter()
        .collect();
    buildings.sort_by_key(|(id, _)| *id);
    let mut totals = std::collections::BTreeMap::new();
    totals.insert("all".to_string(), store.summary(None).await.unwrap());
    for e in &estates {
        let code = DivisionCode::parse(&e.division_code).unwrap();
        for level in [Level::Province, Level::City, Level::County, Level::Town] {
            let d = code.ancestor_at(level).unwrap();
            if let std::collections::btree_map::Entry::Vacant(v) = totals.entry(d.to_string()) {
                v.insert(store.summary(Some(&d)).await.unwrap());
            }
        }
    }
    StoredState {
        estates,
        buildings,
        totals,
        audit_rows: store.audit_count().await.unwrap(),
    }
}

/// A division code the test knows to be valid.
pub fn code(s: &str) -> anju_domain::DivisionCode {
    anju_domain::DivisionCode::parse(s).unwrap()
}

/// An owner register of two households for `estate`: rooms 101 and 102 of building 1, unit 1,
/// 80.05 m² each, owned by `names`.
pub async fn register_two(store: &Store, estate: i64, names: [&str; 2]) {
    let line = |room: &str, name: &str| anju_domain::residents::RegisterLine {
        row: 2,
        building: "1".into(),
        unit: "1".into(),
        room: room.into(),
        area: anju_domain::Area::from_centi_m2(8005),
        basis: anju_domain::residents::AreaBasis::Registered,
        name: name.into(),
        id_number: None,
        phone: None,
        delivered: true,
    };
    store
        .scoped(anju_domain::Scope::All)
        .import_register(
            estate,
            &[line("101", names[0]), line("102", names[1])],
            &anju_store::IdKey::generate(),
            &anju_store::WriteCtx::new("test", None),
        )
        .await
        .unwrap();
}

/// Every household of `estate` agrees, at the door, in consultation `c`.
pub async fn all_agree(store: &Store, estate: i64, c: i64) {
    let all = store.scoped(anju_domain::Scope::All);
    let forms: Vec<_> = all
        .register(estate)
        .await
        .unwrap()
        .iter()
        .map(|o| {
            (
                o.id,
                anju_domain::residents::Answer::Agree,
                anju_domain::residents::Channel::Door,
            )
        })
        .collect();
    all.record_answers(c, &forms, &anju_store::WriteCtx::new("test", None))
        .await
        .unwrap();
}

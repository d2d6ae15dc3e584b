//! The funding ledger on both backends: entries appended at once by several processes form one
//! unbroken chain; a row changed straight in the database is found by `anju ledger verify`,
//! which names its id; a removed tail shows against a published head.

use crate::db_test;
use crate::support::*;
use sea_orm::ConnectionTrait;

db_test!(
    the_ledger_keeps_one_chain_and_finds_what_was_altered,
    |db| {
        // Four processes append 15 entries each, at once.
        let mut workers = Vec::new();
        for w in 0..4 {
            let url = db.url.clone();
            workers.push(std::thread::spawn(move || {
                for i in 0..15 {
                    let amount = format!("{}.{:02}", 1000 + w * 100 + i, i);
                    let memo = format!("worker {w} entry {i}");
                    let out = anju_with_env(
                        &url,
                        &[
                            "ledger",
                            "append",
                            "--division",
                            "340104",
                            "--kind",
                            ["allocation", "receipt", "disbursement"][i % 3],
                            "--source",
                            "central",
                            "--amount",
                            &amount,
                            "--memo",
                            &memo,
                        ],
                        &[],
                    );
                    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
                }
            }));
        }
        for w in workers {
            w.join().unwrap();
        }
        let out = db.anju(&["ledger", "verify"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let out = db.anju(&["ledger", "head", "--json"]);
        let head: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(head["count"], 60);
        let published = head["hash"].as_str().unwrap().to_string();
        // A row altered straight in the database: found, by its id.
        let conn = sea_orm::Database::connect(&db.url).await.unwrap();
        conn.execute_unprepared("UPDATE fund_ledger SET amount_fen = amount_fen + 1 WHERE id = 17")
            .await
            .unwrap();
        let out = db.anju(&["ledger", "verify"]);
        assert_eq!(out.status.code(), Some(4));
        assert!(stderr(&out).contains("17"), "{}", stderr(&out));
        conn.execute_unprepared("UPDATE fund_ledger SET amount_fen = amount_fen - 1 WHERE id = 17")
            .await
            .unwrap();
        // A row removed from the middle: the one after it no longer fits.
        conn.execute_unprepared("DELETE FROM fund_ledger WHERE id = 30")
            .await
            .unwrap();
        let out = db.anju(&["ledger", "verify"]);
        assert_eq!(out.status.code(), Some(4));
        assert!(stderr(&out).contains("31"), "{}", stderr(&out));
        // The tail removed instead: the chain itself fits, but the published head is gone.
        conn.execute_unprepared("DELETE FROM fund_ledger WHERE id >= 30")
            .await
            .unwrap();
        let out = db.anju(&["ledger", "verify"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let out = db.anju(&["ledger", "verify", "--head", &published]);
        assert_eq!(out.status.code(), Some(4));
        // Appending again continues the chain from what is there.
        let out = db.anju(&[
            "ledger",
            "append",
            "--division",
            "340104",
            "--kind",
            "receipt",
            "--source",
            "residents",
            "--amount",
            "12.5",
        ]);
        assert_eq!(stdout(&out).trim(), "30");
        let out = db.anju(&["ledger", "verify"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        // Bad input is refused with the reason, and nothing is appended.
        let out = db.anju(&[
            "ledger",
            "append",
            "--division",
            "340104",
            "--kind",
            "gift",
            "--source",
            "central",
            "--amount",
            "1",
        ]);
        assert_eq!(out.status.code(), Some(3));
        assert!(stderr(&out).contains("allocation"));
    }
);

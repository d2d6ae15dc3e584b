//! Accounts: argon2 hashes, scopes, audit; `anju user` on the command line.

use crate::db_test;
use crate::support::*;
use anju_domain::{DivisionCode, Role, Scope};
use anju_store::WriteCtx;

fn div(s: &str) -> Scope {
    Scope::Division(DivisionCode::parse_short(s).unwrap())
}

db_test!(accounts_hash_passwords_and_respect_scopes, |db| {
    let ctx = WriteCtx::new("tester", None);
    let s = &db.store;
    s.add_user(
        &ctx,
        "admin",
        "管理员",
        Role::Admin,
        Scope::All,
        "anju-demo",
    )
    .await
    .unwrap();
    s.add_user(
        &ctx,
        "city-3401",
        "合肥市",
        Role::DivisionAdmin,
        div("3401"),
        "anju-demo",
    )
    .await
    .unwrap();
    s.add_user(
        &ctx,
        "county-340104",
        "蜀山区",
        Role::Staff,
        div("340104"),
        "anju-demo",
    )
    .await
    .unwrap();
    s.add_user(
        &ctx,
        "city-3402",
        "芜湖市",
        Role::DivisionAdmin,
        div("3402"),
        "anju-demo",
    )
    .await
    .unwrap();
    // Taken names, short passwords, unscoped staff and unknown divisions are refused.
    assert!(s
        .add_user(&ctx, "admin", "x", Role::Admin, Scope::All, "anju-demo")
        .await
        .is_err());
    assert!(s
        .add_user(&ctx, "shorty", "x", Role::Staff, div("3401"), "short")
        .await
        .is_err());
    assert!(s
        .add_user(&ctx, "nobody", "x", Role::Staff, Scope::All, "anju-demo")
        .await
        .is_err());
    assert!(s
        .add_user(&ctx, "ghost", "x", Role::Staff, div("349999"), "anju-demo")
        .await
        .is_err());

    let me = s
        .verify_login("county-340104", "anju-demo")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(me.scope, div("340104"));
    assert!(s
        .verify_login("county-340104", "wrong-password")
        .await
        .unwrap()
        .is_none());
    assert!(s
        .verify_login("nobody", "anju-demo")
        .await
        .unwrap()
        .is_none());

    let hefei: Vec<String> = s
        .list_users(&div("3401"))
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.username)
        .collect();
    assert_eq!(hefei, vec!["city-3401", "county-340104"]);
    assert_eq!(s.list_users(&Scope::All).await.unwrap().len(), 4);

    s.set_password(&ctx, "county-340104", "new-password-1")
        .await
        .unwrap();
    assert!(s
        .verify_login("county-340104", "anju-demo")
        .await
        .unwrap()
        .is_none());
    assert!(s
        .verify_login("county-340104", "new-password-1")
        .await
        .unwrap()
        .is_some());
    let history = s.history("user", &me.id.to_string()).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(
        history
            .iter()
            .all(|h| !h.after.as_deref().unwrap_or("").contains("argon2")),
        "no hash in the audit trail"
    );
});

db_test!(user_commands, |db| {
    let out = anju_with_env(
        &db.url,
        &[
            "user",
            "add",
            "county-340104",
            "--role",
            "staff",
            "--division",
            "340104",
        ],
        &[("ANJU_PASSWORD", "anju-demo")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = anju_with_env(
        &db.url,
        &["user", "add", "bad", "--role", "staff"],
        &[("ANJU_PASSWORD", "anju-demo")],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let out = db.anju(&["user", "list", "--division", "3401"]);
    assert!(
        stdout(&out).contains("county-340104\tstaff\t340104000000"),
        "{}",
        stdout(&out)
    );
    let out = anju_with_env(
        &db.url,
        &["user", "passwd", "county-340104"],
        &[("ANJU_PASSWORD", "another-one")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(db
        .store
        .verify_login("county-340104", "another-one")
        .await
        .unwrap()
        .is_some());
});

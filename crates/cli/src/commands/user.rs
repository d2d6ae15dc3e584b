//! `anju user add|passwd|list`: accounts, as the system's own administrator.

use super::*;

/// The password for `user add|passwd`: ANJU_PASSWORD, else the first line of standard input.
pub(super) fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("ANJU_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub(super) async fn user(s: &Settings, cmd: UserCmd) -> anyhow::Result<u8> {
    let store = open(s).await?;
    let ctx = WriteCtx::new(actor(), Some("cli".into()));
    match cmd {
        UserCmd::Add {
            username,
            role,
            division,
            name,
        } => {
            let role = anju_domain::Role::from_key(&role)
                .ok_or_else(|| anyhow::anyhow!("--role: 未知角色 / unknown role {role:?}"))?;
            let scope = match division.as_deref().map(parse_division).transpose()? {
                Some(d) => anju_domain::Scope::Division(d),
                None => anju_domain::Scope::All,
            };
            let password = read_password()?;
            // The CLI is the system's own administrator, through the same door as a user.
            let new = anju_store::scoped::NewAccount {
                display_name: name.clone().unwrap_or_else(|| username.clone()),
                username: username.clone(),
                role,
                scope,
                password,
            };
            match store
                .scoped(anju_domain::Scope::All)
                .add_account(&ctx, anju_domain::Role::Admin, &new)
                .await
            {
                Ok(a) => {
                    println!(
                        "{}{} ({})",
                        s.lang.pick("已创建账户：", "account created: "),
                        a.username,
                        a.role.key()
                    );
                    Ok(exit::OK)
                }
                Err(anju_store::StoreError::Invalid(m)) => {
                    eprintln!("{m}");
                    Ok(exit::INVALID_INPUT)
                }
                Err(e) => Err(e.into()),
            }
        }
        UserCmd::Passwd { username } => {
            let password = read_password()?;
            match store.set_password(&ctx, &username, &password).await {
                Ok(()) => {
                    println!("{}", s.lang.pick("密码已修改", "password changed"));
                    Ok(exit::OK)
                }
                Err(anju_store::StoreError::Invalid(m)) => {
                    eprintln!("{m}");
                    Ok(exit::INVALID_INPUT)
                }
                Err(e) => Err(e.into()),
            }
        }
        UserCmd::List { division } => {
            let scope = match division.as_deref().map(parse_division).transpose()? {
                Some(d) => anju_domain::Scope::Division(d),
                None => anju_domain::Scope::All,
            };
            for a in store.list_users(&scope).await? {
                let scope = match a.scope {
                    anju_domain::Scope::All => "*".to_string(),
                    anju_domain::Scope::Division(d) => d.to_string(),
                };
                println!(
                    "{}\t{}\t{}\t{}{}",
                    a.username,
                    a.role.key(),
                    scope,
                    a.display_name,
                    if a.active { "" } else { "\t(停用 disabled)" }
                );
            }
            Ok(exit::OK)
        }
    }
}

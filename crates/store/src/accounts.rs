//! Accounts: argon2 password hashes, roles and scopes. Account changes are audited like business
//! data, without the hash.

use crate::audit::{AuditBatch, WriteCtx};
use crate::entity::user;
use crate::{Result, Store, StoreError};
use anju_domain::account::{check_password, check_scope, check_username};
use anju_domain::{DivisionCode, Role, Scope};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, NotSet, QueryFilter, QueryOrder,
};
use serde::Serialize;

/// What an administrator changes of an account; `None` leaves it as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountChange {
    pub active: Option<bool>,
    pub password: Option<String>,
}

/// The minimum password length.
pub const MIN_PASSWORD: usize = 8;

/// An account as shown (never with its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub active: bool,
}

pub(crate) fn account(m: &user::Model) -> Account {
    Account {
        id: m.id,
        username: m.username.clone(),
        display_name: m.display_name.clone(),
        role: Role::from_key(&m.role).unwrap_or(Role::Staff),
        scope: scope_of(m.scope_division.as_deref()),
        active: m.active,
    }
}

pub(crate) fn scope_of(code: Option<&str>) -> Scope {
    match code.map(DivisionCode::parse) {
        None => Scope::All,
        Some(Ok(c)) => Scope::Division(c),
        // A stored code that does not parse grants nothing rather than everything.
        Some(Err(_)) => Scope::Division(DivisionCode::parse("990000000000").expect("valid")),
    }
}

fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            StoreError::Invalid(format!("无法计算密码哈希 / cannot hash the password: {e}"))
        })
}

fn invalid(e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(e.to_string())
}

impl Store {
    /// Creates an account. Its scope's division must exist.
    pub async fn add_user(
        &self,
        ctx: &WriteCtx,
        username: &str,
        display_name: &str,
        role: Role,
        scope: Scope,
        password: &str,
    ) -> Result<Account> {
        check_username(username).map_err(invalid)?;
        check_password(password, MIN_PASSWORD).map_err(invalid)?;
        check_scope(role, &scope).map_err(invalid)?;
        if let Scope::Division(d) = &scope {
            if self.division(d).await?.is_none() {
                return Err(invalid(format!(
                    "行政区划{d}不存在 / division {d} does not exist"
                )));
            }
        }
        let txn = self.begin_write().await?;
        if user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(&txn)
            .await?
            .is_some()
        {
            return Err(invalid(format!(
                "用户名{username}已存在 / username {username} is taken"
            )));
        }
        let now = chrono::Utc::now();
        let m = user::ActiveModel {
            id: NotSet,
            username: Set(username.into()),
            display_name: Set(display_name.into()),
            role: Set(role.key().into()),
            scope_division: Set(match scope {
                Scope::All => None,
                Scope::Division(d) => Some(d.to_string()),
            }),
            password_hash: Set(hash(password)?),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let acc = account(&m);
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "create",
            "user",
            m.id,
            m.scope_division.as_deref(),
            None,
            Some(crate::convert::json(&acc)),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(acc)
    }

    /// Sets a new password (the CLI; the account's sessions end).
    pub async fn set_password(&self, ctx: &WriteCtx, username: &str, password: &str) -> Result<()> {
        let change = AccountChange {
            password: Some(password.to_string()),
            ..Default::default()
        };
        self.change_account(ctx, &Scope::All, username, &change)
            .await
            .map(|_| ())
    }

    /// Disables, enables or sets the password of an account inside `within` (an administrator's
    /// own scope; an account outside it is not found). A disabled account, or one whose password
    /// was reset, loses its sessions at once; its API tokens stop working while it is disabled.
    pub async fn change_account(
        &self,
        ctx: &WriteCtx,
        within: &Scope,
        username: &str,
        change: &AccountChange,
    ) -> Result<Account> {
        if let Some(p) = &change.password {
            check_password(p, MIN_PASSWORD).map_err(invalid)?;
        }
        let txn = self.begin_write().await?;
        let m = user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(&txn)
            .await?
            .filter(|m| within.covers(&scope_of(m.scope_division.as_deref())))
            .ok_or_else(|| StoreError::NotFound(format!("用户 / user {username}")))?;
        let before = account(&m);
        let mut am: user::ActiveModel = m.clone().into();
        if let Some(active) = change.active {
            am.active = Set(active);
        }
        if let Some(p) = &change.password {
            am.password_hash = Set(hash(p)?);
        }
        am.updated_at = Set(chrono::Utc::now());
        let updated = am.update(&txn).await?;
        let after = account(&updated);
        if !after.active || change.password.is_some() {
            crate::entity::session::Entity::delete_many()
                .filter(crate::entity::session::Column::UserId.eq(m.id))
                .exec(&txn)
                .await?;
        }
        let mut after_json = serde_json::to_value(&after).unwrap_or_default();
        if change.password.is_some() {
            after_json["password"] = "changed".into();
        }
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "update",
            "user",
            m.id,
            m.scope_division.as_deref(),
            Some(crate::convert::json(&before)),
            Some(after_json.to_string()),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// The accounts inside `scope`.
    pub async fn list_users(&self, scope: &Scope) -> Result<Vec<Account>> {
        let all = user::Entity::find()
            .order_by_asc(user::Column::Username)
            .all(&self.db)
            .await?;
        Ok(all
            .iter()
            .map(account)
            .filter(|a| scope.covers(&a.scope))
            .collect())
    }

    /// The account whose password this is, if it is active.
    pub async fn verify_login(&self, username: &str, password: &str) -> Result<Option<Account>> {
        let Some(m) = user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let ok = PasswordHash::new(&m.password_hash).is_ok_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        });
        Ok((ok && m.active).then(|| account(&m)))
    }
}

//! Sessions, API tokens and login throttling, all in the database so that several server
//! processes can share them.

use crate::accounts::Account;
use crate::entity::{api_token, login_attempt, session, user};
use crate::{Result, Store};
use anju_domain::Role;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, FromQueryResult, NotSet,
    PaginatorTrait, QueryFilter, Statement,
};
use sha2::{Digest, Sha256};

/// A new random secret: 32 bytes, hex.
pub fn new_secret() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// What is stored of a secret (and the hash of anything published): SHA-256, hex.
pub(crate) fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A logged-in session: the account and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub account: Account,
    pub csrf_token: String,
    /// The name of the account's division (None for the whole country).
    pub scope_name: Option<String>,
}

#[derive(FromQueryResult)]
struct SessionRow {
    csrf_token: String,
    expires_at: chrono::DateTime<Utc>,
    id: i64,
    username: String,
    display_name: String,
    role: String,
    scope_division: Option<String>,
    active: bool,
    scope_name: Option<String>,
}
crate::sqlite_reads::from_sqlite!(SessionRow {
    csrf_token,
    expires_at,
    id,
    username,
    display_name,
    role,
    scope_division,
    active,
    scope_name,
});

impl Store {
    /// Starts a session for an account; returns the cookie secret and the CSRF token.
    pub async fn create_session(&self, user_id: i64, ttl: Duration) -> Result<(String, String)> {
        let secret = new_secret();
        let csrf = new_secret();
        let now = Utc::now();
        session::ActiveModel {
            id: Set(digest(&secret)),
            user_id: Set(user_id),
            csrf_token: Set(csrf.clone()),
            created_at: Set(now),
            expires_at: Set(now + ttl),
        }
        .insert(&self.db)
        .await?;
        Ok((secret, csrf))
    }

    /// The session of a cookie secret, if it exists, has not expired and its account is active;
    /// with the name of the account's division. One query: every page and API call asks this.
    pub async fn session(&self, secret: &str) -> Result<Option<SessionInfo>> {
        let sql = format!(
            "SELECT s.csrf_token, s.expires_at, u.id, u.username, u.display_name, u.role, \
             u.scope_division, u.active, d.name AS scope_name \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             LEFT JOIN divisions d ON d.code = u.scope_division WHERE s.id = {}",
            self.placeholder(1)
        );
        let rows: Vec<SessionRow> = self
            .read(Statement::from_sql_and_values(
                self.backend(),
                sql,
                [digest(secret).into()],
            ))
            .await?;
        let Some(row) = rows.into_iter().next() else {
            return Ok(None);
        };
        if row.expires_at < Utc::now() {
            self.delete_session(secret).await?;
            return Ok(None);
        }
        Ok(row.active.then(|| SessionInfo {
            account: Account {
                id: row.id,
                username: row.username,
                display_name: row.display_name,
                role: Role::from_key(&row.role).unwrap_or(Role::Staff),
                scope: crate::accounts::scope_of(row.scope_division.as_deref()),
                active: row.active,
            },
            csrf_token: row.csrf_token,
            scope_name: row.scope_name,
        }))
    }

    pub async fn delete_session(&self, secret: &str) -> Result<()> {
        session::Entity::delete_by_id(digest(secret))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Makes an API token for an account; the token is shown once and stored only as a digest.
    pub async fn create_api_token(&self, user_id: i64, name: &str) -> Result<String> {
        let secret = format!("anju_{}", new_secret());
        api_token::ActiveModel {
            id: NotSet,
            token_hash: Set(digest(&secret)),
            user_id: Set(user_id),
            name: Set(name.into()),
            created_at: Set(Utc::now()),
        }
        .insert(&self.db)
        .await?;
        Ok(secret)
    }

    /// The active account an API token belongs to.
    pub async fn api_token_account(&self, secret: &str) -> Result<Option<Account>> {
        let Some(t) = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(digest(secret)))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let u = user::Entity::find_by_id(t.user_id).one(&self.db).await?;
        Ok(u.filter(|u| u.active).map(|u| crate::accounts::account(&u)))
    }

    pub async fn record_login_attempt(&self, username: &str, success: bool) -> Result<()> {
        login_attempt::ActiveModel {
            id: NotSet,
            username: Set(username.into()),
            at: Set(Utc::now()),
            success: Set(success),
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// Failed logins for a username within the window (for throttling).
    pub async fn recent_failures(&self, username: &str, window: Duration) -> Result<u64> {
        Ok(login_attempt::Entity::find()
            .filter(login_attempt::Column::Username.eq(username))
            .filter(login_attempt::Column::Success.eq(false))
            .filter(login_attempt::Column::At.gt(Utc::now() - window))
            .count(&self.db)
            .await?)
    }
}

impl Store {
    /// Keeps an uploaded sheet until its owner confirms or abandons it.
    pub async fn save_upload(&self, user_id: i64, filename: &str, bytes: Vec<u8>) -> Result<i64> {
        use crate::entity::upload;
        let m = upload::ActiveModel {
            id: NotSet,
            user_id: Set(user_id),
            filename: Set(filename.into()),
            bytes: Set(bytes),
            created_at: Set(Utc::now()),
        }
        .insert(&self.db)
        .await?;
        Ok(m.id)
    }

    /// An upload of this user's (another user's upload is not found).
    pub async fn upload(
        &self,
        user_id: i64,
        id: i64,
    ) -> Result<Option<crate::entity::upload::Model>> {
        use crate::entity::upload;
        Ok(upload::Entity::find_by_id(id)
            .filter(upload::Column::UserId.eq(user_id))
            .one(&self.db)
            .await?)
    }

    pub async fn delete_upload(&self, id: i64) -> Result<()> {
        crate::entity::upload::Entity::delete_by_id(id)
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

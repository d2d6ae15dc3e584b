//! Accounts through the scoped door: an administrator sees, makes and changes accounts inside
//! their own jurisdiction only, by the rule of `anju_domain::account::may_grant`.

use super::Scoped;
use crate::accounts::{Account, AccountChange};
use crate::audit::WriteCtx;
use crate::{Result, StoreError};
use anju_domain::account::{may_grant, AccountError};
use anju_domain::{Role, Scope};

/// An account to make.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub password: String,
}

fn refused(e: AccountError) -> StoreError {
    match e {
        AccountError::NotAnAdministrator
        | AccountError::OutsideJurisdiction
        | AccountError::AdminOnlyByAdmin => StoreError::Forbidden(e.to_string()),
        other => StoreError::Invalid(other.to_string()),
    }
}

impl Scoped {
    /// The accounts inside the scope (for one who manages accounts).
    pub async fn accounts(&self, granter: Role) -> Result<Vec<Account>> {
        if !granter.manages_accounts() {
            return Err(refused(AccountError::NotAnAdministrator));
        }
        self.store.list_users(&self.scope).await
    }

    /// Makes an account, if `granter` (acting in this scope) may grant it.
    pub async fn add_account(
        &self,
        ctx: &WriteCtx,
        granter: Role,
        new: &NewAccount,
    ) -> Result<Account> {
        may_grant(granter, &self.scope, new.role, &new.scope).map_err(refused)?;
        self.store
            .add_user(
                ctx,
                new.username.trim(),
                &new.display_name,
                new.role,
                new.scope,
                &new.password,
            )
            .await
    }

    /// Disables, enables or sets the password of an account inside the scope (outside it: not
    /// found); `granter` is the acting account, which cannot disable itself.
    pub async fn change_account(
        &self,
        ctx: &WriteCtx,
        granter: &Account,
        username: &str,
        change: &AccountChange,
    ) -> Result<Account> {
        if !granter.role.manages_accounts() {
            return Err(refused(AccountError::NotAnAdministrator));
        }
        if username == granter.username && change.active == Some(false) {
            return Err(refused(AccountError::DisableSelf));
        }
        self.store
            .change_account(ctx, &self.scope, username, change)
            .await
    }
}

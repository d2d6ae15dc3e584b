//! Accounts and their jurisdiction (DOMAIN §2): every user sees and changes only what lies inside
//! the division their account is scoped to.

use crate::division::{DivisionCode, Level};
use serde::{Deserialize, Serialize};

/// What a user is (角色).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// 系统管理员: the whole country.
    Admin,
    /// 省/市/县 管理员: manages accounts and data in their division.
    DivisionAdmin,
    /// 省/市/县 工作人员
    Staff,
    /// 街道、社区工作人员
    StreetStaff,
    /// 责任单位（部门）用户
    Department,
    /// 实施主体用户
    ImplementingEntity,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::DivisionAdmin,
        Role::Staff,
        Role::StreetStaff,
        Role::Department,
        Role::ImplementingEntity,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::DivisionAdmin => "division-admin",
            Role::Staff => "staff",
            Role::StreetStaff => "street-staff",
            Role::Department => "department",
            Role::ImplementingEntity => "implementing-entity",
        }
    }

    pub fn from_key(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::DivisionAdmin => "区划管理员",
            Role::Staff => "工作人员",
            Role::StreetStaff => "街道社区工作人员",
            Role::Department => "责任单位",
            Role::ImplementingEntity => "实施主体",
        }
    }

    /// Whether this role plans: moves estates in the reserve pool and adopts a plan.
    pub fn plans(self) -> bool {
        matches!(self, Role::Admin | Role::DivisionAdmin | Role::Staff)
    }

    /// Whether this role records an estate's needs (the staff who plan, and the street and
    /// neighbourhood staff who survey).
    pub fn records_needs(self) -> bool {
        self.plans() || self == Role::StreetStaff
    }

    /// Whether this role runs residents' consultations and votes (DOMAIN §2: street and
    /// neighbourhood staff, and the staff and administrators above them).
    pub fn runs_consultations(self) -> bool {
        self.records_needs()
    }

    /// Whether this role runs projects through their lifecycle: the implementing entity, and the
    /// staff who plan (DOMAIN §2).
    pub fn runs_projects(self) -> bool {
        self.plans() || self == Role::ImplementingEntity
    }

    /// Whether this role records inspections and closes their findings: those who run projects,
    /// and the departments that supervise them (DOMAIN §2, 质监站).
    pub fn inspects(self) -> bool {
        self.runs_projects() || self == Role::Department
    }

    /// Whether this role records complaints and follows them up: those who run projects, and
    /// the street and neighbourhood staff.
    pub fn follows_complaints(self) -> bool {
        self.runs_projects() || self == Role::StreetStaff
    }

    /// Whether this role manages accounts inside its scope.
    pub fn manages_accounts(self) -> bool {
        matches!(self, Role::Admin | Role::DivisionAdmin)
    }
}

/// The jurisdiction of an account: the whole country, or one division and everything under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    All,
    Division(DivisionCode),
}

impl Scope {
    /// Whether a record in division `code` is inside this scope.
    pub fn contains(&self, code: &DivisionCode) -> bool {
        match self {
            Scope::All => true,
            Scope::Division(d) => d.contains(code),
        }
    }

    /// Whether `other` lies wholly inside this scope (an administrator may only create accounts
    /// inside their own).
    pub fn covers(&self, other: &Scope) -> bool {
        match (self, other) {
            (Scope::All, _) => true,
            (Scope::Division(_), Scope::All) => false,
            (Scope::Division(a), Scope::Division(b)) => a.contains(b),
        }
    }

    pub fn level(&self) -> Option<Level> {
        match self {
            Scope::All => None,
            Scope::Division(d) => Some(d.level()),
        }
    }
}

/// Why an account cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("用户名须为3–64位字母、数字、-、_或. / a username has 3–64 letters, digits, -, _ or .: {0:?}")]
    Username(String),
    #[error("密码至少需要{min}个字符 / a password needs at least {min} characters")]
    PasswordTooShort { min: usize },
    #[error("只有系统管理员的范围可以是全国 / only an administrator may have the whole country as scope")]
    ScopeRequired,
    #[error("需要管理员权限 / administrators only")]
    NotAnAdministrator,
    #[error(
        "只能在自己的管辖范围内创建账户 / accounts can only be made inside your own jurisdiction"
    )]
    OutsideJurisdiction,
    #[error("只有系统管理员可以创建系统管理员 / only an administrator may make an administrator")]
    AdminOnlyByAdmin,
    #[error("不能停用自己的账户 / you cannot disable your own account")]
    DisableSelf,
}

/// Who may create which account — one rule for the pages, the API and the CLI's system actor:
/// an administrator of accounts, inside their own jurisdiction (an unscoped account only from the
/// whole country), and a system administrator (`admin`) only by a system administrator.
pub fn may_grant(
    granter: Role,
    granter_scope: &Scope,
    role: Role,
    scope: &Scope,
) -> Result<(), AccountError> {
    if !granter.manages_accounts() {
        return Err(AccountError::NotAnAdministrator);
    }
    if !granter_scope.covers(scope) {
        return Err(AccountError::OutsideJurisdiction);
    }
    if role == Role::Admin && granter != Role::Admin {
        return Err(AccountError::AdminOnlyByAdmin);
    }
    check_scope(role, scope)
}

/// Who may say which towns are county seats (a province's decision, DOMAIN §3): a system
/// administrator, or the administrator of a province.
pub fn may_set_county_seats(role: Role, scope: &Scope) -> bool {
    match (role, scope) {
        (Role::Admin, _) => true,
        (Role::DivisionAdmin, Scope::Division(d)) => d.level() == Level::Province,
        _ => false,
    }
}

/// Who may change the policy of a province or city (its own numbers, DOMAIN §3): a system
/// administrator, or an administrator whose jurisdiction holds that division.
pub fn may_set_policy(role: Role, scope: &Scope, division: &DivisionCode) -> bool {
    match role {
        Role::Admin => true,
        Role::DivisionAdmin => scope.contains(division),
        _ => false,
    }
}

/// The roles `granter` may give at all (the choices of the account form).
pub fn grantable_roles(granter: Role) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| granter.manages_accounts() && (*r != Role::Admin || granter == Role::Admin))
        .collect()
}

/// Checks a username.
pub fn check_username(s: &str) -> Result<(), AccountError> {
    let ok = (3..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(AccountError::Username(s.to_string()))
    }
}

/// Checks a password against the minimum length of the policy.
pub fn check_password(s: &str, min: usize) -> Result<(), AccountError> {
    if s.chars().count() >= min {
        Ok(())
    } else {
        Err(AccountError::PasswordTooShort { min })
    }
}

/// Checks that a role fits its scope: only `Admin` may be unscoped.
pub fn check_scope(role: Role, scope: &Scope) -> Result<(), AccountError> {
    match (role, scope) {
        (Role::Admin, _) | (_, Scope::Division(_)) => Ok(()),
        (_, Scope::All) => Err(AccountError::ScopeRequired),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_by_prefix() {
        let county = Scope::Division(DivisionCode::parse_short("340104").unwrap());
        let city = Scope::Division(DivisionCode::parse_short("3401").unwrap());
        let other = DivisionCode::parse("340202013001").unwrap();
        let inside = DivisionCode::parse("340104001001").unwrap();
        assert!(county.contains(&inside) && !county.contains(&other));
        assert!(city.covers(&county) && !county.covers(&city));
        assert!(Scope::All.covers(&city) && !city.covers(&Scope::All));
        assert!(check_scope(Role::Staff, &Scope::All).is_err());
        assert!(check_scope(Role::Admin, &Scope::All).is_ok());
        assert!(check_username("county-340104").is_ok() && check_username("a b").is_err());
        assert!(check_password("short", 8).is_err() && check_password("anju-demo", 8).is_ok());
        for r in Role::ALL {
            assert_eq!(Role::from_key(r.key()), Some(r));
        }
    }

    #[test]
    fn who_may_grant_which_account() {
        let city = Scope::Division(DivisionCode::parse_short("3401").unwrap());
        let county = Scope::Division(DivisionCode::parse_short("340104").unwrap());
        let sibling = Scope::Division(DivisionCode::parse_short("340103").unwrap());
        let ok = |g, gs: &Scope, r, s: &Scope| may_grant(g, gs, r, s).is_ok();
        assert!(ok(Role::DivisionAdmin, &city, Role::Staff, &county));
        assert!(ok(Role::DivisionAdmin, &city, Role::DivisionAdmin, &city));
        assert!(!ok(Role::DivisionAdmin, &county, Role::Staff, &sibling));
        assert!(!ok(Role::DivisionAdmin, &county, Role::Staff, &city));
        assert!(!ok(Role::DivisionAdmin, &city, Role::Admin, &county));
        assert!(!ok(Role::DivisionAdmin, &city, Role::Staff, &Scope::All));
        assert!(!ok(Role::Staff, &city, Role::Staff, &county));
        assert!(ok(Role::Admin, &Scope::All, Role::Admin, &Scope::All));
        assert!(!ok(Role::Admin, &Scope::All, Role::Staff, &Scope::All));
        assert!(!grantable_roles(Role::DivisionAdmin).contains(&Role::Admin));
        assert!(grantable_roles(Role::Admin).contains(&Role::Admin));
        assert!(grantable_roles(Role::Staff).is_empty());
    }
}

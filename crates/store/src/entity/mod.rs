//! SeaORM entities: one set for SQLite and PostgreSQL.

pub mod api_token;
pub mod audit_log;
pub mod building;
pub mod bundle;
pub mod bundle_member;
pub mod division;
pub mod estate;
pub mod estate_need;
pub mod facility;
pub mod login_attempt;
pub mod plan_scenario;
pub mod policy_override;
pub mod pool_entry;
pub mod session;
pub mod upload;
pub mod user;

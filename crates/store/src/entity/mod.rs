//! SeaORM entities: one set for SQLite and PostgreSQL.

pub mod api_token;
pub mod audit_log;
pub mod ballot;
pub mod ballot_trail;
pub mod building;
pub mod bundle;
pub mod bundle_member;
pub mod consultation;
pub mod consultation_answer;
pub mod division;
pub mod estate;
pub mod estate_need;
pub mod facility;
pub mod login_attempt;
pub mod owner;
pub mod owner_part;
pub mod owner_vote;
pub mod plan_scenario;
pub mod policy_override;
pub mod pool_entry;
pub mod session;
pub mod upload;
pub mod user;

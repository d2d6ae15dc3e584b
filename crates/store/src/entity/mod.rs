//! SeaORM entities: one set for SQLite and PostgreSQL.

pub mod audit_log;
pub mod building;
pub mod division;
pub mod estate;
pub mod user;

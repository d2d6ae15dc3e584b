//! All integration tests in one binary (the build stays lean). Every database test runs on SQLite
//! and, when ANJU_TEST_DATABASE_URL is set, on PostgreSQL too.

mod support;

mod accounts;
mod browser;
mod cli;
mod errors;
mod http;
mod import;
mod ledger;
mod menu;
mod pages;
mod participation;
mod planning;
mod projects;
mod residents;
mod store;
mod works;

//! anju-planning: algorithms over the domain types — priorities, the reserve pool, bundles
//! (片区), life-circle gaps, the annual-plan optimiser and the menu (participatory-budget) rules.
//!
//! Pure: `store`, `io`, `web` and `cli` may use it; it uses only `domain`.

pub use anju_domain as domain;

pub mod allocation;
pub mod appraisal;
pub mod bundles;
pub mod geo;
pub mod lifecircle;
pub mod menu;
pub mod optimiser;
pub mod priority;
pub mod report;
pub mod schedule;

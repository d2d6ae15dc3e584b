//! anju-planning: algorithms over the domain types — priorities, the reserve pool, bundles
//! (片区), life-circle gaps, the annual-plan optimiser and the menu (participatory-budget) rules.
//!
//! Nothing lives here yet: the foundation (inventory and eligibility) needs no planning. The crate
//! exists so that the dependency arrows already point the right way (`store`, `io`, `web` and `cli`
//! may use it; it uses only `domain`).

pub use anju_domain as domain;

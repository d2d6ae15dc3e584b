//! anju-domain: the pure rules and types of the renovation programme (城镇老旧小区改造).
//!
//! No I/O, no async, no database: everything here is a function of its inputs, and every number a
//! rule uses comes from [`policy::Policy`], never from a literal.

pub mod account;
pub mod bundle;
pub mod catalogue;
pub mod division;
pub mod eligibility;
pub mod estate;
pub mod i18n;
pub mod mode;
pub mod needs;
pub mod policy;
pub mod pool;
pub mod quantity;
pub mod search;
pub mod summary;
pub mod vote;

pub use account::{Role, Scope};
pub use division::{Division, DivisionCode, DivisionError, Level, TownKind};
pub use eligibility::{assess, Eligibility, Outcome, Rule, RuleResult};
pub use estate::{
    Building, CoordinateSystem, Demolition, Estate, ManagementMode, PropertyType, SafetyGrade,
    StructureType, UrbanLocation,
};
pub use i18n::{Lang, Text};
pub use mode::{suggest_mode, AssessedEstate, Mode, ModeSuggestion};
pub use policy::Policy;
pub use quantity::{Area, Money};
pub use summary::{Summary, SummaryLine, Totals};

//! anju-domain: the pure rules and types of the renovation programme (城镇老旧小区改造).
//!
//! No I/O, no async, no database: everything here is a function of its inputs, and every number a
//! rule uses comes from [`policy::Policy`], never from a literal.

/// An enum whose variants have a stable key (for files, the API and the database) and a label in
/// both languages.
macro_rules! keyed_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $key:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $key)] $v,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)+];

            pub fn key(self) -> &'static str {
                match self { $($name::$v => $key,)+ }
            }

            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.key() == key)
            }

            pub fn label(self) -> $crate::i18n::Text {
                match self { $($name::$v => $crate::i18n::Text::new($zh, $en),)+ }
            }
        }
    };
}

pub mod account;
pub mod approvals;
pub mod bundle;
pub mod catalogue;
pub mod division;
pub mod eligibility;
pub mod estate;
pub mod funding;
pub mod i18n;
pub mod milestones;
pub mod mode;
pub mod needs;
pub mod participation;
pub mod policy;
pub mod pool;
pub mod project;
pub mod quantity;
pub mod residents;
pub mod responsibility;
pub mod search;
pub mod summary;
pub mod vote;
pub mod works;

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

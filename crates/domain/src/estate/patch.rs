//! A change to some fields of an estate, as the edit form and the API give it.

use super::field::{cross_field_errors, EstateField, FieldError, FieldValue};
use super::Estate;
use crate::Text;
use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};

/// The fields to change, each with its new value. Only fields a user may change
/// ([`EstateField::editable`]) are accepted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EstatePatch {
    changes: Vec<(EstateField, FieldValue)>,
}

impl EstatePatch {
    /// The patch with one more change.
    pub fn with(mut self, field: EstateField, value: impl Into<FieldValue>) -> Self {
        self.changes.push((field, value.into()));
        self
    }

    pub fn push(&mut self, field: EstateField, value: impl Into<FieldValue>) {
        self.changes.push((field, value.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Applies the patch to an estate, checking every field and the rules between them; all
    /// errors are returned at once, in the order of the fields, and the estate is left as it was
    /// when there is one.
    /// `reference_year` is the year of assessment, which no year completed or renovated may pass.
    pub fn apply(&self, e: &mut Estate, reference_year: i32) -> Result<(), Vec<FieldError>> {
        let mut changed = e.clone();
        let mut errs = Vec::new();
        let mut changes: Vec<_> = self.changes.iter().collect();
        changes.sort_by_key(|(f, _)| *f);
        for (f, v) in changes {
            if !f.editable() {
                errs.push(FieldError::new(
                    *f,
                    Text::new("此项不可在此修改", "not a field that can be changed here"),
                ));
            } else if let Err(err) = f.set(&mut changed, v.clone()) {
                errs.push(err);
            }
        }
        if errs.is_empty() {
            errs = cross_field_errors(&changed, reference_year);
        }
        if errs.is_empty() {
            *e = changed;
            Ok(())
        } else {
            Err(errs)
        }
    }
}

/// A JSON value of a patch: `null` leaves the field as it is.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum JsonValue {
    Flag(bool),
    Number(f64),
    Text(String),
}

/// From a JSON object of field keys; an unknown key, or a field that cannot be changed, is an
/// error that names it.
impl<'de> Deserialize<'de> for EstatePatch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PatchVisitor;
        impl<'de> Visitor<'de> for PatchVisitor {
            type Value = EstatePatch;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of estate fields")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EstatePatch, A::Error> {
                let mut patch = EstatePatch::default();
                while let Some(key) = map.next_key::<String>()? {
                    let field = EstateField::from_key(&key)
                        .filter(|f| f.editable())
                        .ok_or_else(|| {
                            let editable: Vec<_> = EstateField::ALL
                                .iter()
                                .filter(|f| f.editable())
                                .map(|f| f.key())
                                .collect();
                            A::Error::custom(format!(
                                "unknown field `{key}`, expected one of {}",
                                editable.join(", ")
                            ))
                        })?;
                    let value = match map.next_value::<Option<JsonValue>>()? {
                        None => continue,
                        Some(JsonValue::Flag(b)) => FieldValue::Flag(b),
                        Some(JsonValue::Number(n)) => FieldValue::Number(n),
                        Some(JsonValue::Text(t)) => FieldValue::Text(t),
                    };
                    patch.push(field, value);
                }
                Ok(patch)
            }
        }
        d.deserialize_map(PatchVisitor)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for EstatePatch {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        EstateField::object_schema(EstateField::ALL.iter().copied().filter(|f| f.editable())).into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for EstatePatch {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DivisionCode;

    fn estate() -> Estate {
        Estate::new("幸福里", DivisionCode::parse("340102001001").unwrap())
    }

    #[test]
    fn json_patch_reads_fields_and_skips_nulls() {
        let p: EstatePatch = serde_json::from_str(
            r#"{"name":"新名","households":120,"urban_village":true,"willingness_pct":null}"#,
        )
        .unwrap();
        let mut e = estate();
        p.apply(&mut e, 2026).unwrap();
        assert_eq!(
            (e.name.as_str(), e.households, e.urban_village),
            ("新名", 120, true)
        );
        assert_eq!(e.willingness_pct, None);
    }

    #[test]
    fn unknown_and_unchangeable_fields_are_refused_by_name() {
        for body in [r#"{"nmae":"x"}"#, r#"{"division_code":"340102001002"}"#] {
            let err = serde_json::from_str::<EstatePatch>(body)
                .unwrap_err()
                .to_string();
            assert!(err.contains("unknown field"), "{err}");
        }
    }

    #[test]
    fn a_bad_value_leaves_the_estate_as_it_was_and_every_error_is_listed() {
        let mut e = estate();
        let before = e.clone();
        let errs = EstatePatch::default()
            .with(EstateField::WillingnessPct, 120.0)
            .with(EstateField::Name, "改名")
            .with(EstateField::YearCompleted, 3000)
            .apply(&mut e, 2026)
            .unwrap_err();
        assert_eq!(
            errs.iter().map(|e| e.field).collect::<Vec<_>>(),
            ["year_completed", "willingness_pct"]
        );
        assert_eq!(e, before);
        let errs = EstatePatch::default()
            .with(EstateField::IllegalStructures, 2)
            .with(EstateField::IllegalStructuresRemoved, 3)
            .apply(&mut e, 2026)
            .unwrap_err();
        assert_eq!(errs[0].field, "illegal_structures_removed");
    }
}

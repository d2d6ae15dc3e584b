//! The fields of an estate as one list: what each is called, what it takes, whether it must be
//! given and whether a user may change it, and how its value is read from and put into an
//! [`Estate`]. The survey sheet's columns, the export, the edit form, the API's patch and the
//! estate's detail all walk this list, so a new field of `Estate` is added here (and in the store's
//! row) and nowhere else: the compiler points at every match below that lacks it.
//!
//! The location is not a field here: a sheet gives it as three columns (经度, 纬度, 坐标系) that the
//! sheet reader converts, and it is not edited by hand.

use super::{Estate, ManagementMode, PropertyType, PERCENT, YEARS};
use crate::{Area, DivisionCode, Lang, Text};
use serde::Serialize;

/// Declares the fields and their list together, so that the list cannot miss one.
macro_rules! estate_fields {
    ($($v:ident),+ $(,)?) => {
        /// One field of an estate.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EstateField { $($v,)+ }

        impl EstateField {
            /// Every field, in the order of the survey sheet and the export.
            pub const ALL: &'static [EstateField] = &[$(EstateField::$v,)+];
        }

        impl serde::Serialize for EstateField {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.key())
            }
        }

        impl<'de> serde::Deserialize<'de> for EstateField {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let key = String::deserialize(d)?;
                EstateField::from_key(&key)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown field {key:?}")))
            }
        }
    };
}

estate_fields! {
    Name,
    DivisionCode,
    Address,
    YearCompleted,
    BuildingCount,
    Households,
    FloorArea,
    PropertyType,
    UrbanVillage,
    MostlySelfBuilt,
    ExpropriationOrRebuildPlanned,
    WillingnessPct,
    Code,
    ManagementMode,
    LastRenovatedYear,
    PlannedDemolitionYear,
    HistoricProtection,
    IllegalStructures,
    IllegalStructuresRemoved,
    InCityOrCountySeat,
    PropertyTypeAsTyped,
    ManagementModeAsTyped,
}

/// What a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// A 12-digit statistical division code.
    DivisionCode,
    /// A whole number, 0 or more.
    Count,
    /// Square metres (kept in hundredths).
    Area,
    Year,
    /// 0–100.
    Percent,
    /// 是/否; for a field that may be left unsaid, blank means "not said".
    YesNo,
    /// One of a fixed list (the Chinese labels; English labels and keys are accepted too).
    Choice(&'static [&'static str]),
}

impl FieldKind {
    /// Whether the field takes a number (a count, a year, an area or a percentage).
    pub fn is_number(self) -> bool {
        matches!(
            self,
            FieldKind::Count | FieldKind::Year | FieldKind::Area | FieldKind::Percent
        )
    }
}

/// A field's value, as given (import, form, API) or as read from an estate.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// Blank: not given, or not known.
    Empty,
    Text(String),
    /// Counts, years, m² and percentages.
    Number(f64),
    Flag(bool),
    /// A value of a fixed list, read from an estate.
    Choice {
        key: &'static str,
        zh: &'static str,
        en: &'static str,
    },
}

impl From<&str> for FieldValue {
    fn from(s: &str) -> Self {
        FieldValue::Text(s.to_string())
    }
}
impl From<String> for FieldValue {
    fn from(s: String) -> Self {
        FieldValue::Text(s)
    }
}
impl From<f64> for FieldValue {
    fn from(n: f64) -> Self {
        FieldValue::Number(n)
    }
}
impl From<i32> for FieldValue {
    fn from(n: i32) -> Self {
        FieldValue::Number(n.into())
    }
}
impl From<bool> for FieldValue {
    fn from(b: bool) -> Self {
        FieldValue::Flag(b)
    }
}
impl<T: Into<FieldValue>> From<Option<T>> for FieldValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(FieldValue::Empty, Into::into)
    }
}

impl FieldValue {
    /// The value as a person reads it: whole numbers without decimals, choices by their label.
    pub fn display(&self, lang: Lang) -> String {
        match self {
            FieldValue::Empty => String::new(),
            FieldValue::Text(s) => s.clone(),
            FieldValue::Number(n) => n.to_string(),
            FieldValue::Flag(b) => lang
                .pick(if *b { "是" } else { "否" }, if *b { "yes" } else { "no" })
                .into(),
            FieldValue::Choice { zh, en, .. } => lang.pick(zh, en).into(),
        }
    }
}

/// A field whose value is not acceptable, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field's key.
    pub field: &'static str,
    /// What was expected, "中文 / English".
    pub message: String,
    /// The same, by language (for the sheet's error list).
    #[serde(skip)]
    pub expected: Text,
}

impl FieldError {
    pub fn new(field: EstateField, expected: Text) -> Self {
        FieldError {
            field: field.key(),
            message: format!("{} / {}", expected.zh, expected.en),
            expected,
        }
    }
}

fn choice<T: Copy>(
    v: T,
    key: fn(T) -> &'static str,
    zh: fn(T) -> &'static str,
    en: fn(T) -> &'static str,
) -> FieldValue {
    FieldValue::Choice {
        key: key(v),
        zh: zh(v),
        en: en(v),
    }
}

impl EstateField {
    /// The key (API, JSON, `--lang en` sheets), the Chinese and English names (the sheet's
    /// canonical headers and the form's labels) and what the field takes.
    fn describe(self) -> (&'static str, &'static str, &'static str, FieldKind) {
        use EstateField as F;
        use FieldKind as K;
        match self {
            F::Name => ("name", "小区名称", "Estate name", K::Text),
            F::DivisionCode => (
                "division_code",
                "行政区划代码",
                "Division code",
                K::DivisionCode,
            ),
            F::Address => ("address", "详细地址", "Address", K::Text),
            F::YearCompleted => ("year_completed", "建成年份", "Year completed", K::Year),
            F::BuildingCount => ("building_count", "楼栋数", "Buildings", K::Count),
            F::Households => ("households", "户数", "Households", K::Count),
            F::FloorArea => (
                "floor_area_m2",
                "建筑面积（㎡）",
                "Floor area (m²)",
                K::Area,
            ),
            F::PropertyType => (
                "property_type",
                "产权性质",
                "Property type",
                K::Choice(PropertyType::LABELS_ZH),
            ),
            F::UrbanVillage => ("urban_village", "是否城中村", "Urban village", K::YesNo),
            F::MostlySelfBuilt => (
                "mostly_self_built",
                "是否自建房为主",
                "Mostly self-built",
                K::YesNo,
            ),
            F::ExpropriationOrRebuildPlanned => (
                "expropriation_or_rebuild_planned",
                "是否列入征收或拆除新建计划",
                "Planned for expropriation or rebuilding",
                K::YesNo,
            ),
            F::WillingnessPct => (
                "willingness_pct",
                "改造意愿（%）",
                "Willingness (%)",
                K::Percent,
            ),
            F::Code => ("code", "小区编码", "Estate code", K::Text),
            F::ManagementMode => (
                "management_mode",
                "管理模式",
                "Management mode",
                K::Choice(ManagementMode::LABELS_ZH),
            ),
            F::LastRenovatedYear => (
                "last_renovated_year",
                "最近一次综合改造年份",
                "Last renovated (year)",
                K::Year,
            ),
            F::PlannedDemolitionYear => (
                "planned_demolition_year",
                "计划拆除年份",
                "Planned demolition (year)",
                K::Year,
            ),
            F::HistoricProtection => (
                "historic_protection",
                "是否历史文化街区或历史建筑",
                "Historic protection",
                K::YesNo,
            ),
            F::IllegalStructures => (
                "illegal_structures",
                "违法建设数量",
                "Illegal structures",
                K::Count,
            ),
            F::IllegalStructuresRemoved => (
                "illegal_structures_removed",
                "已拆除违法建设数量",
                "Illegal structures removed",
                K::Count,
            ),
            F::InCityOrCountySeat => (
                "in_city_or_county_seat",
                "是否位于城市或县城",
                "In a city or county seat",
                K::YesNo,
            ),
            F::PropertyTypeAsTyped => (
                "property_type_as_typed",
                "产权性质（原填）",
                "Property type (as written)",
                K::Text,
            ),
            F::ManagementModeAsTyped => (
                "management_mode_as_typed",
                "管理模式（原填）",
                "Management mode (as written)",
                K::Text,
            ),
        }
    }

    pub fn key(self) -> &'static str {
        self.describe().0
    }

    pub fn label_zh(self) -> &'static str {
        self.describe().1
    }

    pub fn label_en(self) -> &'static str {
        self.describe().2
    }

    pub fn label(self, lang: Lang) -> &'static str {
        lang.pick(self.label_zh(), self.label_en())
    }

    pub fn kind(self) -> FieldKind {
        self.describe().3
    }

    pub fn from_key(key: &str) -> Option<EstateField> {
        Self::ALL.iter().copied().find(|f| f.key() == key)
    }

    /// The yes/no fields that exclusion rules read (是否城中村, 是否自建房为主,
    /// 是否列入征收或拆除新建计划): a sheet without one of these columns leaves the rule
    /// undetermined where the policy requires it.
    pub const RULE_FLAGS: [EstateField; 3] = [
        EstateField::UrbanVillage,
        EstateField::MostlySelfBuilt,
        EstateField::ExpropriationOrRebuildPlanned,
    ];

    /// A field that decides an estate's identity, its eligibility or the totals must be given.
    pub fn required(self) -> bool {
        use EstateField as F;
        matches!(
            self,
            F::Name
                | F::DivisionCode
                | F::YearCompleted
                | F::BuildingCount
                | F::Households
                | F::FloorArea
        )
    }

    /// Whether a user may change the field on the estate's page. Not the division (moving an
    /// estate is another act, and could move it out of the editor's scope), not the estate's code
    /// (the key an import matches it by), not the declared urban location (only the survey
    /// declares it), not what a sheet wrote for a choice (it is kept as written).
    pub fn editable(self) -> bool {
        !matches!(
            self,
            EstateField::DivisionCode
                | EstateField::Code
                | EstateField::InCityOrCountySeat
                | EstateField::PropertyTypeAsTyped
                | EstateField::ManagementModeAsTyped
        )
    }

    /// What a bad value of this field should have been.
    pub fn expected(self) -> Text {
        match self.kind() {
            FieldKind::Text if self == EstateField::Name => {
                Text::new("非空的小区名称", "a name, not empty")
            }
            FieldKind::Text => Text::new("文字", "text"),
            FieldKind::DivisionCode => {
                Text::new("12位统计用区划代码", "a 12-digit statistical division code")
            }
            FieldKind::Count => Text::new("不小于0的整数", "a whole number, 0 or more"),
            FieldKind::Area => Text::new("不小于0的面积（平方米）", "an area in m², 0 or more"),
            FieldKind::Year => Text::new(
                format!("四位年份（{}–{}），如1998", YEARS.start(), YEARS.end()),
                format!(
                    "a four-digit year ({}–{}), such as 1998",
                    YEARS.start(),
                    YEARS.end()
                ),
            ),
            FieldKind::Percent => Text::new(
                "0–100之间的百分比，如85或85%",
                "a percentage 0–100, such as 85 or 85%",
            ),
            FieldKind::YesNo => Text::new("是或否", "是 (yes) or 否 (no)"),
            FieldKind::Choice(list) => Text::new(
                format!("以下之一：{}", list.join("、")),
                format!("one of: {}", list.join(", ")),
            ),
        }
    }

    /// The field's value in an estate.
    pub fn get(self, e: &Estate) -> FieldValue {
        use EstateField as F;
        let n = |v: Option<i32>| FieldValue::from(v);
        match self {
            F::Name => e.name.as_str().into(),
            F::DivisionCode => e.division_code.to_string().into(),
            F::Address => e.address.as_str().into(),
            F::YearCompleted => n(e.year_completed),
            F::BuildingCount => e.building_count.into(),
            F::Households => e.households.into(),
            F::FloorArea => e.floor_area_centi_m2.m2().into(),
            F::PropertyType => e.property_type.map_or(FieldValue::Empty, |p| {
                choice(
                    p,
                    PropertyType::key,
                    PropertyType::label_zh,
                    PropertyType::label_en,
                )
            }),
            F::UrbanVillage => e.urban_village.into(),
            F::MostlySelfBuilt => e.mostly_self_built.into(),
            F::ExpropriationOrRebuildPlanned => e.expropriation_or_rebuild_planned.into(),
            F::WillingnessPct => e.willingness_pct.into(),
            F::Code => e.code.clone().into(),
            F::ManagementMode => e.management_mode.map_or(FieldValue::Empty, |m| {
                choice(
                    m,
                    ManagementMode::key,
                    ManagementMode::label_zh,
                    ManagementMode::label_en,
                )
            }),
            F::LastRenovatedYear => n(e.last_renovated_year),
            F::PlannedDemolitionYear => n(e.planned_demolition_year),
            F::HistoricProtection => e.historic_protection.into(),
            F::IllegalStructures => n(e.illegal_structures),
            F::IllegalStructuresRemoved => n(e.illegal_structures_removed),
            F::InCityOrCountySeat => e.in_city_or_county_seat.into(),
            F::PropertyTypeAsTyped => e.property_type_as_typed.clone().into(),
            F::ManagementModeAsTyped => e.management_mode_as_typed.clone().into(),
        }
    }

    /// Whether the field only describes the estate (no rule, total or identity depends on it):
    /// a sheet's word for it that matches nothing is kept as typed under 其他, with a warning,
    /// rather than refusing the sheet.
    pub fn descriptive(self) -> bool {
        matches!(
            self,
            EstateField::PropertyType | EstateField::ManagementMode
        )
    }

    /// [`Self::set`] as a survey sheet's cell is read: a descriptive field's unknown word is
    /// stored as 其他 with the text as typed, and the returned text says why (a warning).
    pub fn set_from_sheet(self, e: &mut Estate, v: FieldValue) -> Result<Option<Text>, FieldError> {
        let typed = typed(&v);
        match self.set(e, v) {
            Err(_) if self.descriptive() && typed.is_some() => {
                let typed = typed.expect("checked");
                match self {
                    EstateField::PropertyType => {
                        e.property_type = Some(PropertyType::Other);
                        e.property_type_as_typed = Some(typed);
                    }
                    _ => {
                        e.management_mode = Some(ManagementMode::Other);
                        e.management_mode_as_typed = Some(typed);
                    }
                }
                Ok(Some(stored_as_other(&self.expected())))
            }
            r => r.map(|()| None),
        }
    }

    /// Puts a value into an estate, checking it; a blank clears a field that may be unknown.
    pub fn set(self, e: &mut Estate, v: FieldValue) -> Result<(), FieldError> {
        use EstateField as F;
        let bad = || FieldError::new(self, self.expected());
        if self.required() && v == FieldValue::Empty {
            return Err(bad());
        }
        // A value given is an answer: the field is surveyed from now on.
        e.unsurveyed.remove(&self);
        match self {
            F::Name => e.name = text(v).filter(|t| !t.is_empty()).ok_or_else(bad)?,
            F::DivisionCode => {
                e.division_code = text(v)
                    .and_then(|t| DivisionCode::parse(&t).ok())
                    .ok_or_else(bad)?
            }
            F::Address => e.address = text(v).unwrap_or_default(),
            F::YearCompleted => e.year_completed = year(v).map_err(|_| bad())?,
            F::BuildingCount => e.building_count = count(v).map_err(|_| bad())?.unwrap_or(0),
            F::Households => e.households = count(v).map_err(|_| bad())?.unwrap_or(0),
            F::FloorArea => {
                e.floor_area_centi_m2 = match number(v).map_err(|_| bad())? {
                    None => Area::ZERO,
                    Some(m2) if m2 < 1e10 => Area::from_m2(m2).ok_or_else(bad)?,
                    Some(_) => return Err(bad()),
                }
            }
            F::PropertyType => {
                let typed = typed(&v);
                e.property_type = pick(v, PropertyType::from_label).map_err(|_| bad())?;
                e.property_type_as_typed =
                    unless_canonical(typed, e.property_type.map(PropertyType::label_zh));
            }
            F::UrbanVillage => e.urban_village = flag(v).map_err(|_| bad())?.unwrap_or(false),
            F::MostlySelfBuilt => {
                e.mostly_self_built = flag(v).map_err(|_| bad())?.unwrap_or(false)
            }
            F::ExpropriationOrRebuildPlanned => {
                e.expropriation_or_rebuild_planned = flag(v).map_err(|_| bad())?.unwrap_or(false)
            }
            F::WillingnessPct => {
                e.willingness_pct = match number(v).map_err(|_| bad())? {
                    Some(p) if !PERCENT.contains(&p) => return Err(bad()),
                    p => p,
                }
            }
            F::Code => e.code = text(v).filter(|t| !t.is_empty()),
            F::ManagementMode => {
                let typed = typed(&v);
                e.management_mode = pick(v, ManagementMode::from_label).map_err(|_| bad())?;
                e.management_mode_as_typed =
                    unless_canonical(typed, e.management_mode.map(ManagementMode::label_zh));
            }
            F::LastRenovatedYear => e.last_renovated_year = year(v).map_err(|_| bad())?,
            F::PlannedDemolitionYear => e.planned_demolition_year = year(v).map_err(|_| bad())?,
            F::HistoricProtection => {
                e.historic_protection = flag(v).map_err(|_| bad())?.unwrap_or(false)
            }
            F::IllegalStructures => e.illegal_structures = count(v).map_err(|_| bad())?,
            F::IllegalStructuresRemoved => {
                e.illegal_structures_removed = count(v).map_err(|_| bad())?
            }
            F::InCityOrCountySeat => e.in_city_or_county_seat = flag(v).map_err(|_| bad())?,
            F::PropertyTypeAsTyped => e.property_type_as_typed = text(v).filter(|t| !t.is_empty()),
            F::ManagementModeAsTyped => {
                e.management_mode_as_typed = text(v).filter(|t| !t.is_empty())
            }
        }
        Ok(())
    }
}

/// Why a descriptive word was stored as 其他 (a warning), given the values the list has.
pub fn stored_as_other(values: &Text) -> Text {
    Text::new(
        format!("未识别，按“其他”记录并保留原填写；{}", values.zh),
        format!(
            "not recognised: stored as other, with the text as written; expected {}",
            values.en
        ),
    )
}

/// Rules between fields of one estate, and of its years against the year of assessment
/// (`reference_year`), checked after its fields are set (the sheet's row and the edit alike).
pub fn cross_field_errors(e: &Estate, reference_year: i32) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let (Some(n), Some(rm)) = (e.illegal_structures, e.illegal_structures_removed) {
        if rm > n {
            errs.push(FieldError::new(
                EstateField::IllegalStructuresRemoved,
                Text::new(
                    format!("不大于违法建设数量{n}"),
                    format!("at most the illegal structures counted ({n})"),
                ),
            ));
        }
    }
    if let Some(done) = e.year_completed.filter(|y| *y > reference_year) {
        errs.push(FieldError::new(
            EstateField::YearCompleted,
            Text::new(
                format!("不晚于评估年份{reference_year}（{done}年尚未到来；建成年份以竣工验收时间为准）"),
                format!("not after the year of assessment, {reference_year} (the year of completion acceptance)"),
            ),
        ));
    }
    match (e.year_completed, e.last_renovated_year) {
        (Some(done), Some(renovated)) if renovated < done => errs.push(FieldError::new(
            EstateField::LastRenovatedYear,
            Text::new(
                format!("不早于建成年份{done}"),
                format!("not before the year it was completed ({done})"),
            ),
        )),
        (_, Some(renovated)) if renovated > reference_year => errs.push(FieldError::new(
            EstateField::LastRenovatedYear,
            Text::new(
                format!("不晚于评估年份{reference_year}（改造年份不能在未来）"),
                format!("not after the year of assessment, {reference_year} (a renovation done, not planned)"),
            ),
        )),
        _ => {}
    }
    if let Some(y) = e.planned_demolition_year.filter(|y| *y < reference_year) {
        errs.push(FieldError::new(
            EstateField::PlannedDemolitionYear,
            Text::new(
                format!("不早于评估年份{reference_year}（{y}年的拆除计划已过期，请更新或删除）"),
                format!("not before the year of assessment, {reference_year} (the plan for {y} is past: update or clear it)"),
            ),
        ));
    }
    errs
}

/// Values that are allowed but look odd, worth a second look by the office that typed them
/// (warnings, never errors): floor area per household outside 20–300 m², or so small that it
/// was likely typed in 万㎡; more than 200 households per building.
pub fn plausibility_warnings(e: &Estate) -> Vec<FieldError> {
    let mut out = Vec::new();
    let m2 = e.floor_area_centi_m2.m2();
    if e.households > 0 && m2 > 0.0 {
        let per = m2 / f64::from(e.households);
        let as_wan = per * 10_000.0;
        if per < 20.0 && (20.0..=300.0).contains(&as_wan) {
            out.push(FieldError::new(
                EstateField::FloorArea,
                Text::new(
                    format!("户均仅{per:.2}㎡，像是以万㎡填写（{m2}万㎡ = {:.0}㎡）；本列单位为㎡", m2 * 10_000.0),
                    format!("{per:.2} m² per household: it looks typed in 10k m² ({m2} × 10,000 = {:.0} m²); this column is in m²", m2 * 10_000.0),
                ),
            ));
        } else if !(20.0..=300.0).contains(&per) {
            out.push(FieldError::new(
                EstateField::FloorArea,
                Text::new(
                    format!("户均建筑面积{per:.1}㎡，不在常见的20–300㎡之间"),
                    format!("{per:.1} m² per household, outside the usual 20–300 m²"),
                ),
            ));
        }
    }
    if e.building_count > 0 && e.households > 200 * e.building_count {
        let per = f64::from(e.households) / f64::from(e.building_count);
        out.push(FieldError::new(
            EstateField::Households,
            Text::new(
                format!("每栋{per:.0}户，超过常见的200户"),
                format!("{per:.0} households per building, more than the usual 200"),
            ),
        ));
    }
    out
}

/// Every field of `Estate` is in the list above, or said here to be handled elsewhere. Adding a
/// field to `Estate` stops the build at this line: add it to [`EstateField`] too.
#[allow(dead_code)]
fn every_field_is_listed(e: Estate) {
    let Estate {
        code: _,
        name: _,
        division_code: _,
        address: _,
        year_completed: _,
        building_count: _,
        households: _,
        floor_area_centi_m2: _,
        property_type: _,
        management_mode: _,
        urban_village: _,
        mostly_self_built: _,
        expropriation_or_rebuild_planned: _,
        last_renovated_year: _,
        planned_demolition_year: _,
        historic_protection: _,
        willingness_pct: _,
        illegal_structures: _,
        illegal_structures_removed: _,
        in_city_or_county_seat: _,
        property_type_as_typed: _,
        management_mode_as_typed: _,
        // Three columns of a sheet, read and written by the sheet reader and writer.
        location: _,
        // Which columns a sheet lacked: set by the sheet reader, cleared by `set`.
        unsurveyed: _,
        // Derived from the buildings by the store.
        demolition: _,
    } = e;
}

/// The text a choice was given as, if it was given as text.
fn typed(v: &FieldValue) -> Option<String> {
    match v {
        FieldValue::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        _ => None,
    }
}

/// What was typed for a choice, kept unless it is the canonical label itself.
fn unless_canonical(typed: Option<String>, canonical: Option<&str>) -> Option<String> {
    typed.filter(|t| Some(t.as_str()) != canonical)
}

fn text(v: FieldValue) -> Option<String> {
    match v {
        FieldValue::Empty => None,
        FieldValue::Text(s) => Some(s.trim().to_string()),
        FieldValue::Number(n) => Some(n.to_string()),
        FieldValue::Flag(b) => Some(if b { "是" } else { "否" }.to_string()),
        FieldValue::Choice { zh, .. } => Some(zh.to_string()),
    }
}

/// A number given as a number, or as the plain digits of a text (an API caller's "1998").
fn number(v: FieldValue) -> Result<Option<f64>, ()> {
    match v {
        FieldValue::Empty => Ok(None),
        FieldValue::Number(n) if n.is_finite() => Ok(Some(n)),
        FieldValue::Text(s) if s.trim().is_empty() => Ok(None),
        FieldValue::Text(s) => s.trim().parse::<f64>().map(Some).map_err(|_| ()),
        _ => Err(()),
    }
}

fn count(v: FieldValue) -> Result<Option<i32>, ()> {
    match number(v)? {
        None => Ok(None),
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= i32::MAX as f64 => Ok(Some(n as i32)),
        Some(_) => Err(()),
    }
}

fn year(v: FieldValue) -> Result<Option<i32>, ()> {
    match count(v)? {
        Some(y) if !YEARS.contains(&y) => Err(()),
        y => Ok(y),
    }
}

fn flag(v: FieldValue) -> Result<Option<bool>, ()> {
    match v {
        FieldValue::Empty => Ok(None),
        FieldValue::Flag(b) => Ok(Some(b)),
        FieldValue::Text(s) => match s.trim() {
            "" => Ok(None),
            "是" | "true" | "yes" => Ok(Some(true)),
            "否" | "false" | "no" => Ok(Some(false)),
            _ => Err(()),
        },
        _ => Err(()),
    }
}

fn pick<T>(v: FieldValue, find: fn(&str) -> Option<T>) -> Result<Option<T>, ()> {
    match v {
        FieldValue::Empty => Ok(None),
        FieldValue::Choice { key, .. } => find(key).map(Some).ok_or(()),
        FieldValue::Text(s) if s.trim().is_empty() => Ok(None),
        FieldValue::Text(s) => find(s.trim()).map(Some).ok_or(()),
        _ => Err(()),
    }
}

/// A field's value as an API shows it: a choice by its label, counts and years as whole numbers,
/// blank as `null`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Labelled {
    Null,
    Text(String),
    Whole(i64),
    Number(f64),
    Flag(bool),
}

impl EstateField {
    /// The field's value in an estate, as an API shows it in `lang`.
    pub fn labelled(self, e: &Estate, lang: Lang) -> Labelled {
        match (self.get(e), self.kind()) {
            (FieldValue::Empty, _) => Labelled::Null,
            (FieldValue::Text(t), _) => Labelled::Text(t),
            (FieldValue::Number(n), FieldKind::Count | FieldKind::Year) => {
                Labelled::Whole(n as i64)
            }
            (FieldValue::Number(n), _) => Labelled::Number(n),
            (FieldValue::Flag(b), _) => Labelled::Flag(b),
            (FieldValue::Choice { zh, en, .. }, _) => Labelled::Text(lang.pick(zh, en).into()),
        }
    }
}

#[cfg(feature = "openapi")]
impl EstateField {
    /// An object schema with one property per field, typed by its kind.
    pub fn object_schema(fields: impl Iterator<Item = EstateField>) -> utoipa::openapi::Schema {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let mut o = ObjectBuilder::new();
        for f in fields {
            let t = match f.kind() {
                FieldKind::Text | FieldKind::DivisionCode | FieldKind::Choice(_) => Type::String,
                FieldKind::Count | FieldKind::Year => Type::Integer,
                FieldKind::Area | FieldKind::Percent => Type::Number,
                FieldKind::YesNo => Type::Boolean,
            };
            let mut p = ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                    t,
                    Type::Null,
                ]))
                .description(Some(format!("{} / {}", f.label_zh(), f.label_en())));
            if let FieldKind::Choice(list) = f.kind() {
                p = p.enum_values(Some(list.iter().copied()));
            }
            o = o.property(f.key(), p);
        }
        o.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_found_again() {
        for f in EstateField::ALL {
            assert_eq!(EstateField::from_key(f.key()), Some(*f));
        }
        let mut keys: Vec<_> = EstateField::ALL.iter().map(|f| f.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), EstateField::ALL.len());
    }

    #[test]
    fn every_value_read_from_an_estate_puts_it_back() {
        let mut e = Estate::new("幸福里", DivisionCode::parse("340102001001").unwrap());
        e.code = Some("X1".into());
        e.year_completed = Some(1995);
        e.building_count = 4;
        e.households = 120;
        e.floor_area_centi_m2 = Area::from_centi_m2(812_345);
        e.property_type = Some(PropertyType::PublicHousing);
        e.property_type_as_typed = Some("直管公房".into());
        e.management_mode = Some(ManagementMode::SelfGoverned);
        e.urban_village = true;
        e.willingness_pct = Some(87.5);
        e.illegal_structures = Some(3);
        e.illegal_structures_removed = Some(1);
        e.in_city_or_county_seat = Some(false);
        let mut copy = Estate::new("?", DivisionCode::parse("110101001001").unwrap());
        for f in EstateField::ALL {
            f.set(&mut copy, f.get(&e)).unwrap();
        }
        assert_eq!(copy, e);
    }

    #[test]
    fn a_renovation_before_completion_is_refused() {
        let mut e = Estate::new("幸福里", DivisionCode::parse("340102001001").unwrap());
        e.year_completed = Some(1995);
        e.last_renovated_year = Some(1995);
        assert!(cross_field_errors(&e, 2026).is_empty());
        e.last_renovated_year = Some(1994);
        let errs = cross_field_errors(&e, 2026);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "last_renovated_year");
        assert!(errs[0].expected.zh.contains("1995"));
    }

    #[test]
    fn values_out_of_range_are_refused_with_the_field_named() {
        let mut e = Estate::new("幸福里", DivisionCode::parse("340102001001").unwrap());
        let before = e.clone();
        for (f, v) in [
            (EstateField::YearCompleted, FieldValue::Number(1850.0)),
            (EstateField::Households, FieldValue::Number(-1.0)),
            (EstateField::Households, FieldValue::Number(2.5)),
            (EstateField::WillingnessPct, FieldValue::Number(101.0)),
            (EstateField::FloorArea, FieldValue::Number(-3.0)),
            (EstateField::PropertyType, FieldValue::from("宫殿")),
            (EstateField::Name, FieldValue::from("  ")),
            (EstateField::DivisionCode, FieldValue::from("3401")),
            (EstateField::UrbanVillage, FieldValue::Number(1.0)),
        ] {
            let err = f.set(&mut e, v).unwrap_err();
            assert_eq!(err.field, f.key());
        }
        assert_eq!(e, before);
    }
}

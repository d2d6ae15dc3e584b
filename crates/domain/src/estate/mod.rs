//! Estates (小区) and their buildings (楼栋), with the attributes the survey (摸底调查) records.

use crate::division::{DivisionCode, TownKind};
use serde::{Deserialize, Serialize};

use std::collections::BTreeSet;

mod field;
mod patch;
pub use field::{
    cross_field_errors, plausibility_warnings, stored_as_other, EstateField, FieldError, FieldKind,
    FieldValue, Labelled,
};
pub use patch::EstatePatch;

/// Defines an enum of fixed survey values with their Chinese labels (used in sheets and drop-downs),
/// English labels, and the other words offices write for them (understood on reading).
macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $zh:literal, $en:literal $(, [$($alias:literal),* $(,)?])?;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)+];

            /// The Chinese labels, in order (the sheet's drop-down list).
            pub const LABELS_ZH: &'static [&'static str] = &[$($zh,)+];

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$v => $zh,)+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$v => $en,)+ }
            }

            /// The stored form (snake_case English).
            pub fn key(self) -> &'static str {
                match self { $($name::$v => stringify!($v),)+ }
            }

            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.key() == key)
            }

            /// Other words offices write for the value.
            pub fn aliases(self) -> &'static [&'static str] {
                match self { $($name::$v => &[$($($alias),*)?],)+ }
            }

            /// Finds the value whose Chinese or English label, key or one of its other words is
            /// `s`.
            pub fn from_label(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| {
                    v.label_zh() == s
                        || v.label_en().eq_ignore_ascii_case(s)
                        || v.key() == s
                        || v.aliases().contains(&s)
                })
            }
        }
    };
}

labelled_enum! {
    /// 产权性质: the property types seen in surveys.
    PropertyType {
        Commercial => "普通商品住宅", "commercial housing", ["商品房", "商品住宅", "普通商品房"];
        PublicHousing => "公房", "public housing", ["直管公房", "公产房", "直管公产房", "公有住房"];
        ReformHousing => "房改房", "reform housing", ["房改售房", "已购公房"];
        Affordable => "经济适用房", "affordable housing", ["经适房", "经济适用住房"];
        PriceCapped => "两限商品房", "price-capped housing", ["限价房", "两限房", "限价商品房"];
        OwnerOccupied => "自住型商品房", "owner-occupied commercial housing", ["自住房"];
        PolicyRental => "政策性租赁住房", "policy rental housing",
            ["公租房", "廉租房", "公共租赁住房", "廉租住房", "保障性租赁住房"];
        SharedOwnership => "共有产权住房", "shared-ownership housing", ["共有产权房"];
        Resettlement => "安置房", "resettlement housing", ["回迁房", "拆迁安置房", "还建房", "安置住房"];
        UnitManaged => "单位自管房", "unit-managed housing",
            ["自管公房", "单位产权房", "单位宿舍", "单位房", "职工宿舍"];
        /// 集资房: built with money pooled by a work unit and its staff; common in estates of the
        /// 1980s and 1990s.
        Fundraised => "集资房", "fund-raised housing", ["合作建房", "集资建房", "集资合作建房"];
        Military => "军队住房", "military housing", ["部队住房", "军产房"];
        Mixed => "混合", "mixed", ["混合产权", "多种产权"];
        Other => "其他", "other";
    }
}

labelled_enum! {
    /// 管理模式: how the estate is managed today.
    ManagementMode {
        Professional => "专业化物业管理", "professional property management",
            ["物业管理", "专业物业", "物业公司管理", "市场化物业"];
        SelfGoverned => "居民自治", "residents' self-governance", ["业主自治", "居民自管", "自治管理"];
        CommunityManaged => "社区代管", "community-managed", ["社区托管", "社区管理", "街道代管"];
        UnitManaged => "单位管理", "managed by the work unit", ["单位自管", "产权单位管理"];
        None => "无人管理", "unmanaged", ["无物业", "无管理", "弃管", "无"];
        Other => "其他", "other";
    }
}

labelled_enum! {
    /// 房屋安全等级 (JGJ 125): A and B are safe to use, C is locally dangerous, D is dangerous as a whole.
    SafetyGrade {
        A => "A", "A";
        B => "B", "B";
        C => "C", "C", ["局部危房", "C级危房"];
        D => "D", "D", ["整幢危房", "整体危房", "D级危房"];
    }
}

labelled_enum! {
    /// 结构类型 of a building.
    StructureType {
        BrickConcrete => "砖混", "brick-concrete",
            ["砖混结构", "混合结构", "砖混合结构", "砖砼结构", "砖混合", "砌体结构"];
        Frame => "框架", "frame", ["框架结构", "钢筋混凝土框架", "钢筋混凝土框架结构"];
        ReinforcedConcrete => "钢混", "reinforced concrete",
            ["钢筋混凝土", "钢筋混凝土结构", "钢混结构", "剪力墙", "剪力墙结构", "框剪", "框架剪力墙",
             "框架剪力墙结构", "框剪结构"];
        BrickWood => "砖木", "brick-wood", ["砖木结构"];
        Steel => "钢结构", "steel", ["钢"];
        Timber => "木结构", "timber", ["木"];
        Other => "其他", "other";
    }
}

labelled_enum! {
    /// 坐标系 of coordinates in a sheet; anju stores WGS-84.
    CoordinateSystem {
        Wgs84 => "WGS84", "WGS84";
        Gcj02 => "GCJ02", "GCJ02";
        Bd09 => "BD09", "BD09";
    }
}

/// Where an estate lies, as far as the eligibility rule "in a city or county seat" is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UrbanLocation {
    /// Stated on the survey sheet (是否位于城市或县城).
    Declared(bool),
    /// Under a street (街道): urban.
    Street,
    /// Under a development zone, park or similar unit (codes 400–599): urban.
    Zone,
    /// Under the town that is its county's seat (城关镇).
    CountySeatTown,
    /// Under another town (镇).
    OtherTown,
    /// Under a township (乡) or another rural unit.
    Rural,
    /// The estate's division is above the town level, so it cannot be told.
    Unknown,
}

impl UrbanLocation {
    /// Derives the location from the estate's division and whether its town is a county seat.
    pub fn derive(declared: Option<bool>, code: &DivisionCode, town_is_county_seat: bool) -> Self {
        if let Some(d) = declared {
            return UrbanLocation::Declared(d);
        }
        match code.town_kind() {
            None => UrbanLocation::Unknown,
            Some(TownKind::Street) => UrbanLocation::Street,
            Some(TownKind::Zone) => UrbanLocation::Zone,
            Some(TownKind::Town) if town_is_county_seat => UrbanLocation::CountySeatTown,
            Some(TownKind::Town) => UrbanLocation::OtherTown,
            Some(TownKind::Township) | Some(TownKind::Other) => UrbanLocation::Rural,
        }
    }
}

/// A point in WGS-84 (the stored form of every coordinate).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Wgs84 {
    pub lon: f64,
    pub lat: f64,
}

/// 小区: a residential compound, or a single building counted as one.
///
/// Areas are in hundredths of a square metre (integers), so sums are exact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estate {
    /// 小区编码: the estate's own code, where the survey gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// 小区名称
    pub name: String,
    /// 行政区划代码 of its neighbourhood (parsed once, where it comes in).
    pub division_code: DivisionCode,
    /// 详细地址
    pub address: String,
    /// 建成年份 (year of completion acceptance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_completed: Option<i32>,
    /// 楼栋数
    pub building_count: i32,
    /// 户数
    pub households: i32,
    /// 建筑面积, in hundredths of m².
    pub floor_area_centi_m2: crate::Area,
    /// 产权性质
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_type: Option<PropertyType>,
    /// 管理模式
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_mode: Option<ManagementMode>,
    /// 产权性质 as the sheet wrote it, where that is not the canonical label (直管公房 for 公房).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_type_as_typed: Option<String>,
    /// 管理模式 as the sheet wrote it, likewise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_mode_as_typed: Option<String>,
    /// 是否城中村
    pub urban_village: bool,
    /// 是否自建房为主
    pub mostly_self_built: bool,
    /// 是否列入征收或拆除新建计划
    pub expropriation_or_rebuild_planned: bool,
    /// 最近一次综合改造年份
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_renovated_year: Option<i32>,
    /// 计划拆除年份 (in a demolition plan of the coming years)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_demolition_year: Option<i32>,
    /// 是否历史文化街区或历史建筑
    pub historic_protection: bool,
    /// 改造意愿（%）: a priority factor, not an eligibility rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub willingness_pct: Option<f64>,
    /// 违法建设数量
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illegal_structures: Option<i32>,
    /// 已拆除违法建设数量
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illegal_structures_removed: Option<i32>,
    /// 是否位于城市或县城, where the sheet states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_city_or_county_seat: Option<bool>,
    /// Location in WGS-84.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Wgs84>,
    /// The yes/no fields of the exclusion rules that no survey has answered yet: the sheet that
    /// brought the estate had no such column. The rule is then 待核实 (undetermined), not 否.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub unsurveyed: BTreeSet<EstateField>,
    /// The buildings to be demolished (derived from the building sheet, not a field of the
    /// estate sheet).
    #[serde(default, skip_serializing_if = "Demolition::is_none")]
    pub demolition: Demolition,
}

impl Estate {
    /// An estate of this name in this neighbourhood, with nothing else known yet (no Default:
    /// there is no estate without a division).
    pub fn new(name: impl Into<String>, division_code: DivisionCode) -> Estate {
        Estate {
            code: None,
            name: name.into(),
            division_code,
            address: String::new(),
            year_completed: None,
            building_count: 0,
            households: 0,
            floor_area_centi_m2: crate::Area::ZERO,
            property_type: None,
            management_mode: None,
            property_type_as_typed: None,
            management_mode_as_typed: None,
            urban_village: false,
            mostly_self_built: false,
            expropriation_or_rebuild_planned: false,
            last_renovated_year: None,
            planned_demolition_year: None,
            historic_protection: false,
            willingness_pct: None,
            illegal_structures: None,
            illegal_structures_removed: None,
            in_city_or_county_seat: None,
            location: None,
            unsurveyed: BTreeSet::new(),
            demolition: Demolition::default(),
        }
    }

    /// The key an estate is matched by when it has no code: neighbourhood + name.
    pub fn natural_key(&self) -> (DivisionCode, String) {
        (self.division_code, self.name.clone())
    }
}

/// Which estate a line of a sheet (buildings, needs) belongs to: its code, or its name in its
/// neighbourhood.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EstateRef {
    Code(String),
    NameInDivision { division_code: String, name: String },
}

impl EstateRef {
    pub fn describe(&self) -> String {
        match self {
            EstateRef::Code(c) => c.clone(),
            EstateRef::NameInDivision {
                division_code,
                name,
            } => format!("{division_code} {name}"),
        }
    }
}

/// 楼栋: one building of an estate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Building {
    /// 楼栋号
    pub number: String,
    /// 层数
    pub floors: Option<i32>,
    /// 单元数
    pub stairway_units: Option<i32>,
    /// 户数
    pub households: Option<i32>,
    /// 建筑面积, in hundredths of m².
    pub floor_area_centi_m2: Option<crate::Area>,
    /// 结构类型 (砖混, 框架 …)
    pub structure: Option<StructureType>,
    /// What the sheet said for the structure, where it was another word for the value or matched
    /// none (then the value is 其他).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structure_as_typed: Option<String>,
    /// 建成年份
    pub year_completed: Option<i32>,
    /// 房屋安全等级
    pub safety_grade: Option<SafetyGrade>,
    /// 是否有电梯
    pub has_lift: bool,
    /// 是否拟拆除: to be demolished (拆改结合); outside the renovation scope and its totals.
    #[serde(default)]
    pub to_be_demolished: bool,
}

/// The part of an estate to be demolished, from its buildings (DOMAIN §3, seed 方案1): outside
/// the renovation scope and its totals. Kept on the estate by the store whenever its buildings
/// change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demolition {
    /// Buildings to be demolished, their households and floor area.
    pub buildings: i32,
    pub households: i32,
    pub floor_area_centi_m2: crate::Area,
    /// Every building of the estate is to be demolished: 拆除新建, out of the programme.
    pub all: bool,
}

impl Demolition {
    pub fn of(buildings: &[Building]) -> Demolition {
        let gone: Vec<&Building> = buildings.iter().filter(|b| b.to_be_demolished).collect();
        Demolition {
            buildings: gone.len() as i32,
            households: gone.iter().filter_map(|b| b.households).sum(),
            floor_area_centi_m2: crate::Area::from_centi_m2(
                gone.iter()
                    .filter_map(|b| b.floor_area_centi_m2)
                    .map(crate::Area::centi_m2)
                    .sum(),
            ),
            all: !gone.is_empty() && gone.len() == buildings.len(),
        }
    }

    pub fn is_none(&self) -> bool {
        *self == Demolition::default()
    }
}

/// The years a year field of an estate may hold (completion, renovation, planned demolition): one
/// rule for the survey sheet, the edit form and the API.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// The values a percentage (willingness) may hold.
pub const PERCENT: std::ops::RangeInclusive<f64> = 0.0..=100.0;

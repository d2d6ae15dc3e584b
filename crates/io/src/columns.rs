//! The columns of the survey sheets (摸底调查表): canonical Chinese headers, their aliases and
//! what each takes. The alias list is documented in the README; add to it here.

use crate::normalize::header_key;
use anju_domain::estate::{EstateField, FieldKind};
use std::collections::HashMap;
use std::sync::LazyLock;

/// What a column takes (for the template's note row and the drop-downs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Count,
    Area,
    Year,
    Percent,
    YesNo,
    DivisionCode,
    Longitude,
    Latitude,
    Choice(&'static [&'static str]),
}

/// One column of a sheet.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Stable English key, used in code and in `--lang en` headers.
    pub key: &'static str,
    /// The canonical Chinese header.
    pub header: &'static str,
    pub header_en: &'static str,
    /// Other headers seen in real sheets.
    pub aliases: &'static [&'static str],
    /// The column must be present, and its cells filled.
    pub required: bool,
    pub kind: Kind,
    /// Whether the blank template shows it (the canonical set) or it is an optional extra.
    pub in_template: bool,
    /// What the column holds.
    pub column: Column,
}

impl Field {
    /// The note-row text of the template: what the column takes.
    pub fn note(&self) -> String {
        let need = if self.required { "必填" } else { "选填" };
        let what = match self.kind {
            Kind::Text => "文字".to_string(),
            Kind::Count => "整数".to_string(),
            Kind::Area => "数字，单位平方米".to_string(),
            Kind::Year => "四位年份，如1998".to_string(),
            Kind::Percent => "0–100的数字".to_string(),
            Kind::YesNo => "是/否".to_string(),
            Kind::DivisionCode => "12位统计用区划代码（社区）".to_string(),
            Kind::Longitude => "经度，小数度".to_string(),
            Kind::Latitude => "纬度，小数度".to_string(),
            Kind::Choice(list) => format!("下拉选择：{}", list.join("/")),
        };
        format!("{need}：{what}")
    }
}

pub const COORDINATE_SYSTEMS: &[&str] = &["WGS84", "GCJ02", "BD09"];
pub const SAFETY_GRADES: &[&str] = &["A", "B", "C", "D"];
pub const YES_NO: &[&str] = &["是", "否"];

macro_rules! field {
    ($key:literal, $zh:literal, $en:literal, [$($alias:literal),*], $req:expr, $kind:expr, $tpl:expr) => {
        Field { key: $key, header: $zh, header_en: $en, aliases: &[$($alias),*], required: $req, kind: $kind, in_template: $tpl, column: Column::Other }
    };
}

/// What a column of the estate sheet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// A field of the estate (its name, kind and whether it is required come from the domain).
    Estate(EstateField),
    /// The location, given as 经度, 纬度 and 坐标系 and converted to WGS-84 on reading.
    Longitude,
    Latitude,
    CoordinateSystem,
    /// A column of another sheet.
    Other,
}

/// Other headers seen in real sheets for each field of the estate sheet (the canonical header is
/// the field's Chinese name). A new field needs none.
const ESTATE_ALIASES: &[(EstateField, &[&str])] = &[
    (
        EstateField::Name,
        &["小区名", "名称", "小区（单栋楼）名称", "小区(楼栋)名称"],
    ),
    (
        EstateField::DivisionCode,
        &[
            "社区代码",
            "区划代码",
            "统计用区划代码",
            "所属社区代码",
            "社区区划代码",
            "所属社区（居委会）代码",
        ],
    ),
    (
        EstateField::Address,
        &["地址", "小区地址", "坐落", "小区坐落"],
    ),
    (
        EstateField::YearCompleted,
        &[
            "建成年代",
            "建成时间",
            "竣工年份",
            "竣工时间",
            "竣工验收时间",
            "建成年份年",
        ],
    ),
    (
        EstateField::BuildingCount,
        &[
            "栋数",
            "楼栋数量",
            "楼栋数栋",
            "楼栋数（栋）",
            "楼栋数幢",
            "幢数",
        ],
    ),
    (
        EstateField::Households,
        &["总户数", "居民户数", "户数户", "住户数"],
    ),
    (
        EstateField::FloorArea,
        &[
            "建筑面积",
            "总建筑面积",
            "总建筑面积（㎡）",
            "住宅建筑面积",
            "floor_area",
        ],
    ),
    (
        EstateField::PropertyType,
        &["房屋性质", "产权类型", "房屋产权性质"],
    ),
    (EstateField::UrbanVillage, &["城中村"]),
    (
        EstateField::MostlySelfBuilt,
        &["是否以自建房为主", "自建房为主"],
    ),
    (
        EstateField::ExpropriationOrRebuildPlanned,
        &[
            "是否列入征收计划",
            "是否列入拆除新建计划",
            "是否列入征收或拆除计划",
            "拟征收或拆除新建",
        ],
    ),
    (
        EstateField::WillingnessPct,
        &[
            "改造意愿",
            "居民改造意愿",
            "改造意愿比例",
            "居民改造意愿（%）",
            "同意改造比例",
        ],
    ),
    (EstateField::Code, &["小区代码", "小区编号"]),
    (
        EstateField::ManagementMode,
        &["物业管理模式", "管理方式", "物业管理方式"],
    ),
    (
        EstateField::LastRenovatedYear,
        &["上次改造年份", "已改造年份", "改造年份"],
    ),
    (EstateField::PlannedDemolitionYear, &["拆除计划年份"]),
    (
        EstateField::HistoricProtection,
        &["是否历史建筑", "是否历史文化街区", "历史文化保护"],
    ),
    (
        EstateField::IllegalStructures,
        &["违建数量", "违法建设（处）"],
    ),
    (
        EstateField::IllegalStructuresRemoved,
        &["已拆除违建数量", "已拆违数量"],
    ),
    (
        EstateField::InCityOrCountySeat,
        &["是否位于城市或县城（城关镇）", "是否在城市或县城"],
    ),
];

fn estate_aliases(f: EstateField) -> &'static [&'static str] {
    ESTATE_ALIASES
        .iter()
        .find(|(g, _)| *g == f)
        .map_or(&[], |(_, a)| a)
}

/// The fields the blank template shows first (the canonical survey); the other fields follow as
/// optional extras. A new field is an extra until it is named here.
const TEMPLATE_FIRST: &[EstateField] = &[
    EstateField::Name,
    EstateField::DivisionCode,
    EstateField::Address,
    EstateField::YearCompleted,
    EstateField::BuildingCount,
    EstateField::Households,
    EstateField::FloorArea,
    EstateField::PropertyType,
    EstateField::UrbanVillage,
    EstateField::MostlySelfBuilt,
    EstateField::ExpropriationOrRebuildPlanned,
    EstateField::WillingnessPct,
];

fn estate_field(f: EstateField) -> Field {
    Field {
        key: f.key(),
        header: f.label_zh(),
        header_en: f.label_en(),
        aliases: estate_aliases(f),
        required: f.required(),
        kind: match f.kind() {
            FieldKind::Text => Kind::Text,
            FieldKind::DivisionCode => Kind::DivisionCode,
            FieldKind::Count => Kind::Count,
            FieldKind::Area => Kind::Area,
            FieldKind::Year => Kind::Year,
            FieldKind::Percent => Kind::Percent,
            FieldKind::YesNo => Kind::YesNo,
            FieldKind::Choice(list) => Kind::Choice(list),
        },
        in_template: TEMPLATE_FIRST.contains(&f),
        column: Column::Estate(f),
    }
}

/// The estate sheet (小区摸底调查表): the fields of the template's canonical set, the location's
/// three columns, then every other field of an estate.
pub static ESTATE_FIELDS: LazyLock<Vec<Field>> = LazyLock::new(|| {
    let (first, rest): (Vec<_>, Vec<_>) = EstateField::ALL
        .iter()
        .map(|f| estate_field(*f))
        .partition(|f| f.in_template);
    let location = [
        field!(
            "longitude",
            "经度",
            "Longitude",
            ["lng", "lon", "longitude"],
            false,
            Kind::Longitude,
            true
        ),
        field!(
            "latitude",
            "纬度",
            "Latitude",
            ["lat", "latitude"],
            false,
            Kind::Latitude,
            true
        ),
        field!(
            "coordinate_system",
            "坐标系",
            "Coordinate system",
            ["坐标类型", "坐标系统"],
            false,
            Kind::Choice(COORDINATE_SYSTEMS),
            true
        ),
    ]
    .map(|f| Field {
        column: match f.key {
            "longitude" => Column::Longitude,
            "latitude" => Column::Latitude,
            _ => Column::CoordinateSystem,
        },
        ..f
    });
    first.into_iter().chain(location).chain(rest).collect()
});

/// The columns by which a line of the building or needs sheet names its estate: 小区编码, or
/// 行政区划代码 and 小区名称.
const ESTATE_CODE: Field = field!(
    "estate_code",
    "小区编码",
    "Estate code",
    ["小区代码", "小区编号"],
    false,
    Kind::Text,
    false
);
const ESTATE_DIVISION: Field = field!(
    "division_code",
    "行政区划代码",
    "Division code",
    ["社区代码", "区划代码", "统计用区划代码", "所属社区代码"],
    false,
    Kind::DivisionCode,
    true
);
const ESTATE_NAME: Field = field!(
    "estate_name",
    "小区名称",
    "Estate name",
    ["小区名", "所属小区"],
    false,
    Kind::Text,
    true
);

/// The needs sheet (改造需求表): one line per estate and catalogue item.
pub const NEED_FIELDS: &[Field] = &[
    ESTATE_CODE,
    ESTATE_DIVISION,
    ESTATE_NAME,
    field!(
        "item",
        "改造内容",
        "Item",
        [
            "改造项目",
            "改造内容名称",
            "项目名称",
            "改造内容代码",
            "项目代码"
        ],
        true,
        Kind::Text,
        true
    ),
    field!(
        "quantity",
        "数量",
        "Quantity",
        ["工程量", "改造数量", "需求数量"],
        true,
        Kind::Area,
        true
    ),
    field!(
        "in_list",
        "纳入改造清单",
        "On the renovation list",
        ["是否纳入改造清单", "是否实施", "纳入清单"],
        false,
        Kind::YesNo,
        true
    ),
    field!(
        "hazard",
        "存在安全隐患",
        "Safety hazard",
        ["是否存在安全隐患", "安全隐患", "有无安全隐患"],
        false,
        Kind::YesNo,
        true
    ),
    field!("note", "备注", "Note", ["说明"], false, Kind::Text, true),
];

/// The facilities sheet (服务设施表) of the life circles: one line per facility.
pub const FACILITY_FIELDS: &[Field] = &[
    field!(
        "kind",
        "设施类型",
        "Kind",
        ["类型", "设施类别", "类别"],
        true,
        Kind::Text,
        true
    ),
    field!("name", "设施名称", "Name", ["名称"], true, Kind::Text, true),
    field!(
        "division_code",
        "行政区划代码",
        "Division code",
        ["社区代码", "区划代码", "统计用区划代码", "所属社区代码"],
        true,
        Kind::DivisionCode,
        true
    ),
    field!(
        "longitude",
        "经度",
        "Longitude",
        ["lng", "lon", "longitude"],
        true,
        Kind::Longitude,
        true
    ),
    field!(
        "latitude",
        "纬度",
        "Latitude",
        ["lat", "latitude"],
        true,
        Kind::Latitude,
        true
    ),
    field!(
        "coordinate_system",
        "坐标系",
        "Coordinate system",
        ["坐标类型", "坐标系统"],
        false,
        Kind::Choice(COORDINATE_SYSTEMS),
        true
    ),
];

/// The building sheet (楼栋摸底调查表).
pub const BUILDING_FIELDS: &[Field] = &[
    ESTATE_CODE,
    ESTATE_DIVISION,
    ESTATE_NAME,
    field!(
        "number",
        "楼栋号",
        "Building number",
        ["楼号", "楼栋编号", "楼栋名称", "幢号", "栋号"],
        true,
        Kind::Text,
        true
    ),
    field!(
        "floors",
        "层数",
        "Floors",
        ["楼层数", "地上层数", "总层数"],
        false,
        Kind::Count,
        true
    ),
    field!(
        "stairway_units",
        "单元数",
        "Stairway units",
        ["楼梯单元数", "单元数量"],
        false,
        Kind::Count,
        true
    ),
    field!(
        "households",
        "户数",
        "Households",
        ["总户数", "住户数"],
        false,
        Kind::Count,
        true
    ),
    field!(
        "floor_area",
        "建筑面积（㎡）",
        "Floor area (m²)",
        ["建筑面积", "总建筑面积"],
        false,
        Kind::Area,
        true
    ),
    field!(
        "structure",
        "结构类型",
        "Structure",
        ["结构", "建筑结构", "房屋结构"],
        false,
        Kind::Text,
        true
    ),
    field!(
        "year_completed",
        "建成年份",
        "Year completed",
        ["建成年代", "建成时间", "竣工年份"],
        false,
        Kind::Year,
        true
    ),
    field!(
        "safety_grade",
        "安全等级",
        "Safety grade",
        ["房屋安全等级", "安全鉴定等级", "危房等级"],
        false,
        Kind::Choice(SAFETY_GRADES),
        true
    ),
    field!(
        "has_lift",
        "是否有电梯",
        "Lift",
        ["有无电梯", "电梯", "是否加装电梯"],
        false,
        Kind::YesNo,
        true
    ),
    field!(
        "to_be_demolished",
        "是否拟拆除",
        "To be demolished",
        ["拟拆除", "是否拆除", "是否计划拆除", "是否拆除楼栋"],
        false,
        Kind::YesNo,
        true
    ),
];

/// Finds fields by header key.
pub struct HeaderIndex {
    by_key: HashMap<String, usize>,
}

impl HeaderIndex {
    pub fn new(fields: &[Field]) -> Self {
        let mut by_key = HashMap::new();
        for (i, f) in fields.iter().enumerate() {
            by_key.insert(header_key(f.header), i);
            by_key.insert(header_key(f.header_en), i);
            by_key.insert(f.key.to_string(), i);
            for a in f.aliases {
                by_key.insert(header_key(a), i);
            }
        }
        HeaderIndex { by_key }
    }

    /// The field a header names, if any.
    pub fn find(&self, header: &str) -> Option<usize> {
        self.by_key.get(&header_key(header)).copied()
    }
}

/// The owner register (业主名册) of one estate: one line per exclusive part.
pub const REGISTER_FIELDS: &[Field] = &[
    field!(
        "building",
        "楼栋",
        "Building",
        ["楼栋号", "楼号", "幢号", "栋号", "幢"],
        true,
        Kind::Text,
        true
    ),
    field!("unit", "单元", "Unit", ["单元号"], false, Kind::Text, true),
    field!(
        "room",
        "房号",
        "Room",
        ["房间号", "室号", "户号", "门牌号"],
        true,
        Kind::Text,
        true
    ),
    field!(
        "registered_m2",
        "登记面积",
        "Registered area (m²)",
        ["产权面积", "不动产登记面积", "房产证面积", "登记建筑面积"],
        false,
        Kind::Area,
        true
    ),
    field!(
        "surveyed_m2",
        "测绘面积",
        "Surveyed area (m²)",
        ["实测面积", "测量面积"],
        false,
        Kind::Area,
        true
    ),
    field!(
        "contracted_m2",
        "合同面积",
        "Contracted area (m²)",
        ["预售面积", "合同建筑面积"],
        false,
        Kind::Area,
        true
    ),
    field!(
        "name",
        "业主姓名",
        "Owner",
        ["姓名", "业主", "权利人", "产权人"],
        false,
        Kind::Text,
        true
    ),
    field!(
        "id_number",
        "身份证号",
        "ID number",
        ["身份证号码", "证件号码", "公民身份号码"],
        false,
        Kind::Text,
        true
    ),
    field!(
        "phone",
        "联系电话",
        "Phone",
        ["电话", "手机号", "手机", "联系方式"],
        false,
        Kind::Text,
        true
    ),
    field!(
        "delivered",
        "已交付",
        "Delivered",
        ["是否交付", "已售", "是否已售"],
        false,
        Kind::YesNo,
        true
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_do_not_collide_within_a_sheet() {
        for fields in [&ESTATE_FIELDS[..], BUILDING_FIELDS] {
            let mut seen = HashMap::new();
            for (i, f) in fields.iter().enumerate() {
                for h in std::iter::once(f.header).chain(f.aliases.iter().copied()) {
                    if let Some(j) = seen.insert(header_key(h), i) {
                        assert_eq!(i, j, "header {h} names two fields");
                    }
                }
            }
        }
        let idx = HeaderIndex::new(&ESTATE_FIELDS);
        assert_eq!(idx.find("建筑面积(平方米)"), idx.find("建筑面积（㎡）"));
        assert!(idx.find("建筑面积（㎡）").is_some());
        assert_eq!(idx.find("序号"), None);
    }
}

//! The columns of the survey sheets (摸底调查表): canonical Chinese headers, their aliases and
//! what each takes. The alias list is documented in the README; add to it here.

use crate::normalize::header_key;
use std::collections::HashMap;

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

pub const PROPERTY_TYPES: &[&str] = &[
    "普通商品住宅",
    "公房",
    "房改房",
    "经济适用房",
    "两限商品房",
    "自住型商品房",
    "政策性租赁住房",
    "共有产权住房",
    "安置房",
    "单位自管房",
    "军队住房",
    "混合",
    "其他",
];
pub const MANAGEMENT_MODES: &[&str] = &[
    "专业化物业管理",
    "居民自治",
    "社区代管",
    "单位管理",
    "无人管理",
];
pub const COORDINATE_SYSTEMS: &[&str] = &["WGS84", "GCJ02", "BD09"];
pub const SAFETY_GRADES: &[&str] = &["A", "B", "C", "D"];
pub const YES_NO: &[&str] = &["是", "否"];

macro_rules! field {
    ($key:literal, $zh:literal, $en:literal, [$($alias:literal),*], $req:expr, $kind:expr, $tpl:expr) => {
        Field { key: $key, header: $zh, header_en: $en, aliases: &[$($alias),*], required: $req, kind: $kind, in_template: $tpl }
    };
}

/// The estate sheet (小区摸底调查表).
pub const ESTATE_FIELDS: &[Field] = &[
    field!(
        "name",
        "小区名称",
        "Estate name",
        ["小区名", "名称", "小区（单栋楼）名称", "小区(楼栋)名称"],
        true,
        Kind::Text,
        true
    ),
    field!(
        "division_code",
        "行政区划代码",
        "Division code",
        [
            "社区代码",
            "区划代码",
            "统计用区划代码",
            "所属社区代码",
            "社区区划代码",
            "所属社区（居委会）代码"
        ],
        true,
        Kind::DivisionCode,
        true
    ),
    field!(
        "address",
        "详细地址",
        "Address",
        ["地址", "小区地址", "坐落", "小区坐落"],
        false,
        Kind::Text,
        true
    ),
    field!(
        "year_completed",
        "建成年份",
        "Year completed",
        [
            "建成年代",
            "建成时间",
            "竣工年份",
            "竣工时间",
            "竣工验收时间",
            "建成年份年"
        ],
        true,
        Kind::Year,
        true
    ),
    field!(
        "building_count",
        "楼栋数",
        "Buildings",
        [
            "栋数",
            "楼栋数量",
            "楼栋数栋",
            "楼栋数（栋）",
            "楼栋数幢",
            "幢数"
        ],
        true,
        Kind::Count,
        true
    ),
    field!(
        "households",
        "户数",
        "Households",
        ["总户数", "居民户数", "户数户", "住户数"],
        true,
        Kind::Count,
        true
    ),
    field!(
        "floor_area",
        "建筑面积（㎡）",
        "Floor area (m²)",
        ["建筑面积", "总建筑面积", "总建筑面积（㎡）", "住宅建筑面积"],
        true,
        Kind::Area,
        true
    ),
    field!(
        "property_type",
        "产权性质",
        "Property type",
        ["房屋性质", "产权类型", "房屋产权性质"],
        false,
        Kind::Choice(PROPERTY_TYPES),
        true
    ),
    field!(
        "urban_village",
        "是否城中村",
        "Urban village",
        ["城中村"],
        false,
        Kind::YesNo,
        true
    ),
    field!(
        "mostly_self_built",
        "是否自建房为主",
        "Mostly self-built",
        ["是否以自建房为主", "自建房为主"],
        false,
        Kind::YesNo,
        true
    ),
    field!(
        "expropriation_or_rebuild_planned",
        "是否列入征收或拆除新建计划",
        "Planned for expropriation or rebuilding",
        [
            "是否列入征收计划",
            "是否列入拆除新建计划",
            "是否列入征收或拆除计划",
            "拟征收或拆除新建"
        ],
        false,
        Kind::YesNo,
        true
    ),
    field!(
        "willingness_pct",
        "改造意愿（%）",
        "Willingness (%)",
        [
            "改造意愿",
            "居民改造意愿",
            "改造意愿比例",
            "居民改造意愿（%）",
            "同意改造比例"
        ],
        false,
        Kind::Percent,
        true
    ),
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
    field!(
        "code",
        "小区编码",
        "Estate code",
        ["小区代码", "小区编号"],
        false,
        Kind::Text,
        false
    ),
    field!(
        "management_mode",
        "管理模式",
        "Management mode",
        ["物业管理模式", "管理方式", "物业管理方式"],
        false,
        Kind::Choice(MANAGEMENT_MODES),
        false
    ),
    field!(
        "last_renovated_year",
        "最近一次综合改造年份",
        "Last renovated (year)",
        ["上次改造年份", "已改造年份", "改造年份"],
        false,
        Kind::Year,
        false
    ),
    field!(
        "planned_demolition_year",
        "计划拆除年份",
        "Planned demolition (year)",
        ["拆除计划年份"],
        false,
        Kind::Year,
        false
    ),
    field!(
        "historic_protection",
        "是否历史文化街区或历史建筑",
        "Historic protection",
        ["是否历史建筑", "是否历史文化街区", "历史文化保护"],
        false,
        Kind::YesNo,
        false
    ),
    field!(
        "illegal_structures",
        "违法建设数量",
        "Illegal structures",
        ["违建数量", "违法建设（处）"],
        false,
        Kind::Count,
        false
    ),
    field!(
        "illegal_structures_removed",
        "已拆除违法建设数量",
        "Illegal structures removed",
        ["已拆除违建数量", "已拆违数量"],
        false,
        Kind::Count,
        false
    ),
    field!(
        "in_city_or_county_seat",
        "是否位于城市或县城",
        "In a city or county seat",
        ["是否位于城市或县城（城关镇）", "是否在城市或县城"],
        false,
        Kind::YesNo,
        false
    ),
];

/// The building sheet (楼栋摸底调查表).
pub const BUILDING_FIELDS: &[Field] = &[
    field!(
        "estate_code",
        "小区编码",
        "Estate code",
        ["小区代码", "小区编号"],
        false,
        Kind::Text,
        false
    ),
    field!(
        "division_code",
        "行政区划代码",
        "Division code",
        ["社区代码", "区划代码", "统计用区划代码", "所属社区代码"],
        false,
        Kind::DivisionCode,
        true
    ),
    field!(
        "estate_name",
        "小区名称",
        "Estate name",
        ["小区名", "所属小区"],
        false,
        Kind::Text,
        true
    ),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_do_not_collide_within_a_sheet() {
        for fields in [ESTATE_FIELDS, BUILDING_FIELDS] {
            let mut seen = HashMap::new();
            for (i, f) in fields.iter().enumerate() {
                for h in std::iter::once(f.header).chain(f.aliases.iter().copied()) {
                    if let Some(j) = seen.insert(header_key(h), i) {
                        assert_eq!(i, j, "header {h} names two fields");
                    }
                }
            }
        }
        let idx = HeaderIndex::new(ESTATE_FIELDS);
        assert_eq!(idx.find("建筑面积(平方米)"), idx.find("建筑面积（㎡）"));
        assert!(idx.find("建筑面积（㎡）").is_some());
        assert_eq!(idx.find("序号"), None);
    }
}

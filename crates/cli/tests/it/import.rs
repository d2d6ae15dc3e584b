//! Survey sheets as they really arrive: each messy form imports correctly; a bad cell stops the
//! whole import and is reported exactly.

use crate::support::*;
use anju_io::{parse_estates, read_grid, EstateRow};

fn all_known(_: &anju_domain::DivisionCode) -> bool {
    true
}

/// Writes `rows` to an .xlsx and parses it as an estate sheet.
fn parse(rows: &[Vec<C>], merges: &[(u32, u16, u32, u16, &str)]) -> anju_io::Parsed<EstateRow> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.xlsx");
    write_xlsx(&p, rows, merges);
    let whole = parse_estates(&read_grid(&p).unwrap(), &all_known, 2026).unwrap();
    // The streaming reader (used by `anju import`) must read exactly the same, in batches.
    let mut streamed = Vec::new();
    let summary =
        anju_io::stream::stream_estates(&p, &all_known, 2026, 1, |batch, _| streamed.extend(batch))
            .unwrap();
    assert_eq!(streamed, whole.rows);
    assert_eq!(summary.errors, whole.errors);
    assert_eq!(summary.warnings, whole.warnings);
    assert_eq!(summary.header_row, whole.header_row);
    whole
}

fn ok(rows: &[Vec<C>], merges: &[(u32, u16, u32, u16, &str)]) -> Vec<EstateRow> {
    let p = parse(rows, merges);
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    p.rows
}

#[test]
fn plain_sheet() {
    let rows = ok(
        &[
            estate_header(),
            estate_row("梅山小区", 1995.0, 12.0, 1008.0, 74592.5),
        ],
        &[],
    );
    assert_eq!(rows.len(), 1);
    let e = &rows[0].estate;
    assert_eq!(rows[0].row, 2);
    assert_eq!(
        (
            e.name.as_str(),
            e.year_completed,
            e.building_count,
            e.households
        ),
        ("梅山小区", Some(1995), 12, 1008)
    );
    assert_eq!(e.floor_area_centi_m2.centi_m2(), 7_459_250);
    assert_eq!(
        e.property_type,
        Some(anju_domain::PropertyType::ReformHousing)
    );
    assert_eq!(e.willingness_pct, Some(85.0));
}

#[test]
fn title_and_reporting_unit_rows_above_the_header() {
    let mut title = vec![S("合肥市蜀山区城镇老旧小区摸底调查表")];
    title.resize(15, E);
    let rows = ok(
        &[
            title,
            vec![
                S("填报单位（盖章）：三里庵街道"),
                E,
                E,
                E,
                S("填报日期：2026年3月"),
            ],
            vec![],
            estate_header(),
            estate_row("梅山小区", 1995.0, 12.0, 1008.0, 74592.5),
        ],
        &[(0, 0, 0, 14, "合肥市蜀山区城镇老旧小区摸底调查表")],
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].row, 5, "Excel's row number");
}

#[test]
fn two_row_header_with_merged_group_titles() {
    // Row 1: 基本信息 over A–C, 小区规模 over D–G, vertical merges for the rest; row 2: the names.
    let mut upper = vec![S("基本信息"), E, E, S("小区规模"), E, E, E];
    upper.extend(
        [
            "产权性质",
            "是否城中村",
            "是否自建房为主",
            "是否列入征收或拆除新建计划",
            "改造意愿（%）",
        ]
        .map(S),
    );
    upper.extend([S("坐标"), E, E]);
    let mut lower: Vec<C> = [
        "小区名称",
        "行政区划代码",
        "详细地址",
        "建成年份",
        "楼栋数",
        "户数",
        "建筑面积（㎡）",
    ]
    .map(S)
    .to_vec();
    lower.extend([E, E, E, E, E]);
    lower.extend(["经度", "纬度", "坐标系"].map(S));
    let rows = ok(
        &[
            upper,
            lower,
            estate_row("梅山小区", 1995.0, 12.0, 1008.0, 74592.5),
        ],
        &[
            (0, 0, 0, 2, "基本信息"),
            (0, 3, 0, 6, "小区规模"),
            (0, 7, 1, 7, "产权性质"),
            (0, 8, 1, 8, "是否城中村"),
            (0, 12, 0, 14, "坐标"),
        ],
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].estate.property_type,
        Some(anju_domain::PropertyType::ReformHousing)
    );
    assert_eq!(rows[0].row, 3);
}

#[test]
fn blank_rows_are_skipped() {
    let rows = ok(
        &[
            estate_header(),
            vec![],
            estate_row("甲小区", 1990.0, 1.0, 10.0, 700.0),
            vec![S("  "), S("\u{3000}")],
            vec![],
            estate_row("乙小区", 1991.0, 1.0, 10.0, 700.0),
        ],
        &[],
    );
    assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), vec![3, 6]);
}

#[test]
fn totals_row_and_notes_below_the_data() {
    let mut total = vec![S("合　计"), E, E, E, N(2.0), N(20.0), N(1400.0)];
    total.resize(15, E);
    let rows = ok(
        &[
            estate_header(),
            estate_row("甲小区", 1990.0, 1.0, 10.0, 700.0),
            estate_row("乙小区", 1991.0, 1.0, 10.0, 700.0),
            total,
            vec![S("注：1.建成年份以竣工验收时间为准；2.面积单位为平方米。")],
            vec![S("填表人：张三"), E, E, S("统计负责人：李四")],
        ],
        &[],
    );
    assert_eq!(rows.len(), 2);
}

#[test]
fn full_width_digits_and_punctuation() {
    let mut r = estate_row("梅山小区（一期）", 0.0, 0.0, 0.0, 0.0);
    r[1] = S("３４０１０４００１００１");
    r[3] = S("１９９５年");
    r[4] = S("１２");
    r[5] = S("１，００８");
    r[6] = S("７４５９２．５");
    r[11] = S("８５％");
    let rows = ok(&[estate_header(), r], &[]);
    let e = &rows[0].estate;
    assert_eq!(e.division_code.as_str(), "340104001001");
    assert_eq!(
        (
            e.year_completed,
            e.building_count,
            e.households,
            e.floor_area_centi_m2.centi_m2()
        ),
        (Some(1995), 12, 1008, 7_459_250)
    );
    assert_eq!(e.willingness_pct, Some(85.0));
    assert_eq!(
        e.name, "梅山小区（一期）",
        "Chinese punctuation is part of the name"
    );
}

#[test]
fn numbers_stored_as_text_with_thousands_separators_and_units() {
    let mut r = estate_row("梅山小区", 0.0, 0.0, 0.0, 0.0);
    r[3] = S("1995年");
    r[4] = S("12栋");
    r[5] = S("1,008户");
    r[6] = S("74,592.5㎡");
    r[12] = S("117.25°");
    r[13] = S("31.85");
    let rows = ok(&[estate_header(), r], &[]);
    let e = &rows[0].estate;
    assert_eq!(
        (
            e.year_completed,
            e.building_count,
            e.households,
            e.floor_area_centi_m2.centi_m2()
        ),
        (Some(1995), 12, 1008, 7_459_250)
    );
    assert_eq!(e.location.unwrap().lon, 117.25);
}

#[test]
fn yes_no_as_shi_fou_or_blank() {
    let mut a = estate_row("甲小区", 1990.0, 1.0, 10.0, 700.0);
    a[8] = S("是");
    a[9] = E;
    a[10] = S(" 否 ");
    let rows = ok(&[estate_header(), a], &[]);
    let e = &rows[0].estate;
    assert!(e.urban_village && !e.mostly_self_built && !e.expropriation_or_rebuild_planned);
}

#[test]
fn division_codes_typed_as_numbers() {
    let mut r = estate_row("梅山小区", 1995.0, 12.0, 1008.0, 74592.5);
    r[1] = N(340104001001.0);
    let rows = ok(&[estate_header(), r], &[]);
    assert_eq!(rows[0].estate.division_code.as_str(), "340104001001");
}

#[test]
fn stray_and_non_breaking_spaces() {
    let mut h = estate_header();
    h[0] = S(" 小区\u{00A0}名称 ");
    h[6] = S("建筑面积\n(平方米)");
    let mut r = estate_row("梅山小区", 1995.0, 12.0, 1008.0, 74592.5);
    r[0] = S("\u{00A0}梅山小区\u{3000}");
    r[1] = S(" 340104001001\u{00A0}");
    r[5] = S("1 008");
    let rows = ok(&[h, r], &[]);
    let e = &rows[0].estate;
    assert_eq!(e.name, "梅山小区");
    assert_eq!(e.division_code.as_str(), "340104001001");
    assert_eq!(e.households, 1008);
}

#[test]
fn coordinates_are_converted_to_wgs84() {
    let wgs = anju_domain::estate::Wgs84 {
        lon: 117.25,
        lat: 31.85,
    };
    let (gx, gy) = anju_io::coords::from_wgs84(wgs, anju_domain::CoordinateSystem::Gcj02);
    let mut r = estate_row("梅山小区", 1995.0, 12.0, 1008.0, 74592.5);
    r[12] = N(gx);
    r[13] = N(gy);
    r[14] = S("GCJ-02");
    let rows = ok(&[estate_header(), r], &[]);
    let p = rows[0].estate.location.unwrap();
    assert!(
        (p.lon - 117.25).abs() < 1e-5 && (p.lat - 31.85).abs() < 1e-5,
        "{p:?}"
    );
}

#[test]
fn csv_in_gb18030_as_excel_saves_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.csv");
    let text = "小区名称,行政区划代码,建成年份,楼栋数,户数,建筑面积（㎡）\n梅山小区,340104001001,1995年,12,\"1,008\",74592.5\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    std::fs::write(&p, &bytes).unwrap();
    let parsed = parse_estates(&read_grid(&p).unwrap(), &all_known, 2026).unwrap();
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.rows[0].estate.name, "梅山小区");
    assert_eq!(parsed.rows[0].estate.households, 1008);
}

#[test]
fn one_bad_cell_is_reported_exactly() {
    let mut bad = estate_row("乙小区", 1991.0, 1.0, 10.0, 700.0);
    bad[3] = S("九十年代");
    let p = parse(
        &[
            vec![S("摸底调查表")],
            estate_header(),
            estate_row("甲小区", 1990.0, 1.0, 10.0, 700.0),
            bad,
        ],
        &[],
    );
    assert_eq!(p.errors.len(), 1, "{:#?}", p.errors);
    let e = &p.errors[0];
    assert_eq!(
        (e.row, e.column, e.header.as_str(), e.value.as_str()),
        (4, Some(3), "建成年份", "九十年代")
    );
    assert!(e.expected.zh.contains("四位年份"));
    assert!(
        e.describe(anju_domain::Lang::Zh).contains("第4行（D4）"),
        "{}",
        e.describe(anju_domain::Lang::Zh)
    );
}

#[test]
fn missing_required_column_and_no_header_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.xlsx");
    write_xlsx(
        &p,
        &[
            vec![S("小区名称"), S("行政区划代码"), S("户数")],
            vec![S("甲"), S("340104001001"), N(1.0)],
        ],
        &[],
    );
    let e = parse_estates(&read_grid(&p).unwrap(), &all_known, 2026)
        .unwrap_err()
        .to_string();
    assert!(e.contains("缺少必填列") && e.contains("建成年份"), "{e}");
    write_xlsx(&p, &[vec![S("名单")], vec![S("张三")]], &[]);
    let e = parse_estates(&read_grid(&p).unwrap(), &all_known, 2026)
        .unwrap_err()
        .to_string();
    assert!(e.contains("找不到表头"), "{e}");
}

#[test]
fn duplicate_rows_and_unknown_divisions_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.xlsx");
    let mut other = estate_row("丙小区", 1990.0, 1.0, 10.0, 700.0);
    other[1] = S("340104001999");
    write_xlsx(
        &p,
        &[
            estate_header(),
            estate_row("甲小区", 1990.0, 1.0, 10.0, 700.0),
            estate_row("甲小区", 1990.0, 1.0, 10.0, 700.0),
            other,
        ],
        &[],
    );
    let parsed = parse_estates(
        &read_grid(&p).unwrap(),
        &|c| c.as_str() != "340104001999",
        2026,
    )
    .unwrap();
    let rows: Vec<u32> = parsed.errors.iter().map(|e| e.row).collect();
    assert_eq!(rows, vec![3, 4], "{:#?}", parsed.errors);
    assert!(parsed.errors[0].expected.zh.contains("第2行"));
    assert_eq!(parsed.errors[1].header, "行政区划代码");
}

#[test]
fn property_types_and_management_modes_in_the_words_offices_use() {
    use anju_domain::{ManagementMode as M, PropertyType as P};
    // (as written, the value it means): one or more per family of words.
    let property = [
        ("商品房", P::Commercial),
        ("商品住宅", P::Commercial),
        ("直管公房", P::PublicHousing),
        ("公产房", P::PublicHousing),
        ("自管公房", P::UnitManaged),
        ("单位产权房", P::UnitManaged),
        ("单位宿舍", P::UnitManaged),
        ("集资房", P::Fundraised),
        ("合作建房", P::Fundraised),
        ("回迁房", P::Resettlement),
        ("拆迁安置房", P::Resettlement),
        ("公租房", P::PolicyRental),
        ("廉租房", P::PolicyRental),
        ("经适房", P::Affordable),
        ("已购公房", P::ReformHousing),
        ("房改房", P::ReformHousing),
    ];
    let management = [
        "物业管理",
        "业主自治",
        "社区托管",
        "单位自管",
        "无物业",
        "专业化物业管理",
        "物业管理",
        "弃管",
        "社区管理",
        "居民自管",
        "无物业",
        "无管理",
        "物业公司管理",
        "社区代管",
        "单位管理",
        "无人管理",
    ];
    let mut header = estate_header();
    header.push(S("管理模式"));
    let mut sheet = vec![header];
    let names: Vec<&'static str> = (0..property.len())
        .map(|i| &*Box::leak(format!("测试{i}小区").into_boxed_str()))
        .collect();
    for (i, (word, _)) in property.iter().enumerate() {
        let mut row = estate_row(names[i], 1995.0, 3.0, 100.0, 7000.0);
        row[7] = S(word);
        row.push(S(management[i]));
        sheet.push(row);
    }
    let rows = ok(&sheet, &[]);
    for (i, (word, want)) in property.iter().enumerate() {
        let e = &rows[i].estate;
        assert_eq!(e.property_type, Some(*want), "{word}");
        // What the sheet said is kept beside the value it means, unless it is that value's name.
        let kept = (*word != want.label_zh()).then(|| word.to_string());
        assert_eq!(e.property_type_as_typed, kept, "{word}");
        let m = M::from_label(management[i]).unwrap();
        assert_eq!(e.management_mode, Some(m), "{}", management[i]);
        assert_eq!(
            e.management_mode_as_typed.is_some(),
            management[i] != m.label_zh()
        );
    }
    assert_eq!(
        [
            M::from_label("物业管理"),
            M::from_label("业主自治"),
            M::from_label("弃管")
        ],
        [Some(M::Professional), Some(M::SelfGoverned), Some(M::None)]
    );
}

#[test]
fn the_readme_lists_every_word_read_for_a_value() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let row = |canonical: &str| {
        readme
            .lines()
            .find(|l| l.starts_with(&format!("| {canonical} ")))
            .unwrap_or_else(|| panic!("README has no row for {canonical}"))
            .to_string()
    };
    for p in anju_domain::PropertyType::ALL {
        for a in p.aliases() {
            assert!(row(p.label_zh()).contains(a), "{a} for {}", p.label_zh());
        }
    }
    for m in anju_domain::ManagementMode::ALL {
        for a in m.aliases() {
            assert!(row(m.label_zh()).contains(a), "{a} for {}", m.label_zh());
        }
    }
    for s in anju_domain::StructureType::ALL {
        for a in s.aliases() {
            assert!(row(s.label_zh()).contains(a), "{a} for {}", s.label_zh());
        }
    }
    for g in anju_domain::SafetyGrade::ALL {
        for a in g.aliases() {
            assert!(row(g.label_zh()).contains(a), "{a} for {}", g.label_zh());
        }
    }
}

/// The findings of one kind (errors or warnings) as (row, header, start of the reason).
fn findings(list: &[anju_io::CellError]) -> Vec<(u32, String, String)> {
    list.iter()
        .map(|e| (e.row, e.header.clone(), e.expected.zh.clone()))
        .collect()
}

#[test]
fn an_unknown_descriptive_word_is_other_with_a_warning_and_the_row_is_imported() {
    use anju_domain::{ManagementMode as M, PropertyType as P};
    let mut header = estate_header();
    header.push(S("管理模式"));
    let mut row = estate_row("筒子楼小区", 1985.0, 2.0, 60.0, 3600.0);
    row[7] = S("筒子楼");
    row.push(S("楼长代管"));
    let p = parse(&[header, row], &[]);
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    let e = &p.rows[0].estate;
    assert_eq!(e.property_type, Some(P::Other));
    assert_eq!(e.property_type_as_typed.as_deref(), Some("筒子楼"));
    assert_eq!(e.management_mode, Some(M::Other));
    assert_eq!(e.management_mode_as_typed.as_deref(), Some("楼长代管"));
    assert_eq!(p.warnings.len(), 2, "{:#?}", p.warnings);
    let w = &p.warnings[0];
    assert_eq!(
        (w.row, w.column, w.header.as_str(), w.value.as_str()),
        (2, Some(7), "产权性质", "筒子楼")
    );
    assert_eq!(w.severity, anju_io::import::Severity::Warning);
    assert!(w.expected.zh.contains("其他"), "{}", w.expected.zh);
    assert!(w
        .describe(anju_domain::Lang::Zh)
        .contains("第2行（H2）“产权性质”：值“筒子楼”请核实"));
    assert_eq!(p.warnings[1].header, "管理模式");
}

#[test]
fn odd_numbers_are_warnings_and_the_rows_are_imported() {
    let p = parse(
        &[
            estate_header(),
            // 15 m² per household.
            estate_row("小户小区", 1990.0, 3.0, 100.0, 1500.0),
            // 350 m² per household.
            estate_row("大户小区", 1990.0, 3.0, 100.0, 35000.0),
            // 2.35 for a 235-household estate: typed in 万㎡.
            estate_row("万平小区", 1990.0, 5.0, 235.0, 2.35),
            // 700 households in 3 buildings.
            estate_row("高密小区", 1990.0, 3.0, 700.0, 49000.0),
            // Nothing odd: 70 m² per household, 33 per building.
            estate_row("寻常小区", 1990.0, 3.0, 100.0, 7000.0),
        ],
        &[],
    );
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    assert_eq!(p.rows.len(), 5);
    let w = findings(&p.warnings);
    assert_eq!(w.len(), 4, "{w:#?}");
    assert_eq!((w[0].0, w[0].1.as_str()), (2, "建筑面积（㎡）"));
    assert!(w[0].2.contains("20–300"), "{}", w[0].2);
    assert_eq!(w[1].0, 3);
    assert!(w[1].2.contains("20–300"), "{}", w[1].2);
    assert_eq!(w[2].0, 4);
    assert!(w[2].2.contains("万㎡"), "{}", w[2].2);
    assert_eq!((w[3].0, w[3].1.as_str()), (5, "户数"));
    assert!(w[3].2.contains("200"), "{}", w[3].2);
}

#[test]
fn years_after_the_assessment_year_and_past_demolition_plans_are_errors() {
    let mut header = estate_header();
    header.push(S("最近一次综合改造年份"));
    header.push(S("拆除计划年份"));
    let with = |name, built: f64, renovated: Option<f64>, demolition: Option<f64>| {
        let mut r = estate_row(name, built, 3.0, 100.0, 7000.0);
        r.push(renovated.map_or(E, N));
        r.push(demolition.map_or(E, N));
        r
    };
    let p = parse(
        &[
            header,
            with("未来小区", 2027.0, None, None),
            with("先改小区", 1990.0, Some(2027.0), None),
            with("早改小区", 1990.0, Some(1985.0), None),
            with("过期小区", 1990.0, None, Some(2025.0)),
            // The assessment year itself is allowed for all three.
            with("今年小区", 2026.0, Some(2026.0), Some(2026.0)),
        ],
        &[],
    );
    let e = findings(&p.errors);
    assert_eq!(e.len(), 4, "{e:#?}");
    assert_eq!((e[0].0, e[0].1.as_str()), (2, "建成年份"));
    assert!(e[0].2.contains("不晚于评估年份2026"), "{}", e[0].2);
    assert_eq!((e[1].0, e[1].1.as_str()), (3, "最近一次综合改造年份"));
    assert!(e[1].2.contains("不能在未来"), "{}", e[1].2);
    assert_eq!((e[2].0, e[2].1.as_str()), (4, "最近一次综合改造年份"));
    assert!(e[2].2.contains("不早于建成年份1990"), "{}", e[2].2);
    assert_eq!((e[3].0, e[3].1.as_str()), (5, "拆除计划年份"));
    assert!(e[3].2.contains("已过期"), "{}", e[3].2);
}

#[test]
fn an_estate_carries_a_neighbourhood_code_and_a_village_under_a_street_is_a_warning() {
    let at = |name, code: &'static str| {
        let mut r = estate_row(name, 1990.0, 3.0, 100.0, 7000.0);
        r[1] = S(code);
        r
    };
    let p = parse(
        &[
            estate_header(),
            at("街道码小区", "340104001000"),
            at("区县码小区", "340104000000"),
            at("村委小区", "340104001201"),
        ],
        &[],
    );
    let e = findings(&p.errors);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_eq!((e[0].0, e[0].1.as_str()), (2, "行政区划代码"));
    assert!(e[0].2.contains("社区（居委会）一级"), "{}", e[0].2);
    assert!(e[0].2.contains("街道（乡镇）"), "{}", e[0].2);
    assert_eq!(e[1].0, 3);
    assert!(e[1].2.contains("县（市、区）"), "{}", e[1].2);
    // Only the village committee's row is an estate, with its warning.
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.rows[0].estate.name, "村委小区");
    let w = findings(&p.warnings);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(w[0].2.contains("村委会"), "{}", w[0].2);
}

#[test]
fn percentages_read_the_same_in_xlsx_and_csv() {
    // 85, 85%, 0.85 as text, and 0.85 as a number (what a percent-formatted cell holds).
    let cells = [N(85.0), S("85%"), S("0.85"), N(0.85)];
    let mut sheet = vec![estate_header()];
    let names = ["甲小区", "乙小区", "丙小区", "丁小区"];
    for (i, c) in cells.into_iter().enumerate() {
        let mut r = estate_row(names[i], 1990.0, 3.0, 100.0, 7000.0);
        r[11] = c;
        sheet.push(r);
    }
    for r in ok(&sheet, &[]) {
        assert_eq!(r.estate.willingness_pct, Some(85.0), "{}", r.estate.name);
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.csv");
    std::fs::write(
        &p,
        "小区名称,行政区划代码,建成年份,楼栋数,户数,建筑面积（㎡）,改造意愿（%）\n\
         甲小区,340104001001,1990,3,100,7000,85\n\
         乙小区,340104001001,1990,3,100,7000,85%\n\
         丙小区,340104001001,1990,3,100,7000,0.85\n",
    )
    .unwrap();
    let parsed = parse_estates(&read_grid(&p).unwrap(), &all_known, 2026).unwrap();
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.rows.len(), 3);
    for r in &parsed.rows {
        assert_eq!(r.estate.willingness_pct, Some(85.0), "{}", r.estate.name);
    }
}

#[test]
fn structure_types_and_safety_grades_in_the_words_offices_use() {
    use anju_domain::{SafetyGrade as G, StructureType as T};
    let header = ["行政区划代码", "小区名称", "楼栋号", "结构类型", "安全等级"]
        .map(S)
        .to_vec();
    // (structure as written, the value it means, grade as written, the grade it means)
    let rows = [
        ("砖混结构", T::BrickConcrete, "A", G::A),
        ("混合结构", T::BrickConcrete, "B级", G::B),
        ("框架结构", T::Frame, "局部危房", G::C),
        ("剪力墙", T::ReinforcedConcrete, "整幢危房", G::D),
        ("钢筋混凝土", T::ReinforcedConcrete, "D级危房", G::D),
        ("砖木", T::BrickWood, "c", G::C),
        ("钢结构", T::Steel, "Ｂ", G::B),
    ];
    let numbers: Vec<&'static str> = (0..rows.len() + 1)
        .map(|i| &*Box::leak(format!("{}号楼", i + 1).into_boxed_str()))
        .collect();
    let mut sheet = vec![header];
    for (i, (s, _, g, _)) in rows.iter().enumerate() {
        sheet.push(vec![
            S("340104001001"),
            S("甲小区"),
            S(numbers[i]),
            S(s),
            S(g),
        ]);
    }
    // A word of no list: 其他, kept, and a warning; the row is still read.
    sheet.push(vec![
        S("340104001001"),
        S("甲小区"),
        S(numbers[rows.len()]),
        S("土坯房"),
        S("B"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.xlsx");
    write_xlsx(&p, &sheet, &[]);
    let parsed = anju_io::parse_buildings(&read_grid(&p).unwrap()).unwrap();
    assert!(parsed.errors.is_empty(), "{:#?}", parsed.errors);
    for (i, (s, t, g, grade)) in rows.iter().enumerate() {
        let b = &parsed.rows[i].building;
        assert_eq!(b.structure, Some(*t), "{s}");
        let kept = (*s != t.label_zh()).then(|| s.to_string());
        assert_eq!(b.structure_as_typed, kept, "{s}");
        assert_eq!(b.safety_grade, Some(*grade), "{g}");
    }
    let last = &parsed.rows[rows.len()].building;
    assert_eq!(last.structure, Some(T::Other));
    assert_eq!(last.structure_as_typed.as_deref(), Some("土坯房"));
    assert_eq!(parsed.warnings.len(), 1, "{:#?}", parsed.warnings);
    assert_eq!(parsed.warnings[0].header, "结构类型");
    assert_eq!(parsed.warnings[0].row, 9);
}

#[test]
fn a_missing_rule_column_leaves_its_rule_unsurveyed_and_a_blank_cell_means_no() {
    use anju_domain::estate::EstateField as F;
    // Without 是否城中村: every estate is unsurveyed for it; the sheet says so.
    let drop = |row: Vec<C>| -> Vec<C> {
        row.into_iter()
            .enumerate()
            .filter(|(i, _)| *i != 8)
            .map(|(_, c)| c)
            .collect()
    };
    let mut blank = estate_row("空白小区", 1990.0, 3.0, 100.0, 7000.0);
    blank[9] = E;
    let p = parse(
        &[
            drop(estate_header()),
            drop(estate_row("甲小区", 1990.0, 3.0, 100.0, 7000.0)),
            drop(blank),
        ],
        &[],
    );
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    assert_eq!(p.unsurveyed, vec![F::UrbanVillage]);
    for r in &p.rows {
        assert_eq!(
            r.estate.unsurveyed.iter().collect::<Vec<_>>(),
            vec![&F::UrbanVillage]
        );
    }
    // A blank cell of a present column is 否, as offices mean it.
    assert!(!p.rows[1].estate.mostly_self_built);
    // 待核实 written in a present column is the same as the column missing, for that row.
    let mut asked = estate_row("待查小区", 1990.0, 3.0, 100.0, 7000.0);
    asked[10] = S("待核实");
    let p = parse(&[estate_header(), asked], &[]);
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    assert!(p.unsurveyed.is_empty());
    assert_eq!(
        p.rows[0].estate.unsurveyed.iter().collect::<Vec<_>>(),
        vec![&F::ExpropriationOrRebuildPlanned]
    );
}

//! The works' own records (DOMAIN §8): supervision and quality inspections with their findings
//! and rectification (整改), the closed-water test (闭水试验, seed 方案3 §5), the joint acceptance
//! (联合竣工验收) and who took part in it, the monthly progress reports, and the documents and
//! photos kept as evidence.

use crate::i18n::Text;

keyed_enum! {
    /// What an inspection was.
    InspectionKind {
        Supervision => "supervision", "监督检查", "supervision";
        Quality => "quality", "质量检查", "quality check";
        Safety => "safety", "安全检查", "safety check";
        ClosedWaterTest => "closed_water_test", "闭水试验", "closed-water test";
        JointAcceptance => "joint_acceptance", "联合竣工验收", "joint acceptance";
    }
}

keyed_enum! {
    /// How grave a finding is.
    Severity {
        Minor => "minor", "一般", "minor";
        Major => "major", "较重", "major";
        Critical => "critical", "严重", "critical";
    }
}

keyed_enum! {
    /// Who took part in an inspection or the joint acceptance.
    ParticipantRole {
        ImplementingEntity => "implementing_entity", "实施主体", "implementing entity";
        Builder => "builder", "施工单位", "builder";
        Supervisor => "supervisor", "监理单位", "works supervisor";
        Designer => "designer", "设计单位", "designer";
        Department => "department", "行业主管部门", "department";
        Street => "street", "街道社区", "street and neighbourhood";
        Residents => "residents", "居民代表", "residents' representative";
        Utility => "utility", "专营单位", "utility company";
    }
}

keyed_enum! {
    /// Where a finding's rectification stands on a day.
    FindingState {
        Open => "open", "整改中", "being rectified";
        Overdue => "overdue", "逾期未整改", "rectification overdue";
        Closed => "closed", "已整改", "rectified";
    }
}

/// A finding's state on `on`: closed once its closure is recorded; overdue the day after its
/// rectification deadline.
pub fn finding_state(
    rectify_by: chrono::NaiveDate,
    closed_on: Option<chrono::NaiveDate>,
    on: chrono::NaiveDate,
) -> FindingState {
    match closed_on {
        Some(_) => FindingState::Closed,
        None if on > rectify_by => FindingState::Overdue,
        None => FindingState::Open,
    }
}

/// What the acceptance gates read from the inspections, oldest first as `(kind, passed,
/// residents took part)`: the latest closed-water test passed; the latest joint acceptance passed
/// and had residents' representatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AcceptanceRecord {
    pub closed_water_test_passed: bool,
    pub acceptance_passed: bool,
    pub residents_in_acceptance: bool,
}

impl AcceptanceRecord {
    pub fn of(inspections: &[(InspectionKind, Option<bool>, bool)]) -> AcceptanceRecord {
        let latest = |k: InspectionKind| inspections.iter().rev().find(|i| i.0 == k);
        let cwt = latest(InspectionKind::ClosedWaterTest);
        let ja = latest(InspectionKind::JointAcceptance);
        AcceptanceRecord {
            closed_water_test_passed: cwt.is_some_and(|i| i.1 == Some(true)),
            acceptance_passed: ja.is_some_and(|i| i.1 == Some(true)),
            residents_in_acceptance: ja.is_some_and(|i| i.2),
        }
    }
}

keyed_enum! {
    /// What a stored document is.
    DocumentKind {
        Photo => "photo", "现场照片", "site photo";
        Drawing => "drawing", "设计图纸", "drawing";
        Estimate => "estimate", "概算文件", "estimate";
        Contract => "contract", "合同", "contract";
        Approval => "approval", "批复文件", "approval";
        Inspection => "inspection", "检查记录", "inspection record";
        Acceptance => "acceptance", "验收资料", "acceptance record";
        Other => "other", "其他", "other";
    }
}

keyed_enum! {
    /// A file type anju keeps, recognised by the file's first bytes (never by its name alone).
    FileType {
        Jpeg => "image/jpeg", "JPEG图片", "JPEG image";
        Png => "image/png", "PNG图片", "PNG image";
        Pdf => "application/pdf", "PDF文档", "PDF document";
        Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word文档", "Word document";
        Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel表格", "Excel workbook";
    }
}

impl FileType {
    pub fn is_image(self) -> bool {
        matches!(self, FileType::Jpeg | FileType::Png)
    }
}

/// The type of a file from its first bytes; an Office file (a zip) is told apart by its name's
/// ending. `None`: a type anju does not keep (an executable, a script, an unknown format).
pub fn sniff(bytes: &[u8], filename: &str) -> Option<FileType> {
    let lower = filename.to_lowercase();
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileType::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileType::Png)
    } else if bytes.starts_with(b"%PDF-") {
        Some(FileType::Pdf)
    } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".docx") {
        Some(FileType::Docx)
    } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".xlsx") {
        Some(FileType::Xlsx)
    } else {
        None
    }
}

/// Why a file is refused, or `Ok` with its type: a photo must be an image, and no file may be
/// larger than `max_bytes`.
pub fn check_document(
    kind: DocumentKind,
    bytes: &[u8],
    filename: &str,
    max_bytes: u64,
) -> Result<FileType, Text> {
    if bytes.is_empty() {
        return Err(Text::new("文件为空", "the file is empty"));
    }
    if bytes.len() as u64 > max_bytes {
        return Err(Text::new(
            format!(
                "文件{:.1} MB，超过上限{:.1} MB",
                bytes.len() as f64 / 1e6,
                max_bytes as f64 / 1e6
            ),
            format!(
                "the file is {:.1} MB, over the limit of {:.1} MB",
                bytes.len() as f64 / 1e6,
                max_bytes as f64 / 1e6
            ),
        ));
    }
    let Some(t) = sniff(bytes, filename) else {
        return Err(Text::new(
            "只接受JPEG、PNG、PDF、Word（.docx）和Excel（.xlsx）文件",
            "only JPEG, PNG, PDF, Word (.docx) and Excel (.xlsx) files are kept",
        ));
    };
    if kind == DocumentKind::Photo && !t.is_image() {
        return Err(Text::new(
            format!("现场照片应为JPEG或PNG图片，实为{}", t.label().zh),
            format!(
                "a site photo must be a JPEG or PNG image, not a {}",
                t.label().en
            ),
        ));
    }
    Ok(t)
}

/// The documents' numbers (`[documents]` of the policy).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentPolicy {
    /// The largest file kept, in MB (10⁶ bytes).
    pub max_mb: f64,
}

impl DocumentPolicy {
    pub fn max_bytes(&self) -> u64 {
        (self.max_mb * 1e6) as u64
    }

    pub fn check(&self) -> Result<(), String> {
        if !(self.max_mb > 0.0 && self.max_mb <= 1000.0) {
            return Err(format!(
                "[documents] max_mb 应在0–1000之间 / must be over 0 and at most 1000, got {}",
                self.max_mb
            ));
        }
        Ok(())
    }
}

/// One item's physical progress in a monthly report.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ItemProgress {
    /// The catalogue item's code (or the builder's own name for a part of the works).
    pub item: String,
    pub pct: u32,
}

/// A monthly report's overall progress: as given, else the mean of its items' (rounded down).
pub fn overall_progress(given: Option<u32>, items: &[ItemProgress]) -> Option<u32> {
    given.or_else(|| {
        (!items.is_empty()).then(|| items.iter().map(|i| i.pct).sum::<u32>() / items.len() as u32)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_finding_is_overdue_the_day_after_its_deadline_until_closed() {
        let by = d("2026-07-10");
        assert_eq!(finding_state(by, None, d("2026-07-10")), FindingState::Open);
        assert_eq!(
            finding_state(by, None, d("2026-07-11")),
            FindingState::Overdue
        );
        assert_eq!(
            finding_state(by, Some(d("2026-07-20")), d("2026-07-21")),
            FindingState::Closed
        );
    }

    #[test]
    fn the_latest_test_and_acceptance_count() {
        use InspectionKind::*;
        let failed_then_passed = [
            (ClosedWaterTest, Some(false), false),
            (ClosedWaterTest, Some(true), false),
            (JointAcceptance, Some(true), true),
        ];
        let r = AcceptanceRecord::of(&failed_then_passed);
        assert!(r.closed_water_test_passed && r.acceptance_passed && r.residents_in_acceptance);
        let passed_then_failed = [
            (ClosedWaterTest, Some(true), false),
            (ClosedWaterTest, Some(false), false),
            (JointAcceptance, Some(true), false),
        ];
        let r = AcceptanceRecord::of(&passed_then_failed);
        assert!(!r.closed_water_test_passed);
        assert!(r.acceptance_passed && !r.residents_in_acceptance);
        assert_eq!(AcceptanceRecord::of(&[]), AcceptanceRecord::default());
    }

    #[test]
    fn files_are_known_by_their_bytes() {
        let max = 1_000;
        assert_eq!(
            check_document(DocumentKind::Photo, b"\xFF\xD8\xFF\xE0rest", "a.jpg", max),
            Ok(FileType::Jpeg)
        );
        // A PDF named .jpg is a PDF, and not a photo.
        assert!(check_document(DocumentKind::Photo, b"%PDF-1.7", "a.jpg", max).is_err());
        assert_eq!(
            check_document(DocumentKind::Contract, b"%PDF-1.7", "a.jpg", max),
            Ok(FileType::Pdf)
        );
        // A script named .pdf is refused.
        assert!(check_document(DocumentKind::Other, b"#!/bin/sh", "x.pdf", max).is_err());
        assert!(check_document(DocumentKind::Other, b"", "x.pdf", max).is_err());
        assert!(check_document(DocumentKind::Other, &[b'%'; 1_001], "x.pdf", max).is_err());
        let mut at_limit = b"%PDF-".to_vec();
        at_limit.resize(1_000, b' ');
        assert!(check_document(DocumentKind::Other, &at_limit, "x.pdf", max).is_ok());
    }

    #[test]
    fn overall_progress_is_given_or_the_items_mean() {
        let items = [
            ItemProgress {
                item: "roof".into(),
                pct: 100,
            },
            ItemProgress {
                item: "drainage".into(),
                pct: 51,
            },
        ];
        assert_eq!(overall_progress(None, &items), Some(75));
        assert_eq!(overall_progress(Some(60), &items), Some(60));
        assert_eq!(overall_progress(None, &[]), None);
    }
}

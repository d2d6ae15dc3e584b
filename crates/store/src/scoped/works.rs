//! The works' records of a project through the scoped door (DOMAIN §8): monthly progress
//! reports, documents and photos (kept with their hash; a new upload of a name is its next
//! version and the old ones stay), inspections with their findings and rectification, the
//! closed-water test and the joint acceptance with who took part. Each is audited.

use super::Scoped;
use crate::audit::{audit_one, WriteCtx};
use crate::entity::{document, finding, inspection, progress_report, project};
use crate::{Result, StoreError};
use anju_domain::quantity::Money;
use anju_domain::works::{
    check_document, finding_state, overall_progress, DocumentKind, FindingState, InspectionKind,
    ItemProgress, ParticipantRole, Severity,
};
use chrono::NaiveDate;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A monthly report as given.
#[derive(Debug, Clone)]
pub struct ProgressInput {
    /// YYYY-MM
    pub month: String,
    /// The overall physical progress (%); the items' mean when absent.
    pub progress_pct: Option<u32>,
    /// The investment completed to date.
    pub invested: Money,
    pub items: Vec<ItemProgress>,
    pub note: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ProgressReport {
    pub id: i64,
    pub project_id: i64,
    pub month: String,
    pub progress_pct: i32,
    pub invested: Money,
    pub items: Vec<ItemProgress>,
    pub note: String,
    pub actor: String,
}

fn report_of(m: progress_report::Model) -> ProgressReport {
    ProgressReport {
        items: m
            .items
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default(),
        id: m.id,
        project_id: m.project_id,
        month: m.month,
        progress_pct: m.progress_pct,
        invested: Money::from_fen(m.invested_fen),
        note: m.note,
        actor: m.actor,
    }
}

/// A stored document without its bytes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DocumentMeta {
    pub id: i64,
    pub project_id: i64,
    pub kind: DocumentKind,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub version: i32,
    pub caption: String,
    pub actor: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn meta_of(m: &document::Model) -> DocumentMeta {
    DocumentMeta {
        id: m.id,
        project_id: m.project_id,
        kind: DocumentKind::from_key(&m.kind).unwrap_or(DocumentKind::Other),
        filename: m.filename.clone(),
        content_type: m.content_type.clone(),
        size_bytes: m.size_bytes,
        sha256: m.sha256.clone(),
        version: m.version,
        caption: m.caption.clone(),
        actor: m.actor.clone(),
        created_at: m.created_at,
    }
}

/// Who took part in an inspection or the joint acceptance.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub role: ParticipantRole,
    /// The unit (company, department, neighbourhood).
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub name: String,
}

/// A finding as given.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingInput {
    pub description: String,
    pub severity: Severity,
    /// YYYY-MM-DD
    pub rectify_by: String,
}

/// An inspection as given.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionInput {
    pub kind: InspectionKind,
    /// YYYY-MM-DD
    pub date: String,
    pub inspector: String,
    /// The closed-water test's or the joint acceptance's conclusion.
    #[serde(default)]
    pub passed: Option<bool>,
    #[serde(default)]
    pub participants: Vec<Participant>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub findings: Vec<FindingInput>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FindingView {
    pub id: i64,
    pub inspection_id: i64,
    pub project_id: i64,
    pub description: String,
    pub severity: Severity,
    pub rectify_by: String,
    pub closed_on: Option<String>,
    pub closure: Option<String>,
    /// On the day asked.
    pub state: FindingState,
}

fn finding_of(m: finding::Model, on: NaiveDate) -> FindingView {
    let state = match day(&m.rectify_by) {
        Some(by) => finding_state(by, m.closed_on.as_deref().and_then(day), on),
        None => FindingState::Open,
    };
    FindingView {
        id: m.id,
        inspection_id: m.inspection_id,
        project_id: m.project_id,
        severity: Severity::from_key(&m.severity).unwrap_or(Severity::Minor),
        description: m.description,
        rectify_by: m.rectify_by,
        closed_on: m.closed_on,
        closure: m.closure,
        state,
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct InspectionView {
    pub id: i64,
    pub project_id: i64,
    pub kind: InspectionKind,
    pub date: String,
    pub inspector: String,
    pub passed: Option<bool>,
    pub participants: Vec<Participant>,
    pub note: String,
    pub findings: Vec<FindingView>,
}

fn participants_of(m: &inspection::Model) -> Vec<Participant> {
    m.participants
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default()
}

/// The inspections the acceptance gates read: `(kind, passed, residents took part)`, oldest first.
pub(super) fn acceptance_inputs(
    rows: &[inspection::Model],
) -> Vec<(InspectionKind, Option<bool>, bool)> {
    rows.iter()
        .filter_map(|m| {
            let kind = InspectionKind::from_key(&m.kind)?;
            let residents = participants_of(m)
                .iter()
                .any(|p| p.role == ParticipantRole::Residents);
            Some((kind, m.passed, residents))
        })
        .collect()
}

fn invalid(zh: impl std::fmt::Display, en: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("{zh} / {en}"))
}

impl Scoped {
    /// Records a project's report for a month (a second report of the month replaces the first,
    /// audited with both); the project's progress becomes its latest month's.
    pub async fn report_progress(
        &self,
        id: i64,
        input: &ProgressInput,
        ctx: &WriteCtx,
    ) -> Result<ProgressReport> {
        let (p, _) = self.project_in_scope(id).await?;
        let month_ok = input.month.len() == 7
            && day(&format!("{}-01", input.month)).is_some()
            && input.month.as_bytes()[4] == b'-';
        if !month_ok {
            return Err(invalid(
                format!("月份应为 YYYY-MM，实为“{}”", input.month),
                format!("the month must be YYYY-MM, got {:?}", input.month),
            ));
        }
        if let Some(bad) = input.items.iter().find(|i| i.pct > 100) {
            return Err(invalid(
                format!("{}的进度{}%超过100%", bad.item, bad.pct),
                format!("{}: progress {} % is over 100 %", bad.item, bad.pct),
            ));
        }
        let Some(pct) = overall_progress(input.progress_pct, &input.items) else {
            return Err(invalid(
                "请填写总体形象进度或各项进度",
                "give the overall progress or the items' progress",
            ));
        };
        if pct > 100 {
            return Err(invalid(
                format!("形象进度{pct}%超过100%"),
                format!("progress {pct} % is over 100 %"),
            ));
        }
        if input.invested.fen() < 0 {
            return Err(invalid(
                "完成投资不能为负",
                "the investment must not be negative",
            ));
        }
        let items = serde_json::to_string(&input.items).expect("plain data");
        let txn = self.store.begin_write().await?;
        let before = progress_report::Entity::find()
            .filter(progress_report::Column::ProjectId.eq(id))
            .filter(progress_report::Column::Month.eq(&input.month))
            .one(&txn)
            .await?;
        let row = progress_report::ActiveModel {
            id: before.as_ref().map_or(NotSet, |b| Set(b.id)),
            project_id: Set(id),
            month: Set(input.month.clone()),
            progress_pct: Set(pct as i32),
            invested_fen: Set(input.invested.fen()),
            items: Set(Some(items)),
            note: Set(input.note.trim().to_string()),
            actor: Set(ctx.actor.clone()),
            created_at: Set(chrono::Utc::now()),
        };
        let saved = if before.is_some() {
            progress_report::Entity::update(row).exec(&txn).await?
        } else {
            let rid = progress_report::Entity::insert(row)
                .exec(&txn)
                .await?
                .last_insert_id;
            progress_report::Entity::find_by_id(rid)
                .one(&txn)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("report {rid}")))?
        };
        // The project's progress is its latest month's.
        let latest = progress_report::Entity::find()
            .filter(progress_report::Column::ProjectId.eq(id))
            .order_by_desc(progress_report::Column::Month)
            .limit(1)
            .one(&txn)
            .await?
            .map_or(pct as i32, |r| r.progress_pct);
        project::Entity::update_many()
            .col_expr(
                project::Column::ProgressPct,
                sea_orm::sea_query::Expr::value(latest),
            )
            .filter(project::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let mut audit = crate::audit::AuditBatch::new(ctx);
        audit.push(
            "report",
            "progress_report",
            saved.id,
            Some(&p.division_code),
            before.map(|b| format!("{} {}% {}", b.month, b.progress_pct, b.invested_fen)),
            Some(format!(
                "{} {}% {}",
                saved.month, saved.progress_pct, saved.invested_fen
            )),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(report_of(saved))
    }

    /// A project's monthly reports, oldest first.
    pub async fn progress_reports(&self, id: i64) -> Result<Vec<ProgressReport>> {
        self.project_in_scope(id).await?;
        Ok(progress_report::Entity::find()
            .filter(progress_report::Column::ProjectId.eq(id))
            .order_by_asc(progress_report::Column::Month)
            .all(&self.store.db)
            .await?
            .into_iter()
            .map(report_of)
            .collect())
    }

    /// Keeps a document or photo of a project: its type is read from its bytes, its size
    /// checked against the `[documents]` limit of the policy in force where the project is, its
    /// SHA-256 stored. A file of a name already kept becomes
    /// that name's next version; no version is ever replaced.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_document(
        &self,
        id: i64,
        kind: DocumentKind,
        filename: &str,
        caption: &str,
        bytes: &[u8],
        a: &crate::assess::Assessor,
        ctx: &WriteCtx,
    ) -> Result<DocumentMeta> {
        let (p, _) = self.project_in_scope(id).await?;
        let max_bytes = a.policy_at(&p.division_code).documents.max_bytes();
        let filename = filename
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        if filename.is_empty() {
            return Err(invalid("缺少文件名", "the file has no name"));
        }
        let file_type = check_document(kind, bytes, &filename, max_bytes).map_err(|why| {
            invalid(
                format!("{filename}：{}", why.zh),
                format!("{filename}: {}", why.en),
            )
        })?;
        let sha = hex::encode(Sha256::digest(bytes));
        let txn = self.store.begin_write().await?;
        let last = document::Entity::find()
            .filter(document::Column::ProjectId.eq(id))
            .filter(document::Column::Filename.eq(&filename))
            .order_by_desc(document::Column::Version)
            .limit(1)
            .one(&txn)
            .await?;
        let version = last.map_or(1, |l| l.version + 1);
        let now = chrono::Utc::now();
        let doc_id = document::Entity::insert(document::ActiveModel {
            id: NotSet,
            project_id: Set(id),
            kind: Set(kind.key().into()),
            filename: Set(filename.clone()),
            content_type: Set(file_type.key().into()),
            size_bytes: Set(bytes.len() as i64),
            sha256: Set(sha.clone()),
            bytes: Set(bytes.to_vec()),
            version: Set(version),
            caption: Set(caption.trim().to_string()),
            actor: Set(ctx.actor.clone()),
            created_at: Set(now),
        })
        .exec(&txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => StoreError::Conflict(
                "同名文件正被同时上传，请重试 / the same name is being uploaded at once: retry"
                    .into(),
            ),
            _ => e.into(),
        })?
        .last_insert_id;
        audit_one(
            &txn,
            ctx,
            "upload",
            "document",
            doc_id,
            &p.division_code,
            Some(format!("{filename} v{version} {sha}")),
        )
        .await?;
        txn.commit().await?;
        Ok(DocumentMeta {
            id: doc_id,
            project_id: id,
            kind,
            filename,
            content_type: file_type.key().into(),
            size_bytes: bytes.len() as i64,
            sha256: sha,
            version,
            caption: caption.trim().to_string(),
            actor: ctx.actor.clone(),
            created_at: now,
        })
    }

    /// A project's documents, every version, newest first.
    pub async fn documents(&self, id: i64) -> Result<Vec<DocumentMeta>> {
        self.project_in_scope(id).await?;
        let rows = document::Entity::find()
            .select_only()
            .columns([
                document::Column::Id,
                document::Column::ProjectId,
                document::Column::Kind,
                document::Column::Filename,
                document::Column::ContentType,
                document::Column::SizeBytes,
                document::Column::Sha256,
                document::Column::Version,
                document::Column::Caption,
                document::Column::Actor,
                document::Column::CreatedAt,
            ])
            .filter(document::Column::ProjectId.eq(id))
            .order_by_desc(document::Column::Id)
            .into_tuple::<(
                i64,
                i64,
                String,
                String,
                String,
                i64,
                String,
                i32,
                String,
                String,
                chrono::DateTime<chrono::Utc>,
            )>()
            .all(&self.store.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| DocumentMeta {
                id: r.0,
                project_id: r.1,
                kind: DocumentKind::from_key(&r.2).unwrap_or(DocumentKind::Other),
                filename: r.3,
                content_type: r.4,
                size_bytes: r.5,
                sha256: r.6,
                version: r.7,
                caption: r.8,
                actor: r.9,
                created_at: r.10,
            })
            .collect())
    }

    /// One document of the scope with its bytes.
    pub async fn document(&self, doc_id: i64) -> Result<(DocumentMeta, Vec<u8>)> {
        let m = document::Entity::find_by_id(doc_id)
            .one(&self.store.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("document {doc_id}")))?;
        self.project_in_scope(m.project_id).await?;
        Ok((meta_of(&m), m.bytes))
    }

    /// Records an inspection with its findings, in one transaction. The closed-water test and
    /// the joint acceptance need their conclusion; the joint acceptance its participants.
    pub async fn record_inspection(
        &self,
        id: i64,
        input: &InspectionInput,
        ctx: &WriteCtx,
    ) -> Result<InspectionView> {
        let (p, _) = self.project_in_scope(id).await?;
        let Some(on) = day(input.date.trim()) else {
            return Err(invalid(
                format!("检查日期应为 YYYY-MM-DD，实为“{}”", input.date),
                format!("the date must be YYYY-MM-DD, got {:?}", input.date),
            ));
        };
        if input.inspector.trim().is_empty() {
            return Err(invalid("缺少检查单位", "the inspecting unit is missing"));
        }
        let concluded = matches!(
            input.kind,
            InspectionKind::ClosedWaterTest | InspectionKind::JointAcceptance
        );
        if concluded && input.passed.is_none() {
            return Err(invalid(
                format!("{}须填写是否合格（passed）", input.kind.label().zh),
                format!("a {} needs its conclusion (passed)", input.kind.label().en),
            ));
        }
        if input.kind == InspectionKind::JointAcceptance && input.participants.is_empty() {
            return Err(invalid(
                "联合竣工验收须列明参加单位和人员",
                "a joint acceptance lists who took part",
            ));
        }
        for (i, f) in input.findings.iter().enumerate() {
            let n = i + 1;
            if f.description.trim().is_empty() {
                return Err(invalid(
                    format!("第{n}项问题缺少描述"),
                    format!("finding {n} has no description"),
                ));
            }
            match day(f.rectify_by.trim()) {
                Some(by) if by >= on => {}
                Some(_) => {
                    return Err(invalid(
                        format!("第{n}项问题的整改期限早于检查日期"),
                        format!("finding {n}: the rectification deadline is before the inspection"),
                    ))
                }
                None => {
                    return Err(invalid(
                        format!(
                            "第{n}项问题的整改期限应为 YYYY-MM-DD，实为“{}”",
                            f.rectify_by
                        ),
                        format!(
                            "finding {n}: the deadline must be YYYY-MM-DD, got {:?}",
                            f.rectify_by
                        ),
                    ))
                }
            }
        }
        let txn = self.store.begin_write().await?;
        let iid = inspection::Entity::insert(inspection::ActiveModel {
            id: NotSet,
            project_id: Set(id),
            kind: Set(input.kind.key().into()),
            on_date: Set(on.to_string()),
            inspector: Set(input.inspector.trim().to_string()),
            passed: Set(input.passed),
            participants: Set(Some(
                serde_json::to_string(&input.participants).expect("plain data"),
            )),
            note: Set(input.note.trim().to_string()),
            actor: Set(ctx.actor.clone()),
            created_at: Set(chrono::Utc::now()),
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        for f in &input.findings {
            finding::Entity::insert(finding::ActiveModel {
                id: NotSet,
                inspection_id: Set(iid),
                project_id: Set(id),
                description: Set(f.description.trim().to_string()),
                severity: Set(f.severity.key().into()),
                rectify_by: Set(f.rectify_by.trim().to_string()),
                closed_on: Set(None),
                closure: Set(None),
            })
            .exec_without_returning(&txn)
            .await?;
        }
        audit_one(
            &txn,
            ctx,
            "inspect",
            "inspection",
            iid,
            &p.division_code,
            Some(format!(
                "{} {} passed={:?} findings={}",
                input.kind.key(),
                on,
                input.passed,
                input.findings.len()
            )),
        )
        .await?;
        txn.commit().await?;
        let today = super::today_in_china();
        self.inspections(id, today)
            .await?
            .into_iter()
            .find(|i| i.id == iid)
            .ok_or_else(|| StoreError::NotFound(format!("inspection {iid}")))
    }

    /// A project's inspections with their findings as they stand on `on`, oldest first.
    pub async fn inspections(&self, id: i64, on: NaiveDate) -> Result<Vec<InspectionView>> {
        self.project_in_scope(id).await?;
        let db = &self.store.db;
        let mut findings: std::collections::HashMap<i64, Vec<FindingView>> = Default::default();
        for f in finding::Entity::find()
            .filter(finding::Column::ProjectId.eq(id))
            .order_by_asc(finding::Column::Id)
            .all(db)
            .await?
        {
            findings
                .entry(f.inspection_id)
                .or_default()
                .push(finding_of(f, on));
        }
        Ok(inspection::Entity::find()
            .filter(inspection::Column::ProjectId.eq(id))
            .order_by_asc(inspection::Column::OnDate)
            .order_by_asc(inspection::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|m| InspectionView {
                participants: participants_of(&m),
                findings: findings.remove(&m.id).unwrap_or_default(),
                id: m.id,
                project_id: m.project_id,
                kind: InspectionKind::from_key(&m.kind).unwrap_or(InspectionKind::Supervision),
                date: m.on_date,
                inspector: m.inspector,
                passed: m.passed,
                note: m.note,
            })
            .collect())
    }

    /// A finding of the scope as it stands on `on`.
    pub async fn finding(&self, finding_id: i64, on: NaiveDate) -> Result<FindingView> {
        let f = finding::Entity::find_by_id(finding_id)
            .one(&self.store.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("finding {finding_id}")))?;
        self.project_in_scope(f.project_id).await?;
        Ok(finding_of(f, on))
    }

    /// Closes a finding: its rectification done on `on`, with what was done. Closing it twice
    /// is refused.
    pub async fn close_finding(
        &self,
        finding_id: i64,
        on: NaiveDate,
        closure: &str,
        ctx: &WriteCtx,
    ) -> Result<FindingView> {
        let f = finding::Entity::find_by_id(finding_id)
            .one(&self.store.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("finding {finding_id}")))?;
        let (p, _) = self.project_in_scope(f.project_id).await?;
        if closure.trim().is_empty() {
            return Err(invalid("请说明整改情况", "say how it was rectified"));
        }
        let txn = self.store.begin_write().await?;
        let closed = finding::Entity::update_many()
            .col_expr(
                finding::Column::ClosedOn,
                sea_orm::sea_query::Expr::value(on.to_string()),
            )
            .col_expr(
                finding::Column::Closure,
                sea_orm::sea_query::Expr::value(closure.trim()),
            )
            .filter(finding::Column::Id.eq(finding_id))
            .filter(finding::Column::ClosedOn.is_null())
            .exec(&txn)
            .await?;
        if closed.rows_affected == 0 {
            return Err(StoreError::Conflict(
                "该问题已整改销号 / the finding is closed already".into(),
            ));
        }
        audit_one(
            &txn,
            ctx,
            "close",
            "finding",
            finding_id,
            &p.division_code,
            Some(format!("{on} {}", closure.trim())),
        )
        .await?;
        txn.commit().await?;
        let m = finding::Entity::find_by_id(finding_id)
            .one(&self.store.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("finding {finding_id}")))?;
        Ok(finding_of(m, on))
    }

    /// The scope's findings not yet rectified, as they stand on `on` (overdue first), for the
    /// follow-up of rectification.
    pub async fn open_findings(&self, on: NaiveDate) -> Result<Vec<FindingView>> {
        let mut out: Vec<FindingView> = finding::Entity::find()
            .filter(finding::Column::ClosedOn.is_null())
            .filter(finding::Column::ProjectId.in_subquery(self.project_ids_query()))
            .order_by_asc(finding::Column::RectifyBy)
            .all(&self.store.db)
            .await?
            .into_iter()
            .map(|f| finding_of(f, on))
            .collect();
        out.sort_by_key(|f| f.state != FindingState::Overdue);
        Ok(out)
    }
}

//! Innovation platforms, research institutes (teams, targets, incubated projects)
//! and alliances (member organisations, member experts).
//!
//! A platform's host and co-builders are the organisations whose indicator #23
//! level it feeds: [`Db::platform_facts`] gives each of them the facts
//! `kechuang_core::platform::institution_level` needs. The report counts the
//! platforms that exist on a day ([`Db::platform_counts_on`]): approved (under
//! construction or accredited) on or before it and not revoked on or before it.

use super::{parse_date, parse_opt_date, placeholders};
use crate::{Db, Result, StoreError, with_conn};
use chrono::NaiveDate;
use kechuang_core::date::to_iso;
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::InstitutionLevel;
use kechuang_core::platform::{
    EvaluationGrade, IncubationStage, PlatformFact, PlatformKind, PlatformStatus,
};
use sqlx::AssertSqlSafe;

/// A platform's attributes as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformData {
    /// Name (unique).
    pub name: String,
    /// Kind.
    pub kind: PlatformKind,
    /// Level (never `None`).
    pub level: InstitutionLevel,
    /// Host organisation.
    pub host_org_id: OrgId,
    /// Status.
    pub status: PlatformStatus,
    /// Approved (for construction, or accredited directly) on.
    pub approved_on: NaiveDate,
    /// Accredited on.
    pub accredited_on: Option<NaiveDate>,
    /// Revoked on.
    pub revoked_on: Option<NaiveDate>,
    /// Town (the host's unless given).
    pub town: Option<String>,
    /// Industrial cluster.
    pub cluster: Option<String>,
    /// Technical field.
    pub field: Option<String>,
    /// The 总院 of a 专业研究院.
    pub parent_id: Option<String>,
    /// Free text.
    pub note: Option<String>,
}

/// A stored platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformRow {
    /// Id.
    pub id: String,
    /// Attributes.
    pub data: PlatformData,
    /// The host's name.
    pub host_name: String,
    /// Unix µs.
    pub created_at: i64,
    /// Unix µs.
    pub updated_at: i64,
}

/// A co-builder or founding party.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PartnerRow {
    /// Name (the organisation's, or the party's when it is not in the registry).
    pub name: String,
    /// The registry organisation, if any.
    pub org_id: Option<OrgId>,
    /// Role (共建单位, 牵头单位, 出资方 …).
    pub role: String,
}

/// A yearly evaluation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EvaluationRow {
    /// Year evaluated.
    pub year: i32,
    /// Grade.
    pub grade: EvaluationGrade,
    /// Note.
    pub note: Option<String>,
}

/// Which platforms to list.
#[derive(Debug, Clone, Default)]
pub struct PlatformFilter {
    /// Kind.
    pub kind: Option<PlatformKind>,
    /// Level.
    pub level: Option<InstitutionLevel>,
    /// Status.
    pub status: Option<PlatformStatus>,
    /// Town.
    pub town: Option<String>,
    /// Only platforms located in these towns (a town-scoped bureau user; an
    /// empty list selects none).
    pub towns: Option<Vec<String>>,
    /// Only those this organisation hosts or co-builds.
    pub org: Option<OrgId>,
    /// The 专业研究院 of this 总院.
    pub parent: Option<String>,
    /// Name contains.
    pub q: Option<String>,
    /// Page size (0: all).
    pub limit: i64,
    /// Offset.
    pub offset: i64,
}

/// A research team of an institute.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TeamRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Team lead.
    pub lead: String,
    /// Members.
    pub members: i32,
    /// Field.
    pub field: Option<String>,
}

/// A target of an institute with its latest actual value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRecord {
    /// What (产能, 产值, 研发人员).
    pub metric: String,
    /// Target (decimal text).
    pub target: String,
    /// Unit.
    pub unit: String,
    /// Latest actual (decimal text).
    pub actual: String,
    /// Actual as of.
    pub as_of: NaiveDate,
}

/// An incubated project's attributes as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectData {
    /// The institute.
    pub platform_id: String,
    /// Name.
    pub name: String,
    /// Field.
    pub field: Option<String>,
    /// Current stage.
    pub stage: IncubationStage,
    /// Team (lead and members, as text).
    pub team: Option<String>,
    /// Funding received, fen.
    pub funding_fen: i64,
    /// Entered the institute on.
    pub started_on: NaiveDate,
    /// The resulting firm.
    pub firm_org_id: Option<OrgId>,
}

/// A stored incubated project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRow {
    /// Id.
    pub id: String,
    /// Attributes.
    pub data: ProjectData,
    /// The resulting firm's name.
    pub firm_name: Option<String>,
    /// Stages entered, in order, with their dates.
    pub stages: Vec<(IncubationStage, NaiveDate)>,
}

/// An alliance with its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllianceRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Lead organisation.
    pub lead_org_id: OrgId,
    /// Its name.
    pub lead_name: String,
    /// Founded on.
    pub founded_on: NaiveDate,
    /// Field.
    pub field: Option<String>,
    /// Member organisations.
    pub members: i64,
    /// Member experts.
    pub experts: i64,
}

/// A member organisation of an alliance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MemberRow {
    /// Organisation.
    pub org_id: OrgId,
    /// Its name.
    pub name: String,
    /// Role (理事长单位, 副理事长单位, 理事单位, 会员单位).
    pub role: String,
    /// Joined on.
    pub joined_on: NaiveDate,
    /// Years whose dues are paid, ascending.
    pub dues_years: Vec<i32>,
}

/// A member expert of an alliance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExpertRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Affiliation.
    pub affiliation: String,
    /// Title (教授, 研究员, 高级工程师 …).
    pub title: Option<String>,
    /// Field.
    pub field: Option<String>,
    /// Role (专家委员会主任, 委员, 会员专家).
    pub role: String,
    /// Joined on.
    pub joined_on: NaiveDate,
}

const PLATFORM_COLS: &str = "p.platform_id, p.name, p.kind, p.level, p.host_org_id, p.status, p.approved_on, p.accredited_on, \
     p.revoked_on, p.town, p.cluster, p.field, p.parent_id, p.note, p.created_at, p.updated_at, o.name AS host_name";

#[derive(sqlx::FromRow)]
struct PRow {
    platform_id: String,
    name: String,
    kind: String,
    level: i64,
    host_org_id: String,
    status: String,
    approved_on: String,
    accredited_on: Option<String>,
    revoked_on: Option<String>,
    town: Option<String>,
    cluster: Option<String>,
    field: Option<String>,
    parent_id: Option<String>,
    note: Option<String>,
    created_at: i64,
    updated_at: i64,
    host_name: String,
}

fn level_of(v: i64) -> Result<InstitutionLevel> {
    InstitutionLevel::from_i64(v)
        .filter(|l| *l != InstitutionLevel::None)
        .ok_or_else(|| StoreError::Corrupt(format!("platform level {v}")))
}

fn kind_of(s: &str) -> Result<PlatformKind> {
    PlatformKind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("platform kind {s:?}")))
}

fn stage_of(s: &str) -> Result<IncubationStage> {
    IncubationStage::parse(s).ok_or_else(|| StoreError::Corrupt(format!("incubation stage {s:?}")))
}

impl TryFrom<PRow> for PlatformRow {
    type Error = StoreError;
    fn try_from(r: PRow) -> Result<Self> {
        Ok(PlatformRow {
            data: PlatformData {
                name: r.name,
                kind: kind_of(&r.kind)?,
                level: level_of(r.level)?,
                host_org_id: OrgId(r.host_org_id),
                status: PlatformStatus::parse(&r.status).ok_or_else(|| {
                    StoreError::Corrupt(format!("platform status {:?}", r.status))
                })?,
                approved_on: parse_date(&r.approved_on)?,
                accredited_on: parse_opt_date(r.accredited_on)?,
                revoked_on: parse_opt_date(r.revoked_on)?,
                town: r.town,
                cluster: r.cluster,
                field: r.field,
                parent_id: r.parent_id,
                note: r.note,
            },
            id: r.platform_id,
            host_name: r.host_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The filter's `WHERE` text and its binds (all text) in order.
fn platform_where(f: &PlatformFilter) -> (String, Vec<String>) {
    let mut w = vec!["1 = 1".to_string()];
    let mut binds: Vec<String> = Vec::new();
    let mut ph = |v: String| {
        binds.push(v);
        format!("${}", binds.len())
    };
    if let Some(k) = f.kind {
        w.push(format!("p.kind = {}", ph(k.as_str().into())));
    }
    if let Some(l) = f.level {
        w.push(format!(
            "p.level = CAST({} AS INTEGER)",
            ph((l as i64).to_string())
        ));
    }
    if let Some(s) = f.status {
        w.push(format!("p.status = {}", ph(s.as_str().into())));
    }
    if let Some(t) = &f.town {
        w.push(format!("p.town = {}", ph(t.clone())));
    }
    if let Some(ts) = &f.towns {
        if ts.is_empty() {
            w.push("1 = 0".into());
        } else {
            let list: Vec<String> = ts.iter().map(|t| ph(t.clone())).collect();
            w.push(format!("p.town IN ({})", list.join(", ")));
        }
    }
    if let Some(o) = &f.org {
        let (a, b) = (ph(o.as_str().into()), ph(o.as_str().into()));
        w.push(format!(
            "(p.host_org_id = {a} OR p.platform_id IN (SELECT platform_id FROM platform_partner WHERE organisation_id = {b}))"
        ));
    }
    if let Some(p) = &f.parent {
        w.push(format!("p.parent_id = {}", ph(p.clone())));
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
        w.push(format!("p.name LIKE {}", ph(format!("%{}%", q.trim()))));
    }
    (w.join(" AND "), binds)
}

impl Db {
    /// Writes a new platform with its partners.
    pub async fn insert_platform(
        &mut self,
        id: &str,
        p: &PlatformData,
        partners: &[PartnerRow],
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO platform (platform_id, name, kind, level, host_org_id, status, approved_on, accredited_on, revoked_on, \
                 town, cluster, field, parent_id, note, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)",
            )
            .bind(id)
            .bind(&p.name)
            .bind(p.kind.as_str())
            .bind(p.level as i64)
            .bind(p.host_org_id.as_str())
            .bind(p.status.as_str())
            .bind(to_iso(p.approved_on))
            .bind(p.accredited_on.map(to_iso))
            .bind(p.revoked_on.map(to_iso))
            .bind(p.town.as_deref())
            .bind(p.cluster.as_deref())
            .bind(p.field.as_deref())
            .bind(p.parent_id.as_deref())
            .bind(p.note.as_deref())
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        self.replace_platform_partners(id, partners).await
    }

    /// Replaces a platform's attributes (and its partners).
    pub async fn update_platform(
        &mut self,
        id: &str,
        p: &PlatformData,
        partners: &[PartnerRow],
        now: i64,
    ) -> Result<()> {
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE platform SET name = $2, kind = $3, level = $4, host_org_id = $5, status = $6, approved_on = $7, \
                 accredited_on = $8, revoked_on = $9, town = $10, cluster = $11, field = $12, parent_id = $13, note = $14, \
                 updated_at = $15 WHERE platform_id = $1",
            )
            .bind(id)
            .bind(&p.name)
            .bind(p.kind.as_str())
            .bind(p.level as i64)
            .bind(p.host_org_id.as_str())
            .bind(p.status.as_str())
            .bind(to_iso(p.approved_on))
            .bind(p.accredited_on.map(to_iso))
            .bind(p.revoked_on.map(to_iso))
            .bind(p.town.as_deref())
            .bind(p.cluster.as_deref())
            .bind(p.field.as_deref())
            .bind(p.parent_id.as_deref())
            .bind(p.note.as_deref())
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.replace_platform_partners(id, partners).await
    }

    async fn replace_platform_partners(&mut self, id: &str, partners: &[PartnerRow]) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query("DELETE FROM platform_partner WHERE platform_id = $1")
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|_| ())
        })?;
        for p in partners {
            with_conn!(self, c => {
                sqlx::query(
                    "INSERT INTO platform_partner (platform_id, name, organisation_id, role) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(&p.name)
                .bind(p.org_id.as_ref().map(OrgId::as_str))
                .bind(&p.role)
                .execute(&mut *c)
                .await
                .map(|_| ())
            })?;
        }
        Ok(())
    }

    /// One platform.
    pub async fn platform(&mut self, id: &str) -> Result<Option<PlatformRow>> {
        let sql = format!(
            "SELECT {PLATFORM_COLS} FROM platform p JOIN organisation o ON o.organisation_id = p.host_org_id \
             WHERE p.platform_id = $1"
        );
        let row: Option<PRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await
        })?;
        row.map(PlatformRow::try_from).transpose()
    }

    /// The id of the platform with this name.
    pub async fn platform_id_by_name(&mut self, name: &str) -> Result<Option<String>> {
        with_conn!(self, c => {
            sqlx::query_scalar("SELECT platform_id FROM platform WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *c)
                .await
        })
        .map_err(StoreError::from)
    }

    /// Moves a platform's status, setting the date that goes with it.
    pub async fn set_platform_status(
        &mut self,
        id: &str,
        status: PlatformStatus,
        on: NaiveDate,
        now: i64,
    ) -> Result<()> {
        let col = match status {
            PlatformStatus::Accredited => "accredited_on",
            PlatformStatus::Revoked => "revoked_on",
            PlatformStatus::UnderConstruction => "approved_on",
        };
        let sql = format!(
            "UPDATE platform SET status = $2, {col} = $3, updated_at = $4 WHERE platform_id = $1"
        );
        let n = with_conn!(self, c => {
            sqlx::query(AssertSqlSafe(sql))
                .bind(id)
                .bind(status.as_str())
                .bind(to_iso(on))
                .bind(now)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// A page of platforms, by name.
    pub async fn list_platforms(&mut self, f: &PlatformFilter) -> Result<(i64, Vec<PlatformRow>)> {
        let (w, binds) = platform_where(f);
        let count_sql = format!("SELECT COUNT(*) FROM platform p WHERE {w}");
        let total: i64 = with_conn!(self, c => {
            let mut q = sqlx::query_scalar(AssertSqlSafe(count_sql));
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_one(&mut *c).await
        })?;
        let page = if f.limit > 0 {
            format!(" LIMIT {} OFFSET {}", f.limit, f.offset.max(0))
        } else {
            String::new()
        };
        let sql = format!(
            "SELECT {PLATFORM_COLS} FROM platform p JOIN organisation o ON o.organisation_id = p.host_org_id \
             WHERE {w} ORDER BY p.level DESC, p.name, p.platform_id{page}"
        );
        let rows: Vec<PRow> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(&mut *c).await
        })?;
        Ok((
            total,
            rows.into_iter()
                .map(PlatformRow::try_from)
                .collect::<Result<_>>()?,
        ))
    }

    /// Counts by kind and level of the platforms the filter selects.
    pub async fn platform_counts(
        &mut self,
        f: &PlatformFilter,
    ) -> Result<Vec<(PlatformKind, InstitutionLevel, i64)>> {
        let (w, binds) = platform_where(f);
        let sql = format!(
            "SELECT p.kind, p.level, COUNT(*) FROM platform p WHERE {w} GROUP BY p.kind, p.level ORDER BY p.kind, p.level"
        );
        let rows: Vec<(String, i64, i64)> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(&mut *c).await
        })?;
        rows.into_iter()
            .map(|(k, l, n)| Ok((kind_of(&k)?, level_of(l)?, n)))
            .collect()
    }

    /// Counts by kind and level of the platforms that exist on `on`: approved
    /// (under construction or accredited) on or before it, not revoked on or
    /// before it.
    pub async fn platform_counts_on(
        &mut self,
        on: NaiveDate,
    ) -> Result<Vec<(PlatformKind, InstitutionLevel, i64)>> {
        let rows: Vec<(String, i64, i64)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT kind, level, COUNT(*) FROM platform \
                 WHERE approved_on <= $1 AND (revoked_on IS NULL OR revoked_on > $1) \
                 GROUP BY kind, level ORDER BY kind, level",
            )
            .bind(to_iso(on))
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter()
            .map(|(k, l, n)| Ok((kind_of(&k)?, level_of(l)?, n)))
            .collect()
    }

    /// Incubated projects that had entered their institute on or before `on`.
    pub async fn count_incubated_projects_on(&mut self, on: NaiveDate) -> Result<i64> {
        with_conn!(self, c => {
            sqlx::query_scalar("SELECT COUNT(*) FROM incubated_project WHERE started_on <= $1")
                .bind(to_iso(on))
                .fetch_one(&mut *c)
                .await
        })
        .map_err(StoreError::from)
    }

    /// The partners of some platforms, by platform then name.
    pub async fn platform_partners(&mut self, ids: &[String]) -> Result<Vec<(String, PartnerRow)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT platform_id, name, organisation_id, role FROM platform_partner \
                 WHERE platform_id IN ({}) ORDER BY platform_id, name",
                placeholders(1, chunk.len())
            );
            let rows: Vec<(String, String, Option<String>, String)> = with_conn!(self, c => {
                let mut q = sqlx::query_as(AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(id);
                }
                q.fetch_all(&mut *c).await
            })?;
            out.extend(rows.into_iter().map(|(p, name, org, role)| {
                (
                    p,
                    PartnerRow {
                        name,
                        org_id: org.map(OrgId),
                        role,
                    },
                )
            }));
        }
        Ok(out)
    }

    /// Records a yearly evaluation (one per platform and year: a second is a
    /// conflict on `platform_evaluation_pkey`).
    pub async fn insert_platform_evaluation(
        &mut self,
        id: &str,
        e: &EvaluationRow,
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO platform_evaluation (platform_id, year, grade, note, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(e.year)
            .bind(e.grade.as_str())
            .bind(e.note.as_deref())
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// A platform's evaluations, oldest first.
    pub async fn platform_evaluations(&mut self, id: &str) -> Result<Vec<EvaluationRow>> {
        let rows: Vec<(i32, String, Option<String>)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT year, grade, note FROM platform_evaluation WHERE platform_id = $1 ORDER BY year",
            )
            .bind(id)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter()
            .map(|(year, g, note)| {
                Ok(EvaluationRow {
                    year,
                    grade: EvaluationGrade::parse(&g)
                        .ok_or_else(|| StoreError::Corrupt(format!("evaluation grade {g:?}")))?,
                    note,
                })
            })
            .collect()
    }

    /// What `institution_level` needs, per organisation hosting or co-building a
    /// platform (`orgs`: only these; `None`: every organisation).
    pub async fn platform_facts(
        &mut self,
        orgs: Option<&[OrgId]>,
    ) -> Result<Vec<(OrgId, PlatformFact)>> {
        let base = "SELECT x.org, x.kind, x.level, x.accredited_on, x.revoked_on FROM (\
             SELECT host_org_id AS org, kind, level, accredited_on, revoked_on FROM platform \
             UNION ALL SELECT pp.organisation_id AS org, p.kind, p.level, p.accredited_on, p.revoked_on \
             FROM platform_partner pp JOIN platform p ON p.platform_id = pp.platform_id \
             WHERE pp.organisation_id IS NOT NULL) x";
        type Row = (String, String, i64, Option<String>, Option<String>);
        let mut rows: Vec<Row> = Vec::new();
        match orgs {
            None => {
                rows = with_conn!(self, c => {
                    sqlx::query_as(AssertSqlSafe(base.to_string())).fetch_all(&mut *c).await
                })?;
            }
            Some(ids) => {
                for chunk in ids.chunks(500) {
                    let sql = format!("{base} WHERE x.org IN ({})", placeholders(1, chunk.len()));
                    let part: Vec<Row> = with_conn!(self, c => {
                        let mut q = sqlx::query_as(AssertSqlSafe(sql));
                        for id in chunk {
                            q = q.bind(id.as_str());
                        }
                        q.fetch_all(&mut *c).await
                    })?;
                    rows.extend(part);
                }
            }
        }
        rows.into_iter()
            .map(|(org, kind, level, acc, rev)| {
                Ok((
                    OrgId(org),
                    PlatformFact {
                        kind: kind_of(&kind)?,
                        level: level_of(level)?,
                        accredited_on: parse_opt_date(acc)?,
                        revoked_on: parse_opt_date(rev)?,
                    },
                ))
            })
            .collect()
    }

    /// Adds a research team.
    pub async fn insert_institute_team(
        &mut self,
        platform_id: &str,
        t: &TeamRow,
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO institute_team (team_id, platform_id, name, lead, members, field, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&t.id)
            .bind(platform_id)
            .bind(&t.name)
            .bind(&t.lead)
            .bind(t.members)
            .bind(t.field.as_deref())
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// An institute's teams, by name.
    pub async fn institute_teams(&mut self, platform_id: &str) -> Result<Vec<TeamRow>> {
        let rows: Vec<(String, String, String, i32, Option<String>)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT team_id, name, lead, members, field FROM institute_team WHERE platform_id = $1 ORDER BY name, team_id",
            )
            .bind(platform_id)
            .fetch_all(&mut *c)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(id, name, lead, members, field)| TeamRow {
                id,
                name,
                lead,
                members,
                field,
            })
            .collect())
    }

    /// Sets a target (a metric entered again replaces its values, keeping its place).
    pub async fn upsert_institute_target(
        &mut self,
        platform_id: &str,
        t: &TargetRecord,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO institute_target (platform_id, metric, target, unit, actual, as_of, sort_order) \
                 VALUES ($1, $2, $3, $4, $5, $6, (SELECT COUNT(*) FROM institute_target WHERE platform_id = $1)) \
                 ON CONFLICT (platform_id, metric) DO UPDATE SET target = excluded.target, unit = excluded.unit, \
                 actual = excluded.actual, as_of = excluded.as_of",
            )
            .bind(platform_id)
            .bind(&t.metric)
            .bind(&t.target)
            .bind(&t.unit)
            .bind(&t.actual)
            .bind(to_iso(t.as_of))
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// An institute's targets in the order entered.
    pub async fn institute_targets(&mut self, platform_id: &str) -> Result<Vec<TargetRecord>> {
        let rows: Vec<(String, String, String, String, String)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT metric, target, unit, actual, as_of FROM institute_target WHERE platform_id = $1 ORDER BY sort_order, metric",
            )
            .bind(platform_id)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter()
            .map(|(metric, target, unit, actual, as_of)| {
                Ok(TargetRecord {
                    metric,
                    target,
                    unit,
                    actual,
                    as_of: parse_date(&as_of)?,
                })
            })
            .collect()
    }

    /// Adds an incubated project with the stages it has entered.
    pub async fn insert_incubated_project(
        &mut self,
        id: &str,
        p: &ProjectData,
        stages: &[(IncubationStage, NaiveDate)],
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO incubated_project (project_id, platform_id, name, field, stage, team, funding_fen, started_on, \
                 firm_org_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
            )
            .bind(id)
            .bind(&p.platform_id)
            .bind(&p.name)
            .bind(p.field.as_deref())
            .bind(p.stage.as_str())
            .bind(p.team.as_deref())
            .bind(p.funding_fen)
            .bind(to_iso(p.started_on))
            .bind(p.firm_org_id.as_ref().map(OrgId::as_str))
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        for (s, on) in stages {
            self.insert_incubated_stage(id, *s, *on).await?;
        }
        Ok(())
    }

    async fn insert_incubated_stage(
        &mut self,
        id: &str,
        s: IncubationStage,
        on: NaiveDate,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query("INSERT INTO incubated_stage (project_id, stage, entered_on) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(s.as_str())
                .bind(to_iso(on))
                .execute(&mut *c)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Moves a project to a stage on a day, with its resulting firm and funding.
    pub async fn move_incubated_project(
        &mut self,
        id: &str,
        to: IncubationStage,
        on: NaiveDate,
        firm: Option<&OrgId>,
        funding_fen: i64,
        now: i64,
    ) -> Result<()> {
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE incubated_project SET stage = $2, firm_org_id = $3, funding_fen = $4, updated_at = $5 WHERE project_id = $1",
            )
            .bind(id)
            .bind(to.as_str())
            .bind(firm.map(OrgId::as_str))
            .bind(funding_fen)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.insert_incubated_stage(id, to, on).await
    }

    /// Incubated projects of an institute (`None`: one project by `project`).
    pub async fn incubated_projects(
        &mut self,
        platform_id: Option<&str>,
        project: Option<&str>,
    ) -> Result<Vec<ProjectRow>> {
        type Row = (
            String,
            String,
            String,
            Option<String>,
            String,
            Option<String>,
            i64,
            String,
            Option<String>,
            Option<String>,
        );
        let (cond, v) = match (platform_id, project) {
            (_, Some(p)) => ("ip.project_id = $1", p),
            (Some(p), None) => ("ip.platform_id = $1", p),
            (None, None) => return Ok(Vec::new()),
        };
        let sql = format!(
            "SELECT ip.project_id, ip.platform_id, ip.name, ip.field, ip.stage, ip.team, ip.funding_fen, ip.started_on, \
             ip.firm_org_id, o.name FROM incubated_project ip LEFT JOIN organisation o ON o.organisation_id = ip.firm_org_id \
             WHERE {cond} ORDER BY ip.started_on, ip.name"
        );
        let rows: Vec<Row> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(v).fetch_all(&mut *c).await
        })?;
        let stage_sql = format!(
            "SELECT s.project_id, s.stage, s.entered_on FROM incubated_stage s JOIN incubated_project ip \
             ON ip.project_id = s.project_id WHERE {cond} ORDER BY s.project_id, s.entered_on"
        );
        let stages: Vec<(String, String, String)> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(stage_sql)).bind(v).fetch_all(&mut *c).await
        })?;
        let mut by_project: std::collections::HashMap<String, Vec<(IncubationStage, NaiveDate)>> =
            std::collections::HashMap::new();
        for (p, s, on) in stages {
            by_project
                .entry(p)
                .or_default()
                .push((stage_of(&s)?, parse_date(&on)?));
        }
        rows.into_iter()
            .map(|r| {
                let mut st = by_project.remove(&r.0).unwrap_or_default();
                st.sort_by_key(|(s, d)| (*d, *s));
                Ok(ProjectRow {
                    data: ProjectData {
                        platform_id: r.1,
                        name: r.2,
                        field: r.3,
                        stage: stage_of(&r.4)?,
                        team: r.5,
                        funding_fen: r.6,
                        started_on: parse_date(&r.7)?,
                        firm_org_id: r.8.map(OrgId),
                    },
                    firm_name: r.9,
                    stages: st,
                    id: r.0,
                })
            })
            .collect()
    }

    /// Valid-or-not qualification records of several organisations:
    /// `(org, kind code, recognised on, valid until)`.
    pub async fn qualification_kinds_of_many(
        &mut self,
        orgs: &[OrgId],
    ) -> Result<Vec<(OrgId, String, NaiveDate, Option<NaiveDate>)>> {
        let mut out = Vec::new();
        for chunk in orgs.chunks(500) {
            let sql = format!(
                "SELECT organisation_id, kind, recognized_on, valid_until FROM qualification \
                 WHERE organisation_id IN ({}) ORDER BY organisation_id, recognized_on",
                placeholders(1, chunk.len())
            );
            let rows: Vec<(String, String, String, Option<String>)> = with_conn!(self, c => {
                let mut q = sqlx::query_as(AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(id.as_str());
                }
                q.fetch_all(&mut *c).await
            })?;
            for (o, k, r, v) in rows {
                out.push((OrgId(o), k, parse_date(&r)?, parse_opt_date(v)?));
            }
        }
        Ok(out)
    }

    /// Writes a new alliance.
    pub async fn insert_alliance(
        &mut self,
        id: &str,
        name: &str,
        lead: &OrgId,
        founded_on: NaiveDate,
        field: Option<&str>,
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO alliance (alliance_id, name, lead_org_id, founded_on, field, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6)",
            )
            .bind(id)
            .bind(name)
            .bind(lead.as_str())
            .bind(to_iso(founded_on))
            .bind(field)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Alliances with their member counts (`id`: only that one), by name.
    pub async fn alliances(&mut self, id: Option<&str>) -> Result<Vec<AllianceRow>> {
        type Row = (
            String,
            String,
            String,
            String,
            String,
            Option<String>,
            i64,
            i64,
        );
        let cond = if id.is_some() {
            "WHERE a.alliance_id = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT a.alliance_id, a.name, a.lead_org_id, o.name, a.founded_on, a.field, \
             (SELECT COUNT(*) FROM alliance_member m WHERE m.alliance_id = a.alliance_id), \
             (SELECT COUNT(*) FROM alliance_expert e WHERE e.alliance_id = a.alliance_id) \
             FROM alliance a JOIN organisation o ON o.organisation_id = a.lead_org_id {cond} ORDER BY a.name"
        );
        let rows: Vec<Row> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            if let Some(id) = id {
                q = q.bind(id);
            }
            q.fetch_all(&mut *c).await
        })?;
        rows.into_iter()
            .map(|r| {
                Ok(AllianceRow {
                    id: r.0,
                    name: r.1,
                    lead_org_id: OrgId(r.2),
                    lead_name: r.3,
                    founded_on: parse_date(&r.4)?,
                    field: r.5,
                    members: r.6,
                    experts: r.7,
                })
            })
            .collect()
    }

    /// Adds or replaces a member organisation.
    pub async fn upsert_alliance_member(
        &mut self,
        alliance_id: &str,
        org: &OrgId,
        role: &str,
        joined_on: NaiveDate,
        dues_years: &[i32],
    ) -> Result<()> {
        let dues = dues_years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO alliance_member (alliance_id, organisation_id, role, joined_on, dues_years) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (alliance_id, organisation_id) DO UPDATE SET role = excluded.role, joined_on = excluded.joined_on, \
                 dues_years = excluded.dues_years",
            )
            .bind(alliance_id)
            .bind(org.as_str())
            .bind(role)
            .bind(to_iso(joined_on))
            .bind(dues)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// An alliance's member organisations, by role then name.
    pub async fn alliance_members(&mut self, alliance_id: &str) -> Result<Vec<MemberRow>> {
        let rows: Vec<(String, String, String, String, String)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT m.organisation_id, o.name, m.role, m.joined_on, m.dues_years FROM alliance_member m \
                 JOIN organisation o ON o.organisation_id = m.organisation_id WHERE m.alliance_id = $1 ORDER BY m.joined_on, o.name",
            )
            .bind(alliance_id)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter()
            .map(|(org, name, role, joined, dues)| {
                Ok(MemberRow {
                    org_id: OrgId(org),
                    name,
                    role,
                    joined_on: parse_date(&joined)?,
                    dues_years: dues
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(|s| {
                            s.parse()
                                .map_err(|_| StoreError::Corrupt(format!("dues years {dues:?}")))
                        })
                        .collect::<Result<_>>()?,
                })
            })
            .collect()
    }

    /// Adds member experts with multi-row statements.
    pub async fn insert_alliance_experts(
        &mut self,
        alliance_id: &str,
        experts: &[ExpertRow],
    ) -> Result<()> {
        for chunk in experts.chunks(500) {
            let sql = format!(
                "INSERT INTO alliance_expert (expert_id, alliance_id, name, affiliation, title, field, role, joined_on) VALUES {}",
                self.backend().values_tuples(chunk.len(), 8)
            );
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for e in chunk {
                    q = q
                        .bind(&e.id)
                        .bind(alliance_id)
                        .bind(&e.name)
                        .bind(&e.affiliation)
                        .bind(e.title.as_deref())
                        .bind(e.field.as_deref())
                        .bind(&e.role)
                        .bind(to_iso(e.joined_on));
                }
                q.execute(&mut *c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// A page of an alliance's experts, by name.
    pub async fn alliance_experts(
        &mut self,
        alliance_id: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ExpertRow>> {
        type Row = (
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            String,
            String,
        );
        let rows: Vec<Row> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT expert_id, name, affiliation, title, field, role, joined_on FROM alliance_expert \
                 WHERE alliance_id = $1 ORDER BY name, expert_id LIMIT $2 OFFSET $3",
            )
            .bind(alliance_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter()
            .map(|r| {
                Ok(ExpertRow {
                    id: r.0,
                    name: r.1,
                    affiliation: r.2,
                    title: r.3,
                    field: r.4,
                    role: r.5,
                    joined_on: parse_date(&r.6)?,
                })
            })
            .collect()
    }
}

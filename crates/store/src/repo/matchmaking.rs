//! Needs, achievements and experts.

use super::parse_opt_date;
use crate::{Db, Result, StoreError, with_conn};
use kechuang_core::date::to_iso;
use kechuang_core::ids::OrgId;
use kechuang_core::matchmaking::{
    Achievement, AchievementForm, CooperationMode, Expert, Maturity, Need, NeedStatus, TransferMode,
};
use kechuang_core::money::Money;
use sqlx::AssertSqlSafe;

/// A stored record with its owner and stamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored<T> {
    /// Id.
    pub id: String,
    /// Owning organisation.
    pub org_id: OrgId,
    /// Owner's name.
    pub org_name: String,
    /// Owner's 统一社会信用代码 (its characters 3–8 are the division it registered in).
    pub org_code: String,
    /// The record.
    pub record: T,
    /// Unix µs.
    pub created_at: i64,
    /// Unix µs.
    pub updated_at: i64,
}

/// A stored need with its status.
pub type StoredNeed = Stored<(Need, NeedStatus)>;

/// Filters of a list.
#[derive(Debug, Clone, Default)]
pub struct MatchFilter {
    /// Owner.
    pub org_id: Option<OrgId>,
    /// Text in the title (substring).
    pub q: Option<String>,
    /// Field (exact).
    pub field: Option<String>,
    /// Need status.
    pub status: Option<NeedStatus>,
    /// Page size.
    pub limit: i64,
    /// Offset.
    pub offset: i64,
}

fn json_list<T: serde::Serialize>(v: &[T]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn codes<T>(v: &[T], code: fn(&T) -> &'static str) -> String {
    json_list(&v.iter().map(code).collect::<Vec<_>>())
}

fn from_codes<T>(s: &str, parse: fn(&str) -> Option<T>, what: &str) -> Result<Vec<T>> {
    let raw: Vec<String> =
        serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))?;
    raw.iter()
        .map(|c| parse(c).ok_or_else(|| StoreError::Corrupt(format!("{what}: {c}"))))
        .collect()
}

fn strings(s: &str, what: &str) -> Result<Vec<String>> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

#[derive(sqlx::FromRow)]
struct NeedRow {
    need_id: String,
    organisation_id: String,
    org_name: String,
    org_code: String,
    title: String,
    description: Option<String>,
    indicators: Option<String>,
    problem: Option<String>,
    basis: Option<String>,
    budget_fen: Option<i64>,
    modes: String,
    field: Option<String>,
    keywords: String,
    deadline: Option<String>,
    status: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<NeedRow> for StoredNeed {
    type Error = StoreError;
    fn try_from(r: NeedRow) -> Result<Self> {
        let status = NeedStatus::parse(&r.status)
            .ok_or_else(|| StoreError::Corrupt(format!("need status {}", r.status)))?;
        Ok(Stored {
            record: (
                Need {
                    title: r.title,
                    description: r.description,
                    indicators: r.indicators,
                    problem: r.problem,
                    basis: r.basis,
                    budget: r.budget_fen.map(Money::from_fen),
                    modes: from_codes(&r.modes, CooperationMode::parse, "need modes")?,
                    field: r.field,
                    keywords: strings(&r.keywords, "need keywords")?,
                    deadline: parse_opt_date(r.deadline)?,
                },
                status,
            ),
            id: r.need_id,
            org_id: OrgId(r.organisation_id),
            org_name: r.org_name,
            org_code: r.org_code,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AchievementRow {
    achievement_id: String,
    organisation_id: String,
    org_name: String,
    org_code: String,
    title: String,
    summary: Option<String>,
    inventors: String,
    field: Option<String>,
    form: Option<String>,
    maturity: Option<String>,
    transfer_modes: String,
    price_fen: Option<i64>,
    keywords: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<AchievementRow> for Stored<Achievement> {
    type Error = StoreError;
    fn try_from(r: AchievementRow) -> Result<Self> {
        let bad = |w: &str| StoreError::Corrupt(format!("achievement {}: {w}", r.achievement_id));
        Ok(Stored {
            record: Achievement {
                title: r.title,
                summary: r.summary,
                inventors: strings(&r.inventors, "inventors")?,
                field: r.field,
                form: match r.form.as_deref() {
                    Some(f) => Some(AchievementForm::parse(f).ok_or_else(|| bad("form"))?),
                    None => None,
                },
                maturity: match r.maturity.as_deref() {
                    Some(m) => Some(Maturity::parse(m).ok_or_else(|| bad("maturity"))?),
                    None => None,
                },
                transfer_modes: from_codes(
                    &r.transfer_modes,
                    TransferMode::parse,
                    "transfer_modes",
                )?,
                price: r.price_fen.map(Money::from_fen),
                keywords: strings(&r.keywords, "keywords")?,
            },
            id: r.achievement_id,
            org_id: OrgId(r.organisation_id),
            org_name: r.org_name,
            org_code: r.org_code,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ExpertRow {
    expert_id: String,
    organisation_id: String,
    org_name: String,
    org_code: String,
    name: String,
    title: Option<String>,
    fields: String,
    keywords: String,
    projects: Option<String>,
    profile: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<ExpertRow> for Stored<Expert> {
    type Error = StoreError;
    fn try_from(r: ExpertRow) -> Result<Self> {
        Ok(Stored {
            record: Expert {
                name: r.name,
                title: r.title,
                fields: strings(&r.fields, "fields")?,
                keywords: strings(&r.keywords, "keywords")?,
                projects: r.projects,
                profile: r.profile,
            },
            id: r.expert_id,
            org_id: OrgId(r.organisation_id),
            org_name: r.org_name,
            org_code: r.org_code,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// `SELECT cols FROM table JOIN organisation … WHERE id IN ($1, …, $n)`.
fn by_ids_sql(cols: &str, table: &str, org_col: &str, id_col: &str, n: usize) -> String {
    format!(
        "SELECT {cols} FROM {table} JOIN organisation o ON o.organisation_id = {org_col} \
         WHERE {id_col} IN ({})",
        placeholders(n)
    )
}

const NEED_COLS: &str = "n.need_id, n.organisation_id, o.name AS org_name, o.credit_code AS org_code, n.title, n.description, n.indicators, \
    n.problem, n.basis, n.budget_fen, n.modes, n.field, n.keywords, n.deadline, n.status, n.created_at, n.updated_at";
const ACH_COLS: &str = "a.achievement_id, a.organisation_id, o.name AS org_name, o.credit_code AS org_code, a.title, a.summary, a.inventors, \
    a.field, a.form, a.maturity, a.transfer_modes, a.price_fen, a.keywords, a.created_at, a.updated_at";
const EXP_COLS: &str = "e.expert_id, e.organisation_id, o.name AS org_name, o.credit_code AS org_code, e.name, e.title, e.fields, e.keywords, \
    e.projects, e.profile, e.created_at, e.updated_at";

/// The WHERE clause and its text arguments for a list (alias `t`, title column).
fn list_where(alias: &str, title: &str, f: &MatchFilter) -> (String, Vec<String>) {
    let mut cond = vec!["1 = 1".to_string()];
    let mut args = Vec::new();
    let mut push = |sql: String, v: String| {
        args.push(v);
        cond.push(sql.replace('?', &format!("${}", args.len())));
    };
    if let Some(o) = &f.org_id {
        push(format!("{alias}.organisation_id = ?"), o.to_string());
    }
    if let Some(q) = &f.q {
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        push(
            format!("{alias}.{title} LIKE ? ESCAPE '\\'"),
            format!("%{escaped}%"),
        );
    }
    if let Some(v) = &f.field {
        push(format!("{alias}.field = ?"), v.clone());
    }
    if let Some(s) = f.status {
        push(format!("{alias}.status = ?"), s.code().to_string());
    }
    (cond.join(" AND "), args)
}

macro_rules! list_rows {
    ($db:expr, $row:ty, $cols:expr, $table:literal, $alias:literal, $title:literal, $order:literal, $f:expr) => {{
        let (w, args) = list_where($alias, $title, $f);
        let n = args.len();
        let from = format!(
            "FROM {} {} JOIN organisation o ON o.organisation_id = {}.organisation_id WHERE {w}",
            $table, $alias, $alias
        );
        let total: i64 = with_conn!($db, c => {
            let mut q = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) {from}")));
            for a in &args { q = q.bind(a.as_str()); }
            q.fetch_one(&mut *c).await
        })?;
        let rows: Vec<$row> = with_conn!($db, c => {
            let sql = format!("SELECT {} {from} ORDER BY {} LIMIT ${} OFFSET ${}", $cols, $order, n + 1, n + 2);
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for a in &args { q = q.bind(a.as_str()); }
            q.bind($f.limit).bind($f.offset).fetch_all(&mut *c).await
        })?;
        (total, rows)
    }};
}

impl Db {
    /// Stores a new need.
    pub async fn insert_need(
        &mut self,
        id: &str,
        org: &OrgId,
        n: &Need,
        status: NeedStatus,
        now: i64,
        by: &str,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO need (need_id, organisation_id, title, description, indicators, problem, basis, budget_fen, modes, \
                 field, keywords, deadline, status, created_at, updated_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15)",
            )
            .bind(id)
            .bind(org.as_str())
            .bind(&n.title)
            .bind(&n.description)
            .bind(&n.indicators)
            .bind(&n.problem)
            .bind(&n.basis)
            .bind(n.budget.map(Money::fen))
            .bind(codes(&n.modes, |m| m.code()))
            .bind(&n.field)
            .bind(json_list(&n.keywords))
            .bind(n.deadline.map(to_iso))
            .bind(status.code())
            .bind(now)
            .bind(by)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Replaces a need's fields and status.
    pub async fn update_need(
        &mut self,
        id: &str,
        n: &Need,
        status: NeedStatus,
        now: i64,
    ) -> Result<()> {
        let rows = with_conn!(self, c => {
            sqlx::query(
                "UPDATE need SET title = $2, description = $3, indicators = $4, problem = $5, basis = $6, budget_fen = $7, \
                 modes = $8, field = $9, keywords = $10, deadline = $11, status = $12, updated_at = $13 WHERE need_id = $1",
            )
            .bind(id)
            .bind(&n.title)
            .bind(&n.description)
            .bind(&n.indicators)
            .bind(&n.problem)
            .bind(&n.basis)
            .bind(n.budget.map(Money::fen))
            .bind(codes(&n.modes, |m| m.code()))
            .bind(&n.field)
            .bind(json_list(&n.keywords))
            .bind(n.deadline.map(to_iso))
            .bind(status.code())
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if rows == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// One need.
    pub async fn need(&mut self, id: &str) -> Result<Option<StoredNeed>> {
        let r: Option<NeedRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {NEED_COLS} FROM need n JOIN organisation o ON o.organisation_id = n.organisation_id WHERE n.need_id = $1"
            )))
            .bind(id)
            .fetch_optional(&mut *c)
            .await
        })?;
        r.map(StoredNeed::try_from).transpose()
    }

    /// Needs, newest first.
    pub async fn needs(&mut self, f: &MatchFilter) -> Result<(i64, Vec<StoredNeed>)> {
        let (total, rows) = list_rows!(
            self,
            NeedRow,
            NEED_COLS,
            "need",
            "n",
            "title",
            "n.updated_at DESC, n.need_id",
            f
        );
        Ok((
            total,
            rows.into_iter()
                .map(StoredNeed::try_from)
                .collect::<Result<_>>()?,
        ))
    }

    /// Stores a new achievement.
    pub async fn insert_achievement(
        &mut self,
        id: &str,
        org: &OrgId,
        a: &Achievement,
        now: i64,
        by: &str,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO achievement (achievement_id, organisation_id, title, summary, inventors, field, form, maturity, \
                 transfer_modes, price_fen, keywords, created_at, updated_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)",
            )
            .bind(id)
            .bind(org.as_str())
            .bind(&a.title)
            .bind(&a.summary)
            .bind(json_list(&a.inventors))
            .bind(&a.field)
            .bind(a.form.map(AchievementForm::code))
            .bind(a.maturity.map(Maturity::code))
            .bind(codes(&a.transfer_modes, |m| m.code()))
            .bind(a.price.map(Money::fen))
            .bind(json_list(&a.keywords))
            .bind(now)
            .bind(by)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Replaces an achievement's fields.
    pub async fn update_achievement(&mut self, id: &str, a: &Achievement, now: i64) -> Result<()> {
        let rows = with_conn!(self, c => {
            sqlx::query(
                "UPDATE achievement SET title = $2, summary = $3, inventors = $4, field = $5, form = $6, maturity = $7, \
                 transfer_modes = $8, price_fen = $9, keywords = $10, updated_at = $11 WHERE achievement_id = $1",
            )
            .bind(id)
            .bind(&a.title)
            .bind(&a.summary)
            .bind(json_list(&a.inventors))
            .bind(&a.field)
            .bind(a.form.map(AchievementForm::code))
            .bind(a.maturity.map(Maturity::code))
            .bind(codes(&a.transfer_modes, |m| m.code()))
            .bind(a.price.map(Money::fen))
            .bind(json_list(&a.keywords))
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if rows == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// One achievement.
    pub async fn achievement(&mut self, id: &str) -> Result<Option<Stored<Achievement>>> {
        let r: Option<AchievementRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {ACH_COLS} FROM achievement a JOIN organisation o ON o.organisation_id = a.organisation_id \
                 WHERE a.achievement_id = $1"
            )))
            .bind(id)
            .fetch_optional(&mut *c)
            .await
        })?;
        r.map(Stored::try_from).transpose()
    }

    /// Achievements, newest first.
    pub async fn achievements(
        &mut self,
        f: &MatchFilter,
    ) -> Result<(i64, Vec<Stored<Achievement>>)> {
        let (total, rows) = list_rows!(
            self,
            AchievementRow,
            ACH_COLS,
            "achievement",
            "a",
            "title",
            "a.updated_at DESC, a.achievement_id",
            f
        );
        Ok((
            total,
            rows.into_iter()
                .map(Stored::try_from)
                .collect::<Result<_>>()?,
        ))
    }

    /// Stores a new expert.
    pub async fn insert_expert(
        &mut self,
        id: &str,
        org: &OrgId,
        e: &Expert,
        now: i64,
        by: &str,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO expert (expert_id, organisation_id, name, title, fields, keywords, projects, profile, \
                 created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)",
            )
            .bind(id)
            .bind(org.as_str())
            .bind(&e.name)
            .bind(&e.title)
            .bind(json_list(&e.fields))
            .bind(json_list(&e.keywords))
            .bind(&e.projects)
            .bind(&e.profile)
            .bind(now)
            .bind(by)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Replaces an expert's fields.
    pub async fn update_expert(&mut self, id: &str, e: &Expert, now: i64) -> Result<()> {
        let rows = with_conn!(self, c => {
            sqlx::query(
                "UPDATE expert SET name = $2, title = $3, fields = $4, keywords = $5, projects = $6, profile = $7, \
                 updated_at = $8 WHERE expert_id = $1",
            )
            .bind(id)
            .bind(&e.name)
            .bind(&e.title)
            .bind(json_list(&e.fields))
            .bind(json_list(&e.keywords))
            .bind(&e.projects)
            .bind(&e.profile)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if rows == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// One expert.
    pub async fn expert(&mut self, id: &str) -> Result<Option<Stored<Expert>>> {
        let r: Option<ExpertRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {EXP_COLS} FROM expert e JOIN organisation o ON o.organisation_id = e.organisation_id WHERE e.expert_id = $1"
            )))
            .bind(id)
            .fetch_optional(&mut *c)
            .await
        })?;
        r.map(Stored::try_from).transpose()
    }

    /// Experts, by name.
    pub async fn experts(&mut self, f: &MatchFilter) -> Result<(i64, Vec<Stored<Expert>>)> {
        let f = MatchFilter {
            field: None,
            status: None,
            ..f.clone()
        };
        let (total, rows) = list_rows!(
            self,
            ExpertRow,
            EXP_COLS,
            "expert",
            "e",
            "name",
            "e.name, e.expert_id",
            &f
        );
        Ok((
            total,
            rows.into_iter()
                .map(Stored::try_from)
                .collect::<Result<_>>()?,
        ))
    }
    /// Achievements by id, in one query (ids not found are left out; order is the
    /// store's, not the list's).
    pub async fn achievements_by_ids(
        &mut self,
        ids: &[String],
    ) -> Result<Vec<Stored<Achievement>>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = by_ids_sql(
            ACH_COLS,
            "achievement a",
            "a.organisation_id",
            "a.achievement_id",
            ids.len(),
        );
        let rows: Vec<AchievementRow> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for id in ids { q = q.bind(id.as_str()); }
            q.fetch_all(&mut *c).await
        })?;
        rows.into_iter().map(Stored::try_from).collect()
    }

    /// Needs by id, in one query (ids not found are left out).
    pub async fn needs_by_ids(&mut self, ids: &[String]) -> Result<Vec<StoredNeed>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = by_ids_sql(
            NEED_COLS,
            "need n",
            "n.organisation_id",
            "n.need_id",
            ids.len(),
        );
        let rows: Vec<NeedRow> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for id in ids { q = q.bind(id.as_str()); }
            q.fetch_all(&mut *c).await
        })?;
        rows.into_iter().map(StoredNeed::try_from).collect()
    }

    /// Experts by id, in one query (ids not found are left out).
    pub async fn experts_by_ids(&mut self, ids: &[String]) -> Result<Vec<Stored<Expert>>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = by_ids_sql(
            EXP_COLS,
            "expert e",
            "e.organisation_id",
            "e.expert_id",
            ids.len(),
        );
        let rows: Vec<ExpertRow> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for id in ids { q = q.bind(id.as_str()); }
            q.fetch_all(&mut *c).await
        })?;
        rows.into_iter().map(Stored::try_from).collect()
    }

    /// Up to `limit` needs with ids after `after`, by id: a full scan in pages that
    /// stay cheap at any depth (the index rebuild).
    pub async fn needs_after(&mut self, after: &str, limit: i64) -> Result<Vec<StoredNeed>> {
        let rows: Vec<NeedRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {NEED_COLS} FROM need n JOIN organisation o ON o.organisation_id = n.organisation_id \
                 WHERE n.need_id > $1 ORDER BY n.need_id LIMIT $2"
            )))
            .bind(after)
            .bind(limit)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(StoredNeed::try_from).collect()
    }

    /// Up to `limit` achievements with ids after `after`, by id.
    pub async fn achievements_after(
        &mut self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Stored<Achievement>>> {
        let rows: Vec<AchievementRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {ACH_COLS} FROM achievement a JOIN organisation o ON o.organisation_id = a.organisation_id \
                 WHERE a.achievement_id > $1 ORDER BY a.achievement_id LIMIT $2"
            )))
            .bind(after)
            .bind(limit)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(Stored::try_from).collect()
    }

    /// Up to `limit` experts with ids after `after`, by id.
    pub async fn experts_after(&mut self, after: &str, limit: i64) -> Result<Vec<Stored<Expert>>> {
        let rows: Vec<ExpertRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {EXP_COLS} FROM expert e JOIN organisation o ON o.organisation_id = e.organisation_id \
                 WHERE e.expert_id > $1 ORDER BY e.expert_id LIMIT $2"
            )))
            .bind(after)
            .bind(limit)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(Stored::try_from).collect()
    }
}

/// `$1, $2, …, $n`.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

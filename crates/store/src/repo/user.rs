//! User accounts and login sessions.

use crate::{Db, Result, StoreError, with_conn};
use kechuang_core::ids::{OrgId, UserId};
use kechuang_core::role::Role;

/// A stored account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Id.
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Shown name.
    pub display_name: String,
    /// Argon2 PHC string.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// The organisation the user acts for.
    pub org_id: Option<OrgId>,
    /// Towns a bureau user is limited to (`None` = the whole district).
    pub towns: Option<Vec<String>>,
    /// Whether the account may log in.
    pub active: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    user_id: String,
    username: String,
    display_name: String,
    password_hash: String,
    role: String,
    organisation_id: Option<String>,
    towns: Option<String>,
    active: bool,
}

impl TryFrom<Row> for UserRecord {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let role = Role::from_code(&r.role)
            .ok_or_else(|| StoreError::Corrupt(format!("role {:?}", r.role)))?;
        let towns = r
            .towns
            .map(|t| serde_json::from_str::<Vec<String>>(&t))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("towns: {e}")))?;
        Ok(Self {
            id: UserId(r.user_id),
            username: r.username,
            display_name: r.display_name,
            password_hash: r.password_hash,
            role,
            org_id: r.organisation_id.map(OrgId),
            towns,
            active: r.active,
        })
    }
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// The user.
    pub user: UserRecord,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// Unix µs.
    pub expires_at: i64,
}

const USER_COLUMNS: &str =
    "user_id, username, display_name, password_hash, role, organisation_id, towns, active";

impl Db {
    /// Adds an account.
    pub async fn insert_user(&mut self, u: &UserRecord, now: i64) -> Result<()> {
        let towns = u
            .towns
            .as_ref()
            .map(|t| serde_json::Value::from(t.clone()).to_string());
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO app_user (user_id, username, display_name, password_hash, role, organisation_id, towns, active, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(u.id.as_str())
            .bind(&u.username)
            .bind(&u.display_name)
            .bind(&u.password_hash)
            .bind(u.role.code())
            .bind(u.org_id.as_ref().map(|o| o.as_str()))
            .bind(towns)
            .bind(u.active)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Sets a new password hash.
    pub async fn set_password_hash(&mut self, id: &UserId, hash: &str) -> Result<()> {
        let r = with_conn!(self, c => {
            sqlx::query("UPDATE app_user SET password_hash = $2 WHERE user_id = $1").bind(id.as_str()).bind(hash).execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        if r == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// An account by login name.
    pub async fn user_by_name(&mut self, username: &str) -> Result<Option<UserRecord>> {
        let row: Option<Row> = with_conn!(self, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM app_user WHERE username = $1")))
                .bind(username)
                .fetch_optional(&mut *c)
                .await
        })?;
        row.map(UserRecord::try_from).transpose()
    }

    /// Every account, by login name.
    pub async fn users(&mut self) -> Result<Vec<UserRecord>> {
        let rows: Vec<Row> = with_conn!(self, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM app_user ORDER BY username")))
                .fetch_all(&mut *c)
                .await
        })?;
        rows.into_iter().map(UserRecord::try_from).collect()
    }

    /// Stores a session by the SHA-256 of its token.
    pub async fn insert_session(
        &mut self,
        token_hash: &str,
        user: &UserId,
        csrf: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query("INSERT INTO user_session (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(token_hash)
                .bind(user.as_str())
                .bind(csrf)
                .bind(now)
                .bind(expires_at)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// The live session for a token hash, with its active user.
    pub async fn session(&mut self, token_hash: &str, now: i64) -> Result<Option<SessionRow>> {
        let cols = USER_COLUMNS
            .split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {cols}, s.csrf_token, s.expires_at FROM user_session s JOIN app_user u ON u.user_id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active"
        );
        let found: Option<(Row, String, i64)> = with_conn!(self, c => {
            use sqlx::Row as _;
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(token_hash).bind(now).fetch_optional(&mut *c).await?;
            match row {
                None => Ok::<_, StoreError>(None),
                Some(r) => Ok(Some((<Row as sqlx::FromRow<_>>::from_row(&r)?, r.try_get("csrf_token")?, r.try_get("expires_at")?))),
            }
        })?;
        let Some((user, csrf_token, expires_at)) = found else {
            return Ok(None);
        };
        Ok(Some(SessionRow {
            user: UserRecord::try_from(user)?,
            csrf_token,
            expires_at,
        }))
    }

    /// Ends a session.
    pub async fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        with_conn!(self, c => sqlx::query("DELETE FROM user_session WHERE token_hash = $1").bind(token_hash).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Removes expired sessions.
    pub async fn purge_sessions(&mut self, now: i64) -> Result<u64> {
        let r = with_conn!(self, c => sqlx::query("DELETE FROM user_session WHERE expires_at <= $1").bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(r)
    }
}

//! Accounts, passwords and sessions.

use crate::{Actor, App, AppError, AppResult, random_hex};
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};
use kechuang_core::FieldError;
use kechuang_core::event::sha256_hex;
use kechuang_core::ids::{OrgId, UserId};
use kechuang_core::role::Role;
use kechuang_store::UserRecord;
use serde_json::json;

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 8;

/// A new account.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct NewUser {
    /// Login name: 3–32 of `A-Za-z0-9_.-`.
    pub username: String,
    /// Shown name.
    pub display_name: String,
    /// Password.
    pub password: String,
    /// Role code.
    pub role: String,
    /// Organisation (required for every role but bureau staff).
    pub org_id: Option<String>,
    /// Towns a bureau user is limited to.
    pub towns: Option<Vec<String>>,
}

/// A started session: the secret token for the cookie and the CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    /// Cookie value; only its hash is stored.
    pub token: String,
    /// Token forms and unsafe API calls must echo.
    pub csrf: String,
    /// Who logged in.
    pub actor: Actor,
    /// Unix µs.
    pub expires_at: i64,
}

/// Hashes a password with Argon2id (salted), off the async threads.
pub async fn hash_password(password: &str) -> AppResult<String> {
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("argon2: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}

async fn verify_password(hash: String, password: &str) -> bool {
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .is_ok_and(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A hash of a password nobody has, verified when the user does not exist so that
/// both failures take the same time.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0y9NS7OVTLnWOX8HgDDUZ7v3oO+O2L3+5yFjSr2Xr0E";

/// Logs in: checks the password and opens a session.
pub async fn login(app: &App, username: &str, password: &str) -> AppResult<Session> {
    let mut db = app.store.read().await?;
    let user = db.user_by_name(username.trim()).await?;
    drop(db);
    let Some(user) = user.filter(|u| u.active) else {
        let _ = verify_password(DUMMY_HASH.into(), password).await;
        return Err(AppError::Unauthorized);
    };
    if !verify_password(user.password_hash.clone(), password).await {
        return Err(AppError::Unauthorized);
    }
    let token = random_hex(32);
    let csrf = random_hex(16);
    let now = app.now();
    let expires_at = now + app.config.session_hours * 3_600_000_000;
    let mut tx = app.store.begin().await?;
    tx.insert_session(
        &sha256_hex(token.as_bytes()),
        &user.id,
        &csrf,
        now,
        expires_at,
    )
    .await?;
    tx.purge_sessions(now).await?;
    tx.append_event(
        &format!("user:{}", user.username),
        "user",
        user.id.as_str(),
        "user.logged_in",
        &json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Session {
        token,
        csrf,
        actor: Actor::from_user(&user),
        expires_at,
    })
}

/// The actor and CSRF token of a live session.
pub async fn session(app: &App, token: &str) -> AppResult<Option<(Actor, String)>> {
    let mut db = app.store.read().await?;
    Ok(db
        .session(&sha256_hex(token.as_bytes()), app.now())
        .await?
        .map(|s| (Actor::from_user(&s.user), s.csrf_token)))
}

/// Ends a session.
pub async fn logout(app: &App, token: &str) -> AppResult<()> {
    let mut tx = app.store.begin().await?;
    tx.delete_session(&sha256_hex(token.as_bytes())).await?;
    tx.commit().await?;
    Ok(())
}

fn validate_new_user(u: &NewUser) -> Result<(Role, Option<OrgId>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let name_ok = (3..=32).contains(&u.username.len())
        && u.username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !name_ok {
        errors.push(FieldError::new("username", "username_invalid"));
    }
    if let Err(e) = kechuang_core::org::required_text("display_name", &u.display_name, 50) {
        errors.push(e);
    }
    if u.password.chars().count() < MIN_PASSWORD {
        errors.push(FieldError::new("password", "password_too_short").with("min", MIN_PASSWORD));
    }
    let role = Role::from_code(&u.role);
    if role.is_none() {
        errors.push(FieldError::new("role", "role_invalid").with("value", &u.role));
    }
    let org = u
        .org_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| OrgId(s.to_string()));
    if let Some(r) = role
        && r.needs_org()
        && org.is_none()
    {
        errors.push(FieldError::new("org_id", "org_required"));
    }
    match role {
        Some(r) if errors.is_empty() => Ok((r, org)),
        _ => Err(errors),
    }
}

/// Creates an account (bureau administrators and the command line).
pub async fn create_user(app: &App, actor: &Actor, u: NewUser) -> AppResult<UserId> {
    actor.require_admin()?;
    let (role, org_id) = validate_new_user(&u)?;
    let hash = hash_password(&u.password).await?;
    let mut tx = app.store.begin().await?;
    if let Some(o) = &org_id
        && tx.organisation(o).await?.is_none()
    {
        return Err(FieldError::new("org_id", "org_unknown").into());
    }
    let rec = UserRecord {
        id: UserId(kechuang_store::new_id()),
        username: u.username.trim().to_string(),
        display_name: u.display_name.trim().to_string(),
        password_hash: hash,
        role,
        org_id,
        towns: u.towns.filter(|t| !t.is_empty()),
        active: true,
    };
    tx.insert_user(&rec, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "user",
        rec.id.as_str(),
        "user.created",
        &json!({"username": rec.username, "role": role.code(), "org_id": rec.org_id, "towns": rec.towns}),
    )
    .await?;
    tx.commit().await?;
    Ok(rec.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_users_are_validated_field_by_field() {
        let u = NewUser {
            username: "a b".into(),
            display_name: "".into(),
            password: "short".into(),
            role: "enterprise".into(),
            org_id: None,
            towns: None,
        };
        let fields: Vec<_> = validate_new_user(&u)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["username", "display_name", "password", "org_id"]);
    }

    #[tokio::test]
    async fn the_dummy_hash_is_a_valid_phc_string() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password(DUMMY_HASH.into(), "anything").await);
    }
}

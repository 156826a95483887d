//! Who is acting, and what that actor may see.

use kechuang_core::ids::{OrgId, UserId};
use kechuang_core::role::Role;
use kechuang_store::{OrgRecord, UserRecord};

use crate::{AppError, AppResult};

/// The user (or the command line) on whose behalf an operation runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The account, `None` for the command line.
    pub user_id: Option<UserId>,
    /// Login name, or `cli`.
    pub username: String,
    /// Shown name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The organisation the actor belongs to.
    pub org_id: Option<OrgId>,
    /// For bureau staff limited to towns: those towns.
    pub towns: Option<Vec<String>>,
}

impl Actor {
    /// The command line: a district-wide administrator.
    pub fn cli() -> Self {
        Actor {
            user_id: None,
            username: "cli".into(),
            display_name: "命令行".into(),
            role: Role::BureauAdmin,
            org_id: None,
            towns: None,
        }
    }

    /// The actor for a stored account.
    pub fn from_user(u: &UserRecord) -> Self {
        Actor {
            user_id: Some(u.id.clone()),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            org_id: u.org_id.clone(),
            towns: u.towns.clone(),
        }
    }

    /// How the event log names this actor.
    pub fn tag(&self) -> String {
        match &self.user_id {
            Some(_) => format!("user:{}", self.username),
            None => self.username.clone(),
        }
    }

    /// Whether the actor is district bureau staff.
    pub fn is_bureau(&self) -> bool {
        self.role.is_bureau()
    }

    /// Refuses anyone but bureau staff.
    pub fn require_bureau(&self) -> AppResult<()> {
        if self.is_bureau() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Refuses anyone but a bureau administrator.
    pub fn require_admin(&self) -> AppResult<()> {
        if self.role == Role::BureauAdmin {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Whether the actor may see this organisation: bureau staff within their towns,
    /// everyone else only their own organisation.
    pub fn can_see(&self, org: &OrgRecord) -> bool {
        if self.is_bureau() {
            self.in_scope(org.org.town.as_deref())
        } else {
            self.org_id.as_ref() == Some(&org.id)
        }
    }

    /// Whether a town is within a bureau actor's scope (always, when unscoped).
    pub fn in_scope(&self, town: Option<&str>) -> bool {
        match &self.towns {
            None => true,
            Some(ts) => town.is_some_and(|t| ts.iter().any(|x| x == t)),
        }
    }

    /// Whether the actor may file for this organisation: its own staff, or bureau
    /// staff within scope.
    pub fn can_file_for(&self, org: &OrgRecord) -> bool {
        if self.is_bureau() {
            self.in_scope(org.org.town.as_deref())
        } else {
            self.role == Role::Enterprise && self.org_id.as_ref() == Some(&org.id)
        }
    }
}

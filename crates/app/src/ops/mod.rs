//! Use cases by area.

pub mod auth;
pub mod challenge;
pub mod check;
pub mod contract;
pub mod contract_stats;
pub mod credit;
pub mod dashboard;
pub mod feedback;
pub mod filing;
pub mod geo;
pub mod home;
pub mod institute;
pub mod interest;
pub mod ip;
pub mod ladder;
pub mod ledger;
pub mod line;
pub mod map;
pub mod matchmaking;
pub mod notify;
pub mod org;
pub mod outcome;
pub mod platform;
pub mod policy;
pub mod portal;
pub mod qualification;
pub mod report;
pub mod saved_search;
pub mod sessions;
pub mod subsidy;
pub mod talent;

use crate::{Actor, App, AppError, AppResult};
use kechuang_core::ids::OrgId;
use kechuang_store::{Db, OrgRecord};

/// Loads an organisation the actor may see; anything else is `NotFound`, so an
/// enterprise cannot even learn that another id exists.
pub(crate) async fn visible_org(db: &mut Db, actor: &Actor, id: &OrgId) -> AppResult<OrgRecord> {
    let org = db.organisation(id).await?.ok_or(AppError::NotFound)?;
    if actor.can_see(&org) {
        Ok(org)
    } else {
        Err(AppError::NotFound)
    }
}

impl App {
    /// Now in unix µs (one place, so tests could pin it).
    pub fn now(&self) -> i64 {
        kechuang_store::now_us()
    }

    /// Today's date in China.
    pub fn today(&self) -> chrono::NaiveDate {
        kechuang_core::date::china_date_of(self.now())
    }
}

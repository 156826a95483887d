//! The portal (科技创新服务中心): the public front door's figures and newest
//! records per section.

use crate::{App, AppResult};
use serde::Serialize;

/// One newest record of a section.
#[derive(Debug, Clone, Serialize)]
pub struct Latest {
    /// Title.
    pub title: String,
    /// Its page.
    pub link: String,
    /// A date (published, deadline, posted).
    pub date: String,
}

/// The portal's content (public data only).
#[derive(Debug, Clone, Serialize)]
pub struct Portal {
    /// Figures by code (`enterprises`, `policies`, `needs`, …).
    pub counts: Vec<(&'static str, i64)>,
    /// Newest published policies.
    pub policies: Vec<Latest>,
    /// Newest open needs.
    pub needs: Vec<Latest>,
    /// 揭榜挂帅 calls open for applications.
    pub calls: Vec<Latest>,
    /// Newest open talent demands.
    pub talent_demands: Vec<Latest>,
}

impl Portal {
    /// A figure by code (0 when absent).
    pub fn count(&self, code: &str) -> i64 {
        self.counts
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(0, |(_, n)| *n)
    }
}

/// The portal.
pub async fn portal(app: &App) -> AppResult<Portal> {
    let mut db = app.store.read().await?;
    let counts = db.portal_counts().await?;
    let mut latest = async |what: &str, prefix: &str| -> AppResult<Vec<Latest>> {
        Ok(db
            .portal_latest(what, 5)
            .await?
            .into_iter()
            .map(|(id, title, date)| Latest {
                title,
                link: format!("{prefix}{id}"),
                date,
            })
            .collect())
    };
    let policies = latest("policies", "/policies/").await?;
    let needs = latest("needs", "/needs/").await?;
    let calls = latest("calls", "/challenges/").await?;
    let talent_demands = latest("talent_demands", "/talent#d-").await?;
    Ok(Portal {
        counts,
        policies,
        needs,
        calls,
        talent_demands,
    })
}

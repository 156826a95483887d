//! The university side of daily matching: for each achievement of a research
//! organisation, the enterprises' open needs that fit it.
//!
//! The reverse of [`crate::search::Searcher::match_need`]: BM25 over the index's
//! needs (only 征集中 / 对接中 ones are public in the index) with the
//! achievement's title, keywords and the start of its summary, then the same
//! feature rules read from the other end
//! ([`kechuang_core::chain::rerank_need`]), each contribution a reason.

use crate::search::Searcher;
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::chain::rerank_need;
use kechuang_search::{Kind, Query};
use kechuang_store::{Db, MatchFilter, Stored};

/// One need recommended for an achievement.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NeedMatch {
    /// The need's id.
    pub id: String,
    /// Its title (plain text).
    pub title: String,
    /// The enterprise.
    pub org_name: String,
    /// Its page.
    pub url: String,
    /// A fragment with matched terms in `<mark>`, everything else escaped.
    pub snippet_html: String,
    /// Combined score.
    pub score: f64,
    /// Why, zh-CN.
    pub reasons: Vec<String>,
}

/// An achievement with the needs that fit it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AchievementNeeds {
    /// The achievement's id.
    pub achievement_id: String,
    /// Its title.
    pub title: String,
    /// Fitting needs, best first.
    pub needs: Vec<NeedMatch>,
}

fn engine(e: kechuang_search::SearchError) -> AppError {
    AppError::Internal(anyhow::anyhow!("search index: {e}"))
}

async fn may_see(
    db: &mut Db,
    actor: &Actor,
    a: &Stored<kechuang_core::matchmaking::Achievement>,
) -> AppResult<()> {
    if actor.is_bureau() {
        crate::ops::visible_org(db, actor, &a.org_id)
            .await
            .map(|_| ())
    } else if actor.org_id.as_ref() == Some(&a.org_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

impl Searcher {
    /// The needs that fit one achievement (its organisation or the bureau).
    pub async fn needs_for_achievement(
        &self,
        app: &App,
        actor: &Actor,
        achievement_id: &str,
        top: usize,
    ) -> AppResult<Vec<NeedMatch>> {
        self.sync(app).await?;
        let mut db = app.store.read().await?;
        let a = db
            .achievement(achievement_id)
            .await?
            .ok_or(AppError::NotFound)?;
        may_see(&mut db, actor, &a).await?;
        self.rank_needs(&mut db, &a, top).await
    }

    async fn rank_needs(
        &self,
        db: &mut Db,
        a: &Stored<kechuang_core::matchmaking::Achievement>,
        top: usize,
    ) -> AppResult<Vec<NeedMatch>> {
        let r = &a.record;
        let mut text = r.title.clone();
        for k in &r.keywords {
            text.push(' ');
            text.push_str(k);
        }
        if let Some(s) = &r.summary {
            text.push(' ');
            text.extend(s.chars().take(120));
        }
        let mut q = Query::text(text);
        q.kinds = vec![Kind::Need];
        q.limit = 50;
        let hits = self.index().search(&q).map_err(engine)?;
        let best = hits
            .hits
            .first()
            .map_or(1.0, |h| f64::from(h.score).max(1e-9));
        let ids: Vec<String> = hits
            .hits
            .iter()
            .map(|h| {
                h.id.split_once(':')
                    .map_or(h.id.as_str(), |(_, id)| id)
                    .to_owned()
            })
            .collect();
        let mut needs: std::collections::HashMap<String, _> = db
            .needs_by_ids(&ids)
            .await?
            .into_iter()
            .map(|n| (n.id.clone(), n))
            .collect();
        let mut out = Vec::new();
        for (h, id) in hits.hits.into_iter().zip(&ids) {
            let Some(n) = needs.remove(id) else {
                continue;
            };
            if n.org_id == a.org_id {
                continue;
            }
            let (score, reasons) = rerank_need(
                &n.record.0,
                f64::from(h.score) / best,
                &h.matched,
                r,
                (Some(&n.org_code), Some(&a.org_code)),
            );
            out.push(NeedMatch {
                url: format!("/needs/{}", n.id),
                id: n.id,
                title: h.title,
                org_name: n.org_name,
                snippet_html: h.snippet,
                score,
                reasons,
            });
        }
        out.sort_by(|x, y| y.score.total_cmp(&x.score));
        out.truncate(top.clamp(1, 50));
        Ok(out)
    }

    /// For each achievement of an organisation (the actor's own; bureau staff
    /// name one), the needs that fit it.
    pub async fn recommendations(
        &self,
        app: &App,
        actor: &Actor,
        org: Option<&str>,
        top: usize,
    ) -> AppResult<Vec<AchievementNeeds>> {
        let org = match (
            actor.is_bureau(),
            org.map(str::trim).filter(|s| !s.is_empty()),
        ) {
            (true, Some(o)) => kechuang_core::ids::OrgId(o.to_string()),
            (true, None) => {
                return Err(AppError::invalid(kechuang_core::FieldError::new(
                    "org", "required",
                )));
            }
            (false, _) => actor.org_id.clone().ok_or(AppError::Forbidden)?,
        };
        self.sync(app).await?;
        let mut db = app.store.read().await?;
        crate::ops::visible_org(&mut db, actor, &org).await?;
        let (_, achievements) = db
            .achievements(&MatchFilter {
                org_id: Some(org),
                limit: 50,
                ..MatchFilter::default()
            })
            .await?;
        let mut out = Vec::with_capacity(achievements.len());
        for a in &achievements {
            out.push(AchievementNeeds {
                achievement_id: a.id.clone(),
                title: a.record.title.clone(),
                needs: self.rank_needs(&mut db, a, top).await?,
            });
        }
        Ok(out)
    }
}

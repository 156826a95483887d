//! The bureau's indicator dashboard for one period.

use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::indicator;
use kechuang_core::period::Period;
use kechuang_store::DashboardFigures;

/// Counts by qualification, per-town sums of every indicator for the period and a
/// year earlier, and the top 20 by `rank_by` (default 研发费用总额).
pub async fn figures(
    app: &App,
    actor: &Actor,
    period: &str,
    rank_by: Option<&str>,
) -> AppResult<(Period, DashboardFigures)> {
    actor.require_bureau()?;
    let period = Period::parse(period)?;
    let ind = match rank_by.map(str::trim).filter(|s| !s.is_empty()) {
        None => indicator::by_code("rd_expense"),
        Some(c) => indicator::by_code(c).or_else(|| indicator::by_header(c)),
    }
    .ok_or_else(|| AppError::invalid(FieldError::new("rank_by", "indicator_unknown")))?;
    let mut periods = vec![period];
    periods.extend(period.year_earlier());
    let scope = actor.towns.as_deref();
    let mut db = app.store.read().await?;
    let by_qualification = db
        .counts_by_qualification(period.end_date().min(app.today()), scope)
        .await?;
    let mut towns = db.town_indicator_sums(&periods).await?;
    if let Some(s) = scope {
        towns.retain(|t| s.contains(&t.town));
    }
    let top = db.top_by_indicator(period, ind, 20, scope).await?;
    Ok((
        period,
        DashboardFigures {
            by_qualification,
            towns,
            top,
        },
    ))
}

//! District targets ("double the number of 高企 by 2027"): progress and a forecast.
//!
//! The forecast fits a least-squares line through the counts observed at month
//! ends (exact decimal arithmetic) and reads it at the due date; with fewer than
//! two observations there is no forecast.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Progress of one target.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Progress {
    /// Count today.
    pub current: i64,
    /// Share of the way from baseline to target, percent (may exceed 100).
    pub pct: Option<Decimal>,
    /// The line's value at the due date, rounded to whole firms.
    pub forecast: Option<i64>,
    /// Whether the forecast reaches the target.
    pub on_track: Option<bool>,
    /// Per year the count must still grow to reach the target by the due date.
    pub needed_per_year: Option<Decimal>,
}

/// Progress from the baseline to the target, with a forecast from `history`
/// (day, count) observations.
pub fn progress(
    baseline: i64,
    target: i64,
    due: NaiveDate,
    today: NaiveDate,
    current: i64,
    history: &[(NaiveDate, i64)],
) -> Progress {
    let pct = (target != baseline).then(|| {
        (Decimal::from(current - baseline) * Decimal::ONE_HUNDRED
            / Decimal::from(target - baseline))
        .round_dp(1)
    });
    let forecast = fit(history).map(|(a, b)| {
        let x = Decimal::from((due - epoch()).num_days());
        (a + b * x).round().try_into().unwrap_or(i64::MAX)
    });
    let days_left = (due - today).num_days();
    let needed_per_year = (days_left > 0 && current < target).then(|| {
        (Decimal::from(target - current) * Decimal::from(365) / Decimal::from(days_left))
            .round_dp(1)
    });
    Progress {
        current,
        pct,
        forecast,
        on_track: forecast.map(|f| f >= target),
        needed_per_year,
    }
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// Least squares `y = a + b·x` with x in days since 2000-01-01.
fn fit(history: &[(NaiveDate, i64)]) -> Option<(Decimal, Decimal)> {
    if history.len() < 2 {
        return None;
    }
    let n = Decimal::from(history.len());
    let xs: Vec<Decimal> = history
        .iter()
        .map(|(d, _)| Decimal::from((*d - epoch()).num_days()))
        .collect();
    let ys: Vec<Decimal> = history.iter().map(|(_, y)| Decimal::from(*y)).collect();
    let mx = xs.iter().sum::<Decimal>() / n;
    let my = ys.iter().sum::<Decimal>() / n;
    let mut sxx = Decimal::ZERO;
    let mut sxy = Decimal::ZERO;
    for (x, y) in xs.iter().zip(&ys) {
        sxx += (x - mx) * (x - mx);
        sxy += (x - mx) * (y - my);
    }
    if sxx.is_zero() {
        return None;
    }
    let b = sxy / sxx;
    Some((my - b * mx, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn a_straight_line_forecasts_exactly() {
        // 100 firms at 2024-01-01, +1 a day: at 2024-04-10 (100 days later) 200.
        let h: Vec<_> = (0..10)
            .map(|i| {
                (
                    d(2024, 1, 1) + chrono::Days::new(i * 10),
                    100 + i as i64 * 10,
                )
            })
            .collect();
        let p = progress(100, 200, d(2024, 4, 10), d(2024, 3, 1), 190, &h);
        assert_eq!(p.forecast, Some(200));
        assert_eq!(p.on_track, Some(true));
        assert_eq!(p.pct, Some(Decimal::from(90)));
        let p = progress(100, 201, d(2024, 4, 10), d(2024, 3, 1), 190, &h);
        assert_eq!(p.on_track, Some(false));
    }

    #[test]
    fn one_observation_gives_no_forecast() {
        let p = progress(
            10,
            20,
            d(2027, 12, 31),
            d(2026, 1, 1),
            12,
            &[(d(2026, 1, 1), 12)],
        );
        assert_eq!(p.forecast, None);
        assert_eq!(p.on_track, None);
        assert!(p.needed_per_year.is_some());
    }
}

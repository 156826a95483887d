//! First-pass yield (FPY) per station and for the line, rework counts and reasons.
//!
//! * A station visit is first-pass when every required tightening was OK at its first
//!   attempt, there was no re-tightening (rework) and no supervisor override.
//! * A vehicle is first-pass at the line only if it is first-pass at every station it
//!   visited (the "良品率" of the line; ToolsNet calls the vehicle-level figure FPY and
//!   the product of station yields Rolled Throughput Yield, given too as [`LineYield::rty_ppm`]).

use std::collections::BTreeMap;

/// An exact ratio `num / den` (den may be 0: no data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Ratio {
    /// Numerator.
    pub num: u64,
    /// Denominator.
    pub den: u64,
}

impl Ratio {
    /// A ratio.
    pub fn new(num: u64, den: u64) -> Self {
        Self { num, den }
    }
    /// Rounded half up to per mille (‰); `None` without data.
    pub fn per_mille(self) -> Option<u64> {
        (self.den > 0).then(|| (self.num * 2000 + self.den) / (2 * self.den))
    }
    /// As a percentage for display (edge conversion only); `None` without data.
    pub fn pct(self) -> Option<f64> {
        (self.den > 0).then(|| self.num as f64 * 100.0 / self.den as f64)
    }
}

/// What one vehicle did at one station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitOutcome {
    /// The vehicle (VIN or any stable key).
    pub vehicle: String,
    /// Station position on the line (0-based or any stable key).
    pub station: u32,
    /// First-pass: every tightening OK at the first attempt, no override.
    pub first_pass: bool,
    /// Re-tightenings at this visit (rework attempts).
    pub rework: u32,
    /// Reasons given (override reasons, NOK reasons), one per rework or override.
    pub reasons: Vec<String>,
}

/// Yield of one station.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct StationYield {
    /// Station key.
    pub station: u32,
    /// First-pass visits over all visits.
    pub fpy: Ratio,
    /// Rework attempts counted (never counted as first-pass).
    pub rework: u64,
}

/// Yield of the line.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct LineYield {
    /// Per station, ordered by station key.
    pub stations: Vec<StationYield>,
    /// Vehicles first-pass at every station over vehicles seen.
    pub line_fpy: Ratio,
    /// Rolled throughput yield (product of station FPYs) in parts per million.
    pub rty_ppm: Option<u64>,
    /// Total rework attempts.
    pub rework: u64,
    /// Rework/override reasons with their counts, most frequent first.
    pub reasons: Vec<(String, u64)>,
}

/// Computes the yield figures of a set of visits.
pub fn first_pass_yield(visits: &[VisitOutcome]) -> LineYield {
    let mut st: BTreeMap<u32, StationYield> = BTreeMap::new();
    let mut veh: BTreeMap<&str, bool> = BTreeMap::new();
    let mut reasons: BTreeMap<&str, u64> = BTreeMap::new();
    let mut rework = 0u64;
    for v in visits {
        let s = st.entry(v.station).or_insert_with(|| StationYield {
            station: v.station,
            ..Default::default()
        });
        s.fpy.den += 1;
        s.fpy.num += u64::from(v.first_pass);
        s.rework += u64::from(v.rework);
        rework += u64::from(v.rework);
        let e = veh.entry(v.vehicle.as_str()).or_insert(true);
        *e &= v.first_pass;
        for r in &v.reasons {
            *reasons.entry(r.as_str()).or_default() += 1;
        }
    }
    let stations: Vec<StationYield> = st.into_values().collect();
    let line_fpy = Ratio::new(
        veh.values().filter(|ok| **ok).count() as u64,
        veh.len() as u64,
    );
    let mut reasons: Vec<(String, u64)> = reasons
        .into_iter()
        .map(|(r, n)| (r.to_owned(), n))
        .collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    LineYield {
        rty_ppm: rty_ppm(&stations),
        stations,
        line_fpy,
        rework,
        reasons,
    }
}

/// Product of the station yields in ppm (exact big-integer free: rounded per step in u128).
pub fn rty_ppm(stations: &[StationYield]) -> Option<u64> {
    if stations.is_empty() || stations.iter().any(|s| s.fpy.den == 0) {
        return None;
    }
    let mut num: u128 = 1_000_000;
    for s in stations {
        num =
            (num * u128::from(s.fpy.num) * 2 + u128::from(s.fpy.den)) / (2 * u128::from(s.fpy.den));
    }
    Some(num as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(vehicle: &str, station: u32, fp: bool, rework: u32) -> VisitOutcome {
        VisitOutcome {
            vehicle: vehicle.into(),
            station,
            first_pass: fp,
            rework,
            reasons: if fp {
                vec![]
            } else {
                vec!["NOK 重拧".into()]
            },
        }
    }

    #[test]
    fn vehicle_is_first_pass_only_at_every_station() {
        let visits = vec![
            v("A", 1, true, 0),
            v("A", 2, true, 0),
            v("B", 1, true, 0),
            v("B", 2, false, 1),
            v("C", 1, false, 2),
            v("C", 2, true, 0),
            v("D", 1, true, 0),
            v("D", 2, true, 0),
        ];
        let y = first_pass_yield(&visits);
        assert_eq!(y.line_fpy, Ratio::new(2, 4));
        assert_eq!(y.stations[0].fpy, Ratio::new(3, 4));
        assert_eq!(y.stations[1].fpy, Ratio::new(3, 4));
        assert_eq!(y.rework, 3);
        assert_eq!(y.stations[0].rework, 2);
        assert_eq!(y.reasons, vec![("NOK 重拧".to_owned(), 2)]);
        assert_eq!(y.rty_ppm, Some(562_500));
        assert_eq!(y.line_fpy.per_mille(), Some(500));
    }

    #[test]
    fn ratio_edges() {
        assert_eq!(Ratio::new(0, 0).per_mille(), None);
        assert_eq!(Ratio::new(1, 3).per_mille(), Some(333));
        assert_eq!(Ratio::new(2, 3).per_mille(), Some(667));
        assert_eq!(Ratio::new(19, 20).pct(), Some(95.0));
        assert_eq!(first_pass_yield(&[]).rty_ppm, None);
    }

    proptest! {
        #[test]
        fn line_fpy_never_exceeds_any_station(raw in proptest::collection::vec((0u8..6, 0u32..4, any::<bool>()), 0..80)) {
            let visits: Vec<VisitOutcome> = raw.iter().map(|(veh, st, fp)| v(&veh.to_string(), *st, *fp, u32::from(!*fp))).collect();
            let y = first_pass_yield(&visits);
            // A vehicle that is first-pass at the line is first-pass at every station it
            // visited, so first-pass vehicles ≤ first-pass visits at each station it saw.
            let mut by_vehicle = std::collections::BTreeMap::new();
            for x in &visits { *by_vehicle.entry(x.vehicle.clone()).or_insert(true) &= x.first_pass; }
            prop_assert_eq!(y.line_fpy.num, by_vehicle.values().filter(|b| **b).count() as u64);
            prop_assert_eq!(y.line_fpy.den, by_vehicle.len() as u64);
            prop_assert_eq!(y.stations.iter().map(|s| s.fpy.den).sum::<u64>(), visits.len() as u64);
            prop_assert_eq!(y.rework, visits.iter().filter(|x| !x.first_pass).count() as u64);
            if let Some(ppm) = y.rty_ppm { prop_assert!(ppm <= 1_000_000); }
        }
    }
}

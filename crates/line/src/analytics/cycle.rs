//! Cycle time per station (work time: cart arrival → release), its distribution,
//! the bottleneck station and throughput.
//!
//! Distributions are kept in a fixed-bucket histogram so that hourly rollups can be
//! merged exactly; percentiles read from the histogram are the upper edge of the bucket
//! holding the rank (never below the true percentile, at most one bucket above it),
//! except that they are capped by the exact maximum.

use std::collections::BTreeMap;

/// Bucket upper edges in milliseconds: 1 s wide up to 120 s, 5 s up to 600 s, 60 s up to
/// 3600 s; anything longer falls in the last (overflow) bucket.
pub fn bucket_edges_ms() -> &'static [i64] {
    static EDGES: std::sync::OnceLock<Vec<i64>> = std::sync::OnceLock::new();
    EDGES.get_or_init(|| {
        let mut e = Vec::new();
        let mut s = 1;
        while s <= 120 {
            e.push(s * 1000);
            s += 1;
        }
        let mut s = 125;
        while s <= 600 {
            e.push(s * 1000);
            s += 5;
        }
        let mut s = 660;
        while s <= 3600 {
            e.push(s * 1000);
            s += 60;
        }
        e.push(i64::MAX);
        e
    })
}

/// Index of the bucket holding `ms` (negative durations count as 0).
pub fn bucket_of(ms: i64) -> usize {
    let ms = ms.max(0);
    bucket_edges_ms().partition_point(|edge| *edge < ms.max(1))
}

/// A sparse histogram of cycle times: bucket index → count.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CycleHistogram {
    /// Bucket index → count.
    pub buckets: BTreeMap<usize, u64>,
}

impl CycleHistogram {
    /// Adds one duration.
    pub fn add(&mut self, ms: i64) {
        *self.buckets.entry(bucket_of(ms)).or_default() += 1;
    }
    /// Merges another histogram.
    pub fn merge(&mut self, other: &CycleHistogram) {
        for (b, n) in &other.buckets {
            *self.buckets.entry(*b).or_default() += n;
        }
    }
    /// Total count.
    pub fn count(&self) -> u64 {
        self.buckets.values().sum()
    }
    /// The `q`-th percentile (q in 1..=100) as the upper edge of its bucket, in ms.
    pub fn percentile_ms(&self, q: u64) -> Option<i64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let rank = (n * q).div_ceil(100).max(1);
        let mut seen = 0;
        for (b, c) in &self.buckets {
            seen += c;
            if seen >= rank {
                return Some(bucket_edges_ms()[*b]);
            }
        }
        None
    }
    /// Compact text form `bucket:count,…` (for rollup storage).
    pub fn encode(&self) -> String {
        let mut s = String::new();
        for (b, n) in &self.buckets {
            if !s.is_empty() {
                s.push(',');
            }
            s.push_str(&format!("{b}:{n}"));
        }
        s
    }
    /// Parses [`CycleHistogram::encode`]'s form; malformed parts are an error naming them.
    pub fn decode(s: &str) -> Result<Self, String> {
        let mut h = Self::default();
        for part in s.split(',').filter(|p| !p.is_empty()) {
            let (b, n) = part
                .split_once(':')
                .ok_or_else(|| format!("cycle histogram: part {part:?} has no ':'"))?;
            let b: usize = b
                .parse()
                .map_err(|_| format!("cycle histogram: bucket {b:?} is not a number"))?;
            let n: u64 = n
                .parse()
                .map_err(|_| format!("cycle histogram: count {n:?} is not a number"))?;
            if b >= bucket_edges_ms().len() {
                return Err(format!("cycle histogram: bucket {b} out of range"));
            }
            *h.buckets.entry(b).or_default() += n;
        }
        Ok(h)
    }
}

/// Cycle time statistics of one station.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CycleStats {
    /// Visits counted.
    pub count: u64,
    /// Sum of work times, ms.
    pub sum_ms: i64,
    /// Exact minimum, ms.
    pub min_ms: Option<i64>,
    /// Exact maximum, ms.
    pub max_ms: Option<i64>,
    /// Distribution.
    pub hist: CycleHistogram,
}

impl CycleStats {
    /// Adds one visit's work time.
    pub fn add(&mut self, ms: i64) {
        self.count += 1;
        self.sum_ms += ms;
        self.min_ms = Some(self.min_ms.map_or(ms, |m| m.min(ms)));
        self.max_ms = Some(self.max_ms.map_or(ms, |m| m.max(ms)));
        self.hist.add(ms);
    }
    /// Merges another station's (or hour's) statistics.
    pub fn merge(&mut self, o: &CycleStats) {
        self.count += o.count;
        self.sum_ms += o.sum_ms;
        self.min_ms = match (self.min_ms, o.min_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max_ms = match (self.max_ms, o.max_ms) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.hist.merge(&o.hist);
    }
    /// Mean in ms, rounded half up.
    pub fn mean_ms(&self) -> Option<i64> {
        (self.count > 0).then(|| (self.sum_ms * 2 + self.count as i64) / (2 * self.count as i64))
    }
    /// Percentile (bucket upper edge, capped by the exact maximum).
    pub fn percentile_ms(&self, q: u64) -> Option<i64> {
        let p = self.hist.percentile_ms(q)?;
        Some(self.max_ms.map_or(p, |m| p.min(m)))
    }
}

/// The bottleneck station and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bottleneck {
    /// Station key.
    pub station: u32,
    /// Its mean work time, ms.
    pub mean_ms: i64,
    /// Utilisation in per mille: Σ work time ÷ the period's length.
    pub utilisation_per_mille: Option<u64>,
}

/// The bottleneck: the station with the highest mean work time (cart arrival → release);
/// ties go to the station with the larger total work time, then the lower key. Its
/// utilisation (work time ÷ period) is reported alongside when `period_ms > 0`.
pub fn bottleneck(stations: &BTreeMap<u32, CycleStats>, period_ms: i64) -> Option<Bottleneck> {
    stations
        .iter()
        .filter_map(|(k, s)| s.mean_ms().map(|m| (*k, m, s.sum_ms)))
        .max_by(|a, b| a.1.cmp(&b.1).then(a.2.cmp(&b.2)).then(b.0.cmp(&a.0)))
        .map(|(station, mean_ms, sum)| Bottleneck {
            station,
            mean_ms,
            utilisation_per_mille: (period_ms > 0).then(|| {
                ((sum as i128 * 2000 + period_ms as i128) / (2 * period_ms as i128)) as u64
            }),
        })
}

/// Vehicles completed per hour of the period, as an exact ratio (vehicles × 3,600,000 / ms).
pub fn throughput_per_hour(vehicles: u64, period_ms: i64) -> super::Ratio {
    super::Ratio::new(vehicles * 3_600_000, period_ms.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn buckets_are_increasing_and_cover_everything() {
        let e = bucket_edges_ms();
        assert!(e.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(1000), 0);
        assert_eq!(bucket_of(1001), 1);
        assert_eq!(bucket_of(60_000), 59);
        assert_eq!(bucket_of(121_000), 120);
        assert_eq!(bucket_of(i64::MAX), e.len() - 1);
    }

    #[test]
    fn stats_table() {
        let mut s = CycleStats::default();
        for ms in [
            50_000, 52_000, 55_000, 58_000, 61_000, 64_000, 70_000, 72_000, 90_000, 120_000,
        ] {
            s.add(ms);
        }
        assert_eq!(s.count, 10);
        assert_eq!(s.mean_ms(), Some(69_200));
        assert_eq!(s.percentile_ms(50), Some(61_000));
        assert_eq!(s.percentile_ms(90), Some(90_000));
        assert_eq!(s.percentile_ms(100), Some(120_000));
        assert_eq!(s.min_ms, Some(50_000));
        let round = CycleHistogram::decode(&s.hist.encode()).unwrap();
        assert_eq!(round, s.hist);
        assert!(CycleHistogram::decode("3:x").unwrap_err().contains("count"));
        assert!(
            CycleHistogram::decode("99999:1")
                .unwrap_err()
                .contains("out of range")
        );
    }

    #[test]
    fn bottleneck_is_the_slowest_mean() {
        let mut m = BTreeMap::new();
        for (k, ms) in [(1u32, 40_000i64), (2, 58_000), (3, 45_000)] {
            let mut s = CycleStats::default();
            s.add(ms);
            s.add(ms + 2000);
            m.insert(k, s);
        }
        let b = bottleneck(&m, 120_000).unwrap();
        assert_eq!(b.station, 2);
        assert_eq!(b.mean_ms, 59_000);
        assert_eq!(b.utilisation_per_mille, Some(983));
        assert!(bottleneck(&BTreeMap::new(), 1).is_none());
        assert_eq!(throughput_per_hour(60, 3_600_000).per_mille(), Some(60_000));
    }

    proptest! {
        #[test]
        fn percentile_is_at_or_above_the_exact_one_and_merge_is_exact(xs in proptest::collection::vec(0i64..4_000_000, 1..200), split in 0usize..200) {
            let mut all = CycleStats::default();
            for x in &xs { all.add(*x); }
            let mut sorted = xs.clone();
            sorted.sort();
            for q in [50u64, 90, 100] {
                let rank = ((xs.len() as u64 * q).div_ceil(100)).max(1) as usize;
                let exact = sorted[rank - 1];
                let p = all.percentile_ms(q).unwrap();
                prop_assert!(p >= exact);
                // never more than one bucket above
                prop_assert!(bucket_of(p) <= bucket_of(exact));
            }
            let k = split.min(xs.len());
            let (mut a, mut b) = (CycleStats::default(), CycleStats::default());
            for x in &xs[..k] { a.add(*x); }
            for x in &xs[k..] { b.add(*x); }
            a.merge(&b);
            prop_assert_eq!(a, all);
        }
    }
}

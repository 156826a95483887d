//! A small deterministic pseudo-random generator (SplitMix64) and the few
//! distributions the demo needs.
//!
//! Every draw uses integer arithmetic or the correctly rounded float operations
//! (`+ − × ÷`, `sqrt`, `round`), and [`exp`] is computed here rather than by the
//! platform's maths library, so one seed gives the same district on every machine.
//! Each part of the generator takes its own stream ([`Rng::stream`]), so changing
//! how many numbers one part draws does not reshuffle the others.

use chrono::NaiveDate;

/// SplitMix64 (Steele, Lea and Flood 2014): one 64-bit state, full period, and
/// good enough statistics for synthetic data.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// The stream named `label` of the district generated from `seed`.
    pub(crate) fn stream(seed: u64, label: &str) -> Self {
        // FNV-1a of the label, mixed into the seed.
        let mut h: u64 = 0xCBF2_9CE4_8422_2325;
        for b in label.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01B3);
        }
        let mut r = Rng { state: seed ^ h };
        // Discard one output so that nearby seeds do not start nearby.
        r.next_u64();
        r
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0), by Lemire's multiply-shift.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform index into a collection of `n` items (`n` > 0).
    pub(crate) fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub(crate) fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// `true` with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Approximately standard normal (Irwin–Hall: twelve uniforms minus six).
    pub(crate) fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }

    /// Log-normal with the given median and log-scale spread.
    pub(crate) fn log_normal(&mut self, median: f64, sigma: f64) -> f64 {
        median * exp(sigma * self.normal())
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.index(xs.len())]
    }

    /// An index drawn with the given weights (the last index if all are zero).
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        weights.len().saturating_sub(1)
    }

    /// Fisher–Yates shuffle.
    pub(crate) fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.index(i + 1);
            xs.swap(i, j);
        }
    }

    /// A day in `from..=to` (`from` when the range is empty).
    pub(crate) fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let days = (to - from).num_days();
        if days <= 0 {
            return from;
        }
        from + chrono::TimeDelta::days(self.between(0, days))
    }
}

/// `e^x` from basic operations only: `x = k·ln 2 + r` with `|r| ≤ ln 2 / 2`, a
/// Taylor series for `e^r`, then `k` exact doublings or halvings.
pub(crate) fn exp(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    let x = x.clamp(-40.0, 40.0);
    let k = (x / LN2).round();
    let r = x - k * LN2;
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=18 {
        term *= r / f64::from(n);
        sum += term;
    }
    let (factor, steps) = if k >= 0.0 { (2.0, k) } else { (0.5, -k) };
    for _ in 0..steps as u32 {
        sum *= factor;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::stream(2023, "names");
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::stream(2023, "names");
                move |_| r.next_u64()
            })
            .collect();
        let c = Rng::stream(2023, "towns").next_u64();
        assert_eq!(a, b);
        assert_ne!(a[0], c);
        assert_ne!(Rng::stream(2024, "names").next_u64(), a[0]);
    }

    #[test]
    fn draws_stay_in_their_ranges() {
        let mut r = Rng::stream(1, "t");
        for _ in 0..2000 {
            assert!(r.below(7) < 7);
            let x = r.between(-3, 3);
            assert!((-3..=3).contains(&x));
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            assert!(r.weighted(&[0, 5, 0]) == 1);
        }
        let d0 = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        let d1 = NaiveDate::from_ymd_opt(2023, 1, 3).unwrap();
        let d = r.date_between(d0, d1);
        assert!(d0 <= d && d <= d1);
    }

    #[test]
    fn exp_matches_the_library_closely() {
        for x in [-5.0, -1.0, -0.3, 0.0, 0.5, 1.0, 2.7, 6.0] {
            let ours = exp(x);
            let lib = f64::exp(x);
            assert!(((ours - lib) / lib).abs() < 1e-12, "{x}: {ours} vs {lib}");
        }
    }
}

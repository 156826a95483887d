//! Bands with explicit inclusive or exclusive bounds (§9 "Boundaries").
//!
//! Chinese policy text mixes 以上/以下 (含本数), 不低于, 超过 and (含); every band
//! here states both bounds and whether each is inclusive, so a boundary value
//! falls where the text puts it. Percentages are in percent units (`5` = 5 %).

use rust_decimal::Decimal;

/// One band: `lo ≤/< value ≤/< hi` gives `points`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    /// Lower bound; `None` = unbounded.
    pub lo: Option<Decimal>,
    /// Whether the lower bound belongs to the band.
    pub lo_incl: bool,
    /// Upper bound; `None` = unbounded.
    pub hi: Option<Decimal>,
    /// Whether the upper bound belongs to the band.
    pub hi_incl: bool,
    /// Points (or the lowest points of a graded range, see `points_max`).
    pub points: u32,
    /// Highest points of a graded band (equal to `points` for fixed points).
    pub points_max: u32,
}

impl Band {
    /// `value ≥ lo` (含), fixed points.
    pub const fn at_least(lo: Decimal, points: u32) -> Self {
        Self {
            lo: Some(lo),
            lo_incl: true,
            hi: None,
            hi_incl: false,
            points,
            points_max: points,
        }
    }

    /// `lo ≤ value < hi`, fixed points.
    pub const fn from_to(lo: Decimal, hi: Decimal, points: u32) -> Self {
        Self {
            lo: Some(lo),
            lo_incl: true,
            hi: Some(hi),
            hi_incl: false,
            points,
            points_max: points,
        }
    }

    /// `value < hi`, fixed points.
    pub const fn below(hi: Decimal, points: u32) -> Self {
        Self {
            lo: None,
            lo_incl: false,
            hi: Some(hi),
            hi_incl: false,
            points,
            points_max: points,
        }
    }

    /// Any value (a catch-all band).
    pub const fn any(points: u32) -> Self {
        Self {
            lo: None,
            lo_incl: false,
            hi: None,
            hi_incl: false,
            points,
            points_max: points,
        }
    }

    /// The same band with a graded range of points.
    pub const fn graded(mut self, min: u32, max: u32) -> Self {
        self.points = min;
        self.points_max = max;
        self
    }

    /// The same band with the lower bound made exclusive (`> lo`).
    pub const fn lo_exclusive(mut self) -> Self {
        self.lo_incl = false;
        self
    }

    /// The same band with the upper bound made inclusive (`≤ hi`).
    pub const fn hi_inclusive(mut self) -> Self {
        self.hi_incl = true;
        self
    }

    /// Whether `v` falls in the band.
    pub fn contains(&self, v: Decimal) -> bool {
        let lo_ok = match self.lo {
            None => true,
            Some(lo) if self.lo_incl => v >= lo,
            Some(lo) => v > lo,
        };
        let hi_ok = match self.hi {
            None => true,
            Some(hi) if self.hi_incl => v <= hi,
            Some(hi) => v < hi,
        };
        lo_ok && hi_ok
    }

    /// The bound as the UI shows it: `≥ 30`, `> 5`, `[25, 30)`, `< 10`.
    pub fn describe(&self) -> String {
        match (self.lo, self.hi) {
            (Some(lo), None) => format!("{} {lo}", if self.lo_incl { "≥" } else { ">" }),
            (None, Some(hi)) => format!("{} {hi}", if self.hi_incl { "≤" } else { "<" }),
            (Some(lo), Some(hi)) => format!(
                "{}{lo}, {hi}{}",
                if self.lo_incl { "[" } else { "(" },
                if self.hi_incl { "]" } else { ")" }
            ),
            (None, None) => "任意".to_string(),
        }
    }
}

/// The first band (in table order) that contains `v`.
pub fn find(bands: &[Band], v: Decimal) -> Option<&Band> {
    bands.iter().find(|b| b.contains(v))
}

/// `num / den × 100`, exact; `None` when `den` is zero.
pub fn ratio_pct(num: Decimal, den: Decimal) -> Option<Decimal> {
    if den.is_zero() {
        None
    } else {
        num.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(den)
    }
}

/// Percent constant: `pc(5)` = 5 %, `pcd(25, 1)` = 2.5 %.
pub const fn pc(v: i64) -> Decimal {
    Decimal::from_parts(v.unsigned_abs() as u32, 0, 0, v < 0, 0)
}

/// A decimal constant with `scale` decimals: `pcd(25, 1)` = 2.5.
pub const fn pcd(v: i64, scale: u32) -> Decimal {
    Decimal::from_parts(v.unsigned_abs() as u32, 0, 0, v < 0, scale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ladder::d;

    #[test]
    fn bounds_are_exact() {
        let b = Band::from_to(pc(25), pc(30), 16);
        assert!(b.contains(d("25")));
        assert!(b.contains(d("29.9999")));
        assert!(!b.contains(d("30")));
        assert!(
            Band::at_least(pc(5), 1)
                .lo_exclusive()
                .contains(d("5.0001"))
        );
        assert!(!Band::at_least(pc(5), 1).lo_exclusive().contains(d("5")));
        assert_eq!(pcd(25, 1), d("2.5"));
        assert_eq!(pc(-3), d("-3"));
        assert_eq!(ratio_pct(d("1"), d("3")).unwrap().round_dp(4), d("33.3333"));
        assert_eq!(ratio_pct(d("1"), d("0")), None);
    }
}

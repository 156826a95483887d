//! Torque SPC per joint: X̄-R charts over subgroups of size n (2..=10), process
//! capability Cp/Cpk against the joint's torque window, and run-rule alarms.
//!
//! Values are final torques of OK tightenings in centi-Nm (as PowerMACS builds its
//! subgroups from OK results only). Chart values are in milli-centi-Nm (×1000), rounded
//! half away from zero; capability indices are in thousandths.
//!
//! Run rules (Western Electric rules 1–4 and Nelson rule 3), on the X̄ chart, with
//! σ(X̄) = A2·R̄/3; and rule 1 on the R chart:
//! 1. one point beyond the 3σ limits;
//! 2. two of three consecutive points beyond 2σ on the same side;
//! 3. four of five consecutive points beyond 1σ on the same side;
//! 4. eight consecutive points on the same side of the centre line;
//! 5. six points in a row steadily increasing or decreasing (Nelson 3).

/// Shewhart constants for a subgroup size, in thousandths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartConstants {
    /// Subgroup size.
    pub n: usize,
    /// A2 ×1000.
    pub a2: i64,
    /// D3 ×1000.
    pub d3: i64,
    /// D4 ×1000.
    pub d4: i64,
    /// d2 ×1000.
    pub d2: i64,
}

const TABLE: [(i64, i64, i64, i64); 9] = [
    (1880, 0, 3267, 1128),
    (1023, 0, 2574, 1693),
    (729, 0, 2282, 2059),
    (577, 0, 2114, 2326),
    (483, 0, 2004, 2534),
    (419, 76, 1924, 2704),
    (373, 136, 1864, 2847),
    (337, 184, 1816, 2970),
    (308, 223, 1777, 3078),
];

/// The constants for subgroup size `n`; `None` outside 2..=10.
pub fn chart_constants(n: usize) -> Option<ChartConstants> {
    (2..=10).contains(&n).then(|| {
        let (a2, d3, d4, d2) = TABLE[n - 2];
        ChartConstants { n, a2, d3, d4, d2 }
    })
}

/// One subgroup: `n` values summarised exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Subgroup {
    /// Values in it.
    pub n: u32,
    /// Sum of values (centi-Nm).
    pub sum: i64,
    /// Smallest value.
    pub min: i64,
    /// Largest value.
    pub max: i64,
}

impl Subgroup {
    /// Mean ×1000, rounded half away from zero.
    pub fn mean_milli(&self) -> i64 {
        div_round(i128::from(self.sum) * 1000, i128::from(self.n.max(1))) as i64
    }
    /// Range (centi-Nm).
    pub fn range(&self) -> i64 {
        self.max - self.min
    }
}

/// Splits values into consecutive subgroups of size `n`; a trailing partial group is left out.
pub fn subgroups_of(values: &[i64], n: usize) -> Vec<Subgroup> {
    if n == 0 {
        return Vec::new();
    }
    values
        .chunks_exact(n)
        .map(|c| Subgroup {
            n: n as u32,
            sum: c.iter().sum(),
            min: *c.iter().min().unwrap_or(&0),
            max: *c.iter().max().unwrap_or(&0),
        })
        .collect()
}

fn div_round(a: i128, b: i128) -> i128 {
    if b == 0 {
        return 0;
    }
    let (q, r) = (a / b, a % b);
    if 2 * r.abs() >= b.abs() {
        q + if (a < 0) ^ (b < 0) { -1 } else { 1 }
    } else {
        q
    }
}

/// An X̄-R chart: centre lines and limits in milli-centi-Nm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XbarR {
    /// Subgroup size.
    pub n: usize,
    /// Subgroups used.
    pub k: usize,
    /// X̄ of each subgroup.
    pub xbar: Vec<i64>,
    /// R of each subgroup ×1000.
    pub r: Vec<i64>,
    /// Grand mean X̿.
    pub center: i64,
    /// X̄ chart upper control limit.
    pub ucl: i64,
    /// X̄ chart lower control limit.
    pub lcl: i64,
    /// Mean range R̄.
    pub r_bar: i64,
    /// R chart upper control limit.
    pub r_ucl: i64,
    /// R chart lower control limit.
    pub r_lcl: i64,
}

/// The X̄-R chart of subgroups of one size; `None` with no subgroups, mixed sizes or
/// a size outside 2..=10.
pub fn xbar_r(groups: &[Subgroup]) -> Option<XbarR> {
    let n = groups.first()?.n as usize;
    if groups.iter().any(|g| g.n as usize != n) {
        return None;
    }
    let c = chart_constants(n)?;
    let k = groups.len() as i128;
    let total: i128 = groups.iter().map(|g| i128::from(g.sum)).sum();
    let rsum: i128 = groups.iter().map(|g| i128::from(g.range())).sum();
    let center = div_round(total * 1000, k * n as i128);
    let r_bar = div_round(rsum * 1000, k);
    let spread = div_round(rsum * i128::from(c.a2), k);
    Some(XbarR {
        n,
        k: groups.len(),
        xbar: groups.iter().map(Subgroup::mean_milli).collect(),
        r: groups.iter().map(|g| g.range() * 1000).collect(),
        center: center as i64,
        ucl: (center + spread) as i64,
        lcl: (center - spread) as i64,
        r_bar: r_bar as i64,
        r_ucl: div_round(rsum * i128::from(c.d4), k) as i64,
        r_lcl: div_round(rsum * i128::from(c.d3), k) as i64,
    })
}

/// Process capability against a torque window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capability {
    /// Cp ×1000 (σ within subgroups = R̄/d2).
    pub cp: Option<i64>,
    /// Cpk ×1000.
    pub cpk: Option<i64>,
    /// Enough data to publish (≥ 25 subgroups and ≥ 100 values).
    pub enough: bool,
}

/// Cp = (USL−LSL)/6σ and Cpk = min(USL−μ, μ−LSL)/3σ with σ = R̄/d2; `lsl`/`usl` in centi-Nm.
/// `None` indices when R̄ is 0 or the window is empty.
pub fn capability(groups: &[Subgroup], lsl: i64, usl: i64) -> Capability {
    let none = Capability {
        cp: None,
        cpk: None,
        enough: false,
    };
    let Some(first) = groups.first() else {
        return none;
    };
    let Some(c) = chart_constants(first.n as usize) else {
        return none;
    };
    if groups.iter().any(|g| g.n != first.n) || usl <= lsl {
        return none;
    }
    let k = groups.len() as i128;
    let n_total: i128 = groups.iter().map(|g| i128::from(g.n)).sum();
    let sum: i128 = groups.iter().map(|g| i128::from(g.sum)).sum();
    let rsum: i128 = groups.iter().map(|g| i128::from(g.range())).sum();
    let enough = k >= 25 && n_total >= 100;
    if rsum == 0 {
        return Capability {
            cp: None,
            cpk: None,
            enough,
        };
    }
    // σ = R̄/d2 = rsum/(k·d2/1000) → 1/σ = k·d2 / (1000·rsum)
    let d2 = i128::from(c.d2);
    let cp = div_round(i128::from(usl - lsl) * d2 * k, 6 * rsum);
    let upper = i128::from(usl) * n_total - sum;
    let lower = sum - i128::from(lsl) * n_total;
    let cpk = div_round(upper.min(lower) * d2 * k, 3 * rsum * n_total);
    Capability {
        cp: Some(cp as i64),
        cpk: Some(cpk as i64),
        enough,
    }
}

/// A run rule (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum RunRule {
    /// One X̄ beyond 3σ.
    BeyondLimits,
    /// Two of three beyond 2σ, same side.
    TwoOfThreeBeyond2Sigma,
    /// Four of five beyond 1σ, same side.
    FourOfFiveBeyond1Sigma,
    /// Eight in a row on one side of the centre.
    EightOnOneSide,
    /// Six in a row steadily increasing or decreasing.
    SixTrending,
    /// One range above the R chart's upper limit.
    RangeBeyondLimit,
}

impl RunRule {
    /// zh-CN description.
    pub fn zh(self) -> &'static str {
        match self {
            Self::BeyondLimits => "1点超出控制限",
            Self::TwoOfThreeBeyond2Sigma => "连续3点中有2点超出2σ（同侧）",
            Self::FourOfFiveBeyond1Sigma => "连续5点中有4点超出1σ（同侧）",
            Self::EightOnOneSide => "连续8点在中心线同侧",
            Self::SixTrending => "连续6点递增或递减",
            Self::RangeBeyondLimit => "极差超出上控制限",
        }
    }
}

/// An alarm: a rule broken at a subgroup index (the point that completes the pattern).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RunRuleAlarm {
    /// Rule.
    pub rule: RunRule,
    /// Index of the subgroup completing the pattern.
    pub at: usize,
}

/// Evaluates the run rules on a chart.
pub fn run_rules(chart: &XbarR) -> Vec<RunRuleAlarm> {
    let Some(c) = chart_constants(chart.n) else {
        return Vec::new();
    };
    // zone test: |x − X̿| > z·σ with σ = A2·R̄/3 (all ×1000) ⇔ 3000·|d| > z·A2·R̄
    let rbar = i128::from(chart.r_bar);
    let a2 = i128::from(c.a2);
    let side = |i: usize, z: i128| -> i8 {
        let d = i128::from(chart.xbar[i]) - i128::from(chart.center);
        if 3000 * d.abs() > z * a2 * rbar {
            d.signum() as i8
        } else {
            0
        }
    };
    let mut out = Vec::new();
    let x = &chart.xbar;
    for i in 0..x.len() {
        if x[i] > chart.ucl || x[i] < chart.lcl {
            out.push(RunRuleAlarm {
                rule: RunRule::BeyondLimits,
                at: i,
            });
        }
        for (rule, len, need, z) in [
            (RunRule::TwoOfThreeBeyond2Sigma, 3usize, 2usize, 2i128),
            (RunRule::FourOfFiveBeyond1Sigma, 5, 4, 1),
        ] {
            if i + 1 >= len {
                let w = i + 1 - len..=i;
                for s in [1i8, -1] {
                    let hits = w.clone().filter(|j| side(*j, z) == s).count();
                    if hits >= need && side(i, z) == s {
                        out.push(RunRuleAlarm { rule, at: i });
                    }
                }
            }
        }
        if i >= 7 {
            let w = &x[i - 7..=i];
            if w.iter().all(|v| *v > chart.center) || w.iter().all(|v| *v < chart.center) {
                out.push(RunRuleAlarm {
                    rule: RunRule::EightOnOneSide,
                    at: i,
                });
            }
        }
        if i >= 5 {
            let w = &x[i - 5..=i];
            if w.windows(2).all(|p| p[1] > p[0]) || w.windows(2).all(|p| p[1] < p[0]) {
                out.push(RunRuleAlarm {
                    rule: RunRule::SixTrending,
                    at: i,
                });
            }
        }
        if chart.r[i] > chart.r_ucl {
            out.push(RunRuleAlarm {
                rule: RunRule::RangeBeyondLimit,
                at: i,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn constants_table() {
        assert!(chart_constants(1).is_none());
        assert!(chart_constants(11).is_none());
        let c5 = chart_constants(5).unwrap();
        assert_eq!((c5.a2, c5.d3, c5.d4, c5.d2), (577, 0, 2114, 2326));
        let c10 = chart_constants(10).unwrap();
        assert_eq!((c10.a2, c10.d3, c10.d4, c10.d2), (308, 223, 1777, 3078));
    }

    #[test]
    fn chart_by_hand() {
        // three subgroups of 2: (10,12) (11,13) (9,9): X̿ = 64/6, R̄ = 4/3
        let g = subgroups_of(&[10, 12, 11, 13, 9, 9, 7], 2);
        assert_eq!(g.len(), 3);
        let c = xbar_r(&g).unwrap();
        assert_eq!(c.center, 10_667);
        assert_eq!(c.r_bar, 1_333);
        assert_eq!(c.xbar, vec![11_000, 12_000, 9_000]);
        // A2 = 1.880: 4/3 × 1.880 = 2.50667
        assert_eq!(c.ucl, 10_667 + 2_507);
        assert_eq!(c.lcl, 10_667 - 2_507);
        assert_eq!(c.r_ucl, 4_356);
        assert_eq!(c.r_lcl, 0);
        assert!(xbar_r(&[]).is_none());
        let mut mixed = g.clone();
        mixed[0].n = 3;
        assert!(xbar_r(&mixed).is_none());
    }

    #[test]
    fn capability_by_hand() {
        // 25 subgroups of 4 around 2500 centi-Nm with range 40: σ = 40/2.059 = 19.43
        let mut vals = Vec::new();
        for _ in 0..25 {
            vals.extend([2480, 2500, 2500, 2520]);
        }
        let g = subgroups_of(&vals, 4);
        let cap = capability(&g, 2300, 2700);
        // Cp = 400/(6·19.427) = 3.431; Cpk = 200/(3·19.427) = 3.431
        assert_eq!(cap.cp, Some(3432));
        assert_eq!(cap.cpk, Some(3432));
        assert!(cap.enough);
        let off = capability(&g, 2450, 2700);
        // μ − LSL = 50 → 50/(3σ) = 0.858
        assert_eq!(off.cpk, Some(858));
        assert!(!capability(&g[..10], 2300, 2700).enough);
        assert_eq!(capability(&g, 2700, 2300).cp, None);
    }

    fn chart_of(means: &[i64]) -> XbarR {
        // subgroups of 2 with range 10 around each mean
        let g: Vec<Subgroup> = means
            .iter()
            .map(|m| Subgroup {
                n: 2,
                sum: 2 * m,
                min: m - 5,
                max: m + 5,
            })
            .collect();
        xbar_r(&g).unwrap()
    }

    #[test]
    fn rules_fire_on_their_patterns() {
        // σ(X̄) = 1.88·10/3 = 6.27 around ~1000
        let mut base = vec![1000i64; 20];
        base[10] = 1030; // beyond 3σ (18.8)
        let alarms = run_rules(&chart_of(&base));
        assert!(
            alarms
                .iter()
                .any(|a| a.rule == RunRule::BeyondLimits && a.at == 10)
        );

        let mut m = vec![1000i64, 1001, 999, 1000, 1001, 999, 1000, 1001, 999, 1000];
        m.extend([1016, 1000, 1016]); // two of three beyond 2σ (12.5) high
        let alarms = run_rules(&chart_of(&m));
        assert!(
            alarms
                .iter()
                .any(|a| a.rule == RunRule::TwoOfThreeBeyond2Sigma && a.at == 12)
        );
        assert!(!alarms.iter().any(|a| a.rule == RunRule::BeyondLimits));

        let trend: Vec<i64> = vec![1000, 999, 1001, 1000, 995, 997, 999, 1001, 1003, 1005, 1000];
        let alarms = run_rules(&chart_of(&trend));
        assert!(
            alarms
                .iter()
                .any(|a| a.rule == RunRule::SixTrending && a.at == 9)
        );

        let mut side = vec![995i64, 1005, 995, 1005, 995];
        side.extend(std::iter::repeat_n(1003, 8));
        let alarms = run_rules(&chart_of(&side));
        assert!(
            alarms
                .iter()
                .any(|a| a.rule == RunRule::EightOnOneSide && a.at == 12)
        );

        let quiet = vec![1000i64, 1002, 998, 1001, 999, 1000, 1002, 998, 1001, 999];
        assert!(run_rules(&chart_of(&quiet)).is_empty());
    }

    proptest! {
        #[test]
        fn limits_are_ordered_and_no_panic(vals in proptest::collection::vec(0i64..100_000, 0..120), n in 2usize..=10) {
            let g = subgroups_of(&vals, n);
            prop_assert_eq!(g.len(), vals.len() / n);
            if let Some(c) = xbar_r(&g) {
                prop_assert!(c.lcl <= c.center && c.center <= c.ucl);
                prop_assert!(c.r_lcl <= c.r_bar && c.r_bar <= c.r_ucl);
                let _ = run_rules(&c);
                let cap = capability(&g, 0, 100_000);
                if let (Some(cp), Some(cpk)) = (cap.cp, cap.cpk) { prop_assert!(cpk <= cp + 1); }
            }
        }
    }
}

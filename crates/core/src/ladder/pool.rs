//! The cultivation pool's workflow: 入库 → 辅导 → 申报 → 认定 / 未通过.

use crate::error::FieldError;

/// Where an enterprise stands for a tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 入库: taken into the pool.
    Entered,
    /// 辅导: being coached.
    Coaching,
    /// 申报: has applied.
    Applied,
    /// 认定: recognised.
    Recognized,
    /// 未通过: not recognised this round.
    Rejected,
}

impl Stage {
    /// All stages in order.
    pub const ALL: [Self; 5] = [
        Self::Entered,
        Self::Coaching,
        Self::Applied,
        Self::Recognized,
        Self::Rejected,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Entered => "entered",
            Self::Coaching => "coaching",
            Self::Applied => "applied",
            Self::Recognized => "recognized",
            Self::Rejected => "rejected",
        }
    }

    /// zh-CN label.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Entered => "入库",
            Self::Coaching => "辅导",
            Self::Applied => "申报",
            Self::Recognized => "认定",
            Self::Rejected => "未通过",
        }
    }

    /// From a code or a zh-CN label.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|x| x.code() == s || x.zh() == s)
    }

    /// The stages reachable from `self` (`None` = not in the pool yet).
    pub fn next(from: Option<Self>) -> &'static [Self] {
        use Stage::*;
        match from {
            None => &[Entered],
            Some(Entered) => &[Coaching, Applied],
            Some(Coaching) => &[Applied],
            Some(Applied) => &[Recognized, Rejected],
            // A firm that failed re-enters the pool for the next round.
            Some(Rejected) => &[Entered, Coaching],
            // A recognised firm re-enters when its title comes up for renewal.
            Some(Recognized) => &[Entered],
        }
    }
}

/// Checks a move; an error names the stages allowed.
pub fn check_move(from: Option<Stage>, to: Stage) -> Result<(), FieldError> {
    if Stage::next(from).contains(&to) {
        Ok(())
    } else {
        let allowed: Vec<&str> = Stage::next(from).iter().map(|s| s.zh()).collect();
        Err(FieldError::new("stage", "pool_move_invalid")
            .with("from", from.map_or("未入库", Stage::zh))
            .with("to", to.zh())
            .with("allowed", allowed.join("、")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_goes_entered_coaching_applied_then_decided() {
        assert!(check_move(None, Stage::Entered).is_ok());
        assert!(check_move(None, Stage::Applied).is_err());
        assert!(check_move(Some(Stage::Entered), Stage::Coaching).is_ok());
        assert!(check_move(Some(Stage::Coaching), Stage::Applied).is_ok());
        assert!(check_move(Some(Stage::Applied), Stage::Recognized).is_ok());
        assert!(check_move(Some(Stage::Applied), Stage::Rejected).is_ok());
        assert!(check_move(Some(Stage::Coaching), Stage::Recognized).is_err());
        let e = check_move(Some(Stage::Entered), Stage::Recognized).unwrap_err();
        assert_eq!(e.param("allowed"), Some("辅导、申报"));
        assert_eq!(Stage::parse("辅导"), Some(Stage::Coaching));
    }
}

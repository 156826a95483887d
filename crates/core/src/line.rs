//! The assembly line as plain records: a line's configuration (stations in order,
//! tightening tasks, torque controllers), the frame number (VIN), station visits,
//! tightening results and line events. The store persists these; the `line` crate's
//! tracker produces them. Torque is integer centi-newton-metres (Nm × 100, as Open
//! Protocol sends it), angle integer degrees, instants unix microseconds.

use crate::error::FieldError;

/// A line's lifecycle status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    /// 试产: trial production (small batches, tuning).
    Trial,
    /// 量产: mass production.
    Mass,
    /// 停用: stopped.
    Stopped,
}

impl LineStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [Self; 3] = [Self::Trial, Self::Mass, Self::Stopped];

    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::Trial => "trial",
            Self::Mass => "mass",
            Self::Stopped => "stopped",
        }
    }

    /// The zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Trial => "试产",
            Self::Mass => "量产",
            Self::Stopped => "停用",
        }
    }

    /// Parses a code or a zh-CN label.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.code() == s || v.label() == s)
    }
}

/// A vehicle (here: motorcycle frame) identification number: 17 characters of the
/// VIN alphabet (digits and capital letters without I, O and Q, ISO 3779).
/// The check digit is not enforced: motorcycle frame numbers outside North America
/// do not always carry one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Vin(String);

impl Vin {
    /// Length of a VIN.
    pub const LEN: usize = 17;

    /// Validates a VIN as received (surrounding spaces, as Open Protocol pads its
    /// 25-character field, are trimmed).
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        if t.chars().count() != Self::LEN {
            return Err(FieldError::new("vin", "vin_length")
                .with("expected", Self::LEN)
                .with("actual", t.chars().count()));
        }
        if let Some((i, c)) = t.chars().enumerate().find(|(_, c)| !Self::allowed(*c)) {
            return Err(FieldError::new("vin", "vin_character")
                .with("position", i + 1)
                .with("character", c));
        }
        Ok(Self(t.to_string()))
    }

    /// Whether `c` belongs to the VIN alphabet.
    pub fn allowed(c: char) -> bool {
        (c.is_ascii_digit() || c.is_ascii_uppercase()) && !matches!(c, 'I' | 'O' | 'Q')
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Vin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One tightening task of a station: a joint with `bolt_count` bolts tightened with
/// one parameter set inside the torque and angle windows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TaskSpec {
    /// Joint name, unique within the station (e.g. "发动机悬置").
    pub joint: String,
    /// Bolts of this joint (≥ 1).
    pub bolt_count: u32,
    /// Parameter set selected on the controller (MID 0018), 1–999.
    pub pset: u32,
    /// Lowest acceptable torque, centi-Nm.
    pub torque_min_cnm: i64,
    /// Target torque, centi-Nm.
    pub torque_target_cnm: i64,
    /// Highest acceptable torque, centi-Nm.
    pub torque_max_cnm: i64,
    /// Lowest acceptable angle, degrees.
    pub angle_min_deg: i64,
    /// Highest acceptable angle, degrees.
    pub angle_max_deg: i64,
}

impl TaskSpec {
    /// Checks the task; errors name the field (`tasks[i].field` is the caller's).
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.joint.trim().is_empty() {
            return Err(FieldError::new("joint", "required"));
        }
        if !(1..=99).contains(&self.bolt_count) {
            return Err(FieldError::new("bolt_count", "out_of_range")
                .with("min", 1)
                .with("max", 99));
        }
        if !(1..=999).contains(&self.pset) {
            return Err(FieldError::new("pset", "out_of_range")
                .with("min", 1)
                .with("max", 999));
        }
        if self.torque_min_cnm < 0
            || self.torque_min_cnm > self.torque_target_cnm
            || self.torque_target_cnm > self.torque_max_cnm
        {
            return Err(FieldError::new("torque_window", "window_order"));
        }
        if self.angle_min_deg < 0 || self.angle_min_deg > self.angle_max_deg {
            return Err(FieldError::new("angle_window", "window_order"));
        }
        Ok(())
    }

    /// Whether a torque and an angle lie inside the windows.
    pub fn judges(&self, torque_cnm: i64, angle_deg: i64) -> (bool, bool) {
        (
            (self.torque_min_cnm..=self.torque_max_cnm).contains(&torque_cnm),
            (self.angle_min_deg..=self.angle_max_deg).contains(&angle_deg),
        )
    }
}

/// A torque controller serving a station.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ControllerSpec {
    /// Controller id (stable text id).
    pub id: String,
    /// Host name or address.
    pub host: String,
    /// TCP port (Open Protocol default 4545).
    pub port: u16,
    /// Channel (tool) number on the controller.
    pub channel: u32,
}

/// A station of a line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StationSpec {
    /// Station id (stable text id).
    pub id: String,
    /// Short code used in MQTT topics and on screens ("st01"): `[a-z0-9-]`, 1–32.
    pub code: String,
    /// Display name ("前叉装配").
    pub name: String,
    /// Tightening tasks in order.
    pub tasks: Vec<TaskSpec>,
    /// Controllers serving the station.
    pub controllers: Vec<ControllerSpec>,
}

impl StationSpec {
    /// Required tightenings at this station (sum of bolt counts).
    pub fn required_bolts(&self) -> u32 {
        self.tasks.iter().map(|t| t.bolt_count).sum()
    }
}

/// A configured line: stations in order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LineSpec {
    /// Line id.
    pub id: String,
    /// Owner organisation id.
    pub org_id: String,
    /// Code used in MQTT topics ("l1"): `[a-z0-9-]`, 1–32.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Status.
    pub status: LineStatus,
    /// Stations in line order.
    pub stations: Vec<StationSpec>,
}

fn check_code(field: &str, s: &str) -> Result<(), FieldError> {
    if s.is_empty()
        || s.len() > 32
        || !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(FieldError::new(field, "code_format").with("allowed", "a-z 0-9 -"));
    }
    Ok(())
}

impl LineSpec {
    /// Checks the whole configuration; errors name the field path
    /// (`stations[2].tasks[0].torque_window`).
    pub fn validate(&self) -> Result<(), FieldError> {
        check_code("code", &self.code)?;
        if self.name.trim().is_empty() {
            return Err(FieldError::new("name", "required"));
        }
        if self.stations.is_empty() {
            return Err(FieldError::new("stations", "required"));
        }
        let mut codes = std::collections::HashSet::new();
        let mut endpoints = std::collections::HashSet::new();
        for (i, s) in self.stations.iter().enumerate() {
            let at = |f: &str| format!("stations[{i}].{f}");
            check_code(&at("code"), &s.code)?;
            if !codes.insert(s.code.as_str()) {
                return Err(FieldError::new(at("code"), "duplicate"));
            }
            if s.name.trim().is_empty() {
                return Err(FieldError::new(at("name"), "required"));
            }
            let mut joints = std::collections::HashSet::new();
            for (k, t) in s.tasks.iter().enumerate() {
                t.validate()
                    .map_err(|e| e.clone().at(at(&format!("tasks[{k}].{}", e.field))))?;
                if !joints.insert(t.joint.as_str()) {
                    return Err(FieldError::new(
                        at(&format!("tasks[{k}].joint")),
                        "duplicate",
                    ));
                }
            }
            for (k, c) in s.controllers.iter().enumerate() {
                if c.host.trim().is_empty() {
                    return Err(FieldError::new(
                        at(&format!("controllers[{k}].host")),
                        "required",
                    ));
                }
                if !endpoints.insert((c.host.as_str(), c.port, c.channel)) {
                    return Err(FieldError::new(
                        at(&format!("controllers[{k}].port")),
                        "duplicate",
                    ));
                }
            }
        }
        Ok(())
    }

    /// The station with `code`.
    pub fn station(&self, code: &str) -> Option<&StationSpec> {
        self.stations.iter().find(|s| s.code == code)
    }
}

/// How a cart left a station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseKind {
    /// Every required tightening was OK.
    Ok,
    /// A supervisor released it with open NOK/missing tightenings.
    Override,
}

impl ReleaseKind {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Override => "override",
        }
    }
    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Ok, Self::Override]
            .into_iter()
            .find(|v| v.code() == s)
    }
}

/// A supervisor's override: who and why (both required, see [`Override::new`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Override {
    /// The supervisor (user id or badge).
    pub user: String,
    /// Why.
    pub reason: String,
}

impl Override {
    /// An override; refuses an empty user or reason.
    pub fn new(user: &str, reason: &str) -> Result<Self, FieldError> {
        if user.trim().is_empty() {
            return Err(FieldError::new("user", "required"));
        }
        if reason.trim().is_empty() {
            return Err(FieldError::new("reason", "required"));
        }
        Ok(Self {
            user: user.trim().to_string(),
            reason: reason.trim().to_string(),
        })
    }
}

/// One cart's stay at one station.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VisitRecord {
    /// Visit id.
    pub id: String,
    /// Line id.
    pub line_id: String,
    /// Station id.
    pub station_id: String,
    /// Frame number.
    pub vin: String,
    /// Arrival instant (unix µs).
    pub arrived_us: i64,
    /// Release instant, when released.
    pub released_us: Option<i64>,
    /// How it was released.
    pub release: Option<ReleaseKind>,
    /// The override, when released by one.
    pub override_by: Option<Override>,
    /// Every bolt OK at its first attempt.
    pub first_pass: bool,
    /// Re-tightenings (attempts after a NOK).
    pub rework_count: u32,
}

/// Why a tightening result could not be assigned normally. The result is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultFlag {
    /// The VIN in the result is not a valid VIN or is not the cart's.
    UnknownVin,
    /// The station had no cart.
    NoCart,
    /// Every bolt of the station was already OK (an extra hit).
    Extra,
    /// A repeat of a tightening already stored (same controller, same tightening id,
    /// different content); an identical repeat is simply not stored twice.
    Duplicate,
}

impl ResultFlag {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownVin => "unknown_vin",
            Self::NoCart => "no_cart",
            Self::Extra => "extra",
            Self::Duplicate => "duplicate",
        }
    }
    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::UnknownVin, Self::NoCart, Self::Extra, Self::Duplicate]
            .into_iter()
            .find(|v| v.code() == s)
    }
}

/// One tightening result as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TighteningRecord {
    /// Line id.
    pub line_id: String,
    /// Station id.
    pub station_id: String,
    /// The visit it was assigned to.
    pub visit_id: Option<String>,
    /// VIN as received (trimmed), if any.
    pub vin: Option<String>,
    /// Controller id.
    pub controller_id: String,
    /// The controller's tightening id (unique per controller).
    pub tightening_id: i64,
    /// Joint, when assigned.
    pub joint: Option<String>,
    /// Bolt position within the joint (1-based), when assigned.
    pub bolt: Option<u32>,
    /// Attempt on that bolt (1 = first).
    pub attempt: Option<u32>,
    /// Parameter set the controller ran.
    pub pset: u32,
    /// Final torque, centi-Nm.
    pub torque_cnm: i64,
    /// Final angle, degrees.
    pub angle_deg: i64,
    /// Overall OK.
    pub ok: bool,
    /// Torque inside its window.
    pub torque_ok: bool,
    /// Angle inside its window.
    pub angle_ok: bool,
    /// When received (unix µs).
    pub at_us: i64,
    /// The controller's time stamp as sent (local time, no zone).
    pub controller_time: String,
    /// A flag when not assigned normally.
    pub flag: Option<ResultFlag>,
}

/// Kinds of line events (andon and the station log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineEventKind {
    /// A cart arrived.
    Arrived,
    /// A cart was released.
    Released,
    /// A pedal was refused (NOK or missing tightenings).
    Refused,
    /// A supervisor override.
    Override,
    /// Andon raised.
    Andon,
    /// A cart arrival with an illegal VIN.
    IllegalVin,
    /// A result flagged (unknown VIN, no cart, extra, duplicate).
    Flagged,
    /// A controller link went down.
    ControllerDown,
    /// A controller link came up.
    ControllerUp,
    /// An unreadable or misaddressed message (MQTT or controller).
    BadMessage,
}

impl LineEventKind {
    /// Every kind.
    pub const ALL: [Self; 10] = [
        Self::Arrived,
        Self::Released,
        Self::Refused,
        Self::Override,
        Self::Andon,
        Self::IllegalVin,
        Self::Flagged,
        Self::ControllerDown,
        Self::ControllerUp,
        Self::BadMessage,
    ];
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Arrived => "arrived",
            Self::Released => "released",
            Self::Refused => "refused",
            Self::Override => "override",
            Self::Andon => "andon",
            Self::IllegalVin => "illegal_vin",
            Self::Flagged => "flagged",
            Self::ControllerDown => "controller_down",
            Self::ControllerUp => "controller_up",
            Self::BadMessage => "bad_message",
        }
    }
    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.code() == s)
    }
}

/// A line event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineEventRecord {
    /// Line id.
    pub line_id: String,
    /// Station id, when it concerns one.
    pub station_id: Option<String>,
    /// Kind.
    pub kind: LineEventKind,
    /// VIN, when it concerns one.
    pub vin: Option<String>,
    /// Details as JSON text (failing bolts, reason, raw payload…).
    pub detail: String,
    /// Instant (unix µs).
    pub at_us: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vin_alphabet_and_length() {
        assert_eq!(
            Vin::parse(" LZSPCJLG5K1234567 ").unwrap().as_str(),
            "LZSPCJLG5K1234567"
        );
        let e = Vin::parse("LZSPCJLG5K123456").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("vin", "vin_length"));
        let e = Vin::parse("LZSPCJLG5K12345O7").unwrap_err();
        assert_eq!(e.code, "vin_character");
        assert_eq!(e.param("position"), Some("16"));
        assert!(Vin::parse("lzspcjlg5k1234567").is_err());
        assert!(Vin::parse("LZSPCJLG5K12345I7").is_err());
        assert!(Vin::parse("LZSPCJLG5K12345Q7").is_err());
    }

    fn task() -> TaskSpec {
        TaskSpec {
            joint: "发动机悬置".into(),
            bolt_count: 4,
            pset: 7,
            torque_min_cnm: 4_000,
            torque_target_cnm: 4_500,
            torque_max_cnm: 5_000,
            angle_min_deg: 10,
            angle_max_deg: 90,
        }
    }

    #[test]
    fn line_validation_names_the_field() {
        let mut l = LineSpec {
            id: "l".into(),
            org_id: "o".into(),
            code: "l1".into(),
            name: "一号线".into(),
            status: LineStatus::Trial,
            stations: vec![StationSpec {
                id: "s".into(),
                code: "st01".into(),
                name: "车架".into(),
                tasks: vec![task()],
                controllers: vec![],
            }],
        };
        assert!(l.validate().is_ok());
        l.stations[0].tasks[0].torque_max_cnm = 100;
        assert_eq!(
            l.validate().unwrap_err().field,
            "stations[0].tasks[0].torque_window"
        );
        l.stations[0].tasks[0] = task();
        l.code = "L 1".into();
        assert_eq!(l.validate().unwrap_err().field, "code");
        assert_eq!(task().judges(4_000, 90), (true, true));
        assert_eq!(task().judges(5_001, 9), (false, false));
        assert_eq!(LineStatus::parse("量产"), Some(LineStatus::Mass));
        assert!(Override::new("u", " ").is_err());
    }
}

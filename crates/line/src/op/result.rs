//! Tightening results: 0061 last tightening result data (revisions 1-3) and 0065 old
//! tightening result (revision 1). 0060/0062/0063 carry no data; 0064 carries the ID.

use super::error::{DecodeError, EncodeError};
use super::field::{Reader, Writer};
use super::types::{BatchStatus, LimitStatus, TighteningStatus, Timestamp, Torque};

/// MID 0061: one tightening result.
///
/// The fields of revision 1 are always present; `rev2` holds what revision 2 adds and `rev3`
/// what revision 3 adds on top (revision 3 requires `rev2`). Torque is exact centi-Nm, angle
/// whole degrees, text fields without their space padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TighteningResult {
    pub cell_id: u16,
    pub channel_id: u8,
    pub controller_name: String,
    pub vin: String,
    /// 2 digits in revision 1, 4 digits from revision 2.
    pub job_id: u16,
    pub pset_id: u16,
    pub batch_size: u16,
    pub batch_counter: u16,
    pub tightening_status: TighteningStatus,
    pub torque_status: LimitStatus,
    pub angle_status: LimitStatus,
    pub torque_min: Torque,
    pub torque_max: Torque,
    pub torque_target: Torque,
    pub torque: Torque,
    pub angle_min: u32,
    pub angle_max: u32,
    pub angle_target: u32,
    pub angle: u32,
    pub timestamp: Timestamp,
    pub last_pset_change: Timestamp,
    pub batch_status: BatchStatus,
    pub tightening_id: u32,
    pub rev2: Option<Rev2Fields>,
    pub rev3: Option<Rev3Fields>,
}

/// What MID 0061 revision 2 adds to revision 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rev2Fields {
    pub strategy: u8,
    pub strategy_options: u32,
    pub rundown_angle_status: LimitStatus,
    pub current_monitoring_status: LimitStatus,
    pub self_tap_status: LimitStatus,
    pub prevail_torque_monitoring_status: LimitStatus,
    pub prevail_torque_compensate_status: LimitStatus,
    /// Bit field (torque max shut-off, trigger lost, rehit, …) sent as 10 decimal digits.
    pub tightening_error_status: u32,
    pub rundown_angle_min: u32,
    pub rundown_angle_max: u32,
    pub rundown_angle: u32,
    pub current_monitoring_min: u16,
    pub current_monitoring_max: u16,
    pub current_monitoring_value: u16,
    pub self_tap_min: Torque,
    pub self_tap_max: Torque,
    pub self_tap: Torque,
    pub prevail_torque_min: Torque,
    pub prevail_torque_max: Torque,
    pub prevail_torque: Torque,
    pub job_sequence_number: u32,
    pub sync_tightening_id: u32,
    pub tool_serial_number: String,
}

impl Rev2Fields {
    /// The rehit bit of the tightening error status (bit 2 of R2.8 Table 80).
    pub const ERROR_REHIT: u32 = 1 << 2;
}

/// What MID 0061 revision 3 adds to revision 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rev3Fields {
    pub pset_name: String,
    /// 1 Nm, 2 lbf·ft, 3 lbf·in, 4 kpm, 5 kgf·cm, 6 ozf·in, 7 %, 8 Ncm.
    pub torque_unit: u8,
    /// 1 tightening, 2 loosening, 3 batch increment, 4 batch decrement, 5 bypass Pset, …
    pub result_type: u8,
}

const MID: u16 = 61;

impl TighteningResult {
    pub const MAX_REVISION: u16 = 3;

    pub fn revision(&self) -> u16 {
        match (&self.rev2, &self.rev3) {
            (_, Some(_)) => 3,
            (Some(_), None) => 2,
            (None, None) => 1,
        }
    }

    pub fn is_ok(&self) -> bool {
        self.tightening_status.is_ok()
    }

    /// The same result cut down to `revision` (1-3): the extension fields beyond it dropped,
    /// missing ones filled with defaults.
    pub fn at_revision(&self, revision: u16) -> Self {
        let mut out = self.clone();
        if revision < 3 {
            out.rev3 = None;
        } else if out.rev3.is_none() {
            out.rev3 = Some(Rev3Fields {
                pset_name: String::new(),
                torque_unit: 1,
                result_type: 1,
            });
        }
        if revision < 2 {
            out.rev2 = None;
            out.job_id = out.job_id.min(99);
        } else if out.rev2.is_none() {
            out.rev2 = Some(Rev2Fields::plain(self.tightening_status));
        }
        out
    }

    pub(crate) fn decode(r: &mut Reader<'_>, revision: u16) -> Result<Self, DecodeError> {
        match revision {
            1 => Self::decode_rev1(r),
            2 | 3 => Self::decode_rev2(r, revision),
            _ => Err(DecodeError::UnsupportedRevision { mid: MID, revision }),
        }
    }

    fn decode_rev1(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.param(1, "cell_id")?;
        let cell_id = r.num("cell_id", 4)?;
        r.param(2, "channel_id")?;
        let channel_id = r.num("channel_id", 2)?;
        r.param(3, "controller_name")?;
        let controller_name = r.text("controller_name", 25)?;
        r.param(4, "vin")?;
        let vin = r.text("vin", 25)?;
        r.param(5, "job_id")?;
        let job_id = r.num("job_id", 2)?;
        r.param(6, "pset_id")?;
        let pset_id = r.num("pset_id", 3)?;
        r.param(7, "batch_size")?;
        let batch_size = r.num("batch_size", 4)?;
        r.param(8, "batch_counter")?;
        let batch_counter = r.num("batch_counter", 4)?;
        r.param(9, "tightening_status")?;
        let tightening_status = tightening_status(r)?;
        r.param(10, "torque_status")?;
        let torque_status = r.status("torque_status")?;
        r.param(11, "angle_status")?;
        let angle_status = r.status("angle_status")?;
        r.param(12, "torque_min")?;
        let torque_min = r.torque("torque_min")?;
        r.param(13, "torque_max")?;
        let torque_max = r.torque("torque_max")?;
        r.param(14, "torque_target")?;
        let torque_target = r.torque("torque_target")?;
        r.param(15, "torque")?;
        let torque = r.torque("torque")?;
        r.param(16, "angle_min")?;
        let angle_min = r.num("angle_min", 5)?;
        r.param(17, "angle_max")?;
        let angle_max = r.num("angle_max", 5)?;
        r.param(18, "angle_target")?;
        let angle_target = r.num("angle_target", 5)?;
        r.param(19, "angle")?;
        let angle = r.num("angle", 5)?;
        r.param(20, "timestamp")?;
        let timestamp = r.timestamp("timestamp")?;
        r.param(21, "last_pset_change")?;
        let last_pset_change = r.timestamp("last_pset_change")?;
        r.param(22, "batch_status")?;
        let batch_status = batch_status(r)?;
        r.param(23, "tightening_id")?;
        let tightening_id = r.num("tightening_id", 10)?;
        Ok(Self {
            cell_id,
            channel_id,
            controller_name,
            vin,
            job_id,
            pset_id,
            batch_size,
            batch_counter,
            tightening_status,
            torque_status,
            angle_status,
            torque_min,
            torque_max,
            torque_target,
            torque,
            angle_min,
            angle_max,
            angle_target,
            angle,
            timestamp,
            last_pset_change,
            batch_status,
            tightening_id,
            rev2: None,
            rev3: None,
        })
    }

    fn decode_rev2(r: &mut Reader<'_>, revision: u16) -> Result<Self, DecodeError> {
        r.param(1, "cell_id")?;
        let cell_id = r.num("cell_id", 4)?;
        r.param(2, "channel_id")?;
        let channel_id = r.num("channel_id", 2)?;
        r.param(3, "controller_name")?;
        let controller_name = r.text("controller_name", 25)?;
        r.param(4, "vin")?;
        let vin = r.text("vin", 25)?;
        r.param(5, "job_id")?;
        let job_id = r.num("job_id", 4)?;
        r.param(6, "pset_id")?;
        let pset_id = r.num("pset_id", 3)?;
        r.param(7, "strategy")?;
        let strategy = r.num("strategy", 2)?;
        r.param(8, "strategy_options")?;
        let strategy_options = r.num("strategy_options", 5)?;
        r.param(9, "batch_size")?;
        let batch_size = r.num("batch_size", 4)?;
        r.param(10, "batch_counter")?;
        let batch_counter = r.num("batch_counter", 4)?;
        r.param(11, "tightening_status")?;
        let tightening_status = tightening_status(r)?;
        r.param(12, "batch_status")?;
        let batch_status = batch_status(r)?;
        r.param(13, "torque_status")?;
        let torque_status = r.status("torque_status")?;
        r.param(14, "angle_status")?;
        let angle_status = r.status("angle_status")?;
        r.param(15, "rundown_angle_status")?;
        let rundown_angle_status = r.status("rundown_angle_status")?;
        r.param(16, "current_monitoring_status")?;
        let current_monitoring_status = r.status("current_monitoring_status")?;
        r.param(17, "self_tap_status")?;
        let self_tap_status = r.status("self_tap_status")?;
        r.param(18, "prevail_torque_monitoring_status")?;
        let prevail_torque_monitoring_status = r.status("prevail_torque_monitoring_status")?;
        r.param(19, "prevail_torque_compensate_status")?;
        let prevail_torque_compensate_status = r.status("prevail_torque_compensate_status")?;
        r.param(20, "tightening_error_status")?;
        let tightening_error_status = r.num("tightening_error_status", 10)?;
        r.param(21, "torque_min")?;
        let torque_min = r.torque("torque_min")?;
        r.param(22, "torque_max")?;
        let torque_max = r.torque("torque_max")?;
        r.param(23, "torque_target")?;
        let torque_target = r.torque("torque_target")?;
        r.param(24, "torque")?;
        let torque = r.torque("torque")?;
        r.param(25, "angle_min")?;
        let angle_min = r.num("angle_min", 5)?;
        r.param(26, "angle_max")?;
        let angle_max = r.num("angle_max", 5)?;
        r.param(27, "angle_target")?;
        let angle_target = r.num("angle_target", 5)?;
        r.param(28, "angle")?;
        let angle = r.num("angle", 5)?;
        r.param(29, "rundown_angle_min")?;
        let rundown_angle_min = r.num("rundown_angle_min", 5)?;
        r.param(30, "rundown_angle_max")?;
        let rundown_angle_max = r.num("rundown_angle_max", 5)?;
        r.param(31, "rundown_angle")?;
        let rundown_angle = r.num("rundown_angle", 5)?;
        r.param(32, "current_monitoring_min")?;
        let current_monitoring_min = r.num("current_monitoring_min", 3)?;
        r.param(33, "current_monitoring_max")?;
        let current_monitoring_max = r.num("current_monitoring_max", 3)?;
        r.param(34, "current_monitoring_value")?;
        let current_monitoring_value = r.num("current_monitoring_value", 3)?;
        r.param(35, "self_tap_min")?;
        let self_tap_min = r.torque("self_tap_min")?;
        r.param(36, "self_tap_max")?;
        let self_tap_max = r.torque("self_tap_max")?;
        r.param(37, "self_tap")?;
        let self_tap = r.torque("self_tap")?;
        r.param(38, "prevail_torque_min")?;
        let prevail_torque_min = r.torque("prevail_torque_min")?;
        r.param(39, "prevail_torque_max")?;
        let prevail_torque_max = r.torque("prevail_torque_max")?;
        r.param(40, "prevail_torque")?;
        let prevail_torque = r.torque("prevail_torque")?;
        r.param(41, "tightening_id")?;
        let tightening_id = r.num("tightening_id", 10)?;
        r.param(42, "job_sequence_number")?;
        let job_sequence_number = r.num("job_sequence_number", 5)?;
        r.param(43, "sync_tightening_id")?;
        let sync_tightening_id = r.num("sync_tightening_id", 5)?;
        r.param(44, "tool_serial_number")?;
        let tool_serial_number = r.text("tool_serial_number", 14)?;
        r.param(45, "timestamp")?;
        let timestamp = r.timestamp("timestamp")?;
        r.param(46, "last_pset_change")?;
        let last_pset_change = r.timestamp("last_pset_change")?;
        let rev3 = if revision >= 3 {
            r.param(47, "pset_name")?;
            let pset_name = r.text("pset_name", 25)?;
            r.param(48, "torque_unit")?;
            let torque_unit = r.num("torque_unit", 1)?;
            r.param(49, "result_type")?;
            let result_type = r.num("result_type", 2)?;
            Some(Rev3Fields {
                pset_name,
                torque_unit,
                result_type,
            })
        } else {
            None
        };
        Ok(Self {
            cell_id,
            channel_id,
            controller_name,
            vin,
            job_id,
            pset_id,
            batch_size,
            batch_counter,
            tightening_status,
            torque_status,
            angle_status,
            torque_min,
            torque_max,
            torque_target,
            torque,
            angle_min,
            angle_max,
            angle_target,
            angle,
            timestamp,
            last_pset_change,
            batch_status,
            tightening_id,
            rev2: Some(Rev2Fields {
                strategy,
                strategy_options,
                rundown_angle_status,
                current_monitoring_status,
                self_tap_status,
                prevail_torque_monitoring_status,
                prevail_torque_compensate_status,
                tightening_error_status,
                rundown_angle_min,
                rundown_angle_max,
                rundown_angle,
                current_monitoring_min,
                current_monitoring_max,
                current_monitoring_value,
                self_tap_min,
                self_tap_max,
                self_tap,
                prevail_torque_min,
                prevail_torque_max,
                prevail_torque,
                job_sequence_number,
                sync_tightening_id,
                tool_serial_number,
            }),
            rev3,
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        let Some(ext) = &self.rev2 else {
            return self.encode_rev1(w);
        };
        w.param(1).num("cell_id", u64::from(self.cell_id), 4)?;
        w.param(2)
            .num("channel_id", u64::from(self.channel_id), 2)?;
        w.param(3)
            .text("controller_name", &self.controller_name, 25)?;
        w.param(4).text("vin", &self.vin, 25)?;
        w.param(5).num("job_id", u64::from(self.job_id), 4)?;
        w.param(6).num("pset_id", u64::from(self.pset_id), 3)?;
        w.param(7).num("strategy", u64::from(ext.strategy), 2)?;
        w.param(8)
            .num("strategy_options", u64::from(ext.strategy_options), 5)?;
        w.param(9)
            .num("batch_size", u64::from(self.batch_size), 4)?;
        w.param(10)
            .num("batch_counter", u64::from(self.batch_counter), 4)?;
        w.param(11).num(
            "tightening_status",
            u64::from(self.tightening_status.digit()),
            1,
        )?;
        w.param(12)
            .num("batch_status", u64::from(self.batch_status.digit()), 1)?;
        w.param(13).status(self.torque_status);
        w.param(14).status(self.angle_status);
        w.param(15).status(ext.rundown_angle_status);
        w.param(16).status(ext.current_monitoring_status);
        w.param(17).status(ext.self_tap_status);
        w.param(18).status(ext.prevail_torque_monitoring_status);
        w.param(19).status(ext.prevail_torque_compensate_status);
        w.param(20).num(
            "tightening_error_status",
            u64::from(ext.tightening_error_status),
            10,
        )?;
        w.param(21).torque("torque_min", self.torque_min)?;
        w.param(22).torque("torque_max", self.torque_max)?;
        w.param(23).torque("torque_target", self.torque_target)?;
        w.param(24).torque("torque", self.torque)?;
        w.param(25).num("angle_min", u64::from(self.angle_min), 5)?;
        w.param(26).num("angle_max", u64::from(self.angle_max), 5)?;
        w.param(27)
            .num("angle_target", u64::from(self.angle_target), 5)?;
        w.param(28).num("angle", u64::from(self.angle), 5)?;
        w.param(29)
            .num("rundown_angle_min", u64::from(ext.rundown_angle_min), 5)?;
        w.param(30)
            .num("rundown_angle_max", u64::from(ext.rundown_angle_max), 5)?;
        w.param(31)
            .num("rundown_angle", u64::from(ext.rundown_angle), 5)?;
        w.param(32).num(
            "current_monitoring_min",
            u64::from(ext.current_monitoring_min),
            3,
        )?;
        w.param(33).num(
            "current_monitoring_max",
            u64::from(ext.current_monitoring_max),
            3,
        )?;
        w.param(34).num(
            "current_monitoring_value",
            u64::from(ext.current_monitoring_value),
            3,
        )?;
        w.param(35).torque("self_tap_min", ext.self_tap_min)?;
        w.param(36).torque("self_tap_max", ext.self_tap_max)?;
        w.param(37).torque("self_tap", ext.self_tap)?;
        w.param(38)
            .torque("prevail_torque_min", ext.prevail_torque_min)?;
        w.param(39)
            .torque("prevail_torque_max", ext.prevail_torque_max)?;
        w.param(40).torque("prevail_torque", ext.prevail_torque)?;
        w.param(41)
            .num("tightening_id", u64::from(self.tightening_id), 10)?;
        w.param(42)
            .num("job_sequence_number", u64::from(ext.job_sequence_number), 5)?;
        w.param(43)
            .num("sync_tightening_id", u64::from(ext.sync_tightening_id), 5)?;
        w.param(44)
            .text("tool_serial_number", &ext.tool_serial_number, 14)?;
        w.param(45).timestamp("timestamp", self.timestamp)?;
        w.param(46)
            .timestamp("last_pset_change", self.last_pset_change)?;
        if let Some(r3) = &self.rev3 {
            w.param(47).text("pset_name", &r3.pset_name, 25)?;
            w.param(48)
                .num("torque_unit", u64::from(r3.torque_unit), 1)?;
            w.param(49)
                .num("result_type", u64::from(r3.result_type), 2)?;
        }
        Ok(())
    }

    fn encode_rev1(&self, w: &mut Writer) -> Result<(), EncodeError> {
        if self.rev3.is_some() {
            return Err(EncodeError::RevisionMismatch {
                mid: MID,
                header: 1,
                message: 3,
            });
        }
        w.param(1).num("cell_id", u64::from(self.cell_id), 4)?;
        w.param(2)
            .num("channel_id", u64::from(self.channel_id), 2)?;
        w.param(3)
            .text("controller_name", &self.controller_name, 25)?;
        w.param(4).text("vin", &self.vin, 25)?;
        w.param(5).num("job_id", u64::from(self.job_id), 2)?;
        w.param(6).num("pset_id", u64::from(self.pset_id), 3)?;
        w.param(7)
            .num("batch_size", u64::from(self.batch_size), 4)?;
        w.param(8)
            .num("batch_counter", u64::from(self.batch_counter), 4)?;
        w.param(9).num(
            "tightening_status",
            u64::from(self.tightening_status.digit()),
            1,
        )?;
        w.param(10).status(self.torque_status);
        w.param(11).status(self.angle_status);
        w.param(12).torque("torque_min", self.torque_min)?;
        w.param(13).torque("torque_max", self.torque_max)?;
        w.param(14).torque("torque_target", self.torque_target)?;
        w.param(15).torque("torque", self.torque)?;
        w.param(16).num("angle_min", u64::from(self.angle_min), 5)?;
        w.param(17).num("angle_max", u64::from(self.angle_max), 5)?;
        w.param(18)
            .num("angle_target", u64::from(self.angle_target), 5)?;
        w.param(19).num("angle", u64::from(self.angle), 5)?;
        w.param(20).timestamp("timestamp", self.timestamp)?;
        w.param(21)
            .timestamp("last_pset_change", self.last_pset_change)?;
        w.param(22)
            .num("batch_status", u64::from(self.batch_status.digit()), 1)?;
        w.param(23)
            .num("tightening_id", u64::from(self.tightening_id), 10)?;
        Ok(())
    }
}

impl Rev2Fields {
    /// Revision-2 fields with nothing monitored: statuses OK, limits and values zero.
    pub fn plain(status: TighteningStatus) -> Self {
        Self {
            strategy: 1,
            strategy_options: 0,
            rundown_angle_status: LimitStatus::Ok,
            current_monitoring_status: LimitStatus::Ok,
            self_tap_status: LimitStatus::Ok,
            prevail_torque_monitoring_status: LimitStatus::Ok,
            prevail_torque_compensate_status: LimitStatus::Ok,
            tightening_error_status: if status.is_ok() { 0 } else { 1 },
            rundown_angle_min: 0,
            rundown_angle_max: 0,
            rundown_angle: 0,
            current_monitoring_min: 0,
            current_monitoring_max: 0,
            current_monitoring_value: 0,
            self_tap_min: Torque::default(),
            self_tap_max: Torque::default(),
            self_tap: Torque::default(),
            prevail_torque_min: Torque::default(),
            prevail_torque_max: Torque::default(),
            prevail_torque: Torque::default(),
            job_sequence_number: 0,
            sync_tightening_id: 0,
            tool_serial_number: String::new(),
        }
    }
}

fn tightening_status(r: &mut Reader<'_>) -> Result<TighteningStatus, DecodeError> {
    r.enumerated("tightening_status", TighteningStatus::from_digit)
}

fn batch_status(r: &mut Reader<'_>) -> Result<BatchStatus, DecodeError> {
    r.enumerated("batch_status", BatchStatus::from_digit)
}

/// MID 0065 revision 1: an old tightening result (no limits, no controller name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldTighteningResult {
    pub tightening_id: u32,
    pub vin: String,
    pub pset_id: u16,
    pub batch_counter: u16,
    pub tightening_status: TighteningStatus,
    pub torque_status: LimitStatus,
    pub angle_status: LimitStatus,
    pub torque: Torque,
    pub angle: u32,
    pub timestamp: Timestamp,
    pub batch_status: BatchStatus,
}

impl OldTighteningResult {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.param(1, "tightening_id")?;
        let tightening_id = r.num("tightening_id", 10)?;
        r.param(2, "vin")?;
        let vin = r.text("vin", 25)?;
        r.param(3, "pset_id")?;
        let pset_id = r.num("pset_id", 3)?;
        r.param(4, "batch_counter")?;
        let batch_counter = r.num("batch_counter", 4)?;
        r.param(5, "tightening_status")?;
        let tightening_status = tightening_status(r)?;
        r.param(6, "torque_status")?;
        let torque_status = r.status("torque_status")?;
        r.param(7, "angle_status")?;
        let angle_status = r.status("angle_status")?;
        r.param(8, "torque")?;
        let torque = r.torque("torque")?;
        r.param(9, "angle")?;
        let angle = r.num("angle", 5)?;
        r.param(10, "timestamp")?;
        let timestamp = r.timestamp("timestamp")?;
        r.param(11, "batch_status")?;
        let batch_status = batch_status(r)?;
        Ok(Self {
            tightening_id,
            vin,
            pset_id,
            batch_counter,
            tightening_status,
            torque_status,
            angle_status,
            torque,
            angle,
            timestamp,
            batch_status,
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.param(1)
            .num("tightening_id", u64::from(self.tightening_id), 10)?;
        w.param(2).text("vin", &self.vin, 25)?;
        w.param(3).num("pset_id", u64::from(self.pset_id), 3)?;
        w.param(4)
            .num("batch_counter", u64::from(self.batch_counter), 4)?;
        w.param(5).num(
            "tightening_status",
            u64::from(self.tightening_status.digit()),
            1,
        )?;
        w.param(6).status(self.torque_status);
        w.param(7).status(self.angle_status);
        w.param(8).torque("torque", self.torque)?;
        w.param(9).num("angle", u64::from(self.angle), 5)?;
        w.param(10).timestamp("timestamp", self.timestamp)?;
        w.param(11)
            .num("batch_status", u64::from(self.batch_status.digit()), 1)?;
        Ok(())
    }
}

impl From<&TighteningResult> for OldTighteningResult {
    fn from(r: &TighteningResult) -> Self {
        Self {
            tightening_id: r.tightening_id,
            vin: r.vin.clone(),
            pset_id: r.pset_id,
            batch_counter: r.batch_counter,
            tightening_status: r.tightening_status,
            torque_status: r.torque_status,
            angle_status: r.angle_status,
            torque: r.torque,
            angle: r.angle,
            timestamp: r.timestamp,
            batch_status: r.batch_status,
        }
    }
}

/// Refuses a MID 0061 the encoder was handed at the wrong revision.
pub(crate) fn check_revision(result: &TighteningResult, header: u16) -> Result<(), EncodeError> {
    if result.revision() == header {
        Ok(())
    } else {
        Err(EncodeError::RevisionMismatch {
            mid: MID,
            header,
            message: result.revision(),
        })
    }
}

//! The station tracker: a pure state machine for one station.
//!
//! A cart arrives with a frame number (VIN, validated); each tightening result is
//! assigned to the next open bolt of the station's tasks (task order, bolt order);
//! a NOK leaves the bolt open, so the next result re-tightens it (rework, and the
//! visit is no longer first-pass). The pedal releases the cart only when every
//! required bolt is OK, otherwise it is refused with the open bolts. A supervisor
//! override (user and reason required) releases it anyway and is recorded. A result
//! for an unknown VIN, for a station without a cart, or beyond the required bolts is
//! kept and flagged, never dropped: every call to [`StationTracker::result`] returns
//! exactly one record.
//!
//! No I/O, no clock: instants and ids are passed in.

use kechuang_core::FieldError;
use kechuang_core::line::{
    Override, ReleaseKind, ResultFlag, StationSpec, TighteningRecord, Vin, VisitRecord,
};

/// A tightening result as the tracker needs it (from MID 0061/0065).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultIn {
    /// Controller id.
    pub controller_id: String,
    /// The controller's tightening id.
    pub tightening_id: i64,
    /// VIN as received (may be blank or padded).
    pub vin: String,
    /// Parameter set run.
    pub pset: u32,
    /// Final torque, centi-Nm.
    pub torque_cnm: i64,
    /// Final angle, degrees.
    pub angle_deg: i64,
    /// The controller's overall verdict.
    pub ok: bool,
    /// The controller's torque status (inside its limits).
    pub torque_ok: bool,
    /// The controller's angle status.
    pub angle_ok: bool,
    /// Controller time stamp as sent.
    pub controller_time: String,
    /// Receive instant, unix µs.
    pub at_us: i64,
}

/// A bolt that is not (yet) OK.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OpenBolt {
    /// Joint name.
    pub joint: String,
    /// Bolt position (1-based).
    pub bolt: u32,
    /// Attempts so far (0: never tightened, ≥ 1: last one NOK).
    pub attempts: u32,
}

/// Why an arrival was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArrivalRefused {
    /// The VIN is not valid.
    IllegalVin(FieldError),
    /// Another cart is still at the station.
    Busy {
        /// The cart at the station.
        vin: String,
    },
}

/// The answer to a pedal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pedal {
    /// Released: the final visit record.
    Released(VisitRecord),
    /// Refused: these bolts are open.
    Refused(Vec<OpenBolt>),
    /// No cart at the station.
    NoCart,
}

#[derive(Debug, Clone)]
struct Bolt {
    task: usize,
    bolt: u32,
    attempts: u32,
    ok: bool,
}

#[derive(Debug, Clone)]
struct Cart {
    visit: VisitRecord,
    bolts: Vec<Bolt>,
}

/// One station's state.
#[derive(Debug, Clone)]
pub struct StationTracker {
    line_id: String,
    station: StationSpec,
    cart: Option<Cart>,
}

impl StationTracker {
    /// A station with no cart.
    pub fn new(line_id: &str, station: StationSpec) -> Self {
        Self {
            line_id: line_id.to_string(),
            station,
            cart: None,
        }
    }

    /// The station's configuration.
    pub fn station(&self) -> &StationSpec {
        &self.station
    }

    /// The current visit, if a cart is at the station.
    pub fn visit(&self) -> Option<&VisitRecord> {
        self.cart.as_ref().map(|c| &c.visit)
    }

    /// A cart arrives. `visit_id` is the id the new visit gets.
    pub fn arrive(
        &mut self,
        vin_raw: &str,
        visit_id: String,
        at_us: i64,
    ) -> Result<&VisitRecord, ArrivalRefused> {
        let vin = Vin::parse(vin_raw).map_err(ArrivalRefused::IllegalVin)?;
        if let Some(c) = &self.cart {
            return Err(ArrivalRefused::Busy {
                vin: c.visit.vin.clone(),
            });
        }
        let bolts = self
            .station
            .tasks
            .iter()
            .enumerate()
            .flat_map(|(task, t)| {
                (1..=t.bolt_count).map(move |bolt| Bolt {
                    task,
                    bolt,
                    attempts: 0,
                    ok: false,
                })
            })
            .collect();
        let cart = self.cart.insert(Cart {
            visit: VisitRecord {
                id: visit_id,
                line_id: self.line_id.clone(),
                station_id: self.station.id.clone(),
                vin: vin.as_str().to_string(),
                arrived_us: at_us,
                released_us: None,
                release: None,
                override_by: None,
                first_pass: true,
                rework_count: 0,
            },
            bolts,
        });
        Ok(&cart.visit)
    }

    /// The parameter set of the next open bolt (to select on the controller).
    pub fn next_pset(&self) -> Option<u32> {
        let c = self.cart.as_ref()?;
        let b = c.bolts.iter().find(|b| !b.ok)?;
        Some(self.station.tasks[b.task].pset)
    }

    /// The open bolts of the cart at the station.
    pub fn open_bolts(&self) -> Vec<OpenBolt> {
        self.cart
            .as_ref()
            .map(|c| {
                c.bolts
                    .iter()
                    .filter(|b| !b.ok)
                    .map(|b| OpenBolt {
                        joint: self.station.tasks[b.task].joint.clone(),
                        bolt: b.bolt,
                        attempts: b.attempts,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A tightening result: always returns the record to store, assigned or flagged.
    pub fn result(&mut self, r: ResultIn) -> TighteningRecord {
        let vin_in = r.vin.trim();
        let mut rec = TighteningRecord {
            line_id: self.line_id.clone(),
            station_id: self.station.id.clone(),
            visit_id: None,
            vin: (!vin_in.is_empty()).then(|| vin_in.to_string()),
            controller_id: r.controller_id,
            tightening_id: r.tightening_id,
            joint: None,
            bolt: None,
            attempt: None,
            pset: r.pset,
            torque_cnm: r.torque_cnm,
            angle_deg: r.angle_deg,
            ok: r.ok,
            torque_ok: r.torque_ok,
            angle_ok: r.angle_ok,
            at_us: r.at_us,
            controller_time: r.controller_time,
            flag: None,
        };
        let Some(cart) = self.cart.as_mut() else {
            rec.flag = Some(ResultFlag::NoCart);
            return rec;
        };
        if !vin_in.is_empty() && vin_in != cart.visit.vin {
            rec.flag = Some(ResultFlag::UnknownVin);
            return rec;
        }
        rec.visit_id = Some(cart.visit.id.clone());
        rec.vin = Some(cart.visit.vin.clone());
        let Some(bolt) = cart.bolts.iter_mut().find(|b| !b.ok) else {
            rec.flag = Some(ResultFlag::Extra);
            return rec;
        };
        let task = &self.station.tasks[bolt.task];
        // Error-proofing: the controller's verdict and the configured windows must agree.
        let (t_in, a_in) = task.judges(r.torque_cnm, r.angle_deg);
        rec.torque_ok = r.torque_ok && t_in;
        rec.angle_ok = r.angle_ok && a_in;
        rec.ok = r.ok && rec.torque_ok && rec.angle_ok;
        bolt.attempts += 1;
        bolt.ok = rec.ok;
        if bolt.attempts > 1 {
            cart.visit.rework_count += 1;
        }
        if !rec.ok {
            cart.visit.first_pass = false;
        }
        rec.joint = Some(task.joint.clone());
        rec.bolt = Some(bolt.bolt);
        rec.attempt = Some(bolt.attempts);
        rec
    }

    /// The operator's pedal.
    pub fn pedal(&mut self, at_us: i64) -> Pedal {
        let open = self.open_bolts();
        if !open.is_empty() {
            return Pedal::Refused(open);
        }
        let Some(cart) = self.cart.take() else {
            return Pedal::NoCart;
        };
        let mut visit = cart.visit;
        visit.released_us = Some(at_us);
        visit.release = Some(ReleaseKind::Ok);
        Pedal::Released(visit)
    }

    /// A supervisor releases the cart whatever its bolts; returns the final visit
    /// and the bolts that were open. `None` when no cart is at the station.
    pub fn override_release(
        &mut self,
        by: Override,
        at_us: i64,
    ) -> Option<(VisitRecord, Vec<OpenBolt>)> {
        let open = self.open_bolts();
        let mut visit = self.cart.take()?.visit;
        visit.released_us = Some(at_us);
        if open.is_empty() {
            // Nothing was open: an ordinary release, the override is not needed.
            visit.release = Some(ReleaseKind::Ok);
        } else {
            visit.release = Some(ReleaseKind::Override);
            visit.override_by = Some(by);
        }
        Some((visit, open))
    }
}

#[cfg(test)]
mod tests;

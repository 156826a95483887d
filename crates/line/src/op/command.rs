//! Production commands: 0018 select parameter set, 0019 batch size, 0050 VIN download.
//! (0042/0043 disable/enable tool carry no data.)

use super::error::{DecodeError, EncodeError, Problem};
use super::field::{Reader, Writer};

/// MID 0019 set parameter set batch size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSize {
    pub pset: u16,
    pub batch_size: u8,
}

impl BatchSize {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            pset: r.num("pset", 3)?,
            batch_size: r.num("batch_size", 2)?,
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.num("pset", u64::from(self.pset), 3)?
            .num("batch_size", u64::from(self.batch_size), 2)?;
        Ok(())
    }
}

/// The longest VIN (identifier) MID 0050 carries.
pub const VIN_MAX: usize = 25;

/// MID 0050 VIN: variable 1..25 ASCII bytes on input; sent right-padded to 25.
pub(crate) fn decode_vin(r: &mut Reader<'_>) -> Result<String, DecodeError> {
    let len = r.remaining();
    if len == 0 || len > VIN_MAX {
        // Read what is there to report the right offset, then refuse the length.
        let _ = r.text("vin", len.min(VIN_MAX))?;
        return Err(DecodeError::Field {
            mid: 50,
            field: "vin",
            offset: super::HEADER_LEN,
            problem: if len == 0 {
                Problem::Truncated
            } else {
                Problem::TooWide
            },
        });
    }
    let vin = r.text("vin", len)?;
    if vin.is_empty() {
        return Err(DecodeError::Field {
            mid: 50,
            field: "vin",
            offset: super::HEADER_LEN,
            problem: Problem::OutOfRange,
        });
    }
    Ok(vin)
}

pub(crate) fn encode_vin(vin: &str, w: &mut Writer) -> Result<(), EncodeError> {
    if vin.is_empty() || vin.ends_with(' ') {
        return Err(EncodeError::Field {
            mid: 50,
            field: "vin",
            problem: Problem::OutOfRange,
        });
    }
    w.text("vin", vin, VIN_MAX)?;
    Ok(())
}

//! Session MIDs: 0001-0005 (communication start/stop, command error/accepted) and the
//! link-level and keep-alive MIDs 9997-9999.

use super::error::{DecodeError, EncodeError};
use super::field::{Reader, Writer};
use super::types::ErrorCode;

/// MID 0001 communication start. The header revision asks for that revision of MID 0002.
/// Revision 7 may carry the keep-alive option (`01` + digit: 0 mandatory, 1 optional).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommStart {
    pub optional_keep_alive: Option<bool>,
}

impl CommStart {
    pub(crate) fn decode(r: &mut Reader<'_>, revision: u16) -> Result<Self, DecodeError> {
        if revision >= 7 && r.remaining() > 0 {
            r.param(1, "keep_alive")?;
            let flag: u8 = r.bounded("keep_alive", 1, 1)?;
            return Ok(Self {
                optional_keep_alive: Some(flag == 1),
            });
        }
        Ok(Self::default())
    }

    pub(crate) fn encode(&self, w: &mut Writer, revision: u16) -> Result<(), EncodeError> {
        if let Some(flag) = self.optional_keep_alive {
            if revision < 7 {
                return Err(EncodeError::RevisionMismatch {
                    mid: 1,
                    header: revision,
                    message: 7,
                });
            }
            w.param(1).num("keep_alive", u64::from(flag), 1)?;
        }
        Ok(())
    }
}

/// MID 0002 communication start acknowledge, revisions 1-3.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommStartAck {
    pub cell_id: u16,
    pub channel_id: u8,
    pub controller_name: String,
    /// Revision 2 and later.
    pub supplier_code: Option<String>,
    /// Revision 3 and later.
    pub versions: Option<Versions>,
}

/// The software versions of MID 0002 revision 3.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Versions {
    pub open_protocol: String,
    pub controller_software: String,
    pub tool_software: String,
}

impl CommStartAck {
    pub const MAX_REVISION: u16 = 3;

    pub fn revision(&self) -> u16 {
        match (&self.supplier_code, &self.versions) {
            (_, Some(_)) => 3,
            (Some(_), None) => 2,
            (None, None) => 1,
        }
    }

    /// The same acknowledgement cut down to what `revision` carries (fields are added, never
    /// changed, from one revision to the next).
    pub fn at_revision(&self, revision: u16) -> Self {
        let mut out = self.clone();
        if revision < 3 {
            out.versions = None;
        } else if out.versions.is_none() {
            out.versions = Some(Versions::default());
        }
        if revision < 2 {
            out.supplier_code = None;
        } else if out.supplier_code.is_none() {
            out.supplier_code = Some(String::new());
        }
        out
    }

    pub(crate) fn decode(r: &mut Reader<'_>, revision: u16) -> Result<Self, DecodeError> {
        r.param(1, "cell_id")?;
        let cell_id = r.num("cell_id", 4)?;
        r.param(2, "channel_id")?;
        let channel_id = r.num("channel_id", 2)?;
        r.param(3, "controller_name")?;
        let controller_name = r.text("controller_name", 25)?;
        let supplier_code = if revision >= 2 {
            r.param(4, "supplier_code")?;
            Some(r.text("supplier_code", 3)?)
        } else {
            None
        };
        let versions = if revision >= 3 {
            r.param(5, "open_protocol_version")?;
            let open_protocol = r.text("open_protocol_version", 19)?;
            r.param(6, "controller_software")?;
            let controller_software = r.text("controller_software", 19)?;
            r.param(7, "tool_software")?;
            let tool_software = r.text("tool_software", 19)?;
            Some(Versions {
                open_protocol,
                controller_software,
                tool_software,
            })
        } else {
            None
        };
        Ok(Self {
            cell_id,
            channel_id,
            controller_name,
            supplier_code,
            versions,
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.param(1).num("cell_id", u64::from(self.cell_id), 4)?;
        w.param(2)
            .num("channel_id", u64::from(self.channel_id), 2)?;
        w.param(3)
            .text("controller_name", &self.controller_name, 25)?;
        if let Some(code) = &self.supplier_code {
            w.param(4).text("supplier_code", code, 3)?;
        }
        if let Some(v) = &self.versions {
            if self.supplier_code.is_none() {
                return Err(EncodeError::RevisionMismatch {
                    mid: 2,
                    header: 2,
                    message: 3,
                });
            }
            w.param(5)
                .text("open_protocol_version", &v.open_protocol, 19)?;
            w.param(6)
                .text("controller_software", &v.controller_software, 19)?;
            w.param(7).text("tool_software", &v.tool_software, 19)?;
        }
        Ok(())
    }
}

/// MID 0004 command error: which MID failed and why (no parameter IDs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandError {
    pub mid: u16,
    pub error: ErrorCode,
}

impl CommandError {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mid = r.num("mid", 4)?;
        let error = ErrorCode(r.num("error_code", 2)?);
        Ok(Self { mid, error })
    }

    pub(crate) fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.num("mid", u64::from(self.mid), 4)?
            .num("error_code", u64::from(self.error.0), 2)?;
        Ok(())
    }
}

/// MID 9998 link-level error: the MID and a 4-digit error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError {
    pub mid: u16,
    pub code: u16,
}

impl LinkError {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            mid: r.num("mid", 4)?,
            code: r.num("error_code", 4)?,
        })
    }

    pub(crate) fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.num("mid", u64::from(self.mid), 4)?
            .num("error_code", u64::from(self.code), 4)?;
        Ok(())
    }
}

//! Assembly-line connectivity for kechuang: the Open Protocol codec ([`op`]), the torque
//! controller client ([`client`]) and a controller simulator ([`sim`]).
//!
//! No HTTP, no SQL: the app layer drives this crate and stores what it delivers.

pub mod analytics;
pub mod client;
pub mod mqtt;
pub mod op;
pub mod sim;
pub mod tracker;

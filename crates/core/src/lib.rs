//! kechuang-core: the domain of kechuang as plain data and pure functions.
//!
//! It owns the types every other crate speaks in — money in fen, periods, the
//! 统一社会信用代码, organisations, qualifications, intellectual-property records,
//! the 24 innovation indicators and their consistency rules, filing states and the
//! event hash chain — and the published thresholds those rules encode.
//!
//! It must not do I/O, be async, or know SQL or HTTP. Input becomes a domain type
//! through one validating constructor (`parse` / `TryFrom`), so an invalid value
//! cannot exist past the edge.
//!
//! Start reading at [`indicator`] (the indicator table) and [`filing`].
//!
//! ```
//! use kechuang_core::{credit_code::CreditCode, period::Period};
//! let code = CreditCode::parse("91350100M000100Y43").unwrap();
//! assert_eq!(code.as_str(), "91350100M000100Y43");
//! let p = Period::parse("2023年1-9月").unwrap();
//! assert_eq!(p.to_string(), "2023Q3");
//! ```

pub mod chain;
pub mod challenge;
pub mod concepts;
pub mod contract;
pub mod credit;
pub mod credit_code;
pub mod date;
pub mod error;
pub mod event;
pub mod filing;
pub mod geo_area;
pub mod geo_datum;
pub mod ids;
pub mod indicator;
pub mod ip;
pub mod ladder;
pub mod ledger;
pub mod line;
pub mod loan;
pub mod matchmaking;
pub mod messages;
pub mod money;
pub mod notify;
pub mod org;
pub mod period;
pub mod platform;
pub mod policy;
pub mod qualification;
pub mod role;
pub mod schedule;
pub mod session;
pub mod subsidy;
pub mod subsidy_flow;
pub mod talent;
pub mod text;

pub use error::FieldError;
pub use money::Money;
pub use period::Period;

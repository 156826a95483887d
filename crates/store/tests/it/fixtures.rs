//! Small builders shared by the store tests.

use kechuang_core::credit_code::CreditCode;
use kechuang_core::filing::{FilingSource, FilingStatus};
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::Values;
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_core::period::Period;
use kechuang_store::{Db, FilingVersion, now_us};

/// A valid credit code made from a number.
pub fn code(n: u32) -> CreditCode {
    CreditCode::complete(&format!("91500151{:09}", n)).unwrap()
}

/// An enterprise in `town`.
pub fn enterprise(n: u32, town: &str, above_scale: bool) -> Organisation {
    Organisation {
        kind: OrgKind::Enterprise,
        credit_code: code(n),
        name: format!("重庆测试{n}科技有限公司"),
        town: Some(town.to_string()),
        cluster: Some("新型储能".into()),
        coordinates: None,
        founded_on: None,
        above_scale,
        address: None,
    }
}

/// Inserts an enterprise and returns its id.
pub async fn add_enterprise(db: &mut Db, n: u32, town: &str, above_scale: bool) -> OrgId {
    let id = OrgId(kechuang_store::new_id());
    db.insert_organisation(&id, &enterprise(n, town, above_scale), now_us())
        .await
        .unwrap();
    id
}

/// Values from `(code, text)` pairs.
pub fn values(pairs: &[(&str, &str)]) -> Values {
    Values::parse_map(pairs.iter().copied()).unwrap()
}

/// A version with the given status.
pub fn version(
    org: &OrgId,
    period: &str,
    version: i32,
    status: FilingStatus,
    v: Values,
) -> FilingVersion {
    FilingVersion::new(
        org.clone(),
        Period::parse(period).unwrap(),
        version,
        status,
        FilingSource::Form,
        false,
        "test",
        now_us(),
        v,
    )
}

/// An approved, current version.
pub fn approved(org: &OrgId, period: &str, v: Values) -> FilingVersion {
    FilingVersion {
        is_current: true,
        source: FilingSource::Import,
        ..version(org, period, 1, FilingStatus::Approved, v)
    }
}

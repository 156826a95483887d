//! Shared helpers for app tests.

use kechuang_app::ops::org::OrgInput;
use kechuang_app::{Actor, App, AppConfig};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::{OrgId, UserId};
use kechuang_core::role::Role;
use kechuang_store::Store;

/// The application over a test store.
pub fn app(store: &Store) -> App {
    App::new(store.clone(), AppConfig::default())
}

/// A valid credit code made from a number.
pub fn code(n: u32) -> String {
    CreditCode::complete(&format!("91500151{:09}", n))
        .unwrap()
        .to_string()
}

/// Organisation input for an enterprise.
pub fn enterprise_input(n: u32, town: &str) -> OrgInput {
    OrgInput {
        credit_code: code(n),
        name: format!("重庆测试{n}科技有限公司"),
        town: town.into(),
        cluster: "新型储能".into(),
        above_scale: "是".into(),
        ..Default::default()
    }
}

/// A bureau user, optionally limited to towns.
pub fn bureau(role: Role, towns: Option<Vec<&str>>) -> Actor {
    Actor {
        user_id: Some(UserId(format!("u-{}", role.code()))),
        username: role.code().into(),
        display_name: "局".into(),
        role,
        org_id: None,
        towns: towns.map(|t| t.into_iter().map(String::from).collect()),
    }
}

/// An enterprise user of `org`.
pub fn enterprise_user(org: &OrgId) -> Actor {
    Actor {
        user_id: Some(UserId(format!("u-{}", org))),
        username: format!("e{}", &org.as_str()[..8]),
        display_name: "企业".into(),
        role: Role::Enterprise,
        org_id: Some(org.clone()),
        towns: None,
    }
}

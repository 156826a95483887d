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

/// Stores `a` as an active account (notifications go to accounts); the login
/// name is the account id (the helpers' names may repeat).
pub async fn add_account(app: &App, a: &Actor) {
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_user(
        &kechuang_store::UserRecord {
            id: a.user_id.clone().unwrap(),
            username: a.user_id.clone().unwrap().0,
            display_name: a.display_name.clone(),
            password_hash: "x".into(),
            role: a.role,
            org_id: a.org_id.clone(),
            towns: a.towns.clone(),
            active: true,
        },
        app.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// A bureau reviewer limited to one town, with an id of its own.
pub fn reviewer_of(name: &str, town: &str) -> Actor {
    Actor {
        user_id: Some(UserId(format!("u-{name}"))),
        username: name.into(),
        display_name: name.into(),
        role: Role::BureauReviewer,
        org_id: None,
        towns: Some(vec![town.into()]),
    }
}

/// The notification site used by tests.
pub fn test_site() -> kechuang_app::ops::notify::Site {
    kechuang_app::ops::notify::Site {
        name: "示范区科技创新服务平台".into(),
        base_url: "http://kc.test".into(),
    }
}

/// Kinds of an actor's notifications, sorted.
pub async fn kinds_of(app: &App, a: &Actor) -> Vec<String> {
    let mut v: Vec<String> = kechuang_app::ops::notify::list(app, a, false)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.kind)
        .collect();
    v.sort();
    v
}

/// The outbox's mails to an address: `(subject, body)`.
pub async fn mails_to(app: &App, addr: &str) -> Vec<(String, String)> {
    let mut db = app.store.read().await.unwrap();
    db.outbox(1_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to_addr == addr)
        .map(|m| (m.subject, m.body))
        .collect()
}

/// Stores an above-scale enterprise named `name` (no town, no point) straight
/// through the store, as the line tests need, and returns its id.
pub async fn stored_enterprise(store: &Store, n: u32, name: String) -> OrgId {
    let id = OrgId(kechuang_store::new_id());
    let mut db = store.begin().await.unwrap();
    db.insert_organisations(
        &[(
            id.clone(),
            kechuang_core::org::Organisation {
                kind: kechuang_core::org::OrgKind::Enterprise,
                credit_code: CreditCode::parse(&code(n)).unwrap(),
                name,
                town: None,
                cluster: None,
                coordinates: None,
                founded_on: None,
                above_scale: true,
                address: None,
            },
        )],
        0,
    )
    .await
    .unwrap();
    db.commit().await.unwrap();
    id
}

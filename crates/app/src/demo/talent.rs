//! The demo district's 人才引育 registry: talent demands posted by enterprises and
//! the bureau's talent records, generated and plausible. Drawn from a stream of
//! its own, so nothing drawn before changes.

use super::rng::Rng;
use crate::AppResult;
use chrono::TimeDelta;
use kechuang_core::ids::OrgId;
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_core::talent::{CATEGORIES, Demand, EDUCATION, Talent};
use kechuang_store::{Db, NewTalent, NewTalentDemand};

const POSTS: [(&str, &str); 12] = [
    ("电池研发工程师", "新型储能"),
    ("电芯工艺工程师", "新型储能"),
    ("BMS 软件工程师", "新型储能"),
    ("嵌入式软件工程师", "智能装备"),
    ("机器视觉算法工程师", "智能装备"),
    ("工业设计师", "智能制造"),
    ("气凝胶材料研究员", "新材料"),
    ("高分子材料工程师", "新材料"),
    ("数控设备调试技师", "智能制造"),
    ("质量体系工程师", "智能制造"),
    ("生物发酵工程师", "生物医药"),
    ("数据分析师", "数字经济"),
];

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏宇浩凯晨";

/// What was written.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Written {
    /// Talent demands.
    pub demands: usize,
    /// Talent records.
    pub talents: usize,
}

/// Writes the registry in the demo's transaction.
pub(crate) async fn write(
    tx: &mut Db,
    seed: u64,
    orgs: &[(OrgId, Organisation)],
    showcase: &OrgId,
    today: chrono::NaiveDate,
    now: i64,
) -> AppResult<Written> {
    let mut rng = Rng::stream(seed, "talent");
    let firms: Vec<&OrgId> = orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Enterprise)
        .map(|(id, _)| id)
        .collect();
    if firms.is_empty() {
        return Ok(Written::default());
    }
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    let mut w = Written::default();
    for i in 0..60 {
        let org = if i < 2 {
            showcase
        } else {
            firms[rng.index(firms.len())]
        };
        let (title, field) = POSTS[rng.index(POSTS.len())];
        let d = Demand {
            title: title.to_string(),
            field: field.to_string(),
            education: EDUCATION[1 + rng.index(EDUCATION.len() - 1)].to_string(),
            positions: rng.between(1, 8),
            description: format!("从事{field}方向相关工作，有相关项目经验者优先。"),
        };
        let posted = today - TimeDelta::days(rng.between(0, 120));
        let id = kechuang_store::new_id();
        tx.insert_talent_demand(&NewTalentDemand {
            id: &id,
            org_id: org.as_str(),
            demand: &d,
            posted_on: &kechuang_core::date::to_iso(posted),
            by: "demo",
            now,
        })
        .await?;
        if i >= 2 && rng.chance(0.2) {
            tx.set_talent_demand_status(&id, "closed", now).await?;
        }
        w.demands += 1;
    }
    for _ in 0..150 {
        let org = firms[rng.index(firms.len())];
        let category = CATEGORIES[rng.index(CATEGORIES.len())];
        let education = match category {
            "博士" => "博士",
            "硕士" => "硕士",
            "技能人才" => "大专",
            _ => EDUCATION[2 + rng.index(3)],
        };
        let name: String = [
            surnames[rng.index(surnames.len())],
            given[rng.index(given.len())],
        ]
        .into_iter()
        .chain(rng.chance(0.6).then(|| given[rng.index(given.len())]))
        .collect();
        let t = Talent {
            name,
            category: category.to_string(),
            field: POSTS[rng.index(POSTS.len())].1.to_string(),
            education: education.to_string(),
            note: String::new(),
        };
        let on = today - TimeDelta::days(rng.between(30, 1_500));
        tx.insert_talent(&NewTalent {
            id: &kechuang_store::new_id(),
            org_id: Some(org.as_str()),
            talent: &t,
            introduced_on: &kechuang_core::date::to_iso(on),
            by: "demo",
            now,
        })
        .await?;
        w.talents += 1;
    }
    Ok(w)
}

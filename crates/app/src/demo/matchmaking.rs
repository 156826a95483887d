//! The demo district's matchmaking board: technology needs posted by its
//! enterprises (drawn from each cluster's technical vocabulary), achievements and
//! experts of the universities and institutes it works with.

use super::clusters::CLUSTERS;
use super::rng::Rng;
use super::targets::HORIZON;
use crate::AppResult;
use chrono::Days;
use kechuang_core::date::to_iso;
use kechuang_core::ids::OrgId;
use kechuang_core::matchmaking::{
    AchievementForm, AchievementInput, CooperationMode, ExpertInput, Maturity, NeedInput,
    NeedStatus, TransferMode,
};
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_store::Db;

const SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢",
];
const GIVEN: [&str; 24] = [
    "建国", "志强", "海燕", "晓东", "文博", "丽娟", "明辉", "雪梅", "国庆", "振华", "春燕", "立新",
    "伟", "静", "磊", "洋", "敏", "军", "婷", "勇", "超", "霞", "鹏", "红",
];
const TITLES: [&str; 5] = ["教授", "研究员", "副教授", "副研究员", "高级工程师"];

/// Turns a patent-style title ("储能电池热失控预警方法") into the need behind it.
fn need_title(invention: &str) -> String {
    let core = invention
        .trim_end_matches("及系统")
        .trim_end_matches("方法")
        .trim_end_matches("装置")
        .trim_end_matches("及其制备方法")
        .trim_end_matches("的");
    format!("{core}技术攻关")
}

fn codes_of<T: Copy>(
    all: &[T],
    rng: &mut Rng,
    n: usize,
    code: fn(T) -> &'static str,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for _ in 0..n {
        let c = code(all[rng.between(0, all.len() as i64 - 1) as usize]).to_string();
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Writes the board in the demo's transaction; returns (needs, achievements, experts).
pub(crate) async fn write(
    tx: &mut Db,
    seed: u64,
    orgs: &[(OrgId, Organisation)],
    now: i64,
) -> AppResult<(usize, usize, usize)> {
    let mut rng = Rng::stream(seed, "matchmaking");
    let research: Vec<&(OrgId, Organisation)> = orgs
        .iter()
        .filter(|(_, o)| matches!(o.kind, OrgKind::University | OrgKind::Institute))
        .collect();
    let firms: Vec<&(OrgId, Organisation)> = orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Enterprise)
        .collect();
    let mut counts = (0, 0, 0);
    // Needs: about one firm in twelve has posted one.
    for (id, org) in &firms {
        if !rng.chance(0.085) {
            continue;
        }
        let Some(c) = CLUSTERS
            .iter()
            .find(|c| Some(c.name) == org.cluster.as_deref())
        else {
            continue;
        };
        let invention = c.inventions[rng.between(0, c.inventions.len() as i64 - 1) as usize];
        let title = need_title(invention);
        let input = NeedInput {
            title: title.clone(),
            description: format!(
                "我公司属于{}产业，现有产品在“{}”环节存在瓶颈，希望与高校院所合作，在一年内形成可量产的解决方案。",
                c.name, title
            ),
            indicators: "关键性能指标较现有水平提升20%以上；通过第三方检测；具备批量生产条件。"
                .into(),
            problem: format!("{invention}相关工艺稳定性不足，良品率和一致性达不到客户要求。"),
            basis: "已有中试线一条、研发人员十余名，具备检测条件。".into(),
            budget_wan: format!("{}", 10 * rng.between(2, 40)),
            modes: codes_of(CooperationMode::ALL, &mut rng, 2, CooperationMode::code),
            field: c.name.to_string(),
            keywords: vec![c.words[rng.between(0, c.words.len() as i64 - 1) as usize].to_string()],
            deadline: to_iso(HORIZON + Days::new(rng.between(60, 400) as u64)),
        };
        let need = input.parse().map_err(crate::AppError::Invalid)?;
        let status = match rng.weighted(&[6, 2, 1, 1]) {
            0 => NeedStatus::Open,
            1 => NeedStatus::Talking,
            2 => NeedStatus::Solved,
            _ => NeedStatus::Closed,
        };
        tx.insert_need(&kechuang_store::new_id(), id, &need, status, now, "demo")
            .await?;
        counts.0 += 1;
    }
    // Achievements and experts of the research organisations, across the clusters.
    for (id, org) in &research {
        for _ in 0..rng.between(8, 20) {
            let c = &CLUSTERS[rng.between(0, CLUSTERS.len() as i64 - 1) as usize];
            let invention = c.inventions[rng.between(0, c.inventions.len() as i64 - 1) as usize];
            let lead = format!(
                "{}{}",
                SURNAMES[rng.between(0, 23) as usize],
                GIVEN[rng.between(0, 23) as usize]
            );
            let input = AchievementInput {
                title: format!("一种{invention}"),
                summary: format!(
                    "{}团队研发的{invention}，面向{}产业，已在合作企业完成验证，可显著提升产品性能与一致性。",
                    org.name, c.name
                ),
                inventors: vec![lead],
                field: c.name.to_string(),
                form: AchievementForm::ALL[rng.between(0, 3) as usize]
                    .code()
                    .into(),
                maturity: Maturity::ALL[rng.between(0, 3) as usize].code().into(),
                transfer_modes: codes_of(TransferMode::ALL, &mut rng, 2, TransferMode::code),
                price_wan: if rng.chance(0.4) {
                    String::new()
                } else {
                    format!("{}", 10 * rng.between(3, 80))
                },
                keywords: vec![
                    c.words[rng.between(0, c.words.len() as i64 - 1) as usize].to_string(),
                ],
            };
            let a = input.parse().map_err(crate::AppError::Invalid)?;
            tx.insert_achievement(&kechuang_store::new_id(), id, &a, now, "demo")
                .await?;
            counts.1 += 1;
        }
        for _ in 0..rng.between(3, 8) {
            let c = &CLUSTERS[rng.between(0, CLUSTERS.len() as i64 - 1) as usize];
            let input = ExpertInput {
                name: format!(
                    "{}{}",
                    SURNAMES[rng.between(0, 23) as usize],
                    GIVEN[rng.between(0, 23) as usize]
                ),
                title: TITLES[rng.between(0, 4) as usize].into(),
                fields: vec![c.name.to_string()],
                keywords: c.words.iter().take(3).map(|w| w.to_string()).collect(),
                projects: format!(
                    "主持国家及省部级项目多项，代表成果：{}。",
                    c.inventions[rng.between(0, c.inventions.len() as i64 - 1) as usize]
                ),
                profile: format!("长期从事{}领域研究，与区内企业开展产学研合作。", c.name),
            };
            let e = input.parse().map_err(crate::AppError::Invalid)?;
            tx.insert_expert(&kechuang_store::new_id(), id, &e, now, "demo")
                .await?;
            counts.2 += 1;
        }
    }
    Ok(counts)
}

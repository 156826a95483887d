//! The ladder's side of the demo district: the supplementary facts enterprises
//! have declared (most have, some not yet — their tiers show 待核实), and the
//! bureau's "double doubling" targets measured from the 2023 snapshot.

use super::rng::Rng;
use super::targets::{HORIZON, SNAPSHOT};
use crate::AppResult;
use chrono::Datelike;
use kechuang_core::ids::OrgId;
use kechuang_core::ladder::facts::Facts;
use kechuang_core::ladder::profile::{Compliance, Management, Market, ProductField};
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_core::qualification::{Qualification, QualificationKind as K};
use kechuang_store::{Db, TargetRow};
use rust_decimal::Decimal;
use std::collections::HashSet;

/// The 高新技术领域 of a cluster's core technology (§1.1 #3).
fn hte_field(cluster: Option<&str>) -> &'static str {
    match cluster.unwrap_or_default() {
        "新型储能" => "新能源与节能",
        "电子信息" => "电子信息",
        "新材料" => "新材料",
        "生物医药与大健康" => "生物与新医药",
        _ => "先进制造与自动化",
    }
}

/// The facts of each enterprise (about 85 % have declared).
pub(crate) fn facts(
    seed: u64,
    orgs: &[(OrgId, Organisation)],
    qualifications: &[(OrgId, Qualification)],
) -> Vec<(OrgId, Facts)> {
    let mut rng = Rng::stream(seed, "ladder-facts");
    let srdi: HashSet<&OrgId> = qualifications
        .iter()
        .filter(|(_, q)| matches!(q.kind, K::Srdi | K::LittleGiant | K::InnovativeSme))
        .map(|(o, _)| o)
        .collect();
    let year = HORIZON.year();
    let mut out = Vec::new();
    for (id, o) in orgs.iter().filter(|(_, o)| o.kind == OrgKind::Enterprise) {
        if !rng.chance(0.85) {
            continue;
        }
        let founded = o.founded_on.map_or(2015, |d| d.year());
        let cultivated = srdi.contains(id);
        let mut f = Facts {
            compliance: Compliance {
                mainland_resident: Some(true),
                not_restricted_industry: Some(rng.chance(0.99)),
                no_major_incident: Some(rng.chance(0.97)),
                good_standing: Some(rng.chance(0.96)),
                hte_field: Some(hte_field(o.cluster.as_deref()).to_string()),
            },
            market: Market {
                niche_since: Some(founded + rng.between(0, 3) as i32),
                niche_share_pct: cultivated.then(|| Decimal::new(rng.between(10, 180), 1)),
                niche_top3: Some(cultivated && rng.chance(0.15)),
                strategic_emerging: Some(rng.chance(0.6)),
                product_field: Some(match rng.weighted(&[2, 3, 5]) {
                    0 => ProductField::ChainKeyLink,
                    1 => ProductField::Foundation,
                    _ => ProductField::Other,
                }),
                key_area_product: Some(rng.chance(0.3)),
                share_leading: cultivated.then(|| rng.chance(0.7)),
                ..Market::default()
            },
            management: Management {
                digital_level: Some(1 + rng.weighted(&[3, 4, 2, 1]) as u32),
                quality_award: Some(rng.chance(0.08)),
                quality_certification: Some(rng.chance(0.7)),
                own_brand: Some(rng.chance(0.6)),
                info_system: Some(rng.chance(0.8)),
            },
            ..Facts::default()
        };
        if cultivated || rng.chance(0.1) {
            let base = if cultivated { 48 } else { 35 };
            f.srdi_dev_score
                .insert(year, (base + rng.between(0, 30)) as u32);
            f.srdi_dev_score
                .insert(year - 1, (base + rng.between(0, 30)) as u32);
            f.srdi_local_points = Some(rng.between(4, 13) as u32);
        }
        out.push((id.clone(), f));
    }
    out
}

/// Writes the facts and the two doubling targets in the demo's transaction.
pub(crate) async fn write(tx: &mut Db, facts: &[(OrgId, Facts)], now: i64) -> AppResult<()> {
    for (id, f) in facts {
        let doc = serde_json::to_string(f).map_err(|e| crate::AppError::Internal(e.into()))?;
        tx.put_org_facts(id, &doc, now, "demo").await?;
    }
    let due = chrono::NaiveDate::from_ymd_opt(2027, 12, 31).unwrap_or(HORIZON);
    for (name, tier) in [
        ("科技型企业数量翻番", K::TechEnterprise),
        ("高新技术企业数量翻番", K::HighTech),
    ] {
        let kinds = crate::ops::ladder::target_kinds(tier);
        let baseline = tx.holders_on(&kinds, &[SNAPSHOT]).await?[0];
        tx.insert_target(&TargetRow {
            target_id: kechuang_store::new_id(),
            name: name.to_string(),
            tier: tier.code().to_string(),
            baseline_date: SNAPSHOT,
            baseline_value: baseline,
            target_value: baseline * 2,
            due_date: due,
            created_at: now,
            created_by: "demo".into(),
        })
        .await?;
    }
    Ok(())
}

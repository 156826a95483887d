//! The demo district's innovation platforms, research institutes, incubated
//! projects and alliance (PRODUCT.md part 7), from the 2023 newspaper report:
//! "全区已建成各类创新平台182个。中国农科院蔬菜花卉研究所西南研发中心、渝西智能
//! 制造工业设计平台、气凝胶国家重点实验室（建设中）…", the 铜梁新型储能产业技术研究院
//! co-built by the district government, 重庆大学 and a leading energy-storage firm
//! with 5 research teams and the "百G储能、千亿产值、千人研发" targets, the
//! 重庆高新技术产业研究院 (总院, "研究院经济") with its 专业研究院 and 53 hard-tech
//! projects incubated, and the 成渝地区双城经济圈绿色产业技术创新联盟 with over
//! 1000 experts.
//!
//! Exactly [`PLATFORMS_TOTAL`] platforms exist on the snapshot day through the
//! report's query (approved on or before it, not revoked on or before it): the
//! named ones plus generated ones hosted by demo enterprises (enterprise
//! technology centres, engineering centres, key laboratories, workstations,
//! incubators, maker spaces …), some still under construction. A few were revoked
//! before the snapshot and a few are approved after it; neither counts on that
//! day. Drawn from a stream of its own, so nothing drawn before changes.
//!
//! Enterprise hosts and co-builders take their indicator #23 level from these
//! platforms in the ladder (`ops::platform::institution_levels_in`). The demo
//! build stores no ladder evaluation, so no figure the demo test asserts moves.

use super::rng::Rng;
use super::targets::{INCUBATED_PROJECTS, PLATFORMS_TOTAL, SNAPSHOT, ymd};
use crate::{AppError, AppResult};
use chrono::{NaiveDate, TimeDelta};
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::InstitutionLevel as L;
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_core::platform::{
    EvaluationGrade, IncubationStage, PlatformKind as K, PlatformStatus as S,
};
use kechuang_core::qualification::{Qualification, QualificationKind};
use kechuang_store::{
    Db, EvaluationRow, ExpertRow, NewEvent, PartnerRow, PlatformData, ProjectData, TargetRecord,
    TeamRow,
};
use serde_json::json;
use std::collections::HashSet;

/// What the platforms writer added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Written {
    /// Platforms written (all dates).
    pub platforms: usize,
    /// Incubated projects.
    pub projects: usize,
    /// Alliance experts.
    pub experts: usize,
}

/// The generated platforms by kind (with the 7 named ones: 182 on the snapshot).
const GENERATED: [(K, usize); 12] = [
    (K::EnterpriseTechCentre, 63),
    (K::EngineeringCentre, 34),
    (K::KeyLaboratory, 6),
    (K::InnovationCentre, 5),
    (K::NewTypeRdInstitution, 7),
    (K::IndustryInstitute, 2),
    (K::AcademicianWorkstation, 11),
    (K::PostdoctoralWorkstation, 13),
    (K::Incubator, 10),
    (K::MakerSpace, 17),
    (K::UniversitySciencePark, 1),
    (K::Other, 6),
];

/// Named platforms counted on the snapshot.
const NAMED: usize = 7;
/// Generated platforms revoked before the snapshot (not counted).
const REVOKED_BEFORE: usize = 6;
/// Generated platforms approved after the snapshot (not counted on it).
const APPROVED_AFTER: usize = 8;

/// Incubated projects by stage (53 in all).
const STAGES: [(IncubationStage, usize); 6] = [
    (IncubationStage::Laboratory, 9),
    (IncubationStage::Pilot, 13),
    (IncubationStage::Incorporated, 14),
    (IncubationStage::Financed, 10),
    (IncubationStage::Graduated, 4),
    (IncubationStage::Stopped, 3),
];

const TECH: [&str; 24] = [
    "气凝胶隔热材料",
    "固态电解质",
    "钠离子电池正极材料",
    "碳化硅功率器件",
    "高纯石英砂提纯",
    "柔性钙钛矿光伏组件",
    "氢燃料电池双极板",
    "工业机器人精密减速器",
    "激光雷达光学模组",
    "医用可降解镁合金",
    "植物源农药",
    "智能网联线控底盘",
    "石墨烯导热膜",
    "高熵合金涂层",
    "微型燃气轮机",
    "静脉识别模组",
    "气体压缩机组",
    "生物基可降解塑料",
    "动力电池梯次利用",
    "多肽药物合成",
    "MEMS压力传感器",
    "高端轴承钢",
    "储能变流器",
    "工业视觉检测系统",
];
const PHASE: [&str; 4] = ["产业化", "中试", "关键技术攻关", "工程化"];

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str = "建国志强海涛晓明丽娟文华春梅宏伟国庆秀英桂兰永红玉兰明辉德胜雪峰俊杰婷婷子涵思远欣怡浩然雨轩梓萱博文一鸣嘉怡天宇晨曦佳琪";
const FIELDS: [&str; 6] = [
    "降碳节能",
    "减污治理",
    "扩绿生态",
    "清洁能源",
    "循环经济",
    "绿色材料",
];
const TITLES: [&str; 5] = ["教授", "研究员", "副教授", "高级工程师", "正高级工程师"];

fn find<'a>(orgs: &'a [(OrgId, Organisation)], name: &str) -> AppResult<&'a (OrgId, Organisation)> {
    orgs.iter()
        .find(|(_, o)| o.name == name)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo: no organisation {name}")))
}

fn person(rng: &mut Rng) -> String {
    let s: Vec<char> = SURNAMES.chars().collect();
    let g: Vec<char> = GIVEN.chars().collect();
    let mut n = String::new();
    n.push(s[rng.index(s.len())]);
    let i = rng.index(g.len() / 2) * 2;
    if rng.chance(0.3) {
        n.push(g[i]);
    } else {
        n.push(g[i]);
        n.push(g[i + 1]);
    }
    n
}

struct Out {
    platforms: Vec<(String, PlatformData, Vec<PartnerRow>)>,
    events: Vec<NewEvent>,
}

impl Out {
    fn push(&mut self, d: PlatformData, partners: Vec<PartnerRow>) -> String {
        let id = kechuang_store::new_id();
        self.events.push(NewEvent {
            actor: "demo".into(),
            entity: "platform".into(),
            entity_id: id.clone(),
            kind: "platform.created".into(),
            payload: json!({"name": d.name, "kind": d.kind.as_str(), "level": d.level as i64,
                            "host_org_id": d.host_org_id, "status": d.status.as_str()}),
        });
        self.platforms.push((id.clone(), d, partners));
        id
    }
}

#[expect(clippy::too_many_arguments, reason = "one platform's attributes")]
fn platform(
    name: &str,
    kind: K,
    level: L,
    host: &(OrgId, Organisation),
    status: S,
    approved: NaiveDate,
    accredited: Option<NaiveDate>,
    revoked: Option<NaiveDate>,
) -> PlatformData {
    PlatformData {
        name: name.to_string(),
        kind,
        level,
        host_org_id: host.0.clone(),
        status,
        approved_on: approved,
        accredited_on: accredited,
        revoked_on: revoked,
        town: host.1.town.clone(),
        cluster: host.1.cluster.clone(),
        field: None,
        parent_id: None,
        note: None,
    }
}

fn partner(o: &(OrgId, Organisation), role: &str) -> PartnerRow {
    PartnerRow {
        name: o.1.name.clone(),
        org_id: Some(o.0.clone()),
        role: role.into(),
    }
}

/// Writes the platforms, institutes, projects and the alliance in the demo's
/// transaction.
pub(crate) async fn write(
    tx: &mut Db,
    seed: u64,
    orgs: &[(OrgId, Organisation)],
    qualifications: &[(OrgId, Qualification)],
    showcase: &OrgId,
    now: i64,
) -> AppResult<Written> {
    let mut rng = Rng::stream(seed, "platforms");
    let mut out = Out {
        platforms: Vec::new(),
        events: Vec::new(),
    };
    let firms: Vec<&(OrgId, Organisation)> = orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Enterprise)
        .collect();
    let old_firms: Vec<&(OrgId, Organisation)> = firms
        .iter()
        .copied()
        .filter(|(_, o)| o.founded_on.is_some_and(|f| f < ymd(2019, 1, 1)))
        .collect();
    let in_cluster = |c: &str| -> AppResult<&(OrgId, Organisation)> {
        old_firms
            .iter()
            .copied()
            .filter(|(_, o)| o.cluster.as_deref() == Some(c) && o.above_scale)
            .min_by_key(|(_, o)| (o.founded_on, o.credit_code.as_str().to_string()))
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo: no firm in {c}")))
    };
    let cqu = find(orgs, "重庆大学")?;
    let storage = in_cluster("新型储能")?;
    let materials = in_cluster("新材料")?;
    let equipment = in_cluster("高端装备")?;

    // The named platforms.
    let veg = find(orgs, "中国农业科学院蔬菜花卉研究所西南研发中心")?;
    let mut d = platform(
        "中国农科院蔬菜花卉研究所西南研发中心",
        K::NewTypeRdInstitution,
        L::Provincial,
        veg,
        S::Accredited,
        ymd(2023, 3, 18),
        Some(ymd(2023, 6, 28)),
        None,
    );
    d.field = Some("蔬菜花卉育种".into());
    out.push(d, Vec::new());
    let mut d = platform(
        "渝西智能制造工业设计平台",
        K::Other,
        L::Provincial,
        equipment,
        S::Accredited,
        ymd(2021, 5, 10),
        Some(ymd(2021, 12, 20)),
        None,
    );
    d.field = Some("工业设计".into());
    out.push(d, Vec::new());
    let mut d = platform(
        "气凝胶国家重点实验室",
        K::KeyLaboratory,
        L::National,
        materials,
        S::UnderConstruction,
        ymd(2023, 4, 26),
        None,
        None,
    );
    d.field = Some("气凝胶材料".into());
    out.push(d, vec![partner(cqu, "共建单位")]);
    let storage_host = find(orgs, "铜梁新型储能产业技术研究院")?;
    let mut d = platform(
        "铜梁新型储能产业技术研究院",
        K::IndustryInstitute,
        L::Provincial,
        storage_host,
        S::Accredited,
        ymd(2022, 9, 20),
        Some(ymd(2022, 12, 28)),
        None,
    );
    d.field = Some("新型储能".into());
    d.note = Some("“龙头企业+产业技术研究院”；百G储能、千亿产值、千人研发".into());
    let storage_id = out.push(
        d,
        vec![
            PartnerRow {
                name: "铜梁区人民政府".into(),
                org_id: None,
                role: "共建方（政府）".into(),
            },
            partner(cqu, "共建方（高校，依托储能产业产教融合国家级平台）"),
            partner(storage, "共建方（龙头企业）"),
        ],
    );
    let head_host = find(orgs, "重庆高新技术产业研究院有限责任公司")?;
    let mut d = platform(
        "重庆高新技术产业研究院",
        K::NewTypeRdInstitution,
        L::Provincial,
        head_host,
        S::Accredited,
        ymd(2019, 5, 20),
        Some(ymd(2020, 12, 30)),
        None,
    );
    d.field = Some("研究院经济：科技成果从实验室走向生产线".into());
    d.note = Some("总院".into());
    let head_id = out.push(d, Vec::new());
    let rongchang = find(orgs, "重庆荣昌高新技术产业研究院有限公司")?;
    let mut d = platform(
        "重庆荣昌高新技术产业研究院",
        K::IndustryInstitute,
        L::Municipal,
        rongchang,
        S::Accredited,
        ymd(2023, 6, 8),
        Some(ymd(2023, 10, 30)),
        None,
    );
    d.parent_id = Some(head_id.clone());
    d.field = Some("绿色低碳".into());
    out.push(
        d,
        vec![
            PartnerRow {
                name: "荣昌区人民政府".into(),
                org_id: None,
                role: "共建方（政府）".into(),
            },
            partner(head_host, "共建方（总院）"),
        ],
    );
    let mut d = platform(
        "重庆高新技术产业研究院铜梁新材料研究院",
        K::IndustryInstitute,
        L::BelowMunicipal,
        head_host,
        S::Accredited,
        ymd(2021, 8, 16),
        Some(ymd(2022, 3, 1)),
        None,
    );
    d.parent_id = Some(head_id.clone());
    d.town = Some("东城街道".into());
    d.field = Some("新材料".into());
    out.push(d, vec![partner(materials, "共建方（企业）")]);
    debug_assert_eq!(out.platforms.len(), NAMED);

    // The generated ones: unique (host, kind) names.
    let mut names: HashSet<String> = out.platforms.iter().map(|p| p.1.name.clone()).collect();
    let universities: Vec<&(OrgId, Organisation)> = orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::University)
        .collect();
    let mut plan: Vec<(K, usize)> = Vec::new();
    for (k, n) in GENERATED {
        for _ in 0..n {
            plan.push((k, 0));
        }
    }
    // Which are revoked before, and which approved after, the snapshot.
    let extra: Vec<(K, usize)> = [
        (K::EnterpriseTechCentre, 1),
        (K::MakerSpace, 1),
        (K::Incubator, 1),
        (K::EngineeringCentre, 1),
        (K::EnterpriseTechCentre, 1),
        (K::MakerSpace, 1),
    ]
    .into_iter()
    .chain(
        [
            K::EnterpriseTechCentre,
            K::EngineeringCentre,
            K::KeyLaboratory,
            K::NewTypeRdInstitution,
            K::EnterpriseTechCentre,
            K::PostdoctoralWorkstation,
            K::Incubator,
            K::AcademicianWorkstation,
        ]
        .into_iter()
        .map(|k| (k, 2)),
    )
    .collect();
    debug_assert_eq!(extra.len(), REVOKED_BEFORE + APPROVED_AFTER);
    plan.extend(extra);
    let mut first_showcase = true;
    let mut evaluations: Vec<(String, EvaluationRow)> = Vec::new();
    let mut fails_left = 2;
    for (k, when) in plan {
        let host = if first_showcase && k == K::EnterpriseTechCentre {
            first_showcase = false;
            firms
                .iter()
                .copied()
                .find(|(id, _)| id == showcase)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo: no showcase firm")))?
        } else {
            loop {
                let f = old_firms[rng.index(old_firms.len())];
                if !names.contains(&format!("{}{}", f.1.name, k.label())) {
                    break f;
                }
            }
        };
        let name = format!("{}{}", host.1.name, k.label());
        names.insert(name.clone());
        let level = match k {
            K::Incubator | K::MakerSpace | K::UniversitySciencePark => {
                [L::BelowMunicipal, L::Provincial, L::National][rng.weighted(&[55, 40, 5])]
            }
            K::KeyLaboratory | K::InnovationCentre => {
                [L::BelowMunicipal, L::Provincial, L::National][rng.weighted(&[30, 65, 5])]
            }
            _ => [L::BelowMunicipal, L::Municipal, L::Provincial, L::National]
                [rng.weighted(&[54, 6, 37, 3])],
        };
        let (status, approved, accredited, revoked) = match when {
            1 => {
                let a = rng.date_between(ymd(2015, 1, 1), ymd(2018, 12, 31));
                let r = rng.date_between(ymd(2020, 6, 1), ymd(2023, 6, 30));
                (S::Revoked, a, Some(a), Some(r))
            }
            2 => {
                let a = rng.date_between(ymd(2024, 1, 1), ymd(2026, 6, 30));
                if rng.chance(0.5) {
                    (S::UnderConstruction, a, None, None)
                } else {
                    (
                        S::Accredited,
                        a,
                        Some(a + TimeDelta::days(rng.between(30, 200)).min(ymd(2026, 9, 30) - a)),
                        None,
                    )
                }
            }
            _ if rng.chance(0.07) => {
                let a = rng.date_between(ymd(2022, 1, 1), SNAPSHOT);
                (S::UnderConstruction, a, None, None)
            }
            _ => {
                let a = rng.date_between(ymd(2012, 1, 1), ymd(2023, 6, 30));
                let acc = if matches!(k, K::EnterpriseTechCentre | K::Incubator | K::MakerSpace) {
                    a
                } else {
                    (a + TimeDelta::days(rng.between(90, 400))).min(SNAPSHOT)
                };
                (S::Accredited, a, Some(acc), None)
            }
        };
        let mut d = platform(&name, k, level, host, status, approved, accredited, revoked);
        d.field = host.1.cluster.clone();
        let partners = if matches!(
            k,
            K::KeyLaboratory | K::EngineeringCentre | K::AcademicianWorkstation
        ) && rng.chance(0.4)
        {
            vec![partner(
                universities[rng.index(universities.len())],
                "共建单位",
            )]
        } else {
            Vec::new()
        };
        let id = out.push(d.clone(), partners);
        // Yearly evaluations of accredited platforms from the year after accreditation.
        if let Some(acc) = d.accredited_on
            && d.status == S::Accredited
        {
            let first = chrono::Datelike::year(&acc) + 1;
            for year in first.max(2020)..=2023 {
                let grade = if fails_left > 0 && year >= 2022 && k == K::EngineeringCentre {
                    EvaluationGrade::Fail
                } else {
                    [
                        EvaluationGrade::Excellent,
                        EvaluationGrade::Good,
                        EvaluationGrade::Pass,
                    ][rng.weighted(&[20, 50, 30])]
                };
                evaluations.push((
                    id.clone(),
                    EvaluationRow {
                        year,
                        grade,
                        note: None,
                    },
                ));
            }
            if k == K::EngineeringCentre && fails_left > 0 && first <= 2022 {
                fails_left -= 1;
            }
        }
    }
    let counted = out
        .platforms
        .iter()
        .filter(|(_, d, _)| d.approved_on <= SNAPSHOT && d.revoked_on.is_none_or(|r| r > SNAPSHOT))
        .count();
    if counted != PLATFORMS_TOTAL {
        return Err(AppError::Internal(anyhow::anyhow!(
            "demo: {counted} platforms on the snapshot, not {PLATFORMS_TOTAL}"
        )));
    }
    for (id, d, partners) in &out.platforms {
        tx.insert_platform(id, d, partners, now).await?;
    }
    for (id, e) in &evaluations {
        tx.insert_platform_evaluation(id, e, now).await?;
    }

    // The energy-storage institute: 5 teams and the three targets.
    let teams = [
        ("储能电池材料研究团队", "正负极与电解质材料", 24),
        ("电池管理系统研究团队", "BMS 与状态估计", 18),
        ("储能系统集成与安全团队", "系统集成、热管理与消防安全", 21),
        ("钠离子电池研究团队", "钠离子电池", 15),
        ("电池回收与梯次利用团队", "退役电池回收与梯次利用", 12),
    ];
    for (name, field, members) in teams {
        let t = TeamRow {
            id: kechuang_store::new_id(),
            name: name.into(),
            lead: person(&mut rng),
            members,
            field: Some(field.into()),
        };
        tx.insert_institute_team(&storage_id, &t, now).await?;
    }
    for (metric, target, unit, actual) in [
        ("储能电池年产能", "100", "GWh", "56"),
        ("新型储能产业产值", "1000", "亿元", "312"),
        ("产业研发人员", "1000", "人", "468"),
    ] {
        tx.upsert_institute_target(
            &storage_id,
            &TargetRecord {
                metric: metric.into(),
                target: target.into(),
                unit: unit.into(),
                actual: actual.into(),
                as_of: ymd(2025, 12, 31),
            },
        )
        .await?;
    }

    // The 总院's 53 incubated projects and their resulting firms.
    let held: HashSet<&OrgId> = qualifications
        .iter()
        .filter(|(_, q)| {
            matches!(
                q.kind,
                QualificationKind::HighTech
                    | QualificationKind::Srdi
                    | QualificationKind::LittleGiant
            )
        })
        .map(|(id, _)| id)
        .collect();
    let mut young: Vec<&(OrgId, Organisation)> = firms
        .iter()
        .copied()
        .filter(|(id, o)| {
            id != showcase
                && o.founded_on
                    .is_some_and(|f| f >= ymd(2019, 6, 1) && f <= ymd(2023, 6, 30))
        })
        .collect();
    rng.shuffle(&mut young);
    // Firms with 高企 or 专精特新 first, as the institute's reports tell.
    young.sort_by_key(|(id, _)| !held.contains(id));
    let mut companies = young.into_iter();
    let mut titles: HashSet<String> = HashSet::new();
    let mut n_projects = 0;
    for (stage, n) in STAGES {
        for _ in 0..n {
            let title = loop {
                let t = format!(
                    "{}{}项目",
                    TECH[rng.index(TECH.len())],
                    PHASE[rng.index(PHASE.len())]
                );
                if titles.insert(t.clone()) {
                    break t;
                }
            };
            let firm = if stage.has_company() {
                Some(companies.next().ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("demo: too few young firms"))
                })?)
            } else {
                None
            };
            let incorporated = firm.and_then(|f| f.1.founded_on);
            let start = match incorporated {
                Some(f) => (f - TimeDelta::days(rng.between(120, 420))).max(ymd(2019, 6, 1)),
                None => rng.date_between(ymd(2020, 1, 1), ymd(2023, 9, 30)),
            };
            let pilot = start + TimeDelta::days(rng.between(60, 200));
            let mut stages = vec![(IncubationStage::Laboratory, start)];
            let mut last = start;
            for s in [
                IncubationStage::Pilot,
                IncubationStage::Incorporated,
                IncubationStage::Financed,
                IncubationStage::Graduated,
            ] {
                if s > stage || stage == IncubationStage::Stopped {
                    break;
                }
                let on = match s {
                    IncubationStage::Pilot => pilot.min(incorporated.unwrap_or(pilot)),
                    IncubationStage::Incorporated => incorporated.unwrap_or(pilot).max(last),
                    _ => (last + TimeDelta::days(rng.between(120, 400))).min(ymd(2026, 9, 30)),
                };
                let on = on.max(last);
                stages.push((s, on));
                last = on;
            }
            if stage == IncubationStage::Stopped {
                stages.push((
                    IncubationStage::Stopped,
                    start + TimeDelta::days(rng.between(200, 500)),
                ));
            }
            let funding_wan = match stage {
                IncubationStage::Laboratory | IncubationStage::Stopped => rng.between(50, 300),
                IncubationStage::Pilot => rng.between(200, 800),
                _ => rng.between(500, 3000),
            };
            let data = ProjectData {
                platform_id: head_id.clone(),
                name: title,
                field: None,
                stage,
                team: Some(format!(
                    "{}团队（{}人）",
                    person(&mut rng),
                    rng.between(4, 20)
                )),
                funding_fen: funding_wan * 1_000_000,
                started_on: start,
                firm_org_id: firm.map(|f| f.0.clone()),
            };
            let pid = kechuang_store::new_id();
            tx.insert_incubated_project(&pid, &data, &stages, now)
                .await?;
            out.events.push(NewEvent {
                actor: "demo".into(),
                entity: "incubated_project".into(),
                entity_id: pid,
                kind: "incubation.added".into(),
                payload: json!({"platform_id": head_id, "name": data.name, "stage": stage.as_str(),
                                "firm_org_id": data.firm_org_id}),
            });
            n_projects += 1;
        }
    }
    if n_projects != INCUBATED_PROJECTS {
        return Err(AppError::Internal(anyhow::anyhow!(
            "demo: {n_projects} incubated projects, not {INCUBATED_PROJECTS}"
        )));
    }

    // The green-industry alliance: led by the Rongchang institute, 1000+ experts.
    let alliance_id = kechuang_store::new_id();
    tx.insert_alliance(
        &alliance_id,
        "成渝地区双城经济圈绿色产业技术创新联盟",
        &rongchang.0,
        ymd(2023, 11, 4),
        Some("降碳节能、减污、扩绿"),
        now,
    )
    .await?;
    let mut members: Vec<(&(OrgId, Organisation), &str)> = vec![(rongchang, "理事长单位")];
    for o in orgs
        .iter()
        .filter(|(_, o)| matches!(o.kind, OrgKind::University | OrgKind::Institute))
        .filter(|(id, _)| *id != rongchang.0)
    {
        members.push((
            o,
            if o.1.kind == OrgKind::University {
                "副理事长单位"
            } else {
                "理事单位"
            },
        ));
    }
    let mut green: Vec<&(OrgId, Organisation)> = old_firms.clone();
    rng.shuffle(&mut green);
    for f in green.into_iter().take(30) {
        members.push((f, "会员单位"));
    }
    for (o, role) in &members {
        let dues: Vec<i32> = (2024..=2026).filter(|_| rng.chance(0.85)).collect();
        tx.upsert_alliance_member(&alliance_id, &o.0, role, ymd(2023, 11, 4), &dues)
            .await?;
    }
    let affiliations: Vec<&str> = members.iter().map(|(o, _)| o.1.name.as_str()).collect();
    let n_experts = 1_000 + rng.index(100);
    let experts: Vec<ExpertRow> = (0..n_experts)
        .map(|i| ExpertRow {
            id: kechuang_store::new_id(),
            name: person(&mut rng),
            affiliation: affiliations[rng.index(affiliations.len())].to_string(),
            title: Some(TITLES[rng.index(TITLES.len())].to_string()),
            field: Some(FIELDS[rng.index(FIELDS.len())].to_string()),
            role: if i < 15 {
                "专家委员会委员"
            } else {
                "会员专家"
            }
            .to_string(),
            joined_on: ymd(2023, 11, 4),
        })
        .collect();
    tx.insert_alliance_experts(&alliance_id, &experts).await?;
    out.events.push(NewEvent {
        actor: "demo".into(),
        entity: "alliance".into(),
        entity_id: alliance_id,
        kind: "alliance.created".into(),
        payload: json!({"members": members.len(), "experts": experts.len()}),
    });
    tx.append_events(&out.events).await?;
    Ok(Written {
        platforms: out.platforms.len(),
        projects: n_projects,
        experts: experts.len(),
    })
}

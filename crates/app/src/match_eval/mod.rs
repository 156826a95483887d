//! The matchmaking evaluation set and its measures (docs/matchmaking-evaluation.md).
//!
//! * [`topics`](self) holds the hand-written ground truth: 68 fine technologies in
//!   nine clusters, each with achievements and an expert written in technical terms
//!   and three needs written in an enterprise's words, plus hard negatives.
//! * [`generate`] expands it, with a seeded generator, into an [`EvalSet`]: the
//!   records, a few thousand distractors, and for every need its graded judgments
//!   (2 = same technology, solves it; 1 = same sub-field, related). The committed
//!   `crates/app/data/match-eval/set.json` is `generate(SEED)`; a test keeps the two
//!   equal.
//! * [`load`] writes a set into a store (one transaction, events included) and
//! * [`evaluate`] runs our match and plain BM25 for every need and reports
//!   nDCG@10, recall@20 and MRR per split (dev, test, all) with match latency.

mod synth;
mod topics;

pub use synth_api::*;

use crate::demo::rng::Rng;
use crate::search::Searcher;
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::OrgId;
use kechuang_core::matchmaking::{
    AchievementInput, CooperationMode, ExpertInput, Maturity, NeedInput, NeedStatus, TransferMode,
};
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_store::NewEvent;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// The seed of the committed set.
pub const SEED: u64 = 20_261_129;

/// The committed set (`crates/app/data/match-eval/set.json`).
pub const COMMITTED: &str = include_str!("../../data/match-eval/set.json");

/// Distractor achievements in the committed set.
pub const DISTRACTOR_ACHIEVEMENTS: usize = 3_000;
/// Distractor experts in the committed set.
pub const DISTRACTOR_EXPERTS: usize = 800;

/// An organisation of the set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalOrg {
    /// Key within the set.
    pub key: String,
    /// Name.
    pub name: String,
    /// `enterprise`, `university` or `institute`.
    pub kind: String,
    /// Industry cluster (enterprises).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
}

/// An achievement of the set, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalAchievement {
    /// Key (`a:<topic>:<n>`, `a:decoy:<n>`, `a:x:<n>`).
    pub key: String,
    /// Owner key.
    pub org: String,
    /// The topic it belongs to (`None`: decoy or distractor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// 成果名称.
    pub title: String,
    /// 成果简介.
    pub summary: String,
    /// 完成人.
    pub inventors: Vec<String>,
    /// 技术领域.
    pub field: String,
    /// 成熟度 code.
    pub maturity: String,
    /// 转化方式 codes.
    pub transfer_modes: Vec<String>,
    /// 参考价格, 万元 (empty: 面议).
    pub price_wan: String,
    /// 关键词.
    pub keywords: Vec<String>,
}

/// An expert of the set, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalExpert {
    /// Key (`e:<topic>`, `e:decoy:<n>`, `e:x:<n>`).
    pub key: String,
    /// Organisation key.
    pub org: String,
    /// The topic (`None`: decoy or distractor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// 姓名.
    pub name: String,
    /// 职称.
    pub title: String,
    /// 研究领域.
    pub fields: Vec<String>,
    /// 关键词.
    pub keywords: Vec<String>,
    /// 代表性项目.
    pub projects: String,
    /// 简介.
    pub profile: String,
}

/// A need of the set with its judgments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalNeed {
    /// Key (`n:<topic>:<n>`).
    pub key: String,
    /// Owner key.
    pub org: String,
    /// `dev` (tune on these) or `test` (report only).
    pub split: String,
    /// The topic.
    pub topic: String,
    /// 需求名称.
    pub title: String,
    /// 需求描述.
    pub description: String,
    /// 目标技术指标.
    pub indicators: String,
    /// 拟解决的问题.
    pub problem: String,
    /// 现有基础.
    pub basis: String,
    /// 预算, 万元.
    pub budget_wan: String,
    /// 合作方式 codes.
    pub modes: Vec<String>,
    /// 技术领域 (as the enterprise chose it; may be empty or off).
    pub field: String,
    /// 关键词.
    pub keywords: Vec<String>,
    /// Graded judgments: record key → 2 (solves it) or 1 (related).
    pub judgments: BTreeMap<String, u8>,
}

/// The whole set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalSet {
    /// Format version.
    pub version: u32,
    /// Generator seed.
    pub seed: u64,
    /// Organisations.
    pub orgs: Vec<EvalOrg>,
    /// Achievements (judged, decoys, distractors).
    pub achievements: Vec<EvalAchievement>,
    /// Experts.
    pub experts: Vec<EvalExpert>,
    /// Needs with judgments.
    pub needs: Vec<EvalNeed>,
}

const RESEARCH: &[(&str, &str)] = &[
    ("重庆大学", "university"),
    ("西南大学", "university"),
    ("重庆理工大学", "university"),
    ("重庆交通大学", "university"),
    ("重庆邮电大学", "university"),
    ("重庆医科大学", "university"),
    ("重庆工商大学", "university"),
    ("重庆科技大学", "university"),
    ("四川大学", "university"),
    ("电子科技大学", "university"),
    ("哈尔滨工业大学", "university"),
    ("西南交通大学", "university"),
    ("中国科学院重庆绿色智能技术研究院", "institute"),
    ("中国科学院宁波材料技术与工程研究所", "institute"),
    ("中国汽车工程研究院", "institute"),
    ("重庆市农业科学院", "institute"),
    ("重庆市中药研究院", "institute"),
    ("北京理工大学重庆创新中心", "institute"),
];

const TRADE: &[&str] = &[
    "瑞丰", "宏达", "鑫源", "龙腾", "恒通", "巴川", "蓝海", "启航", "中渝", "金凯", "华创", "天成",
    "嘉陵", "长江", "凯越", "博远", "新锐", "安泰", "众合", "远景",
];

fn cluster_word(cluster: &str) -> &'static str {
    match cluster {
        "新型储能" => "储能科技",
        "智能网联新能源汽车零部件" => "汽车部件",
        "摩托车" => "摩托车制造",
        "新材料" => "新材料科技",
        "智慧安防" => "智能科技",
        "农业与食品" => "食品",
        "电子信息" => "电子科技",
        "高端装备" => "机械制造",
        _ => "医疗科技",
    }
}

const CLUSTERS: &[&str] = &[
    "新型储能",
    "智能网联新能源汽车零部件",
    "摩托车",
    "新材料",
    "智慧安防",
    "农业与食品",
    "电子信息",
    "高端装备",
    "生物医药与大健康",
];

const BASIS: &[&str] = &[
    "公司有研发人员十余名，具备小批量试制和常规检测条件。",
    "已建成中试线一条，与重庆本地高校有过合作。",
    "现有生产线可提供试验条件，缺少核心技术团队。",
    "已做过初步试验，效果不理想。",
    "有省级企业技术中心，检测设备齐全。",
];

fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(str::to_string).collect()
}

fn codes<T: Copy>(rng: &mut Rng, all: &[T], n: usize, code: fn(T) -> &'static str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for _ in 0..n {
        let c = code(*rng.pick(all)).to_string();
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

fn achievement_attrs(rng: &mut Rng) -> (String, Vec<String>, String) {
    let maturity = rng.pick(Maturity::ALL).code().to_string();
    let modes = codes(rng, TransferMode::ALL, 2, TransferMode::code);
    let price = if rng.chance(0.4) {
        String::new()
    } else {
        format!("{}", 10 * rng.between(2, 60))
    };
    (maturity, modes, price)
}

/// Expands the hand-written topics into the evaluation set (deterministic in `seed`).
pub fn generate(seed: u64) -> EvalSet {
    let mut rng = Rng::stream(seed, "match-eval");
    let mut orgs: Vec<EvalOrg> = RESEARCH
        .iter()
        .enumerate()
        .map(|(i, (name, kind))| EvalOrg {
            key: format!("r{i}"),
            name: (*name).to_string(),
            kind: (*kind).to_string(),
            cluster: None,
        })
        .collect();
    let research = orgs.len();
    let mut firms: HashMap<&str, Vec<String>> = HashMap::new();
    for cluster in CLUSTERS {
        for j in 0..12 {
            let key = format!("f{}", orgs.len());
            orgs.push(EvalOrg {
                key: key.clone(),
                name: format!(
                    "重庆{}{}有限公司",
                    TRADE[(j + orgs.len()) % TRADE.len()],
                    cluster_word(cluster)
                ),
                kind: "enterprise".into(),
                cluster: Some((*cluster).to_string()),
            });
            firms.entry(cluster).or_default().push(key);
        }
    }
    let research_key = |rng: &mut Rng| format!("r{}", rng.index(research));

    let mut achievements = Vec::new();
    let mut experts = Vec::new();
    for t in topics::TOPICS {
        for (i, (title, summary, keywords)) in t.ach.iter().enumerate() {
            let (maturity, transfer_modes, price_wan) = achievement_attrs(&mut rng);
            // Most records carry the cluster as their field; some the sub-field, some none.
            let field = match rng.weighted(&[8, 1, 1]) {
                0 => t.cluster.to_string(),
                1 => t.sub.to_string(),
                _ => String::new(),
            };
            let org = research_key(&mut rng);
            achievements.push(EvalAchievement {
                key: format!("a:{}:{i}", t.key),
                org,
                topic: Some(t.key.to_string()),
                title: (*title).to_string(),
                summary: format!(
                    "{summary}已完成{}验证，可面向企业转化。",
                    if rng.chance(0.5) {
                        "实验室"
                    } else {
                        "中试"
                    }
                ),
                inventors: vec![synth::person(&mut rng), synth::person(&mut rng)],
                field,
                maturity,
                transfer_modes,
                price_wan,
                keywords: split_list(keywords),
            });
        }
        let (fields, keywords, project) = t.expert;
        let mut fields = split_list(fields);
        // Like achievements, most experts also list the platform's field (the cluster).
        if rng.chance(0.8) {
            fields.insert(0, t.cluster.to_string());
        }
        experts.push(EvalExpert {
            key: format!("e:{}", t.key),
            org: research_key(&mut rng),
            topic: Some(t.key.to_string()),
            name: synth::person(&mut rng),
            title: synth::title(&mut rng),
            profile: format!(
                "长期从事{}研究，与多家企业开展产学研合作。",
                split_list(t.expert.0).join("、")
            ),
            fields,
            keywords: split_list(keywords),
            projects: format!("{project}。"),
        });
    }
    for (i, (cluster, title, summary, keywords)) in topics::DECOYS.iter().enumerate() {
        let (maturity, transfer_modes, price_wan) = achievement_attrs(&mut rng);
        achievements.push(EvalAchievement {
            key: format!("a:decoy:{i}"),
            org: research_key(&mut rng),
            topic: None,
            title: (*title).to_string(),
            summary: (*summary).to_string(),
            inventors: vec![synth::person(&mut rng)],
            field: (*cluster).to_string(),
            maturity,
            transfer_modes,
            price_wan,
            keywords: split_list(keywords),
        });
        if i % 3 == 0 {
            experts.push(EvalExpert {
                key: format!("e:decoy:{i}"),
                org: research_key(&mut rng),
                topic: None,
                name: synth::person(&mut rng),
                title: synth::title(&mut rng),
                fields: vec![(*cluster).to_string()],
                keywords: split_list(keywords),
                projects: format!("代表成果：{title}。"),
                profile: format!("从事{}相关研究。", keywords.replace(',', "、")),
            });
        }
    }
    let mut xr = Rng::stream(seed, "match-eval-distractors");
    for i in 0..DISTRACTOR_ACHIEVEMENTS {
        let a = synth::achievement(&mut xr);
        let (maturity, transfer_modes, price_wan) = achievement_attrs(&mut xr);
        achievements.push(EvalAchievement {
            key: format!("a:x:{i}"),
            org: research_key(&mut xr),
            topic: None,
            title: a.title,
            summary: a.summary,
            inventors: a.inventors,
            field: a.field,
            maturity,
            transfer_modes,
            price_wan,
            keywords: a.keywords,
        });
    }
    for i in 0..DISTRACTOR_EXPERTS {
        let e = synth::expert(&mut xr);
        experts.push(EvalExpert {
            key: format!("e:x:{i}"),
            org: research_key(&mut xr),
            topic: None,
            name: e.name,
            title: e.title,
            fields: e.fields,
            keywords: e.keywords,
            projects: e.projects,
            profile: e.profile,
        });
    }

    let mut needs = Vec::new();
    for (ti, t) in topics::TOPICS.iter().enumerate() {
        let mut judgments = BTreeMap::new();
        for o in topics::TOPICS.iter().filter(|o| o.sub == t.sub) {
            let grade = if o.key == t.key { 2 } else { 1 };
            for i in 0..o.ach.len() {
                judgments.insert(format!("a:{}:{i}", o.key), grade);
            }
            judgments.insert(format!("e:{}", o.key), grade);
        }
        for (i, (title, problem, indicators, keywords)) in t.needs.iter().enumerate() {
            let cluster_firms = &firms[t.cluster];
            let org = cluster_firms[rng.index(cluster_firms.len())].clone();
            // Enterprises pick the field loosely: mostly their cluster, sometimes
            // nothing, sometimes a neighbouring one.
            let field = match rng.weighted(&[7, 2, 1]) {
                0 => t.cluster.to_string(),
                1 => String::new(),
                _ => (*rng.pick(CLUSTERS)).to_string(),
            };
            needs.push(EvalNeed {
                key: format!("n:{}:{i}", t.key),
                org,
                split: if ti % 2 == 0 { "dev" } else { "test" }.into(),
                topic: t.key.to_string(),
                title: (*title).to_string(),
                description: format!(
                    "我公司主要产品为{}。{}希望与高校、科研院所合作解决。",
                    t.product, problem
                ),
                indicators: (*indicators).to_string(),
                problem: (*problem).to_string(),
                basis: (*rng.pick(BASIS)).to_string(),
                budget_wan: format!("{}", 10 * rng.between(3, 50)),
                modes: codes(&mut rng, CooperationMode::ALL, 2, CooperationMode::code),
                field,
                keywords: split_list(keywords),
                judgments: judgments.clone(),
            });
        }
    }
    EvalSet {
        version: 1,
        seed,
        orgs,
        achievements,
        experts,
        needs,
    }
}

/// The set as committed: one record per line, so diffs stay readable.
pub fn to_json_lines(set: &EvalSet) -> String {
    fn list<T: Serialize>(v: &[T]) -> String {
        let rows: Vec<String> = v
            .iter()
            .map(|x| serde_json::to_string(x).unwrap_or_default())
            .collect();
        format!("[\n{}\n]", rows.join(",\n"))
    }
    format!(
        "{{\"version\": {}, \"seed\": {},\n\"orgs\": {},\n\"achievements\": {},\n\"experts\": {},\n\"needs\": {}\n}}\n",
        set.version,
        set.seed,
        list(&set.orgs),
        list(&set.achievements),
        list(&set.experts),
        list(&set.needs)
    )
}

/// The committed set, parsed.
pub fn committed() -> AppResult<EvalSet> {
    serde_json::from_str(COMMITTED)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("match-eval set.json: {e}")))
}

/// Where a set landed in a store: index ids (`achievement:<id>`) ↔ set keys.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// Index id → record key.
    pub key_of: HashMap<String, String>,
    /// Need key → need id.
    pub need_id: HashMap<String, String>,
}

fn org_kind(kind: &str) -> OrgKind {
    match kind {
        "university" => OrgKind::University,
        "institute" => OrgKind::Institute,
        _ => OrgKind::Enterprise,
    }
}

/// Writes `set` into the app's store in one transaction (records and their events),
/// validating every record through the same parsers the use cases use. `only_needs`
/// limits the needs written (None: all).
pub async fn load(app: &App, set: &EvalSet, only_needs: Option<&[String]>) -> AppResult<Loaded> {
    let now = app.now();
    let mut loaded = Loaded::default();
    let mut org_ids = HashMap::new();
    let mut orgs = Vec::new();
    for (i, o) in set.orgs.iter().enumerate() {
        let prefix = if o.kind == "enterprise" { "91" } else { "12" };
        let code = CreditCode::complete(&format!("{prefix}500151{:09}", 7_000_000 + i))
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("credit code for {}", o.key)))?;
        let id = OrgId(kechuang_store::new_id());
        org_ids.insert(o.key.clone(), id.clone());
        orgs.push((
            id,
            Organisation {
                kind: org_kind(&o.kind),
                credit_code: code,
                name: o.name.clone(),
                town: None,
                cluster: o.cluster.clone(),
                coordinates: None,
                founded_on: None,
                above_scale: false,
                address: None,
            },
        ));
    }
    let org = |k: &str| {
        org_ids
            .get(k)
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown org {k}")))
    };
    let mut tx = app.store.begin().await?;
    tx.insert_organisations(&orgs, now).await?;
    let mut events = Vec::new();
    let event = |entity: &str, id: &str| NewEvent {
        actor: "match-eval".into(),
        entity: entity.into(),
        entity_id: id.into(),
        kind: format!("{entity}.created"),
        payload: serde_json::json!({}),
    };
    for a in &set.achievements {
        let input = AchievementInput {
            title: a.title.clone(),
            summary: a.summary.clone(),
            inventors: a.inventors.clone(),
            field: a.field.clone(),
            form: String::new(),
            maturity: a.maturity.clone(),
            transfer_modes: a.transfer_modes.clone(),
            price_wan: a.price_wan.clone(),
            keywords: a.keywords.clone(),
        };
        let rec = input.parse().map_err(AppError::Invalid)?;
        let id = kechuang_store::new_id();
        tx.insert_achievement(&id, &org(&a.org)?, &rec, now, "match-eval")
            .await?;
        events.push(event("achievement", &id));
        loaded
            .key_of
            .insert(format!("achievement:{id}"), a.key.clone());
    }
    for e in &set.experts {
        let input = ExpertInput {
            name: e.name.clone(),
            title: e.title.clone(),
            fields: e.fields.clone(),
            keywords: e.keywords.clone(),
            projects: e.projects.clone(),
            profile: e.profile.clone(),
        };
        let rec = input.parse().map_err(AppError::Invalid)?;
        let id = kechuang_store::new_id();
        tx.insert_expert(&id, &org(&e.org)?, &rec, now, "match-eval")
            .await?;
        events.push(event("expert", &id));
        loaded.key_of.insert(format!("expert:{id}"), e.key.clone());
    }
    for n in &set.needs {
        if only_needs.is_some_and(|only| !only.contains(&n.key)) {
            continue;
        }
        let rec = need_input(n).parse().map_err(AppError::Invalid)?;
        let id = kechuang_store::new_id();
        tx.insert_need(
            &id,
            &org(&n.org)?,
            &rec,
            NeedStatus::Open,
            now,
            "match-eval",
        )
        .await?;
        events.push(event("need", &id));
        loaded.need_id.insert(n.key.clone(), id);
    }
    tx.append_events(&events).await?;
    tx.commit().await?;
    Ok(loaded)
}

/// The need as an enterprise would type it.
pub fn need_input(n: &EvalNeed) -> NeedInput {
    NeedInput {
        title: n.title.clone(),
        description: n.description.clone(),
        indicators: n.indicators.clone(),
        problem: n.problem.clone(),
        basis: n.basis.clone(),
        budget_wan: n.budget_wan.clone(),
        modes: n.modes.clone(),
        field: n.field.clone(),
        keywords: n.keywords.clone(),
        deadline: String::new(),
    }
}

/// nDCG@k with gains 2^grade − 1 over the ideal ordering of all judged records.
pub fn ndcg_at(ranked: &[String], judgments: &BTreeMap<String, u8>, k: usize) -> f64 {
    let gain = |g: u8| f64::from((1u32 << g) - 1);
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, key)| gain(judgments.get(key).copied().unwrap_or(0)) / (i as f64 + 2.0).log2())
        .sum();
    let mut ideal: Vec<u8> = judgments.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| gain(*g) / (i as f64 + 2.0).log2())
        .sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

/// Share of the judged (grade ≥ 1) records found in the first `k`.
pub fn recall_at(ranked: &[String], judgments: &BTreeMap<String, u8>, k: usize) -> f64 {
    let relevant = judgments.values().filter(|g| **g >= 1).count();
    if relevant == 0 {
        return 0.0;
    }
    let found = ranked
        .iter()
        .take(k)
        .filter(|key| judgments.get(*key).is_some_and(|g| *g >= 1))
        .count();
    found as f64 / relevant as f64
}

/// 1 / rank of the first record that solves the need (grade 2); 0 if none.
pub fn reciprocal_rank(ranked: &[String], judgments: &BTreeMap<String, u8>) -> f64 {
    ranked
        .iter()
        .position(|key| judgments.get(key) == Some(&2))
        .map_or(0.0, |i| 1.0 / (i as f64 + 1.0))
}

/// Mean measures over a group of needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Needs scored.
    pub needs: usize,
    /// Mean nDCG@10.
    pub ndcg_at_10: f64,
    /// Mean recall@20.
    pub recall_at_20: f64,
    /// Mean reciprocal rank of the first grade-2 record.
    pub mrr: f64,
}

#[derive(Debug, Default)]
struct Acc {
    n: usize,
    ndcg: f64,
    recall: f64,
    rr: f64,
}

impl Acc {
    fn add(&mut self, ranked: &[String], j: &BTreeMap<String, u8>) {
        self.n += 1;
        self.ndcg += ndcg_at(ranked, j, 10);
        self.recall += recall_at(ranked, j, 20);
        self.rr += reciprocal_rank(ranked, j);
    }
    fn scores(&self) -> Scores {
        let n = self.n.max(1) as f64;
        let r = |x: f64| (x / n * 10_000.0).round() / 10_000.0;
        Scores {
            needs: self.n,
            ndcg_at_10: r(self.ndcg),
            recall_at_20: r(self.recall),
            mrr: r(self.rr),
        }
    }
}

/// Our match and BM25, per split.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Our match per split (`dev`, `test`, `all`).
    pub matched: BTreeMap<String, Scores>,
    /// Plain BM25 (same need text, no expansion, no re-rank) per split.
    pub bm25: BTreeMap<String, Scores>,
    /// Match latencies, ms, sorted.
    pub match_ms: Vec<f64>,
    /// BM25 latencies, ms, sorted.
    pub bm25_ms: Vec<f64>,
    /// Per need: key, split, our nDCG@10, BM25's nDCG@10, our first five keys.
    pub per_need: Vec<NeedResult>,
}

/// One need's outcome, for finding where matching is weak.
#[derive(Debug, Clone, Serialize)]
pub struct NeedResult {
    /// Need key.
    pub key: String,
    /// Split.
    pub split: String,
    /// Our nDCG@10.
    pub ndcg_at_10: f64,
    /// BM25's nDCG@10.
    pub bm25_ndcg_at_10: f64,
    /// Our first five records.
    pub top: Vec<String>,
}

/// The `p`-th percentile (0–100) of sorted values (nearest rank).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Runs our match and plain BM25 for every loaded need of `set`.
pub async fn evaluate(
    app: &App,
    searcher: &Searcher,
    set: &EvalSet,
    loaded: &Loaded,
) -> AppResult<Report> {
    let actor = Actor::cli();
    searcher.sync(app).await?;
    let mut ours: BTreeMap<String, Acc> = BTreeMap::new();
    let mut base: BTreeMap<String, Acc> = BTreeMap::new();
    let mut report = Report::default();
    for n in &set.needs {
        let Some(id) = loaded.need_id.get(&n.key) else {
            continue;
        };
        let keys = |ids: Vec<String>| -> Vec<String> {
            ids.into_iter()
                .map(|i| loaded.key_of.get(&i).cloned().unwrap_or(i))
                .collect()
        };
        let t = Instant::now();
        let m = searcher.match_need(app, &actor, id, 20).await?;
        report.match_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let ranked = keys(
            m.into_iter()
                .map(|x| format!("{}:{}", x.hit.kind, x.hit.id))
                .collect(),
        );
        let t = Instant::now();
        let b = searcher.bm25_need(app, id, 20).await?;
        report.bm25_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let bm = keys(b);
        report.per_need.push(NeedResult {
            key: n.key.clone(),
            split: n.split.clone(),
            ndcg_at_10: ndcg_at(&ranked, &n.judgments, 10),
            bm25_ndcg_at_10: ndcg_at(&bm, &n.judgments, 10),
            top: ranked.iter().take(5).cloned().collect(),
        });
        for split in [n.split.as_str(), "all"] {
            ours.entry(split.to_string())
                .or_default()
                .add(&ranked, &n.judgments);
            base.entry(split.to_string())
                .or_default()
                .add(&bm, &n.judgments);
        }
    }
    report.matched = ours.iter().map(|(k, a)| (k.clone(), a.scores())).collect();
    report.bm25 = base.iter().map(|(k, a)| (k.clone(), a.scores())).collect();
    report.match_ms.sort_by(f64::total_cmp);
    report.bm25_ms.sort_by(f64::total_cmp);
    Ok(report)
}

/// Synthetic records for benchmarks (see [`synth`](self)).
mod synth_api {
    use super::synth;
    use crate::demo::rng::Rng;
    use kechuang_core::matchmaking::{AchievementInput, ExpertInput, NeedInput};

    /// A seeded source of realistic-ish synthetic needs, achievements and experts.
    #[derive(Debug, Clone)]
    pub struct Synth(Rng);

    impl Synth {
        /// The stream `label` of `seed`.
        pub fn new(seed: u64, label: &str) -> Synth {
            Synth(Rng::stream(seed, label))
        }
        /// An achievement.
        pub fn achievement(&mut self) -> AchievementInput {
            synth::achievement(&mut self.0)
        }
        /// An expert.
        pub fn expert(&mut self) -> ExpertInput {
            synth::expert(&mut self.0)
        }
        /// A need.
        pub fn need(&mut self) -> NeedInput {
            synth::need(&mut self.0)
        }
        /// Uniform in `0..n`.
        pub fn below(&mut self, n: usize) -> usize {
            self.0.index(n.max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(pairs: &[(&str, u8)]) -> BTreeMap<String, u8> {
        pairs.iter().map(|(k, g)| ((*k).to_string(), *g)).collect()
    }

    fn v(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| (*k).to_string()).collect()
    }

    #[test]
    fn ndcg_is_one_for_the_ideal_order_and_less_otherwise() {
        let judged = j(&[("a", 2), ("b", 1)]);
        assert!((ndcg_at(&v(&["a", "b", "x"]), &judged, 10) - 1.0).abs() < 1e-12);
        let swapped = ndcg_at(&v(&["b", "a"]), &judged, 10);
        // (1/1 + 3/log2 3) / (3/1 + 1/log2 3)
        let want = (1.0 + 3.0 / 3f64.log2()) / (3.0 + 1.0 / 3f64.log2());
        assert!((swapped - want).abs() < 1e-12, "{swapped} vs {want}");
        assert_eq!(ndcg_at(&v(&["x", "y"]), &judged, 10), 0.0);
        assert_eq!(ndcg_at(&v(&["a"]), &BTreeMap::new(), 10), 0.0);
    }

    #[test]
    fn recall_and_reciprocal_rank_count_what_they_say() {
        let judged = j(&[("a", 2), ("b", 1), ("c", 1), ("d", 2)]);
        let ranked = v(&["x", "b", "a", "y"]);
        assert_eq!(recall_at(&ranked, &judged, 20), 0.5);
        assert_eq!(recall_at(&ranked, &judged, 2), 0.25);
        assert_eq!(reciprocal_rank(&ranked, &judged), 1.0 / 3.0);
        assert_eq!(reciprocal_rank(&v(&["b", "c"]), &judged), 0.0);
    }

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&xs, 50.0), 50.0);
        assert_eq!(percentile(&xs, 99.0), 99.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }
}

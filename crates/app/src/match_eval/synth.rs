//! Synthetic matchmaking records from term lists: the distractors of the
//! evaluation set and the bulk of `kechuang bench search`.
//!
//! The objects are technologies the evaluation topics do not cover (water
//! treatment, textiles, buildings, logistics …), mixed with the generic words every
//! engineering text shares (检测, 控制, 智能, 高温, 材料 …), so that they compete
//! with the judged records on common words without solving the needs. Their
//! relevance to every evaluation need is 0 by construction.

use crate::demo::rng::Rng;
use kechuang_core::matchmaking::{AchievementInput, ExpertInput, NeedInput};

/// Technology objects outside the evaluation topics: (object, field).
pub(crate) const OBJECTS: &[(&str, &str)] = &[
    ("城市污水处理厂曝气系统", "节能环保"),
    ("工业废水膜生物反应器", "节能环保"),
    ("垃圾焚烧烟气脱硝装置", "节能环保"),
    ("餐厨垃圾厌氧消化设备", "节能环保"),
    ("河道黑臭水体治理系统", "节能环保"),
    ("建筑垃圾再生骨料", "节能环保"),
    ("挥发性有机物催化燃烧装置", "节能环保"),
    ("装配式建筑预制墙板", "建筑与土木"),
    ("桥梁健康监测系统", "建筑与土木"),
    ("隧道衬砌渗漏水检测装置", "建筑与土木"),
    ("高性能混凝土外加剂", "建筑与土木"),
    ("边坡滑坡预警系统", "建筑与土木"),
    ("钢结构高强螺栓连接节点", "建筑与土木"),
    ("建筑外墙保温装饰一体板", "建筑与土木"),
    ("棉纺织品抗皱整理工艺", "纺织服装"),
    ("涤纶纤维吸湿排汗改性", "纺织服装"),
    ("服装智能裁剪排料系统", "纺织服装"),
    ("无纺布熔喷生产线", "纺织服装"),
    ("丝绸印染废水回用", "纺织服装"),
    ("冷链物流温度追踪系统", "现代物流"),
    ("立体仓库堆垛机调度方法", "现代物流"),
    ("快递包裹自动分拣线", "现代物流"),
    ("物流车辆路径优化方法", "现代物流"),
    ("港口集装箱自动化码头", "现代物流"),
    ("在线教育学习行为分析平台", "软件与信息服务"),
    ("政务数据共享交换平台", "软件与信息服务"),
    ("电子合同区块链存证系统", "软件与信息服务"),
    ("旅游景区客流预测方法", "软件与信息服务"),
    ("企业财务智能报销系统", "软件与信息服务"),
    ("中文语音客服机器人", "软件与信息服务"),
    ("茶叶揉捻机", "农机装备"),
    ("丘陵山地微耕机", "农机装备"),
    ("水稻侧深施肥插秧机", "农机装备"),
    ("油菜联合收割机割台", "农机装备"),
    ("植保无人机喷洒系统", "农机装备"),
    ("蜂蜜浓缩脱水设备", "农业与食品"),
    ("茶树良种扦插繁育", "农业与食品"),
    ("稻田养鱼综合种养", "农业与食品"),
    ("食用菌菌棒生产线", "农业与食品"),
    ("柠檬精油提取工艺", "农业与食品"),
    ("牛羊肉排酸冷却工艺", "农业与食品"),
    ("医用防护服透气膜", "生物医药与大健康"),
    ("口腔种植体表面处理", "生物医药与大健康"),
    ("中医脉诊仪", "生物医药与大健康"),
    ("眼科手术显微镜", "生物医药与大健康"),
    ("疫苗冷藏运输箱", "生物医药与大健康"),
    ("保健食品软胶囊", "生物医药与大健康"),
    ("页岩气压裂返排液处理", "能源化工"),
    ("天然气脱硫催化剂", "能源化工"),
    ("煤矿瓦斯抽采系统", "能源化工"),
    ("生物质气化发电装置", "能源化工"),
    ("输电线路覆冰监测装置", "电力"),
    ("配电网故障定位方法", "电力"),
    ("变压器油色谱在线监测", "电力"),
    ("小水电站自动化控制", "电力"),
    ("光伏电站清洗机器人", "电力"),
    ("风电叶片除冰装置", "电力"),
    ("家具板材封边机", "轻工"),
    ("陶瓷釉料配方", "轻工"),
    ("竹材重组材料", "轻工"),
    ("玻璃瓶罐轻量化成型", "轻工"),
    ("造纸白水回收系统", "轻工"),
    ("皮革无铬鞣制工艺", "轻工"),
    ("电梯曳引机制动器", "特种设备"),
    ("锅炉水冷壁防磨喷涂", "特种设备"),
    ("压力容器焊缝超声检测", "特种设备"),
    ("游乐设施安全监测系统", "特种设备"),
    ("起重机防摇摆控制方法", "特种设备"),
    ("轨道交通车辆转向架", "轨道交通"),
    ("地铁站台屏蔽门控制系统", "轨道交通"),
    ("铁路道岔融雪装置", "轨道交通"),
    ("无人机航测地形建模", "测绘地信"),
    ("卫星遥感耕地变化监测", "测绘地信"),
    ("室内外一体化定位方法", "测绘地信"),
    ("文物三维数字化扫描", "文化创意"),
    ("数字博物馆虚拟展陈", "文化创意"),
    ("智慧路灯多功能杆", "智慧城市"),
    ("城市内涝积水监测系统", "智慧城市"),
    ("停车诱导信息系统", "智慧城市"),
    ("社区垃圾分类智能回收箱", "智慧城市"),
];

/// Generic engineering words every record may share.
const ASPECTS: &[&str] = &[
    "智能检测",
    "在线监测",
    "高效节能",
    "低成本",
    "自动控制",
    "远程运维",
    "高温稳定性",
    "安全预警",
    "故障诊断",
    "精度提升",
    "寿命延长",
    "材料优化",
    "结构设计",
    "快速制备",
    "数据采集",
    "图像识别",
    "噪声控制",
    "振动抑制",
    "防腐处理",
    "轻量化设计",
];

const SUFFIXES: &[&str] = &["方法", "装置", "系统", "工艺", "及其制备方法", "控制方法"];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
];
const GIVEN: &[&str] = &[
    "建国", "志强", "海燕", "晓东", "文博", "丽娟", "明辉", "雪梅", "国庆", "振华", "春燕", "立新",
    "伟", "静", "磊", "洋", "敏", "军", "婷", "勇", "超", "霞", "鹏", "红", "子涵", "思远", "浩然",
    "雨桐", "嘉怡", "宇航",
];
const TITLES: &[&str] = &[
    "教授",
    "研究员",
    "副教授",
    "副研究员",
    "高级工程师",
    "正高级工程师",
];

/// A person's name.
pub(crate) fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

/// A professional title.
pub(crate) fn title(rng: &mut Rng) -> String {
    (*rng.pick(TITLES)).to_string()
}

/// A synthetic achievement about one of [`OBJECTS`].
pub(crate) fn achievement(rng: &mut Rng) -> AchievementInput {
    let (object, field) = *rng.pick(OBJECTS);
    let aspect = *rng.pick(ASPECTS);
    let other = *rng.pick(ASPECTS);
    let suffix = *rng.pick(SUFFIXES);
    AchievementInput {
        title: format!("一种{object}的{aspect}{suffix}"),
        summary: format!(
            "针对{object}在实际运行中存在的问题，提出{aspect}与{other}相结合的技术方案，已在示范工程中应用，综合性能提升{}%。",
            rng.between(10, 60)
        ),
        inventors: vec![person(rng), person(rng)],
        field: field.to_string(),
        keywords: vec![object.to_string(), aspect.to_string()],
        ..AchievementInput::default()
    }
}

/// A synthetic expert on two of [`OBJECTS`].
pub(crate) fn expert(rng: &mut Rng) -> ExpertInput {
    let (a, field) = *rng.pick(OBJECTS);
    let (b, _) = *rng.pick(OBJECTS);
    let aspect = *rng.pick(ASPECTS);
    ExpertInput {
        name: person(rng),
        title: title(rng),
        fields: vec![field.to_string()],
        keywords: vec![a.to_string(), aspect.to_string()],
        projects: format!("主持“{a}{aspect}”等省部级项目，参与“{b}”研究。"),
        profile: format!("长期从事{field}领域研究，擅长{aspect}。"),
    }
}

/// Problem words an enterprise uses.
const TROUBLES: &[&str] = &[
    "效率太低",
    "成本太高",
    "故障多",
    "能耗大",
    "质量不稳定",
    "人工多",
    "环保不达标",
    "寿命短",
    "精度不够",
    "噪声大",
];

/// A synthetic need about one of [`OBJECTS`].
pub(crate) fn need(rng: &mut Rng) -> NeedInput {
    let (object, field) = *rng.pick(OBJECTS);
    let trouble = *rng.pick(TROUBLES);
    let aspect = *rng.pick(ASPECTS);
    NeedInput {
        title: format!("{object}{trouble}，寻求{aspect}方案"),
        description: format!("我公司现有{object}{trouble}，希望与高校院所合作改进。"),
        problem: format!("{object}运行中{trouble}，影响生产。"),
        indicators: format!("关键指标提升{}%以上", rng.between(10, 50)),
        budget_wan: format!("{}", 10 * rng.between(1, 50)),
        modes: vec!["合作开发".into()],
        field: field.to_string(),
        keywords: vec![object.to_string()],
        ..NeedInput::default()
    }
}

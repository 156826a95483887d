//! The domain concept table used to expand a technology need before retrieval.
//!
//! Enterprises write what goes wrong in their own words (电池包在高温下容易起火,
//! 油漆一刮就掉); universities write the technology that fixes it (锂离子电池热失控
//! 预警, 附着力). Each [`Concept`] ties the everyday cues of one engineering
//! phenomenon to its technical terms. It is written from general domain knowledge
//! for the district's clusters (docs/matchmaking-scoring.md), one entry per
//! phenomenon, never per need, and it is the same for every need and every
//! candidate. A cue found in a need adds the concept's terms to the query; the
//! re-rank explains every term a candidate matched through it
//! ("“起火”即：热失控").

/// One phenomenon: the words an enterprise uses and the technical terms for it.
#[derive(Debug, Clone, Copy)]
pub struct Concept {
    /// Technical terms added to the query.
    pub terms: &'static [&'static str],
    /// Everyday words that point to it (substrings of the need's text).
    pub cues: &'static [&'static str],
}

macro_rules! concepts {
    ($([$($cue:literal),+] => [$($term:literal),+];)*) => {
        &[$(Concept { cues: &[$($cue),+], terms: &[$($term),+] }),*]
    };
}

/// The table, grouped by kind of problem.
pub const CONCEPTS: &[Concept] = concepts![
    // Heat, fire, safety
    ["起火", "着火", "冒烟", "自燃", "燃爆", "烧起来"] => ["热失控", "火灾"];
    ["灭火", "消防", "复燃", "扑灭"] => ["灭火", "消防", "抑制"];
    ["发烫", "过热", "温度高", "温度一高", "太热", "温升", "散热"] => ["热管理", "散热", "温升"];
    ["温差"] => ["温差", "热管理"];
    ["保温", "热损失", "烫手", "隔热"] => ["隔热", "保温", "导热系数"];
    ["防火", "遇火", "阻燃", "自熄", "火烧"] => ["阻燃", "防火"];
    // Batteries and energy
    ["剩余电量", "电量显示", "突然没电", "电量算"] => ["SOC", "荷电状态", "估计"];
    ["还剩多少寿命", "能用多久", "寿命评估", "老化"] => ["健康状态", "SOH", "寿命预测"];
    ["电压不一致", "不一样", "不齐", "差异", "单体差"] => ["一致性", "均衡"];
    ["鼓包", "胀气", "胀得", "鼓起"] => ["膨胀", "产气"];
    ["冬天", "零下", "低温", "一冷", "冷启动"] => ["低温"];
    ["多装点电", "容量低", "容量上不去", "能量上不去"] => ["能量密度", "比容量"];
    ["续航"] => ["续航", "能量效率", "能耗"];
    ["锂价", "不用锂", "碳酸锂"] => ["钠离子电池"];
    ["旧电池", "废电池", "退役", "退下来的电池", "黑粉"] => ["回收", "梯次利用"];
    ["首次充电损失", "第一次充电"] => ["首次效率", "首效"];
    ["快充"] => ["快充", "倍率"];
    // Joining, forming, surfaces
    ["焊不牢", "虚焊", "焊偏", "焊接不良", "焊缝"] => ["焊接", "焊缝"];
    ["焊完", "焊接后", "焊好后"] => ["焊接变形", "焊接"];
    ["气孔", "缩孔", "缩松"] => ["气孔", "缺陷", "致密"];
    ["变形", "歪", "开裂"] => ["变形控制", "变形", "裂纹"];
    ["生锈", "锈", "白斑", "腐蚀"] => ["腐蚀", "防腐", "耐蚀"];
    ["掉漆", "起皮", "附着"] => ["附着力", "涂层", "涂装"];
    ["漆面", "喷漆", "油漆", "流挂"] => ["涂装", "涂层", "喷涂"];
    ["磨得快", "磨穿", "磨损", "磨坏", "耐磨"] => ["耐磨", "磨损"];
    ["镀铬"] => ["镀铬", "替代", "熔覆"];
    ["修复", "修好再用"] => ["再制造", "修复"];
    ["减重", "太重", "更轻", "轻一点"] => ["轻量化", "减重"];
    ["一次铸出", "一次成型", "铸出来"] => ["一体化", "压铸"];
    ["打印"] => ["增材制造", "3D打印"];
    // Sound, vibration, motion
    ["噪音", "噪声", "尖叫", "啸叫", "嗡嗡", "异响", "声音大"] => ["噪声", "NVH", "振动"];
    ["抖", "麻手", "震动", "振动", "共振"] => ["振动", "减振", "隔振"];
    ["刹车", "急刹", "制动"] => ["制动", "制动系统"];
    ["锁死", "抱死", "刹车防滑"] => ["防抱死", "ABS"];
    ["爬坡", "没劲", "车速", "转矩"] => ["转矩", "电机控制"];
    ["位置不准", "对不准", "精度", "尺寸不一样", "偏差", "孔位"] => ["精度", "误差补偿"];
    ["漏油", "漏水", "进水", "涉水", "泄漏"] => ["密封", "防水", "泄漏"];
    // Electrical and electronic
    ["干扰", "辐射超标", "死机", "复位"] => ["电磁兼容", "EMC", "电磁干扰"];
    ["效率", "损耗"] => ["效率", "损耗"];
    ["功率器件", "碳化硅", "开关太快"] => ["碳化硅", "SiC", "功率模块"];
    ["铜线", "下线", "绕线", "线圈"] => ["绕组", "扁线"];
    ["插头", "接头", "高压线"] => ["连接器", "高压线束"];
    ["电池用不到", "电池寿命", "换电池"] => ["低功耗"];
    ["信号差", "传不出", "传不上", "联网", "布线"] => ["无线通信", "组网", "物联网"];
    ["跑得慢", "几帧", "内存装不下", "模型太大"] => ["模型压缩", "推理加速", "边缘计算"];
    ["国产芯片", "移植"] => ["国产芯片", "部署"];
    ["模块坏", "模块温度", "降额"] => ["功率模块", "可靠性", "散热"];
    ["黑客", "远程控制", "防黑客", "网络安全", "加密", "认证"] => ["信息安全", "入侵检测", "网络安全"];
    // Recognition and vision
    ["指纹"] => ["指纹", "生物识别"];
    ["手掌", "刷手"] => ["掌静脉", "生物识别"];
    ["假指纹", "冒充", "冒用", "伪造", "骗过", "假脸", "照片就通过"] => ["活体检测", "防伪"];
    ["刷脸", "人脸"] => ["人脸识别"];
    ["口罩"] => ["遮挡", "人脸识别"];
    ["看不清", "画面黑", "黑乎乎", "晚上", "夜间", "夜里", "噪点", "雪花"] => ["低照度", "图像增强", "降噪"];
    ["雾天", "雾多"] => ["去雾"];
    ["翻墙", "翻进来", "围墙", "围栏"] => ["周界", "入侵检测"];
    ["误报", "乱报警"] => ["误报", "抗干扰"];
    ["打架", "违规", "攀爬"] => ["异常行为", "行为识别"];
    ["摔倒", "跌倒"] => ["跌倒检测", "姿态估计"];
    ["冒烟", "明火", "火情"] => ["烟火识别", "火灾探测"];
    ["刀具", "违禁", "判图", "安检"] => ["违禁品识别", "X射线", "安检"];
    ["看不过来", "盯屏幕", "人眼", "放大镜", "人工抽检", "靠人看"] => ["视觉检测", "自动识别"];
    ["焊点"] => ["焊点", "缺陷检测"];
    ["贴错", "贴反"] => ["元件检测", "错漏反"];
    ["乱堆", "乱七八糟", "一个个摆", "上下料"] => ["视觉引导", "抓取", "机器人"];
    ["示教", "换型"] => ["轨迹规划", "示教"];
    ["打磨"] => ["打磨", "磨抛"];
    // Operations and production
    ["突然坏", "停线", "停机", "快坏", "按需维修", "保养"] => ["故障诊断", "预测性维护", "剩余寿命"];
    ["轴承"] => ["轴承", "故障诊断"];
    ["招不到人", "招工难", "人工", "靠人", "老师傅"] => ["自动化", "机器人"];
    ["查不到", "追溯", "一件一码", "哪批"] => ["追溯", "MES"];
    ["纸质单据", "报工", "Excel"] => ["生产执行", "MES"];
    ["厚薄不均", "面密度", "厚度偏差"] => ["面密度", "涂布"];
    ["烘干", "烘箱", "晒干", "烘房"] => ["干燥"];
    ["环保", "废气", "VOC", "排放超标"] => ["VOC", "低排放", "环保"];
    ["尾气", "排气"] => ["排放", "催化"];
    ["汽油味", "油箱"] => ["蒸发排放"];
    ["打不着火", "着车"] => ["冷启动", "电喷"];
    ["油耗", "喷油", "化油器"] => ["电喷", "燃油喷射"];
    ["塑料味", "气味"] => ["低气味", "VOC"];
    ["无卤", "溴"] => ["无卤阻燃"];
    ["能耗", "费电", "耗电", "电费"] => ["节能", "能耗"];
    ["暖风", "制热", "暖和"] => ["热泵", "制热"];
    // Agriculture, food, medicine
    ["打药", "用药超标", "农药", "安不安全"] => ["农药残留", "快速检测"];
    ["病虫", "虫子", "害虫", "虫害", "得了什么病", "叶子发黄"] => ["病虫害", "识别"];
    ["浇水", "施肥", "浇灌", "灌溉"] => ["水肥一体化", "灌溉"];
    ["大棚", "温室", "通风"] => ["温室", "环境调控"];
    ["胀袋", "变味", "变酸", "保质期", "不新鲜", "防腐剂"] => ["保鲜", "杀菌", "保质期"];
    ["发酵"] => ["发酵", "菌种"];
    ["亚硝酸盐"] => ["亚硝酸盐"];
    ["猪", "猪舍", "养殖"] => ["智慧养殖", "环境控制"];
    ["咳嗽", "病猪", "生病"] => ["疫病预警", "疾病监测"];
    ["提取", "提纯", "收率"] => ["提取", "纯化"];
    ["溶剂残留"] => ["超临界萃取"];
    ["感染", "长菌", "菌膜"] => ["抗菌", "生物膜"];
    ["不够滑", "摩擦"] => ["润滑", "亲水涂层"];
    ["心梗", "化验", "一滴血", "试纸"] => ["即时检测", "POCT", "免疫层析"];
    ["晶体", "溶出", "颗粒"] => ["结晶", "晶型"];
    ["放热", "危险反应"] => ["连续流", "微反应器"];
    ["灭菌"] => ["灭菌"];
    ["走路训练", "行走", "偏瘫", "中风", "手臂训练"] => ["康复机器人", "外骨骼"];
];

/// One expansion: a technical term added because the need said `cue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// The everyday word found in the need.
    pub cue: &'static str,
    /// The technical term added.
    pub term: &'static str,
}

/// The technical terms the concept table adds for `text` (each term once, in
/// table order; terms the text already contains are not added).
pub fn expand(text: &str) -> Vec<Expansion> {
    let mut out: Vec<Expansion> = Vec::new();
    for c in CONCEPTS {
        let Some(cue) = c.cues.iter().find(|cue| text.contains(*cue)) else {
            continue;
        };
        for term in c.terms {
            if !text.contains(term) && !out.iter().any(|e| e.term == *term) {
                out.push(Expansion { cue, term });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyday_words_become_technical_terms_once() {
        let e = expand("电池包夏天容易起火冒烟，温度一高就发烫");
        let terms: Vec<&str> = e.iter().map(|x| x.term).collect();
        assert!(terms.contains(&"热失控"), "{terms:?}");
        assert!(terms.contains(&"热管理"), "{terms:?}");
        assert_eq!(terms.iter().filter(|t| **t == "热失控").count(), 1);
        assert_eq!(
            e.iter().find(|x| x.term == "热失控").map(|x| x.cue),
            Some("起火")
        );
    }

    #[test]
    fn terms_already_in_the_text_are_not_added_and_plain_text_adds_nothing() {
        assert!(
            expand("锂离子电池热失控预警")
                .iter()
                .all(|x| x.term != "热失控")
        );
        assert!(expand("公司简介").is_empty());
    }

    #[test]
    fn every_concept_has_cues_and_terms() {
        for c in CONCEPTS {
            assert!(!c.cues.is_empty() && !c.terms.is_empty());
            assert!(c.cues.iter().chain(c.terms).all(|w| !w.trim().is_empty()));
        }
    }
}

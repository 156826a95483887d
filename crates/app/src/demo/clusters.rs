//! The district's "2+4" industry clusters: the three the report names (新型储能,
//! 智能网联新能源汽车零部件, 摩托车) and four a bureau like Tongliang's would
//! configure. Each carries what makes its enterprises look like its own: the words
//! in their names, where they cluster, how young they are, how much they export,
//! and the subjects of their patents and software.

/// One industry cluster.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cluster {
    /// Name as the bureau lists it.
    pub name: &'static str,
    /// Relative number of enterprises.
    pub weight: u32,
    /// Industry words that follow the trade name (重庆 + 瑞丰 + 储能科技 + 有限公司).
    pub words: &'static [&'static str],
    /// Towns its enterprises prefer, with a weight multiplier in tenths.
    pub parks: &'static [(&'static str, u32)],
    /// Whether the industry is young (most firms founded after 2012).
    pub young: bool,
    /// Share of enterprises that export.
    pub exporters: f64,
    /// A bonus to the chance of being a tech-based enterprise.
    pub tech_bias: f64,
    /// Invention patent titles after 一种 (each names a method, device or system).
    pub inventions: &'static [&'static str],
    /// Utility model subjects after 一种 (and an optional qualifier).
    pub utility: &'static [&'static str],
    /// Design patent subjects.
    pub designs: &'static [&'static str],
    /// Software products (copyright registrations), after the trade name.
    pub software: &'static [&'static str],
}

/// The clusters in the bureau's order.
pub(crate) static CLUSTERS: [Cluster; 7] = [
    Cluster {
        name: "新型储能",
        weight: 12,
        words: &[
            "储能科技",
            "新能源科技",
            "电池科技",
            "能源科技",
            "电源科技",
            "锂电科技",
            "储能技术",
            "新能源材料",
        ],
        parks: &[("蒲吕街道", 30), ("东城街道", 20)],
        young: true,
        exporters: 0.15,
        tech_bias: 0.2,
        inventions: &[
            "储能电池热失控预警方法",
            "锂离子电池极片涂布厚度控制方法",
            "储能变流器并网控制方法及系统",
            "电池模组液冷板及其制备方法",
            "磷酸铁锂正极材料的制备方法",
            "电池管理系统的主动均衡方法",
            "储能电站能量调度方法及系统",
            "电芯容量一致性分选方法",
            "储能集装箱消防抑爆装置",
            "钠离子电池负极材料及其制备方法",
            "储能系统荷电状态估算方法",
            "电池包气密性检测装置",
        ],
        utility: &[
            "储能电池模组固定支架",
            "电池包散热风道结构",
            "电芯极耳焊接定位工装",
            "储能柜防凝露装置",
            "电池箱体密封结构",
            "汇流排绝缘防护罩",
            "电池模组端板",
            "储能集装箱通风装置",
        ],
        designs: &["储能柜", "电池箱体", "便携式储能电源"],
        software: &[
            "储能电站能量管理系统",
            "电池管理系统上位机软件",
            "电芯化成分容监控软件",
            "储能运维云平台",
        ],
    },
    Cluster {
        name: "智能网联新能源汽车零部件",
        weight: 20,
        words: &[
            "汽车零部件",
            "汽车部件",
            "汽车电子",
            "汽车配件",
            "电机科技",
            "智能网联科技",
            "汽车科技",
        ],
        parks: &[("东城街道", 20), ("南城街道", 20), ("蒲吕街道", 15)],
        young: false,
        exporters: 0.2,
        tech_bias: 0.1,
        inventions: &[
            "新能源汽车电机定子扁线成型方法",
            "电机转子轴的加工方法",
            "汽车线束自动压接检测方法",
            "车载毫米波雷达标定方法及系统",
            "铝合金副车架的低压铸造方法",
            "制动盘表面激光熔覆方法",
            "智能座舱域控制器的通信方法",
            "车身焊装夹具快速换型方法",
            "电驱动桥齿轮的热处理方法",
            "汽车空调压缩机的降噪方法",
        ],
        utility: &[
            "电机定子铁芯叠压工装",
            "汽车座椅滑轨锁止结构",
            "新能源汽车电池包下壳体",
            "汽车门铰链",
            "转向节加工夹具",
            "减震器防尘罩",
            "车用线束固定卡扣",
            "制动钳支架",
        ],
        designs: &["汽车轮毂", "车灯灯罩", "方向盘"],
        software: &[
            "汽车电子测试系统",
            "线束生产管理系统",
            "零部件质量追溯系统",
            "车载终端诊断软件",
        ],
    },
    Cluster {
        name: "摩托车",
        weight: 13,
        words: &[
            "摩托车制造",
            "摩托车",
            "动力制造",
            "机车制造",
            "车业",
            "摩托车配件",
            "动力机械",
        ],
        parks: &[("南城街道", 20), ("旧县街道", 20), ("巴川街道", 15)],
        young: false,
        exporters: 0.4,
        tech_bias: 0.0,
        inventions: &[
            "摩托车发动机缸头的铸造方法",
            "电动摩托车整车控制方法",
            "大排量摩托车发动机平衡轴结构及其装配方法",
            "摩托车车架机器人焊接方法",
            "摩托车装配线拧紧质量追溯方法及系统",
            "摩托车电喷系统的怠速控制方法",
            "摩托车离合器摩擦片的制备方法",
        ],
        utility: &[
            "摩托车后平叉",
            "摩托车车架",
            "摩托车油箱锁",
            "摩托车排气消声器",
            "摩托车后视镜支架",
            "摩托车装配线踏板控制装置",
            "摩托车链条张紧装置",
            "电动摩托车电池仓",
        ],
        designs: &["摩托车", "电动摩托车", "摩托车油箱", "摩托车头罩"],
        software: &[
            "整车装配线监控系统",
            "摩托车售后服务管理系统",
            "发动机台架测试软件",
            "拧紧数据采集软件",
        ],
    },
    Cluster {
        name: "电子信息",
        weight: 15,
        words: &[
            "电子科技",
            "信息技术",
            "光电科技",
            "智能科技",
            "电子",
            "半导体",
            "软件",
            "数据科技",
            "通信技术",
        ],
        parks: &[("巴川街道", 20), ("东城街道", 20)],
        young: true,
        exporters: 0.15,
        tech_bias: 0.2,
        inventions: &[
            "静脉识别图像增强方法",
            "基于深度学习的表面缺陷检测方法及系统",
            "柔性电路板的蚀刻方法",
            "物联网终端的低功耗通信方法",
            "智能安防视频结构化分析方法",
            "工业数据采集网关的协议转换方法",
            "LED驱动电源的调光方法",
            "印制电路板的阻抗测试方法",
        ],
        utility: &[
            "电路板检测治具",
            "智能门锁指纹模组",
            "LED灯珠散热基板",
            "网络交换机散热机箱",
            "传感器防水外壳",
            "显示模组背光结构",
        ],
        designs: &["智能门锁", "控制终端", "显示屏"],
        software: &[
            "智能安防管理平台",
            "设备远程运维系统",
            "静脉识别门禁系统",
            "工业物联网平台",
            "数据采集与监控软件",
            "仓储管理系统",
        ],
    },
    Cluster {
        name: "高端装备",
        weight: 18,
        words: &[
            "机械制造",
            "智能装备",
            "装备制造",
            "数控科技",
            "机电设备",
            "精密机械",
            "自动化设备",
            "机器人科技",
        ],
        parks: &[("东城街道", 15), ("南城街道", 15), ("蒲吕街道", 15)],
        young: false,
        exporters: 0.15,
        tech_bias: 0.1,
        inventions: &[
            "数控机床主轴热误差补偿方法",
            "工业机器人焊接轨迹规划方法",
            "气体压缩机的节能控制方法",
            "高锰奥氏体钢低温储罐的焊接方法",
            "自动化立体仓库的调度方法及系统",
            "液压系统的故障诊断方法",
            "螺杆压缩机转子型线的设计方法",
            "智能拧紧设备的扭矩控制方法",
        ],
        utility: &[
            "数控车床防护罩",
            "机械手夹爪",
            "压缩机减振底座",
            "输送线顶升移载装置",
            "焊接变位机",
            "液压油缸密封结构",
            "自动上下料装置",
            "低温储罐支撑结构",
        ],
        designs: &["数控机床", "工业机器人", "控制柜"],
        software: &[
            "数控系统参数管理软件",
            "设备健康监测系统",
            "生产执行系统",
            "机器人离线编程软件",
        ],
    },
    Cluster {
        name: "新材料",
        weight: 12,
        words: &[
            "新材料科技",
            "新材料",
            "复合材料",
            "材料科技",
            "玻纤制品",
            "铝业",
            "精细化工",
            "高分子材料",
        ],
        parks: &[("蒲吕街道", 20), ("旧县街道", 15)],
        young: false,
        exporters: 0.1,
        tech_bias: 0.1,
        inventions: &[
            "气凝胶隔热毡的制备方法",
            "高强度铝合金型材的挤压方法",
            "玻璃纤维浸润剂及其制备方法",
            "改性聚丙烯复合材料及其制备方法",
            "石墨烯导热膜的制备方法",
            "耐高温涂层材料及其制备方法",
            "再生铝熔炼除杂方法",
        ],
        utility: &[
            "复合材料板材",
            "铝型材挤压模具",
            "玻纤拉丝漏板",
            "保温隔热板",
            "涂布机烘箱",
            "造粒机切粒装置",
        ],
        designs: &["隔热板", "铝型材"],
        software: &["配料控制系统", "窑炉温度监控软件", "材料检测数据管理系统"],
    },
    Cluster {
        name: "生物医药与大健康",
        weight: 10,
        words: &[
            "生物科技",
            "医药",
            "药业",
            "健康科技",
            "医疗器械",
            "生物工程",
            "食品科技",
        ],
        parks: &[("巴川街道", 15), ("安居镇", 30), ("东城街道", 15)],
        young: true,
        exporters: 0.08,
        tech_bias: 0.15,
        inventions: &[
            "中药饮片的炮制方法",
            "植物提取物的纯化方法",
            "益生菌冻干粉的制备方法",
            "医用敷料及其制备方法",
            "医用导管的涂层方法",
            "保健食品胶囊的制备方法",
            "体外诊断试剂的稳定方法",
            "蔬菜种子的包衣方法",
        ],
        utility: &[
            "输液架",
            "医用护理床",
            "药品包装瓶",
            "中药材切片机",
            "康复训练器",
            "口罩耳带焊接装置",
        ],
        designs: &["药品包装盒", "护理床"],
        software: &[
            "药品生产质量管理系统",
            "健康档案管理平台",
            "冷链温湿度监测软件",
        ],
    },
];

/// Index of the cluster by name.
pub(crate) fn cluster_index(name: &str) -> Option<usize> {
    CLUSTERS.iter().position(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::geography::town_index;

    #[test]
    fn parks_name_real_towns_and_lists_are_filled() {
        for c in &CLUSTERS {
            for (t, _) in c.parks {
                assert!(town_index(t).is_some(), "{t}");
            }
            assert!(!c.words.is_empty() && !c.inventions.is_empty() && !c.utility.is_empty());
            assert!(!c.designs.is_empty() && !c.software.is_empty());
            for i in c.inventions {
                assert!(
                    i.ends_with("方法") || i.ends_with("系统") || i.ends_with("装置"),
                    "{i}"
                );
            }
        }
        assert_eq!(cluster_index("摩托车"), Some(2));
    }
}

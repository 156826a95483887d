//! The demo district's policy library: fictional policies of a district modelled
//! on 铜梁区 (every text says it is demo data), with the municipal and national
//! policies they rest on summarised in our own words. The district's
//! 《促进科技创新高质量发展十二条措施》 lists twelve measures and links the
//! subsidy measures `RD-INVEST`, `RESEARCH-PROJECT`, `HTE-CULTIVATION`,
//! `RD-EQUIPMENT`, `LOAN-INTEREST` and `LOAN-SERVICE-FEE`.

use crate::{AppError, AppResult};
use kechuang_core::policy::{PolicyInput, Status};
use kechuang_store::Db;

/// The notice every demo policy's text starts with.
pub const DEMO_NOTICE: &str =
    "【演示数据】本文件为示范区演示用的虚构政策文本，不具有任何效力，请勿引用。";

struct DemoPolicy {
    title: &'static str,
    issuer: &'static str,
    doc_no: &'static str,
    level: &'static str,
    category: &'static str,
    published_on: &'static str,
    effective_from: &'static str,
    effective_to: &'static str,
    status: Status,
    summary: &'static str,
    articles: &'static [&'static str],
    audiences: &'static str,
    measures: &'static str,
}

const POLICIES: &[DemoPolicy] = &[
    DemoPolicy {
        title: "铜梁区促进科技创新高质量发展十二条措施",
        issuer: "铜梁区人民政府",
        doc_no: "铜府发〔2023〕5号",
        level: "district",
        category: "科技创新",
        published_on: "2023-02-20",
        effective_from: "2023-01-01",
        effective_to: "2027-12-31",
        status: Status::Published,
        summary: "从研发投入补助、科研项目补助、高新技术企业培育、科研仪器设备购置补助、知识价值信用贷款贴息和担保服务费补助等十二个方面支持企业和科研机构开展科技创新。",
        articles: &[
            "为深入实施创新驱动发展战略，加快建设区域科技创新中心，推动全区科技创新高质量发展，结合本区实际，制定以下措施。",
            "一、研发投入补助（措施编号 RD-INVEST）。对上一年度研发费用投入较上年增长的规模以上工业企业和科技型企业，按研发费用增量的10%给予研发投入补助，单户企业每年最高补助100万元。",
            "二、科研项目补助（措施编号 RESEARCH-PROJECT）。对承担国家级、市级科研项目的企业，按上级实际到位资金的一定比例给予配套科研项目补助，单个项目最高50万元。",
            "三、高新技术企业培育（措施编号 HTE-CULTIVATION）。对首次认定的高新技术企业给予一次性奖励20万元；对重新认定的高新技术企业给予10万元奖励；对入库培育的企业给予辅导服务。",
            "四、科研仪器设备购置补助（措施编号 RD-EQUIPMENT）。对企业新购置用于研发活动的科研仪器设备，按发票金额的20%给予补助，单户企业每年最高200万元。",
            "五、知识价值信用贷款贴息（措施编号 LOAN-INTEREST）。对获得知识价值信用贷款并按期还本付息的科技型企业，按实际支付利息的50%给予贷款贴息，单户企业每年最高贴息30万元。",
            "六、担保和贷款服务费补助（措施编号 LOAN-SERVICE-FEE）。对科技型企业通过合作银行、担保机构获得贷款所支付的担保费、评估费等服务费，按实际支付金额的50%给予补助。",
            "七、支持创新平台建设。对新认定的国家级、市级重点实验室、技术创新中心、企业技术中心分别给予一次性奖励。",
            "八、支持科技成果转化。对在区内转化科技成果并实现产业化的项目，按技术合同成交额给予奖励，鼓励高校、科研院所与企业共建中试基地。",
            "九、支持科技人才引育。对企业引进的高层次科技人才给予安家补贴和工作经费，对科技特派员服务企业给予工作补助。",
            "十、支持知识产权创造运用。对发明专利授权、专利导航、知识产权质押融资给予资助。",
            "十一、支持专精特新企业发展。对首次认定的专精特新中小企业、专精特新\"小巨人\"企业给予奖励。",
            "十二、附则。本措施与区内其他同类政策不重复享受，同一事项按就高原则执行；本措施由区科技局会同区财政局负责解释，自2023年1月1日起施行，有效期至2027年12月31日。",
        ],
        audiences: "enterprise, tech_enterprise, tech_sme, high_tech, srdi, university, institute",
        measures: "RD-INVEST, RESEARCH-PROJECT, HTE-CULTIVATION, RD-EQUIPMENT, LOAN-INTEREST, LOAN-SERVICE-FEE",
    },
    DemoPolicy {
        title: "铜梁区知识价值信用贷款改革试点实施办法",
        issuer: "铜梁区科学技术局 铜梁区财政局",
        doc_no: "铜科发〔2023〕18号",
        level: "district",
        category: "金融",
        published_on: "2023-04-10",
        effective_from: "2023-04-10",
        effective_to: "2027-12-31",
        status: Status::Published,
        summary: "以企业的知识产权、研发投入、科技人才等知识价值为依据给予信用贷款，设立风险补偿资金，并对企业贷款给予贴息和服务费补助。",
        articles: &[
            "第一条 为破解科技型企业融资难、融资贵问题，推进知识价值信用贷款改革试点，制定本办法。",
            "第二条 本办法所称知识价值信用贷款，是指合作银行依据知识价值信用评价结果，向科技型企业发放的无需抵押担保的信用贷款。",
            "第三条 知识价值信用评价以知识产权、研发投入为基础指标，以科技人才、创新产品、企业资质为加分指标，评价结果分为A、B、C、D、E五个等级，对应不同的信用贷款额度。",
            "第四条 企业获得知识价值信用贷款后按期还本付息的，按实际支付利息的50%给予贷款贴息；通过担保机构获得贷款的，对担保费给予补助。贷款贴息和服务费补助通过区科技创新资金兑付。",
            "第五条 设立知识价值信用贷款风险补偿资金，对合作银行发生的逾期贷款本金按80%给予补偿，补偿资金由市、区两级按4:6比例承担。",
            "第六条 区内不良贷款率超过设定阈值时，暂停新增贷款的风险补偿，待风险处置后恢复。",
            "第七条 企业应当授权合作银行查阅其知识价值信用评价结果；未经企业授权，银行不得查阅。",
            "第八条 本办法自印发之日起施行。",
        ],
        audiences: "tech_enterprise, tech_sme, high_tech",
        measures: "LOAN-INTEREST, LOAN-SERVICE-FEE",
    },
    DemoPolicy {
        title: "铜梁区企业研发投入后补助实施细则",
        issuer: "铜梁区科学技术局",
        doc_no: "铜科发〔2023〕21号",
        level: "district",
        category: "科技创新",
        published_on: "2023-05-06",
        effective_from: "2023-05-06",
        effective_to: "2027-12-31",
        status: Status::Published,
        summary: "明确研发投入补助的申报条件、研发费用增量的计算口径、补助比例和单户上限、申报材料和审核兑付流程。",
        articles: &[
            "第一条 为落实《铜梁区促进科技创新高质量发展十二条措施》中研发投入补助措施，制定本细则。",
            "第二条 申报研发投入补助的企业应在区内注册、依法纳税，上一年度研发费用较前一年度增长，并按规定完成研发费用加计扣除申报。",
            "第三条 研发投入补助以经审核的研发费用增量为基数，按10%的比例计算，单户企业每年补助不超过100万元；研发投入强度较高的企业可优先支持。",
            "第四条 申报材料包括研发费用辅助账、加计扣除申报表、研发项目立项资料等。区科技局受理后组织初审、联审，结果公示不少于5个工作日，无异议后拨付补助资金。",
            "第五条 同一企业同一年度的研发投入增量不得重复申报研发投入补助。",
        ],
        audiences: "tech_enterprise, tech_sme, high_tech",
        measures: "RD-INVEST",
    },
    DemoPolicy {
        title: "铜梁区高新技术企业培育实施方案",
        issuer: "铜梁区科学技术局",
        doc_no: "铜科发〔2023〕25号",
        level: "district",
        category: "科技创新",
        published_on: "2023-06-01",
        effective_from: "2023-06-01",
        effective_to: "2027-12-31",
        status: Status::Published,
        summary: "建立高新技术企业培育库，对入库企业开展辅导，对首次认定和重新认定的高新技术企业给予奖励。",
        articles: &[
            "一、培育目标。力争每年新增高新技术企业30家以上，推动科技型企业向高新技术企业梯次成长。",
            "二、入库条件。具有自主知识产权、研发投入强度和科技人员占比接近认定条件的科技型企业，可申请进入高新技术企业培育库。",
            "三、培育措施。对入库企业开展政策宣讲、知识产权布局、研发费用归集辅导，组织专家进行认定前评估。",
            "四、奖励标准。对首次认定的高新技术企业给予一次性奖励20万元，对重新认定的给予10万元。奖励资金按高新技术企业培育补助措施兑付。",
        ],
        audiences: "tech_enterprise, tech_sme, high_tech",
        measures: "HTE-CULTIVATION",
    },
    DemoPolicy {
        title: "铜梁区科研仪器设备购置补助管理办法",
        issuer: "铜梁区科学技术局",
        doc_no: "铜科发〔2023〕26号",
        level: "district",
        category: "科技创新",
        published_on: "2023-06-15",
        effective_from: "2023-06-15",
        effective_to: "2027-12-31",
        status: Status::Published,
        summary: "对企业新购置用于研发的科研仪器设备按发票金额给予补助，并鼓励仪器设备开放共享。",
        articles: &[
            "第一条 本办法所称科研仪器设备，是指企业新购置、单台套价格在10万元以上、主要用于研究开发活动的仪器设备。",
            "第二条 补助按设备购置发票金额的20%计算，单户企业每年不超过200万元。",
            "第三条 享受补助的科研仪器设备应纳入区大型科研仪器共享平台，向区内企业开放共享。",
            "第四条 企业申报时提交购置合同、发票、设备验收和研发用途说明。",
        ],
        audiences: "tech_sme, high_tech, srdi",
        measures: "RD-EQUIPMENT",
    },
    DemoPolicy {
        title: "铜梁区专精特新中小企业梯度培育若干措施",
        issuer: "铜梁区经济和信息化委员会",
        doc_no: "铜经信发〔2024〕9号",
        level: "district",
        category: "产业发展",
        published_on: "2024-03-12",
        effective_from: "2024-03-12",
        effective_to: "2028-12-31",
        status: Status::Published,
        summary: "构建创新型中小企业、专精特新中小企业、专精特新\"小巨人\"企业梯度培育体系，给予认定奖励和融资支持。",
        articles: &[
            "一、建立梯度培育库，对创新型中小企业、专精特新中小企业、专精特新\"小巨人\"企业分层培育。",
            "二、对首次认定的专精特新中小企业给予奖励10万元，对首次认定的国家级专精特新\"小巨人\"企业给予奖励50万元。",
            "三、支持专精特新企业开展数字化改造、技术改造和质量品牌建设。",
            "四、引导金融机构为专精特新企业提供专属信贷产品。",
        ],
        audiences: "innovative_sme, srdi, little_giant",
        measures: "",
    },
    DemoPolicy {
        title: "铜梁区科技人才引进培育办法",
        issuer: "中共铜梁区委人才工作领导小组办公室",
        doc_no: "铜人才办发〔2023〕3号",
        level: "district",
        category: "人才",
        published_on: "2023-07-20",
        effective_from: "2023-07-20",
        effective_to: "2027-12-31",
        status: Status::Published,
        summary: "对企业、高校和科研院所引进的高层次科技人才给予安家补贴和工作经费，支持科技特派员服务企业。",
        articles: &[
            "第一条 对全职引进的高层次科技人才，给予最高100万元安家补贴。",
            "第二条 对企业柔性引进的科技人才，按其服务时间给予工作经费补助。",
            "第三条 支持高校、科研院所科技人员到企业担任科技特派员，开展技术攻关和成果转化。",
            "第四条 对在区内创办科技型企业的青年科技人才，提供创业场地和创业贷款支持。",
        ],
        audiences: "enterprise, university, institute",
        measures: "",
    },
    DemoPolicy {
        title: "铜梁区专利资助和知识产权质押融资办法",
        issuer: "铜梁区市场监督管理局",
        doc_no: "铜市监发〔2023〕14号",
        level: "district",
        category: "知识产权",
        published_on: "2023-08-08",
        effective_from: "2023-08-08",
        effective_to: "2026-12-31",
        status: Status::Published,
        summary: "对发明专利授权、PCT国际专利申请给予资助，对知识产权质押融资给予贴息和评估费补助。",
        articles: &[
            "第一条 对区内企业获得授权的发明专利，每件资助1万元；PCT国际专利申请每件资助2万元。",
            "第二条 对以专利权、商标权质押获得贷款的企业，按实际支付利息的30%给予贴息，并补助资产评估费。",
            "第三条 支持企业开展专利导航、高价值专利培育和知识产权贯标。",
        ],
        audiences: "enterprise",
        measures: "",
    },
    DemoPolicy {
        title: "铜梁区科技成果转移转化奖励办法",
        issuer: "铜梁区科学技术局",
        doc_no: "铜科发〔2024〕7号",
        level: "district",
        category: "成果转化",
        published_on: "2024-02-26",
        effective_from: "2024-02-26",
        effective_to: "2028-12-31",
        status: Status::Published,
        summary: "对在区内转化科技成果的企业、高校和科研院所按技术合同成交额给予奖励，支持共建中试基地和技术转移机构。",
        articles: &[
            "第一条 对企业吸纳高校、科研院所科技成果并在区内实现转化的，按技术合同实际成交额的5%给予奖励。",
            "第二条 对高校、科研院所向区内企业转让、许可科技成果的，按技术合同成交额给予奖励。",
            "第三条 支持建设中试基地、概念验证中心和技术转移机构，经认定后给予运行补助。",
        ],
        audiences: "enterprise, university, institute",
        measures: "",
    },
    DemoPolicy {
        title: "铜梁区创新平台建设管理办法",
        issuer: "铜梁区科学技术局",
        doc_no: "铜科发〔2024〕11号",
        level: "district",
        category: "平台建设",
        published_on: "2024-04-18",
        effective_from: "2024-04-18",
        effective_to: "2028-12-31",
        status: Status::Published,
        summary: "支持企业、高校和科研院所建设重点实验室、技术创新中心、新型研发机构等创新平台，给予建设奖励和绩效补助。",
        articles: &[
            "第一条 对新认定的国家级重点实验室、技术创新中心给予一次性奖励500万元，市级给予50万元。",
            "第二条 对新型研发机构按绩效评价结果给予运行补助。",
            "第三条 创新平台应向区内企业开放科研设施，开展技术服务。",
        ],
        audiences: "high_tech, university, institute",
        measures: "",
    },
    DemoPolicy {
        title: "重庆市科技型企业知识价值信用贷款改革试点实施方案",
        issuer: "重庆市科学技术局",
        doc_no: "渝科局发〔2023〕12号",
        level: "municipal",
        category: "金融",
        published_on: "2023-02-28",
        effective_from: "2023-03-01",
        effective_to: "2027-12-31",
        status: Status::Published,
        summary: "全市推广知识价值信用贷款，明确信用评价指标、等级与授信额度对照、风险补偿和贷款贴息的市区分担。（内容为演示用概述）",
        articles: &[
            "一、信用评价。以知识产权、研发投入为基础，以科技人才、创新产品、企业资质为加分项，对科技型企业进行知识价值信用评价，分为A至E五级。",
            "二、授信额度。A级至E级企业的信用贷款额度分别为500万元、400万元、300万元、160万元和80万元。",
            "三、风险补偿。合作银行发生的逾期贷款本金由风险补偿基金按80%补偿，市、区按4:6分担。",
            "四、贴息支持。鼓励区县对按期还款的企业给予贷款贴息。",
        ],
        audiences: "tech_enterprise, tech_sme, high_tech",
        measures: "LOAN-INTEREST",
    },
    DemoPolicy {
        title: "重庆市科技型企业培育行动方案",
        issuer: "重庆市科学技术局",
        doc_no: "渝科局发〔2022〕30号",
        level: "municipal",
        category: "科技创新",
        published_on: "2022-06-10",
        effective_from: "2022-06-10",
        effective_to: "2027-12-31",
        status: Status::Published,
        summary: "扩大科技型企业群体，推动科技型企业入库、成长为科技型中小企业和高新技术企业。（内容为演示用概述）",
        articles: &[
            "一、科技型企业实行入库管理，符合条件的企业自愿登记、在线评价。",
            "二、各区县建立科技型企业服务专员制度，开展政策辅导。",
            "三、对入库科技型企业优先推荐申报科研项目和知识价值信用贷款。",
        ],
        audiences: "enterprise, tech_enterprise",
        measures: "",
    },
    DemoPolicy {
        title: "重庆市高新技术企业倍增计划",
        issuer: "重庆市科学技术局",
        doc_no: "渝科局发〔2023〕40号",
        level: "municipal",
        category: "科技创新",
        published_on: "2023-09-05",
        effective_from: "2023-09-05",
        effective_to: "2027-12-31",
        status: Status::Published,
        summary: "通过培育库、认定辅导和奖励，推动全市高新技术企业数量倍增。（内容为演示用概述）",
        articles: &[
            "一、实施高新技术企业倍增计划，建立市、区两级高新技术企业培育库。",
            "二、对首次认定的高新技术企业给予市级奖励，区县可叠加支持。",
            "三、加强高新技术企业认定的规范管理和事后监督。",
        ],
        audiences: "tech_sme, high_tech",
        measures: "HTE-CULTIVATION",
    },
    DemoPolicy {
        title: "高新技术企业认定管理办法",
        issuer: "科技部 财政部 国家税务总局",
        doc_no: "国科发火〔2016〕32号",
        level: "national",
        category: "科技创新",
        published_on: "2016-01-29",
        effective_from: "2016-01-01",
        effective_to: "",
        status: Status::Published,
        summary: "规定高新技术企业的认定条件、程序和监督管理；认定后可享受企业所得税减按15%征收等优惠。（本库仅收录演示用概述，以官方文本为准）",
        articles: &[
            "认定条件概述：企业注册成立一年以上；通过自主研发、受让、受赠、并购等方式获得对主要产品核心技术拥有知识产权；技术属于《国家重点支持的高新技术领域》；科技人员占企业当年职工总数的比例不低于10%。",
            "研发费用要求概述：近三个会计年度研究开发费用总额占同期销售收入总额的比例，按销售收入规模分别不低于5%、4%、3%，其中在中国境内发生的研发费用占比不低于60%。",
            "收入要求概述：近一年高新技术产品（服务）收入占企业同期总收入的比例不低于60%；企业创新能力评价应达到相应要求；申请认定前一年内未发生重大安全、质量事故或严重环境违法行为。",
            "程序概述：企业自我评价、注册登记、提交申请材料，认定机构组织专家评审、认定报备、公示，颁发高新技术企业证书，证书有效期三年。",
        ],
        audiences: "enterprise, high_tech",
        measures: "",
    },
    DemoPolicy {
        title: "科技型中小企业评价办法",
        issuer: "科技部 财政部 国家税务总局",
        doc_no: "国科发政〔2017〕115号",
        level: "national",
        category: "科技创新",
        published_on: "2017-05-03",
        effective_from: "2017-05-03",
        effective_to: "",
        status: Status::Published,
        summary: "规定科技型中小企业的评价条件、评价指标和入库登记程序；入库企业可享受研发费用加计扣除等政策。（本库仅收录演示用概述，以官方文本为准）",
        articles: &[
            "条件概述：在中国境内注册的居民企业；职工总数不超过500人、年销售收入不超过2亿元、资产总额不超过2亿元；企业提供的产品和服务不属于国家限制类和淘汰类；上一年度及当年未发生重大安全、质量事故和严重环境违法、科研严重失信行为。",
            "评价指标概述：从科技人员、研发投入、科技成果三类指标评价，满分100分，综合评分60分以上且科技成果指标不得0分；拥有高新技术企业资格、省部级以上研发机构或近五年获得科技奖励等条件的企业可直接确认符合评价要求。",
            "程序概述：企业自主评价、在服务平台填报信息，省级科技管理部门组织公示，无异议的纳入信息库并赋予入库登记编号，入库登记编号当年有效。",
        ],
        audiences: "enterprise, tech_sme",
        measures: "",
    },
    DemoPolicy {
        title: "铜梁区2020—2022年科技型企业培育行动计划",
        issuer: "铜梁区科学技术局",
        doc_no: "铜科发〔2020〕8号",
        level: "district",
        category: "科技创新",
        published_on: "2020-03-16",
        effective_from: "2020-03-16",
        effective_to: "2022-12-31",
        status: Status::Expired,
        summary: "2020至2022年科技型企业培育目标和措施，已到期失效，由《十二条措施》接续。",
        articles: &[
            "一、到2022年末，全区科技型企业达到800家以上。",
            "二、对首次入库的科技型企业给予培育奖励。",
            "三、本计划有效期至2022年12月31日。",
        ],
        audiences: "enterprise, tech_enterprise",
        measures: "",
    },
    DemoPolicy {
        title: "铜梁区科技创新券管理暂行办法",
        issuer: "铜梁区科学技术局",
        doc_no: "铜科发〔2019〕15号",
        level: "district",
        category: "科技创新",
        published_on: "2019-09-02",
        effective_from: "2019-09-02",
        effective_to: "2024-12-31",
        status: Status::Repealed,
        summary: "以科技创新券支持中小企业购买检验检测、技术咨询等科技服务；已由新办法替代并废止。",
        articles: &[
            "第一条 科技创新券用于支持科技型中小企业向服务机构购买检验检测、研发设计、技术咨询等科技服务。",
            "第二条 每家企业每年申领科技创新券最高10万元。",
            "第三条 本办法自2023年起废止。",
        ],
        audiences: "tech_sme",
        measures: "",
    },
    DemoPolicy {
        title: "铜梁区促进新型储能产业科技创新若干政策（征求意见稿）",
        issuer: "铜梁区科学技术局",
        doc_no: "",
        level: "district",
        category: "产业发展",
        published_on: "",
        effective_from: "",
        effective_to: "",
        status: Status::Draft,
        summary: "支持新型储能产业链企业开展储能电池、电芯安全、热失控预警等关键技术攻关（征求意见稿，尚未发布）。",
        articles: &[
            "一、支持储能电池、电芯、电池管理系统、热失控预警等关键核心技术攻关。",
            "二、支持建设新型储能中试平台和检测认证平台。",
            "三、本政策正在征求意见，尚未发布。",
        ],
        audiences: "enterprise, high_tech",
        measures: "",
    },
];

fn input(p: &DemoPolicy) -> PolicyInput {
    let mut body = String::from(DEMO_NOTICE);
    for a in p.articles {
        body.push('\n');
        body.push_str(a);
    }
    PolicyInput {
        title: p.title.into(),
        issuer: p.issuer.into(),
        doc_no: p.doc_no.into(),
        level: p.level.into(),
        category: p.category.into(),
        published_on: p.published_on.into(),
        effective_from: p.effective_from.into(),
        effective_to: p.effective_to.into(),
        summary: p.summary.into(),
        body,
        source_url: String::new(),
        audiences: vec![p.audiences.into()],
        measures: vec![p.measures.into()],
    }
}

/// Writes the policy library in the demo's transaction (one event per policy);
/// returns how many.
pub async fn write(tx: &mut Db, now: i64) -> AppResult<usize> {
    for d in POLICIES {
        let p = input(d)
            .parse()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("demo policy {}: {e:?}", d.title)))?;
        let id = kechuang_store::new_id();
        tx.insert_policy(&id, &p, d.status, now, "demo").await?;
        tx.append_event(
            "demo",
            "policy",
            &id,
            "policy.created",
            &crate::ops::policy::policy_json(&p, d.status),
        )
        .await?;
    }
    Ok(POLICIES.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_policy_is_valid_and_marked() {
        assert!((12..=20).contains(&POLICIES.len()));
        for d in POLICIES {
            let p = input(d).parse().expect(d.title);
            assert!(p.body.starts_with(DEMO_NOTICE));
        }
        let twelve = POLICIES
            .iter()
            .find(|p| p.title == "铜梁区促进科技创新高质量发展十二条措施")
            .expect("twelve measures");
        let p = input(twelve).parse().expect("valid");
        assert_eq!(
            p.measures,
            [
                "RD-INVEST",
                "RESEARCH-PROJECT",
                "HTE-CULTIVATION",
                "RD-EQUIPMENT",
                "LOAN-INTEREST",
                "LOAN-SERVICE-FEE"
            ]
        );
        for n in [
            "一、",
            "二、",
            "三、",
            "四、",
            "五、",
            "六、",
            "七、",
            "八、",
            "九、",
            "十、",
            "十一、",
            "十二、",
        ] {
            assert!(p.body.contains(n), "{n}");
        }
    }
}

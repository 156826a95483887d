//! The columns of the matchmaking import files: one table per kind of record,
//! recognised by sheet name (xlsx) or by headers (CSV). docs/matchmaking-import.md
//! describes them for users; the template is generated from this table.

/// The kind of record a sheet (or CSV file) holds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum MmKind {
    /// 技术需求.
    Needs,
    /// 科技成果.
    Achievements,
    /// 专家.
    Experts,
}

impl MmKind {
    /// All kinds, in import order.
    pub const ALL: [MmKind; 3] = [MmKind::Needs, MmKind::Achievements, MmKind::Experts];

    /// The sheet name (and the kind's zh-CN name).
    pub fn zh(self) -> &'static str {
        match self {
            MmKind::Needs => "技术需求",
            MmKind::Achievements => "科技成果",
            MmKind::Experts => "专家",
        }
    }

    /// The entity name of its events (`need`, `achievement`, `expert`).
    pub fn entity(self) -> &'static str {
        match self {
            MmKind::Needs => "need",
            MmKind::Achievements => "achievement",
            MmKind::Experts => "expert",
        }
    }

    /// From `needs`, `achievements`, `experts` (or the singular, or the zh-CN name).
    pub fn parse(s: &str) -> Option<MmKind> {
        let s = s.trim();
        MmKind::ALL.into_iter().find(|k| {
            s.eq_ignore_ascii_case(k.entity())
                || s.eq_ignore_ascii_case(&format!("{}s", k.entity()))
                || s == k.zh()
        })
    }

    /// The kind whose sheet has this name (spaces ignored).
    pub fn from_sheet_name(name: &str) -> Option<MmKind> {
        let n: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        MmKind::ALL.into_iter().find(|k| n == k.zh())
    }

    /// Its columns, in template order.
    pub fn columns(self) -> &'static [Col] {
        match self {
            MmKind::Needs => NEED_COLUMNS,
            MmKind::Achievements => ACHIEVEMENT_COLUMNS,
            MmKind::Experts => EXPERT_COLUMNS,
        }
    }

    /// The field of its title column (what names a record).
    pub fn title_field(self) -> &'static str {
        match self {
            MmKind::Experts => "name",
            _ => "title",
        }
    }
}

/// One column of an import table.
#[derive(Debug)]
pub struct Col {
    /// The header as the template writes it.
    pub header: &'static str,
    /// Other headers accepted for it.
    pub aliases: &'static [&'static str],
    /// The input field it fills (the core validation's field name), or `key`,
    /// `credit_code`, `org_name`, `status`.
    pub field: &'static str,
    /// Whether the column must be present (and the cell filled).
    pub required: bool,
    /// The template's example value.
    pub example: &'static str,
    /// What to write, for the 说明 sheet.
    pub note: &'static str,
}

const fn col(
    header: &'static str,
    aliases: &'static [&'static str],
    field: &'static str,
    required: bool,
    example: &'static str,
    note: &'static str,
) -> Col {
    Col {
        header,
        aliases,
        field,
        required,
        example,
        note,
    }
}

const KEY_NOTE: &str = "本单位内唯一的编号（最多50个字符）；再次导入同一编号时更新该记录而不是新增";
const CODE_NOTE: &str =
    "所属单位的18位统一社会信用代码（与单位名称至少填一项；单位用户可都不填，默认本单位）";
const NAME_NOTE: &str = "所属单位在机构库中的全称（与统一社会信用代码至少填一项）";
const LIST_NOTE: &str = "多项用 、 ； ; , 分隔";

const NEED_COLUMNS: &[Col] = &[
    col("编号", &["需求编号"], "key", true, "XQ-2026-001", KEY_NOTE),
    col(
        "统一社会信用代码",
        &["需求单位统一社会信用代码", "单位统一社会信用代码"],
        "credit_code",
        false,
        "91500151MA5U7XQ83K",
        CODE_NOTE,
    ),
    col(
        "单位名称",
        &["需求单位", "需求单位名称", "企业名称"],
        "org_name",
        false,
        "重庆铜梁示例储能科技有限公司",
        NAME_NOTE,
    ),
    col(
        "需求名称",
        &["需求标题", "技术需求名称"],
        "title",
        true,
        "磷酸铁锂储能电芯热失控早期预警",
        "一行，最多200个字符",
    ),
    col(
        "需求描述",
        &["需求内容", "描述"],
        "description",
        false,
        "储能电站需要在电芯热失控前30分钟发出预警。",
        "最多20000个字符，可换行",
    ),
    col(
        "目标技术指标",
        &["技术指标"],
        "indicators",
        false,
        "预警提前量≥30分钟，误报率≤1%",
        "最多20000个字符",
    ),
    col(
        "拟解决的问题",
        &["拟解决问题", "问题"],
        "problem",
        false,
        "",
        "最多20000个字符",
    ),
    col("现有基础", &[], "basis", false, "", "最多20000个字符"),
    col(
        "预算（万元）",
        &["预算", "预算金额（万元）", "预算(万元)"],
        "budget_wan",
        false,
        "50",
        "万元，最多6位小数（精确换算为分）；空白表示面议",
    ),
    col(
        "合作方式",
        &[],
        "modes",
        true,
        "合作开发、技术转让",
        "委托开发 / 合作开发 / 技术转让 / 技术许可 / 技术咨询 / 技术服务 / 人才引进，可多选，用 、 ； ; , 分隔",
    ),
    col(
        "技术领域",
        &["领域"],
        "field",
        false,
        "新型储能",
        "最多50个字符",
    ),
    col(
        "关键词",
        &[],
        "keywords",
        false,
        "储能、电芯、热失控",
        "每个最多30个字符，最多30个；多项用 、 ； ; , 分隔",
    ),
    col(
        "截止日期",
        &["截止时间"],
        "deadline",
        false,
        "2027-06-30",
        "日期，如 2027-06-30",
    ),
    col(
        "状态",
        &["需求状态"],
        "status",
        false,
        "征集中",
        "征集中 / 对接中 / 已解决 / 已关闭；空白为征集中（更新时保持原状态）",
    ),
];

const ACHIEVEMENT_COLUMNS: &[Col] = &[
    col("编号", &["成果编号"], "key", true, "CG-2026-001", KEY_NOTE),
    col(
        "统一社会信用代码",
        &["成果单位统一社会信用代码", "单位统一社会信用代码"],
        "credit_code",
        false,
        "12100000450418554X",
        CODE_NOTE,
    ),
    col(
        "单位名称",
        &["成果单位", "完成单位", "所属单位"],
        "org_name",
        false,
        "重庆示例大学",
        NAME_NOTE,
    ),
    col(
        "成果名称",
        &["成果标题"],
        "title",
        true,
        "一种储能电池热失控预警方法及系统",
        "一行，最多200个字符",
    ),
    col(
        "成果简介",
        &["简介", "成果摘要", "摘要"],
        "summary",
        false,
        "通过多传感器融合提前识别电芯热失控。",
        "最多20000个字符，可换行",
    ),
    col(
        "完成人",
        &["发明人"],
        "inventors",
        false,
        "张三、李四",
        LIST_NOTE,
    ),
    col(
        "技术领域",
        &["领域"],
        "field",
        false,
        "新型储能",
        "最多50个字符",
    ),
    col(
        "成果形式",
        &["形式"],
        "form",
        false,
        "专利",
        "专利 / 新技术 / 新工艺 / 新产品 / 新材料 / 新品种 / 软件",
    ),
    col(
        "成熟度",
        &["成熟阶段"],
        "maturity",
        false,
        "中试",
        "实验室阶段 / 小试 / 中试 / 可产业化",
    ),
    col(
        "转化方式",
        &["转化形式"],
        "transfer_modes",
        false,
        "转让、许可",
        "转让 / 许可 / 作价投资 / 合作实施 / 其他，可多选，用 、 ； ; , 分隔",
    ),
    col(
        "参考价格（万元）",
        &["参考价格", "价格（万元）", "参考价格(万元)"],
        "price_wan",
        false,
        "80",
        "万元，最多6位小数（精确换算为分）；空白表示面议",
    ),
    col(
        "关键词",
        &[],
        "keywords",
        false,
        "储能；热失控；预警",
        "每个最多30个字符，最多30个；多项用 、 ； ; , 分隔",
    ),
];

const EXPERT_COLUMNS: &[Col] = &[
    col("编号", &["专家编号"], "key", true, "ZJ-2026-001", KEY_NOTE),
    col(
        "统一社会信用代码",
        &["所在单位统一社会信用代码", "单位统一社会信用代码"],
        "credit_code",
        false,
        "12100000450418554X",
        CODE_NOTE,
    ),
    col(
        "单位名称",
        &["所在单位", "工作单位"],
        "org_name",
        false,
        "重庆示例大学",
        NAME_NOTE,
    ),
    col("姓名", &["专家姓名"], "name", true, "王五", "最多50个字符"),
    col(
        "职称",
        &[],
        "title",
        false,
        "教授",
        "如 教授、研究员、高级工程师（最多50个字符）",
    ),
    col(
        "研究领域",
        &["技术领域", "领域"],
        "fields",
        false,
        "新型储能、电池管理",
        "每个最多50个字符；多项用 、 ； ; , 分隔",
    ),
    col(
        "关键词",
        &[],
        "keywords",
        false,
        "锂电池、热管理",
        "每个最多30个字符，最多30个；多项用 、 ； ; , 分隔",
    ),
    col(
        "代表性项目与成果",
        &["代表性项目", "代表性成果"],
        "projects",
        false,
        "国家重点研发计划储能专项课题",
        "最多20000个字符，可换行",
    ),
    col(
        "简介",
        &["个人简介", "专家简介"],
        "profile",
        false,
        "",
        "最多20000个字符，可换行",
    ),
];

/// A header folded for comparison: no spaces or `*`, ASCII parentheses.
pub(crate) fn fold_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '＊')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

impl MmKind {
    /// The column a header names, if any.
    pub(crate) fn column(self, header: &str) -> Option<&'static Col> {
        let h = fold_header(header);
        if h.is_empty() {
            return None;
        }
        self.columns()
            .iter()
            .find(|c| fold_header(c.header) == h || c.aliases.iter().any(|a| fold_header(a) == h))
    }

    /// The kind a CSV's headers describe: the one whose title column is present
    /// and that knows the most headers.
    pub(crate) fn from_headers(headers: &[String]) -> Option<MmKind> {
        MmKind::ALL
            .into_iter()
            .filter(|k| {
                headers
                    .iter()
                    .any(|h| k.column(h).is_some_and(|c| c.field == k.title_field()))
            })
            .max_by_key(|k| headers.iter().filter(|h| k.column(h).is_some()).count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_with_aliases_and_width_variants() {
        assert_eq!(
            MmKind::Needs.column("预算(万元)").map(|c| c.field),
            Some("budget_wan")
        );
        assert_eq!(
            MmKind::Needs.column(" 需求名称* ").map(|c| c.field),
            Some("title")
        );
        assert!(MmKind::Needs.column("成果名称").is_none());
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            MmKind::from_headers(&h(&["编号", "成果名称", "关键词"])),
            Some(MmKind::Achievements)
        );
        assert_eq!(
            MmKind::from_headers(&h(&["编号", "姓名", "职称"])),
            Some(MmKind::Experts)
        );
        assert_eq!(MmKind::from_headers(&h(&["编号", "关键词"])), None);
    }

    #[test]
    fn every_kind_has_a_key_and_a_title_column() {
        for k in MmKind::ALL {
            let fields: Vec<_> = k.columns().iter().map(|c| c.field).collect();
            assert!(fields.contains(&"key"));
            assert!(fields.contains(&k.title_field()));
            assert_eq!(MmKind::parse(k.entity()), Some(k));
            assert_eq!(MmKind::from_sheet_name(k.zh()), Some(k));
        }
    }
}

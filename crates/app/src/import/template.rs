//! The workbook layout: which sheets there are, which columns each has, and the
//! header spellings a real bureau uses for them.
//!
//! Sheet names and headers are compared after [`fold`] (full and half width,
//! spaces and quotes alike), with a leading or trailing `*` and a `(必填)` /
//! `(选填)` note ignored. Indicator columns of the 指标填报 sheet are matched by
//! [`indicator::by_header`]. The export writes the canonical headers defined here,
//! so an exported workbook imports unchanged.

use kechuang_core::indicator::{self, Indicator};
use kechuang_core::text::fold;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The kinds of sheet an import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum SheetKind {
    /// 企业: the registry.
    Enterprises,
    /// 资质: qualifications.
    Qualifications,
    /// 知识产权: IP records.
    Ip,
    /// 指标填报: indicator filings.
    Filings,
}

impl SheetKind {
    /// In the order sheets are processed: the registry first, so the other sheets can
    /// refer to enterprises it adds.
    pub(crate) const ALL: [SheetKind; 4] = [
        Self::Enterprises,
        Self::Qualifications,
        Self::Ip,
        Self::Filings,
    ];

    /// The canonical sheet name.
    pub(crate) fn zh(self) -> &'static str {
        match self {
            Self::Enterprises => "企业",
            Self::Qualifications => "资质",
            Self::Ip => "知识产权",
            Self::Filings => "指标填报",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Enterprises => &[
                "企业名录",
                "企业信息",
                "企业库",
                "企业名单",
                "企业基本信息",
                "机构",
                "机构信息",
            ],
            Self::Qualifications => &["资质认定", "企业资质", "资质信息", "资质名单"],
            Self::Ip => &["知识产权明细", "知识产权信息", "知识产权清单"],
            Self::Filings => &[
                "指标",
                "指标数据",
                "指标填报数据",
                "填报",
                "填报数据",
                "季度填报",
                "创新指标",
            ],
        }
    }

    /// The columns of this sheet (indicators of 指标填报 aside).
    pub(crate) fn fields(self) -> &'static [FieldSpec] {
        match self {
            Self::Enterprises => ENTERPRISE_FIELDS,
            Self::Qualifications => QUALIFICATION_FIELDS,
            Self::Ip => IP_FIELDS,
            Self::Filings => FILING_FIELDS,
        }
    }
}

/// What a sheet of a workbook is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SheetRole {
    /// Imported as this kind.
    Import(SheetKind),
    /// Instructions (说明, 填表说明): skipped.
    Instructions,
}

/// Recognises a sheet by its name.
pub(crate) fn sheet_role(name: &str) -> Option<SheetRole> {
    static NAMES: LazyLock<HashMap<String, SheetRole>> = LazyLock::new(|| {
        let mut m = HashMap::new();
        for k in SheetKind::ALL {
            m.insert(fold(k.zh()), SheetRole::Import(k));
            for a in k.aliases() {
                m.insert(fold(a), SheetRole::Import(k));
            }
        }
        for s in [
            "说明",
            "填表说明",
            "使用说明",
            "填报说明",
            "导入说明",
            "模板说明",
        ] {
            m.insert(fold(s), SheetRole::Instructions);
        }
        m
    });
    NAMES.get(&fold(name)).copied()
}

/// One column of a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Field {
    /// 统一社会信用代码.
    CreditCode,
    /// 企业名称 (required in 企业, informational elsewhere).
    Name,
    /// 机构类型.
    OrgKind,
    /// 所属镇街.
    Town,
    /// 产业集群.
    Cluster,
    /// 经度.
    Longitude,
    /// 纬度.
    Latitude,
    /// 成立日期.
    FoundedOn,
    /// 是否规上工业企业.
    AboveScale,
    /// 地址.
    Address,
    /// 期间.
    Period,
    /// One indicator (its index in [`indicator::ALL`]).
    Indicator(usize),
    /// 资质类型.
    QualKind,
    /// 证书编号.
    QualNumber,
    /// 认定日期.
    RecognizedOn,
    /// 有效期至.
    ValidUntil,
    /// 知识产权类型.
    IpType,
    /// 编号.
    IpNumber,
    /// 名称.
    IpTitle,
    /// 授权日期.
    GrantedOn,
    /// 法律状态.
    LegalStatus,
    /// 获得方式.
    Acquisition,
    /// 获得日期.
    AcquiredOn,
    /// 是否已用于高企申报.
    UsedInHte,
    /// 序号 / 备注: accepted and ignored.
    Ignored,
}

/// How a column is written and read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldSpec {
    /// The column.
    pub field: Field,
    /// The canonical header, as the template and the export write it.
    pub header: &'static str,
    /// Other accepted spellings.
    pub aliases: &'static [&'static str],
    /// Whether the column must be present and every row must fill it.
    pub required: bool,
    /// The field name validation errors carry (`FieldError::field`).
    pub code: &'static str,
    /// zh-CN description of the format, for the 说明 sheet.
    pub format: &'static str,
    /// An example value.
    pub example: &'static str,
}

const CODE: FieldSpec = FieldSpec {
    field: Field::CreditCode,
    header: "统一社会信用代码",
    aliases: &[
        "社会信用代码",
        "信用代码",
        "统一信用代码",
        "统一社会信用代码(注册号)",
        "纳税人识别号",
    ],
    required: true,
    code: "credit_code",
    format: "18位，按 GB 32100-2015 校验",
    example: "91500151MA5U7XXXXX",
};

const NAME_INFO: FieldSpec = FieldSpec {
    field: Field::Name,
    header: "企业名称",
    aliases: &["单位名称", "企业全称", "机构名称", "企业(单位)名称"],
    required: false,
    code: "name",
    format: "仅供核对，导入时不使用",
    example: "重庆某某科技有限公司",
};

const IGNORED: FieldSpec = FieldSpec {
    field: Field::Ignored,
    header: "序号",
    aliases: &["备注", "序列号"],
    required: false,
    code: "",
    format: "可选，导入时忽略",
    example: "1",
};

static ENTERPRISE_FIELDS: &[FieldSpec] = &[
    CODE,
    FieldSpec {
        field: Field::Name,
        header: "企业名称",
        aliases: &["单位名称", "企业全称", "机构名称", "企业(单位)名称", "名称"],
        required: true,
        code: "name",
        format: "登记的全称，最多100字",
        example: "重庆某某科技有限公司",
    },
    FieldSpec {
        field: Field::OrgKind,
        header: "机构类型",
        aliases: &["单位类型", "类型", "机构类别"],
        required: false,
        code: "kind",
        format: "企业 / 高校 / 科研院所 / 金融机构；新机构留空为企业",
        example: "企业",
    },
    FieldSpec {
        field: Field::Town,
        header: "所属镇街",
        aliases: &[
            "镇街",
            "所在镇街",
            "街镇",
            "所属街镇",
            "所属镇(街道)",
            "镇(街道)",
            "所在镇(街道)",
            "所属镇街道",
        ],
        required: false,
        code: "town",
        format: "镇或街道名称；新名称会加入镇街列表",
        example: "巴川街道",
    },
    FieldSpec {
        field: Field::Cluster,
        header: "产业集群",
        aliases: &["集群", "所属产业集群", "所属集群", "产业类别"],
        required: false,
        code: "cluster",
        format: "产业集群名称；新名称会加入集群列表",
        example: "新型储能",
    },
    FieldSpec {
        field: Field::Longitude,
        header: "经度",
        aliases: &["经度(度)", "东经"],
        required: false,
        code: "longitude",
        format: "十进制度数，最多6位小数，须与纬度同时填写",
        example: "106.054321",
    },
    FieldSpec {
        field: Field::Latitude,
        header: "纬度",
        aliases: &["纬度(度)", "北纬"],
        required: false,
        code: "latitude",
        format: "十进制度数，最多6位小数，须与经度同时填写",
        example: "29.845",
    },
    FieldSpec {
        field: Field::FoundedOn,
        header: "成立日期",
        aliases: &["注册日期", "成立时间", "注册时间", "设立日期"],
        required: false,
        code: "founded_on",
        format: "日期：Excel 日期、2023-05-01、2023/5/1、2023年5月1日 或 20230501",
        example: "2015-03-18",
    },
    FieldSpec {
        field: Field::AboveScale,
        header: "是否规上工业企业",
        aliases: &[
            "规上工业企业",
            "是否规上",
            "是否规模以上工业企业",
            "规上",
            "是否规上企业",
            "规模以上工业企业",
        ],
        required: false,
        code: "above_scale",
        format: "是 / 否；新机构留空为否",
        example: "是",
    },
    FieldSpec {
        field: Field::Address,
        header: "地址",
        aliases: &["注册地址", "企业地址", "详细地址", "通讯地址", "经营地址"],
        required: false,
        code: "address",
        format: "最多200字",
        example: "重庆市铜梁区巴川街道某某路1号",
    },
    IGNORED,
];

static FILING_FIELDS: &[FieldSpec] = &[
    CODE,
    NAME_INFO,
    FieldSpec {
        field: Field::Period,
        header: "期间",
        aliases: &[
            "报告期",
            "填报期间",
            "统计期间",
            "期别",
            "所属期间",
            "报告期间",
        ],
        required: true,
        code: "period",
        format: "年初至季末累计的季度（2023Q3 或 2023年1-9月）或年度（2023）",
        example: "2023Q3",
    },
    IGNORED,
];

static QUALIFICATION_FIELDS: &[FieldSpec] = &[
    CODE,
    NAME_INFO,
    FieldSpec {
        field: Field::QualKind,
        header: "资质类型",
        aliases: &["资质", "资质名称", "认定类型", "资质类别"],
        required: true,
        code: "kind",
        format: "科技型企业 / 科技型中小企业 / 创新型中小企业 / 高新技术企业 / 专精特新中小企业 / 专精特新\"小巨人\"",
        example: "高新技术企业",
    },
    FieldSpec {
        field: Field::QualNumber,
        header: "证书编号",
        aliases: &["入库编号", "入库登记编号", "编号", "证书号", "登记编号"],
        required: false,
        code: "number",
        format: "证书编号或入库登记编号，最多64字",
        example: "GR202351100123",
    },
    FieldSpec {
        field: Field::RecognizedOn,
        header: "认定日期",
        aliases: &["认定时间", "入库日期", "发证日期", "认定年月"],
        required: true,
        code: "recognized_on",
        format: "日期（同成立日期）",
        example: "2023-11-03",
    },
    FieldSpec {
        field: Field::ValidUntil,
        header: "有效期至",
        aliases: &[
            "有效期",
            "有效期截止",
            "有效期截止日期",
            "到期日期",
            "有效截止日期",
        ],
        required: false,
        code: "valid_until",
        format: "日期；留空按法定有效期（高企、专精特新等3年，科技型中小企业1年）",
        example: "2026-11-02",
    },
    IGNORED,
];

static IP_FIELDS: &[FieldSpec] = &[
    CODE,
    NAME_INFO,
    FieldSpec {
        field: Field::IpType,
        header: "知识产权类型",
        aliases: &["知识产权类别", "类型"],
        required: true,
        code: "ip_type",
        format: "发明专利 / 实用新型 / 外观设计 / 软件著作权 / 集成电路布图设计专有权 / 植物新品种 …",
        example: "发明专利",
    },
    FieldSpec {
        field: Field::IpNumber,
        header: "编号",
        aliases: &["专利号", "登记号", "授权号", "知识产权编号", "专利(登记)号"],
        required: true,
        code: "number",
        format: "专利号或登记号，同一企业内唯一",
        example: "ZL202310000000.1",
    },
    FieldSpec {
        field: Field::IpTitle,
        header: "名称",
        aliases: &["知识产权名称", "专利名称", "作品名称"],
        required: true,
        code: "title",
        format: "最多200字",
        example: "一种储能电芯的热管理方法",
    },
    FieldSpec {
        field: Field::GrantedOn,
        header: "授权日期",
        aliases: &["授权时间", "登记日期", "授权公告日"],
        required: false,
        code: "granted_on",
        format: "日期；法律状态为有效时必填",
        example: "2024-06-18",
    },
    FieldSpec {
        field: Field::LegalStatus,
        header: "法律状态",
        aliases: &["状态", "当前状态"],
        required: false,
        code: "status",
        format: "有效 / 失效 / 审查中；留空为有效",
        example: "有效",
    },
    FieldSpec {
        field: Field::Acquisition,
        header: "获得方式",
        aliases: &["取得方式", "获取方式"],
        required: false,
        code: "acquisition",
        format: "自主研发 / 受让 / 受赠 / 并购；留空为自主研发",
        example: "自主研发",
    },
    FieldSpec {
        field: Field::AcquiredOn,
        header: "获得日期",
        aliases: &["取得日期", "受让日期"],
        required: false,
        code: "acquired_on",
        format: "日期；受让、受赠、并购时必填",
        example: "2024-06-18",
    },
    FieldSpec {
        field: Field::UsedInHte,
        header: "是否已用于高企申报",
        aliases: &[
            "已用于高企申报",
            "是否用于高企申报",
            "是否已用于高新技术企业申报",
        ],
        required: false,
        code: "used_in_hte",
        format: "是 / 否；留空为否",
        example: "否",
    },
    IGNORED,
];

/// Folds a header for matching: [`fold`], then drops `*` marks and a trailing
/// `(必填)` / `(选填)` / `(可选)` note.
pub(crate) fn fold_header(h: &str) -> String {
    let f = fold(h);
    let mut s = f.trim_matches('*');
    for note in ["(必填)", "(选填)", "(可选)", "(非必填)"] {
        if let Some(rest) = s.strip_suffix(note) {
            s = rest.trim_end_matches('*');
        }
    }
    s.to_string()
}

static HEADERS: LazyLock<HashMap<(SheetKind, String), Field>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for k in SheetKind::ALL {
        for spec in k.fields() {
            for h in std::iter::once(spec.header).chain(spec.aliases.iter().copied()) {
                m.entry((k, fold_header(h))).or_insert(spec.field);
            }
        }
    }
    m
});

/// The column a header names in a sheet of `kind`, if any.
pub(crate) fn field_for_header(kind: SheetKind, header: &str) -> Option<Field> {
    let h = fold_header(header);
    if h.is_empty() {
        return None;
    }
    if let Some(f) = HEADERS.get(&(kind, h.clone())) {
        return Some(*f);
    }
    if kind == SheetKind::Filings {
        return indicator::by_header(header)
            .or_else(|| indicator::by_header(&h))
            .map(|i| Field::Indicator(i.index));
    }
    None
}

/// The spec of a field in a sheet kind (indicators have none).
pub(crate) fn spec(kind: SheetKind, field: Field) -> Option<&'static FieldSpec> {
    kind.fields().iter().find(|s| s.field == field)
}

/// The kind of a CSV file, from its headers: 期间 → 指标填报, 资质类型 → 资质,
/// 知识产权类型 → 知识产权, otherwise 企业.
pub(crate) fn kind_from_headers<'a>(headers: impl IntoIterator<Item = &'a str>) -> SheetKind {
    let mut kind = SheetKind::Enterprises;
    for h in headers {
        match field_for_header(SheetKind::Filings, h) {
            Some(Field::Period) => return SheetKind::Filings,
            Some(Field::Indicator(_)) => kind = SheetKind::Filings,
            _ => {}
        }
        if kind == SheetKind::Enterprises {
            if field_for_header(SheetKind::Qualifications, h) == Some(Field::QualKind)
                && fold_header(h) != fold("类型")
            {
                kind = SheetKind::Qualifications;
            } else if field_for_header(SheetKind::Ip, h) == Some(Field::IpType)
                && fold_header(h) != fold("类型")
            {
                kind = SheetKind::Ip;
            }
        }
    }
    kind
}

/// The headers the template and the export write for a sheet kind, in order,
/// including every indicator for 指标填报.
pub(crate) fn template_headers(kind: SheetKind) -> Vec<(Field, String)> {
    let mut out: Vec<(Field, String)> = kind
        .fields()
        .iter()
        .filter(|s| s.field != Field::Ignored)
        .map(|s| (s.field, s.header.to_string()))
        .collect();
    if kind == SheetKind::Filings {
        out.extend(
            indicator::ALL
                .iter()
                .map(|i: &Indicator| (Field::Indicator(i.index), i.header())),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_match_by_folded_name_and_alias() {
        assert_eq!(
            sheet_role("企业"),
            Some(SheetRole::Import(SheetKind::Enterprises))
        );
        assert_eq!(
            sheet_role(" 企业名录 "),
            Some(SheetRole::Import(SheetKind::Enterprises))
        );
        assert_eq!(
            sheet_role("指标数据"),
            Some(SheetRole::Import(SheetKind::Filings))
        );
        assert_eq!(
            sheet_role("资质认定"),
            Some(SheetRole::Import(SheetKind::Qualifications))
        );
        assert_eq!(sheet_role("填表说明"), Some(SheetRole::Instructions));
        assert_eq!(sheet_role("Sheet1"), None);
    }

    #[test]
    fn headers_match_with_width_marks_and_aliases() {
        let e = SheetKind::Enterprises;
        assert_eq!(
            field_for_header(e, "*统一社会信用代码"),
            Some(Field::CreditCode)
        );
        assert_eq!(
            field_for_header(e, "社会信用代码（必填）"),
            Some(Field::CreditCode)
        );
        assert_eq!(field_for_header(e, "所在镇街"), Some(Field::Town));
        assert_eq!(
            field_for_header(e, "是否规模以上工业企业"),
            Some(Field::AboveScale)
        );
        assert_eq!(field_for_header(e, "员工满意度"), None);
        let f = SheetKind::Filings;
        assert_eq!(
            field_for_header(f, "研发费用总额（万元）"),
            Some(Field::Indicator(16))
        );
        assert_eq!(field_for_header(f, "期 间"), Some(Field::Period));
        assert_eq!(field_for_header(f, "所属镇街"), None);
    }

    #[test]
    fn every_template_header_reads_back_as_its_field() {
        for k in SheetKind::ALL {
            for (field, h) in template_headers(k) {
                assert_eq!(field_for_header(k, &h), Some(field), "{k:?} {h}");
            }
        }
    }

    #[test]
    fn csv_kind_follows_headers() {
        assert_eq!(
            kind_from_headers(["统一社会信用代码", "期间", "纳税总额"]),
            SheetKind::Filings
        );
        assert_eq!(
            kind_from_headers(["统一社会信用代码", "资质类型", "认定日期"]),
            SheetKind::Qualifications
        );
        assert_eq!(
            kind_from_headers(["统一社会信用代码", "知识产权类型", "编号"]),
            SheetKind::Ip
        );
        assert_eq!(
            kind_from_headers(["统一社会信用代码", "企业名称"]),
            SheetKind::Enterprises
        );
    }
}

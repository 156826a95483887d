//! The rest of the district's cast: universities and institutes named in the
//! reports (the research side of matchmaking), the banks of the knowledge-value
//! credit scheme, and one login for every role.
//!
//! The names and addresses of the universities, institutes and banks are real;
//! their credit codes are fictional (valid check characters, `12` for public
//! institutions, the division of their seat).

use super::enterprises::{Firm, Special};
use super::geography::{self, TOWNS, town_index};
use super::names::CodeMaker;
use super::rng::Rng;
use super::targets::ymd;
use crate::{AppError, AppResult};
use chrono::NaiveDate;
use kechuang_core::org::{Coordinates, OrgKind, Organisation};
use kechuang_core::role::Role;

/// Where an organisation outside the district's towns sits.
#[derive(Debug, Clone, Copy)]
enum Seat {
    /// In a town of the district.
    Town(&'static str),
    /// Elsewhere: coordinates in micro-degrees and the address.
    Away(i64, i64, &'static str),
}

/// One university, institute or bank.
#[derive(Debug, Clone, Copy)]
struct Spec {
    name: &'static str,
    kind: OrgKind,
    /// Credit code category: `12` public institution, `91` company.
    category: &'static str,
    /// Administrative division of the registering authority.
    division: &'static str,
    founded: NaiveDate,
    seat: Seat,
}

const fn spec(
    name: &'static str,
    kind: OrgKind,
    category: &'static str,
    division: &'static str,
    founded: NaiveDate,
    seat: Seat,
) -> Spec {
    Spec {
        name,
        kind,
        category,
        division,
        founded,
        seat,
    }
}

const U: OrgKind = OrgKind::University;
const I: OrgKind = OrgKind::Institute;
const B: OrgKind = OrgKind::Bank;

/// 重庆大学 is the research login's organisation.
pub(crate) const RESEARCH_ORG: &str = "重庆大学";
/// The bank login's organisation.
pub(crate) const BANK_ORG: &str = "中国农业银行股份有限公司重庆铜梁支行";

static OTHERS: &[Spec] = &[
    spec(
        "重庆大学",
        U,
        "12",
        "500106",
        ymd(1929, 10, 12),
        Seat::Away(106_468_000, 29_566_000, "重庆市沙坪坝区沙正街174号"),
    ),
    spec(
        "西南大学",
        U,
        "12",
        "500109",
        ymd(2005, 7, 16),
        Seat::Away(106_424_000, 29_822_000, "重庆市北碚区天生路2号"),
    ),
    spec(
        "重庆理工大学",
        U,
        "12",
        "500113",
        ymd(1940, 9, 1),
        Seat::Away(106_531_000, 29_459_000, "重庆市巴南区红光大道69号"),
    ),
    spec(
        "重庆交通大学",
        U,
        "12",
        "500108",
        ymd(1951, 9, 1),
        Seat::Away(106_605_000, 29_506_000, "重庆市南岸区学府大道66号"),
    ),
    spec(
        "重庆邮电大学",
        U,
        "12",
        "500108",
        ymd(1950, 9, 1),
        Seat::Away(106_610_000, 29_532_000, "重庆市南岸区崇文路2号"),
    ),
    spec(
        "重庆医科大学",
        U,
        "12",
        "500103",
        ymd(1956, 9, 1),
        Seat::Away(106_538_000, 29_535_000, "重庆市渝中区医学院路1号"),
    ),
    spec(
        "重庆文理学院",
        U,
        "12",
        "500118",
        ymd(2001, 5, 1),
        Seat::Away(105_950_000, 29_350_000, "重庆市永川区红河大道319号"),
    ),
    spec(
        "哈尔滨工业大学",
        U,
        "12",
        "230103",
        ymd(1920, 10, 17),
        Seat::Away(
            126_632_000,
            45_743_000,
            "黑龙江省哈尔滨市南岗区西大直街92号",
        ),
    ),
    spec(
        "浙江大学",
        U,
        "12",
        "330106",
        ymd(1897, 5, 21),
        Seat::Away(120_090_000, 30_303_000, "浙江省杭州市西湖区余杭塘路866号"),
    ),
    spec(
        "四川大学",
        U,
        "12",
        "510107",
        ymd(1896, 6, 18),
        Seat::Away(
            104_084_000,
            30_632_000,
            "四川省成都市武侯区一环路南一段24号",
        ),
    ),
    spec(
        "电子科技大学",
        U,
        "12",
        "510100",
        ymd(1956, 6, 1),
        Seat::Away(103_932_000, 30_755_000, "四川省成都市高新区西源大道2006号"),
    ),
    spec(
        "铜梁新型储能产业技术研究院",
        I,
        "12",
        "500151",
        ymd(2022, 9, 20),
        Seat::Town("东城街道"),
    ),
    spec(
        "中国农业科学院蔬菜花卉研究所西南研发中心",
        I,
        "12",
        "500151",
        ymd(2023, 3, 18),
        Seat::Town("安居镇"),
    ),
    spec(
        "中国科学院重庆绿色智能技术研究院",
        I,
        "12",
        "500109",
        ymd(2011, 11, 8),
        Seat::Away(106_430_000, 29_800_000, "重庆市北碚区方正大道266号"),
    ),
    spec(
        "重庆市科学技术研究院",
        I,
        "12",
        "500112",
        ymd(2000, 7, 1),
        Seat::Away(106_510_000, 29_610_000, "重庆市渝北区杨柳路2号"),
    ),
    spec(
        "重庆高新技术产业研究院有限责任公司",
        I,
        "91",
        "500107",
        ymd(2019, 5, 20),
        Seat::Away(106_390_000, 29_550_000, "重庆市九龙坡区科园一路3号"),
    ),
    spec(
        "重庆荣昌高新技术产业研究院有限公司",
        I,
        "91",
        "500153",
        ymd(2023, 6, 8),
        Seat::Away(105_594_000, 29_405_000, "重庆市荣昌区昌州街道灵方大道"),
    ),
    spec(
        BANK_ORG,
        B,
        "91",
        "500151",
        ymd(1997, 6, 1),
        Seat::Town("巴川街道"),
    ),
    spec(
        "中国建设银行股份有限公司重庆铜梁支行",
        B,
        "91",
        "500151",
        ymd(1998, 3, 1),
        Seat::Town("巴川街道"),
    ),
    spec(
        "中国工商银行股份有限公司重庆铜梁支行",
        B,
        "91",
        "500151",
        ymd(1998, 9, 1),
        Seat::Town("东城街道"),
    ),
    spec(
        "重庆农村商业银行股份有限公司铜梁支行",
        B,
        "91",
        "500151",
        ymd(2008, 6, 29),
        Seat::Town("巴川街道"),
    ),
    spec(
        "重庆银行股份有限公司铜梁支行",
        B,
        "91",
        "500151",
        ymd(2012, 11, 20),
        Seat::Town("东城街道"),
    ),
];

/// Universities, institutes and banks.
pub(crate) fn others(seed: u64, codes: &mut CodeMaker) -> AppResult<Vec<Organisation>> {
    let mut rng = Rng::stream(seed, "others");
    let mut out = Vec::with_capacity(OTHERS.len());
    for s in OTHERS {
        let credit_code = codes.institution(&mut rng, s.category, s.division)?;
        let (town, coordinates, address) = match s.seat {
            Seat::Town(name) => {
                let i = town_index(name)
                    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo: town {name}")))?;
                let t = &TOWNS[i];
                (
                    Some(name.to_string()),
                    geography::scatter(&mut rng, t),
                    geography::address(&mut rng, t),
                )
            }
            Seat::Away(lon, lat, address) => (
                None,
                Coordinates {
                    lon_micro: lon,
                    lat_micro: lat,
                },
                address.to_string(),
            ),
        };
        out.push(Organisation {
            kind: s.kind,
            credit_code,
            name: s.name.to_string(),
            town,
            cluster: None,
            coordinates: Some(coordinates),
            founded_on: Some(s.founded),
            above_scale: false,
            address: Some(address),
        });
    }
    Ok(out)
}

/// Which organisation a login acts for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LoginOrg {
    /// Bureau staff: none.
    None,
    /// A planned enterprise with this part.
    Firm(Special),
    /// One of the other organisations, by name.
    Named(&'static str),
}

/// One demo account.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoginSpec {
    /// Login name.
    pub username: &'static str,
    /// Password (printed by the CLI; at least 8 characters).
    pub password: &'static str,
    /// Shown name.
    pub display_name: &'static str,
    /// Role.
    pub role: Role,
    /// Organisation.
    pub org: LoginOrg,
    /// Towns a bureau account is limited to.
    pub towns: Option<&'static [&'static str]>,
}

const fn login(
    username: &'static str,
    password: &'static str,
    display_name: &'static str,
    role: Role,
    org: LoginOrg,
) -> LoginSpec {
    LoginSpec {
        username,
        password,
        display_name,
        role,
        org,
        towns: None,
    }
}

/// One login per role; the town reviewer sees 巴川 and 东城 only.
pub(crate) static LOGINS: [LoginSpec; 8] = [
    login(
        "admin",
        "Admin@2023",
        "科技局管理员",
        Role::BureauAdmin,
        LoginOrg::None,
    ),
    login(
        "reviewer",
        "Reviewer@2023",
        "科技局审核员",
        Role::BureauReviewer,
        LoginOrg::None,
    ),
    LoginSpec {
        towns: Some(&["巴川街道", "东城街道"]),
        ..login(
            "town",
            "Town@2023",
            "镇街审核员（巴川、东城）",
            Role::BureauReviewer,
            LoginOrg::None,
        )
    },
    login(
        "enterprise",
        "Enterprise@2023",
        "企业填报员",
        Role::Enterprise,
        LoginOrg::Firm(Special::Showcase),
    ),
    login(
        "research",
        "Research@2023",
        "重庆大学科研院",
        Role::Research,
        LoginOrg::Named(RESEARCH_ORG),
    ),
    login(
        "bank",
        "Bank@2023",
        "农行铜梁支行客户经理",
        Role::Bank,
        LoginOrg::Named(BANK_ORG),
    ),
    login(
        "engineer",
        "Engineer@2023",
        "装配线工程师",
        Role::LineEngineer,
        LoginOrg::Firm(Special::Zhiyan),
    ),
    login(
        "operator",
        "Operator@2023",
        "装配线操作员",
        Role::LineOperator,
        LoginOrg::Firm(Special::Zhiyan),
    ),
];

/// The index of the firm playing `part`.
pub(crate) fn firm_with(firms: &[Firm], part: Special) -> Option<usize> {
    firms.iter().position(|f| f.special == part)
}

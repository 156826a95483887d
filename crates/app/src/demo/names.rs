//! Enterprise names and 统一社会信用代码.
//!
//! A name is 重庆, a two-character trade name (字号), the cluster's industry word
//! and 有限公司 or 股份有限公司, as Chongqing's registry writes them. Trade names
//! are pairs from two curated lists of characters that Chinese firms favour (华,
//! 瑞, 鑫 … / 源, 达, 丰 …); well-known brands and odd pairs are left out, and no
//! trade name is used twice, so no two demo firms are confusable.

use super::rng::Rng;
use crate::AppError;
use chrono::NaiveDate;
use kechuang_core::credit_code::CreditCode;
use std::collections::HashSet;

const FIRST: &[char] = &[
    '华', '瑞', '鑫', '恒', '宏', '金', '鼎', '博', '海', '天', '永', '盛', '新', '泰', '中', '安',
    '康', '凯', '嘉', '隆', '锦', '宇', '正', '德', '立', '聚', '力', '创', '东', '龙', '巴', '渝',
    '铜', '明', '远', '航', '通', '达', '百', '万', '星', '睿', '卓', '腾', '昊', '骏', '弘', '祥',
    '耀', '汇', '兴', '佳', '合', '久',
];

const SECOND: &[char] = &[
    '源', '达', '丰', '泰', '通', '盛', '宇', '辉', '翔', '信', '润', '发', '昌', '利', '恒', '兴',
    '航', '诚', '锐', '驰', '峰', '邦', '森', '顺', '晟', '川', '能', '创', '立', '联', '嘉', '宏',
    '拓', '维', '业', '禾', '越', '瀚', '盈', '博', '威', '鸿',
];

/// Pairs that are famous brands (some in Chongqing's own industries), that claim an
/// affiliation (中科, 华科), or that read as words rather than names.
const BLOCKED: &[&str] = &[
    "中信", "中兴", "中通", "中航", "中科", "中联", "中盛", "华润", "华信", "华联", "华为", "华科",
    "海信", "海通", "东航", "顺丰", "隆鑫", "宇通", "金龙", "天能", "金发", "康泰", "万达", "万科",
    "宏发", "创维", "星宇", "金科", "永辉", "安利", "新能", "新兴", "中泰", "恒通", "东方", "安达",
    "力帆", "百利", "天宇", "华宇", "海能", "万通", "中昌", "力源", "安信", "金信", "东信", "联创",
    "合力", "远航", "通达", "兴业", "创业", "立业", "合信", "立邦", "正泰", "安盛", "华泰", "海航",
    "泰达", "华发", "德邦", "安邦", "万盛", "永川", "隆昌", "合川", "金川", "德联",
];

/// Every usable trade name, shuffled by the seed.
pub(crate) fn trade_names(rng: &mut Rng) -> Vec<String> {
    let mut out = Vec::with_capacity(FIRST.len() * SECOND.len());
    for &a in FIRST {
        for &b in SECOND {
            if a == b {
                continue;
            }
            let s: String = [a, b].iter().collect();
            if BLOCKED.contains(&s.as_str()) {
                continue;
            }
            out.push(s);
        }
    }
    rng.shuffle(&mut out);
    out
}

/// The registered name.
pub(crate) fn enterprise_name(trade: &str, word: &str, joint_stock: bool) -> String {
    let form = if joint_stock {
        "股份有限公司"
    } else {
        "有限公司"
    };
    format!("重庆{trade}{word}{form}")
}

/// The code's 31 characters (GB 32100-2015: no I, O, Z, S, V).
const CHARSET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Makes unique, valid credit codes.
#[derive(Debug, Default)]
pub(crate) struct CodeMaker {
    used: HashSet<String>,
}

impl CodeMaker {
    /// A code for a company registered in the district (`91` + `500151`): codes
    /// issued since the October 2015 reform carry `MA` and a registration serial;
    /// older firms' codes embed their former 组织机构代码 (eight digits and a check
    /// character).
    pub(crate) fn company(
        &mut self,
        rng: &mut Rng,
        founded: NaiveDate,
    ) -> Result<CreditCode, AppError> {
        let reform = super::targets::ymd(2015, 10, 1);
        for _ in 0..10_000 {
            let body = if founded >= reform {
                let series = rng.pick(&["5U", "5Y", "60", "61", "6X", "6A"]);
                format!("MA{series}{}", random_chars(rng, 5))
            } else {
                organisation_code(rng)
            };
            if let Some(c) = self.claim(&format!("91500151{body}")) {
                return Ok(c);
            }
        }
        Err(exhausted())
    }

    /// A code for a public institution (`12`) or another registrant, in `division`.
    pub(crate) fn institution(
        &mut self,
        rng: &mut Rng,
        category: &str,
        division: &str,
    ) -> Result<CreditCode, AppError> {
        for _ in 0..10_000 {
            let body = organisation_code(rng);
            if let Some(c) = self.claim(&format!("{category}{division}{body}")) {
                return Ok(c);
            }
        }
        Err(exhausted())
    }

    fn claim(&mut self, first17: &str) -> Option<CreditCode> {
        let code = CreditCode::complete(first17)?;
        self.used.insert(code.as_str().to_string()).then_some(code)
    }
}

fn exhausted() -> AppError {
    AppError::Internal(anyhow::anyhow!("demo: no unused credit code found"))
}

fn random_chars(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| char::from(*rng.pick(CHARSET))).collect()
}

/// Eight digits and a check character in the style of a former 组织机构代码.
fn organisation_code(rng: &mut Rng) -> String {
    let n = rng.between(20_000_000, 79_999_999);
    let check = *rng.pick(b"0123456789X");
    format!("{n}{}", char::from(check))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_enough_distinct_trade_names() {
        let mut rng = Rng::stream(1, "names");
        let names = trade_names(&mut rng);
        let set: HashSet<_> = names.iter().collect();
        assert_eq!(set.len(), names.len());
        assert!(names.len() > 1900, "{}", names.len());
        assert!(!names.iter().any(|n| n == "隆鑫" || n == "华华"));
    }

    #[test]
    fn codes_are_valid_unique_and_in_the_district() {
        let mut rng = Rng::stream(1, "codes");
        let mut maker = CodeMaker::default();
        let mut seen = HashSet::new();
        for i in 0..500 {
            let founded = if i % 2 == 0 {
                super::super::targets::ymd(2010, 1, 1)
            } else {
                super::super::targets::ymd(2020, 1, 1)
            };
            let c = maker.company(&mut rng, founded).unwrap();
            assert!(CreditCode::parse(c.as_str()).is_ok());
            assert_eq!(c.division(), "500151");
            assert!(seen.insert(c.as_str().to_string()));
        }
        let u = maker.institution(&mut rng, "12", "500000").unwrap();
        assert!(u.as_str().starts_with("12500000"));
    }
}

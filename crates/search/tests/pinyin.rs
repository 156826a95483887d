//! Pinyin suggestions: a query typed in pinyin (full, spaced, initials) suggests
//! the indexed Chinese terms it spells.
#![expect(clippy::unwrap_used, reason = "a failing call is the test failing")]

use kechuang_search::suggest::{is_pinyin_like, readings};
use kechuang_search::{Doc, Kind, Query, SearchIndex};

fn index() -> SearchIndex {
    let index = SearchIndex::in_ram().unwrap();
    let mut a = Doc::new("a:1", Kind::Achievement, "储能锂电池热失控预警");
    a.body = "用于储能电站的电芯监测。".into();
    a.keywords = vec!["储能".into(), "battery".into()];
    index.upsert(&a).unwrap();
    let mut b = Doc::new("a:2", Kind::Achievement, "储能电站消防系统");
    b.keywords = vec!["储能".into(), "消防".into()];
    index.upsert(&b).unwrap();
    // 产能 also reads c-n, in fewer documents than 储能.
    index
        .upsert(&Doc::new("n:1", Kind::Need, "提升摩托车零部件产能"))
        .unwrap();
    // 重庆: a heteronym (zhong / chong).
    index
        .upsert(&Doc::new("n:2", Kind::Need, "重庆绿色制造"))
        .unwrap();
    index.commit().unwrap();
    index
}

fn s(index: &SearchIndex, q: &str) -> Option<String> {
    index.suggest(q).unwrap()
}

#[test]
fn full_and_spaced_pinyin_suggest_the_indexed_term() {
    let i = index();
    assert_eq!(s(&i, "chuneng").as_deref(), Some("储能"));
    assert_eq!(s(&i, "chu neng").as_deref(), Some("储能"));
    assert_eq!(s(&i, "ChuNeng").as_deref(), Some("储能"));
    assert_eq!(s(&i, "lidianchi").as_deref(), Some("锂电池"));
    assert_eq!(s(&i, "li dian chi").as_deref(), Some("锂电池"));
    assert_eq!(s(&i, "chunengdianzhan").as_deref(), Some("储能电站"));
    assert_eq!(s(&i, "rehshikong"), None, "not pinyin of indexed terms");
    assert_eq!(s(&i, "chongqing").as_deref(), Some("重庆"), "every reading");
    assert_eq!(s(&i, "lvse").as_deref(), Some("绿色"), "ü typed as v");
    assert_eq!(s(&i, "luse").as_deref(), Some("绿色"), "or as u");
    // The suggestion finds what the pinyin meant.
    let found = i.search(&Query::text(s(&i, "chuneng").unwrap())).unwrap();
    assert_eq!(found.total, 2);
}

#[test]
fn initials_pick_the_most_frequent_term_and_other_queries_fall_through() {
    let i = index();
    assert_eq!(
        s(&i, "cn").as_deref(),
        Some("储能"),
        "储能 is in more documents than 产能"
    );
    assert_eq!(s(&i, "ldc").as_deref(), Some("锂电池"));
    assert_eq!(s(&i, "xq"), None);
    // An English word is still corrected by edit distance; a known one is left alone.
    assert_eq!(s(&i, "batery").as_deref(), Some("battery"));
    assert_eq!(s(&i, "battery"), None);
    // Chinese typos too.
    assert_eq!(s(&i, "锂电迟").as_deref(), Some("锂电池"));
    // Nothing to read.
    for q in [
        "",
        "c",
        "   ",
        "🔋",
        "chu-neng!",
        "储能",
        &"chuneng".repeat(40),
    ] {
        let _ = s(&i, q);
    }
    assert_eq!(s(&i, "储能"), None);
}

#[test]
fn the_map_follows_the_index() {
    let i = index();
    assert_eq!(s(&i, "qiningjiao"), None);
    i.upsert(&Doc::new("a:3", Kind::Achievement, "气凝胶隔热毡"))
        .unwrap();
    i.commit().unwrap();
    assert_eq!(s(&i, "qiningjiao").as_deref(), Some("气凝胶"));
}

#[test]
fn readings_and_pinyin_likeness() {
    assert_eq!(readings("储能")[0], "chuneng", "the common reading first");
    assert!(readings("重庆").contains(&"chongqing".to_string()));
    assert!(readings("重庆").contains(&"zhongqing".to_string()));
    assert!(readings("储a").is_empty());
    assert!(is_pinyin_like("chu neng"));
    assert!(is_pinyin_like("xi'an"));
    assert!(!is_pinyin_like("储能"));
    assert!(!is_pinyin_like("chu2neng"));
    assert!(!is_pinyin_like(" "));
}

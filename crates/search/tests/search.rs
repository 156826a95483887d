//! Behaviour of the search index through its public API.

use kechuang_search::{Dim, Doc, Kind, Query, SearchError, SearchIndex, tokens};

fn doc(id: &str, kind: Kind, title: &str, body: &str) -> Doc {
    let mut d = Doc::new(id, kind, title);
    d.body = body.into();
    d
}

fn index_of(docs: &[Doc]) -> SearchIndex {
    let index = SearchIndex::in_ram().expect("in-memory index");
    for d in docs {
        index.upsert(d).expect("upsert");
    }
    index.commit().expect("commit");
    index
}

fn ids(index: &SearchIndex, q: &Query) -> Vec<String> {
    index
        .search(q)
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn domain_terms_stay_whole_while_ordinary_text_splits() {
    for term in [
        "储能",
        "锂电池",
        "电芯",
        "气凝胶",
        "静脉识别",
        "专精特新",
        "揭榜挂帅",
        "奥氏体",
    ] {
        assert_eq!(tokens(term), [term], "{term}");
    }
    assert_eq!(
        tokens("我们需要新的合作伙伴"),
        ["我们", "需要", "新", "的", "合作伙伴"]
    );
    let t = tokens("基于静脉识别的门禁系统");
    assert!(t.contains(&"静脉识别".to_owned()), "{t:?}");
}

#[test]
fn search_mode_indexing_finds_a_word_inside_a_longer_one() {
    let index = index_of(&[doc("a", Kind::Need, "新型储能电站建设", "")]);
    assert_eq!(ids(&index, &Query::text("储能")), ["a"]);
}

#[test]
fn a_title_match_ranks_above_a_body_only_match() {
    let index = index_of(&[
        doc(
            "body",
            Kind::Achievement,
            "一种新型隔热材料",
            "本成果采用气凝胶复合工艺。",
        ),
        doc(
            "title",
            Kind::Achievement,
            "气凝胶隔热毡",
            "一种新型隔热材料的生产工艺。",
        ),
        doc("none", Kind::Achievement, "摩托车发动机", "减振降噪。"),
    ]);
    let results = index.search(&Query::text("气凝胶")).unwrap();
    assert_eq!(results.total, 2);
    let got: Vec<_> = results.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(got, ["title", "body"]);
    assert!(results.hits[0].score > results.hits[1].score);
    assert_eq!(results.hits[0].matched, ["气凝胶"]);
}

#[test]
fn kind_and_field_filters_and_facet_counts() {
    let mut a = doc("a", Kind::Need, "锂电池回收", "");
    a.tags = vec![
        (Dim::Cluster, "新型储能".into()),
        (Dim::Region, "金山镇".into()),
    ];
    let mut b = doc("b", Kind::Achievement, "锂电池梯次利用", "");
    b.tags = vec![
        (Dim::Cluster, "新型储能".into()),
        (Dim::Region, "洋里".into()),
    ];
    let mut c = doc("c", Kind::Achievement, "锂电池隔膜", "");
    c.tags = vec![
        (Dim::Cluster, "新材料".into()),
        (Dim::Region, "金山镇".into()),
    ];
    let index = index_of(&[a, b, c]);

    let all = index.search(&Query::text("锂电池")).unwrap();
    assert_eq!(all.total, 3);
    assert_eq!(all.kinds, [(Kind::Achievement, 2), (Kind::Need, 1)]);
    assert_eq!(
        all.facet(Dim::Cluster),
        [("新型储能".to_owned(), 2), ("新材料".to_owned(), 1)]
    );
    assert_eq!(
        all.facet(Dim::Region),
        [("金山镇".to_owned(), 2), ("洋里".to_owned(), 1)]
    );
    assert!(all.facet(Dim::Maturity).is_empty());

    let mut q = Query::text("锂电池");
    q.kinds = vec![Kind::Achievement];
    let mut got = ids(&index, &q);
    got.sort();
    assert_eq!(got, ["b", "c"]);

    q.filters = vec![(Dim::Region, "金山镇".into())];
    assert_eq!(ids(&index, &q), ["c"]);

    // Two values of one dimension are alternatives.
    let mut q = Query::text("锂电池");
    q.filters = vec![(Dim::Region, "金山镇".into()), (Dim::Region, "洋里".into())];
    assert_eq!(index.search(&q).unwrap().total, 3);
    // Facets count the filtered matches.
    q.filters = vec![(Dim::Cluster, "新型储能".into())];
    let r = index.search(&q).unwrap();
    assert_eq!(r.total, 2);
    assert_eq!(r.facet(Dim::Cluster), [("新型储能".to_owned(), 2)]);

    // Empty text browses within the filters.
    let mut browse = Query::text("");
    browse.kinds = vec![Kind::Need];
    assert_eq!(ids(&index, &browse), ["a"]);
}

#[test]
fn amount_range_filters_inclusively_and_skips_documents_without_amount() {
    let mut docs = Vec::new();
    for (id, amount) in [
        ("10", Some(10)),
        ("20", Some(20)),
        ("30", Some(30)),
        ("none", None),
    ] {
        let mut d = doc(id, Kind::Need, "储能", "");
        d.amount = amount;
        docs.push(d);
    }
    let index = index_of(&docs);
    let mut q = Query::text("储能");
    q.amount_min = Some(20);
    let mut got = ids(&index, &q);
    got.sort();
    assert_eq!(got, ["20", "30"]);
    q.amount_max = Some(20);
    assert_eq!(ids(&index, &q), ["20"]);
    q.amount_min = Some(25);
    assert!(ids(&index, &q).is_empty());
    q.amount_min = None;
    q.amount_max = Some(15);
    assert_eq!(ids(&index, &q), ["10"]);
}

#[test]
fn hidden_documents_are_found_only_when_asked() {
    let mut hidden = doc("h", Kind::Challenge, "电芯检测榜单", "");
    hidden.public = false;
    let index = index_of(&[hidden, doc("p", Kind::Challenge, "电芯产线", "")]);
    assert_eq!(ids(&index, &Query::text("电芯")), ["p"]);
    let mut q = Query::text("电芯");
    q.include_hidden = true;
    assert_eq!(index.search(&q).unwrap().total, 2);
}

#[test]
fn snippets_escape_html_and_mark_the_match() {
    let index = index_of(&[doc(
        "x",
        Kind::Policy,
        "<b>专精特新</b>申报",
        "<script>alert('x')</script> 支持专精特新企业 & \"小巨人\"",
    )]);
    let r = index.search(&Query::text("专精特新")).unwrap();
    let hit = &r.hits[0];
    assert_eq!(
        hit.title, "<b>专精特新</b>申报",
        "titles are stored as text"
    );
    assert!(
        hit.snippet.contains("<mark>专精特新</mark>"),
        "{}",
        hit.snippet
    );
    assert!(hit.snippet.contains("&lt;script&gt;"), "{}", hit.snippet);
    assert!(!hit.snippet.contains("<script"), "{}", hit.snippet);
    assert!(hit.snippet.contains("&amp;") && hit.snippet.contains("&quot;"));
    let without_marks = hit.snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(!without_marks.contains('<'), "{}", hit.snippet);

    // A title-only match marks the title, escaped.
    let r = index.search(&Query::text("申报")).unwrap();
    assert_eq!(
        r.hits[0].snippet,
        "&lt;b&gt;专精特新&lt;/b&gt;<mark>申报</mark>"
    );
}

#[test]
fn upsert_replaces_and_delete_removes() {
    let index = index_of(&[doc("a", Kind::Expert, "锂电池专家", "")]);
    index
        .upsert(&doc("a", Kind::Expert, "气凝胶专家", ""))
        .unwrap();
    index
        .upsert(&doc("a", Kind::Expert, "气凝胶专家", ""))
        .unwrap();
    index.commit().unwrap();
    assert_eq!(index.num_docs(), 1);
    assert!(ids(&index, &Query::text("锂电池")).is_empty());
    assert_eq!(ids(&index, &Query::text("气凝胶")), ["a"]);
    index.delete("a");
    index.commit().unwrap();
    assert_eq!(index.num_docs(), 0);
    assert!(ids(&index, &Query::text("气凝胶")).is_empty());
    assert!(matches!(
        index.upsert(&doc("", Kind::Expert, "x", "")),
        Err(SearchError::EmptyId)
    ));
}

#[test]
fn changes_are_visible_as_soon_as_commit_returns() {
    let index = SearchIndex::in_ram().unwrap();
    for i in 0..5 {
        index
            .upsert(&doc(
                &format!("n{i}"),
                Kind::Need,
                &format!("电芯需求{i}"),
                "",
            ))
            .unwrap();
        assert_eq!(index.search(&Query::text("电芯")).unwrap().total, i);
        index.commit().unwrap();
        assert_eq!(index.search(&Query::text("电芯")).unwrap().total, i + 1);
    }
}

#[test]
fn huge_and_empty_titles_are_indexed_and_searchable() {
    let mut huge = "静脉识别门禁".repeat(100 * 1024 / "静脉识别门禁".len());
    huge.push_str(&"x".repeat(200)); // one overlong Latin token, dropped
    assert!(huge.len() >= 100 * 1024);
    let index = index_of(&[
        doc("huge", Kind::Achievement, &huge, &huge),
        doc("empty", Kind::Achievement, "", "摩托车减振"),
    ]);
    let r = index.search(&Query::text("静脉识别")).unwrap();
    assert_eq!(r.hits.len(), 1);
    assert_eq!(r.hits[0].title.len(), huge.len());
    assert!(r.hits[0].snippet.chars().count() < 2_000);
    let r = index.search(&Query::text("摩托车")).unwrap();
    assert_eq!(r.hits[0].id, "empty");
    assert_eq!(r.hits[0].title, "");
}

#[test]
fn queries_without_words_are_empty_results_not_errors() {
    let index = index_of(&[doc("a", Kind::Need, "AND OR 储能 ***", "((\"")]);
    for q in [
        "\"((",
        "***",
        "🔋🚀",
        "，。！？",
        "   ",
        "\u{0}\u{200b}",
        ")",
        "*:*",
    ] {
        let r = index.search(&Query::text(q)).unwrap();
        if q.trim().is_empty() {
            continue; // whitespace browses
        }
        assert_eq!(r.total, 0, "{q:?}");
        assert!(r.hits.is_empty());
    }
    // Operators are just words.
    let r = index.search(&Query::text("AND OR")).unwrap();
    assert_eq!(r.tokens, ["and", "or"]);
    assert_eq!(r.total, 1);
}

#[test]
fn corrupt_index_needs_rebuild_and_recreate_works() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    {
        let index = SearchIndex::open_or_create(&path).unwrap();
        index.upsert(&doc("a", Kind::Need, "储能", "")).unwrap();
        index.commit().unwrap();
    }
    {
        let index = SearchIndex::open_or_create(&path).unwrap();
        assert_eq!(index.num_docs(), 1, "reopened index keeps its documents");
    }
    std::fs::write(path.join("meta.json"), b"{ not json \xff").unwrap();
    std::fs::write(path.join("keep.txt"), b"not ours").unwrap();
    let err = SearchIndex::open_or_create(&path).unwrap_err();
    assert!(err.needs_rebuild(), "{err}");
    assert_eq!(err.code(), "search_needs_rebuild");

    let index = SearchIndex::recreate(&path).unwrap();
    assert_eq!(index.num_docs(), 0);
    assert!(
        path.join("keep.txt").exists(),
        "recreate removes only index files"
    );
    index.upsert(&doc("b", Kind::Need, "电芯", "")).unwrap();
    index.commit().unwrap();
    assert_eq!(ids(&index, &Query::text("电芯")), ["b"]);
}

#[test]
fn a_missing_directory_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b");
    let index = SearchIndex::open_or_create(&path).unwrap();
    assert_eq!(index.num_docs(), 0);
    assert!(path.join("meta.json").exists());
}

#[test]
fn paging_and_limits() {
    let docs: Vec<Doc> = (0..15)
        .map(|i| doc(&format!("{i:02}"), Kind::Platform, "中试基地", ""))
        .collect();
    let index = index_of(&docs);
    let mut q = Query::text("中试基地");
    q.limit = 10;
    let first = index.search(&q).unwrap();
    assert_eq!((first.total, first.hits.len()), (15, 10));
    q.offset = 10;
    let second = index.search(&q).unwrap();
    assert_eq!(second.hits.len(), 5);
    let mut all: Vec<_> = first
        .hits
        .iter()
        .chain(&second.hits)
        .map(|h| &h.id)
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 15);
    q.limit = 0;
    let none = index.search(&q).unwrap();
    assert_eq!((none.total, none.hits.len()), (15, 0));
}

#[test]
fn suggest_corrects_misspelt_words_from_the_index_vocabulary() {
    let mut d = doc(
        "a",
        Kind::Achievement,
        "气凝胶隔热毡",
        "用于锂电池模组的防火隔热",
    );
    d.keywords = vec!["battery".into(), "储能".into()];
    let index = index_of(&[d]);
    assert_eq!(index.suggest("锂电迟").unwrap().as_deref(), Some("锂电池"));
    assert_eq!(
        index.suggest("气凝交隔热").unwrap().as_deref(),
        Some("气凝胶隔热")
    );
    assert_eq!(index.suggest("batery").unwrap().as_deref(), Some("battery"));
    assert_eq!(
        index.suggest("锂电池").unwrap(),
        None,
        "known words are left alone"
    );
    assert_eq!(index.suggest("🔋 ***").unwrap(), None);
    assert_eq!(index.suggest("").unwrap(), None);
}

#[test]
fn random_unicode_queries_never_panic() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let index = index_of(&[
        doc("a", Kind::Need, "锂电池电芯", "储能 <script> & 气凝胶"),
        doc("b", Kind::Policy, "专精特新", "AND OR NOT \"(("),
    ]);
    let mut runner = TestRunner::new(Config {
        cases: 200,
        ..Config::default()
    });
    runner
        .run(&any::<String>(), |text| {
            let r = index.search(&Query::text(text.clone()));
            prop_assert!(r.is_ok());
            prop_assert!(index.suggest(&text).is_ok());
            Ok(())
        })
        .unwrap();
    runner
        .run(
            &"[储能锂电池电芯()\"*:~^ A-Za-z🔋，。]{0,40}",
            |text| {
                prop_assert!(index.search(&Query::text(text.clone())).is_ok());
                prop_assert!(index.suggest(&text).is_ok());
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn matched_terms_of_a_hit_earlier_in_the_segment_than_a_terms_first_posting() {
    // Documents 0–149 hold only 储能; 电芯 first appears at document 150. The 电芯
    // documents rank first, so the early ones are examined after them: looking up
    // 电芯 for an early document must neither panic nor claim a match (its postings
    // list starts past that document).
    let mut docs: Vec<Doc> = (0..150)
        .map(|i| doc(&format!("a{i}"), Kind::Need, &format!("储能 项目{i}"), ""))
        .collect();
    docs.extend((0..150).map(|i| doc(&format!("b{i}"), Kind::Need, "储能电芯 电芯", "电芯")));
    let index = index_of(&docs);
    let mut q = Query::text("储能 电芯");
    q.limit = 200;
    let r = index.search(&q).expect("search");
    assert_eq!(r.total, 300);
    let a = r
        .hits
        .iter()
        .find(|h| h.id.starts_with('a'))
        .expect("an early one is on the page");
    assert_eq!(a.matched, ["储能"]);
    let b = r
        .hits
        .iter()
        .find(|h| h.id.starts_with('b'))
        .expect("a later one too");
    assert!(b.matched.contains(&"电芯".to_string()), "{:?}", b.matched);
}

#[test]
fn scored_search_ranks_like_search_and_hits_by_id_explain_the_chosen_few() {
    let index = index_of(&[
        doc(
            "achievement:1",
            Kind::Achievement,
            "锂电池热失控预警方法",
            "电芯温度与产气",
        ),
        doc("achievement:2", Kind::Achievement, "光伏电池片检测", "隐裂"),
        doc("expert:3", Kind::Expert, "王五", "热失控 电池安全"),
        doc("need:4", Kind::Need, "热失控", ""),
    ]);
    let mut q = Query::text("热失控 电芯");
    q.kinds = vec![Kind::Achievement, Kind::Expert];
    q.limit = 10;
    let scored = index.search_scored(&q).unwrap();
    let full = index.search(&q).unwrap();
    assert_eq!(
        scored.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        full.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>()
    );
    assert_eq!(scored[0].id, "achievement:1");
    assert_eq!(scored[0].kind, Kind::Achievement);
    assert!((scored[0].score - full.hits[0].score).abs() < 1e-6);

    let hits = index
        .hits_by_id(
            "热失控 电芯",
            &["expert:3".into(), "missing".into(), "achievement:1".into()],
        )
        .unwrap();
    let got: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        got,
        ["expert:3", "achievement:1"],
        "in the order asked, missing left out"
    );
    assert_eq!(hits[1].matched, ["热失控", "电芯"]);
    assert!(hits[1].snippet.contains("<mark>"), "{}", hits[1].snippet);
    assert!(
        index
            .search_scored(&Query::text("！！！"))
            .unwrap()
            .is_empty()
    );
}

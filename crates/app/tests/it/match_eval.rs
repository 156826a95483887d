//! The matchmaking evaluation set: reproducible from its generator, well formed,
//! and our match beats plain BM25 on it.

use crate::common::*;
use kechuang_app::match_eval::{self, EvalSet};
use kechuang_app::search::Searcher;
use kechuang_testkit::store_test;
use std::collections::HashSet;

#[test]
fn the_committed_set_is_what_the_generator_makes() {
    let made = match_eval::to_json_lines(&match_eval::generate(match_eval::SEED));
    if std::env::var("UPDATE_MATCH_EVAL").is_ok() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/match-eval/set.json");
        std::fs::write(path, &made).unwrap();
        return;
    }
    assert!(
        made == match_eval::COMMITTED,
        "set.json differs from generate(SEED): run UPDATE_MATCH_EVAL=1 cargo test -p kechuang-app --test it match_eval"
    );
    assert_eq!(
        match_eval::committed().unwrap(),
        match_eval::generate(match_eval::SEED)
    );
}

#[test]
fn the_set_has_200_judged_needs_in_two_splits_and_every_judgment_names_a_record() {
    let set: EvalSet = match_eval::generate(match_eval::SEED);
    assert!(set.needs.len() >= 200, "{}", set.needs.len());
    let keys: HashSet<&str> = set
        .achievements
        .iter()
        .map(|a| a.key.as_str())
        .chain(set.experts.iter().map(|e| e.key.as_str()))
        .collect();
    assert_eq!(
        keys.len(),
        set.achievements.len() + set.experts.len(),
        "keys are unique"
    );
    for n in &set.needs {
        assert!(
            n.judgments.keys().all(|k| keys.contains(k.as_str())),
            "{}",
            n.key
        );
        let solves = |p: &str| n.judgments.iter().any(|(k, g)| *g == 2 && k.starts_with(p));
        assert!(
            solves("a:") && solves("e:"),
            "{} needs a solving achievement and expert",
            n.key
        );
        // Decoys and distractors are never judged relevant.
        assert!(
            n.judgments
                .keys()
                .all(|k| !k.contains(":decoy:") && !k.contains(":x:"))
        );
    }
    let dev = set.needs.iter().filter(|n| n.split == "dev").count();
    let test = set.needs.iter().filter(|n| n.split == "test").count();
    assert!(
        dev >= 90 && test >= 90 && dev + test == set.needs.len(),
        "{dev} / {test}"
    );
    // Dev and test needs come from different technologies.
    let topics = |s: &str| -> HashSet<&str> {
        set.needs
            .iter()
            .filter(|n| n.split == s)
            .map(|n| n.topic.as_str())
            .collect()
    };
    assert!(topics("dev").is_disjoint(&topics("test")));
    assert!(set.achievements.len() >= 3_000 && set.experts.len() >= 800);
}

store_test!(our_match_beats_plain_bm25_on_the_evaluation_set, |store| {
    let app = app(&store);
    let set = match_eval::committed().unwrap();
    // Every third need keeps the test quick; all records stay, distractors included.
    let some: Vec<String> = set.needs.iter().step_by(3).map(|n| n.key.clone()).collect();
    let loaded = match_eval::load(&app, &set, Some(&some)).await.unwrap();
    let searcher = Searcher::open(None).unwrap();
    let r = match_eval::evaluate(&app, &searcher, &set, &loaded)
        .await
        .unwrap();
    let ours = r.matched["all"];
    let bm25 = r.bm25["all"];
    assert_eq!(ours.needs, some.len());
    assert!(
        ours.ndcg_at_10 > bm25.ndcg_at_10 + 0.05,
        "ours {ours:?} vs BM25 {bm25:?}"
    );
    assert!(
        ours.recall_at_20 > bm25.recall_at_20,
        "ours {ours:?} vs BM25 {bm25:?}"
    );
    assert!(ours.mrr > 0.5, "{ours:?}");
});

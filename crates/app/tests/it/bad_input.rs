//! The bad-input cases of the matchmaking issue, through the use cases: empty and
//! 100 KB titles, HTML stored as text, punctuation / emoji / very long queries,
//! and a search index directory that is missing or corrupt.

use crate::common::*;
use kechuang_app::AppError;
use kechuang_app::ops::matchmaking as mm;
use kechuang_app::ops::org::{self, OrgInput};
use kechuang_app::search::{SearchRequest, Searcher};
use kechuang_core::matchmaking::{AchievementInput, ExpertInput, NeedInput};
use kechuang_core::role::Role;
use kechuang_testkit::store_test;
use std::sync::{Arc, Mutex};

fn q(text: &str) -> SearchRequest {
    SearchRequest {
        q: text.into(),
        ..SearchRequest::default()
    }
}

fn fields_of(e: AppError) -> Vec<(String, &'static str, Option<String>)> {
    match e {
        AppError::Invalid(f) => f
            .into_iter()
            .map(|f| (f.field.clone(), f.code, f.param("max").map(String::from)))
            .collect(),
        other => panic!("expected a field error, got {other:?}"),
    }
}

store_test!(
    empty_and_100_kb_titles_are_refused_naming_the_field,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let e = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let ea = enterprise_user(&e);
        let huge = "长".repeat(100 * 1024 / 3);
        for (title, code) in [
            ("", "required"),
            ("   ", "required"),
            (huge.as_str(), "too_long"),
        ] {
            let need = NeedInput {
                title: title.into(),
                modes: vec!["合作开发".into()],
                ..NeedInput::default()
            };
            let f = fields_of(mm::create_need(&app, &ea, None, &need).await.unwrap_err());
            assert_eq!(f.len(), 1, "{f:?}");
            assert_eq!((f[0].0.as_str(), f[0].1), ("title", code));
            if code == "too_long" {
                assert_eq!(f[0].2.as_deref(), Some("200"));
            }
            let a = AchievementInput {
                title: title.into(),
                ..AchievementInput::default()
            };
            let f = fields_of(
                mm::create_achievement(&app, &ea, None, &a)
                    .await
                    .unwrap_err(),
            );
            assert_eq!((f[0].0.as_str(), f[0].1), ("title", code));
            let x = ExpertInput {
                name: title.into(),
                ..ExpertInput::default()
            };
            let f = fields_of(mm::create_expert(&app, &ea, None, &x).await.unwrap_err());
            assert_eq!((f[0].0.as_str(), f[0].1), ("name", code));
        }
        // A 100 KB description (over the 20,000-character limit) is named too.
        let need = NeedInput {
            title: "正常标题".into(),
            description: huge.clone(),
            modes: vec!["合作开发".into()],
            ..NeedInput::default()
        };
        let f = fields_of(mm::create_need(&app, &ea, None, &need).await.unwrap_err());
        assert_eq!(
            f,
            [(
                "description".to_string(),
                "too_long",
                Some("20000".to_string())
            )]
        );
        // Nothing was written.
        let all = mm::needs(&app, &ea, &Default::default()).await.unwrap();
        assert_eq!(all.total, 0);
    }
);

store_test!(html_in_every_text_field_is_stored_as_typed, |store| {
    let app = app(&store);
    let admin = bureau(Role::BureauAdmin, None);
    let e = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
        .await
        .unwrap();
    let ea = enterprise_user(&e);
    let x = "<script>alert('x')</script><b>粗</b>&amp;";
    let need = NeedInput {
        title: x.into(),
        description: x.into(),
        indicators: x.into(),
        problem: x.into(),
        basis: x.into(),
        modes: vec!["合作开发".into()],
        field: x.into(),
        keywords: vec!["<i>斜</i>".into()],
        ..NeedInput::default()
    };
    let n = mm::create_need(&app, &ea, None, &need).await.unwrap();
    for v in [
        Some(&n.title),
        n.description.as_ref(),
        n.indicators.as_ref(),
        n.problem.as_ref(),
        n.basis.as_ref(),
        n.field.as_ref(),
    ] {
        assert_eq!(v.map(String::as_str), Some(x));
    }
    assert_eq!(n.keywords, ["<i>斜</i>"]);
    let u = org::create(
        &app,
        &admin,
        &OrgInput {
            kind: "高校".into(),
            credit_code: "12500000450400001F".into(),
            name: "重庆测试大学".into(),
            ..OrgInput::default()
        },
    )
    .await
    .unwrap();
    let x2 = mm::create_expert(
        &app,
        &admin,
        Some(u.as_str()),
        &ExpertInput {
            name: "<img src=x onerror=alert(1)>".into(),
            title: x.into(),
            projects: x.into(),
            profile: x.into(),
            ..ExpertInput::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(x2.expert.name, "<img src=x onerror=alert(1)>");
    assert_eq!(x2.expert.profile.as_deref(), Some(x));
});

store_test!(
    punctuation_emoji_and_very_long_queries_are_graceful,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let e = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let ea = enterprise_user(&e);
        mm::create_need(
            &app,
            &ea,
            None,
            &NeedInput {
                title: "储能锂电池热失控预警".into(),
                modes: vec!["合作开发".into()],
                ..NeedInput::default()
            },
        )
        .await
        .unwrap();
        let s = Searcher::open(None).unwrap();
        let long_cjk = "储能".repeat(50_000);
        let long_ascii = "a".repeat(100 * 1024);
        let mixed = "锂电池，".repeat(20_000);
        for text in [
            "",
            "   ",
            "！？。，、；：“”‘’（）【】《》",
            "((**\"\\AND OR NOT:^~[]{}",
            "😀🔋⚡️👍🏽",
            "🔋储能🔋",
            "\u{200b}\u{feff}\u{0}",
            long_cjk.as_str(),
            long_ascii.as_str(),
            mixed.as_str(),
        ] {
            let r = s.search(&app, &ea, &q(text)).await;
            let r = r.unwrap_or_else(|e| {
                panic!("{:?}: {e:?}", text.chars().take(20).collect::<String>())
            });
            // (an empty query lists the board; one of only punctuation or emoji finds nothing)
            if !text.trim().is_empty() && text.chars().all(|c| !c.is_alphanumeric()) {
                assert_eq!(r.total, 0, "{text:?}");
                assert!(r.hits.is_empty());
            }
        }
        // A long query still finds what its first words name.
        assert_eq!(s.search(&app, &ea, &q(&mixed)).await.unwrap().total, 1);
        assert_eq!(s.search(&app, &ea, &q("🔋储能🔋")).await.unwrap().total, 1);
    }
);

/// A writer that keeps what the log says.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

store_test!(
    a_missing_or_corrupt_index_directory_is_rebuilt_from_the_store_with_a_log_line,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let e = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let ea = enterprise_user(&e);
        for t in ["储能锂电池热失控预警", "气凝胶隔热毡量产工艺"] {
            mm::create_need(
                &app,
                &ea,
                None,
                &NeedInput {
                    title: t.into(),
                    modes: vec!["合作开发".into()],
                    ..NeedInput::default()
                },
            )
            .await
            .unwrap();
        }
        let root = std::env::temp_dir().join(format!("kechuang-bad-{}", kechuang_store::new_id()));
        // Missing: a directory that does not exist yet (two levels deep) is created
        // and filled from the store.
        let dir = root.join("data").join("search");
        let s = Searcher::open(Some(&dir)).unwrap();
        assert_eq!(s.search(&app, &ea, &q("气凝胶")).await.unwrap().total, 1);
        drop(s);
        // Removed between runs: the same.
        std::fs::remove_dir_all(&dir).unwrap();
        let s = Searcher::open(Some(&dir)).unwrap();
        assert_eq!(s.search(&app, &ea, &q("热失控")).await.unwrap().total, 1);
        drop(s);
        // Corrupt: every file of the index overwritten with garbage (the cursor
        // file included), or truncated to nothing.
        for how in ["garbage", "truncate", "meta_only"] {
            for f in std::fs::read_dir(&dir).unwrap() {
                let p = f.unwrap().path();
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                match how {
                    "garbage" => std::fs::write(&p, b"\x00\xffnot an index\x13\x37").unwrap(),
                    "truncate" => std::fs::write(&p, b"").unwrap(),
                    _ if name == "meta.json" => std::fs::write(&p, b"{\"segments\": 7}").unwrap(),
                    _ => {}
                }
            }
            let log = Captured::default();
            let subscriber = tracing_subscriber::fmt()
                .with_writer(log.clone())
                .with_ansi(false)
                .finish();
            let s = {
                let _guard = tracing::subscriber::set_default(subscriber);
                Searcher::open(Some(&dir)).unwrap()
            };
            let logged = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
            assert!(
                logged.contains("rebuilding it from the store"),
                "{how}: {logged}"
            );
            assert_eq!(
                s.search(&app, &ea, &q("热失控")).await.unwrap().total,
                1,
                "{how}: rebuilt from the store"
            );
            assert_eq!(s.search(&app, &ea, &q("气凝胶")).await.unwrap().total, 1);
            drop(s);
        }
        let _ = std::fs::remove_dir_all(&root);
    }
);

//! The 科技地图 over HTTP: cached gzip points that follow writes, the boundaries
//! in the tiles' datum, and the page's tile switch only when tiles are configured.

use crate::harness::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kechuang_app::ops::map::TileSource;
use kechuang_app::{App, AppConfig};
use kechuang_testkit::TestDb;

async fn points(t: &TestApp, gzip: bool) -> crate::harness::Resp {
    let mut req = Request::get("/api/v1/map/points");
    if gzip {
        req = req.header(header::ACCEPT_ENCODING, "gzip, deflate, br");
    }
    t.send(req.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn points_are_served_gzip_from_the_cache_and_follow_writes() {
    let t = TestApp::spawn().await;
    t.enterprise(1, "巴川街道").await;
    let plain = points(&t, false).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(plain.json()["lat"].as_array().unwrap().len(), 1);
    let gz = points(&t, true).await;
    assert_eq!(gz.status, StatusCode::OK);
    assert_eq!(gz.headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(&gz.body[..2], &[0x1f, 0x8b], "a gzip stream");
    // A client refusing gzip gets plain JSON.
    let refused = t
        .send(
            Request::get("/api/v1/map/points")
                .header(header::ACCEPT_ENCODING, "gzip;q=0")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(refused.headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(refused.json(), plain.json());
    // A new enterprise shows on the next request (no stale cache).
    t.enterprise(2, "东城街道").await;
    assert_eq!(
        points(&t, false).await.json()["lat"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

fn tiles() -> TileSource {
    TileSource::new(
        "https://tiles.example/{z}/{x}/{y}.png",
        Some("测试瓦片"),
        None,
        Some(17),
        Some("gcj02"),
    )
    .unwrap()
}

#[tokio::test]
async fn the_tile_switch_appears_only_with_configured_tiles() {
    let offline = TestApp::spawn().await;
    let page = offline
        .send(Request::get("/map").body(Body::empty()).unwrap())
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(!html.contains("map-mode") && !html.contains("leaflet.js"));
    assert!(html.contains("id=\"map\""));

    let db = TestDb::sqlite().await;
    let app = App::new(
        db.store.clone(),
        AppConfig {
            map_tiles: Some(tiles()),
            map_datum: kechuang_core::geo_datum::Datum::Gcj02,
            ..AppConfig::default()
        },
    );
    let t = TestApp {
        router: kechuang_web::router(kechuang_web::AppState::new(
            app.clone(),
            kechuang_web::WebConfig::default(),
        )),
        app,
        _db: db,
    };
    let html = t
        .send(Request::get("/map").body(Body::empty()).unwrap())
        .await
        .text();
    assert!(
        html.contains("离线底图") && html.contains("在线瓦片"),
        "{html}"
    );
    assert!(html.contains("/assets/leaflet.js") && html.contains("/assets/leaflet.css"));
    assert!(html.contains("tiles.example"), "{html}");
    // An administrator's upload form defaults to the district datum.
    t.user("geoadmin", "bureau_admin", None, None).await;
    let c = t.login("geoadmin").await;
    let html = t.get(&c, "/map").await.text();
    assert!(html.contains("<option value=\"gcj02\" selected>"), "{html}");
    for asset in ["/assets/leaflet.js", "/assets/leaflet.css"] {
        let r = t
            .send(Request::get(asset).body(Body::empty()).unwrap())
            .await;
        assert_eq!(r.status, StatusCode::OK, "{asset}");
        assert!(r.text().len() > 10_000, "{asset}");
    }
}

#[tokio::test]
async fn boundaries_take_a_datum_and_refuse_an_unknown_one() {
    let t = TestApp::spawn().await;
    let r = t
        .send(
            Request::get("/api/v1/map/geography?datum=bd09")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("datum"), "{}", r.text());
    let r = t
        .send(
            Request::get("/api/v1/map/geography?datum=gcj02")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "nothing uploaded yet");
}

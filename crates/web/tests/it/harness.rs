//! TestApp: the real router on a fresh database, driven in-process.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kechuang_app::ops::auth::NewUser;
use kechuang_app::ops::org::OrgInput;
use kechuang_app::{Actor, App, AppConfig};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::OrgId;
use kechuang_testkit::TestDb;
use serde_json::Value;
use tower::ServiceExt;

pub struct TestApp {
    pub app: App,
    pub router: Router,
    pub _db: TestDb,
}

/// A logged-in client.
#[derive(Clone)]
pub struct Client {
    pub token: String,
    pub csrf: String,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub fn code(n: u32) -> String {
    CreditCode::complete(&format!("91500151{:09}", n))
        .unwrap()
        .to_string()
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let db = TestDb::sqlite().await;
        Self::on(db)
    }

    pub fn on(db: TestDb) -> TestApp {
        let app = App::new(db.store.clone(), AppConfig::default());
        let router = kechuang_web::router(kechuang_web::AppState::new(
            app.clone(),
            kechuang_web::WebConfig::default(),
        ));
        TestApp {
            app,
            router,
            _db: db,
        }
    }

    pub async fn user(
        &self,
        username: &str,
        role: &str,
        org: Option<&OrgId>,
        towns: Option<Vec<&str>>,
    ) {
        kechuang_app::ops::auth::create_user(
            &self.app,
            &Actor::cli(),
            NewUser {
                username: username.into(),
                display_name: format!("{username}用户"),
                password: format!("{username}-password"),
                role: role.into(),
                org_id: org.map(|o| o.0.clone()),
                towns: towns.map(|t| t.into_iter().map(String::from).collect()),
            },
        )
        .await
        .unwrap();
    }

    pub async fn enterprise(&self, n: u32, town: &str) -> OrgId {
        let input = OrgInput {
            credit_code: code(n),
            name: format!("重庆测试{n}储能科技有限公司"),
            town: town.into(),
            cluster: "新型储能".into(),
            above_scale: "是".into(),
            longitude: "106.05".into(),
            latitude: "29.84".into(),
            ..Default::default()
        };
        kechuang_app::ops::org::create(&self.app, &Actor::cli(), &input)
            .await
            .unwrap()
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn login(&self, username: &str) -> Client {
        let r = self
            .send(
                Request::post("/api/v1/session")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(serde_json::json!({"username": username, "password": format!("{username}-password")}).to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let j = r.json();
        Client {
            token: j["token"].as_str().unwrap().into(),
            csrf: j["csrf_token"].as_str().unwrap().into(),
        }
    }

    /// GET with the session cookie.
    pub async fn get(&self, c: &Client, path: &str) -> Resp {
        self.send(
            Request::get(path)
                .header(header::COOKIE, format!("kc_session={}", c.token))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// A JSON request with the session cookie and the CSRF header.
    pub async fn json(&self, c: &Client, method: &str, path: &str, body: Value) -> Resp {
        self.send(
            Request::builder()
                .method(method)
                .uri(path)
                .header(header::COOKIE, format!("kc_session={}", c.token))
                .header("x-csrf-token", &c.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// A form POST with the session cookie (the caller puts `_csrf` in `fields`).
    pub async fn form(&self, c: &Client, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            Request::post(path)
                .header(header::COOKIE, format!("kc_session={}", c.token))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl TestApp {
    /// A multipart upload with the session cookie: `fields` then the file.
    pub async fn upload(
        &self,
        c: &Client,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        bytes: &[u8],
        csrf_header: bool,
    ) -> Resp {
        let boundary = "----kechuangtestboundary";
        let mut body: Vec<u8> = Vec::new();
        for (k, v) in fields {
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend(bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut req = Request::post(path)
            .header(header::COOKIE, format!("kc_session={}", c.token))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            );
        if csrf_header {
            req = req.header("x-csrf-token", &c.csrf);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }
}

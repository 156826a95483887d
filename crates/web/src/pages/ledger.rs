//! 资金台账 (the bureau: every account's balance and recent transactions) and
//! 资金到账 (an enterprise or a bank: the money its own account received).

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use kechuang_app::ops::ledger::{self, AccountView, StatementLineView, TxView};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    layout: Layout,
    bureau: bool,
    accounts: Vec<AccountView>,
    txs: Vec<TxView>,
    total: i64,
    own: Option<AccountView>,
    lines: Vec<StatementLineView>,
    page: i64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageQuery {
    page: i64,
}

async fn show(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, PageError> {
    let actor = &session.actor;
    let page = q.page.max(1);
    let mut p = LedgerPage {
        layout: Layout::new(&s, Some(&session), "ledger"),
        bureau: actor.is_bureau(),
        accounts: Vec::new(),
        txs: Vec::new(),
        total: 0,
        own: None,
        lines: Vec::new(),
        page,
    };
    if p.bureau {
        p.accounts = ledger::accounts(&s.app, actor).await?;
        let t = ledger::transactions(&s.app, actor, None, page, 50).await?;
        p.total = t.total;
        p.txs = t.items;
    } else if let Some(own) = ledger::accounts(&s.app, actor).await?.into_iter().next() {
        let st = ledger::statement(&s.app, actor, &own.account, page, 50).await?;
        p.total = st.total;
        p.lines = st.lines;
        p.own = Some(own);
    }
    Ok(Html(render(&p)))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/ledger", get(show))
}

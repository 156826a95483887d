//! What is indexed ([`Doc`]) and what a query asks for ([`Query`]).

/// The kinds of record the platform searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// 技术需求
    Need,
    /// 科技成果
    Achievement,
    /// 专家
    Expert,
    /// 政策
    Policy,
    /// 揭榜挂帅榜单
    Challenge,
    /// 创新平台
    Platform,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 6] = [
        Kind::Need,
        Kind::Achievement,
        Kind::Expert,
        Kind::Policy,
        Kind::Challenge,
        Kind::Platform,
    ];

    /// The stable name stored in the index.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Need => "need",
            Kind::Achievement => "achievement",
            Kind::Expert => "expert",
            Kind::Policy => "policy",
            Kind::Challenge => "challenge",
            Kind::Platform => "platform",
        }
    }

    /// The kind named by [`Kind::as_str`].
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A filterable, faceted attribute of a document (besides its [`Kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dim {
    /// 技术领域
    Field,
    /// 产业集群
    Cluster,
    /// 区域 (town, park)
    Region,
    /// 成熟度
    Maturity,
    /// 转化方式
    TransferMode,
    /// 政策层级 (national, municipal, district)
    Level,
    /// 政策类别
    Category,
    /// 适用对象 (an enterprise type a policy serves)
    Audience,
    /// 状态 (a policy's status)
    Status,
    /// 年份 (a policy's publication year)
    Year,
}

impl Dim {
    /// Every dimension, in declaration order.
    pub const ALL: [Dim; 10] = [
        Dim::Field,
        Dim::Cluster,
        Dim::Region,
        Dim::Maturity,
        Dim::TransferMode,
        Dim::Level,
        Dim::Category,
        Dim::Audience,
        Dim::Status,
        Dim::Year,
    ];

    /// The stable name used as the facet root (`/field/…`).
    pub fn as_str(self) -> &'static str {
        match self {
            Dim::Field => "field",
            Dim::Cluster => "cluster",
            Dim::Region => "region",
            Dim::Maturity => "maturity",
            Dim::TransferMode => "transfer_mode",
            Dim::Level => "level",
            Dim::Category => "category",
            Dim::Audience => "audience",
            Dim::Status => "status",
            Dim::Year => "year",
        }
    }
}

/// One searchable record. Text fields are plain text: HTML in them is indexed as text and
/// comes back escaped in snippets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// Stable id, unique across kinds (for example `need:0190…`); must not be empty.
    pub id: String,
    /// What the record is.
    pub kind: Kind,
    /// Title or name; weighted highest.
    pub title: String,
    /// Abstract, description or body; stored for snippets.
    pub body: String,
    /// Keywords; weighted high.
    pub keywords: Vec<String>,
    /// Owning organisation's name.
    pub org: String,
    /// Attribute values; several values of one dimension are allowed.
    pub tags: Vec<(Dim, String)>,
    /// Budget or price in fen, for range filters.
    pub amount: Option<u64>,
    /// Whether the public may see it; hidden documents are found only with
    /// [`Query::include_hidden`].
    pub public: bool,
}

impl Doc {
    /// A public document with only an id, kind and title.
    pub fn new(id: impl Into<String>, kind: Kind, title: impl Into<String>) -> Doc {
        Doc {
            id: id.into(),
            kind,
            title: title.into(),
            body: String::new(),
            keywords: Vec::new(),
            org: String::new(),
            tags: Vec::new(),
            amount: None,
            public: true,
        }
    }
}

/// A search request.
///
/// Text is segmented with jieba and matched token by token (any token may match; more
/// and rarer matches in heavier fields rank higher). It is never parsed as query syntax:
/// quotes, brackets and `AND`/`OR` are ordinary characters, and text with no letters or
/// digits finds nothing. Empty (or all-whitespace) text browses: every document passing
/// the filters matches with the same score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// What the user typed.
    pub text: String,
    /// Only these kinds (empty: all kinds).
    pub kinds: Vec<Kind>,
    /// Exact attribute filters: values of one dimension are alternatives (OR), different
    /// dimensions must all hold (AND).
    pub filters: Vec<(Dim, String)>,
    /// Inclusive lower bound on [`Doc::amount`]; documents without an amount fail any bound.
    pub amount_min: Option<u64>,
    /// Inclusive upper bound on [`Doc::amount`].
    pub amount_max: Option<u64>,
    /// Also find documents that are not public.
    pub include_hidden: bool,
    /// Hits to return (capped at [`Query::MAX_LIMIT`]).
    pub limit: usize,
    /// Hits to skip (capped at [`Query::MAX_OFFSET`]).
    pub offset: usize,
}

impl Query {
    /// Largest page size.
    pub const MAX_LIMIT: usize = 200;
    /// Deepest page start.
    pub const MAX_OFFSET: usize = 10_000;

    /// A query for `text` with no filters and the first ten hits.
    pub fn text(text: impl Into<String>) -> Query {
        Query {
            text: text.into(),
            ..Query::default()
        }
    }
}

impl Default for Query {
    fn default() -> Query {
        Query {
            text: String::new(),
            kinds: Vec::new(),
            filters: Vec::new(),
            amount_min: None,
            amount_max: None,
            include_hidden: false,
            limit: 10,
            offset: 0,
        }
    }
}

/// One found document.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// [`Doc::id`].
    pub id: String,
    /// [`Doc::kind`].
    pub kind: Kind,
    /// [`Doc::title`], as stored (plain text: escape it when rendering).
    pub title: String,
    /// BM25 score with field weights.
    pub score: f32,
    /// A fragment of the body (or the title if the body has no match) as HTML: matched
    /// terms in `<mark>`, all other text escaped.
    pub snippet: String,
    /// Query tokens this document contains (in title, body, keywords or organisation).
    pub matched: Vec<String>,
}

/// A ranked document without snippet or matched terms
/// ([`crate::SearchIndex::search_scored`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// [`Doc::id`].
    pub id: String,
    /// [`Doc::kind`].
    pub kind: Kind,
    /// BM25 score with field weights.
    pub score: f32,
}

/// The answer to a [`Query`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Results {
    /// Number of matching documents (all pages).
    pub total: usize,
    /// The requested page.
    pub hits: Vec<Hit>,
    /// The tokens the query searched for.
    pub tokens: Vec<String>,
    /// Matching documents per kind, most first.
    pub kinds: Vec<(Kind, u64)>,
    /// Matching documents per value of each dimension, most first; dimensions with no
    /// values among the matches are left out.
    pub facets: Vec<(Dim, Vec<(String, u64)>)>,
}

impl Results {
    /// Counts for one dimension (empty if none).
    pub fn facet(&self, dim: Dim) -> &[(String, u64)] {
        self.facets
            .iter()
            .find(|(d, _)| *d == dim)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }
}

//! The search crate's error type.

use std::path::PathBuf;

/// What can go wrong in [`crate::SearchIndex`].
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index directory cannot be used as it is (corrupt, unreadable, or written with
    /// another schema). The index is derived data: rebuild it from the store with
    /// [`crate::SearchIndex::recreate`] and a full reindex.
    #[error("search index at {} must be rebuilt: {reason}", path.display())]
    NeedsRebuild {
        /// The index directory.
        path: PathBuf,
        /// Why it cannot be opened.
        reason: String,
    },
    /// Another process holds the index writer lock.
    #[error("search index at {} is locked by another writer", path.display())]
    Locked {
        /// The index directory.
        path: PathBuf,
    },
    /// A document without an id cannot be indexed.
    #[error("document id is empty")]
    EmptyId,
    /// The index directory cannot be created or cleared.
    #[error("search index directory {}: {source}", path.display())]
    Io {
        /// The directory or file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Any other failure of the engine.
    #[error("search engine: {0}")]
    Engine(#[from] tantivy::TantivyError),
}

impl SearchError {
    /// A stable code for logs and the wire.
    pub fn code(&self) -> &'static str {
        match self {
            SearchError::NeedsRebuild { .. } => "search_needs_rebuild",
            SearchError::Locked { .. } => "search_locked",
            SearchError::EmptyId => "search_empty_id",
            SearchError::Io { .. } => "search_io",
            SearchError::Engine(_) => "search_engine",
        }
    }

    /// Whether the caller should rebuild the index from the store.
    pub fn needs_rebuild(&self) -> bool {
        matches!(self, SearchError::NeedsRebuild { .. })
    }
}

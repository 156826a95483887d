//! Typed ids. Entities get UUIDv7 text ids from the store; the types keep an
//! organisation id from being passed where a user id is meant.

macro_rules! id_type {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id text.
            pub fn as_str(&self) -> &str { &self.0 }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(&self.0) }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self { Self(s) }
        }
    )*};
}

id_type! {
    /// An organisation.
    OrgId,
    /// A user account.
    UserId,
    /// A qualification record.
    QualificationId,
    /// An IP record.
    IpRecordId,
    /// An import batch.
    ImportBatchId,
}

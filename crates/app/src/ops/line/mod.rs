pub mod analytics;
pub mod export;
pub mod recorded;
pub mod views;

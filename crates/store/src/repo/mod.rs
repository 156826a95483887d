//! Repositories: one file per aggregate, each a set of methods on [`crate::Db`].

pub mod bulk;
pub mod chain;
pub mod challenge;
pub mod contract;
pub mod credit;
pub mod dashboard2;
pub mod demo_support;
pub mod event_log;
pub mod filing;
pub mod geo;
pub mod import;
pub mod ip;
pub mod ladder;
pub mod ledger;
pub mod line;
pub mod line_batch;
pub mod line_rollup;
pub mod matchmaking;
pub mod mm_import;
pub mod mm_session;
pub mod notify;
pub mod org;
pub mod platform;
pub mod policy;
pub mod qualification;
pub mod rollup;
pub mod saved_search;
pub mod stats;
pub mod subsidy;
pub mod talent;
pub mod user;

pub use bulk::NewEvent;
pub use chain::{
    ChainCounts, ChainFilter, CollaborationRecord, FeedbackCount, InterestRecord, MessageRecord,
    NewCollaboration, NewInterest, StageRow, ThreadRecord,
};
pub use challenge::{
    ChAcceptance, ChApplication, ChCall, ChCheck, ChConflict, ChConsortium, ChDemand, ChMember,
    ChObjection, ChPanelMember, ChPoolExpert, ChProject, ChRanked, ChReview, ChScore,
    ChTranchePaid,
};
pub use contract::ContractFileMeta;
pub use contract::{
    ContractChangeRow, ContractDim, ContractFilter, ContractPartyRow, ContractRecord,
    ContractState, ContractStepInsert, ContractStepRow, ContractSum, ContractTerms, NewContract,
};
pub use credit::{
    ClaimRecord, ConsentRecord, CreditEvaluationRecord, CreditScope, DecisionRecord, LoanRecord,
    RepaymentRecord,
};
pub use dashboard2::Selection;
pub use event_log::{ChainBreak, ChainReport, Event};
pub use filing::{FilingVersion, ReviewItem};
pub use geo::{GeoAreaRow, GeoVersionRow, MapOrgRow, MapPlatformRow};
pub use import::ImportBatchRow;
pub use ip::IpRecordRow;
pub use ladder::{LadderCurrent, LadderInput, LadderRun, PoolFilter, PoolMove, PoolRow, TargetRow};
pub use ledger::{LedgerAccount, LedgerTxRecord, NewLedgerTx, StatementLine};
pub use line::{LineBatch, LineSummary, OverrideRecord};
pub use line_batch::BatchRecord;
pub use line_rollup::{
    RollupChanges, RollupHourRow, RollupJointRow, RollupReasonRow, RollupResult, RollupRows,
    RollupSubgroupRow, RollupVehicleRow, RollupVisit,
};
pub use matchmaking::{MatchFilter, Stored, StoredNeed};
pub use mm_session::{
    MeetingRecord, ParticipantRecord, SessionRecord, SessionSummary, SigningRecord,
};
pub use notify::{
    Attention, BureauAttention, MailRow, NewNotification, NotificationRow, OutboxCounts, Recipient,
};
pub use org::{OrgFilter, OrgRecord, OrgSummary, Page};
pub use platform::{
    AllianceRow, EvaluationRow, ExpertRow, MemberRow, PartnerRow, PlatformData, PlatformFilter,
    PlatformRow, ProjectData, ProjectRow, TargetRecord, TeamRow,
};
pub use policy::{PolicyFilter, StoredPolicy};
pub use qualification::{QualificationRecord, Upserted};
pub use rollup::{OrgKey, RollupDelta, RollupKey, RollupSums};
pub use saved_search::SavedSearchRow;
pub use stats::{DashboardFigures, RdAboveScale, TownIndicatorSums};
pub use subsidy::{
    ApplicationFilter, ApplicationRecord, AttachmentMeta, HistoryEntry, MeasureRecord,
};
pub use talent::{NewTalent, NewTalentDemand, TalentDemandRow, TalentFilter, TalentRow};
pub use user::{SessionRow, UserRecord};

use crate::StoreError;
use chrono::NaiveDate;

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, StoreError> {
    kechuang_core::date::from_iso(s).ok_or_else(|| StoreError::Corrupt(format!("date {s:?}")))
}

pub(crate) fn parse_opt_date(s: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    s.as_deref().map(parse_date).transpose()
}

/// `$first, $first+1, …` placeholders for an `IN (…)` list of `n` values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

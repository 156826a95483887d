//! Which tightening IDs have been delivered, and which are missing: dedupe and gap
//! detection by tightening ID, kept across reconnects.

use std::collections::BTreeSet;

/// How many delivered IDs below the highest are remembered for dedupe.
const REMEMBER: usize = 100_000;

#[derive(Debug)]
pub(crate) struct Track {
    high: Option<u32>,
    /// Missing IDs below this will not come as a live push any more: the controller pushes
    /// in ID order, and results from before the subscription are never pushed.
    settled_below: Option<u32>,
    seen: BTreeSet<u32>,
    pub(crate) missing: BTreeSet<u32>,
    max_recover: u32,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Deliver,
    Duplicate,
}

impl Track {
    pub(crate) fn new(resume_after: Option<u32>, max_recover: u32) -> Self {
        Self {
            high: resume_after,
            settled_below: None,
            seen: BTreeSet::new(),
            missing: BTreeSet::new(),
            max_recover,
        }
    }

    #[cfg(test)]
    pub(crate) fn high(&self) -> Option<u32> {
        self.high
    }

    /// A result with `id` arrived; returns whether to deliver it and the IDs given up as lost
    /// because the gap before it is larger than `max_recover`.
    pub(crate) fn arrive(&mut self, id: u32) -> (Verdict, Vec<u32>) {
        if !self.seen.insert(id) {
            return (Verdict::Duplicate, Vec::new());
        }
        self.missing.remove(&id);
        let lost = match self.high {
            Some(h) if id > h => self.open_gap(h, id),
            _ => Vec::new(),
        };
        self.high = Some(self.high.map_or(id, |h| h.max(id)));
        while self.seen.len() > REMEMBER {
            self.seen.pop_first();
        }
        (Verdict::Deliver, lost)
    }

    /// The controller's latest ID is `latest` (MID 0064 with ID 0): everything after what we
    /// have up to it is missing. On a first connection without a resume point nothing is.
    /// Must be asked before subscribing, so that nothing up to `latest` is pushed live.
    pub(crate) fn latest(&mut self, latest: u32) -> Vec<u32> {
        self.settle(latest.saturating_add(1));
        match self.high {
            None => {
                self.high = Some(latest);
                Vec::new()
            }
            Some(h) if latest > h => {
                let lost = self.open_gap(h, latest.saturating_add(1));
                self.high = Some(latest);
                lost
            }
            Some(_) => Vec::new(),
        }
    }

    /// Marks `after+1 .. before` missing (the newest `max_recover` of them); returns the rest.
    fn open_gap(&mut self, after: u32, before: u32) -> Vec<u32> {
        let first = after.saturating_add(1);
        let keep_from = before.saturating_sub(self.max_recover).max(first);
        for id in keep_from..before {
            if !self.seen.contains(&id) {
                self.missing.insert(id);
            }
        }
        (first..keep_from)
            .filter(|id| !self.seen.contains(id))
            .collect()
    }

    /// A live push of `id` arrived (call before [`Track::arrive`]).
    pub(crate) fn pushed(&mut self, id: u32) {
        self.settle(id);
    }

    fn settle(&mut self, below: u32) {
        self.settled_below = Some(self.settled_below.map_or(below, |h| h.max(below)));
    }

    /// The first missing ID that can no longer arrive live; with `settled` (no push for a
    /// while) any missing ID.
    pub(crate) fn next_missing(&self, settled: bool) -> Option<u32> {
        let first = self.missing.first().copied()?;
        (settled || self.settled_below.is_some_and(|h| first < h)).then_some(first)
    }

    /// The controller's latest ID seen while subscribed (a periodic MID 0064 with ID 0): IDs
    /// after ours up to it are missing, but may still be on their way as pushes.
    pub(crate) fn observe_latest(&mut self, latest: u32) -> Vec<u32> {
        match self.high {
            Some(h) if latest > h => {
                let lost = self.open_gap(h, latest.saturating_add(1));
                self.high = Some(latest);
                lost
            }
            _ => Vec::new(),
        }
    }

    /// The controller does not have `id` any more.
    pub(crate) fn give_up(&mut self, id: u32) {
        self.missing.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_duplicates_and_the_first_baseline() {
        let mut t = Track::new(None, 1000);
        assert_eq!(
            t.latest(10),
            Vec::<u32>::new(),
            "history before the first connection is not ours"
        );
        assert_eq!(t.arrive(11), (Verdict::Deliver, vec![]));
        assert_eq!(t.arrive(11), (Verdict::Duplicate, vec![]));
        t.pushed(14);
        assert_eq!(t.arrive(14), (Verdict::Deliver, vec![]));
        assert_eq!(t.missing.iter().copied().collect::<Vec<_>>(), vec![12, 13]);
        assert_eq!(t.arrive(12).0, Verdict::Deliver);
        assert_eq!(t.missing.iter().copied().collect::<Vec<_>>(), vec![13]);
        assert_eq!(t.next_missing(false), Some(13), "below the last push");
        t.give_up(13);
        assert_eq!(t.latest(16), Vec::<u32>::new());
        assert_eq!(t.missing.iter().copied().collect::<Vec<_>>(), vec![15, 16]);
        assert_eq!(
            t.next_missing(false),
            Some(15),
            "from before the subscription"
        );
        assert_eq!(t.arrive(18).0, Verdict::Deliver);
        t.pushed(18);
        assert_eq!(
            t.missing.iter().copied().collect::<Vec<_>>(),
            vec![15, 16, 17]
        );
        t.give_up(15);
        t.give_up(16);
        assert_eq!(t.next_missing(false), Some(17));
        assert_eq!(t.high(), Some(18));
    }

    #[test]
    fn a_gap_above_the_last_push_waits_until_settled() {
        let mut t = Track::new(Some(10), 1000);
        t.pushed(11);
        t.arrive(11);
        t.missing.insert(12);
        assert_eq!(t.next_missing(false), None, "12 may still be pushed");
        assert_eq!(t.next_missing(true), Some(12));
        assert_eq!(t.observe_latest(14), Vec::<u32>::new());
        assert_eq!(
            t.missing.iter().copied().collect::<Vec<_>>(),
            vec![12, 13, 14]
        );
        assert_eq!(t.next_missing(false), None, "still maybe in flight");
        t.pushed(13);
        assert_eq!(t.arrive(13).0, Verdict::Deliver);
        assert_eq!(t.next_missing(false), Some(12));
    }

    proptest::proptest! {
        /// Whatever order and repetition results come in (pushes, resends, recoveries),
        /// each ID is delivered once, and every ID between the first and the highest is
        /// either delivered or missing (to be recovered).
        #[test]
        fn delivered_once_and_nothing_unaccounted(
            arrivals in proptest::collection::vec((1u32..60, proptest::bool::ANY), 1..200),
        ) {
            let mut t = Track::new(None, 1000);
            let mut delivered = Vec::new();
            for (id, live) in arrivals {
                if live {
                    t.pushed(id);
                }
                let (verdict, lost) = t.arrive(id);
                proptest::prop_assert!(lost.is_empty());
                if verdict == Verdict::Deliver {
                    delivered.push(id);
                }
            }
            let mut unique = delivered.clone();
            unique.sort_unstable();
            unique.dedup();
            proptest::prop_assert_eq!(unique.len(), delivered.len(), "an ID delivered twice");
            let first = delivered[0];
            let high = t.high().unwrap_or(0);
            for id in first..=high {
                proptest::prop_assert!(unique.binary_search(&id).is_ok() || t.missing.contains(&id), "{} unaccounted", id);
            }
            for id in &t.missing {
                proptest::prop_assert!(unique.binary_search(id).is_err());
            }
        }
    }

    #[test]
    fn resume_point_and_recover_limit() {
        let mut t = Track::new(Some(100), 5);
        assert_eq!(t.latest(110), vec![101, 102, 103, 104, 105]);
        assert_eq!(
            t.missing.iter().copied().collect::<Vec<_>>(),
            vec![106, 107, 108, 109, 110]
        );
        t.give_up(106);
        assert!(!t.missing.contains(&106));
    }
}
